"""The full-text index over sentence units, whichever store holds the project.

The index narrows a search to candidate sentences; `qcode.corpus.search` decides what matches,
so both stores (and the scan used where no index is ready) give the same rows. What is indexed
is `qcode.corpus.text.index_text(sentence)`: the tokens as qcode cuts and folds them. Each
dialect's SQL lives in its own module:

* SQLite: an FTS5 table (`qcode.store.fts_sqlite`).
* PostgreSQL: a `tsvector` of those exact tokens per sentence with a GIN index
  (`qcode.store.fts_postgres`); no text-search configuration or `unaccent` is involved, so the
  server's locale cannot change what is found.

Whether the index is usable is recorded in `meta` (`fulltext_index`), not guessed from the
table; a project without a ready index is (re)built on open (`heal`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import ModuleType

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.selectable import Select, TextualSelect

from qcode.store import fts_sqlite
from qcode.store.fts_sqlite import META_KEY, fts5_available

__all__ = ["META_KEY", "engine_name", "expected_mark", "fts5_available", "heal", "index_document", "install",
           "is_ready", "matching_ids", "unindex_document"]


def expected_mark(engine: Engine) -> str | None:
    """The `fulltext_index` mark of a ready index on this store (None where there is none)."""
    module = _module(engine)
    return module.INDEX_VERSION if module is not None else None


def _module(conn: Connection | Engine) -> ModuleType | None:
    name = conn.dialect.name
    if name == "sqlite":
        return fts_sqlite
    if name == "postgresql":
        from qcode.store import fts_postgres

        return fts_postgres
    return None


def engine_name(conn: Connection) -> str:
    """What a search reports it used: `fts5`, `tsvector`, or `scan`."""
    module = _module(conn)
    return module.ENGINE if module is not None and module.is_ready(conn) else "scan"


def is_ready(conn: Connection) -> bool:
    module = _module(conn)
    return module is not None and bool(module.is_ready(conn))


def install(conn: Connection) -> bool:
    """(Re)build the index from every sentence unit; False where the store has none."""
    module = _module(conn)
    return module is not None and bool(module.install(conn))


def heal(engine: Engine) -> bool:
    """Build the index of a project that lacks it (or has an old one)."""
    module = _module(engine)
    if module is None:
        return False
    try:
        return bool(module.heal(engine))
    except SQLAlchemyError:
        return False  # a read-only file or role, say: searches scan instead


def index_document(conn: Connection, document_id: int, body: str) -> None:
    """Add a document's sentence units (already inserted) to the index."""
    module = _module(conn)
    if module is not None:
        module.index_document(conn, document_id, body)


def unindex_document(conn: Connection, document_id: int, body: str) -> None:
    """Remove a document's sentence units from the index; `body` is the text they were cut from."""
    module = _module(conn)
    if module is not None:
        module.unindex_document(conn, document_id, body)


def matching_ids(
    conn: Connection, terms: Iterable[tuple[Sequence[str], bool]]
) -> TextualSelect | Select[tuple[int]]:
    """`SELECT` of the unit ids of candidate sentences for terms of folded tokens (and a prefix
    flag). Only called where `is_ready`."""
    module = _module(conn)
    assert module is not None
    return module.matching_ids(list(terms))
