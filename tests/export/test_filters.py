"""Every export takes the filters of `qcode codings`; a name that does not exist is an error
naming the near matches, never an empty table."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Cli

KINDS = ["frequencies", "segments", "matrix", "cooccurrence", "codebook"]


def _segments(cli: Cli, *args: str) -> list[dict[str, str]]:
    run = cli("export", "segments", *args)
    assert run.exit_code == 0, run.stderr
    return list(csv.DictReader(io.StringIO(run.stdout)))


def _spans(rows: list[dict[str, str]]) -> list[tuple[str, str, str]]:
    return [(r["document"], r["code"], r["coder"]) for r in rows]


def test_coder_round_and_consensus(exp: Cli) -> None:
    assert {r["coder"] for r in _segments(exp, "--coder", "ben")} == {"ben"}
    assert _spans(_segments(exp, "--round", "pilot")) == [
        ("int_001.txt", "colocation", "ben"), ("int_001.txt", "diaspora", "ben"),
        ("int_001.txt", "barriers", "ben")]
    consensus = _segments(exp, "--coder", "consensus")
    assert [(r["document"], r["code"], r["text"]) for r in consensus] == [
        ("int_002.txt", "diaspora", "Рођак")]


def test_code_with_descendants_document_where_and_speaker(exp: Cli) -> None:
    assert {r["code"] for r in _segments(exp, "--code", "diaspora")} == {"diaspora", "diaspora.family"}
    assert {r["document"] for r in _segments(exp, "--doc", "int_002")} == {"int_002.txt"}
    it = _segments(exp, "--where", "sector=IT services")
    assert {r["case"] for r in it} == {"F001", "F003"}
    milica = _segments(exp, "--speaker", "milica đorđević")
    assert len(milica) == 4 and {r["document"] for r in milica} == {"int_002.txt"}
    run = exp("export", "frequencies", "--code", "diaspora", "--by", "document", "--doc", "int_002")
    assert run.stdout.splitlines() == [
        "document,code,code_path,count",
        "int_002.txt,diaspora,sources/diaspora,1",
        "int_002.txt,diaspora.family,sources/diaspora/diaspora.family,1"]


def test_filters_narrow_every_kind(exp: Cli) -> None:
    run = exp("export", "matrix", "--where", "sector=IT services", "--coder", "ben")
    assert run.stdout.splitlines()[1:] == ["F001,0,1,0,1,1", "F003,0,0,1,0,1"]
    run = exp("export", "cooccurrence", "--code", "barriers", "--speaker", "Respondent")
    assert run.stdout.splitlines() == ["code,barriers", "barriers,2"]
    run = exp("export", "codebook", "--coder", "ana", "--code", "barriers", "-f", "json")
    assert [(r["code"], r["codings"], r["documents"]) for r in json.loads(run.stdout)] == [
        ("barriers", 2, 2)]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("args", "message", "near"),
    [
        (["--code", "diaspra"], "no code `diaspra`", "diaspora"),
        (["--coder", "bem"], "no coder `bem`", "ben"),
        (["--doc", "int_0011"], "no document `int_0011`", "int_001.txt"),
        (["--round", "pilt"], "no round `pilt`", "pilot"),
    ],
)
def test_unknown_names_are_errors_with_near_matches(exp: Cli, tmp_path: Path, kind: str,
                                                    args: list[str], message: str,
                                                    near: str) -> None:
    target = tmp_path / "exports" / "out.csv"
    run = exp("export", kind, *args, "-o", str(target))
    assert run.exit_code == 1
    assert run.stdout == ""
    assert message in run.stderr and near in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert not target.exists() and not any(target.parent.glob("*"))


def test_unknown_group_attribute(exp: Cli) -> None:
    run = exp("export", "frequencies", "--by", "sectr")
    assert run.exit_code == 1 and run.stdout == ""
    assert "no case attribute `sectr`" in run.stderr and "sector" in run.stderr
    assert exp("export", "frequencies", "--by", "Sector").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["frequencies", "--count", "lines"],
        ["matrix", "--per", "speaker"],
        ["cooccurrence", "--unit", "line"],
        ["segments", "--format", "xml"],
        ["codebook", "--format", "qdx"],
        ["segments", "--format", "json", "--excel"],
        ["frequencies", "--where", "sector"],
    ],
)
def test_bad_options_exit_2(exp: Cli, args: list[str]) -> None:
    run = exp("export", *args)
    assert run.exit_code == 2, run.stderr
    assert run.stdout == ""
