"""Which open round a new coding belongs to: the one that assigned its document to its coder.

A coder/document pair is in at most one open round (creating a round refuses a second), so
the answer is unique. The open assignments are read once per session and kept in
`session.info`: an import of thousands of rows asks once, not per row. Whatever creates,
closes or restores a round calls :func:`forget`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.store.models import Round, RoundAssignment

_KEY = "qcode.open_assignments"


def round_for(session: Session, coder_id: int, document_id: int) -> int | None:
    """The open round in which `coder_id` was assigned `document_id`, if any."""
    cache: dict[tuple[int, int], int] | None = session.info.get(_KEY)
    if cache is None:
        rows = session.execute(
            select(RoundAssignment.coder_id, RoundAssignment.document_id, Round.id)
            .join(Round, Round.id == RoundAssignment.round_id)
            .where(Round.status == "open")
            .order_by(Round.id)
        ).all()
        cache = {(coder, doc): round_id for coder, doc, round_id in rows}
        session.info[_KEY] = cache
    return cache.get((coder_id, document_id))


def forget(session: Session) -> None:
    session.info.pop(_KEY, None)
