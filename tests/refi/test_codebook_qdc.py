"""`.qdc` codebooks: `qcode export codebook --format qdc` and `qcode codebook import`."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from tests.conftest import SAMPLE_CODEBOOK, Cli, OtherDb, db_url
from tests.refi.conftest import assert_valid, sample, samples

GOLDEN = Path(__file__).parent / "golden" / "small.qdc"

RICH = """\
codebook: Rich
version: "2"
codes:
  - id: sources
    label: Knowledge sources
    brief: Where know-how came from.
    definition: |
      Where the firm's know-how came from.
      Two lines.
    when_to_use: A source is named.
    when_not_to_use: "Trial and error: not a source."
    examples: ["My cousin in Vienna.", "Ђорђе из Беча."]
    counterexamples: [We just tried.]
    colour: "#4e79a7"
    memo: Split in 2026.
    apply: false
    children:
      - id: diaspora
        label: Diaspora networks
        definition: Help from emigrants.
        renamed_from: [networks]
      - id: old
        label: Old
        definition: Not used any more.
        retired: true
        colour: "#e15759"
"""


def _fixed_uuids(db: Path | str | None) -> None:
    from qcode.store.engine import get_engine

    with get_engine(db_url(db)).begin() as conn:
        for (key,) in conn.execute(text("select key from codes")).all():
            conn.execute(text("update codes set uuid = :u where key = :k"),
                         {"u": str(uuid.uuid5(uuid.NAMESPACE_URL, f"test:{key}")), "k": key})


def _export(cli: Cli) -> bytes:
    result = cli("export", "codebook", "--format", "qdc")
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes if hasattr(result, "stdout_bytes") else result.stdout.encode("utf-8")


def test_qdc_of_a_small_project_is_exactly_the_golden_file(small: Cli) -> None:
    _fixed_uuids(small.db)
    out = small.cwd / "small.qdc"
    result = small("export", "codebook", "--format", "qdc", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == GOLDEN.read_bytes()


def test_qdc_exports_validate_against_the_codebook_schema(
    small: Cli, tmp_path: Path, other_db: OtherDb,
) -> None:
    assert_valid(_export(small), "Codebook.xsd")
    rich = tmp_path / "rich.yaml"
    rich.write_text(RICH, "utf-8")
    other = Cli(tmp_path, other_db("rich"))
    assert other("init", "--codebook", str(rich)).exit_code == 0
    assert_valid(_export(other), "Codebook.xsd")


def test_the_sample_codebook_goes_through_qdc_and_back_unchanged(tmp_path: Path, other_db: OtherDb) -> None:
    """YAML -> project -> .qdc -> YAML keeps every code and every field of every code."""
    from qcode.codebook.parse import load_codebook_file

    for source in (SAMPLE_CODEBOOK, None):
        path = SAMPLE_CODEBOOK if source else tmp_path / "rich.yaml"
        if source is None:
            path.write_text(RICH, "utf-8")
        cli = Cli(tmp_path, other_db(path.stem))
        assert cli("init", "--codebook", str(path)).exit_code == 0
        qdc = tmp_path / f"{path.stem}.qdc"
        assert cli("export", "codebook", "-f", "qdc", "-o", str(qdc)).exit_code == 0
        back = tmp_path / f"{path.stem}.back.yaml"
        result = cli("codebook", "import", str(qdc), "-o", str(back), db=False)
        assert result.exit_code == 0, result.stderr
        assert cli("codebook", "check", str(back), db=False).exit_code == 0
        original, again = load_codebook_file(path), load_codebook_file(back)
        assert [c.id for c in again.depth_first()] == [c.id for c in original.depth_first()]
        for code in original.codes:
            mine, theirs = code.to_dict(), again.by_id(code.id).to_dict()
            for field in ("line", "position"):
                mine.pop(field), theirs.pop(field)
            if mine["colour"] is None:  # an inherited colour stays inherited
                assert again.effective_colour(code.id) == original.effective_colour(code.id)
            assert theirs == mine, code.id


@pytest.mark.parametrize("qdc", samples("*.qdc"), ids=lambda p: p.name)
def test_every_sample_qdc_becomes_a_yaml_codebook_that_checks(qdc: Path, tmp_path: Path, cli: Cli) -> None:
    out = tmp_path / "book.yaml"
    result = cli("codebook", "import", str(qdc), "-o", str(out), db=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    check = cli("codebook", "check", str(out), db=False)
    assert check.exit_code == 0, check.stderr
    loaded = yaml.safe_load(out.read_text("utf-8"))
    assert loaded["codes"]


def test_spec_annex_codebook_keeps_descriptions_colours_and_categories(cli: Cli, tmp_path: Path) -> None:
    from qcode.codebook.parse import load_codebook_file

    out = tmp_path / "book.yaml"
    assert cli("codebook", "import", str(sample("spec-1.5_annexA1_codebook.qdc")), "-o", str(out),
               db=False).exit_code == 0
    book = load_codebook_file(out)
    assert [(c.id, c.apply) for c in book.codes] == [
        ("topics", False), ("economy", True), ("health_care", True), ("values", False),
        ("conservatives", True), ("liberals", True)]
    economy = book.by_id("economy")
    assert economy.definition == "Anything about jobs or taxes or business"
    assert economy.colour == "#ffff00"


def test_atlas_ti_codebook_keeps_its_code_set_in_the_description(cli: Cli) -> None:
    qdc = sample("atlasti-win-23.4_codebook_from-requal-test.qdc")
    result = cli("codebook", "import", str(qdc), db=False)
    assert result.exit_code == 0, result.stderr
    book = yaml.safe_load(result.stdout)
    assert "Code set code group 1 (kategorie 1): code1." in book["description"]
    assert book["codes"] == [
        {"id": "code1", "label": "code1", "definition": "description", "colour": "#46aa00"}]


def test_taguette_codebook_with_an_empty_sets_element_is_read(cli: Cli) -> None:
    result = cli("codebook", "import", str(sample("taguette-1.5_codebook_from-tests.qdc")), db=False)
    assert result.exit_code == 0, result.stderr
    book = yaml.safe_load(result.stdout)
    assert [(c["id"], c["label"]) for c in book["codes"]] == [
        ("interesting", "interesting"), ("people", "people"), ("interesting_places", "interesting\\places")]


def test_hierarchy_deeper_than_yaml_nesting_allows(cli: Cli, tmp_path: Path) -> None:
    depth = 40
    xml = '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    xml += "".join(f'<Code guid="{uuid.uuid5(uuid.NAMESPACE_URL, str(n))}" name="Level {n}" isCodable="true">'
                   for n in range(depth))
    xml += "</Code>" * depth + "</Codes></CodeBook>"
    qdc, out = tmp_path / "deep.qdc", tmp_path / "deep.yaml"
    qdc.write_text(xml, "utf-8")
    assert cli("codebook", "import", str(qdc), "-o", str(out), db=False).exit_code == 0
    from qcode.codebook.parse import load_codebook_file

    book = load_codebook_file(out)
    assert book.depth("level_39") == 39


def test_ids_are_valid_unique_and_made_from_the_names(cli: Cli, tmp_path: Path) -> None:
    names = ["Health care", "health-care", "Дијаспора", "2020 crisis", "!!!", "Čačak", "x" * 90]
    xml = '<CodeBook xmlns="urn:QDA-XML:codebook:0:4"><Codes>' + "".join(
        f'<Code guid="{{{uuid.uuid5(uuid.NAMESPACE_URL, n)}}}" name="{n}" isCodable="true" '
        'color="rgb(255,0,0)"/>' for n in names) + "</Codes></CodeBook>"
    qdc = tmp_path / "names.qdc"
    qdc.write_text(xml, "utf-8")
    result = cli("codebook", "import", str(qdc), db=False)
    assert result.exit_code == 0, result.stderr
    assert "namespace urn:QDA-XML:codebook:0:4" in result.stderr
    book = yaml.safe_load(result.stdout)
    assert [c["id"] for c in book["codes"]] == [
        "health_care", "health_care_2", "dijaspora", "code_2020_crisis", "code", "cacak", "x" * 64]
    assert {c["colour"] for c in book["codes"]} == {"#ff0000"}


def test_a_project_file_is_not_a_codebook(cli: Cli, tmp_path: Path) -> None:
    qde = tmp_path / "p.qdc"
    qde.write_text('<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>', "utf-8")
    result = cli("codebook", "import", str(qde), db=False)
    assert result.exit_code == 1
    assert "not a REFI-QDA codebook" in result.stderr
