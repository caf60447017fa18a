"""REFI-QDA: `.qdpx` export and re-import of the 145-interview sample, each against a floor.

    python bench/bench_refi.py

The sample project is built first: the interviews with their cases, and every passage the
generator recorded (`interviews/passages.csv`) coded by two coders (about 3,800 codings, a
memo on each denied one). Then, alternately, so each pair sees the same load:

* `qcode export qdpx` against `qcode codings --format json` (a listing of the same codings);
* `qcode import FILE.qdpx` into a new project against `qcode import interviews/ --cases ...`
  into a new project (the same documents, imported from their files).

Targets: each ≤ 5 s absolute (median of 3); the ratios show what REFI-QDA adds to the floor.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _timing import BYTECODE_ENV, REPO, qcode_argv, report

INTERVIEWS = REPO / "interviews"


CPU: dict[str, list[float]] = {}


def _run(*args: str, env: dict[str, str] | None = None, label: str | None = None) -> float:
    """Wall seconds of one command; with `label`, its CPU seconds (user + system) are kept too,
    which a busy machine disturbs less than the wall time."""
    import os
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(qcode_argv(*args), check=True, capture_output=True,
                   env={**os.environ, **BYTECODE_ENV, **(env or {})})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if label:
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        CPU.setdefault(label, []).append(cpu)
    return wall


def build(folder: Path) -> Path:
    db = folder / "sample.db"
    _run("--db", str(db), "init", "--codebook", str(REPO / "codebooks" / "sme_knowledge_sources.yaml"),
         "--coder", "ana")
    _run("--db", str(db), "import", str(INTERVIEWS), "--cases", str(INTERVIEWS / "cases.csv"))
    with sqlite3.connect(db) as conn:
        texts = dict(conn.execute("select name, text from documents").fetchall())
    rows = []
    with (INTERVIEWS / "passages.csv").open(encoding="utf-8") as handle:
        for passage in csv.DictReader(handle):
            at = texts.get(passage["document"], "").find(passage["quote"])
            if at < 0:
                continue
            for coder in ("ana", "ben"):
                memo = "denied" if passage["polarity"] == "denied" and coder == "ana" else ""
                end = at + len(passage["quote"])
                rows.append([passage["document"], coder, passage["code"], at, end, memo])
    codings = folder / "codings.csv"
    with codings.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["document", "coder", "code", "start", "end", "memo"])
        writer.writerows(rows)
    _run("--db", str(db), "import-codings", str(codings), env={"QCODE_CODER": "ana"})
    return db


def _fresh(folder: Path, name: str) -> Path:
    target = folder / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    _run("--db", str(target / "qcode.db"), "init")
    return target / "qcode.db"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="qcode-bench-refi-"))
    try:
        db = build(folder)
        out = folder / "sample.qdpx"
        export, listing, reimport, plain = [], [], [], []
        _run("--db", str(db), "export", "qdpx", str(out))  # warm-up: file cache, compiled modules
        for _ in range(3):
            export.append(_run("--db", str(db), "export", "qdpx", str(out), label="export qdpx"))
            listing.append(_run("--db", str(db), "codings", "--format", "json", label="codings json"))
            target = _fresh(folder, "again")
            reimport.append(_run("--db", str(target), "import", str(out), env={"QCODE_CODER": "ana"},
                                 label="import FILE.qdpx"))
            target = _fresh(folder, "plain")
            plain.append(_run("--db", str(target), "import", str(INTERVIEWS), "--cases",
                              str(INTERVIEWS / "cases.csv"), label="import interviews/"))
        with sqlite3.connect(db) as conn:
            codings = conn.execute("select count(*) from codings").fetchone()[0]
        print(f"sample: 145 documents, {codings} codings; {out.stat().st_size:,} bytes of .qdpx")
        report([
            ("qcode export qdpx (vs codings --format json)", statistics.median(export),
             statistics.median(listing), "≤ 5 s absolute"),
            ("qcode import FILE.qdpx (vs import interviews/)", statistics.median(reimport),
             statistics.median(plain), "≤ 5 s absolute"),
        ])
        print("CPU seconds (median): " + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in CPU.items()))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
