"""The SQLite full-text index over sentence units (see `qcode.store.fulltext`).

Why it looks like this:

* An FTS5 table, contentless (`content=''`): the text stays in `documents` and the index holds
  only tokens; its rowid is `units.id`. It exists only on SQLite with FTS5. Everywhere else,
  and whenever the index is not ready, `qcode.corpus.search` scans instead and finds the same rows.
* What is indexed is `qcode.corpus.search.index_text(sentence)`: the tokens as qcode cuts and folds
  them, joined by spaces (an ASCII sentence as it is: FTS5 cuts ASCII the same way). The FTS5
  tokenizer (`unicode61 remove_diacritics 2`) then splits only at those spaces, so its older
  Unicode tables (which glue 🙂 to a neighbouring word and keep đ) cannot make it miss a
  sentence the matcher in `qcode.corpus.search` accepts. The index narrows; the matcher decides.
* A contentless table (before SQLite 3.43) forgets a row only when told the text it indexed,
  so a document must be unindexed *before* its text or units change (`unindex_document`).
* Whether the index is usable is recorded in `meta` (`fulltext_index`), not guessed from the
  table. A project written without FTS5 at hand loses the mark; the next open with FTS5
  rebuilds the index (`heal`), as does an index made by an older qcode (`INDEX_VERSION`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    TextClause,
    bindparam,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.selectable import TextualSelect

from qcode.store.models import Document, Meta, Unit

TABLE = "units_fts"
META_KEY = "fulltext_index"
INDEX_VERSION = "fts5-1"  # bump when index_text() changes: existing indexes are then rebuilt
ENGINE = "fts5"

_CREATE = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
    "text, content='', tokenize='unicode61 remove_diacritics 2')"
)
_INSERT = f"INSERT INTO {TABLE} (rowid, text) VALUES (?, ?)"
_DELETE = f"INSERT INTO {TABLE} ({TABLE}, rowid, text) VALUES ('delete', ?, ?)"
_FTS5: dict[str, bool] = {}


def fts5_available(conn: Connection) -> bool:
    """SQLite with the FTS5 module compiled in (asked once per process)."""
    if conn.dialect.name != "sqlite":
        return False
    if "enabled" not in _FTS5:
        used = conn.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar()
        _FTS5["enabled"] = bool(used)
    return _FTS5["enabled"]


# Built once: every imported file runs them, and building one costs more than running it.
_MARK = select(Meta.value).where(Meta.key == META_KEY)
_SENTENCES = select(Unit.id, Unit.start, Unit.end).where(
    Unit.document_id == bindparam("document_id"), Unit.kind == "sentence"
)


def _marked(conn: Connection) -> bool:
    return conn.execute(_MARK).scalar() == INDEX_VERSION


def is_ready(conn: Connection) -> bool:
    """Whether searches may use the index: SQLite, FTS5 at hand, and an index of this version."""
    return conn.dialect.name == "sqlite" and _marked(conn) and fts5_available(conn)


def install(conn: Connection) -> bool:
    """(Re)build the index from every sentence unit. Off SQLite or without FTS5: nothing, False."""
    if not fts5_available(conn):
        return False
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
    conn.exec_driver_sql(_CREATE)
    for (document_id,) in conn.execute(select(Document.id).order_by(Document.id)).all():
        body = conn.execute(select(Document.text).where(Document.id == document_id)).scalar_one()
        _write(conn, _INSERT, document_id, body)
    _set_mark(conn, INDEX_VERSION)
    return True


def heal(engine: Engine) -> bool:
    """Build the index of a SQLite project that lacks it (or has an old one) when FTS5 is here."""
    if engine.dialect.name != "sqlite":
        return False
    try:
        with engine.connect() as conn:
            if not fts5_available(conn) or _marked(conn):
                return False
        with engine.execution_options(qcode_write=True).begin() as conn:
            return False if _marked(conn) else install(conn)
    except SQLAlchemyError:
        return False  # a read-only file, say: searches scan instead


def index_document(conn: Connection, document_id: int, body: str) -> None:
    """Add a document's sentence units (already inserted) to the index."""
    if _maintained(conn):
        _write(conn, _INSERT, document_id, body)


def unindex_document(conn: Connection, document_id: int, body: str) -> None:
    """Remove a document's sentence units from the index; `body` is the text they were cut from."""
    if _maintained(conn):
        _write(conn, _DELETE, document_id, body)


def matching_ids(terms: Iterable[tuple[Sequence[str], bool]]) -> TextualSelect:
    """`SELECT rowid` of candidate sentences for terms of folded tokens (and a prefix flag)."""
    clause: TextClause = text(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :expression")
    return clause.bindparams(expression=match_expression(terms)).columns(rowid=Integer)


def match_expression(terms: Iterable[tuple[Sequence[str], bool]]) -> str:
    """An FTS5 expression: every term a quoted string, so no user syntax ever reaches MATCH."""
    parts = []
    for tokens, prefix in terms:
        phrase = '"' + " ".join(tokens).replace('"', '""') + '"'
        parts.append(phrase + (" *" if prefix else ""))
    return " AND ".join(parts)


def _maintained(conn: Connection) -> bool:
    """Whether writes must keep the index in step. Without FTS5 the index cannot be written, so
    its mark goes and the next open with FTS5 rebuilds it."""
    if conn.dialect.name != "sqlite" or not _marked(conn):
        return False
    if fts5_available(conn):
        return True
    conn.execute(delete(Meta).where(Meta.key == META_KEY))
    return False


def _write(conn: Connection, statement: str, document_id: int, body: str) -> None:
    from qcode.corpus.text import index_text

    units = conn.execute(_SENTENCES, {"document_id": document_id}).all()
    rows = [(unit_id, index_text(body[start:end])) for unit_id, start, end in units]
    rows = [row for row in rows if row[1]]
    if rows:
        conn.exec_driver_sql(statement, rows)


def _set_mark(conn: Connection, value: str) -> None:
    done = conn.execute(update(Meta).where(Meta.key == META_KEY).values(value=value))
    if done.rowcount == 0:
        conn.execute(insert(Meta).values(key=META_KEY, value=value))
