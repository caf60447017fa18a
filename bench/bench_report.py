"""`qcode report` on the 145-interview sample project: time and size of the HTML file.

    python bench/bench_report.py [--runs 5]

Two projects, both built from the sample (`bench_startup.build_sample`):

- README: the PI's workflow of README's first command — a blind round `pilot` of ana and ben on
  40 documents, their double coding from `interviews/double_coded/` — so the report has an
  agreement table and 40 transcripts;
- every document coded: `bench_export.sample_codings` (two coders' codings of the generator's
  passages on all 145 interviews), the largest transcript viewer the sample gives.

Each report is timed against `qcode export frequencies --code knowledge_sources --by sector
--count cases` on the same project (the table behind the report's first chart), command and
baseline alternating, median of `--runs` (wall time). Targets: ≤ 10 s and < 10 MB.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from _timing import REPO, paired, qcode_argv
from bench_export import sample_codings
from bench_startup import build_sample

BASELINE = ["export", "frequencies", "--code", "knowledge_sources", "--by", "sector", "--count", "cases"]


def readme_project(folder: Path) -> Path:
    """The sample with README's round and double coding."""
    db = build_sample(folder)
    double = REPO / "interviews" / "double_coded"
    for args in (["coders", "add", "pia", "--role", "pi"], ["coders", "--set-default", "pia"],
                 ["round", "create", "pilot", "--coders", "ana,ben", "--docs-from", str(double),
                  "--blind"],
                 ["import-codings", str(double / "ana.csv")], ["import-codings", str(double / "ben.csv")]):
        subprocess.run(qcode_argv("--db", str(db), *args), check=True, capture_output=True)
    return db


def measure(name: str, db: Path, folder: Path, runs: int) -> tuple[str, float, float, int]:
    out = folder / "report.html"
    report, baseline = paired(qcode_argv("--db", str(db), "report", "-o", str(out)),
                              qcode_argv("--db", str(db), *BASELINE, "-o", str(folder / "f.csv")),
                              runs=runs)
    return name, report, baseline, out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows = []
    for name in ("README project (40 double-coded)", "every document coded (145)"):
        folder = Path(tempfile.mkdtemp(prefix="qcode-bench-report-"))
        try:
            if name.startswith("README"):
                db = readme_project(folder)
            else:
                db = build_sample(folder)
                sample_codings(db, folder)
            rows.append(measure(name, db, folder, args.runs))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{'qcode report':<36} {'seconds':>8} {'baseline':>9} {'ratio':>6} {'MB':>6}  target")
    ok = True
    for name, seconds, baseline, size in rows:
        mb = size / 2**20
        ok &= seconds <= 10 and mb < 10
        print(f"{name:<36} {seconds:>8.2f} {baseline:>9.2f} {seconds / baseline:>6.2f} {mb:>6.2f}  "
              "≤ 10 s, < 10 MB")
    print("baseline: qcode " + " ".join(BASELINE) + " on the same project")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
