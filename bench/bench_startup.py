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

from _timing import PYTHON, REPO, paired, qcode_argv, report


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
        typer_floor = [PYTHON, "-c", "import typer"]
        orm_floor = [PYTHON, "-c", "import typer, sqlalchemy.orm"]
        help_, floor_help = paired(qcode_argv("--help"), typer_floor)
        docs, floor_docs = paired(qcode_argv("docs"), orm_floor, env=env)
        docs_json, floor_json = paired(qcode_argv("docs", "--format", "json"), orm_floor, env=env)
        report([
            ("qcode --help  vs  import typer", help_, floor_help, "≤ 2×"),
            ("qcode docs  vs  import typer, sqlalchemy.orm", docs, floor_docs, "≤ 1.5×"),
            ("qcode docs --format json  vs  same floor", docs_json, floor_json, "≤ 1.5×"),
        ])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
