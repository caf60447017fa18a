"""`qcode code DOC`: the interactive coding session, driven through stdin."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import TRANSCRIPT
from tests.cli.test_codebook_cli import V1
from tests.conftest import Cli, Run


def _session(cli: Cli, keys: str, *args: str) -> Run:
    run = cli("code", "int_001", *args, input=keys)
    assert run.exit_code == 0, run.stderr
    return run


def _codings(cli: Cli) -> list[dict[str, object]]:
    run = cli("codings", "--format", "json")
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def _by_turn(cli: Cli) -> set[tuple[object, object]]:
    return {(row["turn"], row["code"]) for row in _codings(cli)}


def test_tag_units_by_id_prefix_and_label(coded: Cli) -> None:
    run = _session(coded, 'diaspora\nn\nbarr "Owner\'s emigration"\nx\n')
    assert _by_turn(coded) == {(1, "diaspora"), (2, "barriers"), (2, "owner_emigration")}
    assert all(row["coder"] == "ana" for row in _codings(coded))
    # The unit display is on stdout: number, position, speaker, lines, text, this coder's codes.
    assert "[t1] 1 of 4 · Interviewer · l1\nHow did you find buyers abroad?\ncodes (ana): -" in run.stdout
    assert "[t2] 2 of 4 · Respondent · l3-4\nThrough my cousin in Vienna." in run.stdout
    assert "codes (ana): barriers, owner_emigration" in run.stdout
    # Prompts, echoed commands and messages are on stderr, never on stdout.
    assert "t1> diaspora\ncoded diaspora" in run.stderr
    assert "t1>" not in run.stdout and "coded" not in run.stdout
    assert run.stderr.rstrip().endswith(
        "session ended on int_001.txt as ana: 3 codings added, 0 removed")


def test_codes_already_on_the_unit_are_shown(coded: Cli) -> None:
    assert coded("tag", "int_001", "t2", "diaspora").exit_code == 0
    assert coded("tag", "int_001", "s3", "barriers").exit_code == 0
    assert coded("tag", "int_001", "t2", "sources", "--coder", "bo").exit_code == 0
    run = _session(coded, "x\n", "--from", "2")
    assert 'codes (ana): diaspora, barriers "He knew a firm."' in run.stdout
    assert "sources" not in run.stdout  # bo's coding is not ana's


def test_navigation_next_previous_goto_and_from(coded: Cli) -> None:
    run = _session(coded, "barriers\np\ndiaspora\np\np\ng 4\nn\nsources\n\ng t1\nx\n", "--from", "3")
    assert _by_turn(coded) == {(3, "barriers"), (2, "diaspora"), (4, "sources")}
    assert run.stdout.index("[t3] 3 of 4") < run.stdout.index("[t2] 2 of 4")
    assert "this is the first turn" in run.stderr  # p from t1
    assert "this is the last turn" in run.stderr  # n and Enter at t4
    assert "[t1] 1 of 4" in run.stdout
    bad = _session(coded, "g 9\ng x\nx\n")
    assert "no turn 9 to show (the last is t4)" in bad.stderr
    assert "g takes a turn number" in bad.stderr


def test_speaker_filter_skips_other_speakers(coded: Cli) -> None:
    run = _session(coded, "diaspora\n\nbarriers\np\ng 3\nx\n", "--speaker", "respondent")
    assert _by_turn(coded) == {(2, "diaspora"), (4, "barriers")}
    assert "[t2] 1 of 2 · Respondent" in run.stdout and "[t4] 2 of 2 · Respondent" in run.stdout
    assert "Interviewer" not in run.stdout
    assert run.stdout.count("[t4]") == 2  # `g 3` lands on the next Respondent turn
    missing = coded("code", "int_001", "--speaker", "Moderator", input="x\n")
    assert missing.exit_code == 1
    assert "has no turns by Moderator" in missing.stderr and "Interviewer, Respondent" in missing.stderr


def test_from_past_the_end_is_an_argument_error(coded: Cli) -> None:
    run = coded("code", "int_001", "--from", "9", input="x\n")
    assert run.exit_code == 2 and "no turn 9 to show" in run.stderr


def test_sentences_and_paragraphs(coded: Cli) -> None:
    run = _session(coded, "g 3\nbarriers\nx\n", "--unit", "sentence")
    assert "[s3]" in run.stdout and "He knew a firm." in run.stdout
    assert [row["text"] for row in _codings(coded)] == ["He knew a firm."]
    para = _session(coded, "x\n", "--unit", "paragraph", "--speaker", "Respondent")
    assert para.stdout.lstrip().startswith("[p2] 1 of 2 · Respondent")


def test_quote_within_the_unit_in_cyrillic(coded: Cli) -> None:
    keys = 'q "научили ништа од њих 🙂" barriers\nq "Vienna" diaspora\nq\nq "unclosed\nx\n'
    run = _session(coded, keys, "--from", "4")
    rows = _codings(coded)
    assert [(r["code"], r["text"], r["turn"]) for r in rows] == [
        ("barriers", "научили ништа од њих 🙂", 4)]
    view = json.loads(coded("show", "int_001", "--format", "json").stdout)
    assert view["text"][rows[0]["start"]:rows[0]["end"]] == "научили ништа од њих 🙂"
    assert 'codes (ana): barriers "научили ништа од њих 🙂"' in run.stdout
    assert "quote not found in int_001.txt within that unit" in run.stderr
    assert "q takes a quote and codes" in run.stderr
    assert "cannot read" in run.stderr


def test_quote_across_a_line_break(coded: Cli) -> None:
    _session(coded, 'q "a firm. The firm" diaspora\nx\n', "--from", "2")
    assert [r["text"] for r in _codings(coded)] == ["a firm.\nThe firm"]


def test_remove_codings_on_the_unit(coded: Cli) -> None:
    keys = 'diaspora barriers\nq "He knew" sources\n- barriers\n-sour\n- diaspora\n- diaspora\nx\n'
    run = _session(coded, keys, "--from", "2")
    assert _codings(coded) == []
    assert "removed barriers" in run.stderr and "removed sources" in run.stderr
    assert "ana has no diaspora coding on t2" in run.stderr
    assert "no coding to write on yet" in _session(coded, "diaspora\n-diaspora\nm x\nx\n").stderr
    assert "3 codings added, 3 removed" in run.stderr
    assert run.stdout.rstrip().endswith("codes (ana): -")


def test_remove_asks_for_an_id_when_several_codings_match(coded: Cli) -> None:
    run = _session(coded, 'q "Through" barriers\nq "welders" barriers\n- barriers\nx\n',
                   "--from", "2")
    assert len(_codings(coded)) == 2
    assert "2 barriers codings on t2 (ids 1 2)" in run.stderr and "qcode untag ID" in run.stderr


def test_memo_on_the_last_tag(coded: Cli) -> None:
    run = _session(coded, "m too early\ndiaspora barriers\nm cousin as a broker\nx\n",
                   "--from", "2")
    assert "no coding to write on yet" in run.stderr
    assert {(r["code"], r["memo"]) for r in _codings(coded)} == {
        ("diaspora", "cousin as a broker"), ("barriers", "cousin as a broker")}


def test_undo_and_redo_in_the_session_then_qcode_undo(coded: Cli) -> None:
    run = _session(coded, "diaspora\nbarriers\nu\nr\nu\nx\n")
    assert _by_turn(coded) == {(1, "diaspora")}
    assert "undid tag: tag int_001.txt" in run.stderr and "redid tag" in run.stderr
    assert "3 codings added, 2 removed" in run.stderr
    undo = coded("undo")
    assert undo.exit_code == 0, undo.stderr
    assert _codings(coded) == []
    nothing = _session(coded, "u\nx\n")
    assert "nothing to undo for ana" in nothing.stderr


def test_undo_reverses_a_removal(coded: Cli) -> None:
    run = _session(coded, "diaspora\n- diaspora\nu\nx\n")
    assert _by_turn(coded) == {(1, "diaspora")}
    assert "2 codings added, 1 removed" in run.stderr


def test_each_action_is_its_own_batch(coded: Cli) -> None:
    _session(coded, "diaspora\nbarriers\nn\nsources\nm a note\n- sources\nu\nx\n")
    log = coded("log", "--coder", "ana", "--format", "json")
    assert log.exit_code == 0, log.stderr
    events = [e for e in json.loads(log.stdout) if e["action"] != "add-coder"]  # from init
    assert [e["action"] for e in events] == ["tag", "tag", "tag", "memo", "untag", "undo"]
    assert len({e["batch"] for e in events}) == 6
    assert all(e["actor"] == "ana" for e in events)


def test_unknown_code_keeps_the_session_alive(coded: Cli) -> None:
    run = _session(coded, "diaspra\nnope\ndiaspora\nx\n")
    assert "error: no code `diaspra` (did you mean diaspora?)" in run.stderr
    assert "error: no code `nope`" in run.stderr
    assert _by_turn(coded) == {(1, "diaspora")}
    assert "1 coding added, 0 removed" in run.stderr


def test_eof_ends_cleanly(coded: Cli) -> None:
    run = _session(coded, "diaspora\nn")  # no final newline, no `x`
    assert _by_turn(coded) == {(1, "diaspora")}
    assert "[t2]" in run.stdout
    assert "session ended on int_001.txt as ana: 1 coding added, 0 removed" in run.stderr
    empty = _session(coded, "")
    assert "0 codings added, 0 removed" in empty.stderr


def test_help_and_code_list(coded: Cli) -> None:
    run = _session(coded, "?\nl\nhelp\nquit\n")
    assert run.stderr.count("commands at the prompt:") == 2
    assert 'q "QUOTE" CODE...' in run.stderr
    assert "sources  Knowledge sources\n  diaspora  Diaspora networks\n" in run.stdout
    assert "barriers  Barriers" in run.stdout
    assert _codings(coded) == []
    helptext = coded("code", "--help")
    assert "m TEXT" in helptext.stdout and "--speaker" in helptext.stdout


def test_another_coder(coded: Cli) -> None:
    run = _session(coded, "diaspora\nx\n", "--coder", "bo")
    assert "codes (bo): diaspora" in run.stdout
    assert {(r["coder"], r["code"]) for r in _codings(coded)} == {("bo", "diaspora")}


def test_no_coder_known_is_a_clear_error(cli: Cli, tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(book)).exit_code == 0
    (tmp_path / "d.txt").write_text(TRANSCRIPT, "utf-8")
    assert cli("import", str(tmp_path / "d.txt")).exit_code == 0
    run = cli("code", "d", input="diaspora\n")
    assert run.exit_code == 1 and "--coder NAME" in run.stderr and run.stdout == ""


def test_unknown_document(coded: Cli) -> None:
    run = coded("code", "int_002", input="x\n")
    assert run.exit_code == 1 and "no document `int_002`" in run.stderr


def test_one_letter_never_codes_without_asking(coded: Cli) -> None:
    # `b` is a typo for `n` as often as it is `barriers`: the answer `x` is no, then EOF ends.
    run = _session(coded, "b\nx\n")
    assert _codings(coded) == []
    assert "`b` is barriers (Barriers): tag t1 with it? [y/N] " in run.stderr
    assert "not coded with `b`" in run.stderr
    yes = _session(coded, "d\ny\nn\nbarriers d\nno\n")
    assert _by_turn(coded) == {(1, "diaspora"), (2, "barriers")}
    assert yes.stderr.count("tag t") == 2  # `barriers`, typed in full, is not asked about


def test_two_letters_ask_too_and_three_do_not(coded: Cli) -> None:
    run = _session(coded, "ba\nyes\nn\nbar\nx\n")
    assert _by_turn(coded) == {(1, "barriers"), (2, "barriers")}
    assert run.stderr.count("[y/N]") == 1


def test_a_name_that_could_mean_several_codes_asks_which(coded: Cli, tmp_path: Path) -> None:
    book = tmp_path / "more.yaml"
    book.write_text(V1 + "  - id: diaspora_return\n    label: Return migration\n"
                    "    definition: Came back with know-how.\n", "utf-8")
    assert coded("codebook", "load", str(book)).exit_code == 0
    run = _session(coded, "diasp\n2\nn\ndiasp\n\nn\ndiasp\n7\nx\n")
    assert _by_turn(coded) == {(1, "diaspora_return")}
    assert "   1  diaspora  Diaspora networks\n   2  diaspora_return  Return migration" in run.stderr
    assert run.stderr.count("`diasp` could be any of these: which one (1-2, Enter for none)?") == 3
    assert run.stderr.count("not coded with `diasp`") == 2
    assert _session(coded, "diaspora\nx\n", "--from", "4").stderr.count("which one") == 0
