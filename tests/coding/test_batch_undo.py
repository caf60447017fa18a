"""Set-based import, undo and redo of a bulk batch: compact events, the same rows back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from qcode.coding.bulk import import_codings, read_codings_csv
from qcode.coding.history import redo, undo
from qcode.errors import QcodeError
from qcode.store.compact_events import unpack
from qcode.store.models import Coding, Event, Memo
from tests.coding.test_bulk import GOOD, _csv, count, make_project, open_session
from tests.conftest import Cli


@pytest.fixture
def imported(cli: Cli, tmp_path: Path) -> Path:
    db = make_project(cli, tmp_path)
    with open_session(db) as s:
        import_codings(s, read_codings_csv(_csv(tmp_path, GOOD)), "pi", batch="b-1")
    return db


def _codings(db: Path) -> list[tuple[object, ...]]:
    with open_session(db, write=False) as s:
        return [tuple(r) for r in s.execute(
            select(Coding.id, Coding.uuid, Coding.document_id, Coding.code_id, Coding.coder_id,
                   Coding.start, Coding.end, Coding.quote, Coding.prefix, Coding.suffix,
                   Coding.created_at).order_by(Coding.id)).all()]


def _memos(db: Path) -> list[tuple[object, ...]]:
    with open_session(db, write=False) as s:
        return [tuple(r) for r in s.execute(
            select(Memo.id, Memo.uuid, Memo.target_id, Memo.coder_id, Memo.text)
            .order_by(Memo.id)).all()]


def test_import_events_hold_ids_and_span_not_the_quote(imported: Path) -> None:
    with open_session(imported, write=False) as s:
        events = s.execute(select(Event.target_type, Event.target_id, Event.after_json)
                           .where(Event.action == "import-coding")).all()
        quotes = list(s.execute(select(Coding.quote)).scalars())
        ids = sorted(s.execute(select(Coding.id)).scalars())
    # One event per coder (ana, bob, zoe) for the chunk, none with a target of its own.
    assert [(kind, target) for kind, target, _ in events] == [("codings", None)] * 3
    afters = [a for *_, after in events for a in unpack(after)]
    assert sorted(a["id"] for a in afters) == ids
    assert all("quote" not in a and "prefix" not in a and {"id", "uuid", "start", "end"} <= set(a)
               for a in afters)
    assert "Ни" in quotes


def test_undo_then_redo_gives_back_the_same_rows(imported: Path) -> None:
    codings, memos = _codings(imported), _memos(imported)
    assert len(codings) == 3 and len(memos) == 2
    with open_session(imported) as s:
        assert undo(s, "pi").changes == 5
    with open_session(imported, write=False) as s:
        assert count(s, Coding) == 0 and count(s, Memo) == 0
        undos = s.execute(select(Event.target_type, Event.before_json, Event.after_json,
                                 Event.summary).where(Event.action == "undo")).all()
    # The audit trail names each row removed and whose it was, one event for the memos and one
    # for the codings; the state is in the batch it undoes.
    assert [kind for kind, *_ in undos] == ["memos:coding", "codings", "codings", "codings"]
    assert all(a is None for _, _, a, _ in undos)
    rows = [row for _, b, _, _ in undos for row in unpack(b)]
    assert len(rows) == 5 and sorted(r["id"] for r in rows[2:]) == [c[0] for c in codings]
    assert all(set(r) <= {"id", "memo_id", "document_id", "code_id", "coder_id"} for r in rows)
    assert {u[3] for u in undos[1:]} == {
        "undo import-coding (ana) 1 coding in int_001.txt: diaspora",
        "undo import-coding (bob) 1 coding in int_001.txt: barriers",
        "undo import-coding (zoe) 1 coding in int_002.md: owner_emigration"}
    with open_session(imported) as s:
        assert redo(s, "pi").changes == 5
    assert _codings(imported) == codings and _memos(imported) == memos


def test_undo_refuses_when_one_coding_changed_since(imported: Path) -> None:
    with open_session(imported) as s:
        victim = s.execute(select(Coding.id).order_by(Coding.id.desc())).scalars().first()
        s.execute(update(Coding).where(Coding.id == victim).values(end=Coding.end - 1))
    with open_session(imported) as s, pytest.raises(QcodeError, match=f"coding {victim} was changed"):
        undo(s, "pi")
    with open_session(imported, write=False) as s:
        assert count(s, Coding) == 3


def test_redo_refuses_when_a_coding_exists_again(imported: Path) -> None:
    rows = _codings(imported)
    with open_session(imported) as s:
        undo(s, "pi")
    with open_session(imported) as s:
        s.add(Coding(id=rows[0][0], document_id=rows[0][2], code_id=rows[0][3],
                     coder_id=rows[0][4], start=0, end=1, quote="x"))
    with open_session(imported) as s, pytest.raises(QcodeError, match="exists again"):
        redo(s, "pi")
    with open_session(imported, write=False) as s:
        assert count(s, Coding) == 1


@pytest.mark.postgres
def test_insert_new_skips_rows_another_coder_inserted_first(pg_url: str) -> None:
    from sqlalchemy import Column, Integer, MetaData, String, Table, UniqueConstraint, create_engine
    from sqlalchemy.orm import Session

    from qcode.store.inserts import insert_new

    meta = MetaData()
    table = Table("t_insert_new", meta, Column("id", Integer, primary_key=True),
                  Column("key", String(8)), UniqueConstraint("key"))
    engine = create_engine(pg_url)
    meta.create_all(engine)
    try:
        with Session(engine) as s, s.begin():
            first = insert_new(s, table, [{"key": "a"}], ("key",))
            again = insert_new(s, table, [{"key": "a"}, {"key": "b"}], ("key",))
        assert first == [("a",)] and again == [("b",)]
    finally:
        meta.drop_all(engine)
        engine.dispose()


def _check_errors(db: Path) -> list[str]:
    from qcode.store.maintenance import check

    with open_session(db, write=False) as s:
        report = check(s)
    return [f.message for f in report.findings if f.severity == "error"]


def test_db_check_follows_compact_events_through_undo_and_redo(imported: Path) -> None:
    assert _check_errors(imported) == []
    with open_session(imported) as s:
        undo(s, "pi")
    assert _check_errors(imported) == []
    with open_session(imported) as s:
        redo(s, "pi")
    assert _check_errors(imported) == []
    with open_session(imported) as s:
        victim = s.execute(select(Memo.id)).scalars().first()
        s.execute(delete(Memo).where(Memo.id == victim))
        s.execute(delete(Coding).where(Coding.id == s.execute(select(func.min(Coding.id))).scalar()))
    assert sorted(_check_errors(imported)) == [
        "the log says this coding exists, but it is not in the store",
        "the log says this memo entry exists, but it is not in the store"]
