"""`qcode search` through the CLI: stdout carries the matches, stderr the counts and errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Cli, project_db

INTERVIEW = """Interviewer: How did you find your first client abroad?

Respondent: Through my cousin in Vienna. He knew a firm that needed welders.

Interviewer: And the firms in your zone?

Respondent: We never learned anything from them, honestly. My cousin did.
"""

SERBIAN = """---
case: F007
sector: IT services
region: Čačak
---
Interviewer: Koliko dugo radite sa Upwork klijentima?

Milica Đorđević: Od 2014. Први клијент је био из Шведске 🇸🇪, mali tim u Čačku.

Interviewer: A posle?

Milica Đorđević: Posle je išlo lakše🙂. Izvoz u Čačak🥲 je rastao.
"""

FIELDS = ["document", "sentence", "turn", "line", "speaker", "start", "end", "left", "match", "right"]


@pytest.fixture
def corpus(project: Cli, tmp_path: Path) -> Cli:
    src = tmp_path / "src"
    src.mkdir()
    (src / "int_001.txt").write_text(INTERVIEW, encoding="utf-8")
    (src / "int_002.md").write_text(SERBIAN, encoding="utf-8")
    run = project("import", str(src))
    assert run.exit_code == 0, run.stderr
    return project


def test_table_shows_keyword_in_context(corpus: Cli) -> None:
    run = corpus("search", "cousin")
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("int_001.txt  t2 l3  Respondent  …")
    assert lines[0].endswith(
        "… client abroad?  Respondent: Through my [cousin] in Vienna. He knew a firm that needed w…"
    )
    assert lines[1].startswith("int_001.txt  t4 l7  Respondent  …")
    # Matches line up in one column.
    assert lines[0].index("[cousin]") == lines[1].index("[cousin]")
    assert run.stderr.strip() == "2 matches in 1 document"


def test_json_carries_every_field_with_exact_offsets(corpus: Cli) -> None:
    run = corpus("search", "cacak", "--format", "json")
    assert run.exit_code == 0, run.stderr
    rows = json.loads(run.stdout)
    assert [r["match"] for r in rows] == ["Čačak"]  # Čačku is another word
    assert list(rows[0]) == FIELDS
    view = json.loads(corpus("show", "int_002", "--format", "json").stdout)
    assert view["text"][rows[0]["start"]:rows[0]["end"]] == "Čačak"
    assert rows[0]["speaker"] == "Milica Đorđević" and rows[0]["turn"] == 4
    assert rows[0]["right"].startswith("🥲 je rastao.")
    assert "1 match in 1 document" in corpus("search", "cacak").stderr


def test_csv_has_a_header_and_one_row_per_sentence(corpus: Cli) -> None:
    run = corpus("search", "cac*", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert run.stdout.splitlines()[0] == ",".join(FIELDS)
    assert [r["match"] for r in rows] == ["Čačku", "Čačak"]


def test_phrase_prefix_and_cyrillic(corpus: Cli) -> None:
    def matches(*args: str) -> list[str]:
        return [r["match"] for r in json.loads(corpus("search", *args, "-f", "json").stdout)]

    assert matches('"my cousin"') == ["my cousin", "My cousin"]
    assert matches('"cousin my"') == []
    assert matches("klijent*") == ["klijentima"]
    assert matches("КЛИЈЕНТ") == ["клијент"]
    assert matches("welders cousin") == []  # different sentences


def test_filters(corpus: Cli, tmp_path: Path) -> None:
    def docs(*args: str) -> list[str]:
        run = corpus("search", *args, "-f", "json")
        assert run.exit_code == 0, run.stderr
        return [f"{r['document']}:{r['match']}" for r in json.loads(run.stdout)]

    assert docs("posle", "--speaker", "INTERVIEWER") == ["int_002.md:posle"]
    assert docs("posle", "--speaker", "milica đorđević") == ["int_002.md:Posle"]
    assert docs("cousin", "--where", "sector=IT services") == []
    assert docs("izvoz", "--where", "sector=it services", "--where", "region=cacak") == ["int_002.md:Izvoz"]
    assert docs("cousin", "--doc", "int_001", "--limit", "1") == ["int_001.txt:cousin"]


def test_code_filter(corpus: Cli, tmp_path: Path) -> None:
    from qcode.store.engine import session_scope, to_url
    from qcode.store.models import Code, Coder, Coding, Document

    with session_scope(to_url(project_db(tmp_path)), write=True) as s:
        doc = s.query(Document).filter_by(name="int_001.txt").one()
        quote = "My cousin did."
        start = doc.text.index(quote)
        parent = Code(key="diaspora", label="Diaspora")
        s.add(parent)
        s.flush()
        code, coder = Code(key="diaspora.kin", label="Kin", parent_id=parent.id), Coder(name="ana")
        s.add_all([code, coder])
        s.flush()
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start,
                     end=start + len(quote), quote=quote))
    run = corpus("search", "cousin", "--code", "diaspora", "-f", "json")
    assert [(r["line"], r["match"]) for r in json.loads(run.stdout)] == [(7, "cousin")]
    unknown = corpus("search", "cousin", "--code", "diaspra")
    assert unknown.exit_code == 1 and unknown.stdout == ""
    assert "no code `diaspra`" in unknown.stderr and "did you mean diaspora" in unknown.stderr


def test_limit_is_reported_on_stderr(corpus: Cli) -> None:
    run = corpus("search", "cousin", "--limit", "1")
    assert len(run.stdout.splitlines()) == 1
    assert "2 matches in 1 document; showing the first 1 (--limit 0 shows all)" in run.stderr
    assert len(corpus("search", "cousin", "--limit", "0").stdout.splitlines()) == 2
    assert corpus("search", "cousin", "--limit", "-1").exit_code == 2


def test_no_match_prints_nothing_on_stdout(corpus: Cli) -> None:
    run = corpus("search", "zanzibar")
    assert run.exit_code == 0 and run.stdout == ""
    assert "0 matches in 0 documents" in run.stderr
    assert json.loads(corpus("search", "zanzibar", "-f", "json").stdout) == []


@pytest.mark.parametrize("query", ['AND OR "(', '"', "NEAR(", "*)", "'"])
def test_hostile_queries_are_text_or_usage_errors(corpus: Cli, query: str) -> None:
    run = corpus("search", query)
    assert run.exit_code in (0, 2), run.stderr
    assert "Traceback" not in run.stderr and "unexpected" not in run.stderr
    if run.exit_code == 2:
        assert run.stderr.startswith("error:")


def test_bad_arguments_exit_2(corpus: Cli) -> None:
    empty = corpus("search", "  ")
    assert empty.exit_code == 2 and "empty search query" in empty.stderr and empty.stdout == ""
    where = corpus("search", "cousin", "--where", "sector")
    assert where.exit_code == 2 and "KEY=VALUE" in where.stderr
    unknown = corpus("search", "cousin", "--where", "sectr=metal")
    assert unknown.exit_code == 1 and "did you mean sector" in unknown.stderr


def test_help_documents_the_query_language(project: Cli) -> None:
    out = project("search", "--help").stdout
    for piece in ('"export market"', "export*", "Čačak", "Cyrillic", "--speaker", "--where", "--code"):
        assert piece in out
