"""The shape of each package member, checked field by field before anything is used.

A package comes from elsewhere (a laptop, a mail attachment): every record is checked for its
fields' types and lengths (the store's own limits, so PostgreSQL never refuses a value half-way
through a merge), and every reference between members must resolve, or the package is refused
with the member, the item and the field named.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from qcode.errors import InputError

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
BIG = 2**31 - 1  # offsets and numbers the store's INTEGER columns hold on every engine
TEXT = 2**31  # unbounded text columns (the member's size bounds it already)

# field -> (kind, limit, optional); kinds: str, int, bool, uuid, time, hash
Spec = dict[str, tuple[str, int, bool]]

PROJECT: Spec = {"uuid": ("uuid", 36, False), "name": ("str", TEXT, False)}
CODER: Spec = {"uuid": ("uuid", 36, False), "name": ("str", 255, False), "role": ("str", 16, False)}
ROUND: Spec = {"uuid": ("uuid", 36, False), "name": ("str", 255, False), "blind": ("bool", 0, False),
               "status": ("str", 16, False), "documents": ("list", 0, False)}
CODEBOOK: Spec = {
    "number": ("int", BIG, False), "name": ("str", 255, False), "label": ("str", 64, False),
    "content_hash": ("str", 64, False), "snapshot_json": ("str", TEXT, False),
    "source_path": ("str", TEXT, True), "loaded_by": ("str", 255, True),
    "loaded_at": ("time", 0, False),
}
CASE: Spec = {"uuid": ("uuid", 36, False), "name": ("str", 255, False), "attributes": ("dict", 0, False)}
CODE: Spec = {
    "uuid": ("uuid", 36, False), "key": ("str", 64, False), "label": ("str", 255, False),
    "parent": ("uuid", 36, True), "position": ("int", BIG, False), "brief": ("str", TEXT, True),
    "definition": ("str", TEXT, False), "when_to_use": ("str", TEXT, True),
    "when_not_to_use": ("str", TEXT, True), "examples_json": ("str", TEXT, False),
    "colour": ("str", 16, True), "retired": ("bool", 0, False), "applicable": ("bool", 0, False),
    "first_version": ("int", BIG, False),
}
DOCUMENT: Spec = {
    "uuid": ("uuid", 36, False), "name": ("str", 255, False), "text": ("str", TEXT, False),
    "sha256": ("hash", 64, False), "source_path": ("str", TEXT, True),
    "source_format": ("str", 16, False), "encoding": ("str", 32, True), "words": ("int", BIG, False),
    "metadata_json": ("str", TEXT, False), "case": ("uuid", 36, True), "revision": ("int", BIG, False),
    "imported_at": ("time", 0, False), "updated_at": ("time", 0, False), "units": ("list", 0, False),
}
CODING: Spec = {
    "uuid": ("uuid", 36, False), "document": ("uuid", 36, False), "code": ("uuid", 36, False),
    "coder": ("uuid", 36, False), "start": ("int", BIG, False), "end": ("int", BIG, False),
    "quote": ("str", TEXT, False), "prefix": ("str", TEXT, False), "suffix": ("str", TEXT, False),
    "anchor": ("str", 16, False), "round": ("uuid", 36, True), "created_at": ("time", 0, False),
    "updated_at": ("time", 0, False),
}
MEMO: Spec = {
    "uuid": ("uuid", 36, False), "target_type": ("str", 16, False), "target": ("uuid", 36, True),
    "coder": ("uuid", 36, False), "text": ("str", TEXT, False), "created_at": ("time", 0, False),
    "updated_at": ("time", 0, False),
}
EVENT: Spec = {
    "batch": ("str", 36, False), "at": ("time", 0, False), "actor": ("str", 255, False),
    "action": ("str", 24, False), "target_type": ("str", 16, False), "target": ("uuid", 36, True),
    "before": ("str", TEXT, True), "after": ("str", TEXT, True), "summary": ("str", TEXT, False),
    "undoes": ("str", 36, True),
}
UNIT_KINDS = ("turn", "paragraph", "sentence", "line")


class PackError(InputError):
    pass


def _ok(kind: str, limit: int, value: Any) -> bool:
    if kind in ("str", "uuid", "hash", "time"):
        if not isinstance(value, str) or len(value) > (limit or 64) or "\x00" in value:
            return False
        if kind == "uuid":
            return bool(_UUID.fullmatch(value))
        if kind == "hash":
            return bool(_HEX64.fullmatch(value))
        if kind == "time":
            try:
                datetime.fromisoformat(value)
            except ValueError:
                return False
        return True
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "list":
        return isinstance(value, list)
    if kind == "dict":
        return isinstance(value, dict)
    return False


def record(value: Any, spec: Spec, where: str) -> dict[str, Any]:
    """The record if every field of `spec` is there with the right type (others are refused)."""
    if not isinstance(value, dict):
        raise PackError(f"{where}: not a record")
    unknown = sorted(set(value) - set(spec))
    if unknown:
        raise PackError(f"{where}: unknown field `{str(unknown[0])[:40]}`")
    for key, (kind, limit, optional) in spec.items():
        if key not in value:
            raise PackError(f"{where}: field `{key}` is missing")
        field = value[key]
        if field is None and optional:
            continue
        if not _ok(kind, limit, field):
            raise PackError(f"{where}: field `{key}` is not a valid {kind}")
    return value


def records(value: Any, spec: Spec, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise PackError(f"{where}: not a list")
    rows = [record(item, spec, f"{where} item {i + 1}") for i, item in enumerate(value)]
    seen: set[str] = set()
    key = "uuid" if "uuid" in spec else None
    for i, row in enumerate(rows):
        if key is not None:
            if row[key] in seen:
                raise PackError(f"{where} item {i + 1}: uuid {row[key]} appears twice")
            seen.add(row[key])
    return rows


def uuids(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(_ok("uuid", 36, v) for v in value):
        raise PackError(f"{where}: not a list of uuids")
    return list(value)


def units(value: Any, text_length: int, where: str) -> list[tuple[str, int, int, int, str | None,
                                                             str | None]]:
    """A document's units: [kind, number, start, end, speaker, timestamp], inside the text."""
    out = []
    for i, unit in enumerate(value):
        ok = (isinstance(unit, list) and len(unit) == 6 and unit[0] in UNIT_KINDS
              and all(_ok("int", BIG, v) for v in unit[1:4]) and unit[2] <= unit[3] <= text_length
              and all(v is None or _ok("str", 255 if j == 4 else 32, v)
                      for j, v in ((4, unit[4]), (5, unit[5]))))
        if not ok:
            raise PackError(f"{where} unit {i + 1}: not a valid unit")
        out.append((unit[0], unit[1], unit[2], unit[3], unit[4], unit[5]))
    return out
