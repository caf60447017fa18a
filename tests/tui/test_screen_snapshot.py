"""The screen as a coder sees it, exported as SVG and compared with the committed picture.

Fixed terminal size, no clock, a fresh project (so coding ids are the same on every run). After a
deliberate change of the screen, regenerate with `QCODE_UPDATE_SNAPSHOTS=1 python -m pytest
tests/tui/test_screen_snapshot.py` and look at the new SVG before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.tui.conftest import drive, make_app, span

SNAPSHOT = Path(__file__).parent / "snapshots" / "coding_screen.svg"
# The picture is drawn by these libraries; another release may draw the same screen differently.
MADE_WITH = Path(__file__).parent / "snapshots" / "coding_screen.versions"


def _versions() -> str:
    from importlib.metadata import version

    return f"textual {version('textual')}, rich {version('rich')}\n"


def test_the_screen_matches_its_snapshot(db: Path, tmp_path: Path) -> None:
    app = make_app(db)
    pictures: list[str] = []

    async def script(pilot: Any) -> None:
        await pilot.press("n", "a", *"diaspora", "enter", "escape")  # t2, whole
        app.transcript.select(*span("Никада нисмо научили"))
        await pilot.press("a", *"barriers", "enter")
        app.transcript.move_to(span("њих 🙂")[0])
        await pilot.press("shift+right", "shift+right", "shift+right")
        await pilot.pause()
        pictures.append(app.export_screenshot())

    drive(app, script, size=(110, 30))
    (picture,) = pictures
    if os.environ.get("QCODE_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(picture, "utf-8")
        MADE_WITH.write_text(_versions(), "utf-8")
    if MADE_WITH.read_text("utf-8") != _versions():
        pytest.skip(f"the snapshot was drawn with {MADE_WITH.read_text('utf-8').strip()}, this is "
                    f"{_versions().strip()}: regenerate it (QCODE_UPDATE_SNAPSHOTS=1) and look at it")
    got = tmp_path / "coding_screen.svg"
    got.write_text(picture, "utf-8")
    assert SNAPSHOT.is_file(), f"no snapshot yet: run with QCODE_UPDATE_SNAPSHOTS=1 (got {got})"
    assert picture == SNAPSHOT.read_text("utf-8"), f"the screen changed: compare {got} with {SNAPSHOT}"
