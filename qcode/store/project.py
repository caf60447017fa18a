"""Creating a project and summarising what it holds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.store.models import (
    Case,
    Code,
    CodebookVersion,
    Coder,
    Coding,
    Document,
    Meta,
    Unit,
)


@dataclass(frozen=True)
class Summary:
    project: str
    documents: int
    cases: int
    words: int
    turns: int
    codes: int
    codebook: str | None
    coders: int
    codings: int


def get_meta(session: Session, key: str) -> str | None:
    return session.execute(select(Meta.value).where(Meta.key == key)).scalar()


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value


def summary(session: Session) -> Summary:
    def count(column: object) -> int:
        return int(session.execute(select(func.count(column))).scalar() or 0)  # type: ignore[arg-type]

    words = session.execute(select(func.coalesce(func.sum(Document.words), 0))).scalar()
    turns = session.execute(  # speaker turns only, as `qcode docs` counts them
        select(func.count(Unit.id)).where(Unit.kind == "turn", Unit.speaker.is_not(None))
    ).scalar()
    latest = session.execute(
        select(CodebookVersion).order_by(CodebookVersion.number.desc()).limit(1)
    ).scalar()
    codebook = (
        f"{latest.name} {latest.label} (version {latest.number} in this project)" if latest else None
    )
    return Summary(
        project=get_meta(session, "project_name") or "",
        documents=count(Document.id),
        cases=count(Case.id),
        words=int(words or 0),
        turns=int(turns or 0),
        codes=int(
            session.execute(select(func.count(Code.id)).where(Code.retired.is_(False))).scalar() or 0
        ),
        codebook=codebook,
        coders=count(Coder.id),
        codings=count(Coding.id),
    )

