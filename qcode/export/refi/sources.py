"""Everything an import needs from the file, worked out before the transaction opens: the
project's records, each source's text as qcode will store it, the counting rule of the
positions and every coding's span in the stored text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from qcode.corpus.ingest.base import ParsedDocument
from qcode.errors import InputError
from qcode.export.refi.archive import Archive, open_archive
from qcode.export.refi.positions import Detection, Normalised, Sample, SourceText, convert, detect
from qcode.export.refi.project_read import RefiProject, RefiSource, read_project

MAX_NAME = 255


@dataclass(frozen=True)
class SpanCoding:
    """A coding with its span in the stored text of its document."""

    guid: str
    code: str | None
    user: str | None
    created: datetime | None
    start: int
    end: int
    notes: tuple[str, ...]
    selection: str | None  # the selection it came from (None: the whole source)


@dataclass
class PreparedSource:
    source: RefiSource
    name: str
    parsed: ParsedDocument
    codings: list[SpanCoding] = field(default_factory=list)


@dataclass
class Prepared:
    """A REFI-QDA file read and checked, ready to be stored in one transaction."""

    file: str  # its name, for messages
    kind: str  # qdpx | qde
    project: RefiProject
    sources: list[PreparedSource]
    note_texts: dict[str, str]
    detection: Detection | None
    warnings: list[str]
    skipped: Counter[str] = field(default_factory=Counter)
    selection_coding: dict[str, str | None] = field(default_factory=dict)  # selection -> its first coding
    selection_source: dict[str, str] = field(default_factory=dict)  # selection -> its source

    @property
    def origin(self) -> str:
        return self.project.origin


def prepare(path: Path) -> Prepared:
    """Read a `.qdpx` or `.qde` and work out every document and coding; no database involved."""
    archive = open_archive(path)
    project = read_project(archive.project, name=archive.name)
    warnings = list(project.warnings)
    skipped: Counter[str] = Counter()
    texts: list[tuple[RefiSource, SourceText]] = []
    boms = False
    missing: list[str] = []
    for source in project.sources:
        raw, bom = _source_text(archive, source, warnings, missing)
        boms = boms or bom
        if raw is not None:
            texts.append((source, SourceText(raw)))
        else:
            lost = sum(len(s.codings) for s in source.selections) + len(source.codings)
            skipped["codings in sources without text"] += lost
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        where = "a .qde alone carries no source files" if archive.zip is None else f"not in {archive.name}"
        warnings.append(f"the text of {len(missing)} sources is missing ({where}): {shown}")
        skipped["sources without their text"] += len(missing)
    samples = [Sample(t, [(s.start, s.end, s.name) for s in src.selections]) for src, t in texts]
    detection = detect(samples, project.origin, bom=boms) if texts else None
    prepared = Prepared(archive.name, "qdpx" if archive.zip else "qde", project, [],
                        _note_texts(archive, project, warnings), detection, warnings, skipped)
    names: set[str] = set()
    for source, text in texts:
        item = _prepare_source(prepared, source, text, names)
        if item is not None:
            prepared.sources.append(item)
    return prepared


def _source_text(
    archive: Archive, source: RefiSource, warnings: list[str], missing: list[str]
) -> tuple[str | None, bool]:
    """The source's text as stored (BOM removed, line ends kept), and whether it had a BOM."""
    label = source.name or source.path or source.guid
    member = archive.find(source.path) if source.path else None
    if member is not None:
        return _decode(archive.read(member), label, warnings)
    if source.content is None:
        missing.append(label)
        return None, False
    return source.content, False


def _decode(data: bytes, label: str, warnings: list[str]) -> tuple[str | None, bool]:
    from qcode.corpus.text import decode_bytes

    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"), bom
    except UnicodeDecodeError:
        pass
    try:
        text, _encoding, notes = decode_bytes(data, name=label)
    except InputError as exc:
        warnings.append(f"source {label}: {exc}; skipped")
        return None, False
    warnings.extend(notes)
    return text.removeprefix("\ufeff"), bom or text.startswith("\ufeff")


def _note_texts(archive: Archive, project: RefiProject, warnings: list[str]) -> dict[str, str]:
    texts = {}
    for note in project.notes:
        text = note.content
        member = archive.find(note.path) if note.path else None
        if member is not None:
            text = archive.read(member).removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
        elif note.path and text is None:
            warnings.append(f"note {note.name or note.guid}: its text {note.path} is not in {archive.name}")
        if text is not None:
            texts[note.guid] = text
    return texts


def _prepare_source(
    prepared: Prepared, source: RefiSource, text: SourceText, names: set[str]
) -> PreparedSource | None:
    from qcode.corpus.ingest.common import transcript_document
    from qcode.export.refi.positions import normalise_with_map

    normalised = normalise_with_map(text.raw)
    name = _unique(_document_name(source), names)
    if not normalised.text.strip():
        prepared.warnings.append(f"source {name} has no text (its file is empty); skipped")
        prepared.skipped["empty sources"] += 1
        return None
    parsed = transcript_document(normalised.text, name=name)
    if parsed.text != normalised.text:  # the stored text is the one positions were mapped into
        raise AssertionError(f"{name}: the stored text differs from the normalised source")
    item = PreparedSource(source, name, parsed)
    for selection in source.selections:
        prepared.selection_source[selection.guid] = source.guid
        prepared.selection_coding[selection.guid] = selection.codings[0].guid if selection.codings else None
        span = _span(prepared, text, normalised, selection.start, selection.end)
        if span is None:
            continue
        for coding in selection.codings:
            item.codings.append(SpanCoding(coding.guid, coding.code, coding.user or selection.user,
                                           coding.created or selection.created, span[0], span[1],
                                           coding.notes, selection.guid))
    for coding in source.codings:
        item.codings.append(SpanCoding(coding.guid, coding.code, coding.user, coding.created,
                                       0, len(parsed.text), coding.notes, None))
    return item


def _span(
    prepared: Prepared, text: SourceText, normalised: Normalised, start: int, end: int
) -> tuple[int, int] | None:
    assert prepared.detection is not None
    converted = convert(text, normalised, prepared.detection.rule, start, end)
    if converted is None:
        prepared.skipped["selections that are empty or reversed"] += 1
        return None
    if converted.clamped:
        prepared.skipped["selections running past the text (cut to fit)"] += 1
    return converted.start, converted.end


def _document_name(source: RefiSource) -> str:
    """The source's name, else its file's name, else its GUID; one line, no folders."""
    from_path = PurePosixPath(source.path.replace("\\", "/")).name if source.path else ""
    name = source.name or from_path or source.guid
    name = " ".join(name.replace("/", "-").replace("\\", "-").split())
    if name in ("", ".", ".."):
        name = source.guid
    return name[:MAX_NAME]


def _unique(name: str, taken: set[str]) -> str:
    """Sources may share a name (MAXQDA); the second becomes `name (2)` within the file."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        path = PurePosixPath(name)
        candidate = f"{path.stem} ({number}){path.suffix}" if path.suffix else f"{name} ({number})"
    taken.add(candidate)
    return candidate
