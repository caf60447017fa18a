"""Shared fixtures: a project on a real SQLite file in tmp, a CLI runner, PostgreSQL on demand."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
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


# The suites that run on both stores (each test twice: `[sqlite]` and `[postgresql]`): the core of
# coding, review (rounds, the blind rule, consensus, units and agreement read from the store),
# the store itself, the codebook, the exports and the report (tests/export/: the export project
# is built afresh in each PostgreSQL test's schema), REFI-QDA import and export (tests/refi/:
# a second project, from `other_db`, lives on the same store), and a representative CLI subset
# (tagging, undo, the roster, bulk changes, listings, search, retrieval, statistics, codebook
# loading and editing, the interactive session, packages, team logins). The golden files are
# checked on SQLite by tests/export/test_golden.py and on PostgreSQL by test_postgres.py. The
# rest (ingest readers, the TUI, pure statistics, the terminal sweep) goes through the same
# portable SQL and stays on SQLite, so the whole suite keeps well under 12 minutes on two cores.
# A test that looks inside the SQLite file itself is marked `sqlite_only`. See docs/team.md.
BOTH_STORES = (
    "tests/coding/",
    "tests/review/",
    "tests/store/",
    "tests/cli/test_coding_cli.py",
    "tests/cli/test_identities_cli.py",
    "tests/cli/test_bulk_cli.py",
    "tests/cli/test_retrieve_cli.py",
    "tests/cli/test_stats_cli.py",
    "tests/cli/test_where_cli.py",
    "tests/cli/test_interactive_cli.py",
    "tests/cli/test_codebook_cli.py",
    "tests/cli/test_codebook_add_cli.py",
    "tests/codebook/",
    "tests/cli/test_search_cli.py",
    "tests/cli/test_pack_cli.py",
    "tests/cli/test_team_cli.py",
    "tests/export/",
    "tests/refi/",
)
STORES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    where = Path(str(metafunc.definition.path)).resolve().relative_to(REPO).as_posix()
    if any(where.startswith(prefix) for prefix in BOTH_STORES):
        metafunc.parametrize(
            "store", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
        )


@pytest.fixture
def store(request: pytest.FixtureRequest) -> str:
    """Which store the test's project lives in: `sqlite` unless the suite runs on both."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def cli(tmp_path: Path, store: str, request: pytest.FixtureRequest) -> Cli:
    """A CLI bound to a project not yet created: `tmp_path/qcode.db`, or on PostgreSQL a
    schema of its own in the session's database."""
    db: Path | str = request.getfixturevalue("pg_schema") if store == "postgresql" else tmp_path / "qcode.db"
    _PROJECTS[tmp_path] = db
    return Cli(tmp_path, db)


_PROJECTS: dict[Path, Path | str] = {}
# The `other_db` fixture: a name gives another project not yet made, on the test's store.
OtherDb = Callable[[str], Path | str]


@pytest.fixture
def store_url(tmp_path: Path, store: str, request: pytest.FixtureRequest) -> str:
    """A URL for a project not yet made, on the test's store (for tests below the CLI)."""
    from qcode.store.engine import to_url

    return request.getfixturevalue("pg_schema") if store == "postgresql" else to_url(tmp_path / "qcode.db")


def project_db(tmp_path: Path) -> Path | str:
    """The project the `cli` fixture of a test made in `tmp_path`: its SQLite file, or its URL."""
    return _PROJECTS.get(tmp_path, tmp_path / "qcode.db")


def db_url(db: Path | str | None) -> str:
    """A CLI fixture's `db` (a SQLite file or a URL) as a URL."""
    from qcode.store.engine import to_url

    assert db is not None
    return to_url(db)


def dump(db: Path | str | None) -> str:
    """A digest of every row of every table: equal before and after means nothing changed."""
    import hashlib

    from sqlalchemy import text

    from qcode.store.engine import get_engine
    from qcode.store.models import Base

    rows: list[str] = []
    with get_engine(db_url(db)).connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = ", ".join(str(i + 1) for i in range(len(table.columns)))
            query = text(f'SELECT * FROM "{table.name}" ORDER BY {order}')
            rows += [repr(tuple(r)) for r in conn.execute(query)]
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


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
    """A throwaway PostgreSQL database for this test session: without a server (or its driver)
    the test is skipped with the reason, and with `CI` set it fails instead."""
    import importlib.util

    if importlib.util.find_spec("psycopg") is None:
        missing = "the PostgreSQL driver is not installed (pip install 'qcode[postgres]')"
        if os.environ.get("CI"):
            pytest.fail(f"{missing} (CI runs every test on PostgreSQL too)")
        pytest.skip(missing)
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"qcode_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        reason = f"PostgreSQL not reachable at {_pg_admin_url()}: {str(exc).splitlines()[0]}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI runs every test on PostgreSQL too)")
        pytest.skip(reason)
    url = _pg_admin_url().rsplit("/", 1)[0] + f"/{name}"
    yield url
    from qcode.store.engine import dispose_engines

    dispose_engines()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    """A URL naming a schema of its own (made by `qcode init` or `create_project`) in the
    session's database; dropped afterwards. Suites running at once never meet."""
    from qcode.store.postgres import with_schema

    name = f"t_{uuid.uuid4().hex[:12]}"
    yield with_schema(pg_url, name)
    _drop_schema(pg_url, name)


def _drop_schema(pg_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    from qcode.store.engine import _ENGINES

    for key in [k for k in _ENGINES if name in k]:
        _ENGINES.pop(key).dispose()
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()


@pytest.fixture
def other_db(tmp_path: Path, store: str, request: pytest.FixtureRequest) -> Iterator[OtherDb]:
    """Another project not yet made, on the test's store: `other_db("fresh")` is
    `tmp_path/fresh/qcode.db`, or on PostgreSQL the URL of a schema of its own (dropped afterwards)."""
    from qcode.store.postgres import with_schema

    made: list[str] = []
    pg_url = request.getfixturevalue("pg_url") if store == "postgresql" else ""

    def make(name: str) -> Path | str:
        if not pg_url:
            return tmp_path / name / "qcode.db"
        made.append(f"t_{uuid.uuid4().hex[:12]}")
        return with_schema(pg_url, made[-1])

    yield make
    for name in made:
        _drop_schema(pg_url, name)


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
