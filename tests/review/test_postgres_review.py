"""The PI's workflow on PostgreSQL: a blind round, decisions with undo, the consensus layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.review.conftest import make_pilot, turns

pytestmark = pytest.mark.postgres


def test_rounds_decisions_and_consensus_on_postgres(
    pg_empty: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = make_pilot(Cli(tmp_path, pg_empty), tmp_path)
    t = turns(pg_empty, "int_t.txt")
    t4 = t[3]
    monkeypatch.setenv("QCODE_CODER", "ben")
    mine = json.loads(cli("codings", "--doc", "int_t", "-f", "json").stdout)
    assert {r["coder"] for r in mine} == {"ben"}
    assert cli("agreement", "--coders", "ana,ben", "--unit", "turn").exit_code == 1
    monkeypatch.delenv("QCODE_CODER")
    place = "int_t.txt:t4:diaspora"
    assert cli("resolve", place, "--accept", "ana", "--note", "hers").exit_code == 0
    revised = cli("resolve", place, "--accept", "both", "--revise", "--note", "both")
    assert revised.exit_code == 0, revised.stderr
    built = cli("consensus", "build", "--round", "pilot")
    assert "1 coding(s) added" in built.stderr
    rows = json.loads(cli("codings", "--coder", "consensus", "-f", "json").stdout)
    assert {(r["code"], r["start"]) for r in rows} == {("barriers", t[0][0]), ("diaspora", t4[0])}
    assert cli("undo").exit_code == 0 and cli("undo").exit_code == 0  # build, then the revision
    history = json.loads(cli("resolve", "--history", "-f", "json").stdout)
    assert [(h["revision"], h["status"]) for h in history] == [(1, "active")]
    rows = json.loads(cli("codings", "--coder", "consensus", "-f", "json").stdout)
    assert [(r["code"], r["start"], r["end"]) for r in rows] == [("diaspora", *t4)]
    report = cli("agreement", "--coders", "ana,consensus", "--round", "pilot", "--unit", "turn")
    assert report.exit_code == 0, report.stderr
    assert cli("round", "close", "pilot").exit_code == 0
    status = json.loads(cli("round", "list", "-f", "json").stdout)
    assert status[0]["status"] == "closed"
