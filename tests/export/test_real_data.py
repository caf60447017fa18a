"""Exports of real transcripts nobody on the team wrote (../shared/real_data): messy speaker
labels, timestamps, captions. Every coding is located as `qcode codings` locates it, and the
counts add up to the codings."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli.test_codebook_cli import V1
from tests.conftest import REAL_DATA, Cli

FILES = ["qualcoder/transcript.txt", "qualcoder/ID1.docx", "podcast_namespace/example_voice_tags.vtt",
         "podcast_namespace/example_mixed_speaker_labels.vtt", "podcast_namespace/example.srt",
         "textreadr/trans1.docx", "textreadr/trans8.odt", "qcoder/CoC_Example1_MU.txt"]


@pytest.fixture
def real(cli: Cli, tmp_path: Path) -> Cli:
    if not REAL_DATA.is_dir():
        pytest.skip(f"real transcripts not available at {REAL_DATA} (only CI and the team have them)")
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(book), "--coder", "ana").exit_code == 0
    run = cli("import", *(str(REAL_DATA / f) for f in FILES))
    assert run.exit_code == 0, run.stderr
    for code, words, unit in (("diaspora", "we,they", "sentence"), ("barriers", "not,no", "turn"),
                              ("owner_emigration", "the", "paragraph")):
        run = cli("autocode", code, "--words", words, "--unit", unit)
        assert run.exit_code == 0, run.stderr
    return cli


def test_segments_of_real_transcripts_cite_what_codings_cites(real: Cli) -> None:
    listed = json.loads(real("codings", "--format", "json").stdout)
    exported = json.loads(real("export", "segments", "--format", "json").stdout)
    assert len(listed) > 50 and len(exported) == len(listed)
    assert len({row["document"] for row in exported}) >= 6
    for row, coding in zip(exported, listed, strict=True):
        for key in ("document", "start", "end", "code", "coder", "speaker", "turn", "line_start",
                    "line_end", "text"):
            assert row[key] == coding[key], (key, coding["id"])


def test_counts_of_real_transcripts_add_up(real: Cli) -> None:
    total = len(json.loads(real("codings", "--format", "json").stdout))
    run = real("export", "frequencies", "--by", "document")
    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert sum(int(r["count"]) for r in rows) == total
    matrix = list(csv.DictReader(io.StringIO(real("export", "matrix", "--per", "document",
                                                       "--count").stdout)))
    assert sum(int(v) for r in matrix for k, v in r.items() if k not in ("document", "case")) == total
    assert len(matrix) == len(FILES)
