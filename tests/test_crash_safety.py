"""A process killed with SIGKILL part-way through `qcode import`, `qcode import-codings`,
`qcode pack import` or a migration leaves a project that `qcode db check` passes, and running the
same command again completes it: the end state is the one an uninterrupted run gives."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from qcode.store.schema import SCHEMA_VERSION
from tests.cli.test_codebook_cli import V1
from tests.conftest import INTERVIEWS, Cli

pytestmark = pytest.mark.slow
KILLS = 2  # kill points per operation, drawn from a fixed seed across the command's run time


def _qcode(db: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "QCODE_DB": str(db)}
    return subprocess.Popen([sys.executable, "-m", "qcode", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _state(db: Path) -> tuple[object, ...]:
    con = sqlite3.connect(db)
    try:
        return tuple(con.execute(sql).fetchall() for sql in (
            "SELECT name, sha256 FROM documents ORDER BY name",
            "SELECT count(*) FROM units",
            "SELECT d.name, c.key, k.name, g.start, g.\"end\" FROM codings g JOIN documents d ON "
            "d.id = g.document_id JOIN codes c ON c.id = g.code_id JOIN coders k ON k.id = g.coder_id "
            "ORDER BY 1, 2, 3, 4",
            "SELECT text FROM memos ORDER BY text",
            "SELECT value FROM meta WHERE key = 'schema_version'",
        ))
    finally:
        con.close()


def _check(db: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "qcode", "--db", str(db), "db", "check"],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def _crash_and_rerun(prepared: Path, tmp_path: Path, args: list[str], seed: int,
                     extra: Callable[[Path], None] | None = None) -> None:
    """Baseline run, then KILLS runs each killed at a random moment, checked and rerun."""
    base = tmp_path / "baseline.db"
    shutil.copy(prepared, base)
    started = time.monotonic()
    done = _qcode(base, *args)
    assert done.wait(timeout=300) in (0, 1), done.stderr.read() if done.stderr else ""
    took = time.monotonic() - started
    expected = _state(base)
    rng = random.Random(seed)
    for k in range(KILLS):
        db = tmp_path / f"killed-{k}.db"
        shutil.copy(prepared, db)
        proc = _qcode(db, *args)
        time.sleep(rng.uniform(0.2, max(0.3, took * 0.95)))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        _check(db)  # consistent whatever the moment
        rerun = _qcode(db, *args)
        assert rerun.wait(timeout=300) in (0, 1)
        _check(db)
        assert _state(db) == expected, f"kill {k} after rerun differs"
        if extra is not None:
            extra(db)


@pytest.fixture
def prepared(tmp_path: Path) -> Path:
    home = tmp_path / "prep"
    home.mkdir()
    cli = Cli(home, home / "qcode.db")
    (home / "book.yaml").write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(home / "book.yaml"), "--coder", "ana").exit_code == 0
    from qcode.store.engine import dispose_engines

    dispose_engines()
    return home / "qcode.db"


def _sample(tmp_path: Path, n: int = 12) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for path in sorted(INTERVIEWS.glob("int_*.txt"))[:n]:
        shutil.copy(path, src / path.name)
    return src


def test_killed_import_is_consistent_and_reruns(prepared: Path, tmp_path: Path) -> None:
    _crash_and_rerun(prepared, tmp_path, ["import", str(_sample(tmp_path))], seed=1)


def test_killed_import_codings_is_consistent_and_reruns(prepared: Path, tmp_path: Path) -> None:
    src = _sample(tmp_path, 5)
    assert _qcode(prepared, "import", str(src)).wait(timeout=120) == 0
    con = sqlite3.connect(prepared)
    docs = con.execute("SELECT name, chars FROM documents ORDER BY name").fetchall()
    con.close()
    rows = ["document,coder,code,start,end,memo"]
    for name, chars in docs:
        for start in range(0, chars - 20, 120):
            rows.append(f"{name},coder{start % 5},diaspora,{start},{start + 12},note {start}")
    csv_file = tmp_path / "codings.csv"
    csv_file.write_text("\n".join(rows) + "\n", "utf-8")
    _crash_and_rerun(prepared, tmp_path, ["import-codings", str(csv_file)], seed=2)


def test_killed_pack_import_is_consistent_and_reruns(prepared: Path, tmp_path: Path) -> None:
    src = _sample(tmp_path, 8)
    main = Cli(tmp_path, prepared)
    assert main("import", str(src)).exit_code == 0
    pack = tmp_path / "ana.qpack"
    assert main("pack", "export", "--coder", "ana", "-o", str(pack)).exit_code == 0
    home = tmp_path / "local"
    home.mkdir()
    local = Cli(home, home / "qcode.db")
    assert local("init", "--from", str(pack)).exit_code == 0
    docs = [d for d in sorted(src.iterdir())]
    for doc in docs:
        for unit in ("t2", "t3", "t4", "t5"):
            local("tag", doc.name, unit, "barriers", "-m", f"offline {doc.name} {unit}")
    done = tmp_path / "done.qpack"
    assert local("pack", "export", "-o", str(done)).exit_code == 0
    from qcode.store.engine import dispose_engines

    dispose_engines()
    _crash_and_rerun(prepared, tmp_path, ["pack", "import", str(done)], seed=3)


def test_killed_migration_is_consistent_and_reruns(tmp_path: Path) -> None:
    snapshots = Path(__file__).resolve().parent / "store" / "snapshots"
    old = tmp_path / "old.db"
    con = sqlite3.connect(old)
    con.executescript((snapshots / "schema_v2.sql").read_text(encoding="utf-8"))
    from qcode.corpus.text import sha256_text

    text = "Respondent: " + "my cousin in Vienna. " * 150
    con.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '2'), ('project_name', 'x')")
    con.execute("INSERT INTO documents (id, name, text, sha256, source_format, chars, words, "
                "metadata_json, revision, imported_at, updated_at) VALUES (1, 'a.txt', ?, ?, "
                "'txt', ?, 1, '{}', 1, '2026-01-01', '2026-01-01')",
                (text, sha256_text(text), len(text)))
    con.execute("INSERT INTO units (document_id, kind, number, start, \"end\") VALUES "
                "(1, 'line', 1, 0, ?)", (len(text),))
    con.execute("INSERT INTO codes (id, key, label, position, definition, examples_json, retired, "
                "first_version) VALUES (1, 'diaspora', 'D', 0, 'd', '[]', 0, 1)")
    con.execute("INSERT INTO coders (id, name, created_at) VALUES (1, 'ana', '2026-01-01')")
    con.executemany(
        "INSERT INTO codings (document_id, code_id, coder_id, layer, start, \"end\", quote, prefix, "
        "suffix, anchor, memo, created_at, updated_at) VALUES (1, 1, 1, 'coding', ?, ?, ?, '', '', "
        "'ok', ?, '2026-01-01', '2026-01-01')",
        [(s, s + 9, text[s:s + 9], f"memo {s}" if s % 3 == 0 else None)
         for s in range(0, len(text) - 10)])
    con.commit()
    con.close()

    def stamped(db: Path) -> None:
        assert _state(db)[-1] == [(str(SCHEMA_VERSION),)]

    _crash_and_rerun(old, tmp_path, ["db", "upgrade"], seed=4, extra=stamped)
