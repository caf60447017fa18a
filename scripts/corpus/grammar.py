"""A tiny template language for the phrase banks.

``{name}`` is a slot looked up in a :class:`Slots`; ``{a|b|c}`` picks one alternative (an empty
alternative makes the group optional); ``{@his|her}`` picks by the respondent's gender (first
alternative male, second female). Groups nest. Everything else is literal text.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

SlotValue = str | list[str] | Callable[[random.Random], str]
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


class TemplateError(ValueError):
    pass


class Slots:
    """Slot values for one document; ``fresh()`` starts a new passage (new memo)."""

    def __init__(self, values: dict[str, SlotValue], female: bool) -> None:
        self.values = values
        self.female = female
        self.memo: dict[str, str] = {}

    def fresh(self) -> Slots:
        s = Slots(self.values, self.female)
        return s

    def lookup(self, name: str, rng: random.Random) -> str:
        if name in self.memo:
            return self.memo[name]
        if name not in self.values:
            raise TemplateError(f"unknown slot {{{name}}}")
        v = self.values[name]
        if isinstance(v, list):
            out = rng.choice(v)
        elif callable(v):
            out = v(rng)
        else:
            out = v
        out = expand(out, self, rng) if "{" in out else out
        self.memo[name] = out
        return out


def _split_top(s: str) -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def expand(tpl: str, slots: Slots, rng: random.Random) -> str:
    out: list[str] = []
    i, n = 0, len(tpl)
    while i < n:
        ch = tpl[i]
        if ch == "}":
            raise TemplateError(f"unbalanced '}}' in {tpl!r}")
        if ch != "{":
            j = tpl.find("{", i)
            j = n if j < 0 else j
            k = tpl.find("}", i, j)
            if k >= 0:
                raise TemplateError(f"unbalanced '}}' in {tpl!r}")
            out.append(tpl[i:j])
            i = j
            continue
        depth, j = 0, i
        while j < n:
            if tpl[j] == "{":
                depth += 1
            elif tpl[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= n:
            raise TemplateError(f"unbalanced '{{' in {tpl!r}")
        inner = tpl[i + 1 : j]
        i = j + 1
        if inner.startswith("@"):
            alts = _split_top(inner[1:])
            if len(alts) != 2:
                raise TemplateError(f"gender group needs two alternatives: {inner!r}")
            out.append(expand(alts[1] if slots.female else alts[0], slots, rng))
            continue
        alts = _split_top(inner)
        if len(alts) == 1:
            if not _IDENT.match(inner):
                raise TemplateError(f"bad slot {{{inner}}} in {tpl!r}")
            out.append(slots.lookup(inner, rng))
        else:
            out.append(expand(rng.choice(alts), slots, rng))
    return "".join(out)


_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_PUNCT = re.compile(r" +([,.;:!?])")


def tidy(s: str) -> str:
    """Collapse the doubled spaces that empty alternatives leave; capitalise the start."""
    s = _SPACES.sub(" ", s.strip())
    s = _SPACE_PUNCT.sub(r"\1", s)
    s = s.replace(",,", ",").replace(",.", ".").replace(".,", ".")
    for k, ch in enumerate(s):
        if ch.isalpha():
            if ch.islower() and not s.startswith(("iPhone", "imm ")):
                s = s[:k] + ch.upper() + s[k + 1 :]
            break
        if ch not in "\"'*“„‘«—-–":
            break
    return s
