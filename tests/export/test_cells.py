"""The spreadsheet guard: no exported text cell starts like a formula, and `import-codings`
takes back exactly the `'` the export put, so every memo round-trips."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from qcode.coding.bulk import unescape
from qcode.coding.cells import FORMULA_START, guard, unguard
from tests.conftest import Cli, OtherDb
from tests.export.conftest import INT_001, INT_002, INT_003, INT_004

# Text weighted towards the characters that matter here.
cells = st.text(alphabet=st.sampled_from(["'", "=", "+", "-", "@", "\t", "\r", "\n", "a", " ",
                                          "ž", "🙂", '"', ","]) | st.characters(codec="utf-8"), max_size=12)


@given(cells)
@example("'=x")
@example("''=x")
@example("'")
@example("")
def test_unguard_undoes_guard(cell: str) -> None:
    assert unguard(guard(cell)) == cell
    assert unescape(guard(cell)) == cell


@given(cells)
def test_a_guarded_cell_never_starts_like_a_formula(cell: str) -> None:
    assert not guard(cell).startswith(FORMULA_START)


@given(cells)
def test_guard_changes_only_cells_that_need_it(cell: str) -> None:
    if not cell.lstrip("'").startswith(FORMULA_START):
        assert guard(cell) == cell
    else:
        assert guard(cell) == "'" + cell


@pytest.mark.parametrize(("cell", "guarded"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-5", "'-5"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("'=x", "''=x"), ("'quoted'", "'quoted'"), ("a=b", "a=b"), ("", ""),
])
def test_examples(cell: str, guarded: str) -> None:
    assert guard(cell) == guarded


@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
@example(["\r"])
@example(["a\rb", "'=", "x\r\n"])
def test_exported_csv_cells_read_back(row: list[str]) -> None:
    """Through the exports' writer and `qcode codings`' writer, read as `import-codings` reads."""
    from contextlib import redirect_stdout

    from qcode.cli.output import write_csv
    from qcode.export.table import Table, WriteOptions, write_table

    columns = [f"c{i}" for i in range(len(row))]
    out = io.BytesIO()
    write_table(Table("t", columns, [row]), out, WriteOptions())
    printed = io.StringIO()
    with redirect_stdout(printed):
        write_csv([dict(zip(columns, row, strict=True))], columns)
    for text in (out.getvalue().decode("utf-8"), printed.getvalue()):
        records = list(csv.reader(io.StringIO(text, newline="")))
        assert len(records) == 2
        assert [unescape(c) for c in records[1]] == row


def test_memos_round_trip_through_codings_csv_and_import_codings(
    exp: Cli, tmp_path: Path, other_db: OtherDb,
) -> None:
    """`qcode codings --format csv` from one project, `qcode import-codings` into another."""
    run = exp("codings", "--format", "csv")
    assert run.exit_code == 0
    assert "'=SUM(A1)" in run.stdout and "''=kept as typed" in run.stdout
    exported = tmp_path / "codings.csv"
    exported.write_text(run.stdout, "utf-8")
    other = Cli(tmp_path / "b", other_db("b"))
    other.cwd.mkdir()
    _same_documents(other, tmp_path / "b")
    run = other("import-codings", str(exported))
    assert run.exit_code == 0, run.stderr
    memos = [row["memo"] for row in _rows(other)]
    assert memos == [row["memo"] for row in _rows(exp)]
    assert "=SUM(A1)" in memos and "'=kept as typed" in memos and "-денied" in memos


def _rows(cli: Cli) -> list[dict[str, str]]:
    import json

    return json.loads(cli("codings", "--format", "json").stdout)  # type: ignore[no-any-return]


def _same_documents(cli: Cli, root: Path) -> None:
    from tests.export.conftest import BOOK

    (root / "book.yaml").write_text(BOOK, "utf-8")
    assert cli("init", "--codebook", str(root / "book.yaml"), "--coder", "ana").exit_code == 0
    src = root / "src"
    src.mkdir()
    for name, text in (("int_001.txt", INT_001), ("int_002.txt", INT_002),
                       ("int_003.txt", INT_003), ("int_004.txt", INT_004)):
        (src / name).write_text(text, "utf-8")
    assert cli("import", str(src)).exit_code == 0


@given(st.lists(st.lists(st.one_of(st.none(), cells), min_size=3, max_size=3), max_size=6),
       st.booleans())
def test_the_quick_look_at_plain_rows_writes_what_the_careful_one_does(
        rows: list[list[str | None]], raw: bool) -> None:
    """Tables that declare their text columns skip the per-cell guard on rows that need none."""
    from qcode.export.table import Table, WriteOptions, write_table

    outputs = []
    for text in (None, frozenset({0, 2})):
        table = Table("t", ["a", "n", "b"], [(r[0], 7, r[2]) for r in rows], text=text)
        out = io.BytesIO()
        write_table(table, out, WriteOptions(raw=raw))
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
