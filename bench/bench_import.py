"""Import the 145 sample interviews into a new project, against reading them alone.

    python bench/bench_import.py

Baseline, in the same run: parsing every file with the readers (no database). The ratio is the
cost of storing documents, units and cases on top of parsing them. Absolute target: ≤ 3 s.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _timing import REPO, qcode_argv, report

INTERVIEWS = REPO / "interviews"


def parse_only() -> float:
    from qcode.corpus.importing import ImportOptions, collect_paths, read_file

    start = time.perf_counter()
    collected = collect_paths([INTERVIEWS])
    for path in collected.files:
        read_file(path, ImportOptions())
    return time.perf_counter() - start


def import_all(folder: Path) -> float:
    db = folder / "qcode.db"
    subprocess.run(qcode_argv("--db", str(db), "init"), check=True, capture_output=True)
    start = time.perf_counter()
    subprocess.run(
        qcode_argv("--db", str(db), "import", str(INTERVIEWS), "--cases",
                   str(INTERVIEWS / "cases.csv")),
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parse_only()  # warm the file cache and imports
    baseline = min(parse_only() for _ in range(2))
    runs = []
    for _ in range(3):
        folder = Path(tempfile.mkdtemp(prefix="qcode-bench-"))
        try:
            runs.append(import_all(folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    seconds = sorted(runs)[1]
    report([("qcode import interviews/ (145 files, median of 3)", seconds, baseline,
             "≤ 3 s absolute")])


if __name__ == "__main__":
    main()
