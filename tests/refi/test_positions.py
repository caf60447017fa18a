"""Counting rules for REFI-QDA positions, and carrying positions into the normalised text."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from qcode.corpus.text import normalise
from qcode.export.refi.positions import (
    CODEPOINTS,
    CODEPOINTS_CRLF1,
    UTF16,
    UTF16_CRLF1,
    Sample,
    SourceText,
    convert,
    detect,
    normalise_with_map,
)

TEXT = "Où 😀 est\r\nVienna? Ђорђе 🙂 is here.\r\nend"
_CHARS = st.sampled_from([*"ab č\u030cЋ😀\r\n\ufeff\x00\u2028\x0c\t ", "e\u0301", "\u1100\u1161"])


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_each_rule_finds_the_same_character() -> None:
    text = SourceText(TEXT)
    at = TEXT.index("Vienna")
    lf = TEXT.replace("\r\n", "\n")
    at_lf = lf.index("Vienna")
    assert text.index(at, CODEPOINTS) == at
    assert text.index(_utf16(TEXT[:at]), UTF16) == at
    assert text.index(at_lf, CODEPOINTS_CRLF1) == at
    assert text.index(_utf16(lf[:at_lf]), UTF16_CRLF1) == at


def test_a_position_inside_a_character_or_outside_the_text_is_none() -> None:
    text = SourceText(TEXT)
    inside = _utf16(TEXT[: TEXT.index("😀")]) + 1
    assert text.index(inside, UTF16) is None
    assert text.index(len(TEXT) + 1, CODEPOINTS) is None
    assert text.index(-1, CODEPOINTS) is None
    assert text.length(UTF16) == len(TEXT) + 2 and text.length(CODEPOINTS_CRLF1) == len(TEXT) - 2


@given(st.lists(_CHARS, max_size=40).map("".join))
def test_the_mapped_text_is_what_qcode_stores(raw: str) -> None:
    normalised = normalise_with_map(raw)
    assert normalised.text == normalise(raw)
    ends = [normalised.position(i, end=True) for i in range(len(raw) + 1)]
    starts = [normalised.position(i, end=False) for i in range(len(raw) + 1)]
    assert ends == sorted(ends) and starts == sorted(starts)  # order is kept
    assert starts[0] == 0 and ends[-1] == len(normalised.text)


@given(st.lists(_CHARS, max_size=20).map("".join), st.lists(_CHARS, min_size=1, max_size=10).map("".join),
       st.lists(_CHARS, max_size=20).map("".join))
def test_a_selection_covers_its_own_text_once_normalised(before: str, chosen: str, after: str) -> None:
    raw = f"{before}|{chosen}|{after}"  # `|` never composes or vanishes: a fixed boundary
    normalised = normalise_with_map(raw)
    first = normalised.position(len(before) + 1, end=False)
    last = normalised.position(len(before) + 1 + len(chosen), end=True)
    assert normalised.text[first - 1] == "|" and normalised.text[last] == "|"
    assert normalised.text[first:last] == unicodedata.normalize("NFC", normalise_lines(chosen))


def normalise_lines(text: str) -> str:
    import re

    return re.sub(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]", "\n", text.replace("\ufeff", "").replace("\x00", ""))


def _sample(text: str, words: list[str], counter: str) -> Sample:
    body = text.replace("\r\n", "\n") if counter.endswith("lf") else text
    spans = []
    for word in words:
        at = body.index(word)
        size = _utf16 if counter.startswith("utf16") else len
        spans.append((size(body[:at]), size(body[: at + len(word)]), None))
    return Sample(SourceText(text), spans)


def test_detection_prefers_the_rule_the_boundaries_fit() -> None:
    words = ["Vienna", "here", "end", "est"]
    assert detect([_sample(TEXT, words, "utf16")], "some tool").rule == UTF16
    assert detect([_sample(TEXT, words, "codepoints")], "NVivo 14").rule == CODEPOINTS
    assert detect([_sample(TEXT, words, "utf16-lf")], "x").rule == UTF16_CRLF1
    assert detect([_sample(TEXT, words, "codepoints-lf")], "x").rule == CODEPOINTS_CRLF1


def test_quoting_names_decide_where_boundaries_do_not() -> None:
    text = "aaaa 😀 bbbb cccc"
    at = text.index("bbbb cccc")
    units = _utf16(text[:at])
    # Both readings fall on word boundaries; only one selects what the name quotes.
    sample = Sample(SourceText(text), [(units, units + 4, "bbbb")])
    found = detect([sample], "ATLAS.ti 9")
    assert found.rule == UTF16
    assert "1 of 1 selections fit" in (found.describe() or "")


def test_texts_where_the_rules_agree_need_no_choice() -> None:
    found = detect([_sample("plain ascii text\n", ["ascii"], "codepoints")], "NVivo")
    assert found.rule == CODEPOINTS and not found.rivals
    assert "every counting rule reads these texts alike" in (found.describe() or "")


def test_convert_clamps_and_refuses_what_cannot_be_a_coding() -> None:
    text = SourceText(TEXT)
    normalised = normalise_with_map(TEXT)
    past = convert(text, normalised, CODEPOINTS, TEXT.index("end"), len(TEXT) + 50)
    assert past is not None and past.clamped and normalised.text[past.start:past.end] == "end"
    assert convert(text, normalised, CODEPOINTS, 10, 5) is None
    assert convert(text, normalised, CODEPOINTS, 7, 7) is None
    emoji = _utf16(TEXT[: TEXT.index("😀")])
    half = convert(text, normalised, UTF16, emoji + 1, emoji + 2)
    assert half is not None and normalised.text[half.start:half.end] == "😀"
