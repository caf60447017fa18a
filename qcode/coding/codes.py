"""Naming codes on the command line: by id, unambiguous prefix, path or label."""

from __future__ import annotations

import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.errors import NotFoundError, QcodeError
from qcode.store.models import Code


def _paths(codes: list[Code]) -> dict[str, Code]:
    by_id = {c.id: c for c in codes}
    paths = {}
    for code in codes:
        parts, node, seen = [code.key], code, {code.id}
        while node.parent_id in by_id and node.parent_id not in seen:
            node = by_id[node.parent_id]
            seen.add(node.id)
            parts.append(node.key)
        paths["/".join(reversed(parts))] = code
    return paths


def resolve_code(
    session: Session, ref: str, *, allow_retired: bool = False, for_coding: bool = False
) -> Code:
    """A code by exact id, path (`knowledge_sources/diaspora`), unique id prefix, or label.

    `for_coding`: the code is about to be applied, so a category (`apply: false`) is refused."""
    codes = list(session.execute(select(Code)).scalars())
    if not codes:
        raise NotFoundError("the project has no codebook yet", hint="run `qcode codebook load FILE`")
    wanted = ref.strip().strip("/")
    code = _match(codes, wanted)
    if code.retired and not allow_retired:
        raise QcodeError(f"code `{code.key}` is retired", hint="choose a current code")
    if for_coding and not code.applicable:
        children = [c.key for c in sorted(codes, key=lambda c: c.position)
                    if c.parent_id == code.id and not c.retired and c.applicable]
        hint = f"apply one of its codes: {', '.join(children[:8])}" if children else "choose another code"
        raise QcodeError(f"`{code.key}` is a category and is not applied directly", hint=hint)
    return code


def code_candidates(session: Session, ref: str) -> list[tuple[str, str]]:
    """(id, label) of every code `ref` may mean, by the rules of `resolve_code`: one when it is
    unambiguous, none when it names no code (then `resolve_code` says why, with near matches)."""
    codes = list(session.execute(select(Code)).scalars())
    return [(c.key, c.label) for c in _hits(codes, ref.strip().strip("/"))]


def _hits(codes: list[Code], wanted: str) -> list[Code]:
    lowered = wanted.lower()
    exact = [c for c in codes if c.key.lower() == lowered]
    if exact:
        return exact[:1]
    paths = _paths(codes)
    if "/" in wanted:
        hits = [c for p, c in paths.items() if p.lower() == lowered or p.lower().endswith("/" + lowered)]
    else:
        hits = [c for c in codes if c.key.lower().startswith(lowered)]
        if not hits:
            hits = [c for c in codes if c.label.lower() == lowered]
        if not hits:
            hits = [c for c in codes if c.label.lower().startswith(lowered)]
    return sorted([c for c in hits if not c.retired] or hits, key=lambda c: c.key)


def _match(codes: list[Code], wanted: str) -> Code:
    current = _hits(codes, wanted)
    if len(current) == 1:
        return current[0]
    if len(current) > 1:
        names = ", ".join(sorted(c.key for c in current)[:8])
        raise QcodeError(f"code `{wanted}` is ambiguous: {names}", hint="type more of the id")
    candidates = [c.key for c in codes] + [c.label for c in codes]
    close = difflib.get_close_matches(wanted, candidates, n=3, cutoff=0.5)
    keys = []
    for name in close:
        key = next(c.key for c in codes if name in (c.key, c.label))
        if key not in keys:
            keys.append(key)
    hint = f"did you mean {', '.join(keys)}?" if keys else "run `qcode codebook show` to list codes"
    raise NotFoundError(f"no code `{wanted}`", hint=hint)


def descendant_ids(session: Session, code: Code) -> list[int]:
    """The code and every code below it."""
    rows = session.execute(select(Code.id, Code.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for code_id, parent in rows:
        children.setdefault(parent, []).append(code_id)
    result, stack = [], [code.id]
    while stack:
        current = stack.pop()
        if current in result:
            continue
        result.append(current)
        stack.extend(children.get(current, []))
    return result
