"""Generate docs/schema.md from the store's models (tests/test_docs.py keeps it in step).

    python scripts/gen_schema_docs.py
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def render() -> str:
    from qcode.store import models
    from qcode.store.schema import SCHEMA_VERSION

    classes = {
        cls.__tablename__: cls
        for _, cls in inspect.getmembers(models, inspect.isclass)
        if getattr(cls, "__tablename__", None)
    }
    module_doc = inspect.getdoc(models) or ""
    parts = [
        "# Project store schema",
        "",
        f"Schema version {SCHEMA_VERSION}. Generated from `qcode/store/models.py` by "
        "`python scripts/gen_schema_docs.py`; do not edit.",
        "",
        module_doc.split("\n\n", 1)[1] if "\n\n" in module_doc else "",
        "",
    ]
    for table in models.Base.metadata.sorted_tables:
        cls = classes.get(table.name)
        doc = inspect.getdoc(cls) if cls is not None and cls.__doc__ else ""
        parts += [f"## `{table.name}`", ""]
        if doc:
            parts += [doc, ""]
        parts += ["| column | type | null | key |", "|---|---|---|---|"]
        for column in table.columns:
            keys = []
            if column.primary_key:
                keys.append("primary key")
            keys += [f"→ `{fk.target_fullname}`" for fk in column.foreign_keys]
            if column.unique:
                keys.append("unique")
            parts.append(f"| `{column.name}` | {column.type} | {'yes' if column.nullable else 'no'} "
                         f"| {', '.join(keys)} |")
        for constraint in sorted(table.constraints, key=lambda c: c.name or ""):
            if constraint.name and constraint.name.startswith(("uq_", "ck_")):
                parts.append("")
                parts.append(f"Constraint `{constraint.name}`.")
        parts.append("")
    parts += [
        "## `units_fts` (SQLite only)",
        "",
        "A contentless FTS5 index over sentence units (rowid = `units.id`), kept by the importer "
        "and rebuilt when missing; see `qcode/store/fulltext.py`. Other databases search by "
        "scanning.",
        "",
    ]
    return "\n".join(parts)


def main() -> None:
    target = REPO / "docs" / "schema.md"
    target.write_text(render(), encoding="utf-8")
    print(target)


if __name__ == "__main__":
    main()
