"""Sharing outside the project: `--no-text` and `--pseudonymise MAP.csv`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from qcode.export.privacy import Pseudonyms
from tests.conftest import Cli

MAP = """name,pseudonym
Milica Đorđević,Respondent B
Vienna,City V
Ana,Person A
ana,Coder 1
int_001.txt,Interview 1
F001,Firm 1
Niš,Town N
"""


@pytest.fixture
def names(tmp_path: Path) -> Path:
    path = tmp_path / "map.csv"
    path.write_text(MAP, "utf-8")
    return path


def test_names_are_replaced_as_whole_words_longest_first() -> None:
    names = Pseudonyms({"Ana": "A.", "Ana Marić": "R1", "Čačak": "Town"})
    assert names.apply("Ana Marić met Ana in Čačak.") == "R1 met A. in Town."
    assert names.apply("Banana, Anastasia, ANA, Čačaku") == "Banana, Anastasia, ANA, Čačaku"
    assert names.apply("ask_Ana_now") == "ask_A._now"  # `_` separates words in file names
    assert Pseudonyms({}).apply("Ana") == "Ana"


def test_segments_pseudonymised(exp: Cli, names: Path) -> None:
    run = exp("export", "segments", "--pseudonymise", str(names))
    assert run.exit_code == 0, run.stderr
    for real in ("Milica", "Đorđević", "Vienna", "int_001.txt", "F001", "Niš", ",ana,"):
        assert real not in run.stdout, real
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    first = rows[0]
    assert (first["document"], first["case"], first["region"]) == ("Interview 1", "Firm 1", "Town N")
    assert rows[2]["text"] == "my cousin in City V" and rows[2]["coder"] == "Coder 1"
    milica = rows[6]
    assert milica["speaker"] == "Respondent B" and milica["memo"] == "'@Respondent B"
    assert rows[-1]["text"] == "My cousin Person A helped us once."
    assert rows[-1]["memo"] == "Person A is the owner's cousin"
    assert rows[1]["code"] == "diaspora"  # codes are not names


def test_group_values_and_headings_pseudonymised(exp: Cli, names: Path) -> None:
    wide = exp("export", "frequencies", "--by", "document", "--wide", "--pseudonymise", str(names))
    assert wide.stdout.splitlines()[0] == (
        "code,code_path,Interview 1,int_002.txt,int_003.txt,int_004.txt")
    long = exp("export", "frequencies", "--by", "coder", "--pseudonymise", str(names))
    assert {line.split(",")[0] for line in long.stdout.splitlines()[1:]} == {"Coder 1", "ben"}
    matrix = exp("export", "matrix", "--pseudonymise", str(names))
    assert matrix.stdout.splitlines()[1].startswith("Firm 1,")


def test_no_text_drops_the_quotes(exp: Cli) -> None:
    run = exp("export", "segments", "--no-text")
    header = run.stdout.splitlines()[0].split(",")
    assert "text" not in header and "memo" in header
    for quote in ("my cousin in Vienna", "Рођак", "Banks would not lend"):
        assert quote not in run.stdout


@pytest.mark.parametrize(("content", "message"), [
    ("who,alias\nAna,B\n", "must name the columns `name` and `pseudonym`"),
    ("name,pseudonym\nAna,B\nAna,C\n", ":3: `Ana` has two pseudonyms"),
    ("name,pseudonym\n,B\n", ":2: the name is empty"),
    (b"name,pseudonym\n\xff\n", "not UTF-8"),
])
def test_bad_maps(exp: Cli, tmp_path: Path, content: str | bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    run = exp("export", "segments", "--pseudonymise", str(path))
    assert run.exit_code == 1 and run.stdout == ""
    assert message in run.stderr
    missing = exp("export", "segments", "--pseudonymise", str(tmp_path / "none.csv"))
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
