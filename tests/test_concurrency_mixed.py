"""Eight processes tagging, untagging and memoing one project at once, on SQLite and on
PostgreSQL, for a fixed number of operations each. Afterwards every acknowledged operation is in
the store exactly once and nothing else is, and no process met a "locked" or serialization error
(a busy project would have shown as a failed, unacknowledged command)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli

PROCESSES = 8
OPERATIONS = 24  # per process: a tag each; every third also untags, every second also memos
SENTENCES = OPERATIONS

WORKER = textwrap.dedent(
    """
    import io, json, os, sys, time
    from contextlib import redirect_stdout, redirect_stderr
    db, coder, code, log, go = sys.argv[1:6]
    while not os.path.exists(go):
        time.sleep(0.002)
    from qcode.cli.main import app

    def run(*argv):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                status = app(["--db", db, *argv, "--coder", coder], standalone_mode=False)
            except SystemExit as exc:
                status = exc.code
        return status or 0, out.getvalue(), err.getvalue()

    acks = open(log, "w")
    for i in range(1, {n} + 1):
        status, out, err = run("tag", "doc", f"s{{i}}", code, "--format", "json")
        if status:
            acks.write(json.dumps(["error", "tag", err]) + "\\n"); continue
        coding = json.loads(out)[0]["id"]
        acks.write(json.dumps(["tag", coding]) + "\\n")
        if i % 2 == 0:
            note = f"{{coder}} note {{i}}"
            status, out, err = run("memo", "coding", str(coding), note)
            acks.write(json.dumps(["memo", coding, note] if not status else ["error", "memo", err]) + "\\n")
        if i % 3 == 0:
            status, out, err = run("untag", str(coding))
            acks.write(json.dumps(["untag", coding] if not status else ["error", "untag", err]) + "\\n")
        acks.flush()
    """
).format(n=OPERATIONS)


def _prepare(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "book.yaml").write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(tmp_path / "book.yaml")).exit_code == 0
    body = " ".join(f"Sentence number {i} is about exporting." for i in range(1, SENTENCES + 1))
    (tmp_path / "doc.txt").write_text(f"Respondent: {body}\n", "utf-8")
    assert cli("import", str(tmp_path / "doc.txt")).exit_code == 0


def _run(db: str, tmp_path: Path) -> list[list[object]]:
    go = tmp_path / "go"
    codes = ["diaspora", "barriers", "owner_emigration"]
    procs, logs = [], []
    for k in range(PROCESSES):
        log = tmp_path / f"acks-{k}.jsonl"
        logs.append(log)
        procs.append(subprocess.Popen(
            [sys.executable, "-c", WORKER, db, f"coder{k}", codes[k % 3], str(log), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    time.sleep(1.0)
    go.write_text("")
    for proc in procs:
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
    acks = [json.loads(line) for log in logs for line in log.read_text().splitlines()]
    errors = [a for a in acks if a[0] == "error"]
    assert not errors, errors[:3]
    return acks


def _check(url: str, acks: list[list[object]]) -> None:
    tagged = {a[1] for a in acks if a[0] == "tag"}
    untagged = {a[1] for a in acks if a[0] == "untag"}
    memos = sorted((a[1], a[2]) for a in acks if a[0] == "memo")
    assert len(tagged) == PROCESSES * OPERATIONS  # every tag made a coding of its own
    engine = create_engine(url)
    with engine.connect() as conn:
        codings = {r[0] for r in conn.execute(text("SELECT id FROM codings"))}
        stored_memos = sorted(tuple(r) for r in conn.execute(text(
            "SELECT target_id, text FROM memos WHERE target_type = 'coding'")))
        events = dict(conn.execute(text(
            "SELECT action, count(*) FROM events WHERE target_type IN ('coding', 'memo:coding') "
            "GROUP BY action")).all())
    engine.dispose()
    assert codings == tagged - untagged
    assert stored_memos == memos
    assert events == {"tag": len(tagged), "untag": len(untagged), "memo": len(memos)}


def test_eight_processes_on_sqlite(cli: Cli, tmp_path: Path) -> None:
    _prepare(cli, tmp_path)
    db = tmp_path / "qcode.db"
    acks = _run(str(db), tmp_path)
    _check(f"sqlite:///{db}", acks)
    assert cli("db", "check").exit_code == 0


@pytest.mark.postgres
def test_eight_processes_on_postgres(pg_empty: str, tmp_path: Path) -> None:
    cli = Cli(tmp_path, pg_empty)
    _prepare(cli, tmp_path)
    acks = _run(pg_empty, tmp_path)
    _check(pg_empty, acks)
    assert cli("db", "check").exit_code == 0
