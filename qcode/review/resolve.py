"""Deciding disagreements: a PI's decision on each, recorded and turned into consensus codings.

`resolve(ID, accept)` takes a disagreement by its stable id (``DOCUMENT:UNIT:CODE``, see
:mod:`qcode.review.disagreements`), checks that the coders still disagree there, and stores
the decision: who, when, which option and why. The decision builds the consensus layer at that
place from the coders' codings there, each cut to the place (a turn, a run of characters, a
segment), so that one decision never reaches into the next unit:

* a coder's name: that coder's codings there;
* ``both``: every coder's codings there, as they are;
* ``union``: per code, every coder's spans merged; ``intersection``: per code, only where all
  coders coded it (nothing when they share none);
* ``none``: no coding there.

``code=`` gives the accepted spans another code (the PI's own reading, e.g. ben's boundaries
with foreign_buyers). The coders' own codings are never changed.

Deciding again (``revise=True``) keeps the history: the old decision is marked superseded and
points to the new one, and its consensus codings are replaced. Every row written is an event
of one batch, so `qcode undo` takes a decision (or a revision) back like any other action.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.rows import row_state
from qcode.errors import NotFoundError, QcodeError, UsageError
from qcode.review.consensus import (
    OPTIONS,
    add_consensus,
    clip,
    combine,
    relabel,
    remove_consensus,
    source_codings,
)
from qcode.store.events import record
from qcode.store.models import (
    Code,
    Coder,
    Coding,
    Document,
    Resolution,
    ResolutionCoding,
    Round,
    RoundAssignment,
    Unit,
    coder_key,
)

KINDS = {"t": "turn", "p": "paragraph", "s": "sentence", "l": "line"}
SPAN_KINDS = ("character", "continuum", "segment")
_LABEL = re.compile(r"([tpsl])([0-9]+)|c([0-9]+)-([0-9]+)|d")


@dataclass(frozen=True)
class Place:
    ident: str
    document: str
    document_id: int
    unit: str
    start: int
    end: int
    code: str
    domain: bool


@dataclass(frozen=True)
class Decision:
    id: int
    disagreement: str
    round: str | None
    unit: str
    document: str
    code: str
    domain: bool
    coders: str
    option: str
    chosen_code: str | None
    note: str
    decided_by: str
    decided_at: str
    revision: int
    status: str
    superseded_by: int | None
    codings: tuple[int, ...]
    replaced: int = 0


def coders_key(names: Sequence[str]) -> str:
    """How a decision names the coders it decided between: folded names, sorted."""
    return ",".join(sorted(coder_key(n) for n in names))


def parse_id(session: Session, ident: str, unit: str | None = None) -> Place:
    """The document, unit and code a disagreement id names."""
    parts = ident.strip().rsplit(":", 2)
    if len(parts) != 3 or not all(parts):
        raise UsageError(f"a disagreement id is DOCUMENT:UNIT:CODE, got {ident!r}",
                         hint="`qcode disagreements` lists them")  # fmt: skip
    name, label, code = parts
    doc = session.execute(select(Document).where(Document.name == name)).scalar()
    if doc is None:
        raise NotFoundError(f"no document {name!r} (from disagreement {ident})")
    match = _LABEL.fullmatch(label)
    if match is None:
        raise UsageError(f"{label!r} is not a unit of a disagreement id (t14, p3, s7, l40, d, "
                         "c1200-1340)")  # fmt: skip
    if label == "d":
        kind, start, end = "document", 0, len(doc.text)
    elif match.group(1):
        kind = KINDS[match.group(1)]
        bounds = session.execute(select(Unit.start, Unit.end).where(
            Unit.document_id == doc.id, Unit.kind == kind,
            Unit.number == int(match.group(2)))).first()  # fmt: skip
        if bounds is None:
            raise NotFoundError(f"{doc.name} has no {kind} {match.group(2)}")
        start, end = int(bounds[0]), int(bounds[1])
    else:
        kind, start, end = unit or "character", int(match.group(3)), int(match.group(4))
        if not start < end <= len(doc.text):
            raise UsageError(f"{label} is not a span of {doc.name}")
    if unit is not None and unit != kind and not (kind in SPAN_KINDS and unit in SPAN_KINDS):
        raise UsageError(f"{ident} names a {kind}, not a {unit} unit")
    domain = code.startswith("@")
    return Place(ident.strip(), doc.name, doc.id, kind, start, end, code[1:] if domain else code,
                 domain)  # fmt: skip


def _comparison(
    session: Session, place: Place, round_name: str | None, coders: Sequence[str]
) -> tuple[Round | None, tuple[str, ...]]:
    """The round (given, or the one round the document is in) and the coders compared."""
    from qcode.review.rounds import get_round

    query = (select(Round, Coder.name).join(RoundAssignment, RoundAssignment.round_id == Round.id)
             .join(Coder, Coder.id == RoundAssignment.coder_id)
             .where(RoundAssignment.document_id == place.document_id))  # fmt: skip
    if round_name is not None:
        query = query.where(Round.id == get_round(session, round_name).id)
    assigned: dict[int, tuple[Round, list[str]]] = {}
    for row, name in session.execute(query.order_by(Round.id, Coder.name)).tuples():
        assigned.setdefault(row.id, (row, []))[1].append(name)
    if coders:
        keys = {coder_key(c) for c in coders}
        fits = [r for r, names in assigned.values() if keys <= {coder_key(n) for n in names}]
        if round_name is not None and not fits:
            raise QcodeError(f"{', '.join(coders)} were not all assigned {place.document} in "
                             f"round {round_name}")  # fmt: skip
        return (fits[0] if len(fits) == 1 else None), tuple(coders)
    if len(assigned) != 1:
        raise UsageError(f"{place.document} is in {len(assigned) or 'no'} round(s): name the "
                         "coders with --coders a,b" + (" or the round with --round"
                                                       if assigned else ""))  # fmt: skip
    row, names = next(iter(assigned.values()))
    if len(names) < 2:
        raise UsageError(f"round {row.name} has one coder on {place.document}; nothing to decide")
    return row, tuple(names)


def _find(session: Session, place: Place, round_name: str | None, coders: tuple[str, ...],
          reading: dict[str, object]) -> set[int]:  # fmt: skip
    """The codes whose codings the disagreement is about, checking that it still is one."""
    from qcode.coding.codes import descendant_ids, resolve_code
    from qcode.review.disagreements import find_disagreements

    code = resolve_code(session, place.code, allow_retired=True)
    attempts: list[dict[str, object]] = (
        [{"domain": code.key}] if place.domain else [{"codes": ()}, {"codes": (code.key,)}])
    for kw in attempts:
        found = find_disagreements(session, coders, unit=place.unit, round_name=round_name,
                                   document=place.document, **kw, **reading)  # type: ignore[arg-type]
        for item in found.items:
            if item.id == place.ident:
                ids = set(descendant_ids(session, code))
                if place.domain:
                    ids.discard(code.id)
                elif kw["codes"] == ():
                    ids = {code.id}
                return ids
    raise NotFoundError(f"the coders {', '.join(coders)} do not disagree at {place.ident}"
                        + (f" in round {round_name}" if round_name else ""),
                        hint="`qcode disagreements` lists where they do")  # fmt: skip


def _option(accept: str, coders: tuple[str, ...]) -> str:
    wanted = accept.strip()
    for name in coders:
        if coder_key(name) == coder_key(wanted):
            return name
    if wanted.lower() in OPTIONS:
        return wanted.lower()
    raise UsageError(f"--accept takes {', '.join((*coders, *OPTIONS))}; got {accept!r}")


def _chosen(session: Session, code: str | None, option: str) -> Code | None:
    if code is None:
        return None
    if option == "none":
        raise UsageError("--code gives the accepted spans a code; with --accept none there are none")
    from qcode.coding.codes import resolve_code

    chosen = resolve_code(session, code)
    if not chosen.applicable:
        raise QcodeError(f"{chosen.key} is a category: it groups codes and is not applied itself")
    return chosen


def active_decision(session: Session, ident: str, key: str, round_id: int | None) -> Resolution | None:
    query = select(Resolution).where(Resolution.disagreement == ident, Resolution.coders == key,
                                     Resolution.status == "active")  # fmt: skip
    if round_id is not None:
        query = query.where(Resolution.round_id == round_id)
    return session.execute(query.order_by(Resolution.id.desc()).limit(1)).scalar()


def _withdraw(session: Session, old: Resolution, actor: str, batch: str) -> int:
    """Take out the consensus codings an old decision made (those no other decision needs)."""
    removed = 0
    for link in list(session.execute(select(ResolutionCoding)
                                     .where(ResolutionCoding.resolution_id == old.id)).scalars()):
        record(session, actor=actor, action="resolve", target_type="decision_coding",
               target_id=old.id, before=row_state(link), batch=batch,
               summary=f"withdraw consensus {link.coding_id} of decision {old.id}")  # fmt: skip
        session.delete(link)
        session.flush()
        others = session.execute(select(ResolutionCoding.resolution_id)
                                 .where(ResolutionCoding.coding_id == link.coding_id)).first()
        coding = session.get(Coding, link.coding_id)
        if link.made and others is None and coding is not None:
            remove_consensus(session, coding, actor=actor, batch=batch, action="resolve")
            removed += 1
    return removed


def resolve(
    session: Session, ident: str, accept: str, *, note: str, actor: Coder, batch: str,
    code: str | None = None, round_name: str | None = None, coders: Sequence[str] = (),
    unit: str | None = None, revise: bool = False, overlap: float = 0.9, uncoded: str = "none",
) -> Decision:
    """Decide the disagreement `ident` (see the module docstring); `overlap` and `uncoded`
    are those of the listing it comes from (`qcode disagreements`)."""
    from qcode.coding.coders import require_pi

    require_pi(session, actor, "resolve disagreements")
    if not note.strip():
        raise UsageError("--note is required: say why, for whoever reads the decision later")
    place = parse_id(session, ident, unit)
    round_row, names = _comparison(session, place, round_name, coders)
    code_ids = _find(session, place, round_row.name if round_row else None, names,
                     {"overlap": overlap, "uncoded": uncoded})
    option = _option(accept, names)
    chosen = _chosen(session, code, option)
    key = coders_key(names)
    old = active_decision(session, place.ident, key, round_row.id if round_row else None)
    if old is not None and not revise:
        raise QcodeError(f"{place.ident} is already decided ({old.option}, revision "
                         f"{old.revision})", hint="pass --revise to decide again; the old "
                         "decision stays in its history")  # fmt: skip
    if old is None and revise:
        raise UsageError(f"{place.ident} has no decision to revise")
    new = Resolution(disagreement=place.ident, round_id=round_row.id if round_row else None,
                     unit=place.unit, document_id=place.document_id, start=place.start,
                     end=place.end, code=place.code, domain=place.domain, coders=key,
                     option=option, chosen_code=chosen.key if chosen else None,
                     note=note.strip(), decided_by=actor.id,
                     revision=old.revision + 1 if old is not None else 1)  # fmt: skip
    session.add(new)
    session.flush()
    record(session, actor=actor.name, action="resolve", target_type="resolution",
           target_id=new.id, after=row_state(new), batch=batch,
           summary=f"resolve {place.ident}: {option}")  # fmt: skip
    replaced = 0
    if old is not None:
        replaced = _withdraw(session, old, actor.name, batch)
        before = row_state(old)
        old.status, old.superseded_by_id = "superseded", new.id
        session.flush()
        record(session, actor=actor.name, action="resolve", target_type="resolution",
               target_id=old.id, before=before, after=row_state(old), batch=batch,
               summary=f"decision {old.id} on {place.ident} superseded by {new.id}")  # fmt: skip
    _consensus(session, new, place, names, code_ids, chosen, actor, batch)
    return _decision(session, new, replaced)


def _consensus(session: Session, new: Resolution, place: Place, names: tuple[str, ...],
               code_ids: set[int], chosen: Code | None, actor: Coder, batch: str) -> None:  # fmt: skip
    ids = {c.id: c.name for c in session.execute(select(Coder).where(Coder.name.in_(names)))
           .scalars()}  # fmt: skip
    codings = source_codings(session, place.document_id, ids, code_ids, place.start, place.end)
    per_coder = {name: clip((c for c in codings if c.coder == name), place.start, place.end)
                 for name in names}  # fmt: skip
    pieces = combine(per_coder, new.option, names)
    if chosen is not None:
        pieces = relabel(pieces, chosen.id)
    doc = session.get(Document, place.document_id)
    assert doc is not None
    for coding, made in add_consensus(session, doc, pieces, pi=actor, round_id=new.round_id,
                                      batch=batch, action="resolve"):  # fmt: skip
        link = ResolutionCoding(resolution_id=new.id, coding_id=coding.id, made=made)
        session.add(link)
        session.flush()
        record(session, actor=actor.name, action="resolve", target_type="decision_coding",
               target_id=new.id, after=row_state(link), batch=batch,
               summary=f"decision {new.id} stands on consensus {coding.id}")  # fmt: skip


def _decision(session: Session, row: Resolution, replaced: int = 0) -> Decision:
    doc = session.get(Document, row.document_id)
    pi = session.get(Coder, row.decided_by)
    found = session.get(Round, row.round_id) if row.round_id is not None else None
    codings = tuple(session.execute(select(ResolutionCoding.coding_id)
                                    .where(ResolutionCoding.resolution_id == row.id)
                                    .order_by(ResolutionCoding.coding_id)).scalars())
    return Decision(row.id, row.disagreement, found.name if found else None, row.unit,
                    doc.name if doc else "?", row.code, bool(row.domain), row.coders, row.option,
                    row.chosen_code, row.note, pi.name if pi else "?",
                    row.decided_at.isoformat(timespec="seconds"), row.revision, row.status,
                    row.superseded_by_id, codings, replaced)  # fmt: skip


def decision_history(session: Session, ident: str | None = None,
                     round_name: str | None = None) -> list[Decision]:  # fmt: skip
    """Every decision (revisions and superseded ones too), by disagreement and revision."""
    query = select(Resolution)
    if ident is not None:
        query = query.where(Resolution.disagreement == ident.strip())
    if round_name is not None:
        from qcode.review.rounds import get_round

        query = query.where(Resolution.round_id == get_round(session, round_name).id)
    rows = session.execute(query.order_by(Resolution.disagreement, Resolution.revision,
                                          Resolution.id)).scalars()  # fmt: skip
    return [_decision(session, r) for r in rows]
