"""Writing a package: what one coder needs to work offline, or the work she did.

The same package serves both ways. From the main project it carries the documents she is to code
(a round's assignments with `--round`, else every document), the codebook, and her own earlier
codings and memo entries — never another coder's, so a blind round stays blind. From her local
project it carries the same documents (by UUID and hash) with her codings now, the UUIDs of
codings and entries she removed, and her log, for `pack import` in the main project.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode import __version__
from qcode.errors import QcodeError
from qcode.export.pack.archive import write_archive
from qcode.store.models import (
    Case,
    Code,
    CodebookVersion,
    Coder,
    Coding,
    Document,
    Event,
    Memo,
    Round,
    RoundAssignment,
    Unit,
    new_uuid,
)

PROJECT_UUID = "project_uuid"  # meta key: the project's identity, copied into local projects
# Her actions that a package carries as history (registrations and imports are the project's).
LOGGED = ("tag", "untag", "recode", "memo", "autocode", "import-coding", "undo", "redo")


@dataclass(frozen=True)
class PackSummary:
    path: Path
    bytes: int
    coder: str
    round: str | None
    documents: int
    codings: int
    memos: int
    removed: int
    events: int


def project_identity(session: Session) -> tuple[str, str]:
    """(uuid, name) of the project; the uuid is made the first time a package needs it."""
    from qcode.store.project import get_meta, set_meta

    found = get_meta(session, PROJECT_UUID)
    if found is None:
        found = new_uuid()
        set_meta(session, PROJECT_UUID, found)
    return found, get_meta(session, "project_name") or ""


def round_scope(session: Session, name: str, coder: Coder) -> tuple[Round, list[int]]:
    """A round by name and the documents it assigns to `coder` (read from the round tables)."""
    from qcode.review.rounds import get_round

    found = get_round(session, name)
    docs = session.execute(
        select(RoundAssignment.document_id).where(RoundAssignment.round_id == found.id,
                                                  RoundAssignment.coder_id == coder.id)
        .order_by(RoundAssignment.document_id)
    ).scalars().all()
    if not docs:
        raise QcodeError(f"round {name} assigns no documents to {coder.name}")
    return found, list(docs)


def export_pack(session: Session, coder: Coder, round_name: str | None, target: Path) -> PackSummary:
    uuid, project_name = project_identity(session)
    chosen, doc_ids = (round_scope(session, round_name, coder) if round_name
                       else (None, list(session.execute(select(Document.id).order_by(Document.id))
                                        .scalars())))
    docs = _documents(session, doc_ids)
    codes = list(session.execute(select(Code).order_by(Code.id)).scalars())
    code_uuid = {c.id: c.uuid for c in codes}
    doc_uuid = {d["_id"]: d["uuid"] for d in docs}
    codings = _codings(session, coder, doc_uuid, code_uuid)
    memos = _memos(session, coder, doc_uuid, code_uuid, {c["_id"]: c["uuid"] for c in codings})
    events, removed_codings, removed_memos = _history(session, coder, codings, memos)
    members = {
        "project.json": {
            "project": {"uuid": uuid, "name": project_name},
            "coder": {"uuid": coder.uuid, "name": coder.name, "role": coder.role},
            "round": _round(chosen, docs), "codebook": _codebook(session, chosen),
            "cases": _cases(session, {d["case"] for d in docs if d["case"]}),
        },
        "codes.json": [_code(c, code_uuid) for c in codes],
        "documents.json": [_public(d) for d in docs],
        "codings.json": {"codings": [_public(c) for c in codings], "removed": removed_codings},
        "memos.json": {"memos": [_public(m) for m in memos], "removed": removed_memos},
        "events.json": events,
    }
    info = {"coder": coder.name, "project": project_name, "qcode": __version__}
    size = write_archive(target, members, info)
    return PackSummary(target, size, coder.name, chosen.name if chosen else None, len(docs),
                       len(codings), len(memos), len(removed_codings) + len(removed_memos),
                       len(events))


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _time(value: Any) -> str:
    return value.isoformat()


def _documents(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    case_uuid = dict(session.execute(select(Case.id, Case.uuid)).tuples().all())
    wanted = set(ids)
    units: dict[int, list[list[Any]]] = {i: [] for i in ids}
    for row in session.execute(
        select(Unit.document_id, Unit.kind, Unit.number, Unit.start, Unit.end, Unit.speaker,
               Unit.timestamp).order_by(Unit.document_id, Unit.kind, Unit.number)
    ).tuples():
        if row[0] in wanted:
            units[row[0]].append(list(row[1:]))
    out = []
    for doc in session.execute(select(Document).where(Document.id.in_(ids)).order_by(Document.id)
                               ).scalars():
        out.append({
            "_id": doc.id, "uuid": doc.uuid, "name": doc.name, "text": doc.text, "sha256": doc.sha256,
            "source_path": doc.source_path, "source_format": doc.source_format,
            "encoding": doc.encoding, "words": doc.words, "metadata_json": doc.metadata_json,
            "case": case_uuid.get(doc.case_id) if doc.case_id else None, "revision": doc.revision,
            "imported_at": _time(doc.imported_at), "updated_at": _time(doc.updated_at),
            "units": units[doc.id],
        })
    return out


def _cases(session: Session, wanted: set[str]) -> list[dict[str, Any]]:
    return [{"uuid": c.uuid, "name": c.name, "attributes": {a.name: a.value for a in c.attributes}}
            for c in session.execute(select(Case).order_by(Case.id)).scalars() if c.uuid in wanted]


def _code(code: Code, code_uuid: dict[int, str]) -> dict[str, Any]:
    return {
        "uuid": code.uuid, "key": code.key, "label": code.label,
        "parent": code_uuid.get(code.parent_id) if code.parent_id else None,
        "position": code.position, "brief": code.brief, "definition": code.definition,
        "when_to_use": code.when_to_use, "when_not_to_use": code.when_not_to_use,
        "examples_json": code.examples_json, "colour": code.colour, "retired": bool(code.retired),
        "applicable": bool(code.applicable), "first_version": code.first_version,
    }


def _codebook(session: Session, chosen: Round | None) -> dict[str, Any] | None:
    query = select(CodebookVersion)
    if chosen is not None and chosen.codebook_version_id is not None:
        query = query.where(CodebookVersion.id == chosen.codebook_version_id)
    version = session.execute(query.order_by(CodebookVersion.number.desc()).limit(1)).scalar()
    if version is None:
        return None
    return {"number": version.number, "name": version.name, "label": version.label,
            "content_hash": version.content_hash, "snapshot_json": version.snapshot_json,
            "source_path": version.source_path, "loaded_by": version.loaded_by,
            "loaded_at": _time(version.loaded_at)}


def _round(chosen: Round | None, docs: list[dict[str, Any]]) -> dict[str, Any] | None:
    if chosen is None:
        return None
    return {"uuid": chosen.uuid, "name": chosen.name, "blind": bool(chosen.blind),
            "status": chosen.status, "documents": [d["uuid"] for d in docs]}


def _codings(session: Session, coder: Coder, doc_uuid: dict[int, str],
             code_uuid: dict[int, str]) -> list[dict[str, Any]]:
    round_uuid = dict(session.execute(select(Round.id, Round.uuid)).tuples().all())
    rows = session.execute(
        select(Coding).where(Coding.coder_id == coder.id, Coding.layer == "coding")
        .order_by(Coding.id)
    ).scalars()
    return [{
        "_id": c.id, "uuid": c.uuid, "document": doc_uuid[c.document_id],
        "code": code_uuid[c.code_id], "coder": coder.uuid, "start": c.start, "end": c.end,
        "quote": c.quote, "prefix": c.prefix, "suffix": c.suffix, "anchor": c.anchor,
        "round": round_uuid.get(c.round_id) if c.round_id else None,
        "created_at": _time(c.created_at), "updated_at": _time(c.updated_at),
    } for c in rows if c.document_id in doc_uuid]


def _memos(session: Session, coder: Coder, doc_uuid: dict[int, str], code_uuid: dict[int, str],
           coding_uuid: dict[int, str]) -> list[dict[str, Any]]:
    """Her own entries on what the package holds (others' notes stay home: rounds may be blind)."""
    targets = {"coding": coding_uuid, "document": doc_uuid, "code": code_uuid}
    out = []
    for memo in session.execute(select(Memo).where(Memo.coder_id == coder.id).order_by(Memo.id)
                                ).scalars():
        if memo.target_type == "project":
            target = None
        else:
            target = targets.get(memo.target_type, {}).get(memo.target_id or -1)
            if target is None:
                continue
        out.append({"_id": memo.id, "uuid": memo.uuid, "target_type": memo.target_type,
                    "target": target, "coder": coder.uuid, "text": memo.text,
                    "created_at": _time(memo.created_at), "updated_at": _time(memo.updated_at)})
    return out


def _one_row(event: Event) -> Iterator[tuple[str, str | None, str | None]]:
    """(target type, before, after) of each row an event names: a package carries one-row
    events, so a compact one (`store.compact_events`) is spelled out row by row."""
    from qcode.store.compact_events import COMPACT, unpack

    if event.target_type not in COMPACT:
        yield event.target_type, event.before_json, event.after_json
        return
    single = COMPACT[event.target_type][0]
    for state in unpack(event.before_json):
        yield single, json.dumps(state, ensure_ascii=False), None
    for state in unpack(event.after_json):
        yield single, None, json.dumps(state, ensure_ascii=False)


def _history(session: Session, coder: Coder, codings: list[dict[str, Any]],
             memos: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Her logged actions on codings and memo entries, and the UUIDs of those she removed."""
    from qcode.coding.history import names_of

    present = {c["uuid"] for c in codings} | {m["uuid"] for m in memos}
    events: list[dict[str, Any]] = []
    removed_codings: set[str] = set()
    removed_memos: set[str] = set()
    for event in session.execute(
        select(Event).where(Event.actor.in_(names_of(session, coder.name)),
                            Event.action.in_(LOGGED)).order_by(Event.id)
    ).scalars():
        for kind, before_json, after_json in _one_row(event):
            before = json.loads(before_json) if before_json else None
            after = json.loads(after_json) if after_json else None
            target = (after or before or {}).get("uuid")
            is_coding, is_memo = kind == "coding", kind.startswith("memo:")
            if not target or not (is_coding or is_memo):
                continue
            if target not in present:
                if after is not None:
                    continue  # a row outside the package (another document, another coder's)
                (removed_codings if is_coding else removed_memos).add(target)
            events.append({"batch": event.batch, "at": _time(event.at), "actor": event.actor,
                           "action": event.action, "target_type": kind, "target": target,
                           "before": before_json, "after": after_json,
                           "summary": event.summary, "undoes": event.undoes})
    # Removed means removed now: a coding untagged and then restored by undo is present.
    return events, sorted(removed_codings - present), sorted(removed_memos - present)
