"""The same exports on PostgreSQL give the same bytes as on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.export.conftest import build
from tests.export.test_golden import CASES, GOLDEN

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("chunk", [5_000, 2])
def test_exports_on_postgres_match_the_golden_files(pg_empty: str, tmp_path: Path, chunk: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from qcode.export import scope

    cli = build(Cli(tmp_path, pg_empty), tmp_path)
    # Small chunks: other queries run while the server-side cursor is open.
    monkeypatch.setattr(scope, "CHUNK", chunk)
    monkeypatch.setattr(scope, "DOCUMENT_BATCH", max(1, chunk // 2))
    for name in sorted(CASES):
        target = tmp_path / "exports" / name
        run = cli("export", *CASES[name], "-o", str(target))
        assert run.exit_code == 0, run.stderr
        assert target.read_bytes() == (GOLDEN / name).read_bytes(), name
