"""The project store: SQLAlchemy 2 typed models.

Design notes (why the tables look like this):

* Offsets (`start`, `end`) are code points of `Document.text`; units and codings both use them,
  so every unit of analysis (turn, paragraph, sentence, line) can be derived from a coding.
* `Code.id` is a surrogate integer and `Code.key` the codebook's stable id. Renaming a code in the
  YAML (`renamed_from`) changes `key` only, so codings keep pointing at the same row.
* A coding stores its quote plus a little prefix/suffix so it can be re-anchored (or flagged) when
  a transcript is corrected and re-imported.
* `Coding.layer` separates coders' own work (`coding`) from the adjudicated `consensus` layer;
  `CodingSource` links each consensus coding to the codings it was decided from.
* `Event` is append-only: one row per change with before/after JSON. Rows of one user action share
  a `batch`, which is what undo/redo reverse.
* No id is ever handed out twice (SQLite `AUTOINCREMENT`; PostgreSQL sequences), so an event, a
  package or a citation that names coding 32 always means the same coding.
* Documents, cases, codes, coders, codings, memos and rounds also carry a `uuid` that never
  changes: REFI-QDA GUIDs, offline packages and merges identify rows by it, never by name or id.
* A coder's `key` is the folded name (case and diacritics removed), unique: `Ana` is `ana`. On a
  PostgreSQL team server `db_role` links a coder to the login role she connects as.
* Memos are threads: every entry is a row with its author and time, whatever it is on (a coding,
  a document, a code, the project).
* A `Resolution` is a PI's decision on one disagreement (keyed by its stable id). Revising a
  decision adds a row and marks the old one `superseded`, so the history of a decision is kept;
  `ResolutionCoding` links a decision to the consensus codings it made or relied on.
"""

from __future__ import annotations

import uuid as _uuid
from datetime import datetime, timezone

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_uuid() -> str:
    return str(_uuid.uuid4())


# SQLite reuses the largest rowid after a delete unless the table says AUTOINCREMENT.
NEVER_REUSE = {"sqlite_autoincrement": True}


def _uuid_column() -> Mapped[str]:
    return mapped_column(String(36), unique=True, default=new_uuid)


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Key/value project metadata: schema version, project name, default coder."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = NEVER_REUSE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    name: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    attributes: Mapped[list[CaseAttribute]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseAttribute.name"
    )


class CaseAttribute(Base):
    __tablename__ = "case_attributes"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="attributes")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = NEVER_REUSE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    name: Mapped[str] = mapped_column(String(255), unique=True)
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(32))
    chars: Mapped[int] = mapped_column(Integer, default=0)
    words: Mapped[int] = mapped_column(Integer, default=0)
    metadata_json: Mapped[str] = mapped_column(Text, default="{}")
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer, default=1)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case: Mapped[Case | None] = relationship()


class Unit(Base):
    """A pre-cut piece of a document (turn, paragraph, sentence, line), numbered from 1."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("document_id", "kind", "number", name="uq_units_doc_kind_number"),
        Index("ix_units_doc_kind_start", "document_id", "kind", "start"),
        CheckConstraint("start <= \"end\"", name="ck_units_span"),
        NEVER_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(255))
    timestamp: Mapped[str | None] = mapped_column(String(32))


class CodebookVersion(Base):
    """Every codebook load is a new version: its snapshot, so any version can be diffed or restored."""

    __tablename__ = "codebook_versions"
    __table_args__ = NEVER_REUSE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(255))
    label: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    snapshot_json: Mapped[str] = mapped_column(Text)
    source_path: Mapped[str | None] = mapped_column(Text)
    loaded_by: Mapped[str | None] = mapped_column(String(255))
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Code(Base):
    """The current state of one code. History lives in `CodebookVersion` snapshots and events."""

    __tablename__ = "codes"
    __table_args__ = NEVER_REUSE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    key: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("codes.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    brief: Mapped[str | None] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text, default="")
    when_to_use: Mapped[str | None] = mapped_column(Text)
    when_not_to_use: Mapped[str | None] = mapped_column(Text)
    examples_json: Mapped[str] = mapped_column(Text, default="[]")
    colour: Mapped[str | None] = mapped_column(String(16))
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # A category only groups its children: `apply: false` in the codebook; never coded directly.
    applicable: Mapped[bool] = mapped_column(Boolean, default=True)
    first_version: Mapped[int] = mapped_column(Integer, default=1)


class Coder(Base):
    """A person. `key` is the folded name, so `Ana`, `ana` and `Äna` are one coder."""

    __tablename__ = "coders"
    __table_args__ = (Index("ix_coders_db_role", "db_role", unique=True), NEVER_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    name: Mapped[str] = mapped_column(String(255), unique=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="coder")  # coder | pi
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # PostgreSQL team projects: the database role this coder logs in as; row security compares
    # it with `current_user`. Always empty on SQLite.
    db_role: Mapped[str | None] = mapped_column(String(63))

    @validates("name")
    def _keep_key(self, _field: str, value: str) -> str:
        self.key = coder_key(value)
        return value


def coder_key(name: str) -> str:
    """What makes two spellings of a name one coder: case, diacritics and spacing ignored."""
    from qcode.corpus.text import fold

    return " ".join(fold(name).split())


class Round(Base):
    """A coding round: which coders code which documents, blind or not, under which codebook."""

    __tablename__ = "rounds"
    __table_args__ = NEVER_REUSE

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    name: Mapped[str] = mapped_column(String(255), unique=True)
    codebook_version_id: Mapped[int | None] = mapped_column(ForeignKey("codebook_versions.id"))
    blind: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class RoundAssignment(Base):
    __tablename__ = "round_assignments"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )


class Coding(Base):
    """(document, span, code, coder) + memo + time: the heart of the store."""

    __tablename__ = "codings"
    __table_args__ = (
        UniqueConstraint(
            "document_id", "code_id", "coder_id", "layer", "start", "end", name="uq_codings_span"
        ),
        Index("ix_codings_doc_start", "document_id", "start"),
        Index("ix_codings_code", "code_id"),
        Index("ix_codings_coder", "coder_id"),
        CheckConstraint("start < \"end\"", name="ck_codings_span"),
        NEVER_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    layer: Mapped[str] = mapped_column(String(16), default="coding")
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(Text, default="")
    suffix: Mapped[str] = mapped_column(Text, default="")
    anchor: Mapped[str] = mapped_column(String(16), default="ok")  # ok | moved | orphaned
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CodingSource(Base):
    """Provenance of a consensus coding: the coders' codings it was decided from."""

    __tablename__ = "coding_sources"

    coding_id: Mapped[int] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True
    )


class Memo(Base):
    """One entry of a memo thread on the project, a document, a code or a coding, by its author.

    `target_id` is the coding, document or code id (none for the project). Entries are never
    replaced: a second memo is a new entry; editing one's own entry is an undoable event."""

    __tablename__ = "memos"
    __table_args__ = (Index("ix_memos_target", "target_type", "target_id"), NEVER_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int | None] = mapped_column(Integer)
    coder_id: Mapped[int | None] = mapped_column(ForeignKey("coders.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Event(Base):
    """Append-only audit trail; one user action may write several rows sharing `batch`."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_batch", "batch"),
        Index("ix_events_actor", "actor"),
        NEVER_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(32))
    batch: Mapped[str] = mapped_column(String(36))
    target_type: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int | None] = mapped_column(Integer)
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    undoes: Mapped[str | None] = mapped_column(String(36))  # batch this event reverses


class Resolution(Base):
    """A PI's decision on one disagreement: which option, why, by whom, and when.

    `disagreement` is the stable id `DOCUMENT:UNIT:CODE`; `start`/`end` are the place it names
    and `coders` the compared coders (folded names, sorted, comma-separated). A revision is a
    new row; the old one becomes `superseded` and points to it with `superseded_by_id`."""

    __tablename__ = "resolutions"
    __table_args__ = (Index("ix_resolutions_disagreement", "disagreement"), NEVER_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = _uuid_column()
    disagreement: Mapped[str] = mapped_column(String(600))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    unit: Mapped[str] = mapped_column(String(16))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))  # the code, or the domain's parent code
    domain: Mapped[bool] = mapped_column(Boolean, default=False)
    coders: Mapped[str] = mapped_column(Text)
    option: Mapped[str] = mapped_column(String(255))  # a coder's name, both, none, union, intersection
    chosen_code: Mapped[str | None] = mapped_column(String(64))  # --code: the accepted spans' code
    note: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[int] = mapped_column(ForeignKey("coders.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("resolutions.id"))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | superseded


class ResolutionCoding(Base):
    """A consensus coding a decision stands on; `made` when the decision created it (a coding
    already in the consensus layer is linked, not made twice)."""

    __tablename__ = "resolution_codings"

    resolution_id: Mapped[int] = mapped_column(
        ForeignKey("resolutions.id", ondelete="CASCADE"), primary_key=True
    )
    coding_id: Mapped[int] = mapped_column(
        ForeignKey("codings.id", ondelete="CASCADE"), primary_key=True
    )
    made: Mapped[bool] = mapped_column(Boolean, default=True)
