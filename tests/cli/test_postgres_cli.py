"""The same commands against PostgreSQL: portable SQL, one code path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_codebook_cli import V1
from tests.cli.test_import_cli import FRONT_MATTER, INTERVIEW
from tests.conftest import Cli

pytestmark = pytest.mark.postgres


def test_init_import_browse_on_postgres(pg_empty: str, tmp_path: Path) -> None:
    cli = Cli(tmp_path, pg_empty)
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(book)).exit_code == 0
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(INTERVIEW, "utf-8")
    (src / "b.md").write_text(FRONT_MATTER, "utf-8")
    run = cli("import", str(src))
    assert run.exit_code == 0, run.stderr
    docs = json.loads(cli("docs", "--format", "json").stdout)
    assert [(d["name"], d["turns"]) for d in docs] == [("a.txt", 4), ("b.md", 4)]
    again = cli("import", str(src))
    assert "2 unchanged" in again.stderr
    view = json.loads(cli("show", "b", "--format", "json").stdout)
    assert "Шведске 🇸🇪" in view["text"]
    summary = json.loads(cli("summary", "--format", "json").stdout)
    assert summary["codes"] == 4 and summary["cases"] == 1
    refused = cli("init")
    assert refused.exit_code == 1 and "already exists" in refused.stderr
