"""Shared fixtures for the ingest tests: the real transcripts nobody on the team wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

# tests/ingest/conftest.py -> parents[2] is the repo root; `shared` sits beside it.
REAL_DATA = (Path(__file__).resolve().parents[2] / ".." / "shared" / "real_data").resolve()


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not REAL_DATA.is_dir():
        pytest.skip(f"real transcripts not available at {REAL_DATA} (only CI and the team have them)")
    return REAL_DATA
