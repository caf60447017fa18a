"""The package file: a zip of JSON members and a manifest with each member's SHA-256 and size.

Reading trusts nothing: the file must be a zip holding exactly the members the manifest lists
(no folders, no `../`, no duplicates), each member is inflated through a counting reader that
stops at the size limit (a member's declared size can lie), and its hash must match, all before
any member is parsed, let alone written to a project.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from qcode.errors import InputError

FORMAT = "qcode-pack"
VERSION = 1
MANIFEST = "manifest.json"
MEMBERS = ("project.json", "codes.json", "documents.json", "codings.json", "memos.json",
           "events.json")
MAX_MEMBER = 1024 * 2**20  # inflated bytes of one member
MAX_MANIFEST = 2**20
CHUNK = 2**20


@dataclass(frozen=True)
class Archive:
    path: Path
    manifest: dict[str, Any]
    members: dict[str, Any]  # member name -> parsed JSON


def write_archive(target: Path, members: dict[str, Any], info: dict[str, Any]) -> int:
    """Write the package (atomically: beside the target, then renamed); returns its size."""
    blobs = {name: _dump(members[name]) for name in MEMBERS}
    manifest = {
        "format": FORMAT, "version": VERSION, **info,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "members": [{"name": n, "sha256": hashlib.sha256(b).hexdigest(), "bytes": len(b)}
                    for n, b in blobs.items()],
    }
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            zf.writestr(_entry(MANIFEST), _dump(manifest))
            for name, blob in blobs.items():
                zf.writestr(_entry(name), blob)
        partial.replace(target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))  # the same bytes for the same work
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _dump(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def read_archive(path: Path) -> Archive:
    """Open and verify a package; any problem is one InputError naming the file."""
    name = str(path)
    try:
        if not path.is_file():
            raise InputError(f"{name}: no such file")
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise InputError(f"{name}: not a qcode package (not a readable zip file)") from exc
    with zf:
        try:
            infos = {i.filename: i for i in zf.infolist()}
            if len(infos) != len(zf.infolist()):
                raise InputError(f"{name}: a member appears twice; the package is damaged")
            if MANIFEST not in infos:
                raise InputError(f"{name}: not a qcode package (no {MANIFEST})")
            if infos[MANIFEST].file_size > MAX_MANIFEST:
                raise InputError(f"{name}: {MANIFEST} is larger than a manifest may be")
            manifest = _parse(_inflate(zf, infos[MANIFEST], MAX_MANIFEST, name), MANIFEST, name)
            listed = _check_manifest(manifest, set(infos), name)
            members = {}
            for member, (digest, size) in listed.items():
                if infos[member].file_size > MAX_MEMBER or size > MAX_MEMBER:
                    raise InputError(f"{name}: {member} is larger than a package member may be")
                # Inflated only as far as the manifest says it is long (plus one byte to tell).
                blob = _inflate(zf, infos[member], size + 1, name)
                if len(blob) != size or hashlib.sha256(blob).hexdigest() != digest:
                    raise InputError(f"{name}: {member} does not match its checksum; "
                                     "the package is damaged or was changed")
                members[member] = _parse(blob, member, name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise InputError(f"{name}: the package is damaged ({str(exc)[:100]})") from exc
    return Archive(path, manifest, members)


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, name: str) -> bytes:
    """At most `limit` bytes of a member, whatever its header declares."""
    if info.is_dir():
        raise InputError(f"{name}: {info.filename} is a folder, not a package member")
    out = bytearray()
    with zf.open(info) as stream:
        while len(out) < limit and (chunk := stream.read(min(CHUNK, limit - len(out)))):
            out += chunk
    return bytes(out)


def _parse(blob: bytes, member: str, name: str) -> Any:
    try:
        return json.loads(blob.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(f"{name}: {member} is not valid JSON; the package is damaged") from exc


def _check_manifest(manifest: Any, present: set[str], name: str) -> dict[str, tuple[str, int]]:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"{name}: not a qcode package (the manifest does not say {FORMAT})")
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION:
        raise InputError(f"{name}: package format {version!r} is newer than this qcode reads "
                         f"({VERSION})", hint="upgrade qcode: pip install --upgrade qcode")
    entries = manifest.get("members")
    listed: dict[str, tuple[str, int]] = {}
    for entry in entries if isinstance(entries, list) else [None]:
        ok = (isinstance(entry, dict) and entry.get("name") in MEMBERS
              and isinstance(entry.get("sha256"), str) and isinstance(entry.get("bytes"), int)
              and not isinstance(entry.get("bytes"), bool) and 0 <= entry["bytes"] <= MAX_MEMBER)
        if not ok or entry["name"] in listed:  # type: ignore[index]
            raise InputError(f"{name}: the manifest's list of members is malformed")
        listed[entry["name"]] = (entry["sha256"], entry["bytes"])  # type: ignore[index]
    if set(listed) != set(MEMBERS) or present != {MANIFEST, *MEMBERS}:
        extra = sorted(present - {MANIFEST, *MEMBERS})
        raise InputError(f"{name}: the package's members are not the ones a package holds"
                         + (f" (unexpected: {', '.join(e[:40] for e in extra[:3])})" if extra else ""))
    return listed
