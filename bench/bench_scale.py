"""Bulk paths on a generated project: listing, import, undo, a code's codings and search.

    python bench/bench_scale.py --scale 0.01     # 100 documents, 10,000 codings
    python bench/bench_scale.py --scale 0.1      # 1,000 documents, 100,000 codings
    python bench/bench_scale.py                  # 10,000 documents, 1,000,000 codings

The project comes from `bench_export.py`'s seeded generator (documents, turns, lines, cases and
four coders' codings; cached in bench/results/). Each command runs under `/usr/bin/time -v`:
wall time and peak resident memory of the process. `codings --format csv` writes the CSV that
`import-codings` then loads into a copy of the project with no codings, which `undo` empties
again; the copy's file size is reported before the import and after the undo.

Targets at full size (SQLite): csv ≤ 10 s and ≤ 200 MB; import and undo ≤ 60 s and ≤ 500 MB
each; `codings --code X` ≤ 2 s; search ≤ 100 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

from _timing import BYTECODE_ENV, REPO, qcode_argv
from bench_export import _WORD, CODERS, RESULTS, SECTORS, _codings, _document, _field


def generate(path: Path, documents: int, codings: int, seed: int = 2026) -> None:
    """`bench_export.generate`'s project (same seed, texts, units and codings), written for the
    schema where every row has a uuid and a coding's memo is an entry of its thread."""
    tmp = path.with_suffix(".part")
    tmp.unlink(missing_ok=True)
    subprocess.run(qcode_argv("--db", str(tmp), "init", "--codebook",
                              str(REPO / "codebooks" / "sme_knowledge_sources.yaml")),
                   check=True, capture_output=True)
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA synchronous = OFF")
    leaves = [row[0] for row in con.execute(
        "SELECT id FROM codes WHERE id NOT IN (SELECT parent_id FROM codes WHERE parent_id IS NOT NULL)")]
    now = datetime(2026, 1, 1)
    coder_ids = [con.execute(
        "INSERT INTO coders (name, key, role, retired, uuid, created_at) VALUES (?, ?, 'coder', 0, ?, ?)",
        (name, name, str(uuid.uuid4()), now)).lastrowid for name in CODERS]
    rng = random.Random(seed)
    for first in range(0, documents, 200):
        docs, units, rows = [], [], []
        for i in range(first, min(first + 200, documents)):
            case_id = con.execute("INSERT INTO cases (name, uuid, created_at) VALUES (?, ?, ?)",
                                  (f"F{i + 1:05d}", str(uuid.uuid4()), now)).lastrowid
            con.execute("INSERT INTO case_attributes (case_id, name, value) VALUES (?, ?, ?)",
                        (case_id, "sector", rng.choice(SECTORS)))
            text, doc_units, answers = _document(rng, rng.randint(30, 50))
            doc_id = i + 1
            docs.append((doc_id, str(uuid.uuid4()), f"int_{i + 1:05d}.txt", text,
                         hashlib.sha256(text.encode()).hexdigest(), "txt", "utf-8", len(text),
                         len(_WORD.findall(text)), "{}", case_id, 1, now, now))
            units.extend((doc_id, *u) for u in doc_units)
            rows.extend(_codings(rng, doc_id, text, answers, codings // documents, leaves,
                                 [c for c in coder_ids if c is not None], now))
        con.executemany("INSERT INTO documents (id, uuid, name, text, sha256, source_format, "
                        "encoding, chars, words, metadata_json, case_id, revision, imported_at, "
                        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", docs)
        con.executemany('INSERT INTO units (document_id, kind, number, start, "end", speaker) '
                        "VALUES (?, ?, ?, ?, ?, ?)", units)
        for row in rows:
            coding_id = con.execute(
                'INSERT INTO codings (uuid, document_id, code_id, coder_id, layer, start, "end", '
                "quote, prefix, suffix, anchor, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, 'coding', ?, ?, ?, ?, ?, 'ok', ?, ?)",
                (str(uuid.uuid4()), *row[:8], *row[9:])).lastrowid
            if row[8]:
                con.execute("INSERT INTO memos (uuid, target_type, target_id, coder_id, text, "
                            "created_at, updated_at) VALUES (?, 'coding', ?, ?, ?, ?, ?)",
                            (str(uuid.uuid4()), coding_id, row[2], row[8], now, now))
        con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.close()
    tmp.rename(path)


def run(db: Path, args: list[str], out: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one `qcode` command, stdout to `out` or /dev/null."""
    argv = ["/usr/bin/time", "-v", *qcode_argv("--db", str(db), *args)]
    with open(out or os.devnull, "wb") as sink:
        done = subprocess.run(argv, stdout=sink, stderr=subprocess.PIPE,
                              env={**os.environ, **BYTECODE_ENV, "QCODE_CODER": "pi"})
    report = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise SystemExit(f"qcode {' '.join(args)} failed:\n{report[-2000:]}")
    clock = _field(report, "Elapsed (wall clock) time (h:mm:ss or m:ss)")
    wall = sum(float(part) * 60 ** i for i, part in enumerate(reversed(clock.split(":"))))
    return wall, int(_field(report, "Maximum resident set size (kbytes)")) / 1024


def empty_copy(db: Path, copy: Path) -> None:
    shutil.copyfile(db, copy)
    con = sqlite3.connect(copy)
    con.execute("DELETE FROM codings")
    con.execute("DELETE FROM memos")
    con.execute("DELETE FROM events")
    con.commit()
    con.execute("VACUUM")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    documents, codings = int(10_000 * args.scale), int(1_000_000 * args.scale)
    RESULTS.mkdir(parents=True, exist_ok=True)
    db = RESULTS / f"scale_{documents}_{codings}.db"
    if not db.exists():
        started = time.perf_counter()
        generate(db, documents, codings)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    csv_path = RESULTS / f"scale_{documents}_{codings}.csv"
    work = RESULTS / f"scale_{documents}_{codings}.work.db"
    print(f"generated: {documents:,} documents, {codings:,} codings ({db.stat().st_size / 2**20:,.0f} MB)")
    print(f"{'command':<48} {'seconds':>8} {'peak MB':>8}")

    def show(name: str, result: tuple[float, float]) -> None:
        print(f"{name:<48} {result[0]:>8.2f} {result[1]:>8.0f}", flush=True)

    show("codings --format csv > /dev/null", run(db, ["codings", "--format", "csv"]))
    run(db, ["codings", "--format", "csv"], out=csv_path)
    show("codings --format json > /dev/null", run(db, ["codings", "--format", "json"]))
    show("codings --code diaspora --format csv", run(db, ["codings", "--code", "diaspora",
                                                          "--format", "csv"]))
    show("retrieve --code diaspora --format csv", run(db, ["retrieve", "diaspora",
                                                           "--format", "csv"]))
    show("search export --limit 50", run(db, ["search", "export", "--limit", "50"]))
    empty_copy(db, work)
    before = work.stat().st_size
    show(f"import-codings ({codings:,} rows)", run(work, ["import-codings", str(csv_path)]))
    imported = work.stat().st_size
    show("undo (the import)", run(work, ["undo"]))
    after = work.stat().st_size
    print(f"database: {before / 2**20:,.1f} MB before import, {imported / 2**20:,.1f} MB after, "
          f"{after / 2**20:,.1f} MB after undo ({after / before:.2f}×; no `db vacuum` here)")


if __name__ == "__main__":
    sys.exit(main())
