"""Per-invocation settings from the global options, and the one transaction a command owns."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass
class State:
    db: str | None = None


STATE = State()


def project_url() -> str:
    from qcode.store.engine import resolve_location

    return resolve_location(STATE.db)


@contextmanager
def transaction(*, write: bool) -> Iterator[Session]:
    """Open the project (migrating it if it is old) and run one transaction on it."""
    from qcode.store.engine import session_scope
    from qcode.store.schema import ensure_current

    url = project_url()
    report = ensure_current(url)
    if report is not None:
        from qcode.cli.output import info

        where = f" (backup: {report.backup})" if report.backup else ""
        info(f"upgraded the project from schema {report.from_version} to {report.to_version}{where}")
    with session_scope(url, write=write) as session:
        yield session
        notices = list(session.info.get("notices", []))
    if notices:
        from qcode.cli.output import info

        for notice in notices:
            info(notice)
