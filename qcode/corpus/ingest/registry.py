"""Which reader handles which file, and the checks every import goes through first.

Built-in readers are listed by module name and imported on first use, so `import qcode`
stays fast (DESIGN.md §5.7); each reader imports its own heavy library lazily as well.
A new format is one module with a `read(data, name)` function plus one line in `_BUILTIN`,
or a function decorated with `@register(".ext")`.
"""

from __future__ import annotations

import importlib
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from qcode.corpus.ingest.base import DEFAULT_MAX_BYTES, ReadOptions, SpeakerPolicy
from qcode.corpus.ingest.base import ParsedDocument as ParsedDocument
from qcode.errors import InputError

Reader = Callable[[bytes, str], ParsedDocument]
"""Turns the bytes of a file into a document; the str is the file's name for messages.
Built-in readers also take a ReadOptions as a third argument (speaker policy, size limit)."""

_BUILTIN: dict[str, str] = {
    ".txt": "qcode.corpus.ingest.txt",
    ".text": "qcode.corpus.ingest.txt",
    ".md": "qcode.corpus.ingest.markdown",
    ".markdown": "qcode.corpus.ingest.markdown",
    ".docx": "qcode.corpus.ingest.docx",
    ".odt": "qcode.corpus.ingest.odt",
    ".rtf": "qcode.corpus.ingest.rtf",
    ".pdf": "qcode.corpus.ingest.pdf",
    ".vtt": "qcode.corpus.ingest.vtt",
    ".srt": "qcode.corpus.ingest.srt",
    ".html": "qcode.corpus.ingest.html",
    ".htm": "qcode.corpus.ingest.html",
    ".json": "qcode.corpus.ingest.json_",
}
_EXTRA: dict[str, Reader] = {}

SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(sorted(_BUILTIN))


def register(suffixes: str | Iterable[str]) -> Callable[[Reader], Reader]:
    """Decorator: make `reader` handle files with these suffixes (".ext", any case)."""
    wanted = [suffixes] if isinstance(suffixes, str) else list(suffixes)

    def decorate(reader: Reader) -> Reader:
        for suffix in wanted:
            _EXTRA[_suffix_key(suffix)] = reader
        return reader

    return decorate


def supported_suffixes() -> tuple[str, ...]:
    """Built-in suffixes plus any registered at run time."""
    return tuple(sorted(set(_BUILTIN) | set(_EXTRA)))


def _suffix_key(suffix: str) -> str:
    suffix = suffix.lower()
    return suffix if suffix.startswith(".") else f".{suffix}"


def reader_for(path: Path | str) -> Reader | None:
    """The reader for this file's suffix, or None when the format is not supported."""
    suffix = _suffix_key(Path(path).suffix) if Path(path).suffix else ""
    if suffix in _EXTRA:
        return _EXTRA[suffix]
    module = _BUILTIN.get(suffix)
    if module is None:
        return None
    reader: Reader = importlib.import_module(module).read
    return reader


def read_document(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, speakers: SpeakerPolicy | None = None
) -> ParsedDocument:
    """Read one transcript file into normalised text, speaker turns and metadata.

    Raises InputError (one line naming the file and what to do) for a missing, empty,
    oversized, unsupported, binary or corrupt file; never lets a parser traceback out.
    """
    path = Path(path)
    name = path.name
    reader = reader_for(path)
    if reader is None:
        raise InputError(
            f"{name}: unsupported file type {path.suffix or '(no suffix)'!r}; "
            f"convert it to one of {', '.join(supported_suffixes())}"
        )
    data = _read_bytes(path, max_bytes)
    options = ReadOptions(speakers or SpeakerPolicy(), max_bytes)
    try:
        if suffix_is_builtin(path):
            return reader(data, name, options)  # type: ignore[call-arg]
        doc = reader(data, name)
        if options.speakers.mode == "none":
            doc.turns = []
        return doc
    except InputError:
        raise
    except Exception as exc:
        # Parsers of untrusted files fail in many ways (zip, XML, PDF, RTF errors, recursion);
        # the user needs one clear line, and QCODE_DEBUG still shows the chained cause.
        raise InputError(
            f"{name} could not be read as {path.suffix} ({type(exc).__name__}); "
            "re-save or export it from its program and try again"
        ) from exc


def suffix_is_builtin(path: Path) -> bool:
    suffix = _suffix_key(path.suffix) if path.suffix else ""
    return suffix in _BUILTIN and suffix not in _EXTRA


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes. Only regular files are read: opening a FIFO would hang and a device
    could stream forever, so the file is opened without blocking and checked before reading."""
    name = path.name
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError(f"{name} does not exist; check the path") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a folder; give the transcript files inside it") from None
    except OSError as exc:
        raise InputError(f"{name} cannot be read ({exc.strerror}); check the path") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{name} is a folder; give the transcript files inside it")
        raise InputError(f"{name} is not a regular file (a device, FIFO or socket); qcode reads only files")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > max_bytes:
            raise InputError(
                f"{name} is {_mb(info.st_size)}, over the {_mb(max_bytes)} limit for one transcript; "
                "split it into smaller files"
            )
        if info.st_size == 0:
            raise InputError(f"{name} is empty; check that it is the right file")
        data = handle.read(max_bytes + 1)  # the file may grow between stat and read
    if len(data) > max_bytes:
        raise InputError(f"{name} is over the {_mb(max_bytes)} limit; split it")
    return data


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size} bytes"
