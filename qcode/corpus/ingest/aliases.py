"""One name per person: explicit renames (`--alias OLD=NEW`) and `--merge-aliases`."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from qcode.corpus.ingest.base import Turn
from qcode.corpus.ingest.labels import clean_label, label_key


def merge_aliases(turns: list[Turn], aliases: dict[str, str] | None = None, auto: bool = False) -> list[Turn]:
    """Give turns of one person one speaker name.

    `aliases` maps a label (any case) to the name to use. With `auto`, a surname-only label
    joins the full-name label used before it (`BREADEN` -> `CRAIG BREADEN`), and a rare label
    one typo away from a more frequent one joins it (`BREADON` -> `BREADEN`); both rules
    compare case-insensitively and only fire when the target is unambiguous.
    """
    explicit = {label_key(k): clean_label(v) for k, v in (aliases or {}).items()}
    mapping: dict[str, str] = {}
    if auto:
        mapping = _auto_aliases([t.speaker for t in turns if t.speaker])
    result: list[Turn] = []
    for turn in turns:
        if turn.speaker is None:
            result.append(turn)
            continue
        key = label_key(turn.speaker)
        name = explicit.get(key) or mapping.get(key) or turn.speaker
        name = explicit.get(label_key(name), name)
        result.append(replace(turn, speaker=name) if name != turn.speaker else turn)
    return result


def _auto_aliases(speakers: list[str]) -> dict[str, str]:
    counts = Counter(label_key(s) for s in speakers)
    display: dict[str, str] = {}
    for s in speakers:
        display.setdefault(label_key(s), s)
    order = list(display)  # keys in order of first use
    target: dict[str, str] = {}
    for n, key in enumerate(order):
        earlier = [k for k in order[:n] if " " in k and k.split()[-1] == key]
        if " " not in key and len(earlier) == 1:
            target[key] = earlier[0]
    for key in order:
        if key in target or len(key) < 6:
            continue
        near = [k for k in order if counts[k] > counts[key] and _typo(k, key)]
        if len(near) == 1 and counts[key] <= max(2, counts[near[0]] // 5):
            target[key] = near[0]
    return {key: display[_resolve(key, target)] for key in order if key in target}


def _resolve(key: str, target: dict[str, str]) -> str:
    seen = {key}
    while key in target and target[key] not in seen:
        key = target[key]
        seen.add(key)
    return key


def _typo(a: str, b: str) -> bool:
    """`breadon` for `breaden`: one word differs by one edit; that word is a real name
    (4+ letters), not a number or letter that tells people apart (Speaker 2, Interviewer B)."""
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        return False
    pairs = [(x, y) for x, y in zip(words_a, words_b, strict=True) if x != y]
    if len(pairs) != 1:
        return False
    x, y = pairs[0]
    return min(len(x), len(y)) >= 4 and x.isalpha() and y.isalpha() and _one_edit(x, y)


def _one_edit(a: str, b: str) -> bool:
    """Levenshtein distance exactly 1, in linear time."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]
