"""`.qdpx` archives: reading untrusted ones safely, writing ours byte-for-byte reproducibly.

Reading never extracts to disk. Every member name is checked first (no `..`, no absolute
path or drive, no symbolic link), the number of members is capped, and a member is read only
when needed, in chunks, stopping one byte past its limit whatever its header claims (zip
bombs). Sources are found the lenient way (README §5.3 of the REFI notes): `internal://X`,
`internal://Sources/X`, or a bare `X`, by case-insensitive base name anywhere in the archive.

Writing: `project.qde` first, then the sources in the order given, each with the same fixed
time stamp and attributes, so one project state always gives the same bytes.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from qcode.errors import InputError

MAX_MEMBERS = 100_000
MAX_PROJECT_BYTES = 512 * 2**20  # the project.qde XML
MAX_SOURCE_BYTES = 50 * 2**20  # one plain-text source or note, as for any transcript
MAX_TOTAL_BYTES = 4 * 2**30  # everything read from one archive
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_CHUNK = 2**20


@dataclass
class Archive:
    """An opened `.qdpx` (or a bare `.qde`, with no members)."""

    name: str
    project: bytes
    project_member: str | None
    zip: zipfile.ZipFile | None = None
    by_basename: dict[str, list[str]] = field(default_factory=dict)
    read_so_far: int = 0

    def find(self, reference: str | None) -> str | None:
        """The member a `plainTextPath` (or a note's path) names, or None when it is not in the
        archive (external, missing, or ambiguous)."""
        if not reference or self.zip is None:
            return None
        text = reference.strip().replace("\\", "/")
        lowered = text.lower()
        if lowered.startswith(("relative:", "absolute:", "http:", "https:", "file:")):
            return None
        if lowered.startswith("internal:"):
            text = text[len("internal:"):]
        base = PurePosixPath(text.lstrip("/")).name.lower()
        found = self.by_basename.get(base, [])
        if len(found) > 1:
            inside = [m for m in found if PurePosixPath(m).parent.name.lower() in ("sources", "")]
            found = inside if len(inside) == 1 else found
        return found[0] if len(found) == 1 else None

    def read(self, member: str) -> bytes:
        assert self.zip is not None
        data = _read_member(self.zip, self.zip.getinfo(member), MAX_SOURCE_BYTES, self.name)
        self.read_so_far += len(data)
        if self.read_so_far > MAX_TOTAL_BYTES:
            raise InputError(f"{self.name}: unpacks to more than {MAX_TOTAL_BYTES // 2**30} GB; "
                             "refusing it as a zip bomb")
        return data


def open_archive(path: Path) -> Archive:
    """Open a `.qdpx` zip or a bare `.qde`; one-line errors for anything unsafe or unreadable."""
    name = path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except FileNotFoundError:
        raise InputError(f"{name} does not exist; check the path") from None
    except OSError as exc:
        raise InputError(f"{name} cannot be read ({exc.strerror})") from None
    if head.startswith(b"PK"):
        return _open_zip(path)
    if path.stat().st_size > MAX_PROJECT_BYTES:
        raise InputError(f"{name} is larger than {MAX_PROJECT_BYTES // 2**20} MB")
    return Archive(name=name, project=path.read_bytes(), project_member=None)


def _open_zip(path: Path) -> Archive:
    name = path.name
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{name} is not a readable .qdpx (zip) file ({exc})") from None
    if len(infos) > MAX_MEMBERS:
        raise InputError(f"{name} holds {len(infos):,} files (at most {MAX_MEMBERS:,}); refusing it")
    for info in infos:
        _check_member(info, name)
    files = [i.filename for i in infos if not i.is_dir()]
    by_base: dict[str, list[str]] = {}
    for member in files:
        by_base.setdefault(PurePosixPath(member).name.lower(), []).append(member)
    project = _project_member(files, name)
    data = _read_member(archive, archive.getinfo(project), MAX_PROJECT_BYTES, name)
    return Archive(name=name, project=data, project_member=project, zip=archive,
                   by_basename=by_base, read_so_far=len(data))


def _check_member(info: zipfile.ZipInfo, name: str) -> None:
    member = info.filename
    parts = member.replace("\\", "/").split("/")
    unsafe = (
        "\x00" in member
        or member.startswith(("/", "\\"))
        or (len(member) > 1 and member[1] == ":")
        or any(part == ".." for part in parts)
    )
    if unsafe:
        raise InputError(f"{name}: the member {member[:80]!r} points outside the archive; "
                         "refusing the file")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise InputError(f"{name}: the member {member[:80]!r} is a symbolic link; refusing the file")


def _project_member(files: list[str], name: str) -> str:
    """`project.qde` at the root; else the one `.qde` at the root (ATLAS.ti 26 names it after the
    project); else the one `.qde` anywhere (an archive of a folder)."""
    qde = [m for m in files if m.lower().endswith(".qde")]
    root = [m for m in qde if "/" not in m.replace("\\", "/")]
    for candidates in (
        [m for m in root if m.lower() == "project.qde"], root, qde,
    ):
        if len(candidates) == 1:
            return candidates[0]
    if not qde:
        raise InputError(f"{name} has no project.qde inside; is it a REFI-QDA project (.qdpx)?")
    raise InputError(f"{name} holds several project files ({', '.join(sorted(qde)[:4])}); "
                     "expected one project.qde")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str) -> bytes:
    if info.flag_bits & 0x1:
        raise InputError(f"{name}: {info.filename} is encrypted; export the project without a password")
    if info.file_size > limit:
        raise InputError(f"{name}: {info.filename} unpacks to {info.file_size:,} bytes "
                         f"(at most {limit:,}); refusing it")
    buffer = io.BytesIO()
    try:
        with archive.open(info) as handle:
            while True:
                chunk = handle.read(_CHUNK)
                if not chunk:
                    break
                buffer.write(chunk)
                if buffer.tell() > limit:
                    raise InputError(f"{name}: {info.filename} unpacks to more than {limit:,} bytes, "
                                     "more than its header says; refusing it as a zip bomb")
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise InputError(f"{name}: {info.filename} cannot be unpacked ({exc})") from None
    return buffer.getvalue()


# --- writing ----------------------------------------------------------------------------------


def write_archive(path: Path, members: Iterable[tuple[str, bytes]]) -> int:
    """Write a zip of `members` (name, bytes) reproducibly, replacing `path` all at once;
    returns its size in bytes."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as archive:
            for member, data in members:
                info = zipfile.ZipInfo(member, date_time=_FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = (stat.S_IFREG | 0o644) << 16
                archive.writestr(info, data, compresslevel=6)
        os.chmod(tmp, 0o666 & ~_umask())  # as a file opened for writing would be
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
    return path.stat().st_size


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
