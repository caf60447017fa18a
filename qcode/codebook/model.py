"""The codebook as plain, frozen data: codes in a tree, with lookups and a stable snapshot.

Field names follow MacQueen et al. (1998), "Codebook development for team-based qualitative
analysis", Cultural Anthropology Methods 10(2):31-36: label, brief and full definition, when
to use, when not to use, examples.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from qcode.errors import CodebookError, NotFoundError

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True, kw_only=True)
class Code:
    """One node of the codebook. `position` is the 0-based order among its siblings."""

    id: str
    label: str
    brief: str | None = None
    definition: str
    when_to_use: str | None = None
    when_not_to_use: str | None = None
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    colour: str | None = None
    memo: str | None = None
    renamed_from: tuple[str, ...] = ()
    retired: bool = False
    apply: bool = True  # false: a category that only groups its children, never coded itself
    parent: str | None = None
    position: int = 0
    line: int = 0  # 1-based line of the `id` in the source file; 0 if not from a file

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "brief": self.brief,
            "definition": self.definition,
            "when_to_use": self.when_to_use,
            "when_not_to_use": self.when_not_to_use,
            "examples": list(self.examples),
            "counterexamples": list(self.counterexamples),
            "colour": self.colour,
            "memo": self.memo,
            "renamed_from": list(self.renamed_from),
            "retired": self.retired,
            "apply": self.apply,
            "parent": self.parent,
            "position": self.position,
            "line": self.line,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Code:
        """Inverse of `to_dict`; raises ValueError/TypeError/KeyError on malformed data."""
        return cls(
            id=_text(data, "id"),
            label=_text(data, "label"),
            brief=_optional_text(data, "brief"),
            definition=_text(data, "definition"),
            when_to_use=_optional_text(data, "when_to_use"),
            when_not_to_use=_optional_text(data, "when_not_to_use"),
            examples=_texts(data, "examples"),
            counterexamples=_texts(data, "counterexamples"),
            colour=_optional_text(data, "colour"),
            memo=_optional_text(data, "memo"),
            renamed_from=_texts(data, "renamed_from"),
            retired=_flag(data, "retired"),
            apply=bool(data.get("apply", True)),
            parent=_optional_text(data, "parent"),
            position=_number(data, "position"),
            line=_number(data, "line"),
        )


@dataclass(frozen=True, kw_only=True)
class Codebook:
    """A whole codebook. `codes` is in tree order (depth first) when it comes from the parser."""

    name: str
    version: str
    description: str | None = None
    authors: tuple[str, ...] = ()
    language: str | None = None
    references: tuple[str, ...] = ()
    codes: tuple[Code, ...] = ()
    source: str | None = None  # the file it was read from, for messages; not part of the content

    @cached_property
    def _index(self) -> dict[str, Code]:
        index: dict[str, Code] = {}
        for code in self.codes:
            index.setdefault(code.id.casefold(), code)
        return index

    @cached_property
    def _renames(self) -> dict[str, Code]:
        return {old.casefold(): code for code in self.codes for old in code.renamed_from}

    @cached_property
    def _children(self) -> dict[str | None, tuple[Code, ...]]:
        groups: dict[str | None, list[Code]] = {}
        for code in self.codes:
            key = code.parent.casefold() if code.parent is not None else None
            groups.setdefault(key, []).append(code)
        return {key: tuple(sorted(group, key=_by_position)) for key, group in groups.items()}

    def ids(self) -> tuple[str, ...]:
        return tuple(code.id for code in self.codes)

    def get(self, code_id: str) -> Code | None:
        """The code with this id (case-insensitive), or None."""
        return self._index.get(code_id.casefold())

    def by_id(self, code_id: str) -> Code:
        """The code with this id; NotFoundError with a did-you-mean hint if there is none."""
        code = self.get(code_id)
        if code is not None:
            return code
        renamed = self._renames.get(code_id.casefold())
        if renamed is not None:
            hint = f"it was renamed to `{renamed.id}`"
        else:
            match = difflib.get_close_matches(code_id, self.ids(), n=1)
            hint = f"did you mean `{match[0]}`?" if match else "run `qcode codebook show`"
        raise NotFoundError(f"no code `{code_id}` in codebook {self.name!r}", hint=hint)

    def resolve_id(self, code_id: str) -> str | None:
        """The current id for a current or former (`renamed_from`) id, else None."""
        code = self.get(code_id) or self._renames.get(code_id.casefold())
        return code.id if code is not None else None

    def children_of(self, code_id: str | None) -> tuple[Code, ...]:
        """Direct children in order; `None` gives the top-level codes."""
        key = code_id.casefold() if code_id is not None else None
        return self._children.get(key, ())

    def roots(self) -> tuple[Code, ...]:
        return self.children_of(None)

    def depth_first(self) -> tuple[Code, ...]:
        """Every code reachable from the roots, parents before children, siblings in order."""
        return self._walk(self.roots(), set())

    def _walk(self, start: tuple[Code, ...], seen: set[str]) -> tuple[Code, ...]:
        """Depth-first from `start` in sibling order, skipping ids in `seen` (cycle-safe)."""
        ordered: list[Code] = []
        stack = list(reversed(start))
        while stack:
            code = stack.pop()
            if code.id in seen:
                continue
            seen.add(code.id)
            ordered.append(code)
            stack.extend(reversed(self.children_of(code.id)))
        return tuple(ordered)

    def ancestors(self, code_id: str) -> tuple[Code, ...]:
        """Parent, grandparent, … up to the top level (nearest first)."""
        found: list[Code] = []
        code = self.by_id(code_id)
        seen = {code.id}
        while code.parent is not None:
            parent = self.get(code.parent)
            if parent is None or parent.id in seen:
                break
            found.append(parent)
            seen.add(parent.id)
            code = parent
        return tuple(found)

    def depth(self, code_id: str) -> int:
        """0 for a top-level code."""
        return len(self.ancestors(code_id))

    def path(self, code_id: str) -> str:
        """Ids from the top level down, e.g. `knowledge_sources/diaspora`."""
        code = self.by_id(code_id)
        return "/".join([*(c.id for c in reversed(self.ancestors(code_id))), code.id])

    def descendants(self, code_id: str) -> tuple[Code, ...]:
        """Children, grandchildren, … in tree order (the code itself excluded)."""
        return self._walk(self.children_of(code_id), {self.by_id(code_id).id})

    def effective_colour(self, code_id: str) -> str | None:
        """The code's own colour, else the nearest ancestor's, else None."""
        code = self.by_id(code_id)
        if code.colour is not None:
            return code.colour
        return next((a.colour for a in self.ancestors(code_id) if a.colour is not None), None)

    def active(self) -> tuple[Code, ...]:
        """Codes offered for new codings (not retired), in tree order."""
        return tuple(code for code in self.depth_first() if not code.retired)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable snapshot; `from_dict` reads it back."""
        return {
            "snapshot_format": SNAPSHOT_FORMAT,
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "authors": list(self.authors),
            "language": self.language,
            "references": list(self.references),
            "source": self.source,
            "codes": [code.to_dict() for code in self.codes],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Codebook:
        try:
            return cls._from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CodebookError(f"stored codebook snapshot is malformed: {exc}") from None

    @classmethod
    def _from_dict(cls, data: Mapping[str, Any]) -> Codebook:
        if data.get("snapshot_format", SNAPSHOT_FORMAT) != SNAPSHOT_FORMAT:
            raise ValueError(f"unknown snapshot_format {data.get('snapshot_format')!r}")
        codes = tuple(Code.from_dict(item) for item in data["codes"])
        book = cls(
            name=_text(data, "name"),
            version=_text(data, "version"),
            description=_optional_text(data, "description"),
            authors=_texts(data, "authors"),
            language=_optional_text(data, "language"),
            references=_texts(data, "references"),
            codes=codes,
            source=_optional_text(data, "source"),
        )
        if len(book._index) != len(codes):
            raise ValueError("duplicate code ids")
        if len(book.depth_first()) != len(codes):
            raise ValueError("codes with a missing parent or in a parent cycle")
        return book

    def canonical_json(self) -> str:
        """The content as compact, key-sorted JSON in tree order, without `source` and
        `line`: the same codebook gives the same text whatever its file name or layout."""
        data = self.to_dict()
        del data["source"]
        reachable = self.depth_first()
        seen = {code.id for code in reachable}
        rest = [code for code in self.codes if code.id not in seen]
        data["codes"] = [_without_line(code) for code in (*reachable, *rest)]
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def content_hash(self) -> str:
        """SHA-256 (hex) of `canonical_json()`."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def _by_position(code: Code) -> int:
    return code.position


def _without_line(code: Code) -> dict[str, Any]:
    data = code.to_dict()
    del data["line"]
    return data


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"`{key}` must be a string")
    return value


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _text(data, key)


def _texts(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = data.get(key) or []
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"`{key}` must be a list of strings")
    return tuple(values)


def _flag(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise TypeError(f"`{key}` must be true or false")
    return value


def _number(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"`{key}` must be an integer")
    return value
