"""The second half of a REFI-QDA import: codings, then notes and descriptions as memos.

Codings go in through the coding insert (each an `import-coding` event of one batch, so one
`qcode undo` takes the import's codings back). A note becomes a memo entry on what refers to
it: the project, a source (document), a code, a coding, or a selection (its first coding, or
its document when it has none); NVivo's annotation links count as references too. Notes that
nothing refers to are memos on the project. Descriptions of sources, selections and the project
become memo entries as well, with GUIDs derived from their owner's, so a second import finds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from qcode.errors import UsageError
from qcode.export.refi.import_state import ImportState
from qcode.export.refi.xml import derived_guid
from qcode.store.models import Coding, Memo


def _ids_of(state: ImportState, model: Any, uuids: list[str]) -> dict[str, int]:
    """uuid -> id of the rows among `uuids` that the project has already."""
    found: dict[str, int] = {}
    unique = sorted(set(uuids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        query = select(model.uuid, model.id).where(model.uuid.in_(chunk))
        found.update(state.session.execute(query).tuples().all())
    return found


def store_codings(state: ImportState) -> None:
    from qcode.coding.bulk import NewCoding, insert_codings

    session, report = state.session, state.report
    by_uuid = _ids_of(state, Coding, [c.guid for item in state.prepared.sources for c in item.codings])
    existing = {
        (d, c, k, s, e)
        for d, c, k, s, e in session.execute(
            select(Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end)
            .where(Coding.layer == "coding", Coding.document_id.in_([d.id for d in state.docs.values()]))
        ).tuples()
    }
    ours = state.prepared.origin.lower().startswith("qcode")  # its codings are as they were
    new: list[NewCoding] = []
    guids: list[str] = []
    pending: set[str] = set()
    for item in state.prepared.sources:
        doc = state.docs[item.source.guid]
        for span in item.codings:
            if span.guid in by_uuid:
                state.codings[span.guid] = by_uuid[span.guid]
                report.codings["unchanged"] += 1
                continue
            if span.guid in pending:
                report.dropped["codings repeating another's GUID"] += 1
                continue
            code = state.codes.get(span.code) if span.code else None
            if code is None:
                report.dropped["codings of codes the file does not define"] += 1
                continue
            if not code.applicable and not ours:  # a category of this project, coded elsewhere
                report.dropped[f"codings of the category {code.key} (not applied directly)"] += 1
                continue
            coder = state.coder(span.user)
            key = (doc.id, code.id, coder.id, span.start, span.end)
            if key in existing:
                report.dropped["codings the project already has"] += 1
                continue
            existing.add(key)
            new.append(NewCoding(doc, span.start, span.end, code, coder, span.guid, span.created))
            guids.append(span.guid)
            pending.add(span.guid)
    for guid, coding in zip(guids, insert_codings(session, new, actor=state.actor, action="import-coding",
                                                  batch=state.batch), strict=True):
        state.codings[guid] = coding.id
    report.codings["added"] += len(new)


@dataclass(frozen=True)
class _Entry:
    guid: str
    kind: str
    target: int | None
    name: str
    text: str
    user: str | None
    created: datetime | None
    modified: datetime | None


def store_memos(state: ImportState) -> None:
    from qcode.coding.memos import add_memo

    entries = _entries(state)
    known = set(_ids_of(state, Memo, [e.guid for e in entries]))
    for entry in entries:
        if entry.guid in known:
            state.report.memos["unchanged"] += 1
            continue
        author = state.coder(entry.user)
        try:
            add_memo(state.session, entry.kind, entry.target, entry.name, entry.text, author,
                     batch=state.batch, actor=state.actor, uuid=entry.guid,
                     created_at=entry.created, updated_at=entry.modified)
        except UsageError as exc:  # empty, or longer than a memo may be
            state.report.dropped["notes that cannot be memos"] += 1
            state.report.warnings.append(f"note {entry.name}: {exc.message}")
            continue
        known.add(entry.guid)
        state.report.memos["added"] += 1


def _targets(state: ImportState) -> dict[str, tuple[str, int | None, str]]:
    """Note GUID -> (memo target kind, target id, target name), the first reference winning."""
    prepared = state.prepared
    project = prepared.project
    found: dict[str, tuple[str, int | None, str]] = {}

    def put(notes: tuple[str, ...] | list[str], target: tuple[str, int | None, str]) -> None:
        for note in notes:
            found.setdefault(note, target)

    put(project.notes_on_project, ("project", None, "project"))
    for code in project.codes:
        row = state.codes.get(code.guid)
        if row is not None:
            put(code.notes, ("code", row.id, row.key))
    for source in project.sources:
        doc = state.docs.get(source.guid)
        if doc is None:
            continue
        put(source.notes, ("document", doc.id, doc.name))
        for selection in source.selections:
            target = _selection_target(state, selection.guid)
            for coding in selection.codings:
                if coding.guid in state.codings:
                    number = state.codings[coding.guid]
                    put(coding.notes, ("coding", number, f"coding {number}"))
            if target is not None:
                put(selection.notes, target)
    for note, annotated in project.links:
        target = _link_target(state, annotated)
        if target is not None:
            found.setdefault(note, target)
    return found


def _selection_target(state: ImportState, selection: str) -> tuple[str, int | None, str] | None:
    coding = state.prepared.selection_coding.get(selection)
    if coding is not None and coding in state.codings:
        return "coding", state.codings[coding], f"coding {state.codings[coding]}"
    doc = state.docs.get(state.prepared.selection_source.get(selection, ""))
    return ("document", doc.id, doc.name) if doc is not None else None


def _link_target(state: ImportState, guid: str) -> tuple[str, int | None, str] | None:
    if guid in state.codings:
        return "coding", state.codings[guid], f"coding {state.codings[guid]}"
    if guid in state.docs:
        return "document", state.docs[guid].id, state.docs[guid].name
    if guid in state.codes:
        return "code", state.codes[guid].id, state.codes[guid].key
    return _selection_target(state, guid)


def _entries(state: ImportState) -> list[_Entry]:
    project = state.prepared.project
    targets = _targets(state)
    entries = []
    for note in project.notes:
        kind, target, name = targets.get(note.guid, ("project", None, "project"))
        text = state.prepared.note_texts.get(note.guid, "")
        title = (note.name or "").strip()
        if title and not text.lstrip().startswith(title):
            text = f"{title}\n\n{text}" if text.strip() else title
        entries.append(_Entry(note.guid, kind, target, name, text, note.user, note.created, note.modified))
    entries.extend(_descriptions(state))
    return entries


def _descriptions(state: ImportState) -> list[_Entry]:
    project = state.prepared.project
    found = []
    if project.description and project.description.strip():
        found.append(_Entry(derived_guid("description", "project", project.name), "project", None, "project",
                            project.description, project.creating_user, None, None))
    for source in project.sources:
        doc = state.docs.get(source.guid)
        if doc is None:
            continue
        if source.description and source.description.strip():
            found.append(_Entry(derived_guid("description", source.guid), "document", doc.id, doc.name,
                                source.description, source.user, source.created, None))
        for selection in source.selections:
            target = _selection_target(state, selection.guid)
            if target is not None and selection.description and selection.description.strip():
                found.append(_Entry(derived_guid("description", selection.guid), *target,
                                    selection.description, selection.user, selection.created, None))
    return found
