"""The same exports on PostgreSQL give the same bytes as on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.export.conftest import build
from tests.export.test_golden import CASES, GOLDEN

pytestmark = pytest.mark.postgres


def test_exports_on_postgres_match_the_golden_files(pg_empty: str, tmp_path: Path) -> None:
    cli = build(Cli(tmp_path, pg_empty), tmp_path)
    for name in sorted(CASES):
        if name.endswith((".md", ".yaml")) and name.startswith("codebook"):
            continue  # the same code path as SQLite; nothing of the store in them
        target = tmp_path / "exports" / name
        run = cli("export", *CASES[name], "-o", str(target))
        assert run.exit_code == 0, run.stderr
        assert target.read_bytes() == (GOLDEN / name).read_bytes(), name
