"""The blind rule: until a PI closes an open blind round, a coder sees only their own codings on
its documents, in every command that shows codings; a PI sees all."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Cli


def _as(cli: Cli, monkeypatch: pytest.MonkeyPatch, who: str | None, *args: str) -> object:
    if who is None:
        monkeypatch.delenv("QCODE_CODER", raising=False)
    else:
        monkeypatch.setenv("QCODE_CODER", who)
    run = cli(*args)
    assert run.exit_code == 0, (args, run.stderr)
    return json.loads(run.stdout) if "json" in args else run.stdout


def _seen(rows: object, document: str = "int_t.txt") -> set[tuple[str, str]]:
    assert isinstance(rows, list)
    return {(r["coder"], r["code"]) for r in rows if r.get("document", document) == document}


ANA = {("ana", "barriers"), ("ana", "diaspora")}
BEN = {("ben", "barriers"), ("ben", "diaspora"), ("ben", "owner_emigration")}


def test_codings_show_and_retrieve(pilot: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _seen(_as(pilot, monkeypatch, None, "codings", "-f", "json")) == ANA | BEN  # pia, PI
    ben = _as(pilot, monkeypatch, "ben", "codings", "-f", "json")
    assert _seen(ben) == BEN
    assert _seen(ben, "int_u.txt") == {("ana", "barriers")}  # in no round: not hidden
    assert _as(pilot, monkeypatch, "ben", "codings", "--coder", "ana", "--doc", "int_t", "-f",
               "json") == []  # fmt: skip
    shown = _as(pilot, monkeypatch, "ben", "show", "int_t", "-f", "json")
    assert {(m["coder"], m["code"]) for m in shown["codings"]} == BEN  # type: ignore[index]
    plain = _as(pilot, monkeypatch, "ben", "show", "int_t")
    assert "diaspora(ben)" in str(plain) and "(ana)" not in str(plain)
    assert "(ana)" in str(_as(pilot, monkeypatch, None, "show", "int_t"))
    found = _as(pilot, monkeypatch, "ben", "retrieve", "diaspora", "-f", "json")
    assert {(p["coder"], p["document"]) for p in found} == {("ben", "int_t.txt")}  # type: ignore[union-attr]
    assert len(_as(pilot, monkeypatch, "pia", "retrieve", "diaspora", "-f", "json")) == 3  # type: ignore[arg-type]
    assert _seen(_as(pilot, monkeypatch, "ana", "codings", "-f", "json")) == ANA
    assert _as(pilot, monkeypatch, "zed", "codings", "--doc", "int_t", "-f", "json") == []


def test_search_docs_and_log(pilot: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # "Fifteen" is in turn 4, which only ana coded with diaspora.
    pia = _as(pilot, monkeypatch, "pia", "search", "Fifteen", "--code", "diaspora", "-f", "json")
    ben = _as(pilot, monkeypatch, "ben", "search", "Fifteen", "--code", "diaspora", "-f", "json")
    assert len(pia) == 1 and ben == []  # type: ignore[arg-type]
    docs = {d["name"]: d["codings"] for d in _as(pilot, monkeypatch, "ben", "docs", "-f", "json")}  # type: ignore[union-attr]
    assert docs == {"int_t.txt": 3, "int_u.txt": 1}
    all_docs = _as(pilot, monkeypatch, "pia", "docs", "-f", "json")
    assert {d["name"]: d["codings"] for d in all_docs}["int_t.txt"] == 6  # type: ignore[union-attr]
    log = str(_as(pilot, monkeypatch, "ben", "log", "--limit", "0"))
    full = str(_as(pilot, monkeypatch, "pia", "log", "--limit", "0"))

    def anas(text: str) -> list[str]:
        return [line for line in text.splitlines() if "int_t.txt" in line and "(ana)" in line]

    # An import is logged as one event per coder and round: ben's, ana's in the round, ana's
    # on int_u; ben does not see ana's in the blind round.
    assert anas(log) == [] and len(anas(full)) == 1
    assert log.count("import-coding (ben) 3 codings in int_t.txt") == 1
    assert log.count("import-coding (ana) 1 coding in int_u.txt: barriers") == 1
    assert full.count("import-coding (") == 3


def test_agreement_and_disagreements_are_a_pis_until_the_round_closes(
    pilot: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    for command in ("agreement", "disagreements"):
        monkeypatch.setenv("QCODE_CODER", "ben")
        refused = pilot(command, "--coders", "ana,ben", "--unit", "turn")
        assert refused.exit_code == 1 and refused.stdout == ""
        assert "blind round pilot, which is hidden from ben" in refused.stderr
        monkeypatch.setenv("QCODE_CODER", "pia")
        assert pilot(command, "--coders", "ana,ben", "--unit", "turn").exit_code == 0
    monkeypatch.setenv("QCODE_CODER", "ben")
    elsewhere = pilot("agreement", "--coders", "ana,ben", "--unit", "turn")
    assert elsewhere.exit_code == 1  # int_t is the only document both coded
    monkeypatch.delenv("QCODE_CODER")
    assert pilot("round", "close", "pilot").exit_code == 0
    monkeypatch.setenv("QCODE_CODER", "ben")
    assert pilot("agreement", "--coders", "ana,ben", "--unit", "turn").exit_code == 0
    assert _seen(_as(pilot, monkeypatch, "ben", "codings", "-f", "json")) == ANA | BEN


def test_consensus_layer_is_hidden_too(pilot: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QCODE_CODER", raising=False)
    made = pilot("consensus", "build", "--round", "pilot")
    assert made.exit_code == 0, made.stderr
    assert len(_as(pilot, monkeypatch, "pia", "codings", "--coder", "consensus", "-f", "json")) == 1  # type: ignore[arg-type]
    assert _as(pilot, monkeypatch, "ben", "codings", "--coder", "consensus", "-f", "json") == []
    shown = _as(pilot, monkeypatch, "ben", "show", "int_t", "--coder", "consensus", "-f", "json")
    assert shown["codings"] == []  # type: ignore[index]


def test_the_interactive_session_shows_the_coder_it_codes_as(pilot: Cli) -> None:
    # The default coder is carl, who is no PI: the session still shows ben his own codings,
    # and never ana's (she has diaspora on turn 4).
    assert pilot("coders", "--set-default", "carl").exit_code == 0
    run = pilot("code", "int_t", "--coder", "ben", "--from", "4", input="x\n")
    assert run.exit_code == 0, run.stderr
    assert "codes (ben): owner_emigration" in run.stdout and "diaspora" not in run.stdout


def test_memo_threads_of_hidden_codings(pilot: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    anas = _as(pilot, monkeypatch, "pia", "codings", "--coder", "ana", "--doc", "int_t", "-f",
               "json")  # fmt: skip
    first = str(anas[0]["id"])  # type: ignore[index]
    assert pilot("memo", "coding", first, "check the boundary", "--coder", "ana").exit_code == 0
    monkeypatch.setenv("QCODE_CODER", "ben")
    hidden = pilot("memo", "coding", first)
    assert hidden.exit_code == 1 and f"no coding {first}" in hidden.stderr
    assert "check the boundary" not in hidden.stdout
    monkeypatch.setenv("QCODE_CODER", "ana")
    assert "check the boundary" in pilot("memo", "coding", first).stdout
