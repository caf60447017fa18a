"""The coder roster: people, named once.

Who is coding: `--coder`, else `QCODE_CODER`, else the project's default coder; on a team server
a coder's own database login decides it (and `--coder` may only name her). Names match
case-, diacritic- and spacing-insensitively (`Ana` is `ana`, `Đorđe` is `djordje`'s neighbour
`dorde`), so one person is never split in two by a typo of case. A new name creates a coder,
with a notice naming the existing ones; once a PI closes the roster, an unknown name is refused
with the near matches. Renames, merges, retirements and role changes are events; a merge is one
undoable action.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from qcode.errors import NotFoundError, QcodeError, UsageError
from qcode.store.events import record
from qcode.store.models import Coder, Coding, Event, Memo, RoundAssignment, coder_key
from qcode.store.visibility import visible

ROLES = ("coder", "pi")
ROSTER_KEY = "roster"  # meta: "closed" once a PI closes it


@dataclass(frozen=True)
class CoderInfo:
    name: str
    uuid: str
    role: str
    retired: bool
    codings: int
    documents: int
    last_action: str | None


def notify(session: Session, message: str) -> None:
    """A message for the person at the terminal; the command prints it once it has committed."""
    session.info.setdefault("notices", []).append(message)


def coder_name(session: Session, given: str | None) -> str:
    """The name of the coder for this command, or a clear error when none is known."""
    from qcode.store.postgres import login_coder
    from qcode.store.project import get_meta

    wanted = given or os.environ.get("QCODE_CODER")
    login = login_coder(session)
    if login is not None and login[1] != "pi":  # a coder's own login on a team server
        if wanted and coder_key(wanted) != coder_key(login[0]):
            raise UsageError(f"you are logged in as {login[0]}'s role: you cannot act as {wanted}",
                             hint="drop --coder (and QCODE_CODER), or log in as that coder")
        return login[0]
    name = wanted or get_meta(session, "default_coder") or (login[0] if login else None)
    if not name:
        raise QcodeError(
            "who is coding? no coder given",
            hint="pass --coder NAME, set QCODE_CODER, or run `qcode coders --set-default NAME`",
        )
    name = checked_name(name)
    known = lookup(session, name)
    return known.name if known is not None else name


def acting_coder(session: Session, given: str | None) -> Coder | None:
    """The coder running a roster command, if one is named or known (a project's very first
    coder has nobody to ask)."""
    try:
        return lookup(session, coder_name(session, given))
    except UsageError:
        raise  # a name that cannot be a coder's is still an error
    except QcodeError:
        return None


def actor_name(session: Session, given: str | None) -> str:
    """Who runs a command that acts for others (an import): the coder if one is known, else the
    person logged in to the machine. The log records them; it does not make them a coder."""
    import getpass

    try:
        name = coder_name(session, given)
    except QcodeError:
        try:
            name = checked_name(getpass.getuser())
        except (KeyError, OSError, UsageError):
            name = "unknown"
    known = lookup(session, name)
    return known.name if known is not None else name


def checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > 255 or not coder_key(name):
        raise UsageError(f"not a usable coder name: {name!r}")
    if coder_key(name) == "consensus":  # `--coder consensus` reads the consensus layer
        raise UsageError("`consensus` names the consensus layer, not a coder",
                         hint="choose another name")
    return name


def lookup(session: Session, name: str) -> Coder | None:
    found = session.execute(select(Coder).where(Coder.key == coder_key(name))).scalar()
    if found is None:  # a row whose key predates its name (edited outside qcode): by the name
        found = session.execute(select(Coder).where(Coder.name == name)).scalar()
    return found


def roster_closed(session: Session) -> bool:
    from qcode.store.project import get_meta

    return get_meta(session, ROSTER_KEY) == "closed"


def get_or_create_coder(session: Session, name: str, *, role: str = "coder") -> Coder:
    """The coder `name` names; a new one (with a notice) unless the roster is closed."""
    name = checked_name(name)
    coder = lookup(session, name)
    if coder is not None:
        return coder
    if roster_closed(session):
        raise QcodeError(f"no coder `{name}` and the roster is closed", hint=_near_hint(session, name))
    coder = Coder(name=name, role=role)
    try:
        with session.begin_nested():  # another process may be adding the same coder right now
            session.add(coder)
    except IntegrityError:
        found = lookup(session, name)
        if found is None:
            raise
        return found
    others = [n for n in session.execute(select(Coder.name).order_by(Coder.key)).scalars() if n != name]
    notify(session, f"new coder {name}; coders: {', '.join(others) if others else '(none before)'}")
    return coder


def current_coder(session: Session, given: str | None) -> Coder:
    coder = get_or_create_coder(session, coder_name(session, given))
    if coder.retired:
        raise QcodeError(
            f"coder {coder.name} is retired", hint=f"run `qcode coders add {coder.name}` to bring them back"
        )
    return coder


def find_coder(session: Session, name: str) -> Coder:
    coder = lookup(session, name)
    if coder is None:
        raise NotFoundError(f"no coder `{name}`", hint=_near_hint(session, name))
    return coder


def _near_hint(session: Session, name: str) -> str:
    names = list(session.execute(select(Coder.name).where(Coder.retired.is_(False))).scalars())
    keys = {coder_key(n): n for n in names}
    close = [keys[k] for k in difflib.get_close_matches(coder_key(name), list(keys), n=3, cutoff=0.5)]
    if close:
        return f"did you mean {', '.join(close)}?"
    return f"coders: {', '.join(sorted(names))}" if names else "run `qcode coders add NAME` first"


def require_pi(session: Session, actor: Coder, what: str) -> None:
    """Roster changes are the PI's; a project without any PI yet lets anyone make the first."""
    has_pi = session.execute(select(Coder.id).where(Coder.role == "pi").limit(1)).first() is not None
    if has_pi and actor.role != "pi":
        raise QcodeError(f"only a PI can {what}", hint="ask a PI (`qcode coders` shows the roles)")


# --- roster changes ---------------------------------------------------------------------------


def _state(coder: Coder) -> dict[str, Any]:
    return {"coder_id": coder.id, "name": coder.name, "role": coder.role, "retired": coder.retired}


def add_coder(session: Session, name: str, role: str, actor: Coder | None, *, batch: str) -> Coder:
    """Register a coder (or bring back a retired one, or change a role)."""
    if role not in ROLES:
        raise UsageError(f"--role is one of {', '.join(ROLES)}, not `{role}`")
    name = checked_name(name)
    coder = lookup(session, name)
    if actor is not None and (role == "pi" or coder is not None):
        require_pi(session, actor, "give roles or bring a coder back")
    before = _state(coder) if coder else None
    if coder is None:
        coder = Coder(name=name, role=role)
        session.add(coder)
    else:
        coder.role, coder.retired = role, False
    session.flush()
    record(
        session,
        actor=actor.name if actor else coder.name,
        action="coder" if before else "add-coder",
        target_type="coder",
        target_id=coder.id,
        before=before,
        after=_state(coder),
        batch=batch,
        summary=f"coder {coder.name} ({role})",
    )
    return coder


def rename_coder(session: Session, old: str, new: str, actor: Coder, *, batch: str) -> Coder:
    require_pi(session, actor, "rename coders")
    coder = find_coder(session, old)
    new = checked_name(new)
    clash = lookup(session, new)
    if clash is not None and clash.id != coder.id:
        raise QcodeError(
            f"coder {clash.name} already exists", hint=f"merge them: qcode coders merge {old} {clash.name}"
        )
    before = _state(coder)
    coder.name = new
    session.flush()
    # The log keeps the name each event was made under; history.names_of follows renames.
    record(
        session,
        actor=actor.name if actor.id != coder.id else new,
        action="coder",
        target_type="coder",
        target_id=coder.id,
        before=before,
        after=_state(coder),
        batch=batch,
        summary=f"rename coder {before['name']} -> {new}",
    )
    return coder


def retire_coder(session: Session, name: str, actor: Coder, *, batch: str) -> Coder:
    """A retired coder keeps their codings and history but codes no more."""
    require_pi(session, actor, "retire coders")
    coder = find_coder(session, name)
    _change(session, coder, actor, "coder", f"retire coder {coder.name}", batch, retired=True)
    return coder


def _change(
    session: Session, coder: Coder, actor: Coder, action: str, summary: str, batch: str, **values: Any
) -> None:
    """Set a coder's fields and log the change (undo restores the before-state)."""
    before = _state(coder)
    for key, value in values.items():
        setattr(coder, key, value)
    session.flush()
    record(session, actor=actor.name, action=action, target_type="coder", target_id=coder.id,
           before=before, after=_state(coder), batch=batch, summary=summary)


def merge_coders(session: Session, source: str, target: str, actor: Coder, *, batch: str) -> tuple[int, int]:
    """Move `source`'s codings, memos and assignments to `target`; a coding both had is kept once
    (target's). One batch: undo puts every row back. Returns (moved, dropped as duplicates)."""
    from qcode.coding.tagging import snapshot

    require_pi(session, actor, "merge coders")
    src, dst = find_coder(session, source), find_coder(session, target)
    if src.id == dst.id:
        raise UsageError(f"{source} and {target} are the same coder")
    theirs = {
        (c.document_id, c.code_id, c.layer, c.start, c.end): c.id
        for c in session.execute(select(Coding).where(Coding.coder_id == dst.id)).scalars()
    }
    moved = dropped = 0
    for coding in list(session.execute(select(Coding).where(Coding.coder_id == src.id)).scalars()):
        before = snapshot(coding, session)
        kept = theirs.get((coding.document_id, coding.code_id, coding.layer, coding.start, coding.end))
        if kept is not None:
            _relink(session, coding.id, kept, actor, batch)
            session.delete(coding)
            after, dropped = None, dropped + 1
        else:
            coding.coder_id = dst.id
            session.flush()
            after, moved = snapshot(coding, session), moved + 1
        session.flush()
        record(
            session,
            actor=actor.name,
            action="merge-coder",
            target_type="coding",
            target_id=before["id"],
            before=before,
            after=after,
            batch=batch,
            summary=f"merge {src.name} into {dst.name}",
        )
    _move_memos(session, src, dst, actor, batch)
    # An assignment both had stays once (the target's); the others move to the target.
    both = select(RoundAssignment.round_id, RoundAssignment.document_id).where(
        RoundAssignment.coder_id == dst.id
    )
    session.execute(
        delete(RoundAssignment).where(
            RoundAssignment.coder_id == src.id,
            tuple_(RoundAssignment.round_id, RoundAssignment.document_id).in_(both),
        )
    )
    session.execute(update(RoundAssignment).where(RoundAssignment.coder_id == src.id).values(coder_id=dst.id))
    _change(session, src, actor, "merge-coder", f"merge coder {src.name} into {dst.name}", batch,
            retired=True)
    return moved, dropped


def _relink(session: Session, dropped: int, kept: int, actor: Coder, batch: str) -> None:
    """Point the provenance of a coding dropped as a duplicate at the coding kept in its place:
    a consensus coding still names the coders' codings it came from, a decision the consensus
    codings it stands on. Every link moved is two events, so undo puts the old link back."""
    from qcode.coding.rows import row_state
    from qcode.store.models import CodingSource, ResolutionCoding

    links: list[tuple[str, Any, dict[str, int]]] = [
        *(("coding_source", link, {"source_id": kept}) for link in session.execute(
            select(CodingSource).where(CodingSource.source_id == dropped)).scalars()),
        *(("coding_source", link, {"coding_id": kept}) for link in session.execute(
            select(CodingSource).where(CodingSource.coding_id == dropped)).scalars()),
        *(("decision_coding", link, {"coding_id": kept}) for link in session.execute(
            select(ResolutionCoding).where(ResolutionCoding.coding_id == dropped)).scalars()),
    ]  # fmt: skip
    for target_type, link, change in links:
        old = row_state(link)
        session.delete(link)
        session.flush()
        record(session, actor=actor.name, action="merge-coder", target_type=target_type,
               target_id=dropped, before=old, batch=batch,
               summary=f"provenance of coding {dropped} moves to coding {kept}")  # fmt: skip
        new = type(link)(**{**old, **change})
        if session.get(type(link), tuple(getattr(new, c.key) for c in link.__mapper__.primary_key)):
            continue  # the kept coding has that link already
        session.add(new)
        session.flush()
        record(session, actor=actor.name, action="merge-coder", target_type=target_type,
               target_id=kept, after=row_state(new), batch=batch,
               summary=f"provenance of coding {dropped} moves to coding {kept}")  # fmt: skip


def _move_memos(session: Session, src: Coder, dst: Coder, actor: Coder, batch: str) -> None:
    from qcode.coding.memos import memo_state

    for memo in list(session.execute(select(Memo).where(Memo.coder_id == src.id)).scalars()):
        before = memo_state(memo)
        memo.coder_id = dst.id
        session.flush()
        record(
            session,
            actor=actor.name,
            action="merge-coder",
            target_type=f"memo:{memo.target_type}",
            target_id=memo.id,
            before=before,
            after=memo_state(memo),
            batch=batch,
            summary=f"memo {memo.id} from {src.name} to {dst.name}",
        )


def set_roster(session: Session, closed: bool, actor: Coder) -> None:
    from qcode.store.project import set_meta

    require_pi(session, actor, "open or close the roster")
    set_meta(session, ROSTER_KEY, "closed" if closed else "open")


def list_coders(session: Session) -> list[CoderInfo]:
    counts = {
        coder_id: (int(n), int(d))
        for coder_id, n, d in session.execute(visible(session,
            select(
                Coding.coder_id,
                func.count(Coding.id),
                func.count(func.distinct(Coding.document_id)),
            )
            .where(Coding.layer == "coding")
            .group_by(Coding.coder_id)
        )).all()  # others' work in an open blind round is not counted for a coder (the blind rule)
    }
    last = {
        actor: at
        for actor, at in session.execute(select(Event.actor, func.max(Event.at)).group_by(Event.actor)).all()
    }
    return [
        CoderInfo(
            name=c.name,
            uuid=c.uuid,
            role=c.role,
            retired=c.retired,
            codings=counts.get(c.id, (0, 0))[0],
            documents=counts.get(c.id, (0, 0))[1],
            last_action=last[c.name].isoformat(timespec="seconds") if c.name in last else None,
        )
        for c in session.execute(select(Coder).order_by(Coder.key)).scalars()
    ]
