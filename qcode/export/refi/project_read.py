"""Reading a REFI-QDA project (`project.qde`) into plain records, leniently.

Only `guid` is relied on; every other attribute may be missing (real files leave out names,
users and dates). Text sources come from `TextSource`, the `Representation` of a PDF and the
`Transcript`s of audio and video; what qcode cannot hold (pictures, PDF and media selections,
transcript selections, graphs, links between codes) is counted in `dropped`, so the import can
say what it left out (REFI-QDA 1.5 §7).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from qcode.errors import InputError
from qcode.export.refi.codebook import RefiCode, RefiSet, read_codes, read_sets
from qcode.export.refi.xml import (
    child,
    child_text,
    children,
    derived_guid,
    guid,
    local,
    namespace,
    parse_xml,
    when,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element


@dataclass(frozen=True)
class RefiUser:
    guid: str
    name: str | None


@dataclass(frozen=True)
class RefiCoding:
    guid: str
    code: str | None
    user: str | None
    created: datetime | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefiSelection:
    guid: str
    name: str | None
    start: int
    end: int
    user: str | None
    created: datetime | None
    description: str | None
    codings: tuple[RefiCoding, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefiValue:
    variable: str | None
    value: str | None


@dataclass(frozen=True)
class RefiSource:
    guid: str
    name: str | None
    path: str | None  # plainTextPath
    content: str | None  # PlainTextContent
    description: str | None
    user: str | None
    created: datetime | None
    selections: tuple[RefiSelection, ...] = ()
    codings: tuple[RefiCoding, ...] = ()  # of the whole source
    notes: tuple[str, ...] = ()
    values: tuple[RefiValue, ...] = ()


@dataclass(frozen=True)
class RefiVariable:
    guid: str
    name: str
    type: str


@dataclass(frozen=True)
class RefiCase:
    guid: str
    name: str | None
    description: str | None
    values: tuple[RefiValue, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RefiNote:
    guid: str
    name: str | None
    path: str | None
    content: str | None
    user: str | None
    created: datetime | None
    modified: datetime | None


@dataclass
class RefiProject:
    name: str
    origin: str
    creating_user: str | None
    description: str | None
    notes_on_project: list[str]
    users: list[RefiUser]
    codes: list[RefiCode]
    variables: list[RefiVariable]
    cases: list[RefiCase]
    sources: list[RefiSource]
    notes: list[RefiNote]
    sets: list[RefiSet]
    links: list[tuple[str, str]]  # (note guid, guid of what it annotates)
    warnings: list[str] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)


def read_project(data: bytes, *, name: str) -> RefiProject:
    root = parse_xml(data, name=name)
    if local(root.tag) != "Project":
        hint = "for a .qdc use `qcode codebook import FILE.qdc`" if local(root.tag) == "CodeBook" else None
        raise InputError(f"{name}: not a REFI-QDA project (its root element is <{local(root.tag)}>)",
                         hint=hint)
    warnings: list[str] = []
    found = namespace(root)
    if found != "urn:QDA-XML:project:1.0":
        warnings.append(f"the project uses {'namespace ' + found if found else 'no namespace'}, "
                        "not urn:QDA-XML:project:1.0; read it as 1.0")
    project = RefiProject(
        name=root.get("name") or "", origin=root.get("origin") or "",
        creating_user=guid(root.get("creatingUserGUID")), description=child_text(root, "Description"),
        notes_on_project=_refs(root, "NoteRef"), users=_users(root), codes=[], variables=_variables(root),
        cases=[], sources=[], notes=[], sets=read_sets(child(root, "Sets")), links=[], warnings=warnings,
    )
    codebook = child(root, "CodeBook")
    project.codes = read_codes(child(codebook, "Codes") if codebook is not None else None, warnings)
    project.cases = [_case(c) for c in _under(root, "Cases", "Case")]
    sources = child(root, "Sources")
    if sources is not None:
        for element in sources:
            _source(project, element)
    project.notes = [_note(n) for n in _under(root, "Notes", "Note")]
    for link in _under(root, "Links", "Link"):
        origin, target = guid(link.get("originGUID")), guid(link.get("targetGUID"))
        if origin and target:
            project.links.append((origin, target))
    graphs = len(_under(root, "Graphs", "Graph"))
    if graphs:
        project.dropped["graphs"] += graphs
    return project


def _under(root: Element, group: str, name: str) -> list[Element]:
    element = child(root, group)
    return list(children(element, name)) if element is not None else []


def _refs(element: Element, name: str) -> list[str]:
    return [g for g in (guid(r.get("targetGUID")) for r in children(element, name)) if g]


def _id(element: Element, kind: str, *salt: str) -> str:
    return guid(element.get("guid")) or derived_guid(kind, *salt)


def _users(root: Element) -> list[RefiUser]:
    return [RefiUser(_id(u, "user", u.get("name") or ""), (u.get("name") or "").strip() or None)
            for u in _under(root, "Users", "User")]


def _variables(root: Element) -> list[RefiVariable]:
    return [RefiVariable(_id(v, "variable", v.get("name") or ""), (v.get("name") or "").strip(),
                         v.get("typeOfVariable") or "Text")
            for v in _under(root, "Variables", "Variable")]


def _values(element: Element) -> tuple[RefiValue, ...]:
    values = []
    for item in children(element, "VariableValue"):
        ref = child(item, "VariableRef")
        variable = guid(ref.get("targetGUID")) if ref is not None else None
        value = next(("".join(v.itertext()).strip() for v in item if local(v.tag).endswith("Value")), None)
        values.append(RefiValue(variable, value or None))
    return tuple(values)


def _case(element: Element) -> RefiCase:
    name = (element.get("name") or "").strip() or None
    return RefiCase(_id(element, "case", name or ""), name, child_text(element, "Description"),
                    _values(element), tuple(_refs(element, "SourceRef")))


def _coding(element: Element, salt: str) -> RefiCoding:
    ref = child(element, "CodeRef")
    return RefiCoding(_id(element, "coding", salt),
                      guid(ref.get("targetGUID")) if ref is not None else None,
                      guid(element.get("creatingUser")), when(element.get("creationDateTime")),
                      tuple(_refs(element, "NoteRef")))


def _number(raw: str | None) -> int | None:
    try:
        return int((raw or "").strip())
    except ValueError:
        return None


def _selection(element: Element, dropped: Counter[str]) -> RefiSelection | None:
    start, end = _number(element.get("startPosition")), _number(element.get("endPosition"))
    if start is None or end is None:
        dropped["selections without positions"] += 1
        return None
    gid = _id(element, "selection", str(start), str(end))
    return RefiSelection(
        gid, element.get("name"), start, end,
        guid(element.get("creatingUser")), when(element.get("creationDateTime")),
        child_text(element, "Description"),
        tuple(_coding(c, f"{gid}:{n}") for n, c in enumerate(children(element, "Coding"))),
        tuple(_refs(element, "NoteRef")),
    )


def _text_source(element: Element, dropped: Counter[str], *, name: str | None = None) -> RefiSource:
    selections = [_selection(s, dropped) for s in children(element, "PlainTextSelection")]
    gid = _id(element, "source", element.get("name") or name or "", element.get("plainTextPath") or "")
    return RefiSource(
        guid=gid,
        name=(element.get("name") or name or "").strip() or None, path=element.get("plainTextPath"),
        content=child_text(element, "PlainTextContent"), description=child_text(element, "Description"),
        user=guid(element.get("creatingUser")), created=when(element.get("creationDateTime")),
        selections=tuple(s for s in selections if s is not None),
        codings=tuple(_coding(c, f"{gid}:{n}") for n, c in enumerate(children(element, "Coding"))),
        notes=tuple(_refs(element, "NoteRef")), values=_values(element),
    )


def _source(project: RefiProject, element: Element) -> None:
    kind, dropped = local(element.tag), project.dropped
    if kind == "TextSource":
        project.sources.append(_text_source(element, dropped))
        return
    name = element.get("name")
    label = {"PictureSource": "pictures", "PDFSource": "PDF files", "AudioSource": "audio files",
             "VideoSource": "video files"}.get(kind, f"{kind} sources")
    dropped[label] += 1
    parts = {"PictureSelection": "picture selections", "PDFSelection": "PDF selections",
             "AudioSelection": "audio selections", "VideoSelection": "video selections",
             "Coding": "codings of whole media files"}
    for part, what in parts.items():
        count = sum(1 for _ in children(element, part))
        if count:
            dropped[what] += count
    # The text a tool made of a PDF, or an interview's transcript, is a source qcode can hold.
    texts = [(r, name) for r in children(element, "Representation")]
    texts += [(t, f"{name or 'media'} transcript") for t in children(element, "Transcript")]
    for text, text_name in texts:
        selections = sum(1 for _ in children(text, "TranscriptSelection"))
        if selections:
            dropped["transcript selections (timed, not positioned)"] += selections
        project.sources.append(_text_source(text, dropped, name=text_name))


def _note(element: Element) -> RefiNote:
    return RefiNote(
        _id(element, "note", element.get("name") or ""), element.get("name"), element.get("plainTextPath"),
        child_text(element, "PlainTextContent"), guid(element.get("creatingUser")),
        when(element.get("creationDateTime")), when(element.get("modifiedDateTime")),
    )
