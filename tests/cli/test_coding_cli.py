"""Tagging from the terminal: tag, untag, recode, memo, coders, codings, log, undo, redo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import TRANSCRIPT
from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli


def _codings(cli: Cli, *args: str) -> list[dict[str, object]]:
    run = cli("codings", "--format", "json", *args)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)  # type: ignore[no-any-return]


def test_tag_a_turn_uses_the_default_coder(coded: Cli) -> None:
    run = coded("tag", "int_001", "t2", "diaspora")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("coded 1\tint_001.txt\t")
    rows = _codings(coded)
    assert len(rows) == 1
    row = rows[0]
    assert row["coder"] == "ana" and row["code"] == "diaspora"
    assert row["text"] == "Through my cousin in Vienna. He knew a firm.\nThe firm in Vienna needed welders."
    assert row["speaker"] == "Respondent" and row["turn"] == 2


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("s3", "He knew a firm."),
        ("l4", "The firm in Vienna needed welders."),
        ("l3-4", "Respondent: Through my cousin in Vienna. He knew a firm.\n"
                 "The firm in Vienna needed welders."),
        ("t2-t3", None),
        ("c0-11", "Interviewer"),
    ],
)
def test_targets(coded: Cli, target: str, expected: str | None) -> None:
    run = coded("tag", "int_001", target, "barriers", "--format", "json")
    assert run.exit_code == 0, run.stderr
    created = json.loads(run.stdout)
    if expected is not None:
        assert created[0]["text"] == expected
    else:
        assert created[0]["text"].startswith("Through my cousin") and created[0]["text"].endswith("у зони?")


def test_quote_in_cyrillic_with_emoji_offsets(coded: Cli) -> None:
    run = coded("tag", "int_001", "--quote", "научили ништа од њих 🙂", "barriers", "-f", "json")
    assert run.exit_code == 0, run.stderr
    made = json.loads(run.stdout)[0]
    view = json.loads(coded("show", "int_001", "--format", "json").stdout)
    assert view["text"][made["start"]:made["end"]] == "научили ништа од њих 🙂"
    assert made["end"] - made["start"] == len("научили ништа од њих 🙂")


def test_quote_across_a_line_break_and_within_a_unit(coded: Cli) -> None:
    run = coded("tag", "int_001", "--quote", "a firm. The firm", "diaspora", "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)[0]["text"] == "a firm.\nThe firm"
    within = coded("tag", "int_001", "l4", "--quote", "Vienna", "barriers", "-f", "json")
    assert within.exit_code == 0, within.stderr
    assert json.loads(within.stdout)[0]["start"] > json.loads(run.stdout)[0]["start"]


def test_ambiguous_and_missing_quotes_list_candidates(coded: Cli) -> None:
    amb = coded("tag", "int_001", "--quote", "Vienna", "diaspora")
    assert amb.exit_code == 1
    assert "occurs 2 times" in amb.stderr and "t2 l3" in amb.stderr and "t2 l4" in amb.stderr
    missing = coded("tag", "int_001", "--quote", "vienna needed", "diaspora")
    assert missing.exit_code == 1 and "did you mean 'Vienna needed' at t2 l4?" in missing.stderr
    nowhere = coded("tag", "int_001", "--quote", "Graz", "diaspora")
    assert nowhere.exit_code == 1 and "quote not found" in nowhere.stderr


def test_same_coding_twice_is_not_duplicated(coded: Cli) -> None:
    coded("tag", "int_001", "t2", "diaspora")
    again = coded("tag", "int_001", "t2", "diaspora")
    assert again.exit_code == 0 and "already coded" in again.stderr and again.stdout == ""
    assert len(_codings(coded)) == 1
    coded("tag", "int_001", "s3", "diaspora")  # nested: allowed
    assert len(_codings(coded)) == 2


def test_code_names_prefix_path_and_suggestions(coded: Cli) -> None:
    assert coded("tag", "int_001", "t2", "dias").exit_code == 0
    assert coded("tag", "int_001", "t2", "sources/owner_emigration").exit_code == 0
    assert coded("tag", "int_001", "t2", "Barriers").exit_code == 0
    unknown = coded("tag", "int_001", "t2", "diaspra")
    assert unknown.exit_code == 1 and "did you mean diaspora" in unknown.stderr
    assert {r["code"] for r in _codings(coded)} == {"diaspora", "owner_emigration", "barriers"}


def test_bad_targets(coded: Cli) -> None:
    assert coded("tag", "int_001", "t99", "diaspora").exit_code == 1
    assert "has no turn 99 (it has 4)" in coded("tag", "int_001", "t99", "diaspora").stderr
    assert coded("tag", "int_001", "c50-10", "diaspora").exit_code == 2
    assert coded("tag", "int_001", "c0-99999", "diaspora").exit_code == 1
    assert coded("tag", "int_001", "diaspora").exit_code == 2  # no target, no quote
    assert _codings(coded) == []


def test_no_coder_known_is_a_clear_error(project: Cli, tmp_path: Path) -> None:
    book = tmp_path / "b.yaml"
    book.write_text(V1, "utf-8")
    project("codebook", "load", str(book))
    (tmp_path / "d.txt").write_text(TRANSCRIPT, "utf-8")
    project("import", str(tmp_path / "d.txt"))
    run = project("tag", "d", "t1", "diaspora")
    assert run.exit_code == 1 and "--coder NAME" in run.stderr and "QCODE_CODER" in run.stderr
    assert project("tag", "d", "t1", "diaspora", "--coder", "bo").exit_code == 0


def test_untag_by_id_and_by_target(coded: Cli) -> None:
    coded("tag", "int_001", "t2", "diaspora", "barriers")
    removed = coded("untag", "int_001", "t2", "barriers")
    assert removed.exit_code == 0 and removed.stdout.startswith("removed 2")
    assert [r["code"] for r in _codings(coded)] == ["diaspora"]
    assert coded("untag", "1").exit_code == 0
    assert _codings(coded) == []
    assert coded("untag", "1").exit_code == 1


def test_other_coders_work_is_protected(coded: Cli) -> None:
    coded("tag", "int_001", "t2", "diaspora", "--coder", "bo")
    refused = coded("untag", "1")
    assert refused.exit_code == 1 and "belongs to bo" in refused.stderr
    assert coded("recode", "1", "barriers").exit_code == 1
    assert coded("untag", "1", "--force").exit_code == 0


def test_recode_keeps_memo_and_history(coded: Cli) -> None:
    coded("tag", "int_001", "t2", "diaspora", "--memo", "cousin = diaspora?")
    run = coded("recode", "1", "owner_emigration")
    assert run.exit_code == 0, run.stderr
    row = _codings(coded)[0]
    assert row["code"] == "owner_emigration" and row["memo"] == "cousin = diaspora?"
    log = json.loads(coded("log", "--format", "json").stdout)
    assert [e["action"] for e in log][-3:] == ["tag", "memo", "recode"]  # the memo is its entry


def test_memos_on_every_target(coded: Cli) -> None:
    coded("tag", "int_001", "t2", "diaspora")
    assert coded("memo", "coding", "1", "first", "contact").exit_code == 0
    assert _codings(coded)[0]["memo"] == "first contact"
    assert coded("memo", "document", "int_001", "Recorded in a café.").exit_code == 0
    assert coded("memo", "code", "diaspora", "Check against owner_emigration").exit_code == 0
    assert coded("memo", "project", "Pilot round.").exit_code == 0
    shown = json.loads(coded("memo", "document", "int_001", "--format", "json").stdout)
    assert shown[0]["text"] == "Recorded in a café." and shown[0]["coder"] == "ana"
    assert "Pilot round." in coded("memo", "project").stdout
    assert coded("memo", "shelf", "x").exit_code == 2


def test_undo_and_redo_a_coders_own_actions(coded: Cli) -> None:
    coded("tag", "int_001", "t2", "diaspora", "barriers")  # one action, two codings
    coded("tag", "int_001", "t4", "barriers")
    coded("tag", "int_001", "t1", "barriers", "--coder", "bo")
    undo = coded("undo")
    assert undo.exit_code == 0 and "undid tag (1 change)" in undo.stderr
    assert sorted((r["coder"], r["turn"]) for r in _codings(coded)) == [("ana", 2), ("ana", 2), ("bo", 1)]
    assert "2 changes" in coded("undo").stderr
    assert [r["coder"] for r in _codings(coded)] == ["bo"]  # bo's work untouched
    assert coded("undo").exit_code == 1  # nothing left for ana
    assert coded("redo").exit_code == 0
    assert len(_codings(coded, "--coder", "ana")) == 2
    assert coded("redo").exit_code == 0
    assert len(_codings(coded, "--coder", "ana")) == 3
    assert coded("redo").exit_code == 1


def test_undo_untag_restores_the_same_coding(coded: Cli) -> None:
    coded("tag", "int_001", "t2", "diaspora", "--memo", "m")
    before = _codings(coded)
    coded("untag", "1")
    coded("undo")
    assert _codings(coded) == before


def test_new_action_clears_redo(coded: Cli) -> None:
    coded("tag", "int_001", "t2", "diaspora")
    coded("undo")
    coded("tag", "int_001", "t4", "barriers")
    assert coded("redo").exit_code == 1


def test_undo_refuses_when_someone_changed_the_coding_since(coded: Cli) -> None:
    coded("tag", "int_001", "t2", "diaspora")
    coded("recode", "1", "barriers", "--coder", "pi", "--force")
    run = coded("undo")
    assert run.exit_code == 1 and "changed since" in run.stderr
    assert _codings(coded)[0]["code"] == "barriers"


def test_codings_filters_and_coders_list(coded: Cli, tmp_path: Path) -> None:
    coded("tag", "int_001", "t2", "diaspora")
    coded("tag", "int_001", "t4", "barriers", "--coder", "bo")
    assert [r["code"] for r in _codings(coded, "--code", "sources")] == ["diaspora"]
    assert [r["coder"] for r in _codings(coded, "--coder", "bo")] == ["bo"]
    assert len(_codings(coded, "--speaker", "respondent")) == 2
    assert _codings(coded, "--speaker", "Interviewer") == []
    cases = tmp_path / "cases.csv"
    cases.write_text("document,case,sector\nint_001.txt,F1,IT\n", "utf-8")
    coded("import", "--cases", str(cases))
    assert len(_codings(coded, "--where", "sector=IT")) == 2
    food = coded("codings", "--where", "sector=food")
    assert food.exit_code == 1 and "no case has sector=food" in food.stderr and food.stdout == ""
    coders = json.loads(coded("coders", "--format", "json").stdout)
    assert [(c["name"], c["codings"]) for c in coders] == [("ana", 1), ("bo", 1)]
    header = coded("codings", "--format", "csv").stdout.splitlines()[0]
    assert header == "document,coder,code,start,end,memo"


def test_log_filters(coded: Cli) -> None:
    coded("tag", "int_001", "t2", "diaspora")
    coded("tag", "int_001", "t4", "barriers", "--coder", "bo")
    rows = json.loads(coded("log", "--coder", "bo", "--format", "json").stdout)
    assert [r["action"] for r in rows] == ["tag"] and rows[0]["actor"] == "bo"
    assert len(json.loads(coded("log", "--action", "codebook.load", "-f", "json").stdout)) == 1
