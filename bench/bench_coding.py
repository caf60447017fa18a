"""Coding commands on the 145-interview sample project against the interpreter's floor.

    python bench/bench_coding.py

Floor, in the same run: `python -c "import typer, sqlalchemy.orm"` (median of 15). Measured:
`qcode tag` (15 different turns, so every run writes a coding; target ≤ 1.5× the floor) and
`qcode codings --format json` after 300 codings spread over the corpus.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _timing import BYTECODE_ENV, PYTHON, paired, qcode_argv, report, time_command
from bench_startup import build_sample


def time_tags(env: dict[str, str], document: str, runs: int = 15) -> float:
    full = {**os.environ, **BYTECODE_ENV, **env}
    samples = []
    for turn in range(2, runs + 3):
        argv = qcode_argv("tag", document, f"t{turn}", "diaspora", "--coder", "bench")
        start = time.perf_counter()
        subprocess.run(argv, env=full, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples[1:])  # the first run warms the caches


def seed_codings(db: Path, count: int = 300) -> None:
    """Spread codings over the corpus in-process (fast) so listings have work to do."""
    from qcode.coding.coders import get_or_create_coder
    from qcode.coding.codes import resolve_code
    from qcode.coding.tagging import tag
    from qcode.coding.targets import Span
    from qcode.store.engine import session_scope, to_url
    from qcode.store.events import new_batch
    from qcode.store.models import Document, Unit

    with session_scope(to_url(db), write=True) as session:
        coder = get_or_create_coder(session, "seed")
        code = resolve_code(session, "colocation")
        units = session.query(Unit).filter(Unit.kind == "sentence").order_by(Unit.id).all()
        step = max(1, len(units) // count)
        for unit in units[::step][:count]:
            doc = session.get(Document, unit.document_id)
            assert doc is not None
            tag(session, doc, Span(unit.start, unit.end), [code], coder, batch=new_batch())


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="qcode-bench-"))
    try:
        db = build_sample(folder)
        env = {"QCODE_DB": str(db)}
        seed_codings(db)
        floor_argv = [PYTHON, "-c", "import typer, sqlalchemy.orm"]
        floor = time_command(floor_argv, runs=21)
        tag = time_tags(env, "int_010")
        floor_after = time_command(floor_argv, runs=21)
        codings, codings_floor = paired(qcode_argv("codings", "--format", "json"), floor_argv,
                                        env=env)
        report([
            ("qcode tag (new coding each run)", tag, (floor + floor_after) / 2, "≤ 1.5×"),
            ("qcode codings --format json (300+ codings)", codings, codings_floor, "-"),
        ])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
