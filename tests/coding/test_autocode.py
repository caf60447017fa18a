"""Coding by pattern (core): matching, scope, one undoable batch, dry runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from qcode.coding.autocode import AutocodeScope, autocode, build_pattern
from qcode.coding.codes import resolve_code
from qcode.coding.history import undo
from qcode.errors import UsageError
from qcode.store.models import Coding, Event
from tests.coding.test_bulk import count, make_project, open_session
from tests.conftest import Cli


@pytest.fixture
def db(cli: Cli, tmp_path: Path) -> Path:
    return make_project(cli, tmp_path)


def _run(db: Path, code: str, matcher: str, scope: AutocodeScope, *, dry_run: bool = False,
         batch: str = "b-1") -> tuple[list[tuple[str, str, str]], int, int]:
    with open_session(db) as s:
        result = autocode(s, resolve_code(s, code), "ana", build_pattern(matcher, None), scope,
                          batch=batch, dry_run=dry_run)
    return ([(m.document, f"{m.kind[0]}{m.number}", m.text) for m in result.matches],
            result.created, result.existing)


def test_words_are_whole_words_in_any_case() -> None:
    matcher = build_pattern(None, "vienna, беча ,online platform")
    assert matcher.search("in VIENNA.") and matcher.search("из Беча 🇦🇹")
    assert matcher.search("an online\nplatform")
    assert not matcher.search("Viennese firms") and not matcher.search("Бечанин")
    assert not build_pattern(None, "vienna", case_sensitive=True).search("VIENNA")


@pytest.mark.parametrize(
    ("pattern", "words", "message"),
    [("(", None, "not a valid regular expression"), ("x*", None, "matches empty text"),
     (None, " , ", "--words is empty"), (None, None, "either"), ("a", "b", "either")],
)
def test_bad_patterns(pattern: str | None, words: str | None, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        build_pattern(pattern, words)


def test_sentences_are_coded_in_one_undoable_batch(db: Path) -> None:
    matches, created, existing = _run(db, "diaspora", r"vienn|беч", AutocodeScope())
    assert matches == [
        ("int_001.txt", "s2", "Through my cousin in Vienna."),
        ("int_001.txt", "s4", "The firm in Vienna needed welders."),
        ("int_001.txt", "s8", "Рођак из Беча 🇦🇹 нам је помогао."),
        ("int_002.md", "s2", "My cousin in vienna, again."),
        ("int_002.md", "s3", "The Viennese firms did not."),
    ]
    assert (created, existing) == (5, 0)
    with open_session(db, write=False) as s:
        quotes = list(s.execute(select(Coding.quote).order_by(Coding.id)).scalars())
        actions = s.execute(select(Event.action, Event.batch, Event.actor)
                            .where(Event.target_type == "codings")).all()
    assert quotes == [m[2] for m in matches]
    # One compact event for the run's five codings (one chunk, one coder).
    assert actions == [("autocode", "b-1", "ana")]
    again = _run(db, "diaspora", r"vienn|беч", AutocodeScope(), batch="b-2")
    assert again[1:] == (0, 5)
    with open_session(db) as s:
        step = undo(s, "ana")
        assert (step.action, step.changes) == ("autocode", 5)
    with open_session(db, write=False) as s:
        assert count(s, Coding) == 0


def test_dry_run_writes_nothing(db: Path) -> None:
    with open_session(db, write=False) as s:
        events = count(s, Event)
    matches, created, _ = _run(db, "diaspora", "cousin", AutocodeScope(), dry_run=True)
    assert len(matches) == created == 2
    with open_session(db, write=False) as s:
        assert count(s, Coding) == 0 and count(s, Event) == events


def test_speakers_documents_and_cases(db: Path) -> None:
    by_speaker = _run(db, "barriers", r"\?", AutocodeScope(unit="turn", speakers=("INTERVIEWER",)),
                      dry_run=True)[0]
    assert [m[2] for m in by_speaker] == ["How did you find buyers abroad?", "А фирме у зони?",
                                          "Who helped you?", "Anything else?"]
    in_doc = _run(db, "barriers", "cousin", AutocodeScope(documents=("int_002",)), dry_run=True)[0]
    in_case = _run(db, "barriers", "cousin", AutocodeScope(where={"region": "Čačak"}),
                   dry_run=True)[0]
    assert [m[0] for m in in_doc] == ["int_002.md"] == [m[0] for m in in_case]
    nobody = _run(db, "barriers", "cousin", AutocodeScope(speakers=("nobody",)), dry_run=True)[0]
    assert nobody == []


def test_paragraphs_leave_the_speaker_label_out(db: Path) -> None:
    matches = _run(db, "barriers", "welders", AutocodeScope(unit="paragraph"))[0]
    assert matches == [("int_001.txt", "p2", "Through my cousin in Vienna. He knew a firm.\n"
                                             "The firm in Vienna needed welders.")]


def test_pattern_anchors_see_the_unit_edges(db: Path) -> None:
    matches = _run(db, "barriers", r"^the\b", AutocodeScope(), dry_run=True)[0]
    assert [m[2] for m in matches] == ["The firm in Vienna needed welders.",
                                       "The Viennese firms did not."]


def test_unknown_unit(db: Path) -> None:
    with pytest.raises(UsageError, match="--unit"):
        _run(db, "barriers", "x", AutocodeScope(unit="word"))
