"""Shared fixtures: a project on a real SQLite file in tmp, a CLI runner, PostgreSQL on demand."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

# CI runs property tests with fixed examples so a submission's result does not depend on luck;
# locally they explore new examples every run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
# ../shared beside the checkout; QCODE_SHARED points elsewhere (a second worktree, a copy).
SHARED = Path(os.environ.get("QCODE_SHARED") or REPO.parent / "shared").resolve()
REAL_DATA = SHARED / "real_data"
REFI = SHARED / "refi"
SAMPLE_CODEBOOK = REPO / "codebooks" / "sme_knowledge_sources.yaml"
INTERVIEWS = REPO / "interviews"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


class Cli:
    """Invokes `qcode` in-process; stdout and stderr are kept apart."""

    def __init__(self, cwd: Path, db: Path | str | None = None) -> None:
        self.cwd = cwd
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, db: bool = True, input: str | None = None) -> Run:
        from qcode.cli.main import app

        argv = [str(a) for a in args]
        if db and self.db is not None:
            argv = ["--db", str(self.db), *argv]
        old = Path.cwd()
        os.chdir(self.cwd)
        try:
            result = self.runner.invoke(app, argv, input=input, env={"QCODE_DB": None})
        finally:
            os.chdir(old)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QCODE_DB", raising=False)
    monkeypatch.delenv("QCODE_CODER", raising=False)
    monkeypatch.delenv("QCODE_DEBUG", raising=False)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A CLI bound to `tmp_path/qcode.db` (not yet created)."""
    return Cli(tmp_path, tmp_path / "qcode.db")


@pytest.fixture
def project(cli: Cli) -> Cli:
    """A CLI bound to a new, empty project."""
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    return cli


def _pg_admin_url() -> str:
    return os.environ.get("QCODE_TEST_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test session (skipped if no server)."""
    pytest.importorskip("psycopg")
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"qcode_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {_pg_admin_url()}: {str(exc).splitlines()[0]}")
    url = _pg_admin_url().rsplit("/", 1)[0] + f"/{name}"
    yield url
    from qcode.store.engine import dispose_engines

    dispose_engines()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_empty(pg_url: str) -> str:
    """The session's PostgreSQL database with every table dropped."""
    from sqlalchemy import MetaData

    from qcode.store.engine import get_engine
    from qcode.store.schema import _CHECKED

    engine = get_engine(pg_url)
    meta = MetaData()
    meta.reflect(engine)
    meta.drop_all(engine)
    _CHECKED.discard(pg_url)
    return pg_url
