"""Write the SQLite DDL of the current models to tests/store/snapshots/schema_vN.sql.

Run after changing `qcode/store/models.py` (and adding a migration). The snapshot of every past
version stays, so tests can build an old database and check that migrating it gives the same
schema as a new project.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import create_engine

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from qcode.store.models import Base  # noqa: E402
from qcode.store.schema import SCHEMA_VERSION  # noqa: E402


def current_ddl() -> str:
    from sqlalchemy.schema import CreateIndex, CreateTable

    statements: list[str] = []

    real = create_engine("sqlite://")
    for table in Base.metadata.sorted_tables:
        statements.append(str(CreateTable(table).compile(real)).strip())
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            statements.append(str(CreateIndex(index).compile(real)).strip())
    text = ";\n\n".join(statements) + ";\n"
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def main() -> None:
    target = REPO / "tests" / "store" / "snapshots" / f"schema_v{SCHEMA_VERSION}.sql"
    target.write_text(current_ddl(), encoding="utf-8")
    print(target)


if __name__ == "__main__":
    main()
