"""Schema migrations shipped with the package, applied in-process.

`MIGRATIONS[n]` upgrades a database from schema version n-1 to n. Each is a plain function over a
SQLAlchemy `Connection` using portable operations (see `ops.py`), so it runs on SQLite and
PostgreSQL alike. A new database is created from the current models and stamped with the latest
version; `tests/store/test_migrations.py` checks that an old database migrated step by step ends
with the same schema as a new one.

To change the schema: edit `models.py`, bump `SCHEMA_VERSION` in `qcode/store/schema.py`, add a
module here with `upgrade(conn)`, register it below, and refresh the schema snapshot with
`python scripts/dump_schema.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from qcode.store.migrations import (
    m0002_fulltext,
    m0003_identities,
    m0004_resolutions,
    m0005_team_roles,
)

Migration = Callable[[Connection], None]

MIGRATIONS: dict[int, Migration] = {
    2: m0002_fulltext.upgrade,
    3: m0003_identities.upgrade,
    4: m0004_resolutions.upgrade,
    5: m0005_team_roles.upgrade,
}
