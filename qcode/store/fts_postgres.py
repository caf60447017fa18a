"""The PostgreSQL full-text index over sentence units (see `qcode.store.fulltext`).

`units_fts` holds, per sentence unit, a `tsvector` written straight from qcode's folded tokens
with their positions (`'export':1 'market':2`), with a GIN index. Queries are `tsquery` values
built from quoted lexemes, a phrase's words joined by `<->` (`'export' <-> 'market'`, a prefix
`'mark':*`), so neither the server's text-search parser nor its locale decides what a word is:
the index finds the sentences FTS5 finds on SQLite (phrases included, so no more texts are
read to confirm them), and the matcher in `qcode.corpus.search` makes the final call on both.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine, Integer, bindparam, insert, select, text, update
from sqlalchemy.sql.selectable import TextualSelect

from qcode.store.models import Document, Meta, Unit

TABLE = "units_fts"
META_KEY = "fulltext_index"
INDEX_VERSION = "tsvector-2"  # bump when index_text() changes: existing indexes are then rebuilt
ENGINE = "tsvector"
_BATCH = 2000
_MAX_POSITION = 16383  # PostgreSQL keeps positions up to this; later words share it


def _marked(conn: Connection) -> bool:
    return conn.execute(select(Meta.value).where(Meta.key == META_KEY)).scalar() == INDEX_VERSION


def is_ready(conn: Connection) -> bool:
    return _marked(conn)


def install(conn: Connection) -> bool:
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
    conn.exec_driver_sql(
        f"CREATE TABLE {TABLE} (unit_id INTEGER PRIMARY KEY REFERENCES units (id) ON DELETE CASCADE,"
        " tokens TSVECTOR NOT NULL)"
    )
    conn.exec_driver_sql(f"CREATE INDEX ix_{TABLE}_tokens ON {TABLE} USING GIN (tokens)")
    for (document_id,) in conn.execute(select(Document.id).order_by(Document.id)).all():
        body = conn.execute(select(Document.text).where(Document.id == document_id)).scalar_one()
        index_document(conn, document_id, body, force=True)
    _set_mark(conn, INDEX_VERSION)
    return True


def heal(engine: Engine) -> bool:
    with engine.connect() as conn:
        if _marked(conn):
            return False
    with engine.begin() as conn:
        return False if _marked(conn) else install(conn)


def index_document(conn: Connection, document_id: int, body: str, *, force: bool = False) -> None:
    from qcode.corpus.text import index_tokens

    if not force and not _marked(conn):
        return
    units = conn.execute(
        select(Unit.id, Unit.start, Unit.end).where(
            Unit.document_id == document_id, Unit.kind == "sentence"
        )
    ).all()
    rows = [{"unit_id": unit_id, "tokens": vector_text(index_tokens(body[start:end]))}
            for unit_id, start, end in units]
    rows = [row for row in rows if row["tokens"]]
    statement = text(f"INSERT INTO {TABLE} (unit_id, tokens) VALUES (:unit_id, CAST(:tokens AS tsvector))")
    for begin in range(0, len(rows), _BATCH):
        conn.execute(statement, rows[begin : begin + _BATCH])


def unindex_document(conn: Connection, document_id: int, body: str) -> None:
    if not _marked(conn):
        return
    conn.execute(
        text(f"DELETE FROM {TABLE} WHERE unit_id IN (SELECT id FROM units WHERE document_id = :d)"),
        {"d": document_id},
    )


def vector_text(tokens: Sequence[str]) -> str:
    """A tsvector literal of `tokens` with their positions (1-based): `'a':1,3 'b':2`."""
    positions: dict[str, list[str]] = {}
    for number, token in enumerate(tokens, 1):
        positions.setdefault(token.lower(), []).append(str(min(number, _MAX_POSITION)))
    return " ".join(f"{_lexeme(t)}:{','.join(p)}" for t, p in positions.items())


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def query_text(terms: Sequence[tuple[Sequence[str], bool]]) -> str:
    """A tsquery of quoted lexemes: a term's words one after another (`<->`), its last word a
    prefix with `:*`, the terms ANDed."""
    parts = []
    for tokens, prefix in terms:
        lexemes = [_lexeme(t.lower()) for t in tokens]
        if prefix:
            lexemes[-1] += ":*"
        parts.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


def matching_ids(terms: Sequence[tuple[Sequence[str], bool]]) -> TextualSelect:
    clause = text(f"SELECT unit_id FROM {TABLE} WHERE tokens @@ CAST(:query AS tsquery)")
    return clause.bindparams(bindparam("query", query_text(terms))).columns(unit_id=Integer)


def _set_mark(conn: Connection, value: str) -> None:
    done = conn.execute(update(Meta).where(Meta.key == META_KEY).values(value=value))
    if done.rowcount == 0:
        conn.execute(insert(Meta).values(key=META_KEY, value=value))


__all__ = ["ENGINE", "INDEX_VERSION", "heal", "index_document", "install", "is_ready",
           "matching_ids", "query_text", "unindex_document", "vector_text"]
