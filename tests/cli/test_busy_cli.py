"""A command that cannot get the write lock in time says the project is busy and to retry, in one
line with exit 1, and changes nothing (not an internal OperationalError)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from qcode.store import engine
from tests.conftest import Cli


def test_lock_timeout_is_a_clear_busy_message(coded: Cli, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    engine.dispose_engines()
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(tmp_path / "qcode.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another command's long write
    try:
        run = coded("tag", "int_001", "t2", "diaspora")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose_engines()
    assert run.exit_code == 1, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "the project is busy" in lines[0] and "again" in lines[0]
    assert "OperationalError" not in run.stderr
    monkeypatch.undo()
    assert coded("codings", "--format", "csv").stdout.count("\n") == 1  # header only: nothing kept
    assert coded("tag", "int_001", "t2", "diaspora").exit_code == 0  # and a retry goes through
