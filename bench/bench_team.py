"""A team on one project: `qcode tag` latency and throughput with 8 coders at once against one
coder alone (SQLite and PostgreSQL, in the same run), and offline packages of the sample.

    python bench/bench_team.py            # PostgreSQL from QCODE_TEST_PG_URL or 127.0.0.1:5432/test

Each `qcode tag` is a whole process, as a coder runs it. "alone": one coder tags 16 turns one
after another; "8 coders": eight coders do the same at once, each on her own document; "PG
logins": the same eight, each logged in as her own role (`qcode team add-coder`) in an open blind
round, so every statement passes the server's row security. Reported:
median and 95th percentile of one command's wall time, and tags per second over the run. Packages:
`pack export` of a coder's package for the 145-interview sample (every document), and `pack
import` of her work back into the project (target ≤ 3 s each).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

from _timing import BYTECODE_ENV, REPO, qcode_argv

TAGS = 16
CODERS = 8


def _run(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def _sample(db: str) -> None:
    env = {**os.environ, **BYTECODE_ENV}
    _run(qcode_argv("--db", db, "init", "--codebook",
                    str(REPO / "codebooks" / "sme_knowledge_sources.yaml"), "--coder", "pi"), env)
    _run(qcode_argv("--db", db, "import", str(REPO / "interviews"), "--cases",
                    str(REPO / "interviews" / "cases.csv")), env)


def _coder(db: str, name: str, document: str, out: list[float], first: int) -> None:
    env = {**os.environ, **BYTECODE_ENV}
    for turn in range(first, first + TAGS):
        out.append(_run(qcode_argv("--db", db, "tag", document, f"t{turn}", "diaspora",
                                   "--coder", name), env))


def _as(url: str, role: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=role).render_as_string(hide_password=False)


def team_latency(db: str, roles: list[str]) -> None:
    """Eight coders at once, each logged in as her own role under row security, in an open
    blind round on their documents: what the server's policies cost a `qcode tag`."""
    env = {**os.environ, **BYTECODE_ENV}
    docs = [f"int_{i:03d}" for i in range(1, CODERS + 1)]
    for k in range(CODERS):
        _run(qcode_argv("--db", db, "team", "add-coder", f"coder{k}", "--login", roles[k]), env)
    _run(qcode_argv("--db", db, "round", "create", "blind", "--blind", "--coders",
                    ",".join(f"coder{k}" for k in range(CODERS)), "--docs", ",".join(docs)), env)
    together: list[float] = []
    wall = _at_once([(_as(db, roles[k]), f"coder{k}", docs[k], together, 40) for k in range(CODERS)])
    print(f"{'PG logins':<10} {CODERS} coders median {statistics.median(together):.3f} s  "
          f"p95 {_p95(together):.3f} s  {len(together) / wall:6.1f} tags/s  (own roles, row security, "
          "blind round)")


def _at_once(coders: list[tuple[str, str, str, list[float], int]]) -> float:
    """Run each coder's tags in a thread of its own, all at once; the wall time of the lot."""
    threads = [threading.Thread(target=_coder, args=args) for args in coders]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def tag_latency(db: str, label: str) -> None:
    docs = [f"int_{i:03d}" for i in range(1, CODERS + 1)]
    _coder(db, "warmup", docs[0], [], 40)  # file cache, compiled modules
    alone: list[float] = []
    start = time.perf_counter()
    _coder(db, "solo", docs[0], alone, 2)
    solo_wall = time.perf_counter() - start
    together: list[float] = []
    wall = _at_once([(db, f"coder{k}", docs[k], together, 20) for k in range(CODERS)])
    for name, samples, seconds in (("1 coder", alone, solo_wall), (f"{CODERS} coders", together, wall)):
        print(f"{label:<10} {name:<9} median {statistics.median(samples):.3f} s  "
              f"p95 {_p95(samples):.3f} s  {len(samples) / seconds:6.1f} tags/s")


def packages(folder: Path, db: str) -> None:
    env = {**os.environ, **BYTECODE_ENV}
    for turn in range(2, 6):
        for i in range(1, 146, 2):
            subprocess.run(qcode_argv("--db", db, "tag", f"int_{i:03d}", f"t{turn}", "barriers",
                                      "--coder", "ana"), env=env, capture_output=True, check=False)
    pack = folder / "ana.qpack"
    export = _run(qcode_argv("--db", db, "pack", "export", "--coder", "ana", "-o", str(pack)), env)
    local = folder / "local"
    local.mkdir()
    init = _run(qcode_argv("init", "--from", str(pack)), env, cwd=local)
    for i in range(2, 146, 2):
        subprocess.run(qcode_argv("tag", f"int_{i:03d}", "t3", "diaspora"), env=env, cwd=local,
                       capture_output=True, check=False)
    done = folder / "ana-done.qpack"
    _run(qcode_argv("pack", "export", "-o", str(done)), env, cwd=local)
    merge = _run(qcode_argv("--db", db, "pack", "import", str(done)), env)
    again = _run(qcode_argv("--db", db, "pack", "import", str(done)), env)
    print(f"pack export {export:.2f} s ({pack.stat().st_size:,} bytes), init --from {init:.2f} s, "
          f"pack import {merge:.2f} s, again (nothing new) {again:.2f} s  (target <= 3 s each)")


def _postgres() -> tuple[str, str] | None:
    admin = os.environ.get("QCODE_TEST_PG_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        name = f"qcode_bench_{uuid.uuid4().hex[:8]}"
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except Exception as exc:  # no server: the SQLite figures still stand
        print(f"PostgreSQL skipped: {str(exc).splitlines()[0]}")
        return None
    return admin, admin.rsplit("/", 1)[0] + f"/{name}"


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="qcode-bench-team-"))
    pg = _postgres()
    roles = [f"qb_{uuid.uuid4().hex[:8]}_{k}" for k in range(CODERS)]
    try:
        db = str(folder / "qcode.db")
        _sample(db)
        tag_latency(db, "SQLite")
        if pg is not None:
            _sample(pg[1])
            tag_latency(pg[1], "PostgreSQL")
            team_latency(pg[1], roles)
        packages(folder, db)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if pg is not None:
            _drop(pg, roles)


def _drop(pg: tuple[str, str], roles: list[str]) -> None:
    from sqlalchemy import create_engine, text

    # Roles are the cluster's, not the database's: what they were granted goes first.
    bench = create_engine(pg[1], isolation_level="AUTOCOMMIT")
    with bench.connect() as conn:
        for role in roles:
            if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
                conn.execute(text(f'DROP OWNED BY "{role}"'))
    bench.dispose()
    engine = create_engine(pg[0], isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{pg[1].rsplit("/", 1)[1]}" WITH (FORCE)'))
        for role in roles:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    engine.dispose()


if __name__ == "__main__":
    main()
