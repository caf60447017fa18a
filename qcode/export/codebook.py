"""The codebook as a table (with each code's codings under the filters), as Markdown for a
report's appendix, or as YAML in the codebook file format (`qcode codebook check` accepts it, and
loading it back gives the same codebook).

The codebook is the project's current version; `--code` narrows it to a code and those below it.
"""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy.orm import Session

from qcode.codebook.model import Code, Codebook
from qcode.errors import NotFoundError
from qcode.export.scope import ExportFilter, chunks, resolve
from qcode.export.table import Table
from qcode.store.models import Coding

TEXT_FORMATS = ("md", "yaml")
COLUMNS = ["code", "code_path", "level", "parent", "label", "brief", "definition", "when_to_use",
           "when_not_to_use", "examples", "counterexamples", "colour", "retired", "codings",
           "documents"]


def _book(session: Session, flt: ExportFilter) -> tuple[Codebook, tuple[Code, ...]]:
    """The current codebook and its codes in scope, in tree order (the filter checked too)."""
    from qcode.codebook.store import current_codebook

    book = current_codebook(session)
    if book is None:
        raise NotFoundError("the project has no codebook yet", hint="run `qcode codebook load FILE`")
    if flt.code is None:
        return book, book.depth_first()
    from qcode.coding.codes import resolve_code

    top = book.by_id(resolve_code(session, flt.code, allow_retired=True).key)
    return book, (top, *book.descendants(top.id))


def codebook_table(session: Session, flt: ExportFilter) -> Table:
    """One row per code in tree order; `codings` and `documents` count its own codings in scope."""
    scope = resolve(session, flt)
    book, codes = _book(session, flt)
    keys = {code.id: code.key for code in scope.codes}
    codings: dict[str, int] = {}
    documents: dict[str, set[int]] = {}
    for part, _ in chunks(session, scope, [Coding.code_id]):
        for doc_id, _start, _end, code_id in part:
            key = keys[code_id]
            codings[key] = codings.get(key, 0) + 1
            documents.setdefault(key, set()).add(doc_id)
    rows = [
        (code.id, book.path(code.id), book.depth(code.id) + 1, code.parent, code.label, code.brief,
         code.definition, code.when_to_use, code.when_not_to_use, "\n".join(code.examples),
         "\n".join(code.counterexamples), code.colour, int(code.retired),
         codings.get(code.id, 0), len(documents.get(code.id, ())))
        for code in codes
    ]
    return Table("codebook", list(COLUMNS), rows)


def codebook_markdown(session: Session, flt: ExportFilter) -> str:
    resolve(session, flt)
    book, codes = _book(session, flt)
    out = [f"# {book.name}", "", f"Version {book.version}."]
    if book.authors:
        out[-1] += f" {', '.join(book.authors)}."
    if book.description:
        out += ["", book.description.strip()]
    for code in codes:
        level = min(book.depth(code.id) + 2, 6)
        retired = " (retired)" if code.retired else ""
        out += ["", f"{'#' * level} {code.label} — `{code.id}`{retired}", "",
                f"Path: `{book.path(code.id)}`"]
        for title, value in (("Brief", code.brief), ("Definition", code.definition),
                             ("When to use", code.when_to_use),
                             ("When not to use", code.when_not_to_use), ("Memo", code.memo)):
            if value:
                out += ["", f"**{title}.** {' '.join(value.split())}"]
        for title, items in (("Examples", code.examples), ("Counterexamples", code.counterexamples)):
            if items:
                out += ["", f"**{title}.**", ""] + [f"- {' '.join(item.split())}" for item in items]
    if book.references:
        out += ["", "## References", ""] + [f"- {ref}" for ref in book.references]
    return "\n".join(out) + "\n"


def _code_yaml(book: Codebook, code: Code, wanted: set[str]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": code.id, "label": code.label}
    for key in ("brief", "definition", "when_to_use", "when_not_to_use"):
        if getattr(code, key) is not None:
            item[key] = getattr(code, key)
    for key in ("examples", "counterexamples"):
        if getattr(code, key):
            item[key] = list(getattr(code, key))
    if code.colour is not None:
        item["colour"] = code.colour
    if code.memo is not None:
        item["memo"] = code.memo
    if code.renamed_from:
        item["renamed_from"] = list(code.renamed_from)
    if code.retired:
        item["retired"] = True
    children = [c for c in book.children_of(code.id) if c.id in wanted]
    if children:
        item["children"] = [_code_yaml(book, child, wanted) for child in children]
    return item


def codebook_yaml(session: Session, flt: ExportFilter) -> str:
    resolve(session, flt)
    book, codes = _book(session, flt)
    data: dict[str, Any] = {"codebook": book.name, "version": book.version}
    for key in ("language", "description"):
        if getattr(book, key) is not None:
            data[key] = getattr(book, key)
    if book.authors:
        data["authors"] = list(book.authors)
    if book.references:
        data["references"] = list(book.references)
    wanted = {c.id for c in codes}
    tops = (codes[0],) if flt.code is not None else book.roots()
    data["codes"] = [_code_yaml(book, top, wanted) for top in tops]
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


class _Dumper(yaml.SafeDumper):
    """Text with line breaks as literal blocks (`|`), as people write codebooks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)
