"""A verified package read into plain data, every reference between its members resolved."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qcode.coding.memos import MAX_MEMO
from qcode.corpus.text import sha256_text
from qcode.export.pack import records as r
from qcode.export.pack.archive import read_archive

MEMO_TARGETS = ("coding", "document", "code", "project")


@dataclass(frozen=True)
class Pack:
    path: Path
    project: dict[str, Any]
    coder: dict[str, Any]
    round: dict[str, Any] | None
    codebook: dict[str, Any] | None
    cases: list[dict[str, Any]]
    codes: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    codings: list[dict[str, Any]]
    removed_codings: list[str]
    memos: list[dict[str, Any]]
    removed_memos: list[str]
    events: list[dict[str, Any]]


def read_pack(path: Path) -> Pack:
    """Open, verify and check a package; a bad one is one InputError naming what is wrong."""
    archive = read_archive(path)
    m, name = archive.members, str(path)
    top = r.record(m["project.json"], {k: ("dict", 0, k in ("round", "codebook"))
                                       for k in ("project", "coder", "round", "codebook")}
                   | {"cases": ("list", 0, False)}, f"{name}: project.json")
    codings = r.record(m["codings.json"], {"codings": ("list", 0, False),
                                           "removed": ("list", 0, False)}, f"{name}: codings.json")
    memos = r.record(m["memos.json"], {"memos": ("list", 0, False), "removed": ("list", 0, False)},
                     f"{name}: memos.json")
    pack = Pack(
        path=path,
        project=r.record(top["project"], r.PROJECT, f"{name}: project"),
        coder=r.record(top["coder"], r.CODER, f"{name}: coder"),
        round=None if top["round"] is None else r.record(top["round"], r.ROUND, f"{name}: round"),
        codebook=None if top["codebook"] is None else r.record(top["codebook"], r.CODEBOOK,
                                                              f"{name}: codebook"),
        cases=r.records(top["cases"], r.CASE, f"{name}: cases"),
        codes=r.records(m["codes.json"], r.CODE, f"{name}: codes.json"),
        documents=r.records(m["documents.json"], r.DOCUMENT, f"{name}: documents.json"),
        codings=r.records(codings["codings"], r.CODING, f"{name}: codings.json"),
        removed_codings=r.uuids(codings["removed"], f"{name}: codings.json removed"),
        memos=r.records(memos["memos"], r.MEMO, f"{name}: memos.json"),
        removed_memos=r.uuids(memos["removed"], f"{name}: memos.json removed"),
        events=r.records(m["events.json"], r.EVENT, f"{name}: events.json"),
    )
    _cross_check(pack, name)
    return pack


def _cross_check(pack: Pack, name: str) -> None:
    docs = {d["uuid"]: d for d in pack.documents}
    codes = {c["uuid"] for c in pack.codes}
    cases = {c["uuid"] for c in pack.cases}
    names: set[str] = set()
    for d in pack.documents:
        where = f"{name}: document {d['name'][:60]}"
        if d["name"] in names:
            raise r.PackError(f"{where}: appears twice")
        names.add(d["name"])
        if sha256_text(d["text"]) != d["sha256"] or d["case"] not in (None, *cases):
            raise r.PackError(f"{where}: its text does not match its hash, or its case is unknown")
        r.units(d["units"], len(d["text"]), where)
    for c in pack.codes:
        if c["parent"] is not None and c["parent"] not in codes:
            raise r.PackError(f"{name}: code {c['key']}: its parent is not in the package")
    for case in pack.cases:
        attrs = case["attributes"]
        if not all(isinstance(k, str) and len(k) <= 128 and (v is None or isinstance(v, str))
                   for k, v in attrs.items()):
            raise r.PackError(f"{name}: case {case['name'][:60]}: malformed attributes")
    for i, c in enumerate(pack.codings):
        where = f"{name}: codings.json item {i + 1}"
        doc = docs.get(c["document"])
        if doc is None or c["code"] not in codes or c["coder"] != pack.coder["uuid"]:
            raise r.PackError(f"{where}: its document, code or coder is not the package's")
        if not (c["start"] < c["end"] <= len(doc["text"])) or doc["text"][c["start"]:c["end"]] != c["quote"]:
            raise r.PackError(f"{where}: its span is not a passage of its document")
    for i, memo in enumerate(pack.memos):
        where = f"{name}: memos.json item {i + 1}"
        kind, target = memo["target_type"], memo["target"]
        if (kind not in MEMO_TARGETS or memo["coder"] != pack.coder["uuid"]
                or not memo["text"].strip() or len(memo["text"]) > MAX_MEMO):
            raise r.PackError(f"{where}: not a memo entry by the package's coder")
        if (kind == "project") != (target is None) or (kind == "document" and target not in docs) or (
                kind == "code" and target not in codes):
            raise r.PackError(f"{where}: its target is not in the package")
    if pack.round is not None:
        r.uuids(pack.round["documents"], f"{name}: round documents")
        if not set(pack.round["documents"]) <= set(docs):
            raise r.PackError(f"{name}: the round names documents the package does not hold")
