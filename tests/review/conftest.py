"""A tiny double-coded project whose agreement figures can be worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli

TRANSCRIPT = """Ana: One two three four five.

Respondent: Six seven eight nine ten eleven.

Interviewer: Twelve thirteen fourteen.

Respondent: Fifteen sixteen seventeen eighteen.
"""
OTHER = "Interviewer: Only one coder read this.\n\nRespondent: Indeed.\n"


def turns(db: Path | str, name: str) -> list[tuple[int, int]]:
    from qcode.store.engine import session_scope, to_url
    from qcode.store.models import Document, Unit

    url = to_url(db)
    with session_scope(url, write=False) as s:
        doc_id = s.execute(select(Document.id).where(Document.name == name)).scalar_one()
        return [(a, b) for a, b in s.execute(
            select(Unit.start, Unit.end).where(Unit.document_id == doc_id, Unit.kind == "turn")
            .order_by(Unit.number)).tuples()]  # fmt: skip


@pytest.fixture
def tiny(cli: Cli, tmp_path: Path) -> Cli:
    """ana: barriers t1, diaspora t2 and t4;  ben: barriers t1, diaspora t2 (one character
    short at the start), owner_emigration t4.  A second document is coded by ana only."""
    _two_documents(cli, tmp_path, first_coder="ana")
    for coder, codings in _codings(cli).items():
        path = write_codings(tmp_path / f"{coder}.csv", coder, codings)
        result = cli("import-codings", str(path), "--coder", coder)
        assert result.exit_code == 0, result.stderr
    return cli


def write_codings(path: Path, coder: str, codings: list[tuple[str, str, int, int]]) -> Path:
    path.write_text("document,coder,code,start,end,memo\n" + "".join(
        f"{d},{coder},{c},{s},{e},\n" for d, c, s, e in codings), "utf-8")  # fmt: skip
    return path


@pytest.fixture
def pilot(cli: Cli, tmp_path: Path) -> Cli:
    """The codings of `tiny`, made in the open blind round `pilot` (ana and ben on int_t.txt)
    of a project whose PI and default coder is pia; int_u.txt is in no round."""
    return make_pilot(cli, tmp_path)


def make_pilot(cli: Cli, tmp_path: Path) -> Cli:
    _two_documents(cli, tmp_path, first_coder="pia")
    made = cli("round", "create", "pilot", "--coders", "ana,ben", "--docs", "int_t", "--blind")
    assert made.exit_code == 0, made.stderr
    for coder, codings in _codings(cli).items():
        result = cli("import-codings", str(write_codings(tmp_path / f"{coder}.csv", coder,
                                                         codings)))  # fmt: skip
        assert result.exit_code == 0, result.stderr
    return cli


def _two_documents(cli: Cli, tmp_path: Path, *, first_coder: str) -> None:
    """A project with the V1 codebook, int_t.txt and int_u.txt; `first_coder` made it."""
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(book), "--coder", first_coder).exit_code == 0
    (tmp_path / "int_t.txt").write_text(TRANSCRIPT, "utf-8")
    (tmp_path / "int_u.txt").write_text(OTHER, "utf-8")
    assert cli("import", str(tmp_path / "int_t.txt"), str(tmp_path / "int_u.txt")).exit_code == 0


def _codings(cli: Cli) -> dict[str, list[tuple[str, str, int, int]]]:
    """ana's and ben's codings of the two documents (see `tiny`)."""
    assert cli.db is not None
    t = turns(cli.db, "int_t.txt")
    u = turns(cli.db, "int_u.txt")
    return {
        "ana": [("int_t.txt", "barriers", *t[0]), ("int_t.txt", "diaspora", *t[1]),
                ("int_t.txt", "diaspora", *t[3]), ("int_u.txt", "barriers", *u[0])],
        "ben": [("int_t.txt", "barriers", *t[0]),
                ("int_t.txt", "diaspora", t[1][0] + 1, t[1][1]),
                ("int_t.txt", "owner_emigration", *t[3])],
    }  # fmt: skip
