"""Headline figures and code frequencies, counted by hand on a small project."""

from __future__ import annotations

from pathlib import Path

import pytest

from qcode.coding.stats import project_stats
from qcode.errors import NotFoundError
from tests.cli.test_codebook_cli import V1
from tests.coding.test_bulk import open_session
from tests.conftest import Cli

TEXT = ("Interviewer: Where from?\n\nRespondent: From my cousin in Vienna.\n\nInterviewer: And?\n\n"
        "Respondent: Банка није помогла 🙂.\n")


@pytest.fixture
def stats_db(cli: Cli, tmp_path: Path) -> Path:
    """Three firms (two IT, one metal, one with no sector) and five codings by ana and bo."""
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(book), "--coder", "ana").exit_code == 0
    src = tmp_path / "src"
    src.mkdir()
    for name in ("a", "b", "c", "d"):
        (src / f"{name}.txt").write_text(TEXT, "utf-8")
    cases = tmp_path / "cases.csv"
    cases.write_text("document,case,sector\na.txt,A,IT\nb.txt,B,IT\nc.txt,C,metal\nd.txt,D,\n", "utf-8")
    assert cli("import", str(src), "--cases", str(cases)).exit_code == 0
    for args in (("a", "t2", "diaspora"), ("a", "t4", "diaspora"), ("a", "t2", "barriers", "--coder", "bo"),
                 ("b", "t2", "owner_emigration"), ("c", "t4", "diaspora", "--coder", "bo")):
        run = cli("tag", *args)
        assert run.exit_code == 0, run.stderr
    assert cli.db is not None
    return cli.db  # type: ignore[return-value]  # a file, or a URL on PostgreSQL


def test_headline_and_frequencies_count_codes_below_a_code(stats_db: Path) -> None:
    with open_session(stats_db, write=False) as session:
        stats = project_stats(session)
    h = stats.headline
    assert (h.documents, h.cases, h.coders, h.codings, h.coded_documents, h.codes_used) == (4, 4, 2, 5, 3, 3)
    with open_session(stats_db, write=False) as session:
        from qcode.store.models import Document

        assert h.words == sum(d.words for d in session.query(Document)) == 60
    table = {c.code: (c.depth, c.codings, c.documents, c.cases) for c in stats.codes}
    assert table == {"sources": (0, 4, 3, 3), "diaspora": (1, 3, 2, 2),
                     "owner_emigration": (1, 1, 1, 1), "barriers": (0, 1, 1, 1)}
    assert [c.code for c in stats.codes] == ["sources", "diaspora", "owner_emigration", "barriers"]
    assert stats.codes[0].colour == "#4e79a7"


def test_one_coder(stats_db: Path) -> None:
    with open_session(stats_db, write=False) as session:
        stats = project_stats(session, coder="Bo")
    assert (stats.headline.codings, stats.headline.coders) == (2, 1)
    assert {c.code: c.codings for c in stats.codes}["diaspora"] == 1


def test_by_attribute_counts_cases_once(stats_db: Path) -> None:
    with open_session(stats_db, write=False) as session:
        stats = project_stats(session, by="sector")
    assert stats.groups == ["IT", "metal", "(none)"]
    assert stats.group_cases == {"IT": 2, "metal": 1, "(none)": 1}
    cell = {(g.code, g.value): (g.cases, g.codings) for g in stats.by_group}
    assert cell[("diaspora", "IT")] == (1, 2)  # firm A, twice
    assert cell[("sources", "IT")] == (2, 3)  # A and B
    assert cell[("diaspora", "metal")] == (1, 1)
    assert cell[("barriers", "metal")] == (0, 0)
    assert cell[("sources", "(none)")] == (0, 0)
    shares = {(g.code, g.value): g.share for g in stats.by_group}
    assert shares[("diaspora", "IT")] == 0.5


def test_an_unknown_attribute_names_the_known_ones(stats_db: Path) -> None:
    with open_session(stats_db, write=False) as session, pytest.raises(NotFoundError, match="sector"):
        project_stats(session, by="region")
