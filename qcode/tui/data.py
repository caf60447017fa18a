"""What the coding screen shows, read from the store as plain data (no Textual here).

The screen loads a document, its units, the codebook and the document's codings once, then
reloads only the codings (and the codebook) after each write, so one read query per write keeps
it in step with what other coders do meanwhile.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.coding.highlight import normalise_colour
from qcode.corpus.documents import UnitInfo
from qcode.corpus.text import fold
from qcode.errors import NotFoundError, QcodeError
from qcode.store.models import Code, Coder, Coding, Document, Round, RoundAssignment, coder_key

# Speaker labels that name the person asking, in the languages of the sample study.
INTERVIEWER_LABELS = frozenset({
    "interviewer", "interviewerka", "moderator", "facilitator", "researcher", "i", "q", "int",
    "anketar", "anketarka", "intervjuer", "intervjuerka", "istrazivac", "istrazivacica", "novinar",
    "novinarka",
})


@dataclass(frozen=True)
class CodeEntry:
    """One code of the codebook tree as the screen lists it."""

    key: str
    label: str
    path: str
    depth: int
    parent: str | None
    number: int | None  # 1.. in tree order for codes that can be applied; None for the rest
    applicable: bool
    retired: bool
    colour: str  # #rrggbb
    brief: str | None = None
    definition: str = ""
    when_to_use: str | None = None
    when_not_to_use: str | None = None
    examples: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()  # former ids (`renamed_from`): coders still type them

    @property
    def can_apply(self) -> bool:
        return self.applicable and not self.retired


@dataclass(frozen=True)
class ScreenCoding:
    """One coding of the open document, by anyone."""

    id: int
    code: str
    coder: str
    start: int
    end: int
    updated: str  # when it last changed: tells a recode by someone else from no change


@dataclass(frozen=True)
class RoundInfo:
    name: str
    blind: bool


@dataclass(frozen=True)
class DocumentData:
    id: int
    name: str
    sha256: str
    text: str
    case: str | None
    kind: str  # the unit the coder works through: turn, paragraph or sentence
    units: tuple[UnitInfo, ...]  # of `kind`, non-empty ones
    turns: tuple[UnitInfo, ...]
    interviewers: frozenset[str]  # speakers whose units are questions, not answers
    round: RoundInfo | None


def load_document(session: Session, ref: str, coder: str, kind: str = "turn") -> DocumentData:
    from qcode.corpus.documents import document_units, resolve_document
    from qcode.store.models import Case

    doc = resolve_document(session, ref)
    turns = tuple(u for u in document_units(session, doc.id, "turn") if u.end > u.start)
    if kind == "turn" and not turns:
        kind = "paragraph"  # no speaker labels to cut turns by: work through paragraphs
    units = turns if kind == "turn" else tuple(
        u for u in document_units(session, doc.id, kind) if u.end > u.start)
    if not units:
        raise QcodeError(f"{doc.name} has no {kind}s to code", hint="try --unit paragraph")
    case = session.get(Case, doc.case_id) if doc.case_id else None
    metadata = json.loads(doc.metadata_json or "{}")
    return DocumentData(
        id=doc.id, name=doc.name, sha256=doc.sha256, text=doc.text,
        case=case.name if case else None, kind=kind, units=units, turns=turns,
        interviewers=interviewer_speakers(doc.text, turns, metadata.get("interviewer")),
        round=document_round(session, doc.id, coder),
    )


def interviewer_speakers(text: str, turns: Sequence[UnitInfo], named: object = None) -> frozenset[str]:
    """Who asks the questions: a speaker labelled as such, the one the document's metadata names,
    else the one speaker most of whose turns end in a question mark."""
    speakers = {u.speaker for u in turns if u.speaker}
    by_label = {s for s in speakers if fold(s).rstrip("0123456789 ").strip(" .") in INTERVIEWER_LABELS
                or fold(s).startswith("interviewer")}
    if isinstance(named, str) and named.strip():
        by_label |= {s for s in speakers if coder_key(s) == coder_key(named)}
    if by_label or len(speakers) < 2:
        return frozenset(by_label)
    share = {}
    for speaker in speakers:
        own = [u for u in turns if u.speaker == speaker]
        share[speaker] = sum(text[u.start:u.end].rstrip().endswith("?") for u in own) / len(own)
    ranked = sorted(share.items(), key=lambda item: (-item[1], item[0]))
    best, runner_up = ranked[0], ranked[1]
    return frozenset({best[0]}) if best[1] > 0.5 and best[1] > runner_up[1] else frozenset()


def document_round(session: Session, document_id: int, coder: str) -> RoundInfo | None:
    """The open round in which `coder` is assigned this document, if any (the latest)."""
    row = session.execute(
        select(Round.name, Round.blind)
        .join(RoundAssignment, RoundAssignment.round_id == Round.id)
        .join(Coder, Coder.id == RoundAssignment.coder_id)
        .where(RoundAssignment.document_id == document_id, Coder.key == coder_key(coder),
               Round.status == "open")
        .order_by(Round.id.desc()).limit(1)
    ).first()
    return RoundInfo(row[0], bool(row[1])) if row else None


def next_document(session: Session, coder: str) -> str:
    """The coder's next document: the first one assigned to them in an open round that they have
    not coded yet, else the first document of the project they have not coded."""
    coded = set(session.execute(
        select(Coding.document_id).join(Coder, Coder.id == Coding.coder_id)
        .where(Coder.key == coder_key(coder), Coding.layer == "coding").distinct()
    ).scalars())
    assigned = session.execute(
        select(Document.id, Document.name)
        .join(RoundAssignment, RoundAssignment.document_id == Document.id)
        .join(Round, Round.id == RoundAssignment.round_id)
        .join(Coder, Coder.id == RoundAssignment.coder_id)
        .where(Coder.key == coder_key(coder), Round.status == "open")
        .order_by(Round.id, Document.name)
    ).all()
    for doc_id, name in assigned:
        if doc_id not in coded:
            return str(name)
    for doc_id, name in session.execute(select(Document.id, Document.name).order_by(Document.name)):
        if doc_id not in coded:
            return str(name)
    if not assigned and not session.execute(select(Document.id).limit(1)).first():
        raise NotFoundError("the project has no documents yet", hint="run `qcode import FILES`")
    raise QcodeError(f"{coder} has coded every document",
                     hint="name one to go back to it: qcode code DOC")


def load_codes(session: Session) -> list[CodeEntry]:
    """The codebook in tree order; retired codes are kept (their codings still need a colour).

    Read from the code rows and the latest version's snapshot directly: the codebook package
    (YAML parsing, validation, diffs) is not needed to show codes, and costs the screen's start."""
    from collections import defaultdict

    from qcode.store.models import CodebookVersion

    codes = list(session.execute(select(Code).order_by(Code.position, Code.key)).scalars())
    snapshot = session.execute(select(CodebookVersion.snapshot_json)
                               .order_by(CodebookVersion.number.desc()).limit(1)).scalar()
    synonyms = {c["id"]: tuple(c.get("renamed_from") or ())
                for c in (json.loads(snapshot).get("codes", []) if snapshot else [])}
    by_id = {c.id: c for c in codes}
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id if code.parent_id in by_id else None].append(code)
    entries: list[CodeEntry] = []
    numbered = [0]

    def walk(code: Code, path: tuple[str, ...]) -> None:
        can = code.applicable and not code.retired
        numbered[0] += can
        number = numbered[0] if can else None
        entries.append(CodeEntry(
            key=code.key, label=code.label, path="/".join((*path, code.key)), depth=len(path),
            parent=path[-1] if path else None, number=number, applicable=code.applicable,
            retired=code.retired, colour=normalise_colour(code.colour, code.key), brief=code.brief,
            definition=code.definition, when_to_use=code.when_to_use,
            when_not_to_use=code.when_not_to_use, examples=tuple(json.loads(code.examples_json or "[]")),
            synonyms=synonyms.get(code.key, ()),
        ))
        for child in children.get(code.id, []):
            walk(child, (*path, code.key))

    for root in children.get(None, []):
        walk(root, ())
    return entries


def codebook_version(session: Session) -> int | None:
    """The number of the latest codebook loaded: the screen reads the codes again when it moves."""
    from sqlalchemy import func

    from qcode.store.models import CodebookVersion

    return session.execute(select(func.max(CodebookVersion.number))).scalar()


def load_codings(session: Session, document_id: int) -> list[ScreenCoding]:
    rows = session.execute(
        select(Coding.id, Code.key, Coder.name, Coding.start, Coding.end, Coding.updated_at)
        .join(Code, Code.id == Coding.code_id).join(Coder, Coder.id == Coding.coder_id)
        .where(Coding.document_id == document_id, Coding.layer == "coding")
        .order_by(Coding.start, Coding.end, Coding.id)
    ).all()
    return [ScreenCoding(i, key, coder, start, end, updated.isoformat() if updated else "")
            for i, key, coder, start, end, updated in rows]


def answers(units: Sequence[UnitInfo], interviewers: frozenset[str],
            speaker: str | None = None) -> list[UnitInfo]:
    """The units that answer: `speaker`'s when given, else everyone's but the interviewers'
    (all units when no one asks)."""
    if speaker:
        return [u for u in units if (u.speaker or "").casefold() == speaker.casefold()]
    return [u for u in units if u.speaker not in interviewers] or list(units)


def progress(answer_units: Sequence[UnitInfo], codings: Iterable[ScreenCoding]) -> tuple[int, int]:
    """(answer units carrying at least one of the given codings, answer units)."""
    spans = [(c.start, c.end) for c in codings]
    done = sum(any(s < u.end and e > u.start for s, e in spans) for u in answer_units)
    return done, len(answer_units)


def used_codes(session: Session, coder: str) -> list[str]:
    """The codes `coder` has applied, most used first: they get the shortcut keys."""
    from sqlalchemy import func

    rows = session.execute(
        select(Code.key, func.count(Coding.id))
        .join(Coding, Coding.code_id == Code.id).join(Coder, Coder.id == Coding.coder_id)
        .where(Coder.key == coder_key(coder), Coding.layer == "coding")
        .group_by(Code.key)
    ).all()
    return [key for key, _n in sorted(rows, key=lambda r: (-r[1], r[0]))]


def shortcut_codes(entries: Sequence[CodeEntry], used: Sequence[str], slots: int = 9) -> list[str]:
    """The codes for keys F1..F9: the coder's most used, then the first codes of the tree."""
    usable = [e.key for e in entries if e.can_apply]
    chosen = [key for key in used if key in usable][:slots]
    chosen += [key for key in usable if key not in chosen][: slots - len(chosen)]
    return chosen
