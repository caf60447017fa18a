"""`qcode import`, `qcode docs`, `qcode show`, `qcode cases` through the CLI."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, Cli

INTERVIEW = """Date: 3 March 2025
Place: Novi Sad

Interviewer: How did you find your first client abroad?

Respondent: Through my cousin in Vienna. He knew a firm that needed welders.

It took a year before they trusted us.

Interviewer: And the firms in your zone?

Respondent: We never learned anything from them, honestly.
"""

FRONT_MATTER = """---
case: F007
sector: IT services
region: Čačak
synthetic: true
---
Interviewer: Koliko dugo radite sa Upwork klijentima?

Milica Đorđević: Od 2014. Први клијент је био из Шведске 🇸🇪, mali tim.

Interviewer: A posle?

Milica Đorđević: Posle je išlo lakše.
"""


def _dump(db: Path) -> str:
    con = sqlite3.connect(db)
    rows = []
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        rows.extend(repr(r) for r in con.execute(f"SELECT * FROM {table} ORDER BY 1"))
    con.close()
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    (src / "nested").mkdir(parents=True)
    (src / "int_001.txt").write_text(INTERVIEW, encoding="utf-8")
    (src / "nested" / "int_002.md").write_text(FRONT_MATTER, encoding="utf-8")
    (src / "cases.csv").write_text("document,case,sector\nint_001.txt,F001,metal\n", "utf-8")
    (src / "notes.xlsx").write_bytes(b"PK\x03\x04junk")
    return src


def test_import_a_folder_skips_other_files_and_counts_them(project: Cli, folder: Path) -> None:
    run = project("import", str(folder))
    assert run.exit_code == 0, run.stderr
    assert "2 imported" in run.stderr and "2 skipped (1 .csv, 1 .xlsx)" in run.stderr
    docs = json.loads(project("docs", "--format", "json").stdout)
    assert [d["name"] for d in docs] == ["int_001.txt", "int_002.md"]
    first = docs[0]
    assert first["turns"] == 4 and first["words"] > 20


def test_reimport_of_unchanged_files_does_nothing(project: Cli, folder: Path, tmp_path: Path) -> None:
    project("import", str(folder))
    before = _dump(tmp_path / "qcode.db")
    run = project("import", str(folder))
    assert run.exit_code == 0
    assert "0 imported" in run.stderr and "2 unchanged" in run.stderr
    assert _dump(tmp_path / "qcode.db") == before


def test_changed_file_is_refused_without_update(project: Cli, folder: Path) -> None:
    project("import", str(folder))
    (folder / "int_001.txt").write_text(INTERVIEW.replace("Vienna", "Graz"), "utf-8")
    refused = project("import", str(folder / "int_001.txt"))
    assert refused.exit_code == 1 and "--update" in refused.stderr
    updated = project("import", "--update", str(folder / "int_001.txt"))
    assert updated.exit_code == 0 and "1 updated" in updated.stderr
    view = json.loads(project("show", "int_001", "--format", "json").stdout)
    assert "Graz" in view["text"]


def test_update_reanchors_codings(project: Cli, folder: Path, tmp_path: Path) -> None:
    project("import", str(folder / "int_001.txt"))
    from qcode.corpus.anchoring import context
    from qcode.store.engine import session_scope, to_url
    from qcode.store.models import Code, Coder, Coding, Document

    url = to_url(tmp_path / "qcode.db")
    with session_scope(url, write=True) as s:
        doc = s.query(Document).one()
        start = doc.text.index("my cousin in Vienna")
        end = start + len("my cousin in Vienna")
        code, coder = Code(key="diaspora", label="Diaspora"), Coder(name="ana")
        s.add_all([code, coder])
        s.flush()
        prefix, suffix = context(doc.text, start, end)
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start, end=end,
                     quote=doc.text[start:end], prefix=prefix, suffix=suffix))
    (folder / "int_001.txt").write_text("Note: corrected.\n\n" + INTERVIEW, "utf-8")
    assert project("import", "--update", str(folder / "int_001.txt")).exit_code == 0
    with session_scope(url, write=False) as s:
        coding = s.query(Coding).one()
        doc = s.query(Document).one()
        assert doc.text[coding.start:coding.end] == "my cousin in Vienna"
        assert coding.anchor == "moved"


def test_front_matter_gives_case_and_attributes(project: Cli, folder: Path) -> None:
    project("import", str(folder))
    cases = {c["name"]: c for c in json.loads(project("cases", "--format", "json").stdout)}
    assert cases["F007"]["attributes"]["region"] == "Čačak"
    assert cases["F007"]["documents"] == 1


def test_cases_csv_sets_attributes(project: Cli, folder: Path) -> None:
    run = project("import", str(folder), "--cases", str(folder / "cases.csv"))
    assert run.exit_code == 0, run.stderr
    cases = {c["name"]: c for c in json.loads(project("cases", "--format", "json").stdout)}
    assert cases["F001"]["attributes"] == {"sector": "metal"}
    table = project("cases", "--format", "csv").stdout.splitlines()
    assert table[0] == "case,documents,sector,region"


def test_show_json_offsets_round_trip_cyrillic_and_emoji(project: Cli, folder: Path) -> None:
    project("import", str(folder))
    view = json.loads(project("show", "int_002", "--format", "json").stdout)
    turns = [u for u in view["units"] if u["kind"] == "turn"]
    assert [t["speaker"] for t in turns] == ["Interviewer", "Milica Đorđević"] * 2
    speech = view["text"][turns[1]["start"]:turns[1]["end"]]
    assert speech == "Od 2014. Први клијент је био из Шведске 🇸🇪, mali tim."
    kinds = {u["kind"] for u in view["units"]}
    assert kinds == {"turn", "paragraph", "sentence", "line"}
    for unit in view["units"]:
        assert set(unit) >= {"kind", "number", "start", "end", "speaker"}
    assert "synthetic" not in view["text"]  # front matter is not part of the text


def test_show_table_has_line_and_turn_numbers(project: Cli, folder: Path) -> None:
    project("import", str(folder))
    out = project("show", "int_001").stdout
    assert "t1  Interviewer: How did you find" in out
    assert out.splitlines()[1].lstrip().startswith("1 ")


def test_bad_files_fail_one_by_one_and_leave_no_trace(project: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02" * 400)
    (bad / "broken.docx").write_bytes(b"this is not a zip archive")
    (bad / "big.txt").write_text("Interviewer: hello\n" * 70_000, "utf-8")
    (bad / "good.txt").write_text(INTERVIEW, "utf-8")
    before_docs = json.loads(project("docs", "--format", "json").stdout)
    run = project("import", str(bad), "--max-mb", "1")
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 4
    for name in ("empty.txt", "binary.txt", "broken.docx", "big.txt"):
        assert any(name in line for line in errors), name
    assert "Traceback" not in run.stderr
    docs = json.loads(project("docs", "--format", "json").stdout)
    assert [d["name"] for d in docs] == [*[d["name"] for d in before_docs], "good.txt"]


def test_explicit_non_transcript_is_an_error(project: Cli, folder: Path, tmp_path: Path) -> None:
    before = _dump(tmp_path / "qcode.db")
    run = project("import", str(folder / "cases.csv"))
    assert run.exit_code == 1
    assert "not a transcript format" in run.stderr
    assert _dump(tmp_path / "qcode.db") == before


def test_missing_path_and_bad_cases_file(project: Cli, tmp_path: Path, folder: Path) -> None:
    assert project("import", str(tmp_path / "nope.txt")).exit_code == 1
    bad_cases = tmp_path / "cases.csv"
    bad_cases.write_text("firm,sector\nF1,IT\n", "utf-8")
    before = _dump(tmp_path / "qcode.db")
    run = project("import", str(folder), "--cases", str(bad_cases))
    assert run.exit_code == 1 and "no column naming the document" in run.stderr
    assert _dump(tmp_path / "qcode.db") == before


def test_unknown_document_suggests(project: Cli, folder: Path) -> None:
    project("import", str(folder))
    run = project("show", "int_0001")
    assert run.exit_code == 1 and "did you mean" in run.stderr


def test_docs_lists_a_page_with_the_same_counts_as_the_whole_list(project: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(1, 6):
        (folder / f"int_{n:03}.txt").write_text(INTERVIEW, encoding="utf-8")
    assert project("import", str(folder)).exit_code == 0
    book = REPO / "codebooks" / "sme_knowledge_sources.yaml"
    assert project("codebook", "load", str(book)).exit_code == 0
    for doc, unit in (("int_002", "t2"), ("int_002", "t4"), ("int_004", "t2")):
        assert project("tag", doc, unit, "diaspora", "--coder", "ana").exit_code == 0
    whole = project("docs", "--format", "json", "--limit", "0")
    assert whole.exit_code == 0 and whole.stderr == ""
    every = json.loads(whole.stdout)
    assert [d["codings"] for d in every] == [0, 2, 0, 1, 0]
    page = project("docs", "--format", "json", "--limit", "2")
    assert page.exit_code == 0
    assert json.loads(page.stdout) == every[:2]
    assert "5 documents; showing the first 2 (--limit 0 shows all)" in page.stderr
    exact = project("docs", "--limit", "5")
    assert exact.exit_code == 0 and exact.stderr == "" and "int_005.txt" in exact.stdout
    assert project("docs", "--limit", "-1").exit_code == 2


def test_a_file_failing_while_stored_leaves_nothing_and_the_rest_import(
    project: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import holds one connection for all its files: a file whose transaction fails after
    its document and units went in is rolled back whole (its case too), and the files after it
    still import."""
    from sqlalchemy import Connection

    from qcode.errors import InputError
    from qcode.store import fulltext

    src = tmp_path / "three"
    src.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (src / name).write_text(INTERVIEW.replace("Novi Sad", name), "utf-8")
    (src / "cases.csv").write_text("document,case,size\na.txt,A,1\nb.txt,B,2\nc.txt,C,3\n", "utf-8")
    index = fulltext.index_document

    def failing(conn: Connection, document_id: int, body: str) -> None:
        index(conn, document_id, body)
        if "b.txt" in body:
            raise InputError("b.txt: made to fail")

    monkeypatch.setattr(fulltext, "index_document", failing)
    run = project("import", str(src), "--cases", str(src / "cases.csv"))
    assert run.exit_code == 1
    assert "error: b.txt: made to fail" in run.stderr
    assert "2 imported; 0 unchanged; 1 skipped (1 .csv); 1 failed" in run.stderr
    con = sqlite3.connect(tmp_path / "qcode.db")
    names = [n for (n,) in con.execute("SELECT name FROM documents ORDER BY id")]
    assert names == ["a.txt", "c.txt"]
    assert [n for (n,) in con.execute("SELECT name FROM cases ORDER BY id")] == ["A", "C"]
    units = con.execute("SELECT count(*) FROM units WHERE document_id NOT IN (SELECT id FROM documents)")
    assert units.fetchone() == (0,)
    con.close()
    monkeypatch.undo()
    again = project("import", str(src), "--cases", str(src / "cases.csv"))
    assert again.exit_code == 0, again.stderr
    assert "1 imported; 2 unchanged" in again.stderr
    con = sqlite3.connect(tmp_path / "qcode.db")
    cases = con.execute("SELECT c.name, a.value FROM cases c JOIN case_attributes a ON a.case_id = c.id"
                        " ORDER BY c.id").fetchall()
    assert cases == [("A", "1"), ("C", "3"), ("B", "2")]
    con.close()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [False, True], ids=["log", "terminal"])
def test_import_lines_reach_a_log_plainly_and_a_terminal_above_its_bar(
    terminal: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcode.cli.importing import _progress
    from qcode.cli.output import error

    err = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    with _progress(2) as (on, say, advance):
        assert (on is not None) is terminal
        say("int_001.txt: Name: speech \x1b]0;owned\x07 [laughs]; words 10 → 10")
        error("bad file", on=on)
        advance()
        advance()
    shown = err.getvalue()
    assert "int_001.txt: Name: speech \\x1b]0;owned\\x07 [laughs]; words 10 → 10" in shown
    assert "error: bad file" in shown and "\x07" not in shown
    if not terminal:
        assert shown == ("int_001.txt: Name: speech \\x1b]0;owned\\x07 [laughs]; words 10 → 10\n"
                         "error: bad file\n")
