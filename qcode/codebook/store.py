"""Storing codebook versions in the project and reading the current tree back.

Every load that changes anything is a new `CodebookVersion` with a full snapshot. Codes are matched
to existing rows by id, or through `renamed_from` (so a renamed code keeps its codings). Removing a
code that has codings is refused unless it is retired (in the YAML, or with `retire_removed`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from qcode.errors import QcodeError
from qcode.store.events import record
from qcode.store.models import Code, CodebookVersion, Coding

if TYPE_CHECKING:
    from qcode.codebook.model import Codebook


@dataclass(frozen=True)
class LoadResult:
    version: int | None  # None when nothing changed
    added: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CodeNode:
    id: str
    label: str
    parent: str | None
    depth: int
    count: int
    total: int
    colour: str | None
    retired: bool
    definition: str
    brief: str | None
    when_to_use: str | None
    when_not_to_use: str | None
    examples: list[str]
    applicable: bool = True
    uuid: str = ""


def latest_version(session: Session) -> CodebookVersion | None:
    return session.execute(
        select(CodebookVersion).order_by(CodebookVersion.number.desc()).limit(1)
    ).scalar()


def current_codebook(session: Session) -> Codebook | None:
    from qcode.codebook.model import Codebook

    latest = latest_version(session)
    return Codebook.from_dict(json.loads(latest.snapshot_json)) if latest else None


def coding_counts(session: Session) -> dict[int, int]:
    rows = session.execute(select(Coding.code_id, func.count(Coding.id)).group_by(Coding.code_id))
    return {code_id: int(n) for code_id, n in rows.all()}


def load_codebook(
    session: Session,
    book: Codebook,
    *,
    source: str | None,
    actor: str,
    retire_removed: bool = False,
) -> LoadResult:
    """Store `book` as the next codebook version; refuse to drop codes that have codings."""
    latest = latest_version(session)
    if latest is not None and latest.content_hash == book.content_hash():
        return LoadResult(version=None)
    rows = {c.key: c for c in session.execute(select(Code)).scalars()}
    counts = coding_counts(session)
    matched, renamed = _match_rows(book, rows)
    kept = {r.id for r in matched.values()}
    missing = [key for key, row in rows.items() if row.id not in kept]
    _check_removals(missing, rows, counts, retire_removed)
    number = (latest.number + 1) if latest else 1
    added, updated = _upsert_codes(session, book, matched, number)
    removed, retired = _drop_or_retire(session, missing, rows, counts)
    session.add(
        CodebookVersion(
            number=number,
            name=book.name,
            label=book.version,
            content_hash=book.content_hash(),
            snapshot_json=json.dumps(book.to_dict(), ensure_ascii=False, sort_keys=True),
            source_path=source,
            loaded_by=actor,
        )
    )
    result = LoadResult(number, added, renamed, updated, removed, retired)
    record(
        session,
        actor=actor,
        action="codebook.load",
        target_type="codebook",
        target_id=number,
        before={"version": latest.number if latest else None},
        after={"version": number, **_plain(result)},
        summary=f"loaded codebook {book.name} {book.version} as version {number}",
    )
    return result


def _match_rows(
    book: Codebook, rows: dict[str, Code]
) -> tuple[dict[str, Code], list[tuple[str, str]]]:
    matched: dict[str, Code] = {}
    renamed: list[tuple[str, str]] = []
    for code in book.codes:
        if code.id in rows:
            matched[code.id] = rows[code.id]
            continue
        for old in code.renamed_from:
            if old in rows and old not in {c.id for c in book.codes}:
                matched[code.id] = rows[old]
                renamed.append((old, code.id))
                break
    return matched, renamed


def _check_removals(
    missing: list[str], rows: dict[str, Code], counts: dict[int, int], retire_removed: bool
) -> None:
    blocked = [k for k in missing if counts.get(rows[k].id, 0) and not retire_removed]
    if blocked:
        detail = ", ".join(f"{k} ({counts[rows[k].id]} codings)" for k in sorted(blocked))
        raise QcodeError(
            f"the codebook removes codes that have codings: {detail}",
            hint="keep them with `retired: true`, declare the new id in `renamed_from`, "
            "or pass --retire-removed",
        )


def _upsert_codes(
    session: Session, book: Codebook, matched: dict[str, Code], number: int
) -> tuple[list[str], list[str]]:
    added, updated = [], []
    by_key: dict[str, Code] = {}
    for position, code in enumerate(book.depth_first()):
        row = matched.get(code.id)
        values = {
            "key": code.id,
            "label": code.label,
            "position": position,
            "brief": code.brief,
            "definition": code.definition,
            "when_to_use": code.when_to_use,
            "when_not_to_use": code.when_not_to_use,
            "examples_json": json.dumps(list(code.examples), ensure_ascii=False),
            "colour": book.effective_colour(code.id),
            "retired": bool(code.retired),
            "applicable": bool(code.apply),
        }
        if row is None:
            row = Code(first_version=number, **values)
            session.add(row)
            added.append(code.id)
        else:
            if any(getattr(row, k) != v for k, v in values.items() if k != "position"):
                updated.append(code.id)
            for key, value in values.items():
                setattr(row, key, value)
        by_key[code.id] = row
    session.flush()
    for code in book.codes:
        parent = by_key[code.parent].id if code.parent else None
        if by_key[code.id].parent_id != parent:
            by_key[code.id].parent_id = parent
            if code.id not in added and code.id not in updated:
                updated.append(code.id)
    return added, updated


def _drop_or_retire(
    session: Session, missing: list[str], rows: dict[str, Code], counts: dict[int, int]
) -> tuple[list[str], list[str]]:
    removed, retired = [], []
    for key in sorted(missing):
        row = rows[key]
        if counts.get(row.id, 0):
            row.retired = True
            retired.append(key)
        else:
            for child in session.execute(select(Code).where(Code.parent_id == row.id)).scalars():
                child.parent_id = None
            session.delete(row)
            removed.append(key)
    session.flush()
    return removed, retired


def code_tree(session: Session) -> list[CodeNode]:
    """Every stored code in tree order with its own and its subtree's coding counts."""
    codes = list(session.execute(select(Code).order_by(Code.position, Code.key)).scalars())
    counts = coding_counts(session)
    by_id = {c.id: c for c in codes}
    children: dict[int | None, list[Code]] = {}
    for code in codes:
        parent = code.parent_id if code.parent_id in by_id else None
        children.setdefault(parent, []).append(code)
    nodes: list[CodeNode] = []

    def walk(code: Code, depth: int) -> int:
        index = len(nodes)
        nodes.append(_node(code, by_id, depth, counts.get(code.id, 0), 0))
        total = counts.get(code.id, 0) + sum(walk(c, depth + 1) for c in children.get(code.id, []))
        nodes[index] = _node(code, by_id, depth, counts.get(code.id, 0), total)
        return total

    for root in children.get(None, []):
        walk(root, 0)
    return nodes


def _node(code: Code, by_id: dict[int, Code], depth: int, count: int, total: int) -> CodeNode:
    parent = by_id[code.parent_id].key if code.parent_id in by_id else None
    return CodeNode(
        id=code.key,
        label=code.label,
        parent=parent,
        depth=depth,
        count=count,
        total=total,
        colour=code.colour,
        retired=code.retired,
        definition=code.definition,
        brief=code.brief,
        when_to_use=code.when_to_use,
        when_not_to_use=code.when_not_to_use,
        examples=json.loads(code.examples_json or "[]"),
        applicable=code.applicable,
        uuid=code.uuid,
    )


def _plain(result: LoadResult) -> dict[str, Any]:
    return {
        "added": result.added,
        "renamed": [list(p) for p in result.renamed],
        "updated": result.updated,
        "removed": result.removed,
        "retired": result.retired,
    }


@dataclass(frozen=True)
class VersionInfo:
    number: int
    name: str
    label: str
    codes: int
    loaded_at: str
    loaded_by: str | None
    source: str | None


def list_versions(session: Session) -> list[VersionInfo]:
    rows = session.execute(select(CodebookVersion).order_by(CodebookVersion.number)).scalars()
    return [
        VersionInfo(
            number=v.number,
            name=v.name,
            label=v.label,
            codes=len(json.loads(v.snapshot_json).get("codes", [])),
            loaded_at=v.loaded_at.isoformat(timespec="seconds"),
            loaded_by=v.loaded_by,
            source=v.source_path,
        )
        for v in rows
    ]
