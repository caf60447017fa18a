"""A project ready for coding, shared by the coding and interactive-session tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli

TRANSCRIPT = """Interviewer: How did you find buyers abroad?

Respondent: Through my cousin in Vienna. He knew a firm.
The firm in Vienna needed welders.

Interviewer: А фирме у зони?

Respondent: Никада нисмо научили ништа од њих 🙂. Čačak je drugačiji.
"""


@pytest.fixture
def coded(cli: Cli, tmp_path: Path) -> Cli:
    """The small codebook, `ana` as default coder, and `int_001.txt` holding TRANSCRIPT."""
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(book), "--coder", "ana").exit_code == 0
    src = tmp_path / "int_001.txt"
    src.write_text(TRANSCRIPT, "utf-8")
    assert cli("import", str(src)).exit_code == 0
    return cli
