"""`qcode init`, `qcode summary`, project discovery and error reporting through the CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Cli


def test_init_creates_a_project_and_refuses_to_overwrite(cli: Cli, tmp_path: Path) -> None:
    first = cli("init")
    assert first.exit_code == 0, first.stderr
    assert (tmp_path / "qcode.db").exists()
    assert "created project" in first.stderr and first.stdout == ""
    again = cli("init")
    assert again.exit_code == 1
    assert again.stderr.startswith("error: a qcode project already exists")
    assert "Traceback" not in again.stderr


def test_init_into_a_folder(tmp_path: Path) -> None:
    run = Cli(tmp_path)("init", str(tmp_path / "study"))
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "study" / "qcode.db").exists()


def test_summary_of_an_empty_project(project: Cli) -> None:
    run = project("summary", "--format", "json")
    assert run.exit_code == 0
    import json

    data = json.loads(run.stdout)
    assert data["documents"] == 0 and data["codes"] == 0 and data["turns"] == 0


def test_project_is_found_by_walking_up(tmp_path: Path) -> None:
    Cli(tmp_path)("init")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    run = Cli(sub)("summary")
    assert run.exit_code == 0, run.stderr
    assert "documents" in run.stdout


def test_qcode_db_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Cli(tmp_path)("init", str(tmp_path / "x.db"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    from typer.testing import CliRunner

    from qcode.cli.main import app

    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(app, ["summary"], env={"QCODE_DB": str(tmp_path / "x.db")})
    assert result.exit_code == 0, result.stderr


def test_no_project_anywhere_is_a_one_line_error(tmp_path: Path) -> None:
    run = Cli(tmp_path)("docs")
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1
    assert "no qcode project" in run.stderr and "qcode init" in run.stderr


def test_a_newer_project_exits_3(project: Cli, tmp_path: Path) -> None:
    con = sqlite3.connect(tmp_path / "qcode.db")
    con.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    from qcode.store import schema

    schema._CHECKED.clear()
    run = project("docs")
    assert run.exit_code == 3
    assert "newer qcode" in run.stderr


def test_bad_option_exits_2(project: Cli) -> None:
    run = project("docs", "--format", "xml")
    assert run.exit_code == 2


def test_version(cli: Cli) -> None:
    from qcode import __version__

    run = cli("--version", db=False)
    assert run.stdout.strip() == f"qcode {__version__}"
