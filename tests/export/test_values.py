"""What the exports count, checked against values worked out by hand on the fixed project, and
against independent computations from `qcode codings`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.queries import CodingFilter, list_codings
from qcode.export.cooccurrence import cooccurrence
from qcode.export.frequencies import frequencies
from qcode.export.matrix import matrix
from qcode.export.scope import ExportFilter
from qcode.export.segments import segments
from qcode.export.table import Table
from qcode.store.models import Unit
from tests.conftest import Cli, db_url


@pytest.fixture
def session(exp: Cli) -> Iterator[Session]:
    from qcode.store.engine import session_scope

    with session_scope(db_url(exp.db), write=False) as session:
        yield session


def _dicts(table: Table) -> list[dict[str, Any]]:
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def _counts(table: Table, group: str | None = None) -> dict[tuple[Any, str], int]:
    return {(r[group] if group else None, r["code"]): r["count"] for r in _dicts(table)}


def test_firms_per_source_and_sector(session: Session) -> None:
    table = frequencies(session, ExportFilter(code="sources"), by=["sector"], count="cases")
    assert table.columns == ["sector", "code", "code_path", "count"]
    counts = _counts(table, "sector")
    # F001 (ana, ben) and F003 (ben) have diaspora.family; only F001 has ben's diaspora turn.
    assert counts[("IT services", "diaspora.family")] == 2
    assert counts[("IT services", "diaspora")] == 1
    assert counts[("metal processing", "colocation")] == 1
    # Every code for every sector, zeros included; the parent is not applied directly.
    assert counts[("IT services", "sources")] == 0
    # The document without a case is a group with an empty value, and counts no firm.
    assert counts[(None, "diaspora.family")] == 0
    assert len(counts) == 3 * 4


def test_codings_documents_and_rollup(session: Session) -> None:
    codings = _counts(frequencies(session, ExportFilter()))
    assert codings[(None, "barriers")] == 4 and codings[(None, "sources")] == 0
    rolled = _counts(frequencies(session, ExportFilter(), rollup=True))
    assert rolled[(None, "sources")] == 2 + 4 + 3  # diaspora, diaspora.family, colocation
    assert rolled[(None, "diaspora")] == 2 + 4
    documents = _counts(frequencies(session, ExportFilter(), by=["coder"], count="documents"),
                        "coder")
    assert documents[("ana", "barriers")] == 2 and documents[("ben", "barriers")] == 2
    assert documents[("ben", "diaspora.family")] == 1


def test_words_count_overlapping_codings_once(session: Session) -> None:
    counts = _counts(frequencies(session, ExportFilter(), by=["document"], count="words"),
                     "document")
    assert counts[("int_001.txt", "barriers")] == 4  # two coders, one "Banks would not lend."
    # "We learned … would not lend." (12 words) and "Respondent: Th" (2) do not overlap.
    assert counts[("int_001.txt", "colocation")] == 14
    assert counts[("int_002.txt", "diaspora.family")] == 3  # "Рођак из Беча 🇦🇹"


def test_wide_is_the_long_table_turned(session: Session) -> None:
    long = _counts(frequencies(session, ExportFilter(), by=["case"], rollup=True), "case")
    wide = frequencies(session, ExportFilter(), by=["case"], rollup=True, wide=True)
    assert wide.columns == ["code", "code_path", "F001", "F002", "F003", "(none)"]
    for row in _dicts(wide):
        for case in ("F001", "F002", "F003"):
            assert row[case] == long[(case, row["code"])]
        assert row["(none)"] == long[(None, row["code"])]


def test_groups_sort_numbers_as_numbers(session: Session) -> None:
    from qcode.export.frequencies import value_sort_key

    assert sorted(["10", "9", None, "100"], key=value_sort_key(["10", "9", "100"])) == [
        "9", "10", "100", None]
    assert sorted(["b", "A", "10"], key=value_sort_key(["b", "A", "10"])) == ["10", "A", "b"]


def test_retired_codes_appear_only_where_applied(session: Session, exp: Cli) -> None:
    keys = [r["code"] for r in _dicts(frequencies(session, ExportFilter()))]
    assert "old_code" not in keys
    assert "old_code" not in matrix(session, ExportFilter()).columns
    _code_retired(exp)
    session.rollback()  # a new read transaction sees the new coding
    counts = _counts(frequencies(session, ExportFilter()))
    assert counts[(None, "old_code")] == 1
    assert "old_code" in matrix(session, ExportFilter()).columns


def _code_retired(exp: Cli) -> None:
    from qcode.store.engine import session_scope
    from qcode.store.models import Code, Coder, Coding, Document

    with session_scope(db_url(exp.db), write=True) as s:
        code = s.execute(select(Code).where(Code.key == "old_code")).scalar_one()
        doc = s.execute(select(Document).where(Document.name == "int_003.txt")).scalar_one()
        coder = s.execute(select(Coder).where(Coder.name == "ana")).scalar_one()
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=0, end=11,
                     quote=doc.text[:11]))


def test_matrix_has_every_case_in_scope(session: Session) -> None:
    rows = {r["case"]: r for r in _dicts(matrix(session, ExportFilter()))}
    assert list(rows) == ["F001", "F002", "F003", None]
    assert (rows["F003"]["colocation"], rows["F003"]["barriers"]) == (0, 1)
    counted = {r["document"]: r for r in _dicts(matrix(session, ExportFilter(), per="document",
                                                         count=True))}
    assert counted["int_001.txt"]["barriers"] == 2 and counted["int_004.txt"]["case"] is None
    it = _dicts(matrix(session, ExportFilter(where={"sector": "IT services"})))
    assert [r["case"] for r in it] == ["F001", "F003"]


@pytest.mark.parametrize("unit", ["turn", "paragraph", "sentence", "document"])
def test_cooccurrence_against_a_direct_count(session: Session, unit: str) -> None:
    """Counted again the slow way: for every unit, the codes whose codings overlap it."""
    table = cooccurrence(session, ExportFilter(), unit=unit)
    keys = table.columns[1:]
    got = {(row[0], k): v for row in table.rows for k, v in zip(keys, row[1:], strict=True)}
    applied: dict[tuple[str, int], set[str]] = {}
    for c in list_codings(session, CodingFilter()):
        for number in _units_overlapping(session, c.document, unit, c.start, c.end):
            applied.setdefault((c.document, number), set()).add(c.code)
    for a in keys:
        for b in keys:
            expected = sum(1 for codes in applied.values() if a in codes and b in codes)
            assert got[(a, b)] == expected, (a, b)
    assert got[("colocation", "barriers")] == {"turn": 1, "paragraph": 1, "sentence": 1,
                                                "document": 2}[unit]


def _units_overlapping(session: Session, document: str, kind: str, start: int,
                       end: int) -> list[int]:
    from qcode.store.models import Document

    if kind == "document":
        return [0]
    return list(session.execute(
        select(Unit.number).join(Document, Document.id == Unit.document_id)
        .where(Document.name == document, Unit.kind == kind, Unit.start < end, Unit.end > start)
    ).scalars())


def test_jaccard(session: Session) -> None:
    table = cooccurrence(session, ExportFilter(), unit="document", jaccard=True)
    got = {row[0]: dict(zip(table.columns[1:], row[1:], strict=True)) for row in table.rows}
    assert got["diaspora"]["diaspora.family"] == 2 / 4  # documents {1, 2} and {1, 2, 3, 4}
    assert got["diaspora"]["barriers"] == 2 / 3
    assert got["barriers"]["barriers"] == 1.0
    assert got["sources"]["sources"] is None  # never applied: 0 / 0
    assert got["sources"]["diaspora"] == 0.0


def test_segments_locate_codings_as_qcode_codings_does(session: Session) -> None:
    rows = _dicts(segments(session, ExportFilter()))
    listed = list_codings(session, CodingFilter())
    assert len(rows) == len(listed) == 13
    for row, c in zip(rows, listed, strict=True):
        assert (row["document"], row["start"], row["end"], row["code"], row["coder"]) == (
            c.document, c.start, c.end, c.code, c.coder)
        assert (row["speaker"], row["turn"], row["line_start"], row["line_end"]) == (
            c.speaker, c.turn, c.line_start, c.line_end)
        assert row["text"] == c.text and row["memo"] == c.memo
    on_label = next(r for r in rows if r["text"] == "Respondent: Th")
    assert on_label["turn"] == 2  # starts on the label: the turn that follows
    assert rows[-1]["turn"] is None and rows[-1]["line_start"] == 2  # a note without speakers


def test_segment_levels_and_attributes(session: Session) -> None:
    table = segments(session, ExportFilter())
    assert table.columns == [
        "document", "case", "region", "sector", "size", "speaker", "turn", "line_start",
        "line_end", "start", "end", "code", "level_1", "level_2", "level_3", "coder", "text",
        "memo"]
    family = next(r for r in _dicts(table) if r["code"] == "diaspora.family")
    assert (family["level_1"], family["level_2"], family["level_3"]) == (
        "sources", "diaspora", "diaspora.family")
    barriers = next(r for r in _dicts(segments(session, ExportFilter())) if r["code"] == "barriers")
    assert (barriers["level_1"], barriers["level_2"]) == ("barriers", None)
    assert "text" not in segments(session, ExportFilter(), no_text=True).columns
