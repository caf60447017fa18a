"""`qcode consensus build`, and the consensus layer read like a coder everywhere."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Cli, project_db
from tests.review.conftest import turns
from tests.review.test_resolve import BOTH, consensus


@pytest.fixture
def t(pilot: Cli, tmp_path: Path) -> list[tuple[int, int]]:
    return turns(project_db(tmp_path), "int_t.txt")


def _events(cli: Cli) -> int:
    return len(cli("log", "--limit", "0", "-f", "csv").stdout.splitlines())


def test_build_adds_what_both_coded_alike_once(pilot: Cli, tmp_path: Path,
                                               t: list[tuple[int, int]]) -> None:  # fmt: skip
    db = project_db(tmp_path)
    run = pilot("consensus", "build", "--round", "pilot")
    assert run.exit_code == 0, run.stderr
    assert "1 coding(s) added on 1 document(s), 0 already there" in run.stderr
    assert consensus(db) == {("barriers", *t[0], BOTH)}
    logged = _events(pilot)
    again = pilot("consensus", "build", "--round", "pilot")
    assert "0 coding(s) added on 1 document(s), 1 already there" in again.stderr
    assert consensus(db) == {("barriers", *t[0], BOTH)} and _events(pilot) == logged
    per_turn = pilot("consensus", "build", "--round", "pilot", "--unit", "turn")
    assert "1 coding(s) added on 1 document(s), 1 already there" in per_turn.stderr
    # Turn 2: ana's span and ben's (one character shorter), merged; turn 4 they differ.
    assert consensus(db) == {("barriers", *t[0], BOTH), ("diaspora", *t[1], BOTH)}
    assert pilot("consensus", "build", "--round", "pilot", "--unit", "turn").stderr.count(
        "0 coding(s) added") == 1
    assert pilot("undo").exit_code == 0  # the per-turn build (the re-runs wrote nothing)
    assert consensus(db) == {("barriers", *t[0], BOTH)}


def test_consensus_is_read_like_a_coder(pilot: Cli, t: list[tuple[int, int]]) -> None:
    pilot("consensus", "build", "--round", "pilot", "--unit", "turn")
    pilot("resolve", "int_t.txt:t4:owner_emigration", "--accept", "ben", "--note", "his reading")
    rows = list(csv.DictReader(io.StringIO(pilot("codings", "--coder", "consensus", "-f",
                                                 "csv").stdout)))  # fmt: skip
    assert [(r["coder"], r["code"], int(r["start"])) for r in rows] == [
        ("consensus", "barriers", t[0][0]), ("consensus", "diaspora", t[1][0]),
        ("consensus", "owner_emigration", t[3][0])]
    found = json.loads(pilot("retrieve", "diaspora", "--coder", "consensus", "-f", "json").stdout)
    assert [(p["coder"], p["start"]) for p in found] == [("consensus", t[1][0])]
    shown = json.loads(pilot("show", "int_t", "--coder", "consensus", "-f", "json").stdout)
    assert {(m["coder"], m["code"]) for m in shown["codings"]} == {
        ("consensus", "barriers"), ("consensus", "diaspora"), ("consensus", "owner_emigration")}
    both = json.loads(pilot("show", "int_t", "--coder", "ana,consensus", "-f", "json").stdout)
    assert {m["coder"] for m in both["codings"]} == {"ana", "consensus"}
    # Coder against consensus: ana's diaspora on turn 4 is where she differs from it.
    report = pilot("agreement", "--coders", "ana,consensus", "--round", "pilot", "--unit", "turn",
                   "-f", "json")  # fmt: skip
    assert report.exit_code == 0, report.stderr
    figures = {(f["code"], f["measure"]): f for f in json.loads(report.stdout)["figures"]}
    assert figures[("barriers", "kappa")]["value"] == 1.0
    assert figures[("diaspora", "kappa")]["percent"] == 0.75
    listed = json.loads(pilot("disagreements", "--coders", "ben,consensus", "--round", "pilot",
                              "--unit", "turn", "-f", "json").stdout)  # fmt: skip
    assert [d["id"] for d in listed["disagreements"]] == []
    anywhere = json.loads(pilot("agreement", "--coders", "ana,consensus", "--unit", "turn", "-f",
                                "json").stdout)  # fmt: skip
    assert anywhere["documents"] == ["int_t.txt"]  # consensus codings are on int_t only


def test_checks(pilot: Cli) -> None:
    for args, code, words in (
        (("--round", "pilot", "--coder", "ana"), 1, "only a PI can build the consensus"),
        (("--round", "nope"), 1, "no round `nope`"),
        (("--round", "pilot", "--unit", "segment"), 2, "--unit takes document"),
        (("--round", "pilot", "--coders", "ana"), 2, "two or more of its coders"),
    ):
        run = pilot("consensus", "build", *args)
        assert run.exit_code == code, (args, run.stderr)
        assert words in run.stderr
    tagged = pilot("tag", "int_t", "t3", "barriers", "--coder", "consensus")
    assert tagged.exit_code == 2 and "names the consensus layer" in tagged.stderr


def test_consensus_and_its_sources_change_only_through_decisions(pilot: Cli) -> None:
    pilot("consensus", "build", "--round", "pilot")
    rows = json.loads(pilot("codings", "--coder", "consensus", "-f", "json").stdout)
    untag = pilot("untag", str(rows[0]["id"]))
    assert untag.exit_code == 1 and "is in the consensus layer" in untag.stderr
    source = next(r for r in json.loads(pilot("codings", "--coder", "ana", "-f", "json").stdout)
                  if r["code"] == "barriers" and r["document"] == "int_t.txt")  # fmt: skip
    for args in (("untag", str(source["id"]), "--coder", "ana"),
                 ("recode", str(source["id"]), "diaspora", "--coder", "ana")):
        run = pilot(*args)
        assert run.exit_code == 1 and f"is a source of consensus coding {rows[0]['id']}" in run.stderr
    assert pilot("undo").exit_code == 0  # the build; now ana may change her coding again
    assert pilot("untag", str(source["id"]), "--coder", "ana").exit_code == 0


def _sources(db: Path | str) -> set[tuple[str, str, str]]:
    """(consensus code, source coder, source code) of every provenance link."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from qcode.store.engine import session_scope, to_url
    from qcode.store.models import Code, Coder, Coding, CodingSource

    made, source = aliased(Coding), aliased(Coding)
    made_code, source_code = aliased(Code), aliased(Code)
    with session_scope(to_url(db), write=False) as s:
        rows = s.execute(
            select(made_code.key, Coder.name, source_code.key)
            .select_from(CodingSource)
            .join(made, made.id == CodingSource.coding_id)
            .join(source, source.id == CodingSource.source_id)
            .join(made_code, made_code.id == made.code_id)
            .join(source_code, source_code.id == source.code_id)
            .join(Coder, Coder.id == source.coder_id)).all()  # fmt: skip
    return {tuple(r) for r in rows}  # type: ignore[misc]


def test_merging_coders_keeps_the_provenance_of_a_dropped_duplicate(pilot: Cli, tmp_path: Path) -> None:
    db = project_db(tmp_path)
    decided = pilot("resolve", "int_t.txt:t4:owner_emigration", "--accept", "ben", "--note", "his")
    assert decided.exit_code == 0, decided.stderr
    assert ("owner_emigration", "ben", "owner_emigration") in _sources(db)
    # ana codes the same turn alike; then ben turns out to be ana under another name.
    assert pilot("tag", "int_t", "t4", "owner_emigration", "--coder", "ana").exit_code == 0
    merged = pilot("coders", "merge", "ben", "ana")
    assert merged.exit_code == 0, merged.stderr
    assert "dropped" in merged.stderr or "duplicate" in merged.stderr, merged.stderr
    # The consensus coding still names where it came from: ana's coding, kept in ben's place.
    assert ("owner_emigration", "ana", "owner_emigration") in _sources(db)
    assert not {s for s in _sources(db) if s[1] == "ben"}
    assert pilot("db", "check").exit_code == 0
    undone = pilot("undo")
    assert undone.exit_code == 0, undone.stderr
    assert ("owner_emigration", "ben", "owner_emigration") in _sources(db)
    assert ("owner_emigration", "ana", "owner_emigration") not in _sources(db)
    assert pilot("db", "check").exit_code == 0
