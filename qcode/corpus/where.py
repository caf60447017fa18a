"""Case filters (`--where KEY=VALUE`), read, checked and matched one way for every command that
filters by case attribute: `codings`, `retrieve`, `autocode`, `search` and the exports.

Names and values match as `search` matches text: capitals and Latin diacritics aside
(`region=cacak` is `Region=Čačak`); `exact` makes values match only as written. A name no
case has, or a value no case has for that name, is an error naming the near matches, never an
empty result: an empty table exported by a typo would look like a finding.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from qcode.corpus.text import fold
from qcode.errors import NotFoundError, UsageError
from qcode.store.models import CaseAttribute, Document

Condition = tuple[str, str]
# What filters accept: parsed conditions, or a {name: value} mapping.
WhereLike = Mapping[str, str] | Sequence[Condition]
_SHOWN_VALUES = 8


def parse_where(items: Iterable[str]) -> tuple[Condition, ...]:
    """`["sector=IT services", ...]` -> `(("sector", "IT services"), ...)`; all must hold."""
    found = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--where takes KEY=VALUE (a case attribute), got {item!r}")
        found.append((key.strip(), value.strip()))
    return tuple(found)


def conditions(where: WhereLike) -> list[Condition]:
    return list(where.items()) if isinstance(where, Mapping) else list(where)


def matching_cases(session: Session, where: WhereLike, *, exact: bool = False) -> set[int] | None:
    """Ids of the cases with every attribute NAME=VALUE, or None when there is no condition."""
    wanted = conditions(where)
    if not wanted:
        return None
    rows = session.execute(select(CaseAttribute.case_id, CaseAttribute.name, CaseAttribute.value)).all()
    names: dict[str, str] = {}  # folded name -> the name as stored
    values: dict[str, dict[int, list[str]]] = {}  # folded name -> case -> its values
    for case_id, name, value in sorted(rows, key=lambda r: (r[1], r[0])):
        names.setdefault(fold(name), name)
        values.setdefault(fold(name), {}).setdefault(case_id, []).append(value or "")
    found: set[int] | None = None
    for name, value in wanted:
        cases = values.get(fold(name))
        if cases is None:
            raise _no_attribute(name, sorted(set(names.values())))
        if exact:
            hits = {c for c, held in cases.items() if value in held}
        else:
            key = fold(value.strip())
            hits = {c for c, held in cases.items() if any(fold(v.strip()) == key for v in held)}
        if not hits:
            raise _no_value(names[fold(name)], value, cases, exact=exact)
        found = hits if found is None else found & hits
    return found


def matching_documents(session: Session, where: WhereLike, *, exact: bool = False) -> set[int] | None:
    """Ids of the documents whose case meets every condition, or None when there is none."""
    cases = matching_cases(session, where, exact=exact)
    if cases is None:
        return None
    if not cases:
        return set()
    query = select(Document.id).where(Document.case_id.in_(sorted(cases)))
    return set(session.execute(query).scalars())


def _no_attribute(name: str, known: list[str]) -> NotFoundError:
    if not known:
        return NotFoundError(f"no case attribute `{name}`: the project's cases have no attributes",
                             hint="give them with `qcode import --cases FILE`")
    close = _close(name, known)
    hint = f"did you mean {', '.join(close)}?" if close else f"attributes: {_listed(known)}"
    return NotFoundError(f"no case attribute `{name}`", hint=hint)


def _no_value(name: str, value: str, cases: dict[int, list[str]], *, exact: bool) -> NotFoundError:
    held = sorted({v for vs in cases.values() for v in vs})
    close = _close(value, held)
    if exact:
        loose = [v for v in held if fold(v.strip()) == fold(value.strip())]
        if loose:
            return NotFoundError(f"no case has {name}={value} exactly",
                                 hint=f"did you mean {', '.join(loose)}? (--exact compares capitals "
                                 "and diacritics)")
    hint = f"did you mean {', '.join(close)}?" if close else f"values of {name}: {_listed(held)}"
    return NotFoundError(f"no case has {name}={value}", hint=hint)


def _close(typed: str, known: list[str]) -> list[str]:
    """The known names nearest to `typed`, compared folded, as they are written."""
    by_fold: dict[str, str] = {}
    for item in known:
        by_fold.setdefault(fold(item), item)
    return [by_fold[f] for f in difflib.get_close_matches(fold(typed), list(by_fold), n=3, cutoff=0.6)]


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN_VALUES])
    more = f" and {len(items) - _SHOWN_VALUES} more" if len(items) > _SHOWN_VALUES else ""
    return f"{shown}{more}; `qcode cases` lists them"
