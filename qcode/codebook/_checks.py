"""Checks across codes: unique ids, renames, parent references, nesting and cycles."""

from __future__ import annotations

import difflib

from qcode.codebook._fields import preview
from qcode.codebook._problems import Problems, line_of
from qcode.codebook._walk import RawCode

Index = dict[str, RawCode]  # casefolded id → first code with it


def check_codes(codes: list[RawCode], problems: Problems) -> None:
    index = _check_ids(codes, problems)
    renamed = _check_renames(codes, index, problems)
    _resolve_parents(codes, index, renamed, problems)
    _check_cycles(codes, index, problems)


def _check_ids(codes: list[RawCode], problems: Problems) -> Index:
    index: Index = {}
    for raw in codes:
        if raw.id is None:
            continue
        first = index.setdefault(raw.id.casefold(), raw)
        if first is not raw:
            message = f"duplicate id `{preview(raw.id)}` (first defined at line {first.line})"
            problems.at(raw.id_node, message)
    return index


def _check_renames(codes: list[RawCode], index: Index, problems: Problems) -> dict[str, str]:
    """Report clashing old ids; return old id (casefolded) → the current id that replaced it."""
    renamed: dict[str, str] = {}
    first_listed: dict[str, int] = {}
    for raw in codes:
        for old, node in raw.renamed_from:
            key = old.casefold()
            current = index.get(key)
            if current is not None:
                problems.at(
                    node,
                    f"`{old}` in `renamed_from` is the id of a current code (line {current.line});"
                    " an id cannot be both old and current",
                )
            elif key in first_listed:
                first = first_listed[key]
                message = f"`{old}` is listed in `renamed_from` twice (first at line {first})"
                problems.at(node, message)
            else:
                first_listed[key] = line_of(node)
                if raw.id is not None:
                    renamed[key] = raw.id
    return renamed


def _resolve_parents(codes: list[RawCode], index: Index, renamed: dict[str, str], problems: Problems) -> None:
    for raw in codes:
        nested = raw.nested_parent
        raw.effective_parent = nested.id if nested is not None else None
        if raw.parent is None:
            continue
        if nested is not None:
            if nested.id is not None and nested.id.casefold() != raw.parent.casefold():
                problems.at(
                    raw.parent_node,
                    f"`parent: {preview(raw.parent)}` contradicts nesting under"
                    f" `{preview(nested.id)}`;"
                    " use one or the other",
                )
            continue
        target = index.get(raw.parent.casefold())
        if target is None:
            problems.at(raw.parent_node, _unknown_parent(raw.parent, index, renamed))
        else:
            raw.effective_parent = target.id


def _unknown_parent(parent: str, index: Index, renamed: dict[str, str]) -> str:
    message = f"unknown parent `{preview(parent)}`"
    new_id = renamed.get(parent.casefold())
    if new_id is not None:
        return f"{message} (it was renamed to `{new_id}`)"
    ids = [raw.id for raw in index.values() if raw.id is not None]
    match = difflib.get_close_matches(parent, ids, n=1)
    return f"{message} (did you mean `{preview(match[0])}`?)" if match else message


def _check_cycles(codes: list[RawCode], index: Index, problems: Problems) -> None:
    parent_of: dict[str, str] = {}
    for raw in codes:
        if raw.id and raw.effective_parent and index.get(raw.id.casefold()) is raw:
            parent_of[raw.id.casefold()] = raw.effective_parent.casefold()
    state: dict[str, bool] = {}  # False while on the current walk, True once finished
    for start in parent_of:
        walk: list[str] = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = False
            walk.append(node)
            node = parent_of.get(node)
        if node is not None and state[node] is False:
            _report_cycle([index[key] for key in walk[walk.index(node) :]], problems)
        for key in walk:
            state[key] = True


def _report_cycle(members: list[RawCode], problems: Problems) -> None:
    first = min(range(len(members)), key=lambda i: members[i].line)
    ordered = members[first:] + members[:first]
    chain = " -> ".join(preview(str(raw.id)) for raw in [*ordered, ordered[0]])
    where = ordered[0].parent_node if ordered[0].parent_node is not None else ordered[0].anchor
    problems.at(where, f"parent cycle: {chain}")
