"""`qcode search` over the whole sample corpus against the start-up floor.

    python bench/bench_search.py

Builds the 145-interview sample project in a temporary folder (as bench_startup.py does), then
times `qcode search QUERY` for a few kinds of query against `python -c "import typer,
sqlalchemy.orm"` in the same run: median of 15 runs each after a warm-up, the two run alternately
so that both see the same load. Target: each search
at most 100 ms beyond that floor. `the` (a third of all sentences) is the worst case, shown for
scale; `qcode docs` is the reference for what any command costs before it does its work. The
core alone is also timed in-process, with the FTS5 index and with the portable scan that
PostgreSQL uses.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from _timing import PYTHON, paired, qcode_argv, time_call
from bench_startup import build_sample

QUERIES = ["cousin", "cacak", '"my cousin"', "export*", "family firm", "the"]


def _core_times(db: Path) -> list[tuple[str, float, float]]:
    """(query, seconds with the index, seconds scanning) for the core function alone."""
    from qcode.corpus.search import search
    from qcode.store import fts_sqlite as fulltext
    from qcode.store.engine import session_scope, to_url
    from qcode.store.schema import ensure_current

    url = to_url(db)
    ensure_current(url)

    def run(query: str) -> None:
        with session_scope(url, write=False) as session:
            search(session, query)

    rows = []
    for query in QUERIES:
        indexed = time_call(lambda q=query: run(q), runs=5)  # type: ignore[misc]
        fulltext._FTS5["enabled"] = False
        try:
            scanned = time_call(lambda q=query: run(q), runs=5)  # type: ignore[misc]
        finally:
            fulltext._FTS5["enabled"] = True
        rows.append((query, indexed, scanned))
    return rows


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="qcode-bench-"))
    try:
        db = build_sample(folder)
        env = {"QCODE_DB": str(db)}
        floor_argv = [PYTHON, "-c", "import typer, sqlalchemy.orm"]
        print(f"{'command':<36} {'seconds':>8} {'floor':>7} {'ratio':>6} {'beyond':>8}  target")
        commands = [("qcode search " + q, ["search", q], "≤ 100 ms beyond") for q in QUERIES]
        commands.append(("qcode docs (reference)", ["docs"], "—"))
        for name, args, target in commands:
            seconds, floor = paired(qcode_argv(*args), floor_argv, env=env)
            beyond = (seconds - floor) * 1000
            print(f"{name:<36} {seconds:>8.3f} {floor:>7.3f} {seconds / floor:>6.2f} "
                  f"{beyond:>6.0f}ms  {target}")
        print(f"\n{'core search() in-process':<36} {'fts5':>8} {'scan':>7}")
        for query, indexed, scanned in _core_times(db):
            print(f"{query:<36} {indexed * 1000:>6.1f}ms {scanned * 1000:>5.0f}ms")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
