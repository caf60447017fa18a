"""`qcode autocode` and `qcode import-codings` through the CLI: one undoable action each, bad
input leaves the project as it was, and an export of codings loads back exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.coding.test_bulk import make_project
from tests.conftest import Cli, dump, project_db


def _dump(db: Path | str | None) -> str:
    return dump(db)


def _codings(cli: Cli, *args: str) -> list[dict[str, object]]:
    run = cli("codings", "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    rows: list[dict[str, object]] = json.loads(run.stdout)
    return rows


@pytest.fixture
def proj(cli: Cli, tmp_path: Path) -> Cli:
    make_project(cli, tmp_path)
    return cli


# --- autocode ------------------------------------------------------------------------------


def test_autocode_dry_run_previews_and_writes_nothing(proj: Cli, tmp_path: Path) -> None:
    before = _dump(project_db(tmp_path))
    run = proj("autocode", "diaspora", "--words", "cousin,беча", "--dry-run")
    assert run.exit_code == 0, run.stderr
    assert "Through my cousin in Vienna." in run.stdout and "new" in run.stdout
    assert run.stderr.strip() == ("3 units matched in 2 documents, 3 new codings, 0 already coded "
                                  "(dry run: nothing was written)")
    assert _dump(project_db(tmp_path)) == before


def test_autocode_is_one_undoable_action(proj: Cli) -> None:
    run = proj("autocode", "diaspora", "--pattern", "COUSIN|беча", "-f", "json")
    assert run.exit_code == 0, run.stderr
    matches = json.loads(run.stdout)
    assert [m["status"] for m in matches] == ["new"] * 3
    assert "diaspora by ana: 3 units matched in 2 documents, 3 new codings, 0 already coded" in run.stderr
    rows = _codings(proj)
    assert {r["text"] for r in rows} == {m["text"] for m in matches}
    assert "Рођак из Беча 🇦🇹 нам је помогао." in {r["text"] for r in rows}
    again = proj("autocode", "diaspora", "--pattern", "cousin|беча")
    assert "0 new codings, 3 already coded" in again.stderr
    undone = proj("undo")
    assert undone.exit_code == 0 and "undid autocode (3 changes)" in undone.stderr
    assert _codings(proj) == []


def test_autocode_scope_options(proj: Cli) -> None:
    run = proj("autocode", "barriers", "--pattern", r"\?", "--unit", "turn", "--speaker",
               "interviewer", "--doc", "int_002", "--coder", "bob", "--case-sensitive")
    assert run.exit_code == 0, run.stderr
    rows = _codings(proj)
    assert [(r["document"], r["coder"], r["text"]) for r in rows] == [
        ("int_002.md", "bob", "Who helped you?"), ("int_002.md", "bob", "Anything else?")]
    assert proj("undo").exit_code == 1  # ana did nothing
    assert proj("undo", "--coder", "bob").exit_code == 0
    assert _codings(proj) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pattern", "(unclosed"), "error: --pattern is not a valid regular expression"),
        (("--pattern", "a|"), "error: --pattern matches empty text"),
        (("--words", "a", "--unit", "line"), "error: --unit takes sentence, turn, paragraph"),
        ((), "error: give either --pattern REGEX or --words a,b,c"),
    ],
)
def test_autocode_bad_arguments(proj: Cli, tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    before = _dump(project_db(tmp_path))
    run = proj("autocode", "diaspora", *args)
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.startswith(message) and len(run.stderr.splitlines()) == 1
    assert _dump(project_db(tmp_path)) == before


# --- import-codings ------------------------------------------------------------------------


def _tag_variety(cli: Cli) -> None:
    for args in (
        ("int_001", "--quote", "Рођак из Беча 🇦🇹", "diaspora", "-m", "=SUM(A1)"),
        ("int_001", "s2", "barriers", "--coder", "bob", "-m", "-minus\nsecond line, with comma"),
        ("int_001", "s2", "diaspora"),
        ("int_002", "--quote", "Diaspora matters 👍🏽", "owner_emigration", "--coder", "Zoë Đ",
         "-m", "@at +plus"),
        ("int_002", "t2", "sources", "-m", '"quoted" ; semi\ttab'),
    ):
        run = cli("tag", *args)
        assert run.exit_code == 0, run.stderr


def test_an_export_of_codings_loads_back_exactly(proj: Cli, tmp_path: Path) -> None:
    _tag_variety(proj)
    exported = proj("codings", "--format", "csv").stdout
    (tmp_path / "export.csv").write_text(exported, "utf-8")
    fresh = Cli(tmp_path / "b", tmp_path / "b" / "qcode.db")
    (tmp_path / "b").mkdir()
    make_project(fresh, tmp_path / "b")
    run = fresh("import-codings", str(tmp_path / "export.csv"))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    assert "imported 5 codings into 2 documents" in run.stderr and "0 duplicates" in run.stderr
    assert "new coders: bob, Zoë Đ" in run.stderr  # ana, running the import, exists by then
    assert fresh("codings", "--format", "csv").stdout == exported

    def key(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
        return [(r["document"], r["coder"], r["code"], r["start"], r["end"], r["text"], r["memo"],
                 r["turn"], r["line_start"]) for r in rows]

    assert key(_codings(fresh)) == key(_codings(proj))
    again = fresh("import-codings", str(tmp_path / "export.csv"))
    assert "imported 0 codings" in again.stderr and "5 duplicates skipped" in again.stderr
    undone = fresh("undo")  # ana ran the import: one undo removes all of it
    # 5 codings and the memos that came with them
    assert undone.exit_code == 0 and re.search(r"undid import-coding \((\d+) changes\)", undone.stderr)
    assert int(re.findall(r"\((\d+) changes", undone.stderr)[0]) > 5
    assert _codings(fresh) == []


def test_spreadsheet_dialect_is_read(proj: Cli, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffId;Document;Coder;Code;Start;End;Memo\r\n"
                     "1;int_001;ana;diaspora;181;186;'=1+1\r\n".encode())
    run = proj("import-codings", str(path), "--coder", "pi")
    assert run.exit_code == 0, run.stderr
    assert "`qcode undo --coder pi` removes the whole import" in run.stderr
    rows = _codings(proj)
    assert [(r["text"], r["memo"], r["coder"]) for r in rows] == [("Никад", "=1+1", "ana")]


def test_bad_rows_are_all_reported_and_nothing_is_loaded(proj: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("document,coder,code,start,end\n"
                    "int_001.txt,ana,diaspora,0,5\n"
                    "int_009.txt,ana,diaspora,0,5\n"
                    "int_001.txt,ana,diaspora,5,5\n"
                    "int_001.txt,ana,nonsense,0,5\n", "utf-8")
    before = _dump(project_db(tmp_path))
    run = proj("import-codings", str(path))
    assert run.exit_code == 1 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0].startswith(f"error: {path}: 3 bad rows; nothing was imported")
    assert lines[1:] == [
        f"{path}:3: no document `int_009.txt`; did you mean `int_001.txt`?",
        f"{path}:4: span c5-5 is empty: end must be after start",
        f"{path}:5: no code `nonsense`",
    ]
    assert _dump(project_db(tmp_path)) == before


def test_bad_files(proj: Cli, tmp_path: Path) -> None:
    before = _dump(project_db(tmp_path))
    extra = tmp_path / "extra.csv"
    extra.write_text("document,coder,code,start,end,coment\n", "utf-8")
    run = proj("import-codings", str(extra))
    assert run.exit_code == 1
    assert "unknown column `coment`" in run.stderr
    piped = tmp_path / "pipes.csv"
    piped.write_text("document|coder|code|start|end\nint_001.txt|ana|diaspora|0|5\n", "utf-8")
    assert "no header with the columns" in proj("import-codings", str(piped)).stderr
    missing = proj("import-codings", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
    assert "Traceback" not in run.stderr + missing.stderr
    assert _dump(project_db(tmp_path)) == before


def test_import_dry_run(proj: Cli, tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text("document,coder,code,start,end\nint_001.txt,bob,diaspora,0,5\n", "utf-8")
    before = _dump(project_db(tmp_path))
    run = proj("import-codings", str(path), "--dry-run")
    assert run.exit_code == 0, run.stderr
    assert "would import 1 coding" in run.stderr and "dry run" in run.stderr
    assert _dump(project_db(tmp_path)) == before


def test_header_only_file_changes_nothing(proj: Cli, tmp_path: Path) -> None:
    before = _dump(project_db(tmp_path))
    empty = tmp_path / "empty.csv"
    empty.write_text("document,coder,code,start,end,memo\n", "utf-8")
    for who in ("ana", "someone_new"):
        run = proj("import-codings", str(empty), "--coder", who)
        assert run.exit_code == 0, run.stderr
        assert "imported 0 codings" in run.stderr
    assert _dump(project_db(tmp_path)) == before


def test_long_memo_round_trips(proj: Cli, tmp_path: Path) -> None:
    memo = ("A long memo about diaspora networks, line after line.\n" * 4000).strip("\n")
    assert len(memo) > 131_072  # past Python's default csv field limit
    assert proj("tag", "int_001", "t2", "diaspora", "-m", memo).exit_code == 0
    exported = proj("codings", "--format", "csv")
    assert exported.exit_code == 0
    (tmp_path / "out.csv").write_text(exported.stdout, "utf-8")
    assert proj("untag", "1").exit_code == 0
    run = proj("import-codings", str(tmp_path / "out.csv"))
    assert run.exit_code == 0, run.stderr
    back = _codings(proj)
    assert len(back) == 1 and back[0]["memo"] == memo
