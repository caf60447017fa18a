"""Shared fixtures for the ingest tests: the real transcripts nobody on the team wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REAL_DATA


@pytest.fixture(scope="session")
def real_data() -> Path:
    if not REAL_DATA.is_dir():
        pytest.skip(f"real transcripts not available at {REAL_DATA} (only CI and the team have them)")
    return REAL_DATA
