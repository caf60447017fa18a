"""`qcode codebook add`: the YAML file gains the code (nothing else changes) and is loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_codebook_cli import V1, _add_coding
from tests.conftest import Cli, project_db


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.yaml"
    path.write_text("# the team's codebook\n" + V1 + "# end\n", encoding="utf-8")
    return path


@pytest.fixture
def loaded(cli: Cli, book: Path) -> Cli:
    """A project made with `qcode init --codebook book.yaml` (a path relative to its folder)."""
    assert cli("init", "--codebook", book.name).exit_code == 0
    return cli


def versions(cli: Cli) -> list[tuple[int, int, str]]:
    rows = json.loads(cli("codebook", "versions", "--format", "json").stdout)
    return [(r["number"], r["codes"], r["source"]) for r in rows]


def codes(cli: Cli) -> dict[str, dict[str, object]]:
    return {c["id"]: c for c in json.loads(cli("codebook", "show", "--format", "json").stdout)}


def test_add_child_edits_the_file_and_loads_it(loaded: Cli, book: Path) -> None:
    before = book.read_text(encoding="utf-8")
    run = loaded(
        "codebook",
        "add",
        "--write",
        "fairs",
        "--parent",
        "sources",
        "--label",
        "Trade fairs",
        "--definition",
        "Met at a fair: Hannover, # 3",
        "--brief",
        "Fairs.",
        "--when-to-use",
        "A fair is named.",
        "--when-not-to-use",
        "Online only.",
        "--example",
        "We met them at the Messe.",
        "--example",
        "- Ћирилица 🎉",
        "--colour",
        "#59a14f",
    )
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    assert "added code `fairs` to book.yaml" in run.stderr
    assert "as codebook version 2: 1 added" in run.stderr
    after = book.read_text(encoding="utf-8")
    start = after.index("      - id: fairs\n")
    end = after.index("  - id: barriers")
    # Only lines were added, in one place, and the version label moved on.
    assert after[:start] + after[end:] == before.replace('version: "1.0"', 'version: "1.1"')
    shown = codes(loaded)
    assert shown["fairs"]["parent"] == "sources" and shown["fairs"]["label"] == "Trade fairs"
    assert shown["fairs"]["definition"] == "Met at a fair: Hannover, # 3"
    assert shown["fairs"]["examples"] == ["We met them at the Messe.", "- Ћирилица 🎉"]
    assert shown["fairs"]["colour"] == "#59a14f"
    assert list(shown) == ["sources", "diaspora", "owner_emigration", "fairs", "barriers"]
    assert versions(loaded) == [(1, 4, "book.yaml"), (2, 5, "book.yaml")]


def test_add_top_level_code_then_a_child_of_it(loaded: Cli, book: Path) -> None:
    assert (
        loaded(
            "codebook", "add", "--write", "markets", "--label", "Markets", "--definition", "Where."
        ).exit_code
        == 0
    )
    run = loaded(
        "codebook", "add", "--write", "eu", "--parent", "markets", "--label", "EU", "--definition", "EU."
    )
    assert run.exit_code == 0, run.stderr
    text = book.read_text(encoding="utf-8")
    assert text.endswith(
        "  - id: markets\n    label: Markets\n    definition: Where.\n"
        "    children:\n      - id: eu\n        label: EU\n        definition: EU.\n# end\n"
    )
    assert codes(loaded)["eu"]["parent"] == "markets"
    assert [v[0] for v in versions(loaded)] == [1, 2, 3]


def test_crlf_and_bom_survive_through_the_cli(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "win.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + V1.replace("\n", "\r\n").encode("utf-8"))
    assert cli("init", "--codebook", str(path)).exit_code == 0
    run = cli("codebook", "add", "--write", "x", "--label", "X", "--definition", "Line one.\nLine two.")
    assert run.exit_code == 0, run.stderr
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfcodebook: Test book\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert codes(cli)["x"]["definition"] == "Line one.\nLine two."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diaspora", "--label", "D", "--definition", "d"), "code `diaspora` already exists in book.yaml"),
        (
            ("x", "--label", "X", "--definition", "d", "--parent", "sourcse"),
            "unknown parent `sourcse` in book.yaml (did you mean `sources`?)",
        ),
        (("x", "--label", "X", "--definition", "d", "--colour", "red"), "invalid colour `red`"),
        (("Bad Id", "--label", "X", "--definition", "d"), "invalid id `Bad Id`"),
        (("x", "--label", "X", "--definition", "   "), "`definition` is empty"),
    ],
)
def test_a_failing_add_changes_nothing(loaded: Cli, book: Path, args: tuple[str, ...], message: str) -> None:
    data, listed = book.read_bytes(), versions(loaded)
    run = loaded("codebook", "add", "--write", *args)
    assert run.exit_code == 1
    assert run.stderr.startswith("error: ") and message in run.stderr
    assert run.stdout == ""
    assert book.read_bytes() == data
    assert versions(loaded) == listed
    assert not [p for p in book.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_file_with_problems_is_not_touched(loaded: Cli, book: Path) -> None:
    book.write_text(
        book.read_text(encoding="utf-8").replace("label: Barriers", "lable: Barriers"), encoding="utf-8"
    )
    data = book.read_bytes()
    run = loaded("codebook", "add", "--write", "x", "--label", "X", "--definition", "d")
    assert run.exit_code == 1
    assert "fix them before adding a code" in run.stderr and "did you mean `label`" in run.stderr
    assert book.read_bytes() == data and len(versions(loaded)) == 1


def test_the_file_is_put_back_when_the_project_refuses_the_version(
    loaded: Cli, book: Path, tmp_path: Path
) -> None:
    _add_coding(project_db(tmp_path), "barriers")
    text = book.read_text(encoding="utf-8")
    book.write_text(text[: text.index("  - id: barriers")], encoding="utf-8")  # drops a coded code
    data = book.read_bytes()
    run = loaded("codebook", "add", "--write", "x", "--label", "X", "--definition", "d")
    assert run.exit_code == 1
    assert "barriers (1 codings)" in run.stderr and "book.yaml was left unchanged" in run.stderr
    assert book.read_bytes() == data
    assert len(versions(loaded)) == 1


def test_without_a_known_file_it_asks_for_one(project: Cli, tmp_path: Path) -> None:
    run = project("codebook", "add", "--write", "x", "--label", "X", "--definition", "d")
    assert run.exit_code == 1 and "no codebook file" in run.stderr and "--file" in run.stderr
    path = tmp_path / "other.yaml"
    path.write_text(V1, encoding="utf-8")
    run = project("codebook", "add", "--write", "x", "--label", "X", "--definition", "d", "--file", str(path))
    assert run.exit_code == 0, run.stderr
    assert versions(project) == [(1, 5, str(path))]


def test_a_vanished_file_is_reported(loaded: Cli, book: Path) -> None:
    book.unlink()
    run = loaded("codebook", "add", "--write", "x", "--label", "X", "--definition", "d")
    assert run.exit_code == 1
    assert "book.yaml (of codebook version 1) no longer exists" in run.stderr and "--file" in run.stderr
    assert len(versions(loaded)) == 1


def test_missing_required_options_are_usage_errors(loaded: Cli, book: Path) -> None:
    data = book.read_bytes()
    run = loaded("codebook", "add", "--write", "x", "--label", "X")
    assert run.exit_code == 2 and "--definition" in run.stderr
    assert book.read_bytes() == data


def test_without_write_the_edited_yaml_is_printed_and_nothing_changes(loaded: Cli, book: Path) -> None:
    data = book.read_bytes()
    run = loaded("codebook", "add", "fairs", "--label", "Trade fairs", "--definition", "At a fair.")
    assert run.exit_code == 0, run.stderr
    assert "  - id: fairs\n" in run.stdout and 'version: "1.1"' in run.stdout
    assert "not written" in run.stderr
    assert book.read_bytes() == data and len(versions(loaded)) == 1


def test_output_writes_another_file_and_loads_it(loaded: Cli, book: Path, tmp_path: Path) -> None:
    data = book.read_bytes()
    out = tmp_path / "book-v2.yaml"
    run = loaded(
        "codebook", "add", "fairs", "--label", "Trade fairs", "--definition", "At a fair.", "-o", str(out)
    )
    assert run.exit_code == 0, run.stderr
    assert book.read_bytes() == data and 'version: "1.1"' in out.read_text(encoding="utf-8")
    assert [v[1] for v in versions(loaded)] == [4, 5]


def test_every_version_label_stays_unique(loaded: Cli, book: Path) -> None:
    for code_id in ("fairs", "expos", "shows"):
        run = loaded(
            "codebook", "add", "--write", code_id, "--label", code_id.title(), "--definition", "At a fair."
        )
        assert run.exit_code == 0, run.stderr
    labels = [r["label"] for r in json.loads(loaded("codebook", "versions", "--format", "json").stdout)]
    assert labels == ["1.0", "1.1", "1.2", "1.3"] and len(set(labels)) == len(labels)
