"""Schema 3: ids never reused, UUIDs, the coder roster, memo threads, codes that are categories.

* Every table with an integer id is rebuilt on SQLite with `AUTOINCREMENT` (SQLite cannot add it
  to an existing table). Its sequence starts above every id the events ever named, so an id that
  was used and deleted before the migration is not handed out again either. PostgreSQL ids come
  from sequences, which never go back, so nothing changes there.
* documents, cases, codes, coders, codings, memos and rounds get a `uuid`, filled here.
* coders get `key` (the folded name), `role` (the project's creator is the PI) and `retired`.
  Two coders whose names fold alike (`Ana`, `ana`) were one person typed two ways: their codings
  are merged into the older row, and the merge is written to the event log.
* A coding's memo (a column of the coding until now) becomes the first entry of its memo thread,
  credited to the coding's coder; the column goes.
* codes get `applicable` (false for a category that only groups its children).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import Connection, DateTime, Integer, Table, Text, text
from sqlalchemy.schema import CreateIndex, CreateTable

from qcode.store.models import Base

UUID_TABLES = ("cases", "documents", "codes", "coders", "codings", "memos", "rounds")


def upgrade(conn: Connection) -> None:
    memos = _coding_memos(conn)
    if conn.dialect.name == "sqlite":
        _rebuild_sqlite(conn)
    else:
        _alter_in_place(conn)
    _move_coding_memos(conn, memos)
    _fill_uuids(conn)
    _fill_coder_keys(conn)
    if conn.dialect.name != "sqlite":
        _finish_in_place(conn)


# --- SQLite: rebuild every table from the models ----------------------------------------------


def _rebuild_sqlite(conn: Connection) -> None:
    """Rename the old tables, create the new ones, copy the rows across, drop the old ones.

    Runs with foreign keys off (see `qcode.store.schema.migrate`), so dropping an old table does
    not cascade into the rows just copied; `PRAGMA foreign_key_check` runs before commit."""
    tables = [t for t in Base.metadata.sorted_tables if _exists(conn, t.name)]
    for table in tables:
        for (name,) in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table.name,),
        ).all():
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        conn.exec_driver_sql(f'ALTER TABLE "{table.name}" RENAME TO "_v2_{table.name}"')
    ceilings = _id_ceilings(conn)
    for table in tables:
        conn.execute(CreateTable(table))
        for index in table.indexes:
            conn.execute(CreateIndex(index))
    for table in tables:
        _copy(conn, table)
        conn.exec_driver_sql(f'DROP TABLE "_v2_{table.name}"')
        ceiling = ceilings.get(table.name, 0)
        if "id" in table.c and ceiling:
            _raise_sequence(conn, table.name, ceiling)


def _exists(conn: Connection, name: str) -> bool:
    found = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).first()
    return found is not None


# A version 4 UUID in SQLite's own SQL, so millions of rows are copied without a Python loop.
_SQL_UUID4 = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)"
    " || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)"
    " || '-' || hex(randomblob(6)))"
)
# Values for the columns new in schema 3; coder keys are set properly by _fill_coder_keys.
_NEW_COLUMNS = {
    "uuid": _SQL_UUID4,
    "key": "'~' || id",
    "role": "'coder'",
    "retired": "0",
    "applicable": "1",
}


def _copy(conn: Connection, table: Table) -> None:
    old = {row[1] for row in conn.exec_driver_sql(f'PRAGMA table_info("_v2_{table.name}")').all()}
    targets, sources = [], []
    for column in table.c:
        if column.name in old:
            targets.append(f'"{column.name}"')
            sources.append(f'"{column.name}"')
        elif column.name in _NEW_COLUMNS:
            targets.append(f'"{column.name}"')
            sources.append(_NEW_COLUMNS[column.name])
    conn.exec_driver_sql(
        f'INSERT INTO "{table.name}" ({", ".join(targets)}) '
        f'SELECT {", ".join(sources)} FROM "_v2_{table.name}"'
    )


def _id_ceilings(conn: Connection) -> dict[str, int]:
    """The highest id each table ever held, as far as the rows and the event log know."""
    found: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or not _exists(conn, f"_v2_{table.name}"):
            continue
        top = conn.exec_driver_sql(f'SELECT MAX(id) FROM "_v2_{table.name}"').scalar() or 0
        found[table.name] = int(top)
    kinds = {"coding": "codings", "code": "codes", "document": "documents", "coder": "coders"}
    for target_type, top in conn.exec_driver_sql(
        'SELECT target_type, MAX(target_id) FROM "_v2_events" GROUP BY target_type'
    ).all():
        name = kinds.get(target_type) or ("memos" if str(target_type).startswith("memo") else None)
        if name and top:
            found[name] = max(found.get(name, 0), int(top))
    return found


def _raise_sequence(conn: Connection, table: str, ceiling: int) -> None:
    current = conn.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).scalar()
    if current is None:
        conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, ceiling))
    elif int(current) < ceiling:
        conn.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (ceiling, table))


# --- elsewhere (PostgreSQL): add and drop columns -------------------------------------------


def _alter_in_place(conn: Connection) -> None:
    for name in UUID_TABLES:
        conn.execute(text(f'ALTER TABLE "{name}" ADD COLUMN uuid VARCHAR(36)'))
    conn.execute(text('ALTER TABLE coders ADD COLUMN "key" VARCHAR(255)'))
    conn.execute(text("ALTER TABLE coders ADD COLUMN role VARCHAR(16) DEFAULT 'coder' NOT NULL"))
    conn.execute(text("ALTER TABLE coders ADD COLUMN retired BOOLEAN DEFAULT false NOT NULL"))
    conn.execute(text("ALTER TABLE codes ADD COLUMN applicable BOOLEAN DEFAULT true NOT NULL"))
    for column, table in (("role", "coders"), ("retired", "coders"), ("applicable", "codes")):
        # The models give these defaults in Python, as a new project has them.
        conn.execute(text(f'ALTER TABLE "{table}" ALTER COLUMN {column} DROP DEFAULT'))


def _finish_in_place(conn: Connection) -> None:
    for name in UUID_TABLES:
        conn.execute(text(f'ALTER TABLE "{name}" ALTER COLUMN uuid SET NOT NULL'))
        conn.execute(text(f'ALTER TABLE "{name}" ADD CONSTRAINT "{name}_uuid_key" UNIQUE (uuid)'))
    conn.execute(text('ALTER TABLE coders ALTER COLUMN "key" SET NOT NULL'))
    conn.execute(text('ALTER TABLE coders ADD CONSTRAINT "coders_key_key" UNIQUE ("key")'))
    conn.execute(text("ALTER TABLE codings DROP COLUMN memo"))


# --- both --------------------------------------------------------------------------------------


def _coding_memos(conn: Connection) -> list[tuple[int, int, str, Any, Any]]:
    query = text(
        "SELECT id, coder_id, memo, created_at, updated_at FROM codings "
        "WHERE memo IS NOT NULL AND memo <> '' ORDER BY id"
    ).columns(id=Integer, coder_id=Integer, memo=Text, created_at=DateTime, updated_at=DateTime)
    return [
        (int(cid), int(coder), str(memo), created, updated)
        for cid, coder, memo, created, updated in conn.execute(query).all()
    ]


def _fill_uuids(conn: Connection) -> None:
    for name in UUID_TABLES:
        ids = [row[0] for row in conn.execute(text(f'SELECT id FROM "{name}" WHERE uuid IS NULL'))]
        if ids:
            conn.execute(
                text(f'UPDATE "{name}" SET uuid = :uuid WHERE id = :id'),
                [{"uuid": str(uuid.uuid4()), "id": i} for i in ids],
            )


def _fill_coder_keys(conn: Connection) -> None:
    from qcode.corpus.text import fold

    rows = conn.execute(text("SELECT id, name FROM coders ORDER BY id")).all()
    creator = conn.execute(text("SELECT value FROM meta WHERE key = 'default_coder'")).scalar()
    keep: dict[str, int] = {}
    for coder_id, name in rows:
        key = fold(str(name).strip())
        if key in keep:
            _merge_coder(conn, int(coder_id), keep[key], str(name))
            continue
        keep[key] = int(coder_id)
        role = "pi" if creator is not None and fold(creator) == key else "coder"
        conn.execute(
            text('UPDATE coders SET "key" = :key, role = :role, retired = :retired WHERE id = :id'),
            {"key": key, "role": role, "retired": False, "id": coder_id},
        )
    # Before roles, whoever created the project (its default coder) led it; failing that, the
    # first coder on the roster is the PI, so that someone can close blind rounds.
    if keep and not conn.execute(text("SELECT 1 FROM coders WHERE role = 'pi'")).first():
        first = min(keep.values())
        conn.execute(text("UPDATE coders SET role = 'pi' WHERE id = :id"), {"id": first})


def _merge_coder(conn: Connection, source: int, target: int, name: str) -> None:
    """Fold a duplicate coder into the first one with that folded name (same codings kept once)."""
    duplicates = conn.execute(
        text(
            "SELECT s.id FROM codings s JOIN codings t ON t.document_id = s.document_id "
            "AND t.code_id = s.code_id AND t.layer = s.layer AND t.start = s.start "
            'AND t."end" = s."end" AND t.coder_id = :target WHERE s.coder_id = :source'
        ),
        {"source": source, "target": target},
    ).all()
    for (coding_id,) in duplicates:
        conn.execute(
            text("DELETE FROM coding_sources WHERE coding_id = :i OR source_id = :i"), {"i": coding_id}
        )
        conn.execute(text("DELETE FROM codings WHERE id = :i"), {"i": coding_id})
    for table in ("codings", "memos"):
        conn.execute(
            text(f"UPDATE {table} SET coder_id = :t WHERE coder_id = :s"), {"t": target, "s": source}
        )
    conn.execute(
        text(
            "DELETE FROM round_assignments WHERE coder_id = :s AND EXISTS (SELECT 1 FROM round_assignments o "
            "WHERE o.coder_id = :t AND o.round_id = round_assignments.round_id "
            "AND o.document_id = round_assignments.document_id)"
        ),
        {"s": source, "t": target},
    )
    conn.execute(
        text("UPDATE round_assignments SET coder_id = :t WHERE coder_id = :s"), {"t": target, "s": source}
    )
    conn.execute(text("DELETE FROM coders WHERE id = :s"), {"s": source})
    conn.execute(
        Base.metadata.tables["events"]
        .insert()
        .values(
            actor="qcode",
            action="merge-coder",
            batch=str(uuid.uuid4()),
            target_type="coder",
            target_id=target,
            before_json=json.dumps({"coder_id": source, "name": name}),
            after_json=json.dumps({"coder_id": target}),
            summary=f"merged coder {name} (same name)",
        )
    )


def _move_coding_memos(conn: Connection, memos: list[tuple[int, int, str, Any, Any]]) -> None:
    table = Base.metadata.tables["memos"]
    if memos:
        conn.execute(
            table.insert(),
            [
                {
                    "uuid": str(uuid.uuid4()),
                    "target_type": "coding",
                    "target_id": coding_id,
                    "coder_id": coder_id,
                    "text": memo,
                    "created_at": created,
                    "updated_at": updated,
                }
                for coding_id, coder_id, memo, created, updated in memos
            ],
        )
