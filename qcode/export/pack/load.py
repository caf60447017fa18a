"""A new local project from a package: the coder's documents (with the same units, so every
citation matches), the codebook, her round and her earlier work, under the same UUIDs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from qcode.export.pack.build import PROJECT_UUID
from qcode.export.pack.content import Pack
from qcode.store.events import new_batch, record
from qcode.store.models import (
    Case,
    CaseAttribute,
    Code,
    CodebookVersion,
    Coder,
    Coding,
    Document,
    Memo,
    Round,
    RoundAssignment,
    Unit,
)

# A neutral action: the log says where the rows came from, and undo passes over it.
LOADED = "pack-init"


@dataclass(frozen=True)
class LoadSummary:
    coder: str
    round: str | None
    documents: int
    codings: int
    memos: int


def _t(value: str) -> datetime:
    return datetime.fromisoformat(value)


def load_pack(session: Session, pack: Pack) -> LoadSummary:
    """Fill a new, empty project with the package (the caller's one transaction)."""
    from qcode.store.project import set_meta

    set_meta(session, PROJECT_UUID, pack.project["uuid"])
    set_meta(session, "project_name", pack.project["name"])
    set_meta(session, "pack_origin", json.dumps({"path": str(pack.path.name),
                                                 "coder": pack.coder["name"]}))
    coder = Coder(uuid=pack.coder["uuid"], name=pack.coder["name"], role=pack.coder["role"])
    session.add(coder)
    set_meta(session, "default_coder", pack.coder["name"])
    version = _codebook(session, pack)
    codes = _codes(session, pack)
    docs = _documents(session, pack)
    chosen = _round(session, pack, coder, docs, version)
    batch = new_batch()
    codings = _codings(session, pack, coder, docs, codes, chosen, batch)
    _memos(session, pack, coder, docs, codes, codings, batch)
    return LoadSummary(coder.name, chosen.name if chosen else None, len(docs), len(codings),
                       len(pack.memos))


def _codebook(session: Session, pack: Pack) -> CodebookVersion | None:
    book = pack.codebook
    if book is None:
        return None
    version = CodebookVersion(number=book["number"], name=book["name"], label=book["label"],
                              content_hash=book["content_hash"], snapshot_json=book["snapshot_json"],
                              source_path=book["source_path"], loaded_by=book["loaded_by"],
                              loaded_at=_t(book["loaded_at"]))
    session.add(version)
    return version


def _codes(session: Session, pack: Pack) -> dict[str, Code]:
    fields = ("uuid", "key", "label", "position", "brief", "definition", "when_to_use",
              "when_not_to_use", "examples_json", "colour", "retired", "applicable", "first_version")
    codes = {c["uuid"]: Code(**{f: c[f] for f in fields}) for c in pack.codes}
    session.add_all(codes.values())
    session.flush()
    for c in pack.codes:
        if c["parent"]:
            codes[c["uuid"]].parent_id = codes[c["parent"]].id
    return codes


def _documents(session: Session, pack: Pack) -> dict[str, Document]:
    from qcode.store import fulltext
    from qcode.store.bulk import insert_rows

    cases = {}
    for c in pack.cases:
        case = Case(uuid=c["uuid"], name=c["name"])
        case.attributes = [CaseAttribute(name=k, value=v) for k, v in sorted(c["attributes"].items())]
        cases[c["uuid"]] = case
    session.add_all(cases.values())
    docs: dict[str, Document] = {}
    for d in pack.documents:
        doc = Document(uuid=d["uuid"], name=d["name"], text=d["text"], sha256=d["sha256"],
                       source_path=d["source_path"], source_format=d["source_format"],
                       encoding=d["encoding"], chars=len(d["text"]), words=d["words"],
                       metadata_json=d["metadata_json"], revision=d["revision"],
                       imported_at=_t(d["imported_at"]), updated_at=_t(d["updated_at"]))
        if d["case"]:
            doc.case = cases[d["case"]]
        session.add(doc)
        docs[d["uuid"]] = doc
    session.flush()
    conn = session.connection()
    for d in pack.documents:
        doc = docs[d["uuid"]]
        insert_rows(conn, Unit.__table__, [  # type: ignore[arg-type]
            {"document_id": doc.id, "kind": u[0], "number": u[1], "start": u[2], "end": u[3],
             "speaker": u[4], "timestamp": u[5]} for u in d["units"]])
        fulltext.index_document(conn, doc.id, doc.text)
    return docs


def _round(session: Session, pack: Pack, coder: Coder, docs: dict[str, Document],
           version: CodebookVersion | None) -> Round | None:
    if pack.round is None:
        return None
    chosen = Round(uuid=pack.round["uuid"], name=pack.round["name"], blind=pack.round["blind"],
                   status=pack.round["status"], codebook_version_id=version.id if version else None)
    session.add(chosen)
    session.flush()
    session.add_all(RoundAssignment(round_id=chosen.id, coder_id=coder.id,
                                    document_id=docs[u].id) for u in pack.round["documents"])
    return chosen


def _codings(session: Session, pack: Pack, coder: Coder, docs: dict[str, Document],
             codes: dict[str, Code], chosen: Round | None, batch: str) -> dict[str, Coding]:
    from qcode.coding.tagging import snapshot

    out: dict[str, Coding] = {}
    for c in pack.codings:
        coding = Coding(uuid=c["uuid"], document_id=docs[c["document"]].id,
                        code_id=codes[c["code"]].id, coder_id=coder.id, layer="coding",
                        round_id=chosen.id if chosen and c["round"] == chosen.uuid else None,
                        start=c["start"], end=c["end"], quote=c["quote"], prefix=c["prefix"],
                        suffix=c["suffix"], anchor=c["anchor"], created_at=_t(c["created_at"]),
                        updated_at=_t(c["updated_at"]))
        session.add(coding)
        out[c["uuid"]] = coding
    session.flush()
    for coding in out.values():
        record(session, actor=coder.name, action=LOADED, target_type="coding",
               target_id=coding.id, after=snapshot(coding, session), batch=batch,
               summary=f"from package {pack.path.name}")
    return out


def _memos(session: Session, pack: Pack, coder: Coder, docs: dict[str, Document],
           codes: dict[str, Code], codings: dict[str, Coding], batch: str) -> None:
    from qcode.coding.memos import memo_state

    targets: dict[str, dict[str, Any]] = {"coding": codings, "document": docs, "code": codes}
    rows = []
    for m in pack.memos:
        target = None if m["target"] is None else targets[m["target_type"]].get(m["target"])
        if m["target"] is not None and target is None:
            continue  # a note on a coding that is no longer hers to have
        memo = Memo(uuid=m["uuid"], target_type=m["target_type"],
                    target_id=target.id if target is not None else None, coder_id=coder.id,
                    text=m["text"], created_at=_t(m["created_at"]), updated_at=_t(m["updated_at"]))
        session.add(memo)
        rows.append(memo)
    session.flush()
    for memo in rows:
        record(session, actor=coder.name, action=LOADED, target_type=f"memo:{memo.target_type}",
               target_id=memo.id, after=memo_state(memo), batch=batch,
               summary=f"from package {pack.path.name}")
