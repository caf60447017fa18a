"""Documentation generated from the code stays in step with it; README's commands stay true."""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_cli_reference_is_up_to_date() -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    from gen_cli_docs import render

    assert (REPO / "docs" / "cli.md").read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `python scripts/gen_cli_docs.py`"
    )


def test_ci_runs_the_test_command_readme_gives() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, flags=re.S)
    test_command = blocks[1].split("activate && ", 1)[1].strip()
    assert "pytest" in test_command
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").replace("--quiet ", "")
    assert test_command in ci


def test_readme_mentions_every_top_level_command() -> None:

    from qcode.cli.main import all_commands

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = all_commands().commands  # type: ignore[attr-defined]
    missing = [n for n in names if not re.search(rf"qcode {re.escape(n)}\b(?!-)", readme)]
    assert not missing, f"README does not show: {missing}"


def test_schema_reference_is_up_to_date() -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    from gen_schema_docs import render

    assert (REPO / "docs" / "schema.md").read_text(encoding="utf-8") == render(), (
        "docs/schema.md is stale: run `python scripts/gen_schema_docs.py`"
    )
