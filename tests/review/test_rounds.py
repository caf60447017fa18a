"""Rounds: a PI creates them, codings made in them belong to them, progress, closing, undo."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import Cli, project_db
from tests.review.conftest import OTHER, TRANSCRIPT, V1, write_codings


def _round_of_codings(db: Path) -> dict[tuple[str, str, str], int | None]:
    from qcode.store.engine import session_scope, to_url
    from qcode.store.models import Code, Coder, Coding, Document

    with session_scope(to_url(db), write=False) as s:
        rows = s.execute(select(Document.name, Coder.name, Code.key, Coding.round_id)
                         .join(Document, Document.id == Coding.document_id)
                         .join(Coder, Coder.id == Coding.coder_id)
                         .join(Code, Code.id == Coding.code_id)).all()  # fmt: skip
    return {(d, c, k): r for d, c, k, r in rows}


def test_codings_in_a_round_belong_to_it(pilot: Cli, tmp_path: Path) -> None:
    found = _round_of_codings(project_db(tmp_path))
    assert found[("int_t.txt", "ana", "barriers")] == 1
    assert found[("int_t.txt", "ben", "owner_emigration")] == 1
    assert found[("int_u.txt", "ana", "barriers")] is None  # not a document of the round
    tagged = pilot("tag", "int_t", "t3", "barriers", "--coder", "ben")
    assert tagged.exit_code == 0, tagged.stderr
    assert _round_of_codings(project_db(tmp_path))[("int_t.txt", "ben", "barriers")] == 1
    auto = pilot("autocode", "owner_emigration", "--words", "Twelve", "--unit", "turn",
                 "--coder", "ana")
    assert auto.exit_code == 0, auto.stderr
    assert _round_of_codings(project_db(tmp_path))[("int_t.txt", "ana", "owner_emigration")] == 1
    closed = pilot("round", "close", "pilot")
    assert closed.exit_code == 0 and "closed round pilot" in closed.stderr
    pilot("tag", "int_t", "t3", "diaspora", "--coder", "ben")
    assert _round_of_codings(project_db(tmp_path))[("int_t.txt", "ben", "diaspora")] is None


def test_status_and_list(pilot: Cli) -> None:
    rows = list(csv.DictReader(io.StringIO(pilot("round", "status", "pilot", "-f", "csv").stdout)))
    assert [(r["coder"], r["documents"], r["done"], r["codings"]) for r in rows] == [
        ("ana", "1", "1", "3"), ("ben", "1", "1", "3")]
    assert all(r["status"] == "open" and r["blind"] == "True" and r["last_activity"] for r in rows)
    table = pilot("round", "status")
    assert table.exit_code == 0 and "ana" in table.stdout and "last_activity" in table.stdout
    listed = json.loads(pilot("round", "list", "-f", "json").stdout)
    assert [(r["name"], r["status"], r["blind"], r["coders"], r["documents"], r["codings"])
            for r in listed] == [("pilot", "open", True, ["ana", "ben"], 1, 6)]
    pilot("round", "close", "pilot")
    assert json.loads(pilot("round", "list", "-f", "json").stdout)[0]["status"] == "closed"
    again = pilot("round", "close", "pilot")
    assert again.exit_code == 1 and "already closed" in again.stderr
    missing = pilot("round", "status", "nope")
    assert missing.exit_code == 1 and "no round `nope`" in missing.stderr


def test_only_a_pi_creates_and_closes(pilot: Cli) -> None:
    made = pilot("round", "create", "second", "--coders", "ana", "--docs", "int_u", "--coder", "ben")
    assert made.exit_code == 1 and "only a PI can create rounds" in made.stderr
    shut = pilot("round", "close", "pilot", "--coder", "ana")
    assert shut.exit_code == 1 and "only a PI can close rounds" in shut.stderr
    assert json.loads(pilot("round", "list", "-f", "json").stdout)[0]["status"] == "open"


def test_create_checks(pilot: Cli, tmp_path: Path) -> None:
    for args, code, words in (
        (("pilot", "--coders", "ana", "--docs", "int_u"), 1, "a round named pilot exists"),
        (("r2", "--coders", "ana", "--docs", "int_t"), 1, "ana already codes int_t.txt in open "
         "round pilot"),
        (("r2", "--coders", "ana"), 2, "name the round's documents"),
        (("r2", "--coders", "ana", "--docs", "int_u", "--sample", "50%"), 2, "not both"),
        (("r2", "--coders", "ana", "--sample", "0%"), 2, "--sample takes"),
        (("r2", "--coders", "ana", "--sample", "9"), 2, "has 2 document(s)"),
        (("r2", "--coders", "consensus", "--docs", "int_u"), 2, "consensus layer"),
        (("r2", "--coders", "ana", "--docs", "nothing_like_it"), 1, "no document"),
    ):
        run = pilot("round", "create", *args)
        assert run.exit_code == code, (args, run.stderr)
        assert words in run.stderr, (args, run.stderr)
    assert len(json.loads(pilot("round", "list", "-f", "json").stdout)) == 1


def test_sample_is_seeded_and_docs_from_reads_a_codings_csv(cli: Cli, tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    cli("init", "--codebook", str(book), "--coder", "pia")
    for i in range(10):
        text = (TRANSCRIPT if i % 2 else OTHER) + f"\nInterviewer: Number {i}.\n"
        (tmp_path / f"int_{i:02}.txt").write_text(text, "utf-8")
    assert cli("import", *(str(tmp_path / f"int_{i:02}.txt") for i in range(10))).exit_code == 0
    first = cli("round", "create", "a", "--coders", "ana", "--sample", "30%", "--seed", "7")
    second = cli("round", "create", "b", "--coders", "ben", "--sample", "30%", "--seed", "7")
    assert first.exit_code == 0 and "on 3 document(s) (drawn with --seed 7)" in first.stderr
    picked = first.stderr.split("documents: ")[1].strip()
    assert picked == second.stderr.split("documents: ")[1].strip()
    other = cli("round", "create", "c", "--coders", "carl", "--sample", "3", "--seed", "8")
    assert other.stderr.split("documents: ")[1].strip() != picked
    csv_file = write_codings(tmp_path / "x.csv", "dan", [("int_04.txt", "barriers", 0, 3),
                                                          ("int_01.txt", "barriers", 0, 3)])
    from_csv = cli("round", "create", "d", "--coders", "dan", "--docs-from", str(csv_file))
    assert from_csv.exit_code == 0 and "on 2 document(s)" in from_csv.stderr
    status = list(csv.DictReader(io.StringIO(cli("round", "status", "d", "-f", "csv").stdout)))
    assert [(r["coder"], r["documents"], r["done"]) for r in status] == [("dan", "2", "0")]


def test_blind_round_needs_a_pi(cli: Cli, tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    cli("init", "--codebook", str(book))
    (tmp_path / "int_t.txt").write_text(TRANSCRIPT, "utf-8")
    cli("import", str(tmp_path / "int_t.txt"))
    blind = cli("round", "create", "r", "--coders", "ana", "--docs", "int_t", "--blind",
                "--coder", "ana")
    assert blind.exit_code == 1 and "needs a PI" in blind.stderr
    open_ = cli("round", "create", "r", "--coders", "ana", "--docs", "int_t", "--coder", "ana")
    assert open_.exit_code == 0, open_.stderr


def test_creating_and_closing_are_undone_like_any_action(pilot: Cli) -> None:
    made = pilot("round", "create", "second", "--coders", "carl", "--docs", "int_u")
    assert made.exit_code == 0, made.stderr
    undone = pilot("undo")
    assert undone.exit_code == 0 and "create round second" in undone.stderr
    assert [r["name"] for r in json.loads(pilot("round", "list", "-f", "json").stdout)] == ["pilot"]
    assert pilot("redo").exit_code == 0
    assert len(json.loads(pilot("round", "list", "-f", "json").stdout)) == 2
    pilot("tag", "int_u", "t1", "barriers", "--coder", "carl")
    pilot("round", "close", "second")
    assert pilot("undo").exit_code == 0  # the close
    assert json.loads(pilot("round", "list", "-f", "json").stdout)[1]["status"] == "open"
    kept = pilot("undo")  # the creation, now that carl coded in it
    assert kept.exit_code == 1 and "has codings now" in kept.stderr
    assert len(json.loads(pilot("round", "list", "-f", "json").stdout)) == 2


def test_a_coder_sees_only_her_own_progress_in_an_open_blind_round(
    pilot: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QCODE_CODER", "ben")
    rows = json.loads(pilot("round", "status", "pilot", "-f", "json").stdout)
    assert [(r["coder"], r["done"], r["codings"]) for r in rows] == [("ana", None, None), ("ben", 1, 3)]
    assert next(r for r in rows if r["coder"] == "ana")["last_activity"] is None
    coders = {r["name"]: r for r in json.loads(pilot("coders", "-f", "json").stdout)}
    # ana's three codings in the round are hidden from ben; her one on int_u is not
    assert (coders["ben"]["codings"], coders["ana"]["codings"]) == (3, 1)
    monkeypatch.delenv("QCODE_CODER")  # the default coder is the PI: she sees everyone's
    rows = json.loads(pilot("round", "status", "pilot", "-f", "json").stdout)
    assert [(r["coder"], r["done"], r["codings"]) for r in rows] == [("ana", 1, 3), ("ben", 1, 3)]
    pilot("round", "close", "pilot")
    monkeypatch.setenv("QCODE_CODER", "ben")
    rows = json.loads(pilot("round", "status", "pilot", "-f", "json").stdout)
    assert [(r["coder"], r["codings"]) for r in rows] == [("ana", 3), ("ben", 3)]


def test_stats_count_only_what_the_viewer_may_see(pilot: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = json.loads(pilot("stats", "-f", "json").stdout)  # the PI
    monkeypatch.setenv("QCODE_CODER", "ben")
    his = json.loads(pilot("stats", "-f", "json").stdout)
    # ben sees his three codings on the round's document and ana's one on int_u, not her three.
    assert (everything["headline"]["codings"], his["headline"]["codings"]) == (7, 4)
    assert (everything["headline"]["coders"], his["headline"]["coders"]) == (2, 2)
