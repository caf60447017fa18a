"""Opening a project: a missing file stays missing, PostgreSQL URLs in every spelling, a missing
driver named with the command that installs it, and unknown commands."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import Cli


def test_opening_a_missing_project_creates_no_file(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    for command in (["summary"], ["docs"], ["tag", "int_001", "t2", "diaspora"], ["log"]):
        run = cli("--db", "nonexist.db", *command)
        assert run.exit_code == 3, (command, run.stderr)
        assert run.stderr.startswith("error: no qcode project at ")
        assert "qcode init" in run.stderr and "Traceback" not in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_core_never_creates_a_project_file_either(tmp_path: Path) -> None:
    from qcode.errors import ProjectError
    from qcode.store.engine import get_engine, session_scope, to_url

    url = to_url(tmp_path / "missing.db")
    with pytest.raises(ProjectError, match="no qcode project"):
        get_engine(url)
    with pytest.raises(ProjectError), session_scope(url, write=True):
        pass
    assert not (tmp_path / "missing.db").exists()


def test_a_project_deleted_after_opening_is_not_recreated(tmp_path: Path) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from qcode.store.engine import dispose_engines, get_engine, to_url
    from qcode.store.schema import create_project

    url = to_url(tmp_path / "gone.db")
    create_project(url, name="gone")
    dispose_engines()
    engine = get_engine(url)
    with engine.connect() as conn:
        conn.execute(text("select 1"))
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"gone.db{suffix}").unlink(missing_ok=True)
    with pytest.raises(OperationalError), engine.connect():
        pass
    assert not (tmp_path / "gone.db").exists()
    dispose_engines()


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_postgres_urls_map_to_the_installed_driver(scheme: str) -> None:
    from qcode.store.engine import to_url

    url = to_url(f"{scheme}://ana:secret@db.example.org:5433/study?sslmode=require")
    assert url == "postgresql+psycopg://ana:secret@db.example.org:5433/study?sslmode=require"


def test_only_psycopg2_installed_keeps_sqlalchemys_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from qcode.store.engine import to_url

    real = importlib.util.find_spec

    def only_psycopg2(name: str, package: str | None = None) -> object:
        if name == "psycopg":
            return None
        return real("json") if name == "psycopg2" else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", only_psycopg2)
    assert to_url("postgres://h/db") == "postgresql+psycopg2://h/db"


@pytest.mark.parametrize("scheme", ["postgres", "postgresql", "postgresql+psycopg"])
def test_a_missing_postgres_driver_says_how_to_install_it(
    scheme: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in ("psycopg", "psycopg2"):
        monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    run = Cli(tmp_path)("--db", f"{scheme}://ana:secret@127.0.0.1:1/nowhere", "summary")
    assert run.exit_code == 3
    assert "PostgreSQL driver (psycopg) is not installed" in run.stderr
    assert "pip install 'qcode[postgres]'" in run.stderr
    assert "secret" not in run.stderr  # the password is never printed
    assert len(run.stderr.splitlines()) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_plain_postgres_urls_open_a_project(scheme: str, pg_empty: str, tmp_path: Path) -> None:
    bare = scheme + pg_empty[pg_empty.index("://"):]
    cli = Cli(tmp_path, bare)
    made = cli("init")
    assert made.exit_code == 0, made.stderr
    run = cli("summary", "--format", "json")
    assert run.exit_code == 0, run.stderr


@pytest.mark.parametrize(("typed", "suggested"), [(["tagg"], "'tag'"), (["codebook", "lod"], "'load'")])
def test_an_unknown_command_is_suggested_once(project: Cli, typed: list[str], suggested: str) -> None:
    run = project(*typed)
    assert run.exit_code == 2
    assert run.stderr.count(suggested) == 1, run.stderr
    assert run.stderr.count("Did you mean") == 1
