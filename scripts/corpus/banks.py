"""Load the phrase banks (``banks/*.txt``) into ``{key: [Entry, ...]}`` per language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent / "banks"
FILES = {
    "en": ("en.txt", "en_codes.txt", "en_more.txt", "en_more2.txt"),
    "sr": ("sr.txt", "sr_more.txt", "sr_more2.txt"),
}


# Small talk that only makes sense in a plant (halls, trucks, machines) is kept out of the
# IT-services interviews automatically; code passages are filtered by hand with "~s=".
_PLANT = re.compile(
    r"\b(hall|halls|truck|trucks|machine|machines|material|border|forklift|production|"
    r"goods|pallets?|batch|samples?|sample part|paint shop|roof|loading|unloading|warehouse|"
    r"shifts?|workshop|hal[aei]|halu|kamion\w*|mašin\w*|materijal\w*|granic\w*|"
    r"viljuškar\w*|proizvodnj\w*|robu|palet\w*|serij\w*|uzor\w*|utovar\w*|smen\w*)\b",
    re.IGNORECASE,
)
PLANT_KEYS = ("neutral.", "pad.", "story", "aside", "intro.r", "opener", "code.")


@dataclass(frozen=True)
class Entry:
    key: str
    index: int
    text: str
    sectors: frozenset[str] | None = None
    also: tuple[str, ...] = ()
    max_founded: int = 9999
    exclude: frozenset[str] = frozenset()

    def fits(self, sector: str, founded: int = 0) -> bool:
        if sector in self.exclude or founded > self.max_founded:
            return False
        return self.sectors is None or sector in self.sectors


def _parse_line(key: str, index: int, line: str) -> Entry:
    sectors: frozenset[str] | None = None
    also: tuple[str, ...] = ()
    max_founded = 9999
    if line.startswith("~"):
        opts, _, line = line.partition(" | ")
        for opt in opts.split():
            name, _, value = opt.lstrip("~").partition("=")
            if name == "s":
                sectors = frozenset(value.split(","))
            elif name == "a":
                also = tuple(value.split(","))
            elif name == "f":
                max_founded = int(value)
            else:
                raise ValueError(f"{key}: unknown option {opt!r}")
    exclude = frozenset()
    if sectors is None and key.startswith(PLANT_KEYS) and _PLANT.search(line):
        exclude = frozenset({"it"})
    return Entry(key, index, line.strip(), sectors, also, max_founded, exclude)


@cache
def load(lang: str) -> dict[str, tuple[Entry, ...]]:
    out: dict[str, list[Entry]] = {}
    for name in FILES[lang]:
        key = ""
        for raw in (HERE / name).read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@ "):
                key = line[2:].strip()
                out.setdefault(key, [])
                continue
            if not key:
                raise ValueError(f"{name}: entry before the first section: {line[:40]!r}")
            out[key].append(_parse_line(key, len(out[key]), line))
    return {k: tuple(v) for k, v in out.items() if v}
