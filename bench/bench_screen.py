"""The coding screen on a 6,000-word transcript, measured with Textual's pilot.

    python bench/bench_screen.py

Builds a project with the sample codebook and one transcript of about 6,000 words (sample
interviews joined at turn boundaries). Measured, each as the median of several runs:

- open: a fresh process reads the document, codebook and codings, imports Textual, starts the
  app headless (120×40) and paints the first screen. Floor: a fresh process that starts a
  one-widget Textual app the same way. Target: ≤ 1 s.
- apply: with the screen open, the key press that codes the selection (F1) until the coding is
  stored and the screen repainted. The pilot's own press-and-wait of a key bound to nothing is
  the floor. Target: ≤ 100 ms.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _timing import BYTECODE_ENV, PYTHON, REPO, qcode_argv, report

WORDS = 6_000
SIZE = (120, 40)

OPEN = """
import asyncio, sys, time
start = time.perf_counter()
from qcode.store.engine import session_scope
url, which, width, height = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
async def main():
    if which == "floor":
        from textual.app import App
        from textual.widgets import Static
        class Floor(App):
            def compose(self):
                yield Static("floor")
        app = Floor()
    else:
        from qcode.tui.launch import build_app, prepare_screen
        with session_scope(url, write=False) as session:
            setup = prepare_screen(session, "long_interview", "bench")
        app = build_app(url, setup)
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.pause()
        print(time.perf_counter() - start)
asyncio.run(main())
"""


def long_transcript(folder: Path) -> Path:
    """Sample interviews' turns, joined until the text has WORDS words."""
    turns: list[str] = []
    words = 0
    for path in sorted((REPO / "interviews").glob("int_*.txt")):
        for block in path.read_text("utf-8").split("\n\n"):
            if ":" in block.split("\n", 1)[0] and words < WORDS:
                turns.append(block.strip())
                words += len(block.split())
        if words >= WORDS:
            break
    out = folder / "long_interview.txt"
    out.write_text("\n\n".join(turns) + "\n", "utf-8")
    return out


def build(folder: Path) -> Path:
    db = folder / "qcode.db"
    book = REPO / "codebooks" / "sme_knowledge_sources.yaml"
    run = {"check": True, "capture_output": True}
    subprocess.run(qcode_argv("--db", str(db), "init", "--codebook", str(book), "--coder", "bench"),
                   **run)  # type: ignore[call-overload]
    subprocess.run(qcode_argv("--db", str(db), "import", str(long_transcript(folder))),
                   **run)  # type: ignore[call-overload]
    return db


def time_open(url: str, which: str, runs: int = 7) -> float:
    env = {**os.environ, **BYTECODE_ENV}
    samples = []
    for index in range(runs + 1):
        out = subprocess.run([PYTHON, "-c", OPEN, url, which, *map(str, SIZE)], env=env, check=True,
                             capture_output=True, text=True).stdout
        if index:  # the first run only compiles and warms the file cache
            samples.append(float(out.strip().splitlines()[-1]))
    return statistics.median(samples)


async def time_apply(url: str, runs: int = 15) -> tuple[float, float, float]:
    """(press F1 until stored and painted, the same measured from the event to the store,
    the pilot's press of a key bound to nothing)."""
    from textual import events

    from qcode.store.engine import session_scope
    from qcode.tui.launch import build_app, prepare_screen

    with session_scope(url, write=False) as session:
        setup = prepare_screen(session, "long_interview", "bench")
    app = build_app(url, setup)
    pressed, stored, floor = [], [], []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for turn in range(runs):
            await pilot.press("n")  # the next uncoded answer, selected
            count = len(app.store.codings)
            start = time.perf_counter()
            await pilot.press("f1")
            pressed.append(time.perf_counter() - start)
            assert len(app.store.codings) == count + 1, app.note
            await pilot.press("n")
            count = len(app.store.codings)
            start = time.perf_counter()
            app._driver.send_message(events.Key("f1", None))
            while len(app.store.codings) == count:
                await asyncio.sleep(0.0005)
            await pilot._wait_for_screen()
            stored.append(time.perf_counter() - start)
            start = time.perf_counter()
            await pilot.press("l" if turn % 2 else "h")  # no binding: the pilot's own cost
            floor.append(time.perf_counter() - start)
    return statistics.median(pressed), statistics.median(stored), statistics.median(floor)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="qcode-bench-screen-"))
    try:
        db = build(folder)
        url = f"sqlite:///{db}"
        words = len((folder / "long_interview.txt").read_text("utf-8").split())
        opened, floor = time_open(url, "screen"), time_open(url, "floor")
        pressed, stored, press_floor = asyncio.run(time_apply(url))
        print(f"transcript: {words:,} words")
        report([
            ("open the screen (fresh process)", opened, floor, "≤ 1 s"),
            ("apply a code: pilot press F1", pressed, press_floor, "≤ 100 ms"),
            ("apply a code: key event → stored + painted", stored, press_floor, "≤ 100 ms"),
        ])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
