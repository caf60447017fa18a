"""Formats: xlsx (one sheet, header frozen, no formulas, same bytes every time), JSON, TSV,
the byte order mark, the format taken from the file name, and files written whole or not at all."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import Cli


def _xlsx(cli: Cli, tmp_path: Path, *args: str) -> Path:
    target = tmp_path / "exports" / "out.xlsx"
    run = cli("export", *args, "-o", str(target))
    assert run.exit_code == 0, run.stderr
    return target


def test_xlsx_holds_the_csv_table_with_its_header_frozen(exp: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(_xlsx(exp, tmp_path, "segments"))
    assert book.sheetnames == ["segments"]
    sheet = book["segments"]
    assert sheet.freeze_panes == "A2"
    expected = list(csv.reader(io.StringIO(exp("export", "segments").stdout)))
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(cells) == len(expected) == 14
    for got, want in zip(cells, expected, strict=True):
        assert ["" if v is None else str(v) for v in got] == want
    assert isinstance(cells[1][cells[0].index("turn")], int)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    memos = [row[cells[0].index("memo")] for row in cells[1:]]
    assert "'=SUM(A1)" in memos and "''=kept as typed" in memos


def test_xlsx_raw_text_is_still_never_a_formula(exp: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(_xlsx(exp, tmp_path, "segments", "--raw")).active
    assert sheet is not None
    memo = [c for c in sheet["R"] if c.value == "=SUM(A1)"]
    assert len(memo) == 1 and memo[0].data_type == "s"


def test_xlsx_bytes_do_not_change_between_exports(exp: Cli, tmp_path: Path) -> None:
    first = _xlsx(exp, tmp_path, "frequencies", "--by", "sector").read_bytes()
    second = _xlsx(exp, tmp_path, "frequencies", "--by", "sector").read_bytes()
    assert first == second and first.startswith(b"PK")


def test_xlsx_to_a_pipe(exp: Cli) -> None:
    from typer.testing import CliRunner

    from qcode.cli.main import app

    result = CliRunner().invoke(app, ["--db", str(exp.db), "export", "matrix", "-f", "xlsx"])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"PK")


def test_format_follows_the_file_name(exp: Cli, tmp_path: Path) -> None:
    for name, check in (("m.json", lambda b: json.loads(b)[0]["case"] == "F001"),
                        ("m.tsv", lambda b: b.startswith(b"case\tsources\t")),
                        ("m.txt", lambda b: b.startswith(b"case,sources,"))):
        target = tmp_path / name
        assert exp("export", "matrix", "-o", str(target)).exit_code == 0
        assert check(target.read_bytes()), name
    target = tmp_path / "book.md"
    assert exp("export", "codebook", "-o", str(target)).exit_code == 0
    assert target.read_text("utf-8").startswith("# Export test book\n")
    forced = tmp_path / "book.txt"
    assert exp("export", "codebook", "-o", str(forced), "--format", "yaml").exit_code == 0
    assert forced.read_text("utf-8").startswith("codebook: Export test book\n")


def test_excel_csv_has_a_byte_order_mark(exp: Cli, tmp_path: Path) -> None:
    target = tmp_path / "f.csv"
    assert exp("export", "frequencies", "--excel", "-o", str(target)).exit_code == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfcode,code_path,count\n")
    assert data.count(b"\xef\xbb\xbf") == 1


def test_json_keeps_text_as_it_is_and_numbers_as_numbers(exp: Cli) -> None:
    rows = json.loads(exp("export", "segments", "-f", "json").stdout)
    assert rows[2]["memo"] == "=SUM(A1)" and rows[2]["turn"] == 2
    assert json.loads(exp("export", "segments", "-f", "json", "--code", "old_code").stdout) == []


def test_tsv_quotes_cells_with_tabs_and_line_breaks(exp: Cli) -> None:
    out = exp("export", "segments", "-f", "tsv").stdout
    rows = list(csv.reader(io.StringIO(out), delimiter="\t"))
    assert {len(r) for r in rows} == {18}
    assert any("\n" in cell for row in rows for cell in row)


def test_a_new_file_gets_the_usual_mode_and_an_old_one_keeps_its_own(exp: Cli, tmp_path: Path) -> None:
    import os
    import stat

    mask = os.umask(0o022)
    try:
        new = tmp_path / "new.csv"
        assert exp("export", "matrix", "-o", str(new)).exit_code == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        old = tmp_path / "old.csv"
        old.write_text("x")
        old.chmod(0o600)
        assert exp("export", "matrix", "-o", str(old)).exit_code == 0
        assert stat.S_IMODE(old.stat().st_mode) == 0o600 and old.read_text() != "x"
    finally:
        os.umask(mask)


def test_a_failed_export_leaves_the_old_file(exp: Cli, tmp_path: Path) -> None:
    target = tmp_path / "quotes.csv"
    target.write_text("old\n")
    run = exp("export", "segments", "--code", "nope", "-o", str(target))
    assert run.exit_code == 1
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("kind", ["frequencies", "segments", "matrix", "cooccurrence", "codebook"])
def test_every_kind_in_every_table_format(exp: Cli, tmp_path: Path, kind: str) -> None:
    outputs = {}
    for fmt in ("csv", "tsv", "json", "xlsx"):
        target = tmp_path / f"{kind}.{fmt}"
        run = exp("export", kind, "-o", str(target))
        assert run.exit_code == 0, run.stderr
        outputs[fmt] = target.read_bytes()
    header = outputs["csv"].split(b"\n", 1)[0].decode()
    assert outputs["tsv"].split(b"\n", 1)[0].decode() == header.replace(",", "\t")
    assert list(json.loads(outputs["json"])[0]) == header.split(",")


def test_xlsx_cells_keep_their_values_and_types(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from qcode.export.xlsx import column_letters, write_sheet

    assert column_letters(28)[-3:] == ["Z", "AA", "AB"] and len(column_letters(703)[-1]) == 3
    values = ["&<>\"'", "  padded  ", "line\nbreak\ttab", "Ћирилица 🙂", "=1+1", "", 0.1 + 0.2,
              -7, True, None, "bell\x07"]
    target = tmp_path / "t.xlsx"
    with target.open("wb") as out:
        assert write_sheet(out, "t & <u>", [f"c{i}" for i in range(len(values))], [values]) == 1
    book = load_workbook(target)
    assert book.sheetnames == ["t & <u>"]
    sheet = book.active
    assert sheet is not None
    cells = next(sheet.iter_rows(min_row=2))
    assert [c.value for c in cells] == [*values[:5], None, 0.30000000000000004, -7, True, None,
                                        "bell\ufffd"]
    assert cells[4].data_type == "s"
