"""Units of a document: turns, paragraphs, sentences, lines (qcode/segmentation.py)."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qcode.corpus.ingest.base import Turn
from qcode.corpus.ingest.speakers import parse_turns
from qcode.corpus.segmentation import LineIndex, Unit, line_of, line_starts, segment, segment_rows


def texts(text: str, units: list[Unit], kind: str) -> list[str]:
    return [text[u.start : u.end] for u in units if u.kind == kind]


def sentences(text: str) -> list[str]:
    return texts(text, segment(text, []), "sentence")


def test_units_of_a_small_interview() -> None:
    text = "Interview 7\n\nI: How did you start? We wondered.\nR: With Dr. Petrović.\n\nThen we grew."
    turns = parse_turns(text).turns
    units = segment(text, turns)
    assert texts(text, units, "turn") == [
        "How did you start? We wondered.",
        "With Dr. Petrović.\n\nThen we grew.",
    ]
    assert texts(text, units, "paragraph") == [
        "Interview 7",
        "I: How did you start? We wondered.",
        "R: With Dr. Petrović.",
        "Then we grew.",
    ]
    assert texts(text, units, "sentence") == [
        "Interview 7",
        "How did you start?",
        "We wondered.",
        "With Dr. Petrović.",
        "Then we grew.",
    ]
    assert texts(text, units, "line") == text.split("\n")
    paragraphs = [u for u in units if u.kind == "paragraph"]
    assert [(u.number, u.speaker) for u in paragraphs] == [(1, None), (2, "I"), (3, "R"), (4, "R")]
    lines = [u for u in units if u.kind == "line"]
    assert [u.speaker for u in lines] == [None, None, "I", "R", "R", "R"]
    assert [u.number for u in lines] == [1, 2, 3, 4, 5, 6]


def test_label_alone_on_its_line_joins_the_paragraph() -> None:
    text = "Dan:\n Okay. Right.\nParticipant:\n Yes.\nDan:\n Good."
    units = segment(text, parse_turns(text).turns)
    assert texts(text, units, "paragraph") == [
        "Dan:\n Okay. Right.",
        "Participant:\n Yes.",
        "Dan:\n Good.",
    ]
    assert texts(text, units, "sentence") == ["Okay.", "Right.", "Yes.", "Good."]
    assert [u.speaker for u in units if u.kind == "line"] == ["Dan"] * 2 + ["Participant"] * 2 + ["Dan"] * 2


def test_timestamps_come_from_the_turn() -> None:
    text = "Ana: One. Two.\n\nMarko: Three."
    turns = [Turn(5, 14, "Ana", "00:00:01"), Turn(23, 29, "Marko", "00:01:00")]
    units = segment(text, turns)
    assert [(u.speaker, u.timestamp) for u in units if u.kind == "sentence"] == [
        ("Ana", "00:00:01"),
        ("Ana", "00:00:01"),
        ("Marko", "00:01:00"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Smith came. Mr. Jones left.", ["Dr. Smith came.", "Mr. Jones left."]),
        ("It grew 3.5 times. Then it fell.", ["It grew 3.5 times.", "Then it fell."]),
        ("J. Smith and H. Lee Waters met. Good.", ["J. Smith and H. Lee Waters met.", "Good."]),
        ("He said... and then left.", ["He said... and then left."]),
        ("Wait… What? Yes! Sure.", ["Wait…", "What?", "Yes!", "Sure."]),
        ('He asked "Why?" Then left.', ['He asked "Why?"', "Then left."]),
        ('He said: "Go." 2019 was hard.', ['He said: "Go."', "2019 was hard."]),
        (
            "Voće, npr. Jabuke. Firma d.o.o. Beograd radi.",
            ["Voće, npr. Jabuke.", "Firma d.o.o. Beograd radi."],
        ),
        ("To je tj. Ivan. Rođen 1975. g. Posle toga.", ["To je tj. Ivan.", "Rođen 1975. g. Posle toga."]),
        (
            "Jabuke, kruške itd. Onda smo vi. Str. 5 kaže.",
            ["Jabuke, kruške itd. Onda smo vi.", "Str. 5 kaže."],
        ),
        ("Vidi č. 12. Dobro je.", ["Vidi č. 12.", "Dobro je."]),
        ("Почели смо нпр. Ђорђе. Онда тј. Ана. Крај!", ["Почели смо нпр. Ђорђе.", "Онда тј. Ана.", "Крај!"]),
        ("Извоз расте. Ћирилица ради? Да.", ["Извоз расте.", "Ћирилица ради?", "Да."]),
        ("lower case. then more", ["lower case. then more"]),
        ("Ends with space.   ", ["Ends with space."]),
        ("Story. (laughter) I think so.", ["Story.", "(laughter) I think so."]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentences_do_not_cross_paragraphs() -> None:
    assert sentences("One\n\ntwo") == ["One", "two"]


def test_lines_as_an_editor_numbers_them() -> None:
    text = "a\n\n  b  \n"
    units = segment(text, [])
    lines = [u for u in units if u.kind == "line"]
    assert [(u.number, text[u.start : u.end]) for u in lines] == [(1, "a"), (2, ""), (3, "  b  "), (4, "")]
    assert line_starts(text) == [0, 2, 3, 9]
    index = LineIndex(text)
    assert [index.line_of(i) for i in range(len(text) + 1)] == [1, 1, 2, 3, 3, 3, 3, 3, 3, 4]
    assert [line_of(text, i) for i in range(len(text) + 1)] == [1, 1, 2, 3, 3, 3, 3, 3, 3, 4]
    assert segment("", []) == [Unit("line", 1, 0, 0, None, None)]


def test_emoji_and_cyrillic_offsets_round_trip() -> None:
    text = "Ана: Здраво 😀 свима. Ćao đače!\n\nМарко: 👍🏽 Добро.\nАна: Хвала.\nМарко: Ћао."
    turns = parse_turns(text).turns
    units = segment(text, turns)
    assert texts(text, units, "turn") == ["Здраво 😀 свима. Ćao đače!", "👍🏽 Добро.", "Хвала.", "Ћао."]
    assert texts(text, units, "sentence") == [
        "Здраво 😀 свима.",
        "Ćao đače!",
        "👍🏽 Добро.",
        "Хвала.",
        "Ћао.",
    ]
    emoji = next(u for u in units if u.kind == "sentence" and u.number == 1)
    assert (emoji.start, emoji.end) == (5, 20)  # code points: the emoji counts one
    assert [u.speaker for u in units if u.kind == "sentence"] == ["Ана", "Ана", "Марко", "Ана", "Марко"]


@given(st.text(alphabet=st.sampled_from("ab .?!\n\tЋ😀:I")))
def test_unit_invariants(text: str) -> None:
    units = segment(text, parse_turns(text).turns)
    for kind in ("turn", "paragraph", "sentence", "line"):
        of_kind = [u for u in units if u.kind == kind]
        assert [u.number for u in of_kind] == list(range(1, len(of_kind) + 1))
        for a, b in itertools.pairwise(of_kind):
            assert a.end <= b.start
        for u in of_kind:
            assert 0 <= u.start <= u.end <= len(text)
            if kind != "line":
                assert u.end > u.start
                assert text[u.start : u.end] == text[u.start : u.end].strip()
    assert "\n".join(texts(text, units, "line")) == text


def _corpus(documents: int, words: int) -> list[tuple[str, list[Turn]]]:
    rng = random.Random(7)
    vocabulary = str.split("firma izvoz Dr. Petrović npr. klijent 3.5 godine Ћирилица ђак 😀 mreža")
    corpus = []
    for _ in range(documents):
        parts = []
        for n in range(words // 60):
            label = "Interviewer" if n % 2 == 0 else "Respondent"
            sentences = [
                " ".join(rng.choice(vocabulary) for _ in range(11)).capitalize() + rng.choice(".?!")
                for _ in range(5)
            ]
            parts.append(f"{label}: {' '.join(sentences[:3])}\n{' '.join(sentences[3:])}")
        text = "\n\n".join(parts)
        corpus.append((text, parse_turns(text).turns))
    return corpus


def test_segmenting_long_interviews_gives_every_kind_of_unit() -> None:
    # Speed is measured in bench/bench_import.py; this only checks the long-text path is right.
    corpus = _corpus(3, 6000)
    for text, turns in corpus:
        units = segment(text, turns)
        assert len(units) > 600
        assert {unit.kind for unit in units} >= {"turn", "paragraph", "sentence", "line"}


def test_rows_are_the_units_of_the_sample_transcripts() -> None:
    """`segment_rows` (what an import stores) gives the units `segment` gives, as tuples."""
    from qcode.corpus.importing import ImportOptions, collect_paths, read_file
    from tests.conftest import INTERVIEWS

    files = collect_paths([INTERVIEWS]).files
    assert len(files) > 100
    for path in files:
        parsed = read_file(path, ImportOptions())
        rows = segment_rows(parsed.text, parsed.turns)
        assert rows == [
            (u.kind, u.number, u.start, u.end, u.speaker, u.timestamp)
            for u in segment(parsed.text, parsed.turns)
        ], path.name
        assert len(rows) > 100


_PIECES = ["a", "b", " ", ".", "?", "…", "\n", "\t", "Ћ", "I", "Dr.", "d.o.o", "..", "\"", "”", "»",
           "(", "1", "\u00a0", "\u2028", "\u3000"]


@given(st.lists(st.sampled_from(_PIECES)).map("".join))
def test_paragraphs_and_sentences_are_stripped_pieces(text: str) -> None:
    """Spans are trimmed as `str.strip` trims (every Unicode space), never empty, in order."""
    for kind in ("paragraph", "sentence"):
        spans = [(u.start, u.end) for u in segment(text, []) if u.kind == kind]
        for start, end in spans:
            assert start < end
            assert text[start:end] == text[start:end].strip()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
