"""`qcode show DOC` with coded spans: margin labels, filters, JSON codings, colour on a terminal."""

from __future__ import annotations

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
        ("int_001", "l3-4", "barriers", "--coder", "bob"),
        ("int_001", "s2", "owner_emigration"),
    ):
        run = cli("tag", *args)
        assert run.exit_code == 0, run.stderr
    return cli


def _lines(run_stdout: str) -> dict[int, str]:
    out = {}
    for line in run_stdout.splitlines()[1:]:
        number = line.split()[0] if line.split() else ""
        if number.isdigit():
            out[int(number)] = line
    return out


def test_plain_output_labels_coded_lines_in_the_margin(coded: Cli) -> None:
    run = coded("show", "int_001")
    assert run.exit_code == 0, run.stderr
    assert "\x1b[" not in run.stdout  # not a terminal: no colour codes
    lines = _lines(run.stdout)
    assert lines[1].rstrip().endswith("Interviewer: How did you find buyers abroad?")
    assert "│" not in lines[1]
    assert lines[3].endswith("│ barriers(bob), owner_emigration(ana)")
    assert lines[4].endswith("│ barriers(bob)")
    assert lines[8].endswith("│ diaspora(ana)")
    assert "Рођак из Беча 🇦🇹 нам је помогао." in lines[8]
    assert lines[3].index("│") == lines[4].index("│")  # one margin column (for lines up to 80)


def test_filters_by_coder_and_code_with_descendants(coded: Cli) -> None:
    by_bob = _lines(coded("show", "int_001", "--coder", "bob").stdout)
    assert by_bob[3].endswith("│ barriers(bob)") and "│" not in by_bob[8]
    by_code = _lines(coded("show", "int_001", "--code", "sources").stdout)
    assert by_code[3].endswith("│ owner_emigration(ana)") and "│" not in by_code[4]
    both = _lines(coded("show", "int_001", "--code", "diaspora,barriers", "--coder", "ana,bob").stdout)
    assert both[3].endswith("│ barriers(bob)") and both[8].endswith("│ diaspora(ana)")
    repeated = coded("show", "int_001", "--code", "diaspora", "--code", "barriers").stdout
    assert repeated == coded("show", "int_001", "--code", "diaspora,barriers").stdout


def test_turn_layout_labels_the_turn(coded: Cli) -> None:
    out = coded("show", "int_001", "--by", "turn").stdout
    assert "\nt2 Respondent   │ barriers(bob), owner_emigration(ana)\n" in out
    assert "\nt1 Interviewer\n" in out


def test_json_keeps_text_and_units_and_adds_codings(coded: Cli) -> None:
    view = json.loads(coded("show", "int_001", "--format", "json").stdout)
    assert {"text", "units"} <= set(view)
    coding = next(c for c in view["codings"] if c["code"] == "diaspora")
    assert view["text"][coding["start"]:coding["end"]] == "Рођак из Беча 🇦🇹"
    assert coding["colour"] == "#4e79a7" and coding["coder"] == "ana"
    only = json.loads(coded("show", "int_001", "-f", "json", "--coder", "bob").stdout)
    assert [c["coder"] for c in only["codings"]] == ["bob"]


def test_csv_is_still_the_units(coded: Cli) -> None:
    out = coded("show", "int_001", "--format", "csv").stdout
    assert out.splitlines()[0] == "kind,number,start,end,speaker,timestamp"


def test_unknown_filters_are_one_line_errors(coded: Cli) -> None:
    run = coded("show", "int_001", "--coder", "nobody")
    assert run.exit_code == 1 and run.stdout == ""
    assert run.stderr.startswith("error: no coder `nobody`") and len(run.stderr.splitlines()) == 1
    bad_code = coded("show", "int_001", "--code", "diasproa")
    assert bad_code.exit_code == 1 and "did you mean diaspora" in bad_code.stderr


def test_a_terminal_gets_colours_and_margin(coded: Cli, tmp_path: Path) -> None:
    from rich.console import Console

    from qcode.cli.browse import _print_lines, _print_turns
    from qcode.coding.retrieve import marked_document
    from tests.coding.test_bulk import open_session

    with open_session(tmp_path / "qcode.db", write=False) as s:
        marked = marked_document(s, "int_001")
    for printer in (_print_lines, _print_turns):
        buffer = io.StringIO()
        console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=160)
        printer(marked.view, marked.marks, console)
        out = buffer.getvalue()
        assert "48;2;78;121;167" in out  # diaspora's colour (#4e79a7) as background
        assert "diaspora(ana)" in out and "barriers(bob)" in out
        assert "Беча 🇦🇹" in out
