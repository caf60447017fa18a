"""Bytes to stored text: robust decoding, normalisation and hashing.

Every offset in qcode points into text produced by `normalise`, so this module decides once
what "the text" of a transcript is (DESIGN.md §3): NFC, `\\n` newlines, no BOM, no NUL, no
control or invisible characters.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from qcode.errors import InputError

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

_SERBIAN_LATIN = set("čćšžđČĆŠŽĐ")
# Characters that never appear in text but fill binary files; TAB, LF, CR, FF and VT are
# layout, ESC/SUB show up in old DOS text and ESC/BEL in text pasted from a terminal, so they
# do not count against a file (normalising removes them, with a warning).
_CONTROL = re.compile(r"[\x00-\x06\x08\x0e-\x19\x1c-\x1f\x7f-\x9f]")
_BINARY_SHARE = 0.02
_WORD = re.compile(r"[^\W\d_]+")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def decode_bytes(data: bytes, *, name: str) -> tuple[str, str, list[str]]:
    """Decode a transcript file's bytes; return (text, encoding name, warnings).

    Order: a BOM decides; then NUL bytes mean UTF-16 without BOM or binary; then strict
    UTF-8; then the legacy Windows code pages used in Serbia (1251 Cyrillic, 1250 Latin),
    with 1252 as the last resort for other Western text. The text is not yet normalised.
    """
    warnings: list[str] = []
    for bom, label, codec in _BOMS:
        if data.startswith(bom):
            if codec == "utf-8-sig" and b"\x00" in data:
                raise _binary_error(name, "contains NUL bytes")
            text, extra = _decode_lenient(data, codec, name, label)
            warnings.extend(extra)
            _reject_binary(text, name)
            return text, label, warnings
    if b"\x00" in data:
        text, label = _decode_utf16_without_bom(data, name)
        warnings.append(f"{name}: no byte-order mark; decoded as {label.upper()}.")
        _reject_binary(text, name)
        return text, label, warnings
    try:
        text = data.decode("utf-8")
        label = "utf-8"
    except UnicodeDecodeError:
        text, label, message = _decode_legacy(data, name)
        warnings.append(message)
    _reject_binary(text, name)
    return text, label, warnings


def _decode_lenient(data: bytes, codec: str, name: str, label: str) -> tuple[str, list[str]]:
    """Decode with a known codec; bad bytes become U+FFFD and a warning, not a failure."""
    try:
        return data.decode(codec), []
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        count = text.count("\ufffd")
        return text, [f"{name}: {count} byte(s) are not valid {label.upper()}; replaced by �."]


def _decode_utf16_without_bom(data: bytes, name: str) -> tuple[str, str]:
    """UTF-16 without a BOM has NULs in every other byte for Latin text (and in the spaces
    and digits of Cyrillic text). Binary data can show the same pattern by chance, so the
    result must also read as alphabetic text: characters below U+0800 (Latin, Greek,
    Cyrillic, Hebrew, Arabic), which random bytes almost never are."""
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    half = max(1, len(data) // 2)
    if len(data) % 2 == 0 and max(even, odd) >= 0.1 * half and min(even, odd) < 0.02 * half:
        codec = "utf-16-le" if odd > even else "utf-16-be"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            text = ""
        if text and sum(1 for ch in text if ch < "\u0800") >= 0.95 * len(text):
            return text, codec
    raise _binary_error(name, "contains NUL bytes")


def _decode_legacy(data: bytes, name: str) -> tuple[str, str, str]:
    """Pick the Windows code page that makes sense of non-UTF-8 bytes.

    Serbian Latin needs only č ć š ž đ beyond ASCII, so in the right (1250) decoding nearly
    every non-ASCII letter is one of them. Cyrillic decoded as 1251 gives words made only of
    Cyrillic letters, while Latin text decoded as 1251 gives words that mix scripts.
    """
    sample = data[:1_000_000]  # the statistics settle long before that; keeps big files fast
    latin = sample.decode("cp1250", errors="replace")
    cyrillic = sample.decode("cp1251", errors="replace")
    serbian_share = _share(latin, lambda ch: ch in _SERBIAN_LATIN)
    if serbian_share >= 0.8:
        return _full(data, "cp1250", name, "Windows-1250 (Central European Latin)")
    if _share(cyrillic, _is_cyrillic) >= 0.6 and _pure_cyrillic_words(cyrillic) >= 0.7:
        return _full(data, "cp1251", name, "Windows-1251 (Cyrillic)")
    if serbian_share >= 0.3:
        return _full(data, "cp1250", name, "Windows-1250 (Central European Latin)")
    return _full(data, "cp1252", name, "Windows-1252 (Western)")


def _full(data: bytes, codec: str, name: str, label: str) -> tuple[str, str, str]:
    message = (
        f"{name}: not valid UTF-8; decoded as {label}. "
        "Check the text and re-save the file as UTF-8 if it looks wrong."
    )
    return data.decode(codec, errors="replace"), codec, message


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _share(text: str, wanted: Callable[[str], bool]) -> float:
    """Share of the non-ASCII letters in `text` for which `wanted` holds."""
    letters = [ch for ch in text if ord(ch) > 0x7F and ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if wanted(ch)) / len(letters)


def _pure_cyrillic_words(text: str) -> float:
    """Share of words with Cyrillic letters that have no ASCII letters as well."""
    words = [w for w in _WORD.findall(text) if any(_is_cyrillic(ch) for ch in w)]
    if not words:
        return 0.0
    return sum(1 for w in words if not any(ch.isascii() for ch in w)) / len(words)


def _reject_binary(text: str, name: str) -> None:
    sample = text[:200_000]
    if not sample:
        return
    controls = len(_CONTROL.findall(sample))
    if controls / len(sample) > _BINARY_SHARE:
        raise _binary_error(name, "is full of control characters")


def _binary_error(name: str, what: str) -> InputError:
    return InputError(
        f"{name} {what} and looks binary, not text; "
        "export it as .txt, .docx, .odt, .rtf or .pdf and import that"
    )


# Terminal control sequences in full (CSI `ESC [ ... final`, OSC `ESC ] ... BEL|ST`, two-byte
# `ESC X`, and their C1 forms), so that no `[31m` is left behind when ESC is removed. Transcripts
# pasted from a terminal or crafted to move the cursor must never reach a coder's screen.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
# Other C0/C1 controls; TAB and the line breaks (LF, CR, VT, FF, NEL) are layout and kept.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
# Zero-width spaces, word joiners, BOMs inside the text, the U+FFFE non-character and private-use
# code points (Word's Symbol-font bullets): invisible on screen but they split words and quotes.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\ufffe\ue000-\uf8ff\U000f0000-\U0010ffff]")
_NO_BREAK = str.maketrans(dict.fromkeys("\u00a0\u2007\u202f", " "))
_SUSPECT = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00a0\u2007\u202f\u200b\u2060\ufeff\ufffe"
    "\ue000-\uf8ff\U000f0000-\U0010ffff]"
)
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


@dataclass(frozen=True)
class Cleaned:
    """Normalised text and what normalising removed or replaced (in code points)."""

    text: str
    controls: int = 0  # terminal escape sequences and other control characters removed
    invisible: int = 0  # zero-width spaces, inner BOMs, private-use characters removed
    spaces: int = 0  # no-break spaces made plain spaces (same length, offsets unchanged)


def clean(text: str) -> Cleaned:
    """`normalise` that also says what it removed, for the import's accounting and warnings."""
    controls = invisible = spaces = 0
    if text.startswith("\ufeff"):
        text = text[1:]  # the byte-order mark of the file, not a character of its text
    if _SUSPECT.search(text):
        before = len(text)
        text = _CONTROLS.sub("", _ESCAPES.sub("", text))
        controls = before - len(text)
        text, invisible = _INVISIBLE.subn("", text)
        replaced = text.translate(_NO_BREAK)
        if replaced != text:
            spaces = sum(text.count(ch) for ch in "\u00a0\u2007\u202f")
        text = replaced
    text = _LINE_BREAKS.sub("\n", text)
    text = unicodedata.normalize("NFC", text)
    return Cleaned(text.rstrip(), controls, invisible, spaces)


def normalise(text: str) -> str:
    """The stored form of a transcript: NFC, `\\n` newlines, no trailing space, and nothing
    invisible: no BOM, NUL, terminal control sequences or other C0/C1 controls (TAB is kept),
    no zero-width spaces or private-use characters; no-break spaces become plain spaces.

    Unicode line and paragraph separators, VT, FF and NEL become `\\n` too, because editors
    disagree on whether they break lines and line numbers must mean one thing.
    Internal layout (indentation, blank lines, trailing spaces of inner lines) is kept.
    """
    return clean(text).text


def count_words(text: str) -> int:
    """Words as the summaries count them: letters and digits, with inner apostrophes and hyphens."""
    return len(_WORD.findall(text))


def sha256_text(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of the normalised text."""
    if not is_normalised(text):
        text = normalise(text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_BREAKS = "\r\x0b\x0c\x85\u2028\u2029"  # what `_LINE_BREAKS` turns into `\n`


def is_normalised(text: str) -> bool:
    """True only if `normalise(text)` is `text`: what `clean` changes is looked for without
    building a copy (an imported transcript is normalised already, and is hashed on import)."""
    return (
        _SUSPECT.search(text) is None  # the BOM is one of them
        and not any(ch in text for ch in _BREAKS)
        and unicodedata.is_normalized("NFC", text)
        and not text[-1:].isspace()
    )


# --- folding for search (shared by the search core and the full-text index) ------------------

# Combining marks (Latin, Greek, Cyrillic accents and the like): part of a word, ignored in matching.
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_FOLDED_TOKEN = re.compile(r"[^\W_]+")
_LATIN = ((0x00C0, 0x0250), (0x1E00, 0x1F00), (0x2C60, 0x2C80), (0xA720, 0xA800))
# Letters with a stroke are not decomposed by Unicode, but a reader sees d, l, o... in them.
_STROKES = {"đ": "d", "ł": "l", "ø": "o", "ħ": "h", "ŧ": "t", "ƀ": "b", "ƶ": "z", "ǥ": "g", "ɨ": "i"}
# Characters outside the Latin blocks that fold to another letter: Kelvin K, Ångström Å, Ohm Ω,
# capital ß, and the final sigma (lower() writes ς only at the end of a word; it folds to σ).
_SPECIALS = "\u212a\u212b\u2126\u1e9e\u03c2"


@functools.cache
def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for low_cp, high_cp in _LATIN:
        for cp in range(low_cp, high_cp):
            low = chr(cp).lower()
            base = "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))
            if len(low) == 1 and len(base) == 1 and base != low:
                table[ord(low)] = base
    table.update({ord(k): v for k, v in _STROKES.items()})
    table[ord("ς")] = "σ"
    for first, last in re.findall(r"(.)-(.)", _MARKS):
        table.update(dict.fromkeys(range(ord(first), ord(last) + 1)))
    return table


def fold(text: str) -> str:
    """Lower case, Latin diacritics and combining marks removed (`Čačak` -> `cacak`)."""
    low = text.lower()
    return low if low.isascii() else low.translate(_fold_table())


def index_tokens(text: str) -> list[str]:
    """The folded tokens of `text`, as a search matches them (`Čačak, 2019.` -> cacak, 2019)."""
    return _FOLDED_TOKEN.findall(fold(text))


def index_text(text: str) -> str:
    """The folded tokens of `text` joined by spaces: what the full-text index is given."""
    if text.isascii():
        return text  # FTS5 cuts and folds ASCII exactly as qcode does, and faster
    return " ".join(_FOLDED_TOKEN.findall(fold(text)))
