"""Deciding disagreements: every --accept option, the consensus codings and their provenance,
revisions with their history, undo and redo, the prompt loop, and the checks."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import Cli, project_db
from tests.review.conftest import turns

Consensus = set[tuple[str, int, int, frozenset[str]]]


def consensus(db: Path) -> Consensus:
    """(code, start, end, coders of its sources) of every consensus coding."""
    from qcode.store.engine import session_scope, to_url
    from qcode.store.models import Code, Coder, Coding, CodingSource

    with session_scope(to_url(db), write=False) as s:
        rows = s.execute(select(Coding.id, Code.key, Coding.start, Coding.end)
                         .join(Code, Code.id == Coding.code_id)
                         .where(Coding.layer == "consensus")).all()  # fmt: skip
        out = set()
        for coding_id, key, start, end in rows:
            sources = s.execute(select(Coder.name).join(Coding, Coding.coder_id == Coder.id)
                                .join(CodingSource, CodingSource.source_id == Coding.id)
                                .where(CodingSource.coding_id == coding_id)).scalars()  # fmt: skip
            out.add((key, start, end, frozenset(sources)))
    return out


def own_codings(db: Path) -> list[tuple[object, ...]]:
    from qcode.store.engine import session_scope, to_url
    from qcode.store.models import Coding

    with session_scope(to_url(db), write=False) as s:
        return [tuple(r) for r in s.execute(
            select(Coding.id, Coding.coder_id, Coding.code_id, Coding.start, Coding.end,
                   Coding.quote, Coding.updated_at, Coding.round_id)
            .where(Coding.layer == "coding").order_by(Coding.id)).all()]  # fmt: skip


@pytest.fixture
def spans(pilot: Cli, tmp_path: Path) -> dict[str, tuple[int, int]]:
    t = turns(project_db(tmp_path), "int_t.txt")
    return {"t2": t[1], "t4": t[3]}


BOTH = frozenset({"ana", "ben"})


@pytest.mark.parametrize(("option", "expect"), [
    ("ana", lambda s, e: {("diaspora", s, e, frozenset({"ana"}))}),
    ("ben", lambda s, e: {("diaspora", s + 1, e, frozenset({"ben"}))}),
    ("both", lambda s, e: {("diaspora", s, e, frozenset({"ana"})),
                           ("diaspora", s + 1, e, frozenset({"ben"}))}),
    ("union", lambda s, e: {("diaspora", s, e, BOTH)}),
    ("intersection", lambda s, e: {("diaspora", s + 1, e, BOTH)}),
    ("none", lambda s, e: set()),
])  # fmt: skip
def test_every_option_on_a_segment(pilot: Cli, tmp_path: Path, spans: dict[str, tuple[int, int]],
                                   option: str, expect: object) -> None:  # fmt: skip
    db = project_db(tmp_path)
    s, e = spans["t2"]
    # Matched only when identical, ana's span of turn 2 and ben's (one character shorter) are
    # two disagreements; deciding the first sees both coders' codings there.
    listed = pilot("disagreements", "--coders", "ana,ben", "--unit", "segment", "--overlap", "1",
                   "-f", "json")  # fmt: skip
    ids = [d["id"] for d in json.loads(listed.stdout)["disagreements"]]
    assert f"int_t.txt:c{s}-{e}:diaspora" in ids and f"int_t.txt:c{s + 1}-{e}:diaspora" in ids
    before = own_codings(db)
    run = pilot("resolve", f"int_t.txt:c{s}-{e}:diaspora", "--accept", option, "--unit",
                "segment", "--overlap", "1", "--note", "read the turn again")  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert f"decided int_t.txt:c{s}-{e}:diaspora: {option}" in run.stderr
    assert consensus(db) == expect(s, e)  # type: ignore[operator]
    assert own_codings(db) == before  # the coders' own codings are never changed


def test_domain_options_and_a_code_of_the_pis_own(pilot: Cli, tmp_path: Path,
                                                  spans: dict[str, tuple[int, int]]) -> None:  # fmt: skip
    db = project_db(tmp_path)
    s, e = spans["t4"]
    place = "int_t.txt:t4:@sources"
    union = pilot("resolve", place, "--accept", "union", "--note", "both readings hold")
    assert union.exit_code == 0, union.stderr
    assert consensus(db) == {("diaspora", s, e, frozenset({"ana"})),
                             ("owner_emigration", s, e, frozenset({"ben"}))}  # fmt: skip
    relabelled = pilot("resolve", place, "--accept", "ben", "--code", "barriers", "--revise",
                       "--note", "neither: a barrier")  # fmt: skip
    assert relabelled.exit_code == 0, relabelled.stderr
    assert "ben as barriers (revision 2)" in relabelled.stderr and "2 replaced" in relabelled.stderr
    assert consensus(db) == {("barriers", s, e, frozenset({"ben"}))}
    inter = pilot("resolve", place, "--accept", "intersection", "--revise", "--note", "no common")
    assert inter.exit_code == 0 and consensus(db) == set()


def test_revision_keeps_the_history_and_undo_takes_decisions_back(
    pilot: Cli, tmp_path: Path, spans: dict[str, tuple[int, int]]
) -> None:
    db = project_db(tmp_path)
    s, e = spans["t4"]
    place = "int_t.txt:t4:diaspora"
    assert pilot("resolve", place, "--accept", "ana", "--note", "she is right").exit_code == 0
    first = consensus(db)
    assert first == {("diaspora", s, e, frozenset({"ana"}))}
    again = pilot("resolve", place, "--accept", "none", "--note", "changed my mind")
    assert again.exit_code == 1 and "already decided (ana, revision 1)" in again.stderr
    revised = pilot("resolve", place, "--accept", "none", "--revise", "--note", "changed my mind")
    assert revised.exit_code == 0 and consensus(db) == set()
    history = json.loads(pilot("resolve", "--history", place, "-f", "json").stdout)
    assert [(h["revision"], h["status"], h["option"], h["note"]) for h in history] == [
        (1, "superseded", "ana", "she is right"), (2, "active", "none", "changed my mind")]
    assert history[0]["superseded_by"] == history[1]["id"] and history[1]["decided_by"] == "pia"
    undone = pilot("undo")
    assert undone.exit_code == 0 and f"resolve {place}: none" in undone.stderr
    history = json.loads(pilot("resolve", "--history", "-f", "json").stdout)
    assert [(h["revision"], h["status"], h["superseded_by"]) for h in history] == [
        (1, "active", None)]
    assert consensus(db) == first
    assert pilot("undo").exit_code == 0
    assert pilot("resolve", "--history", "-f", "json").stdout.strip() == "[]"
    assert consensus(db) == set()
    assert pilot("redo").exit_code == 0 and consensus(db) == first
    assert pilot("redo").exit_code == 0 and consensus(db) == set()
    assert len(json.loads(pilot("resolve", "--history", "-f", "json").stdout)) == 2


def test_listing_shows_status_and_progress(pilot: Cli) -> None:
    args = ("disagreements", "--coders", "ana,ben", "--unit", "turn", "--round", "pilot")
    count = json.loads(pilot(*args, "--count", "-f", "json").stdout)
    assert count == [{"unit": "turn", "round": "pilot", "coders": "ana,ben", "disagreements": 2,
                      "resolved": 0, "open": 2}]
    pilot("resolve", "int_t.txt:t4:owner_emigration", "--accept", "ben", "--note", "yes")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(pilot(*args, "-f", "csv").stdout))}
    assert rows["int_t.txt:t4:owner_emigration"]["status"] == "resolved"
    assert rows["int_t.txt:t4:owner_emigration"]["decision"] == "ben"
    assert rows["int_t.txt:t4:diaspora"]["status"] == "open"
    table = pilot(*args)
    assert "resolved: ben" in table.stdout and "resolved 1 of 2 disagreement(s) (50%)" in table.stderr
    still = json.loads(pilot(*args, "--status", "open", "-f", "json").stdout)
    assert [d["id"] for d in still["disagreements"]] == ["int_t.txt:t4:diaspora"]
    # Listed without the round, the decision between the same coders still counts.
    anywhere = json.loads(pilot("disagreements", "--coders", "ben,ana", "--unit", "turn",
                                "--count", "-f", "json").stdout)  # fmt: skip
    assert anywhere[0]["resolved"] == 1


def test_resolve_next_walks_the_open_ones(pilot: Cli, tmp_path: Path,
                                          spans: dict[str, tuple[int, int]]) -> None:  # fmt: skip
    s, e = spans["t4"]
    keys = "zzz\nwhy\nana\n\nclear from the transcript\ns\n"
    run = pilot("resolve", "--next", "--round", "pilot", "--unit", "turn", input=keys)
    assert run.exit_code == 0, run.stderr
    assert "[1/2] int_t.txt:t4:diaspora  l7" in run.stdout and "Fifteen sixteen" in run.stdout
    assert "    ana: diaspora\n    ben: owner_emigration" in run.stdout
    assert "--accept takes ana, ben, both, none, union, intersection" in run.stderr
    assert "a note is required" in run.stderr
    assert "decided 1, skipped 1; 1 still open" in run.stderr
    assert consensus(project_db(tmp_path)) == {("diaspora", s, e, frozenset({"ana"}))}
    second = pilot("resolve", "--next", "--round", "pilot", "--unit", "turn", input="q\n")
    assert "[1/1] int_t.txt:t4:owner_emigration" in second.stdout
    assert "decided 0, skipped 0; 1 still open" in second.stderr


@pytest.mark.parametrize(("args", "code", "words"), [
    (("int_t.txt:t4:diaspora", "--accept", "ana", "--note", "x", "--coder", "ana"), 1,
     "only a PI can resolve disagreements"),
    (("int_t.txt:t4:diaspora", "--accept", "ana", "--note", " "), 2, "--note is required"),
    (("int_t.txt:t4:diaspora", "--accept", "ana"), 2, "give ID, --accept and --note"),
    (("int_t.txt:t4:diaspora", "--accept", "carl", "--note", "x"), 2,
     "--accept takes ana, ben, both"),
    (("int_t.txt:t1:barriers", "--accept", "ana", "--note", "x"), 1,
     "do not disagree at int_t.txt:t1:barriers in round pilot"),
    (("int_t.txt:t9:barriers", "--accept", "ana", "--note", "x"), 1, "has no turn 9"),
    (("int_t.txt-t4-diaspora", "--accept", "ana", "--note", "x"), 2, "DOCUMENT:UNIT:CODE"),
    (("int_t.txt:t4:diaspora", "--accept", "ana", "--note", "x", "--unit", "sentence"), 2,
     "names a turn, not a sentence unit"),
    (("int_t.txt:t4:diaspora", "--accept", "ana", "--note", "x", "--code", "nope"), 1,
     "no code"),
    (("int_t.txt:t4:diaspora", "--accept", "none", "--note", "x", "--code", "barriers"), 2,
     "with --accept none there are none"),
    (("int_t.txt:t4:diaspora", "--accept", "ana", "--note", "x", "--revise"), 2,
     "no decision to revise"),
    (("int_u.txt:t1:barriers", "--accept", "ana", "--note", "x"), 2, "is in no round(s)"),
])  # fmt: skip
def test_checks(pilot: Cli, tmp_path: Path, args: tuple[str, ...], code: int, words: str) -> None:
    run = pilot("resolve", *args)
    assert run.exit_code == code, run.stderr
    assert words in run.stderr
    assert consensus(project_db(tmp_path)) == set()
    assert pilot("resolve", "--history", "-f", "json").stdout.strip() == "[]"
