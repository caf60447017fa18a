"""Retrieving coded passages with context, and a document's codings for highlighting (core)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.coding.queries import CodingFilter
from qcode.coding.retrieve import context_around, marked_document, retrieve, split_names
from qcode.errors import NotFoundError, UsageError
from tests.coding.test_bulk import INT_001, INT_002, make_project, open_session
from tests.conftest import Cli


@pytest.fixture
def db(cli: Cli, tmp_path: Path) -> Path:
    db = make_project(cli, tmp_path)
    for args in (
        ("int_001", "--quote", "Рођак из Беча 🇦🇹", "diaspora"),
        ("int_001", "s2", "diaspora", "--coder", "bob"),
        ("int_002", "--quote", "My cousin in vienna", "owner_emigration", "-m", "=memo"),
        ("int_002", "--quote", "Diaspora matters 👍🏽", "barriers"),
    ):
        run = cli("tag", *args)
        assert run.exit_code == 0, run.stderr
    return db


def test_context_is_cut_at_word_boundaries() -> None:
    text = "one two three FOUR five six seven"
    start = text.index("FOUR")
    assert context_around(text, start, start + 4, 6) == ("three ", " five ")
    assert context_around(text, start, start + 4, 0) == ("", "")
    assert context_around(text, 0, 3, 100) == ("", text[3:])


def test_retrieve_a_code_and_the_codes_below_it(db: Path) -> None:
    with open_session(db, write=False) as s:
        passages = retrieve(s, CodingFilter(code="sources"), context=30)
    assert [(p.document, p.code, p.coder) for p in passages] == [
        ("int_001.txt", "diaspora", "bob"), ("int_001.txt", "diaspora", "ana"),
        ("int_002.md", "owner_emigration", "ana")]
    cyrillic = passages[1]
    assert cyrillic.text == "Рођак из Беча 🇦🇹"
    assert INT_001[cyrillic.start : cyrillic.end] == cyrillic.text
    assert (cyrillic.turn, cyrillic.line_start, cyrillic.line_end) == (4, 8, 8)
    assert cyrillic.speaker == "Respondent"
    assert cyrillic.context_before.endswith("Čačak je drugačiji. ")
    assert cyrillic.context_after == " нам је помогао."
    assert len(cyrillic.context_before) <= 30
    assert passages[2].memo == "=memo" and passages[2].speaker == "Milica Đorđević"
    assert passages[2].colour == "#4e79a7"  # inherited from `sources`


def test_filters(db: Path) -> None:
    with open_session(db, write=False) as s:
        by_bob = retrieve(s, CodingFilter(code="diaspora", coder="bob"))
        in_doc = retrieve(s, CodingFilter(code="sources", document="int_002"))
        by_speaker = retrieve(s, CodingFilter(code="sources", speaker="milica đorđević"))
        by_case = retrieve(s, CodingFilter(code="sources", where={"region": "Čačak"}))
    assert [p.text for p in by_bob] == ["Through my cousin in Vienna."]
    assert [p.document for p in in_doc] == ["int_002.md"]
    assert [p.code for p in by_speaker] == ["owner_emigration"] == [p.code for p in by_case]


def test_bad_arguments(db: Path) -> None:
    with open_session(db, write=False) as s:
        with pytest.raises(UsageError):
            retrieve(s, CodingFilter(code="diaspora"), context=-1)
        with pytest.raises(NotFoundError, match="did you mean"):
            retrieve(s, CodingFilter(code="diasproa"))


def test_split_names() -> None:
    assert split_names(["ana,bob", " zoe ", "ana", ""]) == ["ana", "bob", "zoe"]
    assert split_names(None) == []


def test_marked_document_filters_by_coder_and_code(db: Path) -> None:
    with open_session(db, write=False) as s:
        everything = marked_document(s, "int_001")
        only_bob = marked_document(s, "int_001", coders=["bob"])
        parents = marked_document(s, "int_002", codes=["sources"])
        with pytest.raises(NotFoundError):
            marked_document(s, "int_001", coders=["nobody"])
    assert everything.view.text == INT_001.rstrip("\n") and len(everything.marks) == 2
    assert [m.coder for m in only_bob.marks] == ["bob"]
    assert [m.code for m in parents.marks] == ["owner_emigration"]
    assert parents.view.text == INT_002.split("---\n", 2)[2].rstrip("\n")
