"""Codebooks in REFI-QDA: the `.qdc` file, the `CodeBook` of a project, and YAML from either.

A REFI code has a GUID, a name, `isCodable`, a colour and one free-text `Description`. qcode's
codes have more (MacQueen et al.'s fields, a stable id), so an export writes the definition
first and the other fields after a blank line as `Label: value` lines (`When to use: …`,
`qcode id: diaspora`); another tool shows them as the description, and an import of a file qcode
wrote reads them back. From other tools the description is the definition, and ids are made
from the names (lower-case ASCII, unique), following docs/codebook.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from qcode.errors import InputError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from qcode.codebook.model import Code, Codebook
    from qcode.codebook.store import CodeNode
    from qcode.export.refi.xml import XmlWriter

MAX_QDC_BYTES = 50 * 2**20
MAX_ID = 64
_NEST = 12  # codes deeper than this go to the top of the YAML with `parent:` (YAML depth limit)
_TRAILER = (
    ("brief", "Brief"), ("when_to_use", "When to use"), ("when_not_to_use", "When not to use"),
    ("examples", "Example"), ("counterexamples", "Counterexample"), ("memo", "Memo"),
    ("renamed_from", "Renamed from"), ("retired", "Retired"), ("id", "qcode id"),
)
_LABELS = {label: key for key, label in _TRAILER}
_TRAILER_LINE = re.compile(r"(" + "|".join(re.escape(lab) for _k, lab in _TRAILER) + r"): (.*)")
_ID = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")
_CYRILLIC = dict(zip(
    "абвгдђежзијклљмнњопрстћуфхцчџшыэюяёй",
    ["a", "b", "v", "g", "d", "dj", "e", "z", "z", "i", "j", "k", "l", "lj", "m", "n", "nj", "o",
     "p", "r", "s", "t", "c", "u", "f", "h", "c", "c", "dz", "s", "y", "e", "ju", "ja", "jo", "j"],
    strict=True,
))


@dataclass(frozen=True)
class RefiCode:
    guid: str
    name: str
    codable: bool
    colour: str | None
    description: str | None
    parent: str | None  # the parent's guid
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefiSet:
    guid: str
    name: str
    description: str | None
    codes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass
class RefiCodebook:
    origin: str
    codes: list[RefiCode]
    sets: list[RefiSet] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- reading ----------------------------------------------------------------------------------


def read_codes(codes: Element | None, warnings: list[str]) -> list[RefiCode]:
    """Every `Code` under a `Codes` element, parents before children, in file order."""
    from qcode.export.refi.xml import child_text, children, colour, derived_guid, flag, guid, local

    if codes is None:
        return []
    found: list[RefiCode] = []
    seen: set[str] = set()
    stack: list[tuple[Element, str | None]] = [(c, None) for c in reversed(list(children(codes, "Code")))]
    while stack:
        element, parent = stack.pop()
        raw = element.get("guid")
        gid = guid(raw) or derived_guid("code", element.get("name") or "", str(len(found)))
        if gid in seen:
            warnings.append(f"two codes share the GUID {raw}; the second gets a new one")
            gid = derived_guid("code", gid, str(len(found)))
        seen.add(gid)
        notes = tuple(g for g in (guid(n.get("targetGUID")) for n in children(element, "NoteRef")) if g)
        found.append(RefiCode(
            gid, unicodedata.normalize("NFC", (element.get("name") or "").strip()),
            flag(element.get("isCodable"), True), colour(element.get("color")),
            child_text(element, "Description"), parent, notes,
        ))
        nested = [c for c in element if local(c.tag) == "Code"]
        stack.extend((c, gid) for c in reversed(nested))
    return found


def read_sets(sets: Element | None) -> list[RefiSet]:
    from qcode.export.refi.xml import child_text, children, guid

    def refs(element: Element, name: str) -> tuple[str, ...]:
        values = (guid(m.get("targetGUID") or m.get("guid")) for m in children(element, name))
        return tuple(v for v in values if v)

    if sets is None:
        return []
    return [
        RefiSet(guid(s.get("guid")) or "", s.get("name") or "", child_text(s, "Description"),
                refs(s, "MemberCode"), refs(s, "MemberSource"), refs(s, "MemberNote"))
        for s in children(sets, "Set")
    ]


def read_qdc(data: bytes, *, name: str) -> RefiCodebook:
    """A `.qdc` file; refuses anything but a `CodeBook` with `Codes`."""
    from qcode.export.refi.xml import child, local, namespace, parse_xml

    root = parse_xml(data, name=name)
    if local(root.tag) != "CodeBook":
        raise InputError(
            f"{name}: not a REFI-QDA codebook (its root element is <{local(root.tag)}>)",
            hint="a .qdc file starts with <CodeBook>; for a project use `qcode import FILE.qdpx`")
    warnings = _namespace_warning(namespace(root), "codebook")
    if child(root, "Codes") is None:
        raise InputError(f"{name}: the codebook has no <Codes> element")
    codes = read_codes(child(root, "Codes"), warnings)
    if not codes:
        raise InputError(f"{name}: the codebook holds no codes")
    return RefiCodebook(root.get("origin") or "", codes, read_sets(child(root, "Sets")), warnings)


def _namespace_warning(found: str, kind: str) -> list[str]:
    expected = f"urn:QDA-XML:{kind}:1.0"
    if found == expected:
        return []
    shown = f"namespace {found}" if found else "no namespace"
    return [f"the file uses {shown}, not {expected}; read it as {expected}"]


# --- descriptions -----------------------------------------------------------------------------


def compose_description(code: Code) -> str:
    """The definition, then qcode's other fields as `Label: value` lines (continuation lines
    indented by two spaces), so that nothing is lost on the way through another tool."""
    lines: list[str] = []
    for key, label in _TRAILER:
        value = getattr(code, key)
        values: Iterable[str]
        if key in ("examples", "counterexamples"):
            values = value
        elif key == "renamed_from":
            values = [", ".join(value)] if value else []
        elif key == "retired":
            values = ["yes"] if value else []
        else:
            values = [value] if value else []
        lines.extend(f"{label}: " + text.replace("\n", "\n  ") for text in values)
    definition = code.definition or ""
    if not lines:
        return definition
    return (definition + "\n\n" if definition else "") + "\n".join(lines)


def parse_description(text: str | None) -> dict[str, Any]:
    """The fields of a description written by `compose_description`; without such lines, the
    whole text is the definition."""
    if not text or not text.strip():
        return {}
    lines = text.strip("\n").split("\n")
    cut = len(lines)
    while cut > 0 and lines[cut - 1] != "":
        cut -= 1
    trailer = lines[cut:]
    if not trailer or not _TRAILER_LINE.fullmatch(trailer[0]) or not all(
        _TRAILER_LINE.fullmatch(line) or line.startswith("  ") for line in trailer
    ):
        return {"definition": text.strip()}
    fields: dict[str, Any] = {"definition": "\n".join(lines[: max(cut - 1, 0)]).strip()}
    entries: list[list[str]] = []
    for line in trailer:
        match = _TRAILER_LINE.fullmatch(line)
        if match and not (entries and line.startswith("  ")):
            entries.append([match.group(1), match.group(2)])
        else:
            entries[-1][1] += "\n" + line[2:]
    for label, value in entries:
        key = _LABELS[label]
        if key in ("examples", "counterexamples"):
            fields.setdefault(key, []).append(value)
        elif key == "renamed_from":
            fields[key] = [v.strip() for v in value.split(",") if v.strip()]
        elif key == "retired":
            fields[key] = value.strip().lower() in ("yes", "true")
        else:
            fields[key] = value
    return fields


# --- ids ------------------------------------------------------------------------------------------


def make_key(name: str, taken: set[str]) -> str:
    """A valid, unused codebook id made from a code's name (`Health care` -> `health_care`,
    `Дијаспора` -> `dijaspora`); `taken` holds the ids in use, case-folded, and gets this one."""
    from qcode.corpus.text import fold

    text = "".join(_CYRILLIC.get(ch, ch) for ch in fold(name))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    key = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if not key:
        key = "code"
    elif not key[0].isalpha():
        key = f"code_{key}"
    key = key[:MAX_ID].rstrip("_")
    unique, number = key, 1
    while unique.casefold() in taken:
        number += 1
        suffix = f"_{number}"
        unique = key[: MAX_ID - len(suffix)].rstrip("_") + suffix
    taken.add(unique.casefold())
    return unique


def valid_key(key: object) -> bool:
    return isinstance(key, str) and len(key) <= MAX_ID and _ID.fullmatch(key) is not None


# --- REFI codes -> qcode codes ------------------------------------------------------------------


@dataclass
class BuiltCodes:
    codes: list[Code]  # the new codes only
    keys: dict[str, str]  # every code's guid -> its qcode id
    guids: dict[str, str]  # new code id -> the guid it came from


def build_codes(
    refi: Sequence[RefiCode], *, origin: str, known: Mapping[str, str] | None = None,
    taken: Iterable[str] = (), siblings: Mapping[str | None, int] | None = None,
    coded: frozenset[str] = frozenset(),
) -> BuiltCodes:
    """qcode codes for the REFI codes not in `known` (guid -> id of a code already present).
    `taken`: ids in use; `siblings`: children a parent id already has (new ones go after);
    `coded`: guids of codes with codings in the file: from other tools such a code is applicable
    (MAXQDA codes its parents); a file qcode wrote keeps its categories as they were."""
    from qcode.codebook.model import Code

    ours = origin.lower().startswith("qcode")
    known = dict(known or {})
    used = {k.casefold() for k in [*taken, *known.values()]}
    counts: dict[str | None, int] = dict(siblings or {})
    keys, guids = dict(known), {}
    colours: dict[str, str | None] = {}
    built: list[Code] = []
    missing = f"(no description in {origin or 'the imported file'})"
    for item in refi:
        parent_key = keys.get(item.parent) if item.parent else None
        inherited = colours.get(item.parent) if item.parent else None
        colours[item.guid] = item.colour or inherited
        if item.guid in known:
            continue
        fields = parse_description(item.description) if ours else (
            {"definition": item.description.strip()} if item.description and item.description.strip() else {})
        wanted = fields.get("id")
        if valid_key(wanted) and str(wanted).casefold() not in used:
            key = str(wanted)
            used.add(key.casefold())
        else:
            key = make_key(item.name or "code", used)
        keys[item.guid], guids[key] = key, item.guid
        position = counts.get(parent_key, 0)
        counts[parent_key] = position + 1
        old = tuple(r for r in fields.get("renamed_from", ()) if valid_key(r) and r.casefold() not in used)
        built.append(Code(
            id=key, label=item.name or key, brief=_text(fields.get("brief")),
            definition=fields.get("definition") or missing,
            when_to_use=_text(fields.get("when_to_use")),
            when_not_to_use=_text(fields.get("when_not_to_use")),
            examples=tuple(fields.get("examples", ())),
            counterexamples=tuple(fields.get("counterexamples", ())),
            colour=item.colour if item.colour != inherited else None, memo=_text(fields.get("memo")),
            renamed_from=old, retired=bool(fields.get("retired", False)),
            apply=item.codable or (item.guid in coded and not ours), parent=parent_key, position=position,
        ))
    ids = {k.casefold() for k in keys.values()}
    built = [c if not any(r.casefold() in ids for r in c.renamed_from) else
             replace(c, renamed_from=tuple(r for r in c.renamed_from if r.casefold() not in ids))
             for c in built]  # an old id may not be a current one
    return BuiltCodes(built, keys, guids)


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


# --- YAML -----------------------------------------------------------------------------------------


def codebook_yaml(book: Codebook, *, comment: str) -> str:
    """The codebook as YAML that `qcode codebook check` accepts (checked before it is returned)."""
    import yaml

    from qcode.codebook.parse import parse_codebook

    top: dict[str, Any] = {"codebook": book.name, "version": book.version}
    if book.description:
        top["description"] = book.description
    deferred: list[Code] = []
    items = [_yaml_code(book, c, 0, deferred) for c in book.roots()]
    while deferred:
        code = deferred.pop(0)
        items.append({**_yaml_code(book, code, 0, deferred), "parent": code.parent})
    top["codes"] = items
    body = yaml.dump(top, Dumper=_dumper(), allow_unicode=True, sort_keys=False, width=100)
    text = "".join(f"# {line}\n" if line else "#\n" for line in comment.split("\n")) + body
    parse_codebook(text, filename="(imported codebook)")
    return text


def _yaml_code(book: Codebook, code: Code, depth: int, deferred: list[Code]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": code.id, "label": code.label}
    for key in ("brief", "definition", "when_to_use", "when_not_to_use"):
        if getattr(code, key):
            item[key] = getattr(code, key)
    for key in ("examples", "counterexamples", "renamed_from"):
        if getattr(code, key):
            item[key] = list(getattr(code, key))
    if code.colour:
        item["colour"] = code.colour
    if code.memo:
        item["memo"] = code.memo
    if code.retired:
        item["retired"] = True
    if not code.apply:
        item["apply"] = False
    kids = book.children_of(code.id)
    if kids and depth + 1 >= _NEST:
        deferred.extend(kids)
    elif kids:
        item["children"] = [_yaml_code(book, k, depth + 1, deferred) for k in kids]
    return item


def _dumper() -> type:
    import yaml

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)  # `  - id:` under `codes:`, as people write it

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value and value == value.strip() and "\r" not in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


def qdc_to_yaml(data: bytes, *, name: str, stem: str) -> tuple[str, RefiCodebook, Codebook]:
    """`qcode codebook import`: a `.qdc` file's bytes as a YAML codebook."""
    from qcode.codebook.model import Codebook

    refi = read_qdc(data, name=name)
    built = build_codes(refi.codes, origin=refi.origin)
    described = [f"Imported from {name}" + (f" (written by {refi.origin})" if refi.origin else "") + "."]
    for group in refi.sets:
        members = ", ".join(built.keys[g] for g in group.codes if g in built.keys)
        about = f" ({group.description.strip()})" if group.description and group.description.strip() else ""
        described.append(f"Code set {group.name}{about}: {members or 'no codes'}.")
    book = Codebook(name=stem, version="1", description="\n".join(described), codes=tuple(built.codes))
    comment = f"Made by `qcode codebook import` from {name}."
    return codebook_yaml(book, comment=comment), refi, book


# --- writing --------------------------------------------------------------------------------------


def export_code(node: CodeNode, snapshot: Code | None) -> Code:
    """A stored code as the model's Code, with the fields only the codebook snapshot keeps."""
    from qcode.codebook.model import Code

    return Code(
        id=node.id, label=node.label, brief=node.brief, definition=node.definition,
        when_to_use=node.when_to_use, when_not_to_use=node.when_not_to_use,
        examples=tuple(node.examples),
        counterexamples=snapshot.counterexamples if snapshot else (),
        memo=snapshot.memo if snapshot else None,
        renamed_from=snapshot.renamed_from if snapshot else (),
        retired=node.retired, apply=node.applicable, colour=node.colour, parent=node.parent,
    )


def write_codes(
    out: XmlWriter, nodes: Sequence[CodeNode], book: Codebook | None,
    notes: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """`<Codes>` with every code nested under its parent; `notes` maps a code id to the GUIDs
    of its memos (a project's codebook only: a .qdc has no NoteRef)."""
    from qcode.export.refi.xml import boolean

    kids: dict[str | None, list[CodeNode]] = {}
    for node in nodes:
        kids.setdefault(node.parent, []).append(node)
    out.start("Codes")
    stack: list[CodeNode | None] = list(reversed(kids.get(None, [])))
    while stack:
        item = stack.pop()
        if item is None:
            out.end("Code")
            continue
        node = item
        code = export_code(node, book.get(node.id) if book else None)
        attrs = {"guid": node.uuid, "name": node.label, "isCodable": boolean(node.applicable),
                 "color": node.colour if _hex(node.colour) else None}
        description = compose_description(code)
        refs = (notes or {}).get(node.id, ())
        below = kids.get(node.id, [])
        if not (description or refs or below):
            out.empty("Code", attrs)
            continue
        out.start("Code", attrs)
        if description:
            out.text("Description", description)
        for ref in refs:
            out.empty("NoteRef", {"targetGUID": ref})
        stack.append(None)
        stack.extend(reversed(below))
    out.end("Codes")


def _hex(value: str | None) -> bool:
    return value is not None and re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value) is not None


def qdc_bytes(nodes: Sequence[CodeNode], book: Codebook | None) -> bytes:
    """The project's codebook as a `.qdc` file (valid against Codebook.xsd)."""
    from qcode import __version__
    from qcode.export.refi.xml import CODEBOOK_NS, XmlWriter

    if not nodes:
        raise InputError("the project has no codebook to export",
                         hint="load one with `qcode codebook load FILE`")
    out = XmlWriter()
    out.start("CodeBook", {"xmlns": CODEBOOK_NS, "origin": f"qcode {__version__}"})
    write_codes(out, nodes, book)
    out.end("CodeBook")
    return out.getvalue()
