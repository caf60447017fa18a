"""What changed between two versions of a codebook.

Codes are matched by id, or through a declared old id (`renamed_from`): a renamed code is
the same code, so its codings follow it. The storing code uses `removed` (refused while the
code has codings) and `renamed` (codings move to the new id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qcode.codebook.model import Code, Codebook

# Fields compared for "changed"; parent, retired and position have their own lists.
COMPARED_FIELDS = (
    "label",
    "brief",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "examples",
    "counterexamples",
    "colour",
    "memo",
    "apply",
)
METADATA_FIELDS = ("name", "version", "description", "authors", "language", "references")
_SHORT_FIELDS = ("name", "version", "language")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "old": _plain(self.old), "new": _plain(self.new)}


@dataclass(frozen=True)
class CodeChange:
    id: str  # the new id
    changes: tuple[FieldChange, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "changes": [change.to_dict() for change in self.changes]}


@dataclass(frozen=True)
class Rename:
    old_id: str
    new_id: str


@dataclass(frozen=True)
class Move:
    id: str  # the new id
    old_parent: str | None  # as it was in the old version
    new_parent: str | None


@dataclass(frozen=True)
class CodebookDiff:
    added: tuple[Code, ...] = ()
    removed: tuple[Code, ...] = ()
    renamed: tuple[Rename, ...] = ()
    changed: tuple[CodeChange, ...] = ()
    moved: tuple[Move, ...] = ()
    retired: tuple[str, ...] = ()
    unretired: tuple[str, ...] = ()
    reordered: bool = False  # siblings that kept their parent are in a different order
    metadata: tuple[FieldChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.renamed
            or self.changed
            or self.moved
            or self.retired
            or self.unretired
            or self.reordered
            or self.metadata
        )

    @property
    def rename_map(self) -> dict[str, str]:
        """Old id → new id."""
        return {rename.old_id: rename.new_id for rename in self.renamed}

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": [code.to_dict() for code in self.added],
            "removed": [code.to_dict() for code in self.removed],
            "renamed": [{"old_id": r.old_id, "new_id": r.new_id} for r in self.renamed],
            "changed": [change.to_dict() for change in self.changed],
            "moved": [
                {"id": m.id, "old_parent": m.old_parent, "new_parent": m.new_parent} for m in self.moved
            ],
            "retired": list(self.retired),
            "unretired": list(self.unretired),
            "reordered": self.reordered,
            "metadata": [change.to_dict() for change in self.metadata],
        }


def diff_codebooks(old: Codebook | None, new: Codebook) -> CodebookDiff:
    """Changes from `old` to `new`; with no old version every code is added."""
    if old is None:
        return CodebookDiff(added=new.depth_first() or new.codes)
    pairs, renamed = _match(old, new)
    matched_old = {prev.id for prev, _ in pairs} | {r.old_id for r in renamed}
    matched_new = {code.id for _, code in pairs}
    rename_map = {r.old_id.casefold(): r.new_id for r in renamed}
    moved = tuple(m for prev, code in pairs if (m := _moved(prev, code, rename_map)))
    moved_ids = {m.id for m in moved}
    return CodebookDiff(
        added=tuple(c for c in _ordered(new) if c.id not in matched_new),
        removed=tuple(c for c in _ordered(old) if c.id not in matched_old),
        renamed=tuple(renamed),
        changed=tuple(c for prev, code in pairs if (c := _changed(prev, code, renamed))),
        moved=moved,
        retired=tuple(code.id for prev, code in pairs if code.retired and not prev.retired),
        unretired=tuple(code.id for prev, code in pairs if prev.retired and not code.retired),
        reordered=_reordered(pairs, moved_ids),
        metadata=tuple(
            FieldChange(name, getattr(old, name), getattr(new, name))
            for name in METADATA_FIELDS
            if getattr(old, name) != getattr(new, name)
        ),
    )


def _ordered(book: Codebook) -> tuple[Code, ...]:
    reachable = book.depth_first()
    seen = {code.id for code in reachable}
    return (*reachable, *(code for code in book.codes if code.id not in seen))


def _match(old: Codebook, new: Codebook) -> tuple[list[tuple[Code, Code]], list[Rename]]:
    """Pairs (old code, new code) in new tree order, and the renames among them."""
    by_id = {code.id: old.get(code.id) for code in new.codes}
    used = {prev.id for prev in by_id.values() if prev is not None}
    pairs: list[tuple[Code, Code]] = []
    renamed: list[Rename] = []
    for code in _ordered(new):
        prev = by_id[code.id]
        if prev is not None:
            pairs.append((prev, code))
        # A code kept under its id may still absorb others (a merge) through `renamed_from`.
        for old_id in code.renamed_from:
            candidate = old.get(old_id)
            if candidate is None or candidate.id in used:
                continue
            used.add(candidate.id)
            renamed.append(Rename(candidate.id, code.id))
            if prev is None:  # several old codes merged into one: compare with the first
                prev = candidate
                pairs.append((prev, code))
    return pairs, renamed


def _moved(prev: Code, code: Code, rename_map: dict[str, str]) -> Move | None:
    old_parent = prev.parent
    mapped = rename_map.get(old_parent.casefold(), old_parent) if old_parent else None
    if (mapped or "").casefold() == (code.parent or "").casefold():
        return None
    return Move(code.id, old_parent, code.parent)


def _changed(prev: Code, code: Code, renamed: list[Rename]) -> CodeChange | None:
    changes = [
        FieldChange(name, getattr(prev, name), getattr(code, name))
        for name in COMPARED_FIELDS
        if getattr(prev, name) != getattr(code, name)
    ]
    # Old ids that this diff renames into the code are reported as renames, not as changes.
    absorbed = {r.old_id for r in renamed if r.new_id == code.id}
    declared = tuple(old_id for old_id in code.renamed_from if old_id not in absorbed)
    if prev.id == code.id and declared != prev.renamed_from:
        changes.append(FieldChange("renamed_from", prev.renamed_from, code.renamed_from))
    return CodeChange(code.id, tuple(changes)) if changes else None


def _reordered(pairs: list[tuple[Code, Code]], moved_ids: set[str]) -> bool:
    groups: dict[str | None, list[tuple[Code, Code]]] = {}
    for prev, code in pairs:
        if code.id not in moved_ids:
            groups.setdefault(code.parent, []).append((prev, code))
    for items in groups.values():
        by_new = [prev.id for prev, _ in sorted(items, key=lambda pair: pair[1].position)]
        by_old = [prev.id for prev, _ in sorted(items, key=lambda pair: pair[0].position)]
        if by_new != by_old:
            return True
    return False


def summarise(diff: CodebookDiff) -> list[str]:
    """One human line per change, e.g. `+ diaspora  Diaspora networks`."""
    lines = [_metadata_line(change) for change in diff.metadata]
    lines += [f"+ {code.id}  {code.label}" for code in diff.added]
    lines += [f"- {code.id}" for code in diff.removed]
    lines += [f"> {r.new_id}: renamed from {r.old_id}" for r in diff.renamed]
    lines += [f"^ {m.id}: moved from {_place(m.old_parent)} to {_place(m.new_parent)}" for m in diff.moved]
    lines += [f"~ {c.id}: {', '.join(change.field for change in c.changes)} changed" for c in diff.changed]
    lines += [f"! {code_id}: retired" for code_id in diff.retired]
    lines += [f"! {code_id}: no longer retired" for code_id in diff.unretired]
    if diff.reordered:
        lines.append("~ order of codes changed")
    return lines


def _metadata_line(change: FieldChange) -> str:
    if change.field in _SHORT_FIELDS:
        return f"~ codebook {change.field}: {_shown(change.old)} -> {_shown(change.new)}"
    return f"~ codebook {change.field} changed"


def _shown(value: Any) -> str:
    return "(none)" if value is None else str(value)


def _place(parent: str | None) -> str:
    return parent if parent is not None else "(top level)"


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
