"""Coding rounds: which coders code which documents, blind or not, and how far they have got.

A PI creates a round (every named coder is assigned every chosen document), watches each
coder's progress, and closes it. While it is open, the codings an assigned coder makes on an
assigned document belong to it (`qcode.coding.rounds_lookup`); while a *blind* round is open,
coders other than a PI see only their own codings on its documents (`qcode.store.visibility`).
A coder/document pair is in at most one open round, so a new coding's round is never in doubt.
Creating and closing a round are events, undone like any other action.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.coding.coders import get_or_create_coder, require_pi
from qcode.coding.layers import is_consensus
from qcode.coding.rounds_lookup import forget
from qcode.coding.rows import row_state
from qcode.errors import NotFoundError, QcodeError, UsageError
from qcode.store.events import record
from qcode.store.models import Coder, Coding, Document, Round, RoundAssignment
from qcode.store.visibility import Viewer, viewer


@dataclass(frozen=True)
class RoundInfo:
    name: str
    uuid: str
    blind: bool
    status: str
    coders: tuple[str, ...]
    documents: int
    codings: int
    created_at: str


@dataclass(frozen=True)
class CreatedRound:
    info: RoundInfo
    documents: tuple[str, ...]
    seed: int | None  # the seed a --sample was drawn with


@dataclass(frozen=True)
class Progress:
    """One coder's progress in one round: documents assigned and coded, codings, last change."""

    round: str
    status: str
    blind: bool
    coder: str
    documents: int
    done: int | None  # None: another coder's work in an open blind round, hidden from the viewer
    codings: int | None
    last_activity: str | None


def get_round(session: Session, name: str) -> Round:
    """A round by name (exact, else ignoring case), or an error naming the near ones."""
    import difflib

    found = session.execute(select(Round).where(Round.name == name)).scalar()
    if found is not None:
        return found
    rounds = {r.name: r for r in session.execute(select(Round)).scalars()}
    folded = [r for n, r in rounds.items() if n.casefold() == name.casefold()]
    if len(folded) == 1:
        return folded[0]
    close = difflib.get_close_matches(name, list(rounds), n=3, cutoff=0.6)
    hint = (f"did you mean {', '.join(close)}?" if close
            else f"rounds: {', '.join(sorted(rounds)[:8])}" if rounds
            else "create one: qcode round create NAME --coders a,b --docs ...")
    raise NotFoundError(f"no round `{name}`", hint=hint)


def round_coders(session: Session, round_id: int) -> tuple[str, ...]:
    rows = session.execute(
        select(Coder.name).join(RoundAssignment, RoundAssignment.coder_id == Coder.id)
        .where(RoundAssignment.round_id == round_id).distinct().order_by(Coder.name)
    ).scalars()  # fmt: skip
    return tuple(rows)


def parse_sample(text: str, total: int) -> int:
    """`20%` of `total` documents (rounded up) or a number of documents."""
    raw = text.strip()
    try:
        if raw.endswith("%"):
            share = float(raw[:-1])
            if not 0 < share <= 100:
                raise ValueError
            return max(1, math.ceil(total * share / 100))
        count = int(raw)
        if count < 1:
            raise ValueError
    except ValueError:
        raise UsageError(f"--sample takes a share (20%) or a number of documents; got {text!r}") \
            from None
    if count > total:
        raise UsageError(f"--sample {count}: the project has {total} document(s)")
    return count


def documents_in_csv(paths: Sequence[Path]) -> list[str]:
    """The documents codings CSVs (the `qcode import-codings` columns) name, in file order; a
    folder stands for the .csv files in it."""
    from qcode.coding.bulk import read_codings_csv

    names: dict[str, None] = {}
    for given in paths:
        files = sorted(given.glob("*.csv")) if given.is_dir() else [given]
        if not files:
            raise UsageError(f"{given}: no .csv file in this folder")
        for path in files:
            for row in read_codings_csv(path).rows:
                names.setdefault(row.document, None)
    return list(names)


def _choose_documents(
    session: Session, refs: Sequence[str], sample: str | None, seed: int | None
) -> tuple[list[Document], int | None]:
    from qcode.corpus.documents import resolve_document

    if sample is not None:
        if refs:
            raise UsageError("give the documents (--docs, --docs-from) or --sample, not both")
        everything = list(session.execute(select(Document).order_by(Document.name)).scalars())
        if not everything:
            raise QcodeError("the project has no documents", hint="qcode import FOLDER first")
        k = parse_sample(sample, len(everything))
        if seed is None:
            seed = random.SystemRandom().randrange(1, 100_000)
        chosen = random.Random(seed).sample(everything, k)
        return sorted(chosen, key=lambda d: d.name), seed
    if not refs:
        raise UsageError("name the round's documents: --docs DOC,DOC, --docs-from FILE.csv "
                         "or --sample 20%")  # fmt: skip
    found: dict[int, Document] = {}
    for ref in refs:
        doc = resolve_document(session, ref)
        found.setdefault(doc.id, doc)
    return sorted(found.values(), key=lambda d: d.name), None


def _choose_coders(session: Session, names: Sequence[str]) -> list[Coder]:
    coders: dict[int, Coder] = {}
    for name in names:
        if is_consensus(name):
            raise UsageError("the consensus layer is built from a round, not assigned to one")
        coder = get_or_create_coder(session, name)
        if coder.retired:
            raise QcodeError(f"coder {coder.name} is retired",
                             hint=f"bring them back first: qcode coders add {coder.name}")  # fmt: skip
        coders.setdefault(coder.id, coder)
    if not coders:
        raise UsageError("name the round's coders: --coders ana,ben")
    return list(coders.values())


def _check_free(session: Session, coders: list[Coder], docs: list[Document]) -> None:
    """A coder codes a document in one open round at a time."""
    busy = session.execute(
        select(Round.name, Coder.name, Document.name)
        .join(RoundAssignment, RoundAssignment.round_id == Round.id)
        .join(Coder, Coder.id == RoundAssignment.coder_id)
        .join(Document, Document.id == RoundAssignment.document_id)
        .where(Round.status == "open", RoundAssignment.coder_id.in_([c.id for c in coders]),
               RoundAssignment.document_id.in_([d.id for d in docs]))
        .order_by(Round.name, Coder.name, Document.name).limit(1)
    ).first()  # fmt: skip
    if busy is not None:
        raise QcodeError(f"{busy[1]} already codes {busy[2]} in open round {busy[0]}",
                         hint=f"close it first: qcode round close {busy[0]}")  # fmt: skip


def _check_new(session: Session, name: str, actor: Coder, blind: bool) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 255:
        raise UsageError(f"not a usable round name: {name!r}")
    if session.execute(select(Round.id).where(Round.name == name)).first() is not None:
        raise QcodeError(f"a round named {name} exists", hint="choose another name")
    require_pi(session, actor, "create rounds")
    if blind and session.execute(select(Coder.id).where(Coder.role == "pi")).first() is None:
        raise QcodeError("a blind round needs a PI to close it, and the project has none",
                         hint="give someone the role: qcode coders add NAME --role pi")  # fmt: skip
    return name


def create_round(
    session: Session,
    name: str,
    coders: Sequence[str],
    *,
    actor: Coder,
    batch: str,
    documents: Sequence[str] = (),
    sample: str | None = None,
    seed: int | None = None,
    blind: bool = False,
) -> CreatedRound:
    """Assign every coder every chosen document in a new open round."""
    from qcode.codebook.store import latest_version

    name = _check_new(session, name, actor, blind)
    people = _choose_coders(session, coders)
    docs, seed = _choose_documents(session, documents, sample, seed)
    _check_free(session, people, docs)
    version = latest_version(session)
    new = Round(name=name, blind=blind, status="open",
                codebook_version_id=version.id if version else None)  # fmt: skip
    session.add(new)
    session.flush()
    how = f"sample {sample} seed {seed}" if sample else f"{len(docs)} document(s)"
    record(session, actor=actor.name, action="round", target_type="round", target_id=new.id,
           after=row_state(new), batch=batch,
           summary=f"create {'blind ' if blind else ''}round {name}: "
                   f"{', '.join(c.name for c in people)}; {how}")  # fmt: skip
    for coder in people:
        for doc in docs:
            link = RoundAssignment(round_id=new.id, coder_id=coder.id, document_id=doc.id)
            session.add(link)
            record(session, actor=actor.name, action="round", target_type="round_assignment",
                   target_id=new.id, after=row_state(link), batch=batch,
                   summary=f"assign {doc.name} to {coder.name} in {name}")  # fmt: skip
    session.flush()
    forget(session)
    return CreatedRound(_info(session, new), tuple(d.name for d in docs), seed)


def close_round(session: Session, name: str, *, actor: Coder, batch: str) -> RoundInfo:
    """Close an open round: its codings stay its own, new ones no longer join it, and a blind
    round's codings become visible to everyone."""
    found = get_round(session, name)
    require_pi(session, actor, "close rounds")
    if found.status != "open":
        raise QcodeError(f"round {found.name} is already closed")
    before = row_state(found)
    found.status = "closed"
    session.flush()
    record(session, actor=actor.name, action="round", target_type="round", target_id=found.id,
           before=before, after=row_state(found), batch=batch,
           summary=f"close round {found.name}")  # fmt: skip
    forget(session)
    return _info(session, found)


def _info(session: Session, row: Round) -> RoundInfo:
    docs = session.execute(select(func.count(func.distinct(RoundAssignment.document_id)))
                           .where(RoundAssignment.round_id == row.id)).scalar() or 0  # fmt: skip
    codings = session.execute(select(func.count(Coding.id))
                              .where(Coding.round_id == row.id, Coding.layer == "coding")
                              ).scalar() or 0  # fmt: skip
    return RoundInfo(row.name, row.uuid, bool(row.blind), row.status,
                     round_coders(session, row.id), int(docs), int(codings),
                     row.created_at.isoformat(timespec="seconds"))  # fmt: skip


def list_rounds(session: Session) -> list[RoundInfo]:
    rows = session.execute(select(Round).order_by(Round.created_at, Round.id)).scalars()
    return [_info(session, r) for r in rows]


def round_status(session: Session, name: str | None = None) -> list[Progress]:
    """Each coder's progress in the round `name` (every round when none is named). In an open
    blind round a coder sees only her own progress: others' counts are None (the blind rule)."""
    rounds = [get_round(session, name)] if name else list(
        session.execute(select(Round).order_by(Round.created_at, Round.id)).scalars())
    who = viewer(session)
    return [p for row in rounds for p in _progress(session, row, who)]


def _progress(session: Session, row: Round, who: Viewer) -> list[Progress]:
    assigned = dict(session.execute(
        select(RoundAssignment.coder_id, func.count(RoundAssignment.document_id))
        .where(RoundAssignment.round_id == row.id).group_by(RoundAssignment.coder_id)
    ).tuples().all())  # fmt: skip
    work: dict[int, tuple[int | None, int | None, Any]] = {
        coder: (int(docs), int(n), last) for coder, docs, n, last in session.execute(
            select(Coding.coder_id, func.count(func.distinct(Coding.document_id)),
                   func.count(Coding.id), func.max(Coding.updated_at))
            .where(Coding.round_id == row.id, Coding.layer == "coding")
            .group_by(Coding.coder_id)
        ).tuples()}  # fmt: skip
    names = dict(session.execute(select(Coder.id, Coder.name)
                                 .where(Coder.id.in_(list(assigned)))).tuples().all())
    hidden = bool(row.blind) and row.status == "open" and not who.pi
    out = []
    for coder_id in sorted(assigned, key=lambda c: names[c]):
        done, n, last = work.get(coder_id, (0, 0, None))
        if hidden and coder_id != who.coder_id:
            done, n, last = None, None, None
        out.append(Progress(row.name, row.status, bool(row.blind), names[coder_id],
                            int(assigned[coder_id]), done, n,
                            last.isoformat(timespec="seconds") if last else None))  # fmt: skip
    return out
