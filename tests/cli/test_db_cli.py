"""`qcode db check|backup|upgrade|vacuum`: a healthy project passes, each kind of damage is found
and exits 3, backups are consistent copies, vacuum reports sizes, upgrade migrates explicitly."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from qcode.store.schema import SCHEMA_VERSION
from tests.conftest import Cli

SNAPSHOTS = Path(__file__).resolve().parents[1] / "store" / "snapshots"


def _check(cli: Cli) -> tuple[int, dict[str, object]]:
    run = cli("db", "check", "--format", "json")
    return run.exit_code, json.loads(run.stdout)


def _tag_some(coded: Cli) -> None:
    for target in ("t2", "t4"):
        assert coded("tag", "int_001", target, "diaspora", "-m", "a note").exit_code == 0
    assert coded("untag", "1").exit_code == 0
    assert coded("undo").exit_code == 0


def test_healthy_project_passes(coded: Cli) -> None:
    _tag_some(coded)
    run = coded("db", "check")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.stdout == "" and "all 7 checks passed" in run.stderr
    code, report = _check(coded)
    assert code == 0 and report["ok"] is True and report["findings"] == []


DAMAGE = [
    ("UPDATE codings SET quote = 'not the text' WHERE id = 1", "quotes", "codings"),
    ("UPDATE codings SET \"end\" = 100000 WHERE id = 1", "offsets", "codings"),
    ("DELETE FROM units WHERE kind = 'line' AND number = 2", "units", "documents"),
    ("UPDATE units SET number = 7 WHERE kind = 'turn' AND number = 1", "units", "units"),
    ("UPDATE documents SET sha256 = 'x'", "documents", "documents"),
    ("UPDATE documents SET chars = 3", "documents", "documents"),
    ("DELETE FROM codes WHERE key = 'diaspora'", "foreign_keys", "codings"),
    ("DELETE FROM codings WHERE id = 2", "events", "codings"),
    ("UPDATE memos SET text = 'changed by hand'", "events", "memos"),
    ("UPDATE codings SET coder_id = (SELECT max(id) FROM coders) + 0, code_id = "
     "(SELECT id FROM codes WHERE key = 'barriers') WHERE id = 1", "events", "codings"),
]


@pytest.mark.parametrize(("sql", "check", "table"), DAMAGE)
def test_damage_is_found_and_exits_3(coded: Cli, tmp_path: Path, sql: str, check: str,
                                     table: str) -> None:
    _tag_some(coded)
    con = sqlite3.connect(tmp_path / "qcode.db")
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute(sql)
    con.commit()
    con.close()
    code, report = _check(coded)
    assert code == 3 and report["ok"] is False
    found = {(f["check"], f["table"]) for f in report["findings"]}  # type: ignore[union-attr,index]
    assert (check, table) in found, report
    table_run = coded("db", "check")
    assert table_run.exit_code == 3 and "problem" in table_run.stderr
    assert check in table_run.stdout


def test_orphaned_coding_is_a_warning_not_an_error(coded: Cli, tmp_path: Path) -> None:
    _tag_some(coded)
    con = sqlite3.connect(tmp_path / "qcode.db")
    con.execute("UPDATE codings SET quote = 'gone', anchor = 'orphaned' WHERE id = 1")
    con.commit()
    con.close()
    code, report = _check(coded)
    assert code == 0 and report["warnings"] == 1 and report["errors"] == 0


def test_corrupt_file_fails_integrity(coded: Cli, tmp_path: Path) -> None:
    _tag_some(coded)
    from qcode.store.engine import dispose_engines

    dispose_engines()
    db = tmp_path / "qcode.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_units_doc_kind_start'"
                       ).fetchone()[0]
    con.close()
    assert pages > root
    data = bytearray(db.read_bytes())
    start = (root - 1) * size
    data[start + 100 : start + size] = b"\xa5" * (size - 100)  # the index page, past its header
    db.write_bytes(bytes(data))
    run = coded("db", "check", "--full")
    assert run.exit_code == 3, run.stdout + run.stderr
    assert "integrity" in run.stdout or "malformed" in run.stderr


def test_backup_is_a_consistent_copy_and_refuses_to_overwrite(coded: Cli, tmp_path: Path) -> None:
    _tag_some(coded)
    target = tmp_path / "copy.db"
    run = coded("db", "backup", str(target))
    assert run.exit_code == 0, run.stderr
    assert "backed up" in run.stderr and run.stdout == ""
    copy = Cli(tmp_path, target)
    assert copy("db", "check").exit_code == 0
    original = json.loads(coded("codings", "--format", "json").stdout)
    assert json.loads(copy("codings", "--format", "json").stdout) == original
    again = coded("db", "backup", str(target))
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert coded("db", "backup", str(target), "--force").exit_code == 0
    assert not list(tmp_path.glob(".copy.db.partial*"))


def test_commands_refuse_a_missing_project(cli: Cli, tmp_path: Path) -> None:
    for args in (("backup", str(tmp_path / "b.db")), ("vacuum",), ("upgrade",)):
        run = cli("db", *args)
        assert run.exit_code == 3, (args, run.stderr)
        assert "no project" in run.stderr
    assert not (tmp_path / "qcode.db").exists()


def test_vacuum_reports_bytes(coded: Cli, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Respondent: " + "words and more words. " * 20000 + "\n", "utf-8")
    assert coded("import", str(big)).exit_code == 0
    con = sqlite3.connect(tmp_path / "qcode.db")
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("DELETE FROM documents WHERE name = 'big.txt'")
    con.commit()
    con.close()
    run = coded("db", "vacuum")
    assert run.exit_code == 0, run.stderr
    found = re.findall(r"([\d,]+) bytes before, ([\d,]+)", run.stderr)[0]
    before, after = (int(n.replace(",", "")) for n in found)
    assert after < before
    assert coded("db", "check").exit_code == 0


def test_upgrade_migrates_an_old_project_and_reports(cli: Cli, tmp_path: Path) -> None:
    db = tmp_path / "qcode.db"
    con = sqlite3.connect(db)
    con.executescript((SNAPSHOTS / "schema_v1.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
    con.commit()
    con.close()
    run = cli("db", "upgrade")
    assert run.exit_code == 0, run.stderr
    assert f"from schema 1 to {SCHEMA_VERSION}" in run.stderr and "backup" in run.stderr
    again = cli("db", "upgrade")
    assert f"already at schema {SCHEMA_VERSION}" in again.stderr
    assert cli("db", "check").exit_code == 0


@pytest.mark.postgres
def test_check_backup_vacuum_on_postgres(pg_empty: str, tmp_path: Path) -> None:
    from tests.cli.conftest import TRANSCRIPT
    from tests.cli.test_codebook_cli import V1

    cli = Cli(tmp_path, pg_empty)
    (tmp_path / "book.yaml").write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(tmp_path / "book.yaml"), "--coder", "ana").exit_code == 0
    (tmp_path / "int_001.txt").write_text(TRANSCRIPT, "utf-8")
    assert cli("import", str(tmp_path / "int_001.txt")).exit_code == 0
    _tag_some(cli)
    assert cli("db", "check").exit_code == 0
    vacuum = cli("db", "vacuum")
    assert vacuum.exit_code == 0 and "VACUUM ANALYZE" in vacuum.stderr, vacuum.stderr
    if shutil.which("pg_dump"):
        run = cli("db", "backup", str(tmp_path / "team.dump"))
        assert run.exit_code == 0, run.stderr
        assert (tmp_path / "team.dump").read_bytes()[:5] == b"PGDMP"
