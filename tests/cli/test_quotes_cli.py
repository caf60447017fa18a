"""`--quote` finds text as `search` does, `--occurrence` chooses, targets explain their mistakes,
and `tag`/`untag --format csv` write CSV."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import Cli

SERBIAN = """Intervjuer: Šta je bila najveća greška?

Ispitanik: Najveća greška je bila izvoz bez partnera.
Druga greška: izvoz   bez
partnera u Beču.

Intervjuer: A izvoz bez partnera danas?
"""


@pytest.fixture
def serbian(coded: Cli, tmp_path: Path) -> Cli:
    src = tmp_path / "int_002.txt"
    src.write_text(SERBIAN, "utf-8")
    assert coded("import", str(src)).exit_code == 0
    return coded


def _made(run: object) -> dict[str, object]:
    assert run.exit_code == 0, run.stderr  # type: ignore[attr-defined]
    return json.loads(run.stdout)[0]  # type: ignore[attr-defined,no-any-return]


def test_a_quote_pasted_in_nfd_is_found(coded: Cli) -> None:
    pasted = unicodedata.normalize("NFD", "Čačak je drugačiji")
    assert pasted != "Čačak je drugačiji"
    made = _made(coded("tag", "int_001", "--quote", pasted, "barriers", "-f", "json"))
    assert made["text"] == "Čačak je drugačiji"


def test_whitespace_runs_in_the_quote_or_the_text_match_any_whitespace(serbian: Cli) -> None:
    made = _made(serbian("tag", "int_002", "--quote", "izvoz bez partnera u", "barriers", "-f", "json"))
    assert made["text"] == "izvoz   bez\npartnera u"
    again = _made(serbian("tag", "int_002", "--quote", " Najveća\t greška\n je ", "diaspora", "-f", "json"))
    assert again["text"] == "Najveća greška je"


def test_a_quote_without_its_diacritics_offers_the_real_text(serbian: Cli) -> None:
    run = serbian("tag", "int_002", "--quote", "najveca greska je", "barriers")
    assert run.exit_code == 1
    assert run.stderr == ("error: quote not found in int_002.txt; did you mean "
                          "'Najveća greška je' at t2 l3?\n")
    several = serbian("tag", "int_002", "--quote", "NAJVECA GRESKA", "barriers")
    assert "did you mean 'najveća greška' at t1 l1, or 'Najveća greška' at t2 l3?" in several.stderr
    nowhere = serbian("tag", "int_002", "--quote", "Graz", "barriers")
    assert nowhere.exit_code == 1 and "did you mean" not in nowhere.stderr
    assert json.loads(serbian("codings", "-f", "json").stdout) == []


def test_occurrence_chooses_among_several(serbian: Cli) -> None:
    many = serbian("tag", "int_002", "--quote", "izvoz bez partnera", "barriers")
    assert many.exit_code == 1
    assert "occurs 3 times in int_002.txt: t2 l3, t2 l4, t3 l7" in many.stderr
    assert "--occurrence N (1 to 3)" in many.stderr
    second = _made(serbian("tag", "int_002", "--quote", "izvoz bez partnera", "--occurrence", "2",
                           "barriers", "-f", "json"))
    assert second["text"] == "izvoz   bez\npartnera"
    view = json.loads(serbian("show", "int_002", "-f", "json").stdout)
    assert second["start"] == view["text"].index("izvoz   bez")
    in_unit = _made(serbian("tag", "int_002", "t2", "--quote", "greška", "--occurrence", "2",
                            "diaspora", "-f", "json"))
    assert in_unit["start"] == view["text"].index("greška: izvoz")
    too_far = serbian("tag", "int_002", "t3", "--quote", "izvoz bez partnera", "--occurrence", "2",
                      "diaspora")
    assert too_far.exit_code == 1
    assert "--occurrence 2: the quote occurs only once in int_002.txt within that unit" in too_far.stderr
    alone = serbian("tag", "int_002", "t2", "--occurrence", "2", "diaspora")
    assert alone.exit_code == 2 and "give --quote" in alone.stderr
    zero = serbian("tag", "int_002", "--quote", "greška", "--occurrence", "0", "diaspora")
    assert zero.exit_code == 2


def test_untag_takes_the_same_quote_and_occurrence(serbian: Cli) -> None:
    made = _made(serbian("tag", "int_002", "--quote", "izvoz bez partnera", "--occurrence", "3",
                         "barriers", "-f", "json"))
    run = serbian("untag", "int_002", "--quote", "izvoz bez partnera", "--occurrence", "3",
                  "barriers", "-f", "json")
    assert run.exit_code == 0, run.stderr
    assert [c["id"] for c in json.loads(run.stdout)] == [made["id"]]


@pytest.mark.parametrize(("target", "says"), [
    ("c-5", "character span `c-5`: the start is missing or negative"),
    ("l10-2", "line target `l10-2` runs backwards (line 10 to 2); write l2-10"),
    ("t99999999999999999999", "is too large (at most 2147483647)"),
])
def test_a_bad_target_is_a_usage_error_naming_the_wrong_part(coded: Cli, target: str, says: str) -> None:
    for command in ("tag", "untag"):
        run = coded(command, "int_001", target, "diaspora")
        assert run.exit_code == 2, run.stderr
        assert run.stderr == f"error: {says}\n" or says in run.stderr
        assert "Traceback" not in run.stderr and "OverflowError" not in run.stderr


def test_tag_help_shows_the_target_grammar(coded: Cli) -> None:
    for command in ("tag", "untag"):
        run = coded(command, "--help")
        assert run.exit_code == 0
        for form in ("t14", "t12-t14", "p3", "s7", "l40-52", "c1200-1340", "--quote", "--occurrence"):
            assert form in run.stdout, (command, form)


def test_tag_and_untag_write_real_csv(coded: Cli) -> None:
    run = coded("tag", "int_001", "t2", "diaspora", "barriers", "-m", "=risky, \"quoted\"", "-f", "csv")
    assert run.exit_code == 0, run.stderr
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [r["code"] for r in rows] == ["diaspora", "barriers"]
    assert rows[0]["text"].startswith("Through my cousin in Vienna.") and "\n" in rows[0]["text"]
    assert rows[0]["memo"] == "'=risky, \"quoted\""
    assert set(rows[0]) == {"id", "document", "code", "coder", "start", "end", "text", "memo"}
    removed = coded("untag", rows[0]["id"], "-f", "csv")
    assert removed.exit_code == 0, removed.stderr
    assert [r["id"] for r in csv.DictReader(io.StringIO(removed.stdout))] == [rows[0]["id"]]
    recoded = coded("recode", rows[1]["id"], "diaspora", "-f", "csv")
    assert [r["code"] for r in csv.DictReader(io.StringIO(recoded.stdout))] == ["diaspora"]


@pytest.mark.parametrize("argv", [
    ["untag", "99999999999999999999"], ["recode", "99999999999999999999", "diaspora"],
    ["memo", "coding", "99999999999999999999"], ["memo", "coding", "99999999999999999999", "x"],
    ["log", "--limit", "99999999999999999999"], ["search", "x", "--limit", "99999999999999999999"],
    ["code", "int_001", "--from", "99999999999999999999"],
    ["retrieve", "diaspora", "--context", "99999999999999999999"],
])
def test_numbers_too_large_for_the_store_are_usage_errors(coded: Cli, argv: list[str]) -> None:
    run = coded(*argv)
    assert run.exit_code == 2, run.stderr
    assert "Overflow" not in run.stderr and "unexpected" not in run.stderr
    assert "99999999999999999999" in run.stderr


def test_every_number_a_command_takes_is_bounded_by_what_the_store_holds() -> None:
    import click

    from qcode.cli.main import all_commands
    from qcode.cli.output import MAX_NUMBER
    from qcode.coding.targets import MAX_NUMBER as CORE_MAX

    assert MAX_NUMBER == CORE_MAX == 2**31 - 1

    def params(group: click.Group) -> list[tuple[str, click.Parameter]]:
        found = []
        for name, command in group.commands.items():
            if isinstance(command, click.Group):
                found += params(command)
            else:
                found += [(name, p) for p in command.params]
        return found

    unbounded = [f"{name} {p.name}" for name, p in params(all_commands())  # type: ignore[arg-type]
                 if isinstance(p.type, click.types.IntParamType)
                 and not (isinstance(p.type, click.IntRange) and p.type.max is not None
                          and p.type.max <= MAX_NUMBER)]
    assert not unbounded
