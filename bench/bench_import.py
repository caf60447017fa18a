"""Import the 145 sample interviews into a new project: this code against the code as it was.

    python bench/bench_import.py [--before REF] [--runs N]

The baseline is the same command run by an earlier version of qcode, measured side by side in
this run: `git archive REF qcode` is unpacked into a temporary folder and put first on
PYTHONPATH for the baseline's runs (nothing in the work tree changes). The two alternate, so
both see the same machine load. REF defaults to the version before the readers learned the
layouts of real transcripts. Target: ratio ≤ 1.10; and ≤ 3 s absolute.

Against parsing alone, in the same run: `qcode import --dry-run` of the same files, a process
that reads and parses every file as the import does and stores nothing (target: the import
≤ 2× it), and the readers called in this process with nothing to start or import (for scale).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _timing import BYTECODE_ENV, PYTHON, REPO, report

INTERVIEWS = REPO / "interviews"
BEFORE = "5995a88"  # the last version before the readers learned real transcripts' layouts


def unpack(ref: str, folder: Path) -> Path:
    """The `qcode` package as it was at `ref`, unpacked under `folder`."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "qcode"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def import_once(code: Path, scratch: Path) -> float:
    """Wall time of `qcode import interviews/ --cases ...` into a new project, run from `code`."""
    db = scratch / "qcode.db"
    db.unlink(missing_ok=True)
    env = {**os.environ, **BYTECODE_ENV, "PYTHONPATH": str(code)}
    argv = [PYTHON, "-m", "qcode", "--db", str(db)]
    subprocess.run([*argv, "init"], check=True, capture_output=True, env=env)
    start = time.perf_counter()
    subprocess.run([*argv, "import", str(INTERVIEWS), "--cases", str(INTERVIEWS / "cases.csv")],
                   check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def dry_run_once(code: Path) -> float:
    """Wall time of `qcode import --dry-run` of the same files: parsing alone, as a process."""
    env = {**os.environ, **BYTECODE_ENV, "PYTHONPATH": str(code)}
    start = time.perf_counter()
    subprocess.run([PYTHON, "-m", "qcode", "import", "--dry-run", str(INTERVIEWS), "-f", "csv"],
                   check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def parse_only() -> float:
    from qcode.corpus.importing import ImportOptions, collect_paths, read_file

    start = time.perf_counter()
    for path in collect_paths([INTERVIEWS]).files:
        read_file(path, ImportOptions())
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default=BEFORE, help="git revision to compare against")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qcode-bench-"))
    try:
        (folder / "before").mkdir()
        old = unpack(args.before, folder / "before")
        scratch = folder / "scratch"
        scratch.mkdir()
        samples: dict[str, list[float]] = {"now": [], "before": [], "dry": []}
        import_once(REPO, scratch)  # warm the file cache and compile both versions
        import_once(old, scratch)
        dry_run_once(REPO)
        for _ in range(args.runs):
            samples["before"].append(import_once(old, scratch))
            samples["now"].append(import_once(REPO, scratch))
            samples["dry"].append(dry_run_once(REPO))
        now, before = statistics.median(samples["now"]), statistics.median(samples["before"])
        dry = statistics.median(samples["dry"])
        parse_only()
        parse = min(parse_only() for _ in range(2))
        report([
            (f"import 145 interviews, now vs {args.before}", now, before, "ratio ≤ 1.10"),
            ("import vs `import --dry-run` (parsing alone, a process)", now, dry, "ratio ≤ 2"),
            ("import vs the readers alone, in this process", now, parse, "≤ 3 s absolute"),
        ])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
