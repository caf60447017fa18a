"""Benchmark `qcode agreement` and `qcode disagreements` on the double-coded sample.

Run from the repository root (about five minutes on two cores; `--runs N` for more samples):

    .venv/bin/python bench/bench_review.py

Builds the sample project in a temporary folder as README's first command does: the PI pia,
the blind round `pilot` of ana and ben on the 40 documents of `interviews/double_coded/`, and
both coders' codings. Then times each command on that round against the start-up floor
`python -c "import typer, sqlalchemy.orm, numpy"` in the same run, alternately (see
`_timing.paired`), and prints the seconds beyond the floor (and the CPU seconds beyond it,
`cpu+`, which others' load on the machine hardly changes) beside each target of the PI's
workflow: agreement for all codes on every unit but the continuum ≤ 2 s each; with a
1,000-replicate bootstrap ≤ 10 s; the continuum family ≤ 5 s; disagreements ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import BYTECODE_ENV, PYTHON, REPO, qcode_argv

FLOOR = [PYTHON, "-c", "import typer, sqlalchemy.orm, numpy"]
UNITS = ("document", "turn", "paragraph", "sentence", "line", "character", "segment")


def build(folder: Path) -> Path:
    db = folder / "sample.db"
    data = REPO / "interviews" / "double_coded"
    steps = [["init", "--codebook", str(REPO / "codebooks" / "sme_knowledge_sources.yaml")],
             ["import", str(REPO / "interviews"), "--cases", str(REPO / "interviews" / "cases.csv")],
             ["coders", "add", "pia", "--role", "pi"], ["coders", "--set-default", "pia"],
             ["round", "create", "pilot", "--coders", "ana,ben", "--docs-from", str(data),
              "--blind"]]  # fmt: skip
    steps += [["import-codings", str(data / f"{c}.csv")] for c in ("ana", "ben")]
    for argv in steps:
        subprocess.run(qcode_argv("--db", str(db), *argv), check=True, capture_output=True)
    return db


def cases() -> list[tuple[str, list[str], float]]:
    pair = ["--coders", "ana,ben", "--round", "pilot"]
    out = [(f"agreement --unit {u}", ["agreement", *pair, "--unit", u], 2.0) for u in UNITS]
    out += [(f"agreement --unit {u} --bootstrap 1000",
             ["agreement", *pair, "--unit", u, "--bootstrap", "1000"], 10.0)
            for u in ("turn", "sentence", "segment")]  # fmt: skip
    out += [("agreement --unit continuum", ["agreement", *pair, "--unit", "continuum"], 5.0),
            ("agreement --unit continuum --domain",
             ["agreement", *pair, "--unit", "continuum", "--domain", "knowledge_sources"], 5.0),
            ("disagreements --unit turn", ["disagreements", *pair, "--unit", "turn"], 1.0),
            ("disagreements --unit sentence", ["disagreements", *pair, "--unit", "sentence"],
             1.0)]  # fmt: skip
    return out


def timed(argv: list[str], floor: list[str], runs: int) -> tuple[float, float, float, float]:
    """Medians of wall and CPU seconds (user + system) of a command and of its floor, run
    alternately after a warm-up pair (as `_timing.paired`). CPU time hardly moves when others
    load the machine; wall time is what the targets are about."""
    env = {**os.environ, **BYTECODE_ENV}
    wall: dict[int, list[float]] = {0: [], 1: []}
    cpu: dict[int, list[float]] = {0: [], 1: []}
    for index in range(2 * runs + 2):
        which = index % 2
        before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
        subprocess.run(argv if which == 0 else floor, env=env, check=True, capture_output=True)
        seconds, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
        if index >= 2:
            wall[which].append(seconds)
            cpu[which].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    med = statistics.median
    return med(wall[0]), med(wall[1]), med(cpu[0]), med(cpu[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp))
        print(f"{'command':<44} {'seconds':>8} {'floor':>7} {'beyond':>7} {'cpu+':>6}  target")
        slow = 0
        for name, command, target in cases():
            seconds, floor, cpu, cpu_floor = timed(
                qcode_argv("--db", str(db), *command, "-f", "csv"), FLOOR, args.runs)
            beyond = seconds - floor
            slow += beyond > target
            mark = "ok" if beyond <= target else "SLOW"
            print(f"{name:<44} {seconds:>8.3f} {floor:>7.3f} {beyond:>7.3f} "
                  f"{cpu - cpu_floor:>6.3f}  ≤ {target:g} s {mark}", flush=True)
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
