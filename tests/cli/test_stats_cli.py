"""`qcode stats`: headline and frequencies as a table, CSV or JSON; by case attribute."""

from __future__ import annotations

import json
from pathlib import Path

from tests.coding.test_stats import stats_db  # noqa: F401  (the fixture)
from tests.conftest import Cli


def test_json_has_headline_codes_and_groups(cli: Cli, stats_db: Path) -> None:  # noqa: F811
    run = cli("stats", "--by", "sector", "--format", "json")
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["headline"]["codings"] == 5 and data["by"] == "sector"
    assert [c["code"] for c in data["codes"]] == ["sources", "diaspora", "owner_emigration", "barriers"]
    it = next(g for g in data["by_group"] if g["code"] == "diaspora" and g["value"] == "IT")
    assert (it["cases"], it["group_cases"], it["share"]) == (1, 2, 0.5)


def test_csv_full_precision_and_long_format(cli: Cli, stats_db: Path) -> None:  # noqa: F811
    plain = cli("stats", "--format", "csv").stdout.splitlines()
    assert plain[0] == "code,label,depth,codings,documents,cases"
    assert "diaspora,Diaspora networks,1,3,2,2" in plain
    grouped = cli("stats", "--by", "sector", "--format", "csv").stdout.splitlines()
    assert grouped[0] == "attribute,value,code,cases,group_cases,share,codings"
    assert "sector,IT,diaspora,1,2,0.5,2" in grouped


def test_piped_table_is_plain(cli: Cli, stats_db: Path) -> None:  # noqa: F811
    run = cli("stats")
    assert run.exit_code == 0 and run.stderr == ""
    lines = run.stdout.splitlines()
    assert lines[0] == "4 documents · 4 cases · 60 words · 2 coders · 5 codings in 3 documents, 3 codes"
    assert "█" not in run.stdout and "\x1b" not in run.stdout
    assert any(line.split() == ["diaspora", "3", "2", "2"] for line in lines)
    grouped = cli("stats", "--by", "sector", "--coder", "ana").stdout.splitlines()
    assert grouped[2].split() == ["code", "IT", "metal", "(none)"]
    assert any(line.split() == ["diaspora", "1/2", "0/1", "0/1"] for line in grouped)


def test_a_terminal_gets_bars(stats_db: Path) -> None:  # noqa: F811
    import io

    from rich.console import Console

    from qcode.cli.stats import _rich
    from qcode.coding.stats import project_stats
    from tests.coding.test_bulk import open_session

    printed = []
    for by in (None, "sector"):
        with open_session(stats_db, write=False) as session:
            result = project_stats(session, by=by)
        console = Console(width=100, record=True, file=io.StringIO())
        _rich(result, console)
        printed.append(console.export_text())
    codes, groups = printed
    assert "█" * 28 + " 4" in codes  # the most used code (sources, 4 codings) has the longest bar
    assert "█" * 7 + " " * 21 + " 1" in codes  # barriers: a quarter of it
    assert "cases with each code, by sector" in groups and "owner_emigration" in groups


def test_unknown_attribute_is_one_red_line(cli: Cli, stats_db: Path) -> None:  # noqa: F811
    run = cli("stats", "--by", "region")
    assert run.exit_code == 1
    assert run.stderr.strip() == "error: no case has the attribute `region` (case attributes: sector)"
