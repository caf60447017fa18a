"""Importing codings from CSV (core): reading, checking every row, all-or-nothing, undo."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.coding.bulk import MAX_PROBLEMS, RowProblems, import_codings, read_codings_csv, unescape
from qcode.errors import InputError
from qcode.store.models import Coder, Coding, Event
from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli

# Shared by the retrieve, autocode and highlight tests.
INT_001 = """Interviewer: How did you find buyers abroad?

Respondent: Through my cousin in Vienna. He knew a firm.
The firm in Vienna needed welders.

Interviewer: А фирме у зони?

Respondent: Никада нисмо научили ништа од њих 🙂. Čačak je drugačiji. Рођак из Беча 🇦🇹 нам је помогао.
"""

INT_002 = """---
case: F002
region: Čačak
---
Interviewer: Who helped you?

Milica Đorđević: My cousin in vienna, again. The Viennese firms did not.

Interviewer: Anything else?

Milica Đorđević: Diaspora matters 👍🏽 a lot.
"""


def make_project(cli: Cli, tmp_path: Path) -> Path:
    """A project with the test codebook (default coder ana) and the two transcripts."""
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(book), "--coder", "ana").exit_code == 0
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / "int_001.txt").write_text(INT_001, "utf-8")
    (src / "int_002.md").write_text(INT_002, "utf-8")
    run = cli("import", str(src))
    assert run.exit_code == 0, run.stderr
    assert cli.db is not None
    return cli.db  # type: ignore[return-value]  # a file, or a URL on PostgreSQL


@contextmanager
def open_session(db: Path, *, write: bool = True) -> Iterator[Session]:
    from qcode.store.engine import session_scope, to_url

    with session_scope(to_url(db), write=write) as session:
        yield session


def count(session: Session, model: type) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar() or 0)


@pytest.fixture
def db(cli: Cli, tmp_path: Path) -> Path:
    return make_project(cli, tmp_path)


def _csv(tmp_path: Path, text: str | bytes, name: str = "codings.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_bytes(text.encode("utf-8"))
    else:
        path.write_bytes(text)
    return path


GOOD = (
    "document,coder,code,start,end,memo\n"
    "int_001.txt,ana,diaspora,58,86,\n"
    "int_001.txt,bob,barriers,181,183,'=SUM(A1)\n"
    'int_002.md,zoe,owner_emigration,0,11,"two\nlines, Ћирилица 🙂"\n'
)


# --- reading -------------------------------------------------------------------------------


def test_unescape_undoes_only_the_formula_guard() -> None:
    assert unescape("'=SUM(A1)") == "=SUM(A1)"
    assert unescape("'-5") == "-5" and unescape("'@x") == "@x" and unescape("'+1") == "+1"
    assert unescape("'quoted'") == "'quoted'" and unescape("'") == "'"


@pytest.mark.parametrize(
    ("encoding", "newline", "delimiter"),
    [("utf-8", "\n", ","), ("utf-8-sig", "\r\n", ";"), ("utf-8", "\r", "\t"),
     ("utf-16", "\r\n", "\t")],
)
def test_read_is_forgiving_about_spreadsheet_dialects(
    tmp_path: Path, encoding: str, newline: str, delimiter: str
) -> None:
    rows = [["id", "document", "coder", "code", "start", "end", "memo"],
            ["7", "int_001.txt", "ana", "diaspora", "58", "86", "'-ђ 🙂"],
            ["", "", "", "", "", "", ""],
            ["8", "int_002.md", "bob", "barriers", "0", "11", ""]]
    text = newline.join(delimiter.join(r) for r in rows) + newline
    parsed = read_codings_csv(_csv(tmp_path, text.encode(encoding)))
    assert parsed.problems == [] and parsed.delimiter == delimiter
    assert [(r.row, r.document, r.coder, r.start, r.end, r.memo) for r in parsed.rows] == [
        (2, "int_001.txt", "ana", "58", "86", "-ђ 🙂"), (4, "int_002.md", "bob", "0", "11", None)]


def test_row_numbers_follow_lines_across_quoted_line_breaks(tmp_path: Path) -> None:
    parsed = read_codings_csv(_csv(tmp_path, GOOD + "int_001.txt,ana,diaspora,1\n"))
    assert [r.row for r in parsed.rows] == [2, 3, 4]
    assert parsed.problems == [(6, "4 cells but the header has 6 (is a cell with a delimiter "
                                   "or line break missing its quotes?)")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("document,coder,code,strat,end\n", "unknown column `strat`; did you mean `start`?"),
        ("document,coder,code,start,end,colour\n", "unknown column `colour`"),
        ("document,coder,code,start\n", "missing column end"),
        ("document,coder,code,start,end,end\n", "column `end` appears twice"),
    ],
)
def test_bad_headers(tmp_path: Path, text: str, message: str) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(RowProblems) as caught:
        read_codings_csv(path)
    assert any(p.startswith(f"{path}:1: ") and message in p for p in caught.value.problems)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"document|coder|code|start|end\n", "no header with the columns"),
        (b"", "no header with the columns"),
        (b"document,coder,code,start,end\nd\xe9j\xe0,ana,x,1,2\n", "not UTF-8"),
        (b"document,coder,code,start,end\x00\n", "NUL"),
    ],
)
def test_unreadable_files(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_codings_csv(_csv(tmp_path, data))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_codings_csv(tmp_path / "nope.csv")


# --- loading -------------------------------------------------------------------------------


def test_import_loads_every_row_in_one_undoable_batch(db: Path, tmp_path: Path) -> None:
    parsed = read_codings_csv(_csv(tmp_path, GOOD))
    with open_session(db) as s:
        result = import_codings(s, parsed, "pi", batch="b-1")
    assert (result.created, result.duplicates, result.documents) == (3, 0, 2)
    # ana is on the roster already (`init --coder ana`); bob and zoe are new.
    assert result.coders == ("ana", "bob", "zoe") and result.new_coders == ("bob", "zoe")
    with open_session(db, write=False) as s:
        from qcode.coding.memos import coding_memo_texts

        found = s.execute(select(Coding.id, Coding.quote, Coder.name)
                          .join(Coder, Coder.id == Coding.coder_id).order_by(Coding.id)).all()
        memos = coding_memo_texts(s, [r[0] for r in found])
        rows = [(memos.get(i), quote, name) for i, quote, name in found]
        events = s.execute(select(Event.actor, Event.action, Event.batch)
                           .where(Event.target_type == "codings")).all()
    assert rows[1] == ("=SUM(A1)", "Ни", "bob")
    assert rows[2] == ("two\nlines, Ћирилица 🙂", "Interviewer", "zoe")
    # One event for each coder's codings.
    assert set(events) == {("pi", "import-coding", "b-1")} and len(events) == 3

    from qcode.coding.history import undo

    with open_session(db) as s:
        step = undo(s, "pi")
    assert step.action == "import-coding" and step.changes == 3 + len(memos)
    with open_session(db, write=False) as s:
        assert count(s, Coding) == 0


def test_duplicates_are_skipped_and_counted(db: Path, tmp_path: Path) -> None:
    twice = GOOD + "int_001.txt,ana,diaspora,58,86,another memo\n"
    with open_session(db) as s:
        first = import_codings(s, read_codings_csv(_csv(tmp_path, twice)), "pi", batch="b-1")
    with open_session(db) as s:
        again = import_codings(s, read_codings_csv(_csv(tmp_path, twice)), "pi", batch="b-2")
    assert (first.created, first.duplicates) == (3, 1)
    assert (again.created, again.duplicates, again.new_coders) == (0, 4, ())


def test_every_bad_row_is_reported_and_nothing_is_loaded(db: Path, tmp_path: Path) -> None:
    bad = GOOD + (  # GOOD ends on line 5 (a memo has a line break)
        "int_01.txt,ana,diaspora,1,2,\n"      # 6: unknown document
        "int_001.txt,ana,diaspra,1,2,\n"      # 7: unknown code
        "int_001.txt,ana,diaspora,x,-2,\n"    # 8: two bad numbers
        "int_001.txt,ana,diaspora,9,9,\n"     # 9: empty span
        "int_001.txt,ana,diaspora,0,9999,\n"  # 10: past the end
        "int_001.txt,,diaspora,0,5,\n"        # 11: no coder
    )
    path = _csv(tmp_path, bad)
    with open_session(db, write=False) as s:
        events = count(s, Event)
    with pytest.raises(RowProblems) as caught, open_session(db) as s:
        import_codings(s, read_codings_csv(path), "pi", batch="b-1")
    problems = caught.value.problems
    assert "6 bad rows; nothing was imported" in str(caught.value)
    assert f"{path}:6: no document `int_01.txt`; did you mean `int_001.txt`?" in problems
    assert f"{path}:7: no code `diaspra`; did you mean `diaspora`?" in problems
    assert sum(p.startswith(f"{path}:8: ") for p in problems) == 2
    assert f"{path}:9: span c9-9 is empty: end must be after start" in problems
    assert any(p.startswith(f"{path}:10: span c0-9999 goes past the end") for p in problems)
    assert f"{path}:11: the coder is empty" in problems
    assert len(problems) == 7
    with open_session(db, write=False) as s:
        assert count(s, Coding) == 0 and count(s, Event) == events and count(s, Coder) == 1  # ana


def test_problems_are_capped(db: Path, tmp_path: Path) -> None:
    bad = "document,coder,code,start,end\n" + "nope,ana,diaspora,1,2\n" * (MAX_PROBLEMS + 5)
    with pytest.raises(RowProblems) as caught, open_session(db) as s:
        import_codings(s, read_codings_csv(_csv(tmp_path, bad)), "pi", batch="b")
    assert len(caught.value.problems) == MAX_PROBLEMS + 1
    assert caught.value.problems[-1] == "… and 5 more"


def test_dry_run_counts_but_writes_nothing(db: Path, tmp_path: Path) -> None:
    with open_session(db) as s:
        result = import_codings(s, read_codings_csv(_csv(tmp_path, GOOD)), "pi", batch="b",
                                dry_run=True)
    assert (result.created, result.new_coders, result.dry_run) == (3, ("bob", "zoe"), True)
    with open_session(db, write=False) as s:
        assert count(s, Coding) == 0 and count(s, Coder) == 1  # ana, from `init --coder ana`


def test_header_only_loads_nothing(db: Path, tmp_path: Path) -> None:
    with open_session(db) as s:
        result = import_codings(s, read_codings_csv(_csv(tmp_path, "document,coder,code,start,end\n")),
                                "pi", batch="b")
    assert (result.rows, result.created) == (0, 0)
