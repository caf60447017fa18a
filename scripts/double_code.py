"""Two simulated coders, ``ana`` and ``ben``, code a sample of the sample interviews.

Usage::

    python scripts/double_code.py                      # writes interviews/double_coded/
    python scripts/double_code.py --out /tmp/dc        # somewhere else (the test does this)

Both coders start from the generator's record of which passage expresses which code
(``interviews/passages.csv``, passages marked ``present``) and make the errors real coders make,
each at their own rate (ben is the less careful):

* missed passages: a passage left uncoded;
* shifted boundaries: a span that starts or ends a few words early or late (never outside its
  turn);
* confusing neighbouring codes: diaspora networks for the owner's own emigration experience
  (and back), outsourcing contacts for foreign buyers (and back);
* a denied passage (the respondent says it did *not* happen) coded as if present.

The documents are the txt and md interviews (their stored text is the file's text as the
readers normalise it), a seeded sample of 40. Offsets are code points of the text qcode stores,
found by reading each file with qcode's own reader. The output is one CSV per coder in exactly
the columns ``qcode codings --format csv`` writes and ``qcode import-codings`` reads; the same
seed gives byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from qcode.coding.bulk import CSV_COLUMNS  # noqa: E402
from qcode.corpus.importing import ImportOptions, read_file  # noqa: E402

N_DOCUMENTS = 40
CONFUSABLE = {
    "diaspora": "emigration_experience", "emigration_experience": "diaspora",
    "outsourcing_contacts": "foreign_buyers", "foreign_buyers": "outsourcing_contacts",
}  # fmt: skip


@dataclass(frozen=True)
class Habits:
    """How often a coder makes each kind of error (probabilities per passage)."""

    miss: float
    shift: float
    confuse: float
    false_positive: float


CODERS = {
    "ana": Habits(miss=0.06, shift=0.30, confuse=0.10, false_positive=0.04),
    "ben": Habits(miss=0.14, shift=0.45, confuse=0.22, false_positive=0.08),
}


@dataclass(frozen=True)
class Passage:
    document: str
    code: str
    present: bool
    start: int
    end: int
    turn_start: int
    turn_end: int


def _rng(seed: int, *parts: str) -> random.Random:
    return random.Random(seed * 1_000_003 + zlib.crc32("|".join(parts).encode()))


def choose_documents(folder: Path, seed: int) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".md"))
    return sorted(_rng(seed, "documents").sample(files, min(N_DOCUMENTS, len(files))))


def locate(folder: Path, chosen: list[Path]) -> list[Passage]:
    """Each recorded passage of the chosen documents, as a span of the stored text."""
    by_name = {p.name: p for p in chosen}
    rows: dict[str, list[dict[str, str]]] = {}
    with (folder / "passages.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["document"] in by_name:
                rows.setdefault(row["document"], []).append(row)
    out: list[Passage] = []
    for name in sorted(rows):
        parsed = read_file(by_name[name], ImportOptions())
        for row in rows[name]:
            turn = parsed.turns[int(row["turn"]) - 1]
            start = parsed.text.find(row["quote"], turn.start, turn.end)
            if start < 0:
                continue  # the quote is not one stretch of this turn's text
            out.append(Passage(name, row["code"], row["polarity"] == "present", start,
                               start + len(row["quote"]), turn.start, turn.end))  # fmt: skip
    return out


_WORD = re.compile(r"\S+")


def shift(rng: random.Random, text: str, p: Passage) -> tuple[int, int]:
    """Move one or both ends by one to four words, staying inside the turn."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, p.turn_start, p.turn_end)]
    starts = [w[0] for w in words]
    ends = [w[1] for w in words]
    first = min(range(len(starts)), key=lambda i: abs(starts[i] - p.start))
    last = min(range(len(ends)), key=lambda i: abs(ends[i] - p.end))
    if rng.random() < 0.7:
        first = max(0, min(len(starts) - 1, first + rng.choice((-4, -3, -2, -1, 1, 2, 3))))
    if rng.random() < 0.7:
        last = max(0, min(len(ends) - 1, last + rng.choice((-3, -2, -1, 1, 2, 3, 4))))
    start, end = starts[first], ends[last]
    return (start, end) if end - start >= 10 else (p.start, p.end)


def code_as(name: str, habits: Habits, passages: list[Passage], texts: dict[str, str],
            seed: int) -> list[dict[str, object]]:  # fmt: skip
    rows: dict[tuple[str, int, int, str], dict[str, object]] = {}
    for p in passages:
        rng = _rng(seed, name, p.document, str(p.start), p.code)
        if not p.present and rng.random() >= habits.false_positive:
            continue
        if p.present and rng.random() < habits.miss:
            continue
        code = p.code
        if code in CONFUSABLE and rng.random() < habits.confuse:
            code = CONFUSABLE[code]
        start, end = (p.start, p.end)
        if rng.random() < habits.shift:
            start, end = shift(rng, texts[p.document], p)
        row = {"document": p.document, "coder": name, "code": code, "start": start, "end": end,
               "memo": ""}  # fmt: skip
        rows[(p.document, start, end, code)] = row
    return [rows[k] for k in sorted(rows)]


def render(rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(CSV_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def generate(folder: Path, seed: int) -> dict[str, str]:
    """File name -> content of every CSV, for the given corpus folder and seed."""
    chosen = choose_documents(folder, seed)
    passages = locate(folder, chosen)
    texts = {p.name: read_file(p, ImportOptions()).text for p in chosen}
    return {f"{name}.csv": render(code_as(name, habits, passages, texts, seed))
            for name, habits in CODERS.items()}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviews", type=Path, default=REPO / "interviews")
    parser.add_argument("--out", type=Path, default=REPO / "interviews" / "double_coded")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in generate(args.interviews, args.seed).items():
        (args.out / name).write_bytes(content.encode("utf-8"))
        print(f"{args.out / name}: {content.count(chr(10)) - 1} codings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
