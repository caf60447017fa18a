"""Per-invocation settings from the global options, and the transactions a command owns."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Connection
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

    url = _opened()
    with session_scope(url, write=write) as session:
        yield session
        notices = list(session.info.get("notices", []))
    _tell(notices)


class Transactions:
    """Transactions one after another on one connection, for a command that writes many
    (an import: one per file). The project is opened, as `transaction` opens it, when the first
    transaction begins, so a command that needs none never touches it."""

    def __init__(self, *, write: bool) -> None:
        self.write = write
        self._conn: Connection | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back on any error."""
        from qcode.store.engine import bound_session

        if self._conn is None:
            from qcode.store.engine import connect

            self._conn = connect(_opened(), write=self.write)
        try:
            with bound_session(self._conn, write=self.write) as session:
                yield session
                notices = list(session.info.get("notices", []))
        except BaseException:
            # As after a transaction of its own: the connection goes back to the pool, which
            # resets it, and the next transaction takes one afresh (never one left mid-way).
            self.close()
            raise
        _tell(notices)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@contextmanager
def transactions(*, write: bool) -> Iterator[Transactions]:
    """`Transactions` on the project, its connection closed when the block ends."""
    held = Transactions(write=write)
    try:
        yield held
    finally:
        held.close()


def _opened() -> str:
    """The project's URL, once its schema is checked (and migrated if it is old)."""
    from qcode.store.schema import ensure_current

    url = project_url()
    report = ensure_current(url)
    if report is not None:
        from qcode.cli.output import info

        where = f" (backup: {report.backup})" if report.backup else ""
        info(f"upgraded the project from schema {report.from_version} to {report.to_version}{where}")
    return url


def _tell(notices: list[str]) -> None:
    if notices:
        from qcode.cli.output import info

        for notice in notices:
            info(notice)
