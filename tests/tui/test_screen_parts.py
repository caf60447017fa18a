"""The screen's pure parts: wrapping and offsets, word motion, code search, who asks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qcode.corpus.documents import UnitInfo
from qcode.tui.data import CodeEntry, answers, interviewer_speakers, progress, shortcut_codes
from qcode.tui.fuzzy import choose, search
from qcode.tui.layout import Layout, cells
from qcode.tui.motion import next_word, previous_word, trimmed, unit_index


def _turn(number: int, start: int, end: int, speaker: str | None) -> UnitInfo:
    return UnitInfo("turn", number, start, end, speaker, None)


def test_lines_wrap_at_word_boundaries_and_keep_every_offset() -> None:
    text = "Ana: one two three four five six\n\nBo: Никада нисмо 🙂🙂 научили"
    layout = Layout(text, [_turn(1, 5, 32, "Ana"), _turn(2, 38, len(text), "Bo")], 12)
    rows = [text[r.start:r.end] for r in layout.rows if r.header is None]
    assert rows == ["Ana: one two ", "three four ", "five six", "", "Bo: Никада ", "нисмо 🙂🙂 ",
                    "научили"]  # `нисмо 🙂🙂` is 10 cells: an emoji takes two
    assert all(cells(r.rstrip()) <= 12 for r in rows)
    assert [r.header.number for r in layout.rows if r.header is not None] == [1, 2]
    assert layout.labels == [(0, 5), (34, 38)]
    for offset in range(len(text) + 1):  # every offset has one place, and comes back from it
        index = layout.row_of(offset)
        assert layout.offset_at(index, layout.column_of(offset)) == offset


def test_wide_characters_count_two_cells() -> None:
    text = "🙂🙂🙂🙂 ab"
    layout = Layout(text, [], 8)
    assert [text[r.start:r.end] for r in layout.rows] == ["🙂🙂🙂🙂 ", "ab"]
    assert layout.column_of(2) == 4
    assert layout.offset_at(0, 5) == 2  # the right half of an emoji is the emoji


def test_a_word_longer_than_a_row_is_cut() -> None:
    text = "x" * 20
    layout = Layout(text, [], 8)
    assert [r.end - r.start for r in layout.rows] == [8, 8, 4]


@given(st.text(alphabet="ab čЋ🙂\n", max_size=60), st.integers(min_value=8, max_value=30))
def test_rows_cover_the_text_in_order(text: str, width: int) -> None:
    layout = Layout(text, [], width)
    pieces = [text[r.start:r.end] for r in layout.rows]
    assert "\n".join("".join(pieces[i] for i in group) for group in _by_line(layout)) == text


@given(st.text(alphabet="ab cd’—Ћџ", max_size=80), st.integers(min_value=4, max_value=20))
def test_counting_characters_wraps_as_measuring_cells_does(line: str, width: int) -> None:
    from qcode.tui.layout import _wrap_line, _wrap_measured

    assert _wrap_line(line, 0, len(line), width) == _wrap_measured(line, 0, len(line), width)


def _by_line(layout: Layout) -> list[list[int]]:
    groups: list[list[int]] = []
    for index, row in enumerate(layout.rows):
        if row.line is not None:
            groups.append([])
        groups[-1].append(index)
    return groups


def test_word_motion_and_trimming() -> None:
    text = "Čačak je, drugačiji 🙂 grad."
    assert next_word(text, 0) == text.index("je")
    assert next_word(text, text.index("je")) == text.index("drugačiji")
    assert previous_word(text, text.index("grad")) == text.index("drugačiji")
    assert previous_word(text, text.index("ačak")) == 0
    assert trimmed(text, 5, 10) == (6, 9)
    assert trimmed(text, 10, 5) == (6, 9)


def test_unit_under_an_offset_or_the_next() -> None:
    units = [_turn(1, 5, 10, "A"), _turn(2, 20, 30, "B")]
    assert [unit_index(units, o) for o in (0, 5, 10, 11, 25, 30, 40)] == [0, 0, 0, 1, 1, 1, 1]


def _entry(key: str, label: str, number: int | None, *, depth: int = 0, applicable: bool = True,
           synonyms: tuple[str, ...] = ()) -> CodeEntry:
    return CodeEntry(key=key, label=label, path=key, depth=depth, parent=None, number=number,
                     applicable=applicable, retired=False, colour="#4e79a7", synonyms=synonyms)


CODES = [
    _entry("sources", "Knowledge sources", None, applicable=False),
    _entry("diaspora", "Diaspora networks", 1, depth=1, synonyms=("family_abroad",)),
    _entry("value_chain_position", "Value chain position", 2),
    _entry("distance", "Distance to markets", 3),
    _entry("target_markets", "Target markets", 4),
]


def test_a_number_picks_its_code_outright() -> None:
    choice = choose(CODES, "2")
    assert choice.entry is not None and choice.entry.key == "value_chain_position"
    assert not choice.confirm
    assert choose(CODES, "9").entry is None


def test_one_letter_is_never_applied_unasked() -> None:
    choice = choose(CODES, "v")
    assert choice.entry is not None and choice.entry.key == "value_chain_position"
    assert choice.confirm and "shorter than 3 letters" in choice.reason


def test_exact_ids_labels_and_former_ids_need_no_question() -> None:
    for typed in ("diaspora", "Diaspora Networks", "family_abroad", "DIASP"):
        choice = choose(CODES, typed)
        assert choice.entry is not None and choice.entry.key == "diaspora", typed
        assert not choice.confirm, typed


def test_several_fitting_words_ask_first() -> None:
    choice = choose(CODES, "markets")
    assert choice.entry is not None and choice.entry.key == "distance" and choice.confirm
    assert [m.entry.key for m in search(CODES, "markets")][:2] == ["distance", "target_markets"]


def test_accents_and_letters_in_order() -> None:
    assert [m.entry.key for m in search(CODES, "dijaspora")] == []
    assert search(CODES, "vcp")[0].entry.key == "value_chain_position"
    assert search(CODES, "DIÁSPORA")[0].entry.key == "diaspora"


def test_who_asks_the_questions() -> None:
    text = "Q: Why? A: Because. Q: When? A: Then."
    named = [_turn(1, 3, 7, "Ana"), _turn(2, 11, 19, "Bo"), _turn(3, 23, 28, "Ana"),
             _turn(4, 32, 37, "Bo")]
    assert interviewer_speakers(text, named) == {"Ana"}  # every turn of hers is a question
    assert interviewer_speakers(text, named, "bo") == {"Bo"}  # the metadata says so
    labelled = [_turn(1, 3, 7, "Interviewer 2"), _turn(2, 11, 19, "Milica")]
    assert interviewer_speakers(text, labelled) == {"Interviewer 2"}
    assert answers(named, frozenset({"Ana"})) == [named[1], named[3]]
    assert answers(named, frozenset({"Ana"}), speaker="ana") == [named[0], named[2]]


def test_progress_counts_answers_touched_by_a_coding() -> None:
    from qcode.tui.data import ScreenCoding

    units = [_turn(1, 0, 10, "B"), _turn(2, 10, 20, "B"), _turn(3, 20, 30, "B")]
    codings = [ScreenCoding(1, "x", "ana", 12, 14, ""), ScreenCoding(2, "x", "ana", 15, 25, "")]
    assert progress(units, codings) == (2, 3)


def test_shortcuts_are_the_most_used_codes_then_the_tree() -> None:
    assert shortcut_codes(CODES, ["distance", "sources", "gone"], slots=3) == [
        "distance", "diaspora", "value_chain_position"]


def test_commands_start_without_textual() -> None:
    """`qcode tag` and the rest never load Textual: only opening the screen does."""
    import subprocess
    import sys

    code = ("import sys, qcode.cli.main, qcode.cli.interactive, qcode.cli.screen, qcode.tui.launch; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
