"""Timing helpers shared by the benchmarks: wall time of commands and of Python callables."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# Time what an installed qcode costs: with bytecode cached, as `pip install` leaves it, even where
# the environment sets PYTHONDONTWRITEBYTECODE. Floors and commands run under the same settings.
_PYCACHE = tempfile.mkdtemp(prefix="qcode-bench-pycache-")
BYTECODE_ENV = {"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": _PYCACHE}


def qcode_argv(*args: str) -> list[str]:
    """`qcode` from the same interpreter (the console script beside it when installed)."""
    script = Path(PYTHON).with_name("qcode")
    if script.exists():
        return [str(script), *args]
    return [PYTHON, "-m", "qcode", *args]


def paired(argv: Sequence[str], floor: Sequence[str], *, env: dict[str, str] | None = None,
           runs: int = 21, cwd: Path | None = None) -> tuple[float, float]:
    """Medians of a command and of its floor, run alternately so both see the same load; the
    first pair only warms the file cache and the compiled modules."""
    full_env = {**os.environ, **BYTECODE_ENV, **(env or {})}
    samples: dict[int, list[float]] = {0: [], 1: []}
    for index in range(2 * runs + 2):
        which = index % 2
        start = time.perf_counter()
        subprocess.run(argv if which == 0 else floor, cwd=cwd, env=full_env, check=True,
                       capture_output=True)
        if index >= 2:
            samples[which].append(time.perf_counter() - start)
    return statistics.median(samples[0]), statistics.median(samples[1])


def time_command(argv: Sequence[str], *, runs: int = 15, cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> float:
    """Median wall time of a command, after one warm-up run (file cache, compiled modules)."""
    full_env = {**os.environ, **BYTECODE_ENV, **(env or {})}
    subprocess.run(argv, cwd=cwd, env=full_env, check=True, capture_output=True)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=full_env, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def time_call(fn: Callable[[], object], *, runs: int = 3) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(rows: list[tuple[str, float, float, str]]) -> None:
    """rows: (name, seconds, baseline seconds, target)."""
    print(f"{'benchmark':<44} {'seconds':>9} {'baseline':>9} {'ratio':>7}  target")
    for name, seconds, baseline, target in rows:
        ratio = seconds / baseline if baseline else float("nan")
        print(f"{name:<44} {seconds:>9.3f} {baseline:>9.3f} {ratio:>7.2f}  {target}")
