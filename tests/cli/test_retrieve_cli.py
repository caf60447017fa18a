"""`qcode retrieve CODE` through the CLI: blocks, CSV and JSON with context, filters, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.coding.test_bulk import make_project
from tests.conftest import Cli


@pytest.fixture
def coded(cli: Cli, tmp_path: Path) -> Cli:
    make_project(cli, tmp_path)
    for args in (
        ("int_001", "--quote", "Рођак из Беча 🇦🇹", "diaspora"),
        ("int_001", "l3-4", "owner_emigration", "--coder", "bob", "-m", "-check this"),
        ("int_002", "--quote", "Diaspora matters 👍🏽", "barriers"),
    ):
        run = cli("tag", *args)
        assert run.exit_code == 0, run.stderr
    return cli


def test_table_is_a_block_per_passage(coded: Cli) -> None:
    run = coded("retrieve", "sources")
    assert run.exit_code == 0, run.stderr
    assert run.stderr.strip() == "2 passages in 1 document"
    assert "\x1b[" not in run.stdout
    blocks = run.stdout.split("\n\n")
    assert blocks[0].splitlines()[0] == "int_001.txt  t2 l3-4  Respondent  [owner_emigration · bob]"
    assert "⟦Respondent: Through my cousin in Vienna. He knew a firm." in blocks[0]
    assert "    memo: -check this" in blocks[0]
    header, *body = blocks[1].splitlines()
    assert header == "int_001.txt  t4 l8  Respondent  [diaspora · ana]"
    assert all(line.startswith("    ") for line in body)
    assert " ".join(blocks[1].split()).endswith(
        "Čačak je drugačiji. ⟦Рођак из Беча 🇦🇹⟧ нам је помогао.")


def test_csv_and_json_carry_every_field(coded: Cli) -> None:
    rows = list(csv.DictReader(io.StringIO(coded("retrieve", "diaspora", "-f", "csv").stdout)))
    assert len(rows) == 1
    row = rows[0]
    assert (row["text"], row["turn"], row["line_start"], row["speaker"]) == (
        "Рођак из Беча 🇦🇹", "4", "8", "Respondent")
    assert row["context_before"].endswith("Čačak je drugačiji. ")
    assert row["context_after"] == " нам је помогао."
    data = json.loads(coded("retrieve", "sources", "-f", "json", "--context", "10").stdout)
    assert {"context_before", "text", "context_after", "start", "end", "memo"} <= set(data[0])
    assert all(len(p["context_before"]) <= 10 and len(p["context_after"]) <= 10 for p in data)
    memo_csv = coded("retrieve", "owner_emigration", "-f", "csv").stdout
    assert ",'-check this" in memo_csv  # spreadsheet-safe


def test_filters(coded: Cli) -> None:
    def codes(*args: str) -> list[str]:
        run = coded("retrieve", *args, "-f", "json")
        assert run.exit_code == 0, run.stderr
        return [p["code"] for p in json.loads(run.stdout)]

    assert codes("sources", "--coder", "bob") == ["owner_emigration"]
    assert codes("barriers", "--speaker", "MILICA ĐORĐEVIĆ") == ["barriers"]
    assert codes("barriers", "--speaker", "Respondent") == []
    assert codes("barriers", "--where", "region=Čačak") == ["barriers"]
    assert codes("sources", "--doc", "int_002") == []


def test_nothing_found_is_not_an_error(coded: Cli) -> None:
    run = coded("retrieve", "barriers", "--doc", "int_001")
    assert run.exit_code == 0 and run.stdout == "" and "0 passages" in run.stderr


def test_errors_are_one_line(coded: Cli) -> None:
    unknown = coded("retrieve", "diasproa")
    assert unknown.exit_code == 1 and unknown.stdout == ""
    assert unknown.stderr.splitlines() == [
        "error: no code `diasproa` (did you mean diaspora?)"]
    assert coded("retrieve", "diaspora", "--context", "-5").exit_code == 2
    bad_where = coded("retrieve", "diaspora", "--where", "region")
    assert bad_where.exit_code == 2 and "KEY=VALUE" in bad_where.stderr
