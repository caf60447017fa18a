"""Write docs/coding-screen.svg: the coding screen on a sample interview, as README shows it.

    python scripts/screenshot_coding_screen.py

Builds a throwaway project from the sample codebook and one sample interview, codes two passages
through the screen's own keys, and exports the screen (fixed size, so the picture only changes
when the screen does).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "coding-screen.svg"
INTERVIEW = REPO / "interviews" / "int_012_kragujevac_metal.vtt"


def build(folder: Path) -> Path:
    db = folder / "qcode.db"
    qcode = [sys.executable, "-m", "qcode", "--db", str(db)]
    book = REPO / "codebooks" / "sme_knowledge_sources.yaml"
    subprocess.run([*qcode, "init", "--codebook", str(book), "--coder", "ana"], check=True,
                   capture_output=True)
    subprocess.run([*qcode, "import", str(INTERVIEW)], check=True, capture_output=True)
    subprocess.run([*qcode, "tag", INTERVIEW.stem, "t6", "former_soe", "--coder", "bo"], check=True,
                   capture_output=True)
    return db


async def shoot(db: Path) -> str:
    from qcode.store.engine import session_scope, to_url
    from qcode.tui.launch import build_app, prepare_screen

    url = to_url(db)
    with session_scope(url, write=False) as session:
        setup = prepare_screen(session, INTERVIEW.stem, "ana")
    app = build_app(url, setup)
    async with app.run_test(size=(130, 40)) as pilot:
        await pilot.press("n", "j", "j", "space", "a", *"inherited", "enter", "escape")  # t4
        await pilot.press("j", "j", *["W"] * 8, "a", *"former", "enter")  # part of t6
        await pilot.press("o", "left", "left")  # bo's coding of t6 too; the cursor on the quote
        await pilot.pause()
        return app.export_screenshot(title="qcode code int_012")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        picture = asyncio.run(shoot(build(Path(folder))))
    OUT.write_text(picture, encoding="utf-8")
    print(OUT)


if __name__ == "__main__":
    main()
