"""Every export's exact bytes on the small fixed project, pinned by files in golden/.

After a deliberate change of an export, rewrite them with `QCODE_UPDATE_GOLDEN=1 pytest
tests/export/test_golden.py` and read the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.export.conftest import copy_project

GOLDEN = Path(__file__).parent / "golden"

CASES = {
    "frequencies.csv": ["frequencies"],
    "frequencies_sector_cases.csv": ["frequencies", "--code", "sources", "--by", "sector",
                                     "--count", "cases"],
    "frequencies_coder_sector_documents_rollup.csv": ["frequencies", "--by", "coder,sector",
                                                      "--count", "documents", "--rollup"],
    "frequencies_document_words_wide.csv": ["frequencies", "--by", "document", "--count", "words",
                                            "--wide"],
    "frequencies_case_rollup_wide.tsv": ["frequencies", "--by", "case", "--rollup", "--wide"],
    "frequencies_excel.csv": ["frequencies", "--by", "region", "--excel"],
    "segments.csv": ["segments"],
    "segments.tsv": ["segments"],
    "segments.json": ["segments"],
    "segments_raw.csv": ["segments", "--raw"],
    "matrix.csv": ["matrix"],
    "matrix_document_count_rollup.csv": ["matrix", "--per", "document", "--count", "--rollup"],
    "cooccurrence_turn.csv": ["cooccurrence"],
    "cooccurrence_sentence.json": ["cooccurrence", "--unit", "sentence"],
    "cooccurrence_document_jaccard.csv": ["cooccurrence", "--unit", "document", "--jaccard"],
    "codebook.csv": ["codebook"],
    "codebook.md": ["codebook"],
    "codebook.yaml": ["codebook"],
    "codebook_diaspora.yaml": ["codebook", "--code", "diaspora"],
}


@pytest.fixture(scope="module")
def project(_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    root = tmp_path_factory.mktemp("golden")
    copy_project(_template, root / "qcode.db")
    return Cli(root, root / "qcode.db")


@pytest.mark.parametrize("name", sorted(CASES))
def test_export_bytes_are_pinned(project: Cli, name: str) -> None:
    target = project.cwd / "exports" / name
    run = project("export", *CASES[name], "-o", str(target))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    assert run.stderr.startswith(("wrote ", "wrote the codebook"))
    data = target.read_bytes()
    golden = GOLDEN / name
    if os.environ.get("QCODE_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(data)
    assert data == golden.read_bytes(), f"{name} changed; see the module docstring"
    assert b"\r" not in data.replace(b"\\r", b"")


def test_stdout_carries_the_same_bytes_as_the_file(project: Cli) -> None:
    from typer.testing import CliRunner

    from qcode.cli.main import app

    for name in ("segments.csv", "frequencies_excel.csv", "codebook.md"):
        args = CASES[name] + (["--format", name.rsplit(".", 1)[1]] if "." in name else [])
        result = CliRunner().invoke(app, ["--db", str(project.db), "export", *args])
        assert result.exit_code == 0, result.stderr
        assert result.stdout_bytes == (GOLDEN / name).read_bytes()
        assert result.stderr == ""
