"""Bulk paths on a generated project: listing, import, undo, a code's codings and search, on
SQLite and (at 1/10 of the size) PostgreSQL; `tag`, `show` and `docs` beside the sample project.

    python bench/bench_scale.py --scale 0.01     # 100 documents, 10,000 codings
    python bench/bench_scale.py --scale 0.1      # 1,000 documents, 100,000 codings
    python bench/bench_scale.py                  # 10,000 documents, 1,000,000 codings
    python bench/bench_scale.py --postgres URL   # also on PostgreSQL (a database is made there)

The project comes from `bench_export.py`'s seeded generator (documents, turns, lines, cases and
four coders' codings, and the full-text index; cached in bench/results/). Each command runs
under `/usr/bin/time -v`: wall time and peak resident memory of the process; each read runs
`--repeats` times, SQLite and PostgreSQL alternating, and its median is reported. `codings --format
csv` writes the CSV that `import-codings` then loads into a copy of the project with no codings,
which `undo` empties again; the copy's size is reported before the import and after the undo
and `qcode db vacuum`.

Targets at full size (SQLite): csv ≤ 10 s and ≤ 200 MB; import and undo ≤ 60 s and ≤ 500 MB
each; `codings --code X` ≤ 2 s; search ≤ 100 MB; the database after import, undo and vacuum
≤ 1.2× its size before. PostgreSQL: reads ≤ 1.5× SQLite, bulk writes ≤ 2×. `tag`, `show` and
`docs` on the generated project within 10% of the sample project's time (median of 5, alternating).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from _timing import BYTECODE_ENV, REPO, qcode_argv
from bench_export import _WORD, CODERS, RESULTS, SECTORS, _codings, _document, _field


def generate(path: Path, documents: int, codings: int, seed: int = 2026) -> None:
    """`bench_export.generate`'s project (same seed, texts, units and codings), written for the
    schema where every row has a uuid and a coding's memo is an entry of its thread."""
    from qcode.corpus.text import sha256_text  # the digest `db check` expects

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
                         sha256_text(text), "txt", "utf-8", len(text),
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
    _index(f"sqlite:///{tmp}")
    tmp.rename(path)


def _index(url: str) -> None:
    """Build the full-text index of a project whose units were written behind qcode's back."""
    sys.path.insert(0, str(REPO))
    from qcode.store import fulltext
    from qcode.store.engine import dispose_engines, get_engine

    with get_engine(url).execution_options(qcode_write=True).begin() as conn:
        fulltext.install(conn)
    dispose_engines()


def run(db: Path | str, args: list[str], out: Path | None = None) -> tuple[float, float]:
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


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + database


def _admin(url: str, *statements: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def to_postgres(db: Path, url: str, name: str) -> str:
    """A PostgreSQL database `name` holding the SQLite project `db`, row for row, indexed."""
    from sqlalchemy import create_engine, insert, select, text

    sys.path.insert(0, str(REPO))
    from qcode.store.models import Base

    _admin(url, f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
    target = _pg(url, name)
    subprocess.run(qcode_argv("--db", target, "init"), check=True, capture_output=True)
    source = create_engine(f"sqlite:///{db}")
    engine = create_engine(target)
    tables = Base.metadata.sorted_tables
    with source.connect() as src, engine.begin() as dst:
        names = ", ".join(t.name for t in tables)
        dst.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        for table in tables:
            rows = src.execute(select(table).execution_options(yield_per=20_000))
            for part in rows.partitions(20_000):
                dst.execute(insert(table), [dict(r._mapping) for r in part])
            if "id" in table.c:
                dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                 f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))
    with engine.begin() as dst:
        dst.execute(text("DELETE FROM meta WHERE key = 'fulltext_index'"))
    source.dispose()
    engine.dispose()
    _index(target)
    _admin(target, "VACUUM ANALYZE")
    return target


def pg_empty_copy(url: str, main: str, work: str) -> str:
    _admin(url, f"DROP DATABASE IF EXISTS {work}", f"CREATE DATABASE {work} TEMPLATE {main}")
    target = _pg(url, work)
    _admin(target, "DELETE FROM memos", "DELETE FROM codings", "DELETE FROM events",
           "VACUUM FULL")
    return target


def pg_size(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        size = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    engine.dispose()
    return size


# --- the runs -----------------------------------------------------------------------------------

READS = [
    ("codings --format csv > /dev/null", ["codings", "--format", "csv"], "≤ 10 s, ≤ 200 MB"),
    ("codings --format json > /dev/null", ["codings", "--format", "json"], ""),
    ("codings --code diaspora --format csv", ["codings", "--code", "diaspora", "--format", "csv"],
     "≤ 2 s"),
    ("retrieve diaspora --format csv", ["retrieve", "diaspora", "--format", "csv"], ""),
    ("search export --limit 50", ["search", "export", "--limit", "50"], "≤ 100 MB"),
    ("search \"export market\" --limit 50", ["search", '"export market"', "--limit", "50"],
     "≤ 100 MB"),
]
Result = tuple[float, float]


def bulk(target: str, csv_path: Path, size: Callable[[], int], vacuum: bool
         ) -> tuple[Result, Result, tuple[int, int, int, int]]:
    """import-codings of the CSV, then undo, then `db vacuum`: times and the sizes."""
    before = size()
    imported = run(target, ["import-codings", str(csv_path)])
    after_import = size()
    undone = run(target, ["undo"])
    after_undo = size()
    if vacuum:
        run(target, ["db", "vacuum"])
    return imported, undone, (before, after_import, after_undo, size())


def side_by_side(generated: Path, documents: int) -> list[tuple[str, Result, Result]]:
    """`tag`, `show`, `docs` on the generated project and on the sample, alternately, median of 5."""
    import statistics

    sample = RESULTS / "scale_sample.db"
    if not sample.exists():
        book = str(REPO / "codebooks" / "sme_knowledge_sources.yaml")
        subprocess.run(qcode_argv("--db", str(sample), "init", "--codebook", book), check=True,
                       capture_output=True)
        subprocess.run(qcode_argv("--db", str(sample), "import", str(REPO / "interviews"),
                                  "--cases", str(REPO / "interviews" / "cases.csv")),
                       check=True, capture_output=True)
    first = sqlite3.connect(sample).execute(
        "SELECT name FROM documents ORDER BY name LIMIT 1").fetchone()[0]
    out = []
    middle = f"int_{documents // 2:05d}.txt"
    for name, big, small in [
        ("tag DOC tN diaspora (a new coding each run)", ["tag", middle, "t{n}", "diaspora"],
         ["tag", first, "t{n}", "diaspora"]),
        ("show DOC", ["show", middle], ["show", first]),
        ("docs", ["docs"], ["docs"]),
    ]:
        runs: dict[int, list[Result]] = {0: [], 1: []}
        for i in range(12):
            which = i % 2
            argv = [a.replace("{n}", str(3 + 2 * (i // 2))) for a in (big if which == 0 else small)]
            result = run(generated if which == 0 else sample, argv)
            if i >= 2:
                runs[which].append(result)
        if name.startswith("tag"):  # leave both projects as they were
            for project in (generated, sample):
                for _ in range(6):
                    run(project, ["undo"])
        med = [(statistics.median(r[0] for r in runs[k]), max(r[1] for r in runs[k]))
               for k in (0, 1)]
        out.append((name, med[0], med[1]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--postgres", metavar="URL", help="also run on PostgreSQL at this server "
                        "(a database scale_main and scale_work are made there and dropped after)")
    parser.add_argument("--no-side", action="store_true", help="skip tag/show/docs beside the sample")
    parser.add_argument("--repeats", type=int, default=3, metavar="N",
                        help="run each read N times, the stores alternating (median; default 3)")
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
    print(f"generated: {documents:,} documents, {codings:,} codings "
          f"({db.stat().st_size / 2**20:,.0f} MB)", flush=True)
    run(db, ["codings", "--format", "csv"], out=csv_path)
    target = to_postgres(db, args.postgres, "scale_main") if args.postgres else None
    lite, pg = reads(db, target, args.repeats)
    empty_copy(db, work)
    lite_bulk = bulk(str(work), csv_path, lambda: _sqlite_size(work), True)
    pg_bulk = None
    if args.postgres:
        work_url = pg_empty_copy(args.postgres, "scale_main", "scale_work")
        pg_bulk = bulk(work_url, csv_path, lambda: pg_size(work_url), True)
        _admin(args.postgres, "DROP DATABASE IF EXISTS scale_work", "DROP DATABASE IF EXISTS scale_main")
    table(lite, pg, lite_bulk, pg_bulk, codings)
    if not args.no_side:
        print(f"\n{'beside the sample (median of 5)':<40} {'generated':>10} {'sample':>8} {'ratio':>6}")
        for name, big, small in side_by_side(db, documents):
            print(f"{name:<40} {big[0]:>10.3f} {small[0]:>8.3f} {big[0] / small[0]:>6.2f}")


def reads(db: Path, target: str | None, repeats: int) -> tuple[dict[str, Result], dict[str, Result]]:
    """Each read `repeats` times on SQLite and (with `target`) PostgreSQL, alternating: the
    median wall time and the largest peak memory of each."""
    import statistics

    lite: dict[str, Result] = {}
    pg: dict[str, Result] = {}
    for name, argv, _ in READS:
        runs: dict[str, list[Result]] = {"lite": [], "pg": []}
        for _ in range(max(1, repeats)):
            runs["lite"].append(run(db, argv))
            if target is not None:
                runs["pg"].append(run(target, argv))
        for key, into in (("lite", lite), ("pg", pg)):
            if runs[key]:
                into[name] = (statistics.median(r[0] for r in runs[key]), max(r[1] for r in runs[key]))
    return lite, pg


def _sqlite_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def table(lite: dict[str, Result], pg: dict[str, Result], lite_bulk: Any, pg_bulk: Any,
          codings: int) -> None:
    head = f"{'command':<42} {'SQLite s':>9} {'MB':>6}"
    if pg:
        head += f" {'PG s':>8} {'MB':>6} {'PG/SQLite':>9}"
    print(head + "  target (full size)")
    rows = [(name, lite[name], pg.get(name), target) for name, _, target in READS]
    rows.append((f"import-codings ({codings:,} rows)", lite_bulk[0],
                 pg_bulk[0] if pg_bulk else None, "≤ 60 s, ≤ 500 MB; PG ≤ 2×"))
    rows.append(("undo (the import)", lite_bulk[1], pg_bulk[1] if pg_bulk else None,
                 "≤ 60 s, ≤ 500 MB; PG ≤ 2×"))
    for name, mine, theirs, target in rows:
        line = f"{name:<42} {mine[0]:>9.2f} {mine[1]:>6.0f}"
        if theirs is not None:
            line += f" {theirs[0]:>8.2f} {theirs[1]:>6.0f} {theirs[0] / mine[0]:>9.2f}"
        print(f"{line}  {target}", flush=True)
    for label, result in (("SQLite", lite_bulk), ("PostgreSQL", pg_bulk)):
        if result is None:
            continue
        before, imported, undone, vacuumed = (x / 2**20 for x in result[2])
        print(f"{label} database: {before:,.1f} MB before import, {imported:,.1f} MB after, "
              f"{undone:,.1f} MB after undo, {vacuumed:,.1f} MB after db vacuum "
              f"({vacuumed / before:.2f}× the size before; target ≤ 1.2×)")


if __name__ == "__main__":
    sys.exit(main())
