"""`qcode export qdpx FILE`: the project as a REFI-QDA project (valid against Project.xsd).

What goes where (REFI-QDA 1.5; element order as the schema's sequences require):

* Users: every coder, GUID = the coder's uuid.
* CodeBook: the code tree (see codebook.py); code memos as Notes referred to from their Code.
* Variables and Cases: each case attribute is a Variable (typed Integer, Float, Boolean or Date
  when every value is written that way, else Text), each case a Case with its values and its
  documents as SourceRefs.
* Sources: each document a TextSource whose text is `sources/<uuid>.txt` (UTF-8, no BOM, `\\n`:
  exactly the text the positions count), its codings grouped into one PlainTextSelection per
  span (named after the quote, so the file checks itself), each Coding with its coder and time;
  coding and document memos as Notes referred to from the Coding or the TextSource.
* Notes: every memo entry, with its author and times. Sets: coding rounds (their documents).

GUIDs are the rows' uuids (derived ones for selections and variables), so every export of a
project names each thing the same way; with members and time stamps fixed, an unchanged
project gives the same bytes. Only coders' own codings are written (a consensus layer is not
yet a REFI concept), and orphaned codings, whose text is gone, are left out and counted.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.export.refi.xml import PROJECT_NS, XmlWriter, derived_guid, timestamp
from qcode.store.models import (
    Case,
    CaseAttribute,
    Code,
    Coder,
    Coding,
    Document,
    Memo,
    Round,
    RoundAssignment,
)

_NAME_LIMIT = 100
_TYPES = (
    ("Integer", "IntegerValue", re.compile(r"[+-]?\d+")),
    ("Float", "FloatValue", re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)")),
    ("Boolean", "BooleanValue", re.compile(r"true|false")),
    ("Date", "DateValue", re.compile(r"\d{4}-\d{2}-\d{2}")),
)


@dataclass
class ExportSummary:
    path: str
    bytes: int
    counts: Counter[str] = field(default_factory=Counter)
    left_out: Counter[str] = field(default_factory=Counter)


@dataclass
class _Data:
    """The rows an export writes, read once."""

    coders: list[Coder]
    documents: list[Document]
    codings: dict[int, list[Coding]]  # document id ->
    memos: dict[str, dict[int | None, list[Memo]]]  # target kind -> target id ->
    cases: list[Case]
    attributes: dict[int, dict[str, str | None]]
    code_uuids: dict[int, str]
    left_out: Counter[str]


def export_qdpx(session: Session, path: Path) -> ExportSummary:
    from qcode.export.refi.archive import write_archive

    data = _read(session)
    xml = _project_xml(session, data)
    members = [("project.qde", xml)]
    members += [(f"sources/{d.uuid}.txt", d.text.encode("utf-8")) for d in data.documents]
    size = write_archive(path, members)
    summary = ExportSummary(str(path), size, left_out=data.left_out)
    summary.counts.update({
        "coders": len(data.coders), "documents": len(data.documents), "cases": len(data.cases),
        "codings": sum(len(c) for c in data.codings.values()),
        "memos": sum(len(m) for by_target in data.memos.values() for m in by_target.values()),
    })
    return summary


def _read(session: Session) -> _Data:
    left: Counter[str] = Counter()
    documents = list(session.execute(select(Document).order_by(Document.name)).scalars())
    lengths = {d.id: len(d.text) for d in documents}
    codings: dict[int, list[Coding]] = defaultdict(list)
    for coding in session.execute(select(Coding).order_by(Coding.document_id, Coding.start, Coding.end,
                                                          Coding.id)).scalars():
        if coding.layer != "coding":
            left[f"{coding.layer} codings"] += 1
        elif coding.anchor == "orphaned" or not 0 <= coding.start < coding.end <= lengths[coding.document_id]:
            left["orphaned codings (their text is gone)"] += 1
        else:
            codings[coding.document_id].append(coding)
    kept = {c.id for found in codings.values() for c in found}
    memos: dict[str, dict[int | None, list[Memo]]] = defaultdict(lambda: defaultdict(list))
    for memo in session.execute(select(Memo).order_by(Memo.id)).scalars():
        if memo.target_type == "coding" and memo.target_id not in kept:
            left["memos on codings left out"] += 1
            continue
        memos[memo.target_type][memo.target_id].append(memo)
    attributes: dict[int, dict[str, str | None]] = defaultdict(dict)
    for attribute in session.execute(select(CaseAttribute).order_by(CaseAttribute.name)).scalars():
        attributes[attribute.case_id][attribute.name] = attribute.value
    return _Data(
        coders=list(session.execute(select(Coder).order_by(Coder.key)).scalars()),
        documents=documents, codings=codings, memos=memos,
        cases=list(session.execute(select(Case).order_by(Case.name)).scalars()),
        attributes=attributes, left_out=left,
        code_uuids=dict(session.execute(select(Code.id, Code.uuid)).tuples().all()),
    )


def _project_xml(session: Session, data: _Data) -> bytes:
    from qcode import __version__
    from qcode.store.project import get_meta

    out = XmlWriter()
    creator = next((c for c in data.coders if c.role == "pi"), None)
    created = get_meta(session, "created_at")
    out.start("Project", {
        "xmlns": PROJECT_NS, "name": get_meta(session, "project_name") or "qcode project",
        "origin": f"qcode {__version__}", "creatingUserGUID": creator.uuid if creator else None,
        "creationDateTime": _meta_time(created),
    })
    if data.coders:
        out.start("Users")
        for coder in data.coders:
            out.empty("User", {"guid": coder.uuid, "name": coder.name})
        out.end("Users")
    _codebook(session, out, data)
    variables = _variables(data, created or "")
    _cases(out, data, variables)
    coders = {c.id: c.uuid for c in data.coders}
    if data.documents:
        out.start("Sources")
        for doc in data.documents:
            _source(out, doc, data, coders)
        out.end("Sources")
    _notes(out, data, coders)
    _sets(session, out)
    for memo in data.memos["project"][None]:
        out.empty("NoteRef", {"targetGUID": memo.uuid})
    out.end("Project")
    return out.getvalue()


def _meta_time(value: str | None) -> str | None:
    from qcode.export.refi.xml import when

    return timestamp(when(value))


def _codebook(session: Session, out: XmlWriter, data: _Data) -> None:
    from qcode.codebook.store import code_tree, current_codebook
    from qcode.export.refi.codebook import write_codes

    nodes = code_tree(session)
    if not nodes:
        return
    ids = dict(session.execute(select(Code.key, Code.id)).tuples().all())
    notes = {n.id: [m.uuid for m in data.memos["code"].get(ids[n.id], [])] for n in nodes}
    out.start("CodeBook")
    write_codes(out, nodes, current_codebook(session), notes)
    out.end("CodeBook")


def _variables(data: _Data, seed: str) -> dict[str, tuple[str, str, str]]:
    """Attribute name -> (GUID, REFI type, value element), narrowest type every value fits."""
    values: dict[str, list[str]] = defaultdict(list)
    for by_name in data.attributes.values():
        for name, value in by_name.items():
            values.setdefault(name, [])
            if value is not None:
                values[name].append(value)
    found = {}
    for name in sorted(values):
        kind, element = next(((k, e) for k, e, pattern in _TYPES
                              if values[name] and all(pattern.fullmatch(v) for v in values[name])),
                             ("Text", "TextValue"))
        found[name] = (derived_guid("variable", seed, name), kind, element)
    return found


def _cases(out: XmlWriter, data: _Data, variables: dict[str, tuple[str, str, str]]) -> None:
    if variables:
        out.start("Variables")
        for name, (gid, kind, _element) in variables.items():
            out.empty("Variable", {"guid": gid, "name": name, "typeOfVariable": kind})
        out.end("Variables")
    if not data.cases:
        return
    members: dict[int, list[Document]] = defaultdict(list)
    for doc in data.documents:
        if doc.case_id is not None:
            members[doc.case_id].append(doc)
    out.start("Cases")
    for case in data.cases:
        attrs = data.attributes.get(case.id, {})
        if not attrs and not members[case.id]:
            out.empty("Case", {"guid": case.uuid, "name": case.name})
            continue
        out.start("Case", {"guid": case.uuid, "name": case.name})
        for name, value in attrs.items():
            gid, _kind, element = variables[name]
            out.start("VariableValue")
            out.empty("VariableRef", {"targetGUID": gid})
            if value is not None:
                out.text(element, value)
            out.end("VariableValue")
        for doc in members[case.id]:
            out.empty("SourceRef", {"targetGUID": doc.uuid})
        out.end("Case")
    out.end("Cases")


def _source(out: XmlWriter, doc: Document, data: _Data, coders: dict[int, str]) -> None:
    attrs = {"guid": doc.uuid, "name": doc.name, "plainTextPath": f"internal://{doc.uuid}.txt",
             "creationDateTime": timestamp(doc.imported_at), "modifiedDateTime": timestamp(doc.updated_at)}
    spans: dict[tuple[int, int], list[Coding]] = defaultdict(list)
    for coding in data.codings.get(doc.id, []):
        spans[(coding.start, coding.end)].append(coding)
    notes = data.memos["document"].get(doc.id, [])
    if not spans and not notes:
        out.empty("TextSource", attrs)
        return
    out.start("TextSource", attrs)
    for (start, end), group in spans.items():
        first = min(group, key=lambda c: (c.created_at, c.id))
        out.start("PlainTextSelection", {
            "guid": derived_guid("selection", doc.uuid, str(start), str(end)),
            "name": _quote_name(doc.text[start:end]), "startPosition": str(start), "endPosition": str(end),
            "creatingUser": coders.get(first.coder_id), "creationDateTime": timestamp(first.created_at),
        })
        for coding in group:
            _coding(out, coding, data, coders)
        out.end("PlainTextSelection")
    for memo in notes:
        out.empty("NoteRef", {"targetGUID": memo.uuid})
    out.end("TextSource")


def _coding(out: XmlWriter, coding: Coding, data: _Data, coders: dict[int, str]) -> None:
    code = data.code_uuids[coding.code_id]
    out.start("Coding", {"guid": coding.uuid, "creatingUser": coders.get(coding.coder_id),
                         "creationDateTime": timestamp(coding.created_at)})
    out.empty("CodeRef", {"targetGUID": code})
    for memo in data.memos["coding"].get(coding.id, []):
        out.empty("NoteRef", {"targetGUID": memo.uuid})
    out.end("Coding")


def _quote_name(quote: str) -> str:
    """A selection's name is its quote (as ATLAS.ti writes them), cut to 100 characters + …"""
    flat = " ".join(quote.split())
    return flat if len(flat) <= _NAME_LIMIT else flat[:_NAME_LIMIT] + "…"


def _notes(out: XmlWriter, data: _Data, coders: dict[int, str]) -> None:
    memos = sorted((m for by_target in data.memos.values() for ms in by_target.values() for m in ms),
                   key=lambda m: m.id)
    if not memos:
        return
    out.start("Notes")
    for memo in memos:
        first = memo.text.strip().split("\n", 1)[0]
        out.start("Note", {
            "guid": memo.uuid, "name": first[:_NAME_LIMIT].rstrip() or "memo",
            "creatingUser": coders.get(memo.coder_id) if memo.coder_id else None,
            "creationDateTime": timestamp(memo.created_at),
            "modifyingUser": coders.get(memo.coder_id) if memo.coder_id else None,
            "modifiedDateTime": timestamp(memo.updated_at),
        })
        out.text("PlainTextContent", memo.text)
        out.end("Note")
    out.end("Notes")


def _sets(session: Session, out: XmlWriter) -> None:
    """Each coding round as a set of its documents (an empty `<Sets/>` is invalid: none then)."""
    rounds = list(session.execute(select(Round).order_by(Round.name)).scalars())
    if not rounds:
        return
    members: dict[int, list[str]] = defaultdict(list)
    coders: dict[int, set[str]] = defaultdict(set)
    rows = session.execute(
        select(RoundAssignment.round_id, Document.uuid, Document.name, Coder.name)
        .join(Document, Document.id == RoundAssignment.document_id)
        .join(Coder, Coder.id == RoundAssignment.coder_id)
        .order_by(Document.name)
    ).all()
    for round_id, doc_uuid, _doc_name, coder in rows:
        if doc_uuid not in members[round_id]:
            members[round_id].append(doc_uuid)
        coders[round_id].add(coder)
    out.start("Sets")
    for item in rounds:
        out.start("Set", {"guid": item.uuid, "name": f"round {item.name}"})
        about = f"coding round ({'blind' if item.blind else 'open'}, {item.status})"
        if coders[item.id]:
            about += "; coders: " + ", ".join(sorted(coders[item.id]))
        out.text("Description", about)
        for doc_uuid in members[item.id]:
            out.empty("MemberSource", {"targetGUID": doc_uuid})
        out.end("Set")
    out.end("Sets")
