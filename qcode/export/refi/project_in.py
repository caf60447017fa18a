"""`qcode import FILE.qdpx`: a REFI-QDA project into a new or existing qcode project.

Everything goes through the core functions a person's own commands use: coders through the
roster (a closed roster refuses unknown users), codes as a new codebook version, documents
through the corpus importer (units, full-text index, cases), codings through the coding insert
(one undoable batch), notes as memo entries credited to their authors. Rows keep the file's
GUIDs as their uuids and are matched by them first, so importing the same file twice changes
nothing and a project exported by qcode comes back as it was. The caller runs this in one
transaction: any error leaves the project as it was.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from qcode.export.refi.import_state import ImportReport, ImportState
from qcode.export.refi.sources import Prepared, PreparedSource
from qcode.store.models import Case, Code, Coder, Document

if TYPE_CHECKING:
    from qcode.codebook.model import Code as BookCode
    from qcode.codebook.model import Codebook
    from qcode.corpus.cases import CaseRow
    from qcode.export.refi.project_read import RefiValue


def import_prepared(
    session: Session, prepared: Prepared, *, actor: str, batch: str, update: bool = False
) -> ImportReport:
    """Store a prepared REFI-QDA file; the caller's transaction makes it all or nothing."""
    from qcode.export.refi.project_notes import store_codings, store_memos

    state = ImportState(session, prepared, actor=actor, batch=batch, update=update)
    _users(state)
    _codebook(state)
    names = dict(session.execute(select(Document.name, Document.sha256)).tuples().all())
    for item in prepared.sources:
        state.docs[item.source.guid] = _document(state, item, names)
    _cases(state)
    store_codings(state)
    store_memos(state)
    session.flush()
    return state.report


# --- coders ---------------------------------------------------------------------------------------


def _users(state: ImportState) -> None:
    from qcode.coding.coders import get_or_create_coder, lookup

    project = state.prepared.project
    used = {c.user for s in state.prepared.sources for c in s.codings}
    used |= {n.user for n in project.notes} | {s.source.user for s in state.prepared.sources}
    ours = project.origin.lower().startswith("qcode")
    for user in project.users:
        name = user.name or f"user {user.guid[:8]}"
        if not ours and user.guid not in used and name.lower() in project.origin.lower():
            continue  # the tool's own pseudo-user (ATLAS.ti writes one called "ATLAS.ti")
        coder: Coder | None = state.by_uuid(Coder, user.guid) or lookup(state.session, name)
        if coder is not None:
            state.report.coders_matched.append(coder.name)
        else:
            coder = get_or_create_coder(state.session, name)
            state.keep_uuid(Coder, coder, user.guid)
            state.report.coders_new.append(coder.name)
        state.coders[user.guid] = coder


# --- codes ----------------------------------------------------------------------------------------


def _codebook(state: ImportState) -> None:
    """New codes join the project's codebook as its next version; codes it has (by GUID) stay
    as they are."""
    from qcode.codebook.store import current_codebook, list_versions, load_codebook
    from qcode.export.refi.codebook import build_codes

    session, project = state.session, state.prepared.project
    rows = list(session.execute(select(Code)).scalars())
    by_uuid = {row.uuid: row for row in rows}
    current = current_codebook(session)
    known = {c.guid: by_uuid[c.guid].key for c in project.codes if c.guid in by_uuid}
    siblings: Counter[str | None] = Counter(c.parent for c in current.codes) if current else Counter()
    coded = frozenset(c.code for s in state.prepared.sources for c in s.codings if c.code)
    built = build_codes(project.codes, origin=project.origin, known=known,
                        taken=[r.key for r in rows], siblings=siblings, coded=coded)
    if built.codes:
        taken = frozenset(v.label for v in list_versions(session))
        book = _merged(state, current, built.codes, taken)
        result = load_codebook(session, book, source=None, actor=state.actor)
        state.report.codes_added, state.report.codebook_version = len(result.added), result.version
        rows = list(session.execute(select(Code)).scalars())
        fresh = {row.key: row for row in rows}
        for key, gid in built.guids.items():
            state.keep_uuid(Code, fresh[key], gid)
    by_key = {row.key: row for row in rows}
    state.codes = {gid: by_key[key] for gid, key in built.keys.items() if key in by_key}


def _merged(
    state: ImportState, current: Codebook | None, new: list[BookCode], taken: frozenset[str]
) -> Codebook:
    from qcode.codebook.edit import next_label
    from qcode.codebook.model import Codebook

    project, file = state.prepared.project, state.prepared.file
    if current is None:
        about = f"Imported from {file}" + (f" ({project.origin})" if project.origin else "") + "."
        return Codebook(name=project.name or Path(file).stem, version="1", description=about,
                        codes=tuple(new))
    label = next_label(current.version, taken | {current.version})
    present = {c.id for c in (*current.codes, *new)}
    # A parent the project keeps only as a retired row (not in its codebook) cannot hold them.
    new = [c if c.parent is None or c.parent in present else replace(c, parent=None) for c in new]
    state.report.warnings.append(
        f"{len(new)} new codes joined the codebook (version {label}); a YAML codebook file you "
        "load later must have them too")
    return replace(current, version=label, codes=(*current.codes, *new), source=None)


# --- documents ------------------------------------------------------------------------------------


def _document(state: ImportState, item: PreparedSource, names: dict[str, str]) -> Document:
    """The source as a document (by GUID, else by name and text, else new); `names` maps the
    project's document names to their texts' SHA-256."""
    from qcode.corpus.importing import ImportOptions, store_document
    from qcode.corpus.text import sha256_text

    session = state.session
    doc = state.by_uuid(Document, item.source.guid)
    name = doc.name if doc is not None else item.name
    if doc is None and name in names and names[name] != sha256_text(item.parsed.text):
        name = _free_name(names, name)
        state.report.warnings.append(f"{item.name}: another document has that name; imported as {name}")
    outcome = store_document(session, Path(name), item.parsed, ImportOptions(update=state.update))
    state.report.documents[outcome.status] += 1
    if outcome.orphaned:
        state.report.warnings.append(f"{name}: {outcome.orphaned} codings lost their text in the update")
    stored: Document = session.execute(select(Document).where(Document.name == name)).scalar_one()
    names[name] = stored.sha256
    if outcome.status != "unchanged":
        stored.source_path, stored.source_format = state.prepared.file, state.prepared.kind
        state.keep_uuid(Document, stored, item.source.guid)
    return stored


def _free_name(names: dict[str, str], name: str) -> str:
    path, number = PurePosixPath(name), 1
    while True:
        number += 1
        candidate = f"{path.stem} ({number}){path.suffix}" if path.suffix else f"{name} ({number})"
        if candidate not in names:
            return candidate


# --- cases and variables --------------------------------------------------------------------------


def _cases(state: ImportState) -> None:
    """Cases with their variables as attributes; variables given on a source go to its case (one
    named after the document when it has none, as qcode's own import does)."""
    from qcode.corpus.cases import CaseRow, apply_case
    from qcode.export.refi.xml import derived_guid

    project = state.prepared.project
    variables = {v.guid: v.name for v in project.variables if v.name}
    known = _Cases(state)
    placed: dict[int, int] = {}  # document id -> its case
    for case in project.cases:
        existing = known.by_uuid.get(case.guid)
        docs = [state.docs[g] for g in case.sources if g in state.docs]
        fallback = Path(docs[0].name).stem if docs else f"case {case.guid[:8]}"
        name = existing.name if existing else (case.name or fallback)
        case_id = known.ensure(CaseRow(name[:255], _attributes(state, case.values, variables)), case.guid)
        mine = [d.id for d in docs if d.id not in placed]
        state.report.dropped["documents in a second case (kept in the first)"] += len(docs) - len(mine)
        placed.update(dict.fromkeys(mine, case_id))
        if case.description and case.description.strip():
            state.report.dropped["case descriptions"] += 1
    if placed:  # what `apply_case` does, for every document at once
        rows = [{"id": doc_id, "case_id": case_id} for doc_id, case_id in placed.items()]
        state.session.execute(update(Document).execution_options(synchronize_session=False), rows)
        for doc in state.docs.values():
            if doc.id in placed:
                state.session.expire(doc, ["case_id"])
    for item in state.prepared.sources:
        values = _attributes(state, item.source.values, variables)
        if not values:
            continue
        doc = state.docs[item.source.guid]
        state.session.refresh(doc)
        owner = state.session.get(Case, doc.case_id) if doc.case_id else None
        row = CaseRow(owner.name if owner else Path(doc.name).stem, values)
        known.ensure(row, derived_guid("case of", item.source.guid))
        apply_case(state.session, doc.id, row)


def _attributes(
    state: ImportState, values: Sequence[RefiValue], variables: dict[str, str]
) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for value in values:
        name = variables.get(value.variable) if value.variable else None
        if name is None:
            state.report.dropped["values of undeclared variables"] += 1
            continue
        found[name[:128]] = value.value
    return found


class _Cases:
    """The project's cases by uuid and by name, read once."""

    def __init__(self, state: ImportState) -> None:
        self.state = state
        cases = list(state.session.execute(select(Case)).scalars())
        self.by_uuid = {c.uuid: c for c in cases}
        self.by_name = {c.name: c for c in cases}

    def ensure(self, row: CaseRow, guid: str) -> int:
        """The row's case, created or updated (`ensure_case`); a case made now keeps the GUID."""
        from qcode.corpus.cases import ensure_case

        before = self.by_uuid.get(guid) or self.by_name.get(row.case)
        case = self.state.session.get(Case, ensure_case(self.state.session, row))
        assert case is not None
        if before is None:
            if guid not in self.by_uuid:
                case.uuid = guid
            self.by_uuid[case.uuid], self.by_name[case.name] = case, case
        self.state.report.cases["matched" if before is not None else "imported"] += 1
        return case.id
