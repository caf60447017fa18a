"""`--where` means the same in every command that filters by case: a name or value no case has
is an error naming the near ones, and values match as `search` matches text unless `--exact`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import TRANSCRIPT
from tests.conftest import Cli

CASES = "document,case,sector,Region\nint_001.txt,F1,IT services,Čačak\nint_002.txt,F2,Metal,Niš\n"

# Each command that filters by case, with the rest of its arguments; `--where` goes last.
FILTERING = {
    "codings": ["codings"],
    "retrieve": ["retrieve", "diaspora"],
    "autocode": ["autocode", "barriers", "--words", "vienna", "--dry-run"],
    "search": ["search", "vienna"],
    "export segments": ["export", "segments"],
    "export frequencies": ["export", "frequencies", "--by", "document"],
    "export matrix": ["export", "matrix", "--per", "document"],
}
# Commands whose rows name no document: their filters are checked for the errors only.
ERRORS_ONLY = {
    "export cooccurrence": ["export", "cooccurrence"],
    "export codebook": ["export", "codebook"],
    "report": ["report", "-o", "report.html"],
}


@pytest.fixture
def cases(coded: Cli, tmp_path: Path) -> Cli:
    second = tmp_path / "int_002.txt"
    second.write_text(TRANSCRIPT.replace("Vienna", "Graz"), "utf-8")
    table = tmp_path / "cases.csv"
    table.write_text(CASES, "utf-8")
    assert coded("import", str(second), "--cases", str(table)).exit_code == 0
    for doc in ("int_001", "int_002"):
        assert coded("tag", doc, "t2", "diaspora").exit_code == 0
    return coded


def _documents(cli: Cli, command: str, *where: str) -> list[str]:
    run = cli(*FILTERING[command], *where, "--format", "json")
    assert run.exit_code == 0, run.stderr
    return sorted({row["document"] for row in json.loads(run.stdout)})


@pytest.mark.parametrize("command", [*FILTERING, *ERRORS_ONLY])
def test_an_unknown_attribute_is_an_error_naming_the_near_one(cases: Cli, command: str) -> None:
    run = cases(*{**FILTERING, **ERRORS_ONLY}[command], "--where", "sectr=IT services")
    assert run.exit_code == 1
    assert run.stderr == "error: no case attribute `sectr` (did you mean sector?)\n"
    assert run.stdout == ""


@pytest.mark.parametrize("command", [*FILTERING, *ERRORS_ONLY])
def test_a_value_no_case_has_is_an_error_naming_the_near_one(cases: Cli, command: str) -> None:
    argv = {**FILTERING, **ERRORS_ONLY}[command]
    run = cases(*argv, "--where", "sector=IT servics")
    assert run.exit_code == 1
    assert run.stderr == "error: no case has sector=IT servics (did you mean IT services?)\n"
    far = cases(*argv, "--where", "sector=food")
    assert far.exit_code == 1
    assert "values of sector: IT services, Metal" in far.stderr


@pytest.mark.parametrize("command", list(FILTERING))
def test_values_match_without_capitals_and_diacritics_unless_exact(cases: Cli, command: str) -> None:
    first = "int_001.txt"
    assert _documents(cases, command, "--where", "region=cacak") == [first]
    assert _documents(cases, command, "--where", "SECTOR=it SERVICES") == [first]
    assert _documents(cases, command, "--where", "Region=Čačak", "--exact") == [first]
    exact = cases(*FILTERING[command], "--where", "region=cacak", "--exact")
    assert exact.exit_code == 1
    assert "no case has Region=cacak exactly (did you mean Čačak?" in exact.stderr
    both = cases(*FILTERING[command], "--where", "region=nis", "--where", "sector=IT services",
                 "--format", "json")
    assert both.exit_code == 0 and json.loads(both.stdout) == []  # each holds somewhere, not together


def test_a_project_without_case_attributes_says_how_to_get_them(coded: Cli) -> None:
    run = coded("codings", "--where", "sector=IT")
    assert run.exit_code == 1
    assert "the project's cases have no attributes" in run.stderr and "--cases FILE" in run.stderr


def test_autocode_writes_nothing_when_the_filter_is_wrong(cases: Cli) -> None:
    before = cases("codings", "-f", "json").stdout
    run = cases("autocode", "barriers", "--words", "vienna", "--where", "sector=Metl")
    assert run.exit_code == 1 and "did you mean Metal?" in run.stderr
    assert cases("codings", "-f", "json").stdout == before


def test_every_command_that_filters_by_case_is_checked_here() -> None:

    from qcode.cli.main import all_commands

    def walk(group: object, prefix: str = "") -> dict[str, object]:
        found = {}
        for name, command in group.commands.items():  # type: ignore[attr-defined]
            if hasattr(command, "commands"):
                found.update(walk(command, f"{prefix}{name} "))
            else:
                found[f"{prefix}{name}"] = command
        return found

    commands = walk(all_commands())
    filtering = {name for name, command in commands.items()
                 if any("--where" in p.opts for p in command.params)}  # type: ignore[attr-defined]
    assert filtering == set(FILTERING) | set(ERRORS_ONLY)
    for name in filtering:
        assert any("--exact" in p.opts for p in commands[name].params), name  # type: ignore[attr-defined]
