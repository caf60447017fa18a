"""Who is coding: `--coder`, else `QCODE_CODER`, else the project's default coder."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qcode.errors import QcodeError, UsageError
from qcode.store.models import Coder, Coding, Event


@dataclass(frozen=True)
class CoderInfo:
    name: str
    codings: int
    documents: int
    last_action: str | None


def coder_name(session: Session, given: str | None) -> str:
    """The name of the coder for this command, or a clear error when none is known."""
    from qcode.store.project import get_meta

    name = given or os.environ.get("QCODE_CODER") or get_meta(session, "default_coder")
    if not name:
        raise QcodeError(
            "who is coding? no coder given",
            hint="pass --coder NAME, set QCODE_CODER, or run `qcode coders --set-default NAME`",
        )
    name = name.strip()
    if not name or len(name) > 255 or any(c in name for c in "\n\r\t"):
        raise UsageError(f"not a usable coder name: {name!r}")
    return name


def get_or_create_coder(session: Session, name: str) -> Coder:
    coder = session.execute(select(Coder).where(Coder.name == name)).scalar()
    if coder is not None:
        return coder
    coder = Coder(name=name)
    try:
        with session.begin_nested():  # another process may be adding the same coder right now
            session.add(coder)
    except IntegrityError:
        return session.execute(select(Coder).where(Coder.name == name)).scalar_one()
    return coder


def current_coder(session: Session, given: str | None) -> Coder:
    return get_or_create_coder(session, coder_name(session, given))


def find_coder(session: Session, name: str) -> Coder:
    coder = session.execute(select(Coder).where(Coder.name == name)).scalar()
    if coder is None:
        import difflib

        names = list(session.execute(select(Coder.name)).scalars())
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "run `qcode coders` to list them"
        from qcode.errors import NotFoundError

        raise NotFoundError(f"no coder `{name}`", hint=hint)
    return coder


def list_coders(session: Session) -> list[CoderInfo]:
    counts = {
        coder_id: (int(n), int(d))
        for coder_id, n, d in session.execute(
            select(
                Coding.coder_id,
                func.count(Coding.id),
                func.count(func.distinct(Coding.document_id)),
            )
            .where(Coding.layer == "coding")
            .group_by(Coding.coder_id)
        ).all()
    }
    last = {
        actor: at
        for actor, at in session.execute(
            select(Event.actor, func.max(Event.at)).group_by(Event.actor)
        ).all()
    }
    return [
        CoderInfo(
            name=c.name,
            codings=counts.get(c.id, (0, 0))[0],
            documents=counts.get(c.id, (0, 0))[1],
            last_action=last[c.name].isoformat(timespec="seconds") if c.name in last else None,
        )
        for c in session.execute(select(Coder).order_by(Coder.name)).scalars()
    ]
