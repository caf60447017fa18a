"""docs/codebook.md stays true, and the sample codebook is valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qcode.codebook import diff_codebooks, load_codebook_file, parse_codebook, summarise
from qcode.errors import CodebookError

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "codebook.md"
SAMPLE = REPO / "codebooks" / "sme_knowledge_sources.yaml"


def block_after(marker: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\n```\w+\n(.*?)```", text, flags=re.S)
    assert match, f"no block after <!-- {marker} --> in {DOC}"
    return match.group(1)


def test_annotated_example_is_valid() -> None:
    book = parse_codebook(block_after("example"), filename="example.yaml")
    assert book.ids() == ("knowledge_sources", "colocation", "emigration", "diaspora", "networks")
    assert book.path("diaspora") == "knowledge_sources/diaspora"
    assert book.effective_colour("colocation") == "#4e79a7"
    assert book.by_id("networks").retired


def test_error_example_gives_the_documented_output() -> None:
    with pytest.raises(CodebookError) as caught:
        parse_codebook(block_after("error-example"), filename="codebook.yaml")
    assert caught.value.problems == block_after("error-output").splitlines()


def test_documented_summary_line_kinds_exist() -> None:
    book = parse_codebook(block_after("example"), filename="example.yaml")
    lines = summarise(diff_codebooks(None, book))
    assert lines[0] == "+ knowledge_sources  Knowledge sources"


@pytest.mark.skipif(not SAMPLE.exists(), reason=f"{SAMPLE} not written yet")
def test_sample_codebook_is_valid() -> None:
    book = load_codebook_file(SAMPLE)
    assert 25 <= len(book.codes) <= 35
    assert all(code.definition for code in book.codes)
    assert book.roots()
