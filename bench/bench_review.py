"""Benchmark `qcode agreement` and `qcode disagreements` on the double-coded sample.

Run from the repository root:

    .venv/bin/python bench/bench_review.py

Builds the sample project in a temporary folder with both coders' codings
(`interviews/double_coded/`), then times each command against the start-up floor
`python -c "import typer, sqlalchemy.orm, numpy"` in the same run, alternately (see
`_timing.paired`). Targets, beyond that floor: agreement for all codes on every unit but the
continuum ≤ 2 s each; with a 1,000-replicate bootstrap ≤ 10 s; the continuum family ≤ 5 s;
disagreements ≤ 1 s.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import PYTHON, REPO, paired, qcode_argv

FLOOR = [PYTHON, "-c", "import typer, sqlalchemy.orm, numpy"]
UNITS = ("document", "turn", "paragraph", "sentence", "line", "character", "segment")


def build(folder: Path) -> Path:
    db = folder / "sample.db"
    run = [qcode_argv("--db", str(db), "init", "--codebook",
                      str(REPO / "codebooks" / "sme_knowledge_sources.yaml")),
           qcode_argv("--db", str(db), "import", str(REPO / "interviews"), "--cases",
                      str(REPO / "interviews" / "cases.csv"))]  # fmt: skip
    run += [qcode_argv("--db", str(db), "import-codings", str(REPO / "interviews" /
                       "double_coded" / f"{c}.csv"), "--coder", c) for c in ("ana", "ben")]  # fmt: skip
    for argv in run:
        subprocess.run(argv, check=True, capture_output=True)
    return db


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp))
        base = ["--db", str(db)]
        cases: list[tuple[str, list[str], float]] = [
            (f"agreement --unit {u}", ["agreement", "--coders", "ana,ben", "--unit", u], 2.0)
            for u in UNITS
        ]
        cases += [(f"agreement --unit {u} --bootstrap 1000",
                   ["agreement", "--coders", "ana,ben", "--unit", u, "--bootstrap", "1000"], 10.0)
                  for u in ("turn", "sentence", "segment")]  # fmt: skip
        cases += [("agreement --unit continuum", ["agreement", "--coders", "ana,ben", "--unit",
                                                  "continuum"], 5.0),
                  ("agreement --unit continuum --domain", ["agreement", "--coders", "ana,ben",
                   "--unit", "continuum", "--domain", "knowledge_sources"], 5.0),
                  ("disagreements --unit turn", ["disagreements", "--coders", "ana,ben",
                                                 "--unit", "turn"], 1.0)]  # fmt: skip
        print(f"{'command':<44} {'seconds':>8} {'floor':>7} {'beyond':>7}  target")
        for name, args, target in cases:
            seconds, floor = paired(qcode_argv(*base, *args, "-f", "csv"), FLOOR, runs=3)
            beyond = seconds - floor
            mark = "ok" if beyond <= target else "SLOW"
            print(f"{name:<44} {seconds:>8.3f} {floor:>7.3f} {beyond:>7.3f}  ≤ {target:g} s {mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
