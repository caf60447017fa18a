"""What the coding screen writes, each action its own transaction through the CLI's core functions.

A key press that codes a passage calls the same `tag`, `remove_coding`, `recode`, `add_memo`,
`undo` and `redo` as `qcode tag` and friends, so it writes the same events and `qcode undo`
reverses it. Inside the same write transaction the document's codings are read back: the screen
then shows what others did meanwhile (and says so) and never works from a stale copy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.history import StepResult
from qcode.errors import QcodeError
from qcode.store.engine import session_scope
from qcode.store.models import Coding, Document, Event, coder_key
from qcode.tui.data import (
    CodeEntry,
    DocumentData,
    ScreenCoding,
    codebook_version,
    load_codes,
    load_codings,
)

T = TypeVar("T")


@dataclass
class Outcome:
    """What an action did, in words for the status line, and the coding to show next."""

    message: str
    focus: int | None = None  # a coding just created or changed
    others: str | None = None  # what someone else changed meanwhile
    notices: list[str] = field(default_factory=list)
    added: int = 0
    removed: int = 0


class DocumentStore:
    """The open document's codings as last read, and the actions that change them."""

    def __init__(self, url: str, document: DocumentData, coder: str, *,
                 codes: Iterable[CodeEntry] = (), codings: Iterable[ScreenCoding] = (),
                 shortcuts: Iterable[str] = (), codebook: int | None = None) -> None:
        self.url = url
        self.document = document
        self.coder = coder
        self.codings: dict[int, ScreenCoding] = {c.id: c for c in codings}
        self.codes: list[CodeEntry] = list(codes)
        self.shortcuts = list(shortcuts)  # code keys for F1..F9, fixed while the screen is open
        self._version = codebook  # the codebook version `codes` was read from

    # --- reading -------------------------------------------------------------------------

    def load(self) -> None:
        with session_scope(self.url, write=False) as session:
            self.codings = {c.id: c for c in load_codings(session, self.document.id)}
            self.codes, self._version = load_codes(session), codebook_version(session)

    def _reload(self, session: Session, ours: Iterable[int] = ()) -> str | None:
        """Read the codings (and codebook) again; describe changes that are not in `ours`."""
        before = self.codings
        now = {c.id: c for c in load_codings(session, self.document.id)}
        version = codebook_version(session)
        if version != self._version:  # someone loaded a new codebook meanwhile
            self.codes, self._version = load_codes(session), version
        self.codings = now
        blind = bool(self.document.round and self.document.round.blind)
        return describe_others(before, now, set(ours), self.coder, blind=blind)

    def refresh(self) -> Outcome:
        with session_scope(self.url, write=False) as session:
            others = self._reload(session)
        return Outcome("reloaded", others=others)

    def is_own(self, coding: ScreenCoding) -> bool:
        return coder_key(coding.coder) == coder_key(self.coder)

    # --- writing -------------------------------------------------------------------------

    def _write(self, action: Callable[[Session, Document], tuple[T, set[int]]]) -> tuple[T, Outcome]:
        with session_scope(self.url, write=True) as session:
            doc = session.get(Document, self.document.id)
            if doc is None or doc.sha256 != self.document.sha256:
                raise QcodeError(f"{self.document.name} was re-imported or removed since the screen "
                                 "opened; nothing was done", hint="quit and open it again")
            result, ours = action(session, doc)
            others = self._reload(session, ours)
            notices = list(session.info.get("notices", []))
        return result, Outcome("", others=others, notices=notices)

    def apply(self, start: int, end: int, code: str) -> Outcome:
        from qcode.coding.coders import current_coder
        from qcode.coding.codes import resolve_code
        from qcode.coding.tagging import tag
        from qcode.coding.targets import Span
        from qcode.store.events import new_batch

        def act(session: Session, doc: Document) -> tuple[tuple[bool, int], set[int]]:
            entry = resolve_code(session, code, for_coding=True)
            who = current_coder(session, self.coder)
            result = tag(session, doc, Span(start, end), [entry], who, batch=new_batch())
            made = (result.created or result.existing)[0]
            return (bool(result.created), made.id), {c.id for c in result.created}

        (created, coding_id), outcome = self._write(act)
        verb = "coded" if created else "already coded"
        outcome.message = f"{verb} {code} c{start}-{end}"
        outcome.focus, outcome.added = coding_id, int(created)
        return outcome

    def remove(self, coding_id: int) -> Outcome:
        from qcode.coding.coders import current_coder
        from qcode.coding.tagging import get_coding, remove_coding
        from qcode.store.events import new_batch

        def act(session: Session, _doc: Document) -> tuple[str, set[int]]:
            who = current_coder(session, self.coder)
            removed = remove_coding(session, get_coding(session, coding_id), who, batch=new_batch())
            return f"removed {removed.code} c{removed.start}-{removed.end}", {coding_id}

        message, outcome = self._write(act)
        outcome.message, outcome.removed = message, 1
        return outcome

    def recode(self, coding_id: int, code: str) -> Outcome:
        from qcode.coding.coders import current_coder
        from qcode.coding.codes import resolve_code
        from qcode.coding.tagging import get_coding, recode
        from qcode.store.events import new_batch

        def act(session: Session, _doc: Document) -> tuple[str, set[int]]:
            entry = resolve_code(session, code, for_coding=True)
            who = current_coder(session, self.coder)
            coding = get_coding(session, coding_id)
            old = self.codings[coding_id].code if coding_id in self.codings else "?"
            done = recode(session, coding, entry, who, batch=new_batch())
            return f"recoded {old} → {done.code} c{done.start}-{done.end}", {coding_id}

        message, outcome = self._write(act)
        outcome.message, outcome.focus = message, coding_id
        return outcome

    def memo(self, coding_id: int | None, text: str) -> Outcome:
        """A new entry in the thread on a coding (or, with None, on the document)."""
        from qcode.coding.coders import current_coder
        from qcode.coding.memos import add_memo, resolve_memo_target
        from qcode.store.events import new_batch

        kind, ref = ("coding", str(coding_id)) if coding_id is not None else ("document", None)

        def act(session: Session, doc: Document) -> tuple[str, set[int]]:
            target_id, name = resolve_memo_target(session, kind, ref or doc.name)
            who = current_coder(session, self.coder)
            add_memo(session, kind, target_id, name, text, who, batch=new_batch())
            return f"memo on {name}", set()

        message, outcome = self._write(act)
        outcome.message = message
        return outcome

    def memos(self, coding_id: int | None) -> list[tuple[str, str]]:
        """The thread a memo would join: (author, text), oldest first."""
        from qcode.coding.memos import get_memos

        with session_scope(self.url, write=False) as session:
            if coding_id is None:
                found = get_memos(session, "document", self.document.id, self.document.name)
            else:
                found = get_memos(session, "coding", coding_id, f"coding {coding_id}")
        return [(m.coder or "?", m.text) for m in found]

    def step(self, redo: bool) -> Outcome:
        """Undo (or redo) the coder's last action, wherever it was: the same undo as the CLI's."""
        from qcode.coding.history import redo as core_redo
        from qcode.coding.history import undo as core_undo

        def act(session: Session, _doc: Document) -> tuple[StepResult, set[int]]:
            result = (core_redo if redo else core_undo)(session, self.coder)
            ids = set(session.execute(
                select(Event.target_id).where(Event.batch == result.batch,
                                              Event.target_type == "coding")
            ).scalars())
            return result, {i for i in ids if i is not None}

        result, outcome = self._write(act)
        outcome.message = f"{'redid' if redo else 'undid'} {result.summary}"
        if result.action in ("tag", "autocode", "import-coding", "untag"):
            # Undoing a tag removes codings and redoing it adds them; an untag the other way round.
            if (result.action == "untag") == (not redo):
                outcome.added = result.changes
            else:
                outcome.removed = result.changes
        return outcome

    def coding_exists(self, coding_id: int) -> bool:
        with session_scope(self.url, write=False) as session:
            return session.get(Coding, coding_id) is not None


def describe_others(before: dict[int, ScreenCoding], now: dict[int, ScreenCoding], ours: set[int],
                    coder: str, *, blind: bool = False) -> str | None:
    """`meanwhile bo added 2, ana removed 1 here` for changes the screen did not make; in a blind
    round, other coders are `others` and their changes are not told apart."""
    tally: Counter[tuple[str, str]] = Counter()
    for coding_id in (now.keys() | before.keys()) - ours:
        old, new = before.get(coding_id), now.get(coding_id)
        if old == new:
            continue
        who = (new or old).coder  # type: ignore[union-attr]
        mine = coder_key(who) == coder_key(coder)
        who = "you (elsewhere)" if mine else "others" if blind else who
        verb = "added" if old is None else "removed" if new is None else "changed"
        verb = "changed" if blind and not mine else verb
        tally[(who, verb)] += 1
    if not tally:
        return None
    parts = [f"{who} {verb} {n}" for (who, verb), n in sorted(tally.items())]
    return "meanwhile " + ", ".join(parts) + " coding" + ("s" if sum(tally.values()) > 1 else "") + " here"
