"""The audit trail read back: the log, and undo/redo of a coder's own actions.

A coder's history is the sequence of their batches (one per command). Undo reverses the latest
batch still in effect; redo re-applies the latest undone batch, as long as the coder has done
nothing new since. Before changing anything, each step checks that the rows are still as the
batch left them, so undo never overwrites what someone else did afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.coding.rounds_lookup import forget
from qcode.coding.rows import ROW_TYPES, set_row
from qcode.errors import QcodeError
from qcode.store.events import new_batch, record
from qcode.store.models import Coder, Coding, Event, Memo, utcnow

REVERSIBLE = {"tag", "autocode", "import-coding", "untag", "recode", "memo", "coder", "merge-coder",
              "pack-import", "round", "resolve", "consensus"}
# Registering a coder (or her login on a team server) changes no one's work, and a local
# project's first rows came from a package:
# neither undoes nor stands in the way of an undo; nor does a coder's offline history (`offline:`
# events), which records what she did elsewhere, brought in by a `pack-import` that is undoable.
NEUTRAL = {"add-coder", "pack-init", "team"}
OFFLINE = "offline:"


@dataclass(frozen=True)
class LogEntry:
    id: int
    at: str
    actor: str
    action: str
    batch: str
    target: str
    summary: str


@dataclass(frozen=True)
class StepResult:
    batch: str
    action: str
    changes: int
    summary: str


def read_log(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
) -> list[LogEntry]:
    query = select(Event).order_by(Event.id.desc())
    if actor:
        from qcode.coding.coders import lookup

        known = lookup(session, actor)
        query = query.where(Event.actor.in_(names_of(session, known.name if known else actor)))
    if action:
        query = query.where(Event.action == action)
    if since:
        query = query.where(Event.at >= since)
    if limit:
        query = query.limit(limit)
    events = _visible_events(session, list(session.execute(query).scalars()))
    return [
        LogEntry(e.id, e.at.isoformat(timespec="seconds"), e.actor, e.action, e.batch,
                 f"{e.target_type} {e.target_id}" if e.target_id is not None else e.target_type,
                 e.summary)
        for e in reversed(events)
    ]


def _visible_events(session: Session, events: list[Event]) -> list[Event]:
    """Leave out changes to codings that the blind rule hides from the viewer (another coder's,
    or the consensus layer's, on a document of an open blind round)."""
    from qcode.store.visibility import hidden_documents, viewer

    hidden = hidden_documents(session)
    if not hidden:
        return events
    who = viewer(session)

    def shown(event: Event) -> bool:
        if event.target_type == "codings":  # many rows (`store.compact_events`)
            from qcode.store.compact_events import unpack

            states = unpack(event.before_json) + unpack(event.after_json)
        elif event.target_type != "coding":
            return True
        else:
            states = [s for s in (_load(event.before_json), _load(event.after_json)) if s]
        return not any(s.get("document_id") in hidden and (
            s.get("coder_id") != who.coder_id or s.get("layer") == "consensus")
            for s in states)  # fmt: skip

    return [e for e in events if shown(e)]


def names_of(session: Session, actor: str) -> set[str]:
    """Every name the coder called `actor` has had: the log keeps the name used at the time."""
    names, renames = {actor}, []
    for before, after in session.execute(
        select(Event.before_json, Event.after_json).where(
            Event.target_type == "coder", Event.action == "coder"
        )
    ).all():
        old, new = _load(before), _load(after)
        if old and new and old.get("name") != new.get("name"):
            renames.append((old["name"], new["name"]))
    grown = True
    while grown:
        grown = False
        for old, new in renames:
            if new in names and old not in names:
                names.add(old)
                grown = True
    return names


@dataclass(frozen=True)
class _Batch:
    """One batch as the history sees it: its first event, and how many it has."""

    batch: str
    action: str
    undoes: str | None
    summary: str
    size: int


def _batches(session: Session, actor: str) -> list[_Batch]:
    """The actor's batches, oldest first, without reading any event's before/after state."""
    names = names_of(session, actor)
    firsts = session.execute(
        select(Event.batch, func.min(Event.id), func.count(Event.id))
        .where(Event.actor.in_(names)).group_by(Event.batch)
    ).all()
    sizes = {first: size for _batch, first, size in firsts}
    found: list[tuple[int, _Batch]] = []
    ids = sorted(sizes)
    for start in range(0, len(ids), 500):
        for event_id, batch, action, undoes, summary in session.execute(
            select(Event.id, Event.batch, Event.action, Event.undoes, Event.summary)
            .where(Event.id.in_(ids[start : start + 500]))
        ).all():
            found.append((event_id, _Batch(batch, action, undoes, summary, sizes[event_id])))
    return [b for _, b in sorted(found, key=lambda pair: pair[0])]


def _state(session: Session, actor: str) -> tuple[list[_Batch], list[_Batch]]:
    """(batches in effect, batches undone and redoable), newest last."""
    applied: list[_Batch] = []
    redoable: list[_Batch] = []
    by_batch: dict[str, _Batch] = {}
    undo_of: dict[str, str] = {}
    for head in _batches(session, actor):
        if head.action in NEUTRAL or head.action.startswith(OFFLINE):
            continue
        by_batch[head.batch] = head
        if head.action == "undo" and head.undoes:
            undo_of[head.batch] = head.undoes
            applied = [b for b in applied if b.batch != head.undoes]
            redoable.append(by_batch[head.undoes])
        elif head.action == "redo" and head.undoes:
            original = undo_of.get(head.undoes)
            redoable = [b for b in redoable if b.batch != original]
            if original in by_batch:
                applied.append(by_batch[original])
        else:
            applied.append(head)
            redoable = []
    return applied, redoable


def _one_at_a_time(session: Session, actor: str) -> None:
    """Two undos (or redos) by one coder at once would both pick the same batch."""
    from qcode.store.postgres import serialize

    serialize(session, f"qcode-history:{actor}")


def undo(session: Session, actor: str) -> StepResult:
    _one_at_a_time(session, actor)
    applied, _ = _state(session, actor)
    target = next((b for b in reversed(applied) if b.action in REVERSIBLE), None)
    if target is None:
        raise QcodeError(f"nothing to undo for {actor}")
    if applied and applied[-1] is not target:
        raise QcodeError(
            f"{actor}'s last action ({applied[-1].action}) cannot be undone",
            hint="a codebook load is undone by loading the previous codebook file",
        )
    batch = new_batch()
    changes = _step(session, target, forward=False, actor=actor, batch=batch,
                    undoes=target.batch, label="undo")
    return StepResult(batch, target.action, changes, target.summary)


def redo(session: Session, actor: str) -> StepResult:
    _one_at_a_time(session, actor)
    _applied, redoable = _state(session, actor)
    if not redoable:
        raise QcodeError(f"nothing to redo for {actor}")
    target = redoable[-1]
    undo_batch = _undo_batch_of(session, actor, target.batch)
    batch = new_batch()
    changes = _step(session, target, forward=True, actor=actor, batch=batch, undoes=undo_batch,
                    label="redo")
    return StepResult(batch, target.action, changes, target.summary)


def _step(session: Session, target: _Batch, *, forward: bool, actor: str, batch: str,
          undoes: str, label: str) -> int:
    """Creations and removals of codings and memos set-wise; anything else event by event.
    How many rows changed."""
    from qcode.coding.batch_undo import apply_batch, is_set_wise

    if is_set_wise(session, target.batch):
        return apply_batch(session, target.batch, forward=forward, actor=actor, batch=batch,
                           undoes=undoes, label=label)
    events = list(session.execute(
        select(Event).where(Event.batch == target.batch).order_by(Event.id)).scalars())
    _preload(session, events)
    for event in (events if forward else reversed(events)):
        _apply(session, event, forward=forward, actor=actor, batch=batch, undoes=undoes,
               label=label)
    return len(events)


def _preload(session: Session, events: list[Event]) -> None:
    """Bring a batch's codings into the session at once (a bulk action may touch thousands)."""
    ids = [e.target_id for e in events if e.target_type == "coding" and e.target_id is not None]
    for start in range(0, len(ids), 500):
        # Locked, and read afresh: undo checks each row's state, which must not move under it.
        session.execute(
            select(Coding).where(Coding.id.in_(ids[start : start + 500]))
            .order_by(Coding.id).with_for_update(),
            execution_options={"populate_existing": True},
        ).all()


def _undo_batch_of(session: Session, actor: str, original: str) -> str:
    found = session.execute(
        select(Event.batch).where(Event.actor == actor, Event.action == "undo",
                                  Event.undoes == original).order_by(Event.id.desc()).limit(1)
    ).scalar()
    assert found is not None
    return found


def _load(text: str | None) -> Any:
    return json.loads(text) if text else None


def _apply(session: Session, event: Event, *, forward: bool, actor: str, batch: str,
           undoes: str, label: str) -> None:
    """Move one event's target from its before-state to its after-state (or back)."""
    before, after = _load(event.before_json), _load(event.after_json)
    if not forward:
        before, after = after, before
    if event.target_type == "coding":
        _set_coding(session, event.target_id, expected=before, wanted=after)
    elif event.target_type.startswith("memo:"):
        _set_memo(session, event, expected=before, wanted=after)
    elif event.target_type == "coder":
        _set_coder(session, event.target_id, expected=before, wanted=after)
    elif event.target_type in ROW_TYPES:
        set_row(session, event.target_type, expected=before, wanted=after)
        if event.target_type.startswith("round"):
            forget(session)
    else:
        raise QcodeError(f"cannot {label} a {event.action}")
    record(session, actor=actor, action=label, target_type=event.target_type,
           target_id=event.target_id, before=before, after=after, batch=batch,
           summary=f"{label} {event.summary}", undoes=undoes)


_FIELDS = ("document_id", "code_id", "coder_id", "layer", "round_id", "start", "end", "quote",
           "prefix", "suffix", "anchor", "uuid")


def _coding_fields(snap: dict[str, Any]) -> dict[str, Any]:
    # Events written before schema 3 have no uuid (and a memo, now in the memo thread).
    return {k: snap[k] for k in _FIELDS if k in snap}


def _set_coding(session: Session, coding_id: int | None, *, expected: Any, wanted: Any) -> None:
    row = session.get(Coding, coding_id) if coding_id is not None else None
    if expected is None and row is not None:
        raise QcodeError(f"coding {coding_id} exists again; nothing was changed")
    if expected is not None:
        if row is None:
            raise QcodeError(f"coding {coding_id} was removed since; nothing was changed")
        current = {k: getattr(row, k) for k in _coding_fields(expected)}
        if current != _coding_fields(expected):
            raise QcodeError(f"coding {coding_id} was changed since; nothing was changed",
                             hint="see `qcode log` for who changed it")
    if wanted is None:
        session.delete(row)
        return
    if row is None:
        row = Coding(id=coding_id, created_at=datetime.fromisoformat(wanted["created_at"])
                     if wanted.get("created_at") else utcnow())
        session.add(row)
    for key, value in _coding_fields(wanted).items():
        setattr(row, key, value)
    row.updated_at = utcnow()


def _set_memo(session: Session, event: Event, *, expected: Any, wanted: Any) -> None:
    memo_id = event.target_id
    row = (session.get(Memo, memo_id, with_for_update=True, populate_existing=True)
           if memo_id is not None else None)
    current = row.text if row is not None else None
    if current != (expected["text"] if expected else None):
        raise QcodeError(f"memo {memo_id} was changed since; nothing was changed")
    if wanted is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        kind = event.target_type.split(":", 1)[1]
        row = Memo(id=memo_id, target_type=kind, target_id=wanted.get("target_id"),
                   coder_id=wanted.get("coder_id"), text=wanted["text"])
        if wanted.get("uuid"):
            row.uuid = wanted["uuid"]
        if wanted.get("created_at"):
            row.created_at = datetime.fromisoformat(wanted["created_at"])
        session.add(row)
    row.text = wanted["text"]
    row.updated_at = utcnow()


def _set_coder(session: Session, coder_id: int | None, *, expected: Any, wanted: Any) -> None:
    row = session.get(Coder, coder_id) if coder_id is not None else None
    if row is None:
        raise QcodeError(f"coder {coder_id} is gone; nothing was changed")
    fields = ("name", "role", "retired")
    if expected is not None and any(getattr(row, f) != expected[f] for f in fields):
        raise QcodeError(f"coder {row.name} was changed since; nothing was changed")
    if wanted is None:  # undoing the coder's registration: keep the person, retire them
        row.retired = True
        return
    row.name, row.role, row.retired = wanted["name"], wanted["role"], wanted["retired"]
    session.flush()
