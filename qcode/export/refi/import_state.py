"""The state one REFI-QDA import carries through its steps, and what it reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.export.refi.sources import Prepared
from qcode.store.models import Code, Coder, Document


@dataclass
class ImportReport:
    file: str
    positions: str | None
    documents: Counter[str] = field(default_factory=Counter)  # imported | updated | unchanged
    codes_added: int = 0
    codebook_version: int | None = None
    codings: Counter[str] = field(default_factory=Counter)  # added | unchanged
    coders_new: list[str] = field(default_factory=list)
    coders_matched: list[str] = field(default_factory=list)
    cases: Counter[str] = field(default_factory=Counter)  # added | matched
    memos: Counter[str] = field(default_factory=Counter)  # added | unchanged
    credited: Counter[str] = field(default_factory=Counter)  # coder -> items without a known user
    warnings: list[str] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)  # what was not imported, by kind


class ImportState:
    """The session, the prepared file, and what its GUIDs became in the project."""

    def __init__(self, session: Session, prepared: Prepared, *, actor: str, batch: str, update: bool) -> None:
        self.session, self.prepared = session, prepared
        self.actor, self.batch, self.update = actor, batch, update
        detected = prepared.detection.describe() if prepared.detection else None
        self.report = ImportReport(prepared.file, detected)
        self.report.warnings.extend(prepared.warnings)
        self.report.dropped.update(prepared.project.dropped)
        self.report.dropped.update(prepared.skipped)
        self.coders: dict[str, Coder] = {}  # user guid ->
        self.codes: dict[str, Code] = {}  # code guid ->
        self.docs: dict[str, Document] = {}  # source guid ->
        self.codings: dict[str, int] = {}  # coding guid -> coding id
        self._fallback: Coder | None = None
        self._uuids: dict[Any, dict[str, int]] = {}

    def coder(self, guid: str | None) -> Coder:
        """The coder for a user GUID; work with no known user is credited to the person importing."""
        if guid is not None and guid in self.coders:
            return self.coders[guid]
        if self._fallback is None:
            from qcode.coding.coders import get_or_create_coder

            self._fallback = get_or_create_coder(self.session, self.actor)
        self.report.credited[self._fallback.name] += 1
        return self._fallback

    def uuids(self, model: Any) -> dict[str, int]:
        """uuid -> id of every row of a table (read once), with the GUIDs given out since."""
        if model not in self._uuids:
            self._uuids[model] = dict(self.session.execute(select(model.uuid, model.id)).tuples().all())
        return self._uuids[model]

    def by_uuid(self, model: Any, uuid: str) -> Any:
        found = self.uuids(model).get(uuid)
        return None if found is None else self.session.get(model, found)

    def keep_uuid(self, model: Any, row: Any, uuid: str) -> None:
        """Give a new row the file's GUID, unless another row of its kind has it already."""
        known = self.uuids(model)
        if row.uuid != uuid and uuid not in known:
            row.uuid = uuid
            known[uuid] = row.id
