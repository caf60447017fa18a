"""Several coders tagging one SQLite project at the same moment from separate processes lose
nothing, duplicate nothing, and never see "database is locked"."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli

SENTENCES = 20

WORKER = textwrap.dedent(
    """
    import sys
    from qcode.cli.main import app

    db, coder, codes = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    failures = 0
    for i in range(1, {n} + 1):
        for code in codes:
            try:
                app(["--db", db, "tag", "doc", f"s{{i}}", code, "--coder", coder],
                    standalone_mode=False)
            except SystemExit as exc:
                if exc.code not in (0, None):
                    failures += 1
    sys.exit(1 if failures else 0)
    """
).format(n=SENTENCES)


def _prepare(cli: Cli, tmp_path: Path) -> None:
    """A project with the small codebook and one document of SENTENCES sentences."""
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(book)).exit_code == 0
    body = " ".join(f"Sentence number {i} is about exporting." for i in range(1, SENTENCES + 1))
    (tmp_path / "doc.txt").write_text(f"Respondent: {body}\n", "utf-8")
    assert cli("import", str(tmp_path / "doc.txt")).exit_code == 0


@pytest.fixture
def busy_project(cli: Cli, tmp_path: Path) -> Path:
    _prepare(cli, tmp_path)
    return tmp_path / "qcode.db"


WORKERS = [
        ("ana", "diaspora,barriers"),
        ("bo", "diaspora,barriers"),
        ("cy", "owner_emigration"),
        ("shared", "diaspora"),  # two processes as the same coder, same targets:
        ("shared", "diaspora"),  # every coding must exist exactly once
]
EXPECTED = {"ana": 2 * SENTENCES, "bo": 2 * SENTENCES, "cy": SENTENCES, "shared": SENTENCES}


def _run_workers(db: str) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, db, coder, codes],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for coder, codes in WORKERS
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower(), err


def test_concurrent_coders_lose_and_duplicate_nothing(busy_project: Path) -> None:
    import sqlite3

    _run_workers(str(busy_project))
    con = sqlite3.connect(busy_project)
    counts = dict(con.execute(
        "SELECT coders.name, count(*) FROM codings JOIN coders ON coders.id = codings.coder_id "
        "GROUP BY coders.name"
    ).fetchall())
    dupes = con.execute(
        "SELECT count(*) FROM (SELECT 1 FROM codings GROUP BY document_id, code_id, coder_id, "
        "start, \"end\" HAVING count(*) > 1)"
    ).fetchone()[0]
    events = con.execute("SELECT count(*) FROM events WHERE action = 'tag'").fetchone()[0]
    con.close()
    assert counts == EXPECTED
    assert dupes == 0
    assert events == sum(counts.values())  # one event per coding actually made


@pytest.mark.postgres
def test_concurrent_coders_on_postgres(pg_empty: str, tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    _prepare(Cli(tmp_path, pg_empty), tmp_path)
    _run_workers(pg_empty)
    engine = create_engine(pg_empty)
    with engine.connect() as conn:
        counts = dict(conn.execute(text(
            "SELECT coders.name, count(*) FROM codings JOIN coders ON coders.id = codings.coder_id "
            "GROUP BY coders.name")).all())
        events = conn.execute(text("SELECT count(*) FROM events WHERE action = 'tag'")).scalar()
    engine.dispose()
    assert counts == EXPECTED
    assert events == sum(EXPECTED.values())
