"""`qcode codebook check|load|show|diff` and `qcode init --codebook` through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CODEBOOK, Cli, project_db

V1 = """\
codebook: Test book
version: "1.0"
codes:
  - id: sources
    label: Knowledge sources
    definition: Where the firm's know-how came from.
    colour: "#4e79a7"
    children:
      - id: diaspora
        label: Diaspora networks
        definition: Help from emigrants.
      - id: owner_emigration
        label: Owner's emigration
        definition: The owner worked abroad.
  - id: barriers
    label: Barriers
    definition: What held exporting back.
"""


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.yaml"
    path.write_text(V1, encoding="utf-8")
    return path


def _add_coding(db: Path | str, code_key: str) -> None:
    from qcode.store.engine import session_scope, to_url
    from qcode.store.models import Code, Coder, Coding, Document

    with session_scope(to_url(db), write=True) as s:
        code = s.query(Code).filter_by(key=code_key).one()
        doc = Document(name="d.txt", text="abc def", sha256="0" * 64, source_format="txt")
        coder = Coder(name="ana")
        s.add_all([doc, coder])
        s.flush()
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=0, end=3,
                     quote="abc"))


def test_check_reports_every_problem_with_positions(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(V1.replace("definition: Help from emigrants.", "defintion: x")
                   .replace('"#4e79a7"', '"#zzz"'), encoding="utf-8")
    run = cli("codebook", "check", str(bad), db=False)
    assert run.exit_code == 1
    lines = run.stderr.splitlines()
    assert lines[0].startswith("error: codebook")
    assert any(line.startswith(f"{bad}:7:") and "colour" in line for line in lines)
    assert any("did you mean `definition`" in line for line in lines)
    assert run.stdout == ""


def test_check_ok(cli: Cli, book: Path) -> None:
    run = cli("codebook", "check", str(book), db=False)
    assert run.exit_code == 0 and "4 codes" in run.stderr


def test_init_with_codebook_and_show(cli: Cli, book: Path) -> None:
    assert cli("init", "--codebook", str(book)).exit_code == 0
    codes = json.loads(cli("codebook", "show", "--format", "json").stdout)
    assert [(c["id"], c["parent"], c["count"]) for c in codes] == [
        ("sources", None, 0), ("diaspora", "sources", 0), ("owner_emigration", "sources", 0),
        ("barriers", None, 0),
    ]
    assert codes[1]["colour"] == "#4e79a7"  # inherited
    table = cli("codebook", "show").stdout
    assert "  diaspora" in table


def test_init_with_a_bad_codebook_creates_nothing(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("codebook: x\n", encoding="utf-8")
    run = cli("init", "--codebook", str(bad))
    assert run.exit_code == 1
    assert not (tmp_path / "qcode.db").exists()
    assert cli("summary").exit_code == 3  # no project on either store


def test_reload_unchanged_makes_no_version(project: Cli, book: Path) -> None:
    assert project("codebook", "load", str(book)).exit_code == 0
    run = project("codebook", "load", str(book))
    assert run.exit_code == 0 and "unchanged" in run.stderr


def test_rename_keeps_codings_and_removal_is_refused(project: Cli, book: Path, tmp_path: Path) -> None:
    project("codebook", "load", str(book))
    _add_coding(project_db(tmp_path), "owner_emigration")
    renamed = tmp_path / "v2.yaml"
    renamed.write_text(V1.replace("id: owner_emigration", "id: emigration\n        renamed_from: "
                                  "[owner_emigration]").replace('"1.0"', '"1.1"'), "utf-8")
    diff = project("codebook", "diff", str(renamed))
    assert "> emigration: renamed from owner_emigration" in diff.stdout
    assert project("codebook", "load", str(renamed)).exit_code == 0
    codes = {c["id"]: c for c in json.loads(project("codebook", "show", "-f", "json").stdout)}
    assert codes["emigration"]["count"] == 1 and "owner_emigration" not in codes
    assert codes["sources"]["total"] == 1

    removed = tmp_path / "v3.yaml"
    text = renamed.read_text("utf-8")
    start = text.index("      - id: emigration")
    end = text.index("  - id: barriers")
    removed.write_text(text[:start] + text[end:], "utf-8")
    refused = project("codebook", "load", str(removed))
    assert refused.exit_code == 1
    assert "emigration (1 codings)" in refused.stderr and "retired" in refused.stderr
    kept = project("codebook", "load", str(removed), "--retire-removed")
    assert kept.exit_code == 0 and "1 retired" in kept.stderr
    codes = {c["id"]: c for c in json.loads(project("codebook", "show", "-f", "json").stdout)}
    assert codes["emigration"]["retired"] is True


def test_removing_an_unused_code_is_allowed(project: Cli, book: Path, tmp_path: Path) -> None:
    project("codebook", "load", str(book))
    smaller = tmp_path / "small.yaml"
    smaller.write_text(V1.split("  - id: barriers")[0], "utf-8")
    run = project("codebook", "load", str(smaller))
    assert run.exit_code == 0 and "1 removed" in run.stderr


def test_sample_codebook_loads(cli: Cli) -> None:
    if not SAMPLE_CODEBOOK.exists():
        pytest.skip("sample codebook not present")
    assert cli("init", "--codebook", str(SAMPLE_CODEBOOK)).exit_code == 0
    codes = json.loads(cli("codebook", "show", "--format", "json").stdout)
    assert 25 <= len(codes) <= 35
    assert {"id", "label", "parent", "count"} <= set(codes[0])


def test_versions_are_listed(project: Cli, book: Path, tmp_path: Path) -> None:
    project("codebook", "load", str(book))
    v2 = tmp_path / "v2.yaml"
    v2.write_text(V1.replace('"1.0"', '"1.1"'), "utf-8")
    project("codebook", "load", str(v2))
    rows = json.loads(project("codebook", "versions", "--format", "json").stdout)
    assert [(r["number"], r["label"], r["codes"]) for r in rows] == [(1, "1.0", 4), (2, "1.1", 4)]
