"""Decoding and normalising transcript bytes (qcode/text.py)."""

from __future__ import annotations

import hashlib
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcode.corpus.text import decode_bytes, is_normalised, normalise, sha256_text
from qcode.errors import InputError

SERBIAN_LATIN = "čćšžđ ČĆŠŽĐ"
CYRILLIC = "Ћирилица ђ ж"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Ово је 😀 čšž".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "Ово је 😀 čšž".encode(), "utf-8-sig"),
        (b"\xff\xfe" + "Ово је 😀 čšž".encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + "Ово је 😀 čšž".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_unicode_encodings(data: bytes, encoding: str) -> None:
    text, found, warnings = decode_bytes(data, name="a.txt")
    assert normalise(text) == "Ово је 😀 čšž"
    assert found == encoding
    assert warnings == []


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("sample", ["Interviewer: hello", "Испитаник: како сте, 2024?"])
def test_utf16_without_bom_is_detected_with_a_warning(codec: str, sample: str) -> None:
    text, found, warnings = decode_bytes(sample.encode(codec), name="a.txt")
    assert (text, found) == (sample, codec)
    assert "a.txt" in warnings[0]


@pytest.mark.parametrize("sample", [SERBIAN_LATIN, f"Ispitanik: {SERBIAN_LATIN}, đak i čaša."])
def test_cp1250_serbian_latin(sample: str) -> None:
    text, found, warnings = decode_bytes(sample.encode("cp1250"), name="lat.txt")
    assert (text, found) == (sample, "cp1250")
    assert "lat.txt" in warnings[0] and "Windows-1250" in warnings[0]


@pytest.mark.parametrize("sample", [CYRILLIC, f"Испитаник: {CYRILLIC}, ђак и шоља."])
def test_cp1251_cyrillic(sample: str) -> None:
    text, found, warnings = decode_bytes(sample.encode("cp1251"), name="cyr.txt")
    assert (text, found) == (sample, "cp1251")
    assert "Windows-1251" in warnings[0]


def test_other_legacy_text_falls_back_to_cp1252() -> None:
    text, found, _ = decode_bytes("Café déjà vu, naïve".encode("cp1252"), name="fr.txt")
    assert (text, found) == ("Café déjà vu, naïve", "cp1252")


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x00\x00binary\x00\x00",
        b"\xef\xbb\xbfutf-8 with a NUL\x00 inside",
        bytes(range(1, 32)) * 20,
    ],
)
def test_binary_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^x\.txt .*looks binary.*export it"):
        decode_bytes(data, name="x.txt")


def test_normalise() -> None:
    raw = "\ufeffA\r\nB\rC\x00D\u2028E\n\n  indented  \ne\u0301\n\n \t\n"
    assert normalise(raw) == "A\nB\nCD\nE\n\n  indented  \né"
    assert normalise("x") == "x"


def test_sha256_is_of_the_normalised_utf8() -> None:
    expected = hashlib.sha256("Ћ😀\nb".encode()).hexdigest()
    assert sha256_text("Ћ😀\r\nb\n") == expected
    assert sha256_text("Ћ😀\nb") == expected


@given(st.text())
def test_normalise_is_idempotent_and_clean(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert "\r" not in once and "\x00" not in once and "\ufeff" not in once
    assert once == unicodedata.normalize("NFC", once)
    assert once == once.rstrip()


_AWKWARD = st.lists(st.sampled_from(
    ["a", "Ћ", " ", "\t", "\n", "\r", "\x0b", "\x85", "\u2028", "\u00a0", "\u200b", "\ufeff",
     "\x1b", "[", "m", "\ue000", "e\u0301", "\u0301", "\u3000"])).map("".join)


@given(st.one_of(st.text(), _AWKWARD))
def test_is_normalised_only_when_normalise_changes_nothing(text: str) -> None:
    if is_normalised(text):
        assert normalise(text) == text
    assert is_normalised(normalise(text))
    assert sha256_text(text) == hashlib.sha256(normalise(text).encode()).hexdigest()


@given(st.text())
def test_any_utf8_text_decodes_back(text: str) -> None:
    data = text.encode("utf-8")
    try:
        decoded, found, _ = decode_bytes(data, name="h.txt")
    except InputError:
        return  # control-heavy or NUL-bearing strings are refused, which is fine
    # With a BOM or NULs (which may be UTF-16 without a BOM) the bytes are ambiguous.
    if not data.startswith(b"\xef\xbb\xbf") and b"\x00" not in data:
        assert (decoded, found) == (text, "utf-8")


# --- what normalising removes ------------------------------------------------------------------


def test_clean_removes_terminal_sequences_and_controls_and_counts_them() -> None:
    from qcode.corpus.text import clean

    raw = "a\x1b[31mred\x1b[0m \x1b]0;title\x07b\x9b2Jc\x00d\x7f\te\x1b"
    result = clean(raw)
    assert result.text == "ared bcd\te"
    assert result.controls == len(raw) - len(result.text)
    assert (result.invisible, result.spaces) == (0, 0)


def test_clean_removes_invisible_characters_and_plain_spaces_no_break_spaces() -> None:
    from qcode.corpus.text import clean

    result = clean("\ufeffWe\u200b start\ufeffed\u2060 \uf0b7 here,\u00a0in\u202fNiš\U000f0001.")
    assert result.text == "We started  here, in Niš."
    assert (result.controls, result.invisible, result.spaces) == (0, 5, 2)


def test_clean_keeps_what_is_text() -> None:
    from qcode.corpus.text import clean

    family = "👨\u200d👩\u200d👧 Ћирилица čćšžđ\u200c\tTAB"  # ZWJ and ZWNJ join and separate letters
    assert clean(family).text == family
    assert normalise("One\r\nTwo\x0bThree\x85Four\u2028Five") == "One\nTwo\nThree\nFour\nFive"


@given(st.text())
def test_normalise_is_idempotent_and_leaves_no_controls(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert not any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in once)
    assert "\u200b" not in once and "\ufeff" not in once
