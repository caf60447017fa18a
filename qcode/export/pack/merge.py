"""Merging a package into a project by identity: the coder's codings, memo entries and log.

Rows are matched by UUID and documents also by their text's hash, never by name or id. What is
new is added, what she changed is changed, what she removed is removed — only ever her own rows,
and only on documents whose text is still the one she coded: a document changed since the package
was made is refused (its work stays out, the rest goes in). Importing the same package again
finds everything in place and changes nothing. Each change is a `pack-import` event in one batch
by whoever runs the import, so one `qcode undo` takes the whole import back; her own log comes
along as `offline:` history, each of her batches once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import QcodeError
from qcode.export.pack.build import PROJECT_UUID
from qcode.export.pack.content import Pack
from qcode.store.events import record
from qcode.store.models import Code, Coder, Coding, Document, Event, Memo, utcnow

ACTION = "pack-import"
OFFLINE = "offline:"


@dataclass
class MergeResult:
    coder: str
    documents: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    removed: int = 0
    memos_added: int = 0
    memos_changed: int = 0
    memos_removed: int = 0
    events: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return (self.added + self.changed + self.removed + self.memos_added + self.memos_changed
                + self.memos_removed)


@dataclass
class _Scope:
    pack: Pack
    coder: Coder
    actor: str
    batch: str
    docs: dict[str, Document]  # pack document uuid -> the project's, same text
    codes: dict[str, Code]
    result: MergeResult
    refused: set[str] = field(default_factory=set)  # names as the package has them


def import_pack(session: Session, pack: Pack, actor: str, *, batch: str) -> MergeResult:
    from qcode.store.postgres import serialize

    serialize(session, "qcode-pack-import")  # two imports of one package must not interleave
    coder = _check_identity(session, pack)
    scope = _Scope(pack, coder, actor, batch, {}, {}, MergeResult(coder.name))
    _match_documents(session, scope)
    scope.codes = {c.uuid: c for c in session.execute(select(Code)).scalars()}
    _merge_codings(session, scope)
    _merge_memos(session, scope)
    _copy_history(session, scope)
    return scope.result


def _check_identity(session: Session, pack: Pack) -> Coder:
    from qcode.store.project import get_meta

    if get_meta(session, PROJECT_UUID) != pack.project["uuid"]:
        raise QcodeError(
            f"{pack.path}: this package was made from another project "
            f"({pack.project['name'] or 'unnamed'}); nothing was imported",
            hint="import it into the project it was exported from")
    coder = session.execute(select(Coder).where(Coder.uuid == pack.coder["uuid"])).scalar()
    if coder is None:
        raise QcodeError(f"{pack.path}: its coder {pack.coder['name']} is not in this project; "
                         "nothing was imported")
    return coder


def _match_documents(session: Session, scope: _Scope) -> None:
    wanted = [d["uuid"] for d in scope.pack.documents]
    found: dict[str, Document] = {}
    for start in range(0, len(wanted), 500):
        found.update((d.uuid, d) for d in session.execute(
            select(Document).where(Document.uuid.in_(wanted[start:start + 500]))).scalars())
    for d in scope.pack.documents:
        mine = found.get(d["uuid"])
        if mine is None or mine.sha256 != d["sha256"]:
            scope.refused.add(d["name"])
        if mine is None:
            scope.result.refused.append((d["name"], "it is not in this project"))
        elif mine.sha256 != d["sha256"]:
            scope.result.refused.append(
                (mine.name, "its text changed since the package was made; its work was not "
                            "imported (export a new package for it)"))
        else:
            scope.docs[d["uuid"]] = mine
    scope.result.documents = len(scope.docs)


def _by_uuid(session: Session, model: Any, uuids: list[str]) -> dict[str, Any]:
    """Rows by UUID, locked: the coder may be changing them in the project right now."""
    out: dict[str, Any] = {}
    for start in range(0, len(uuids), 500):
        out.update((row.uuid, row) for row in session.execute(
            select(model).where(model.uuid.in_(uuids[start:start + 500])).order_by(model.id)
            .with_for_update(), execution_options={"populate_existing": True}).scalars())
    return out


def _merge_codings(session: Session, scope: _Scope) -> None:
    pack, result = scope.pack, scope.result
    rows = _by_uuid(session, Coding, [c["uuid"] for c in pack.codings] + pack.removed_codings)
    ok_ids = {d.id for d in scope.docs.values()}
    for c in pack.codings:
        doc, code = scope.docs.get(c["document"]), scope.codes.get(c["code"])
        if doc is None:
            continue
        if code is None:
            result.skipped.append(f"coding {c['uuid']}: its code is not in this project")
            continue
        row = rows.get(c["uuid"])
        if row is None:
            _add_coding(session, scope, c, doc, code)
        elif row.coder_id != scope.coder.id or row.document_id != doc.id:
            result.skipped.append(f"coding {row.id} now belongs to someone else; left as it is")
        elif (row.code_id, row.start, row.end) != (code.id, c["start"], c["end"]):
            _change_coding(session, scope, row, c, code)
    for uuid in pack.removed_codings:
        row = rows.get(uuid)
        if row is not None and row.coder_id == scope.coder.id and row.document_id in ok_ids:
            _remove_coding(session, scope, row)


def _clash(session: Session, doc: Document, code: Code, coder: Coder, start: int, end: int) -> bool:
    return session.execute(select(Coding.id).where(
        Coding.document_id == doc.id, Coding.code_id == code.id, Coding.coder_id == coder.id,
        Coding.layer == "coding", Coding.start == start, Coding.end == end)).first() is not None


def _fill(row: Coding, doc: Document, c: dict[str, Any]) -> None:
    from qcode.corpus.anchoring import context

    row.start, row.end = c["start"], c["end"]
    row.quote = doc.text[c["start"]:c["end"]]
    row.prefix, row.suffix = context(doc.text, c["start"], c["end"])
    row.anchor = "ok"


def _add_coding(session: Session, scope: _Scope, c: dict[str, Any], doc: Document, code: Code) -> None:
    from qcode.coding.tagging import snapshot

    if _clash(session, doc, code, scope.coder, c["start"], c["end"]):
        return  # she coded the same passage in the project too: it is there once
    row = Coding(uuid=c["uuid"], document_id=doc.id, code_id=code.id, coder_id=scope.coder.id,
                 layer="coding", created_at=_time(c["created_at"]), updated_at=utcnow())
    _fill(row, doc, c)
    session.add(row)
    session.flush()
    _event(session, scope, "coding", row.id, None, snapshot(row, session),
           f"{doc.name} c{row.start}-{row.end} {code.key} ({scope.coder.name})")
    scope.result.added += 1


def _change_coding(session: Session, scope: _Scope, row: Coding, c: dict[str, Any], code: Code) -> None:
    from qcode.coding.tagging import snapshot

    doc = session.get(Document, row.document_id)
    assert doc is not None
    if _clash(session, doc, code, scope.coder, c["start"], c["end"]):
        scope.result.skipped.append(f"coding {row.id}: the project already has its new state")
        return
    before = snapshot(row, session)
    row.code_id = code.id
    _fill(row, doc, c)
    row.updated_at = utcnow()
    session.flush()
    _event(session, scope, "coding", row.id, before, snapshot(row, session),
           f"{before['code']} -> {code.key} {doc.name} c{row.start}-{row.end}")
    scope.result.changed += 1


def _remove_coding(session: Session, scope: _Scope, row: Coding) -> None:
    from qcode.coding.tagging import snapshot

    before = snapshot(row, session)
    session.delete(row)
    session.flush()
    _event(session, scope, "coding", before["id"], before, None,
           f"removed {before['document']} c{before['start']}-{before['end']} {before['code']}")
    scope.result.removed += 1


def _event(session: Session, scope: _Scope, kind: str, target_id: int | None, before: Any,
           after: Any, what: str) -> None:
    record(session, actor=scope.actor, action=ACTION, target_type=kind, target_id=target_id,
           before=before, after=after, batch=scope.batch,
           summary=f"{ACTION} {scope.pack.path.name}: {what}")


def _time(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value)


def _memo_target(session: Session, scope: _Scope, m: dict[str, Any]) -> tuple[bool, int | None]:
    """(usable, target id) for an entry: its coding, document or code must be here and not in a
    refused document."""
    kind, target = m["target_type"], m["target"]
    if kind == "project":
        return True, None
    if kind == "document":
        doc = scope.docs.get(target)
        return doc is not None, doc.id if doc else None
    if kind == "code":
        code = scope.codes.get(target)
        return code is not None, code.id if code else None
    row = session.execute(select(Coding.id, Coding.document_id).where(Coding.uuid == target)).first()
    ok_ids = {d.id for d in scope.docs.values()}
    return (row is not None and row.document_id in ok_ids), row.id if row else None


def _merge_memos(session: Session, scope: _Scope) -> None:
    from qcode.coding.memos import memo_state

    pack, result = scope.pack, scope.result
    rows = _by_uuid(session, Memo, [m["uuid"] for m in pack.memos] + pack.removed_memos)
    for m in pack.memos:
        usable, target_id = _memo_target(session, scope, m)
        row = rows.get(m["uuid"])
        if not usable or (row is not None and row.coder_id != scope.coder.id):
            continue
        if row is None:
            row = Memo(uuid=m["uuid"], target_type=m["target_type"], target_id=target_id,
                       coder_id=scope.coder.id, text=m["text"], created_at=_time(m["created_at"]),
                       updated_at=utcnow())
            session.add(row)
            session.flush()
            _event(session, scope, f"memo:{row.target_type}", row.id, None, memo_state(row),
                   f"memo on {row.target_type}")
            result.memos_added += 1
        elif row.text != m["text"]:
            before = memo_state(row)
            row.text, row.updated_at = m["text"], utcnow()
            session.flush()
            _event(session, scope, f"memo:{row.target_type}", row.id, before, memo_state(row),
                   f"edit memo {row.id}")
            result.memos_changed += 1
    for uuid in pack.removed_memos:
        row = rows.get(uuid)
        if row is not None and row.coder_id == scope.coder.id:
            before = memo_state(row)
            session.delete(row)
            session.flush()
            _event(session, scope, f"memo:{row.target_type}", before["memo_id"], before, None,
                   f"delete memo {before['memo_id']}")
            result.memos_removed += 1


def _copy_history(session: Session, scope: _Scope) -> None:
    """Her batches not yet in the log, as `offline:` history (undo passes over them). A batch
    touching a refused document waits for the package that brings that document's work."""
    pack = scope.pack
    batches: dict[str, list[dict[str, Any]]] = {}
    for e in pack.events:
        batches.setdefault(e["batch"], []).append(e)
    known: set[str] = set()
    names = list(batches)
    for start in range(0, len(names), 500):
        known.update(session.execute(select(Event.batch).where(
            Event.batch.in_(names[start:start + 500]))).scalars())
    ids = _ids_by_uuid(session, [e["target"] for e in pack.events if e["target"]])
    for batch, events in batches.items():
        if batch in known or any(_document_of(e) in scope.refused for e in events):
            continue
        for e in events:
            session.add(Event(at=_time(e["at"]), actor=e["actor"],
                              action=(OFFLINE + e["action"])[:32], batch=batch,
                              target_type=e["target_type"], target_id=ids.get(e["target"] or ""),
                              before_json=e["before"], after_json=e["after"],
                              summary=f"offline: {e['summary']}", undoes=e["undoes"]))
            scope.result.events += 1


def _document_of(event: dict[str, Any]) -> str | None:
    for side in (event["after"], event["before"]):
        try:
            state = json.loads(side) if side else None
        except ValueError:
            return None
        if isinstance(state, dict) and isinstance(state.get("document"), str):
            return str(state["document"])
    return None


def _ids_by_uuid(session: Session, uuids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for model in (Coding, Memo):
        for start in range(0, len(uuids), 500):
            out.update(session.execute(select(model.uuid, model.id).where(
                model.uuid.in_(uuids[start:start + 500]))).tuples().all())
    return out
