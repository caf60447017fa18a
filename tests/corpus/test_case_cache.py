"""The import's case cache: a case written by an earlier file with the same attributes costs no
statement, a changed attribute is still written, and a rolled-back file leaves nothing known."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, select

from qcode.corpus.cases import CaseCache, CaseRow, ensure_case
from qcode.store.engine import get_engine, session_scope, to_url
from qcode.store.models import Case, CaseAttribute
from qcode.store.schema import create_project


@pytest.fixture
def url(tmp_path: Path) -> str:
    made = to_url(tmp_path / "qcode.db")
    create_project(made, name="cache")
    return made


@pytest.fixture
def statements(url: str) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: object, cursor: object, sql: str, *args: object) -> None:
        seen.append(sql)

    engine = get_engine(url)
    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def _attributes(url: str) -> dict[str, dict[str, str | None]]:
    with session_scope(url, write=False) as s:
        rows = s.execute(select(Case.name, CaseAttribute.name, CaseAttribute.value)
                         .join(CaseAttribute, CaseAttribute.case_id == Case.id)).all()  # fmt: skip
    out: dict[str, dict[str, str | None]] = {}
    for case, name, value in rows:
        out.setdefault(case, {})[name] = value
    return out


def test_a_known_case_costs_no_statement(url: str, statements: list[str]) -> None:
    cache = CaseCache()
    row = CaseRow(case="firm_01", attributes={"sector": "IT services", "region": "Niš"})
    with session_scope(url, write=True) as s:
        first = ensure_case(s, row, cache)
    cache.commit()
    before = len(statements)
    with session_scope(url, write=True) as s:
        assert ensure_case(s, row, cache) == first
        assert ensure_case(s, CaseRow("firm_01", {"sector": "IT services"}), cache) == first
    assert not [q for q in statements[before:] if "case" in q.lower()]
    # A changed attribute is not a hit: it is written, and known from then on.
    with session_scope(url, write=True) as s:
        assert ensure_case(s, CaseRow("firm_01", {"sector": "machinery"}), cache) == first
    cache.commit()
    assert _attributes(url) == {"firm_01": {"sector": "machinery", "region": "Niš"}}
    assert cache.hit(CaseRow("firm_01", {"sector": "machinery", "region": "Niš"})) == first


def test_a_rolled_back_case_is_not_known(url: str) -> None:
    cache = CaseCache()
    with pytest.raises(RuntimeError), session_scope(url, write=True) as s:
        ensure_case(s, CaseRow("firm_02", {"sector": "apparel"}), cache)
        raise RuntimeError("the file failed")
    cache.discard()
    assert cache.hit(CaseRow("firm_02", {"sector": "apparel"})) is None
    with session_scope(url, write=True) as s:
        made = ensure_case(s, CaseRow("firm_02", {"sector": "apparel"}), cache)
    cache.commit()
    with session_scope(url, write=False) as s:
        assert s.execute(select(Case.id).where(Case.name == "firm_02")).scalar() == made
