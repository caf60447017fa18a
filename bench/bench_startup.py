"""Command start-up against the floor set by the libraries each command must load.

    python bench/bench_startup.py

`qcode --help` against `python -c "import typer"` (target ≤ 2×) and `qcode docs` on the sample
project against `python -c "import typer, sqlalchemy.orm"` (target ≤ 1.5×), same interpreter,
median of 15 runs each after a warm-up. Builds the sample project in a temporary folder first.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from _timing import PYTHON, REPO, qcode_argv, report, time_command


def build_sample(folder: Path) -> Path:
    db = folder / "qcode.db"
    subprocess.run(
        qcode_argv("--db", str(db), "init", "--codebook",
                   str(REPO / "codebooks" / "sme_knowledge_sources.yaml")),
        check=True, capture_output=True,
    )
    subprocess.run(
        qcode_argv("--db", str(db), "import", str(REPO / "interviews"), "--cases",
                   str(REPO / "interviews" / "cases.csv")),
        check=True, capture_output=True,
    )
    return db


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="qcode-bench-"))
    try:
        db = build_sample(folder)
        env = {"QCODE_DB": str(db)}
        floor_help = time_command([PYTHON, "-c", "import typer"])
        help_ = time_command(qcode_argv("--help"))
        floor_docs = time_command([PYTHON, "-c", "import typer, sqlalchemy.orm"])
        docs = time_command(qcode_argv("docs"), env=env)
        docs_json = time_command(qcode_argv("docs", "--format", "json"), env=env)
        report([
            ("qcode --help  vs  import typer", help_, floor_help, "≤ 2×"),
            ("qcode docs  vs  import typer, sqlalchemy.orm", docs, floor_docs, "≤ 1.5×"),
            ("qcode docs --format json  vs  same floor", docs_json, floor_docs, "≤ 1.5×"),
        ])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
