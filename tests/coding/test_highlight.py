"""Laying coded spans over lines (pure: no database, no terminal)."""

from __future__ import annotations

import pytest

from qcode.coding.highlight import (
    PALETTE,
    Mark,
    cut,
    highlight,
    innermost,
    margin,
    normalise_colour,
    overlapping,
    text_colour_on,
)
from qcode.corpus.segmentation import LineIndex

TEXT = "Respondent: Рођак из Беча 🇦🇹 нам је помогао.\nČačak je drugačiji 👍🏽.\n\nKraj."


def _lines(text: str) -> list[tuple[int, int, int]]:
    index = LineIndex(text)
    return [(n, *index.span(n)) for n in range(1, len(index.starts) + 1)]


def _mark(id_: int, code: str, coder: str, start: int, end: int, colour: str | None = None) -> Mark:
    return Mark(id_, code, coder, start, end, colour)


def test_colours_are_normalised_or_taken_from_the_palette() -> None:
    assert normalise_colour("#ABC", "x") == "#aabbcc"
    assert normalise_colour("#4E79A7", "x") == "#4e79a7"
    fallback = normalise_colour(None, "diaspora")
    assert fallback in PALETTE and normalise_colour("red", "diaspora") == fallback
    assert normalise_colour(None, "diaspora") == fallback  # stable


def test_text_colour_reads_on_the_background() -> None:
    assert text_colour_on("#000000") == "#ffffff"
    assert text_colour_on("#ffffff") == "#000000"
    assert text_colour_on("#edc948") == "#000000"
    assert text_colour_on("#1f1f7a") == "#ffffff"


def test_cut_splits_at_every_boundary_in_code_points() -> None:
    relative = TEXT.index("Беча")
    a = _mark(1, "diaspora", "ana", TEXT.index("Рођак"), TEXT.index("нам"))
    b = _mark(2, "barriers", "bob", relative, TEXT.index("\n"))
    segments = cut(TEXT, 0, TEXT.index("\n"), [a, b])
    assert "".join(s.text for s in segments) == TEXT[: TEXT.index("\n")]
    assert [(s.text, [m.id for m in s.marks]) for s in segments] == [
        ("Respondent: ", []),
        ("Рођак из ", [1]),
        ("Беча 🇦🇹 ", [1, 2]),
        ("нам је помогао.", [2]),
    ]
    for segment in segments:
        assert TEXT[segment.start : segment.end] == segment.text


def test_highlight_lines_and_margin_labels() -> None:
    across = _mark(1, "diaspora", "ana", TEXT.index("Беча"), TEXT.index("je"), "#4e79a7")
    emoji = _mark(2, "owner", "bob", TEXT.index("👍🏽"), TEXT.index("👍🏽") + 2)
    same = _mark(3, "diaspora", "ana", TEXT.index("Kraj"), TEXT.index("Kraj") + 4)
    lines = highlight(TEXT, _lines(TEXT), [same, emoji, across])
    assert [u.labels for u in lines] == [
        ("diaspora(ana)",), ("diaspora(ana)", "owner(bob)"), (), ("diaspora(ana)",)]
    assert margin(lines[1]) == "diaspora(ana), owner(bob)"
    coded = [s.text for s in lines[1].segments if s.marks]
    assert coded == ["Čačak ", "👍🏽"]
    assert lines[2].segments == () and not lines[2].marks  # a blank line


def test_labels_are_listed_once_per_code_and_coder() -> None:
    marks = [_mark(1, "diaspora", "ana", 0, 5), _mark(2, "diaspora", "ana", 6, 9),
             _mark(3, "diaspora", "bob", 0, 3)]
    (line,) = highlight("abcdefghij", [(1, 0, 10)], marks)
    assert line.labels == ("diaspora(bob)", "diaspora(ana)")  # by where they start
    assert len(line.marks) == 3


def test_innermost_mark_gives_the_colour() -> None:
    outer = _mark(1, "a", "x", 0, 10)
    inner = _mark(2, "b", "x", 3, 5)
    assert innermost([outer, inner]) is inner
    assert innermost([]) is None


@pytest.mark.parametrize(("start", "end", "hit"), [(0, 3, True), (3, 5, False), (4, 4, False)])
def test_overlapping_is_half_open(start: int, end: int, hit: bool) -> None:
    assert bool(overlapping([_mark(1, "a", "x", 1, 3)], start, end)) is hit
