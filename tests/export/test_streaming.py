"""Exports read codings in chunks and write rows as they come; the results do not depend on
where the chunks fall (a document split across chunks, one document per query)."""

from __future__ import annotations

import inspect
import io
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from qcode.export import scope as scope_module
from qcode.export.cooccurrence import cooccurrence
from qcode.export.frequencies import frequencies
from qcode.export.matrix import matrix
from qcode.export.scope import ExportFilter, chunks, resolve
from qcode.export.segments import segments
from qcode.export.table import Table, WriteOptions, write_table
from qcode.store.models import Coding
from tests.conftest import Cli, db_url

BUILDERS = {
    "segments": lambda s: segments(s, ExportFilter()),
    "segments_speaker": lambda s: segments(s, ExportFilter(speaker="Respondent")),
    "words": lambda s: frequencies(s, ExportFilter(), by=["document", "coder"], count="words",
                                   rollup=True),
    "documents": lambda s: frequencies(s, ExportFilter(), by=["case"], count="documents"),
    "matrix": lambda s: matrix(s, ExportFilter(), per="document", count=True),
    "cooccurrence": lambda s: cooccurrence(s, ExportFilter(), unit="sentence"),
}


@pytest.fixture
def session(exp: Cli) -> Iterator[Session]:
    from qcode.store.engine import session_scope

    with session_scope(db_url(exp.db), write=False) as session:
        yield session


def _bytes(table: Table) -> bytes:
    out = io.BytesIO()
    write_table(table, out, WriteOptions())
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_chunk_boundaries_do_not_change_results(session: Session, name: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _bytes(BUILDERS[name](session))
    monkeypatch.setattr(scope_module, "CHUNK", 2)
    monkeypatch.setattr(scope_module, "DOCUMENT_BATCH", 1)
    assert _bytes(BUILDERS[name](session)) == whole


def test_codings_arrive_in_chunks(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scope_module, "CHUNK", 2)
    monkeypatch.setattr(scope_module, "DOCUMENT_BATCH", 2)
    parts = [len(part) for part, _ in chunks(session, resolve(session, ExportFilter()),
                                             [Coding.code_id])]
    assert sum(parts) == 13 and max(parts) == 2 and len(parts) >= 7


def test_segment_rows_are_made_as_they_are_written(session: Session,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = scope_module.locate

    def counting(session: Session, ranges: dict[int, tuple[int, int]]) -> object:
        calls.append(len(ranges))
        return real(session, ranges)

    monkeypatch.setattr(scope_module, "locate", counting)
    monkeypatch.setattr(scope_module, "CHUNK", 3)
    table = segments(session, ExportFilter())
    assert inspect.isgenerator(table.rows) and calls == []
    rows = iter(table.rows)
    next(rows)
    assert calls == [1]  # one chunk located, of one document
    assert len(list(rows)) == 12 and len(calls) >= 5
