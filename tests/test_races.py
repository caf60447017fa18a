"""Eight processes changing the same coding at once: on SQLite and PostgreSQL exactly one untag
wins, recodes are serialised (each event starts where the previous one ended), and the coder's
undo works afterwards."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.cli.conftest import TRANSCRIPT
from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli

PROCESSES = 8

# Each process waits for the `go` file, so all eight hit the same row within milliseconds.
RACER = textwrap.dedent(
    """
    import os, sys, time
    go = sys.argv[1]
    while not os.path.exists(go):
        time.sleep(0.002)
    from qcode.cli.main import app
    try:
        code = app(sys.argv[2:], standalone_mode=False)  # returns the exit code
    except SystemExit as exc:
        code = exc.code
    sys.exit(code or 0)
    """
)


def _project(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "book.yaml").write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(tmp_path / "book.yaml"), "--coder", "ana").exit_code == 0
    (tmp_path / "int_001.txt").write_text(TRANSCRIPT, "utf-8")
    assert cli("import", str(tmp_path / "int_001.txt")).exit_code == 0
    assert cli("tag", "int_001", "t2", "diaspora").exit_code == 0


def _race(db: str, tmp_path: Path, commands: list[list[str]]) -> list[tuple[int, str]]:
    go = tmp_path / f"go-{time.monotonic_ns()}"
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(go), "--db", db, *argv],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for argv in commands]
    time.sleep(1.0)  # let every interpreter start and import qcode
    go.write_text("")
    results = []
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, err))
    return results


def _events(url: str) -> list[tuple[str, dict | None, dict | None]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT action, before_json, after_json FROM events WHERE target_type = 'coding' "
            "ORDER BY id")).all()
    engine.dispose()
    return [(a, json.loads(b) if b else None, json.loads(c) if c else None) for a, b, c in rows]


def _untag_race(db: str, url: str, tmp_path: Path) -> None:
    cli = Cli(tmp_path, db)
    _project(cli, tmp_path)
    results = _race(db, tmp_path, [["untag", "1", "--coder", "ana"]] * PROCESSES)
    winners = [r for r in results if r[0] == 0]
    assert len(winners) == 1, results
    for code, err in results:
        assert code in (0, 1), err
        assert "unexpected" not in err and "Traceback" not in err, err
    assert [e[0] for e in _events(url)] == ["tag", "untag"]
    undo = cli("undo", "--coder", "ana")
    assert undo.exit_code == 0, undo.stderr
    assert len(json.loads(cli("codings", "--format", "json").stdout)) == 1


def _recode_race(db: str, url: str, tmp_path: Path) -> None:
    cli = Cli(tmp_path, db)
    _project(cli, tmp_path)
    targets = ["barriers", "owner_emigration"] * (PROCESSES // 2)
    results = _race(db, tmp_path, [["recode", "1", code, "--coder", "ana"] for code in targets])
    for code, err in results:
        assert code in (0, 1), err
        assert "unexpected" not in err and "Traceback" not in err, err
    recodes = [e for e in _events(url) if e[0] == "recode"]
    assert len(recodes) == sum(1 for r in results if r[0] == 0) >= 1
    # Serialised: every recode starts from the code the one before it left.
    chain = [e[1]["code"] for e in recodes] + [recodes[-1][2]["code"]]  # type: ignore[index]
    assert chain[0] == "diaspora"
    for (_a, before, _after), (_b, _before2, after_prev) in zip(recodes[1:], recodes, strict=False):
        assert before["code"] == after_prev["code"]  # type: ignore[index]
    final = json.loads(cli("codings", "--format", "json").stdout)
    assert [c["code"] for c in final] == [chain[-1]]
    for _ in recodes:
        undo = cli("undo", "--coder", "ana")
        assert undo.exit_code == 0, undo.stderr
    assert [c["code"] for c in json.loads(cli("codings", "--format", "json").stdout)] == ["diaspora"]


def test_untag_race_on_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "qcode.db"
    _untag_race(str(db), f"sqlite:///{db}", tmp_path)


def test_recode_race_on_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "qcode.db"
    _recode_race(str(db), f"sqlite:///{db}", tmp_path)


@pytest.mark.postgres
def test_untag_race_on_postgres(pg_empty: str, tmp_path: Path) -> None:
    _untag_race(pg_empty, pg_empty, tmp_path)


@pytest.mark.postgres
def test_recode_race_on_postgres(pg_empty: str, tmp_path: Path) -> None:
    _recode_race(pg_empty, pg_empty, tmp_path)
