"""Who sees whose codings: the blind rule of coding rounds, in one place.

In a blind round that is still open, every coder but a PI sees only their own codings on the
round's documents (anyone else's, and the consensus layer, stay hidden) until a PI closes the
round. A PI sees everything. Every read of codings that shows them to a person goes through
:func:`visible`, so a listing, a report or a screen built on those reads inherits the rule.

Who is looking (the *viewer*): the name a command set with :func:`set_viewer` (the interactive
session sets the coder it codes as), else ``QCODE_CODER``, else the project's default coder, the
same order that decides who is coding; on a team server, a coder's own login (where the server's
row security keeps the same rule: `qcode.store.postgres.POLICIES`). A viewer not on the roster is
not a PI and owns no codings, so they see nothing on the documents of an open blind round.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from qcode.errors import QcodeError
from qcode.store.models import Coder, Coding, Meta, Round, RoundAssignment, coder_key

VIEWER_KEY = "qcode.viewer"
Q = TypeVar("Q", bound=Select[Any])


@dataclass(frozen=True)
class Viewer:
    name: str | None
    coder_id: int | None
    pi: bool


def set_viewer(session: Session, name: str | None) -> None:
    """Make `name` the person the session shows codings to."""
    session.info[VIEWER_KEY] = name


def viewer(session: Session) -> Viewer:
    from qcode.store.postgres import login_coder

    login = login_coder(session)
    if login is not None and login[1] != "pi":  # a coder's own login: the server knows who
        name: str | None = login[0]
    else:
        name = session.info.get(VIEWER_KEY) or os.environ.get("QCODE_CODER") or session.execute(
            select(Meta.value).where(Meta.key == "default_coder")
        ).scalar()
    if not name or not coder_key(name):
        return Viewer(None, None, False)
    row = session.execute(select(Coder.id, Coder.name, Coder.role)
                          .where(Coder.key == coder_key(name))).first()  # fmt: skip
    if row is None:
        return Viewer(name, None, False)
    return Viewer(row.name, row.id, row.role == "pi")


def _blind_assignments() -> Select[Any]:
    return (select(RoundAssignment.document_id)
            .join(Round, Round.id == RoundAssignment.round_id)
            .where(Round.blind.is_(True), Round.status == "open"))  # fmt: skip


def blind_documents(session: Session) -> dict[int, str]:
    """Document id -> the open blind round it is in (the first by name when several)."""
    rows = session.execute(
        _blind_assignments().add_columns(Round.name).distinct().order_by(Round.name.desc())
    ).all()
    return {doc_id: name for doc_id, name in rows}


def hidden_documents(session: Session) -> dict[int, str]:
    """The documents on which the viewer sees only their own codings (none for a PI)."""
    blind = blind_documents(session)
    if not blind or viewer(session).pi:
        return {}
    return blind


def visibility_clause(
    session: Session,
    coder: InstrumentedAttribute[int] | ColumnElement[int] = Coding.coder_id,
    document: InstrumentedAttribute[int] | ColumnElement[int] = Coding.document_id,
    layer: InstrumentedAttribute[str] | ColumnElement[str] = Coding.layer,
) -> ColumnElement[bool] | None:
    """A WHERE clause keeping the codings the viewer may see, or None when they see all."""
    if not hidden_documents(session):
        return None
    who = viewer(session)
    own = (coder == who.coder_id) & (layer == "coding") if who.coder_id is not None else false()
    # A subquery, not a list of ids: a round of thousands of documents binds no parameters.
    return or_(document.not_in(_blind_assignments()), own)


def can_see(session: Session, coding: Coding) -> bool:
    """Whether the viewer may see this one coding."""
    hidden = hidden_documents(session)
    if coding.document_id not in hidden:
        return True
    who = viewer(session)
    return coding.layer == "coding" and who.coder_id is not None and coding.coder_id == who.coder_id


def visible(session: Session, query: Q, **columns: Any) -> Q:
    """`query` (a SELECT over codings) narrowed to what the viewer may see."""
    clause = visibility_clause(session, **columns)
    return query if clause is None else query.where(clause)


def refuse_hidden(session: Session, document_ids: Iterable[int], what: str) -> None:
    """Refuse to compare coders on documents whose codings the viewer may not see yet."""
    hidden = hidden_documents(session)
    blocked = sorted({hidden[d] for d in document_ids if d in hidden})
    if blocked:
        who = viewer(session).name or "whoever runs this"
        raise QcodeError(
            f"{what} would show other coders' work on the documents of blind round "
            f"{blocked[0]}, which is hidden from {who} until a PI closes the round",
            hint=f"a PI can run it, or close the round: qcode round close {blocked[0]}",
        )
