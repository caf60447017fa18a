"""XML for REFI-QDA: a small deterministic writer, a safe reader, and the shared value types.

Writing: attributes in the order given, two-space indentation, `\\n` line ends, and characters
XML 1.0 cannot carry replaced by U+FFFD, so the same project always gives the same bytes.

Reading: files come from elsewhere, so no DTD is accepted at all (no external entities, no
entity expansion bombs: defusedxml refuses them before anything is expanded), and elements are
matched by local name under any namespace, as real tools write `urn:QDA-XML:project:1.0`,
`urn:QDA-XML:codebook:1:0`, `...:0:4` or none.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from qcode.errors import InputError

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
# GUIDs we derive (for things without a uuid row, or GUIDs that break the pattern) are UUIDv5
# in this namespace, so the same input gives the same GUID on every export and import.
NAMESPACE = uuid.UUID("c10b21f8-6073-4e72-bea6-86c7ca4e0872")

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;",
})
_GUID = re.compile(r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?")
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(?:,\s*[\d.]+\s*)?\)", re.I)


def xml_safe(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold (most C0 controls, lone surrogates,
    U+FFFE/U+FFFF) replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


class XmlWriter:
    """Builds a document line by line; `start`/`end` for elements with children."""

    def __init__(self) -> None:
        self.parts: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']
        self.depth = 0

    def _tag(self, name: str, attrs: Mapping[str, str | None]) -> str:
        shown = "".join(
            f' {key}="{xml_safe(value).translate(_ATTR_ESCAPES)}"'
            for key, value in attrs.items() if value is not None
        )
        return f"{'  ' * self.depth}<{name}{shown}"

    def start(self, name: str, attrs: Mapping[str, str | None] | None = None) -> None:
        self.parts.append(self._tag(name, attrs or {}) + ">\n")
        self.depth += 1

    def end(self, name: str) -> None:
        self.depth -= 1
        self.parts.append(f"{'  ' * self.depth}</{name}>\n")

    def empty(self, name: str, attrs: Mapping[str, str | None] | None = None) -> None:
        self.parts.append(self._tag(name, attrs or {}) + "/>\n")

    def text(self, name: str, value: str, attrs: Mapping[str, str | None] | None = None) -> None:
        body = xml_safe(value).translate(_TEXT_ESCAPES)
        self.parts.append(self._tag(name, attrs or {}) + f">{body}</{name}>\n")

    def getvalue(self) -> bytes:
        return "".join(self.parts).encode("utf-8")


def boolean(value: bool) -> str:
    return "true" if value else "false"


def timestamp(value: datetime | None) -> str | None:
    """xsd:dateTime in UTC to the second, as the tools write it (stored times are naive UTC)."""
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


# --- reading ----------------------------------------------------------------------------------


def parse_xml(data: bytes, *, name: str) -> Element:
    """Parse untrusted XML: no DTD, so no entities of any kind; one-line errors."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException, DTDForbidden
    from defusedxml.ElementTree import fromstring

    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise InputError(
            f"{name}: the XML declares a DTD (<!DOCTYPE>), which REFI-QDA files never have; "
            "entity declarations are refused for safety") from None
    except DefusedXmlException as exc:
        raise InputError(f"{name}: the XML uses entities or external references ({type(exc).__name__}); "
                         "refused for safety") from None
    except ParseError as exc:
        raise InputError(f"{name}: not well-formed XML ({exc})") from None


def local(tag: object) -> str:
    """An element's name without its namespace."""
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1] if text.startswith("{") else text


def namespace(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if local(child.tag) == name)


def child(element: Element, name: str) -> Element | None:
    return next(children(element, name), None)


def child_text(element: Element, name: str) -> str | None:
    """The text of a child element (all of it, even around nested markup), or None."""
    found = child(element, name)
    if found is None:
        return None
    return "".join(found.itertext())


def guid(raw: str | None) -> str | None:
    """A GUID in its plain lower-case 36-character form. Braces and case are dropped; a value
    that is not a GUID at all (real files have them) becomes a UUIDv5 of itself, so the same
    file still maps to the same rows."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    match = _GUID.fullmatch(text)
    if match:
        return match.group(1).lower()
    return str(uuid.uuid5(NAMESPACE, text))


def derived_guid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def colour(raw: str | None) -> str | None:
    """`#rrggbb` from the forms tools write: #RGB, #RRGGBB, #AARRGGBB (alpha first when it is
    FF, else last), rgb(r, g, b); None when unreadable."""
    if not raw:
        return None
    text = raw.strip()
    rgb = _RGB.fullmatch(text)
    if rgb:
        values = [int(v) for v in rgb.groups()]
        return "#" + "".join(f"{min(v, 255):02x}" for v in values)
    match = _HEX.fullmatch(text)
    if not match:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    elif len(digits) == 8:
        digits = digits[2:] if digits.startswith("ff") else digits[:6]
    return "#" + digits


def when(raw: str | None) -> datetime | None:
    """An xsd:dateTime as naive UTC; None when missing or unreadable (with or without a zone)."""
    if not raw:
        return None
    text = raw.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def flag(raw: str | None, default: bool) -> bool:
    if raw is None:
        return default
    text = raw.strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    return default
