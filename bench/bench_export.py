"""`qcode export` on the 145-interview sample and on a generated project of 10,000 documents and
1,000,000 codings.

    python bench/bench_export.py                  # both parts, full size
    python bench/bench_export.py --scale 0.1      # the generated project at 1/10
    python bench/bench_export.py --sample-only | --large-only

Sample: the sample project with two coders' codings of the generator's passages
(`interviews/passages.csv`, loaded through `qcode import-codings`), every export timed against
the floor `python -c "import typer, sqlalchemy.orm"`, command and floor alternating (median of
`--runs`), wall and CPU time. Target: each ≤ 1 s beyond the floor.

Large: a project written by `generate()` below (seeded; cached in bench/results/ and reused),
then `export frequencies` and `export segments` (and, for the record, the other kinds) run under
`/usr/bin/time -v`, output to /dev/null: wall time, CPU time and peak resident memory of the
process (the fastest of two runs).
Targets: frequencies and segments ≤ 30 s and ≤ 500 MB each.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from _timing import BYTECODE_ENV, PYTHON, REPO, qcode_argv
from bench_startup import build_sample

RESULTS = REPO / "bench" / "results"
FLOOR = [PYTHON, "-c", "import typer, sqlalchemy.orm"]
SAMPLE_EXPORTS = [
    ["frequencies"],
    ["frequencies", "--code", "knowledge_sources", "--by", "sector", "--count", "cases"],
    ["frequencies", "--by", "document,coder", "--count", "words", "--rollup", "--wide"],
    ["segments"],
    ["segments", "--format", "json"],
    ["segments", "--format", "xlsx"],
    ["matrix", "--per", "case"],
    ["cooccurrence", "--unit", "sentence", "--jaccard"],
    ["codebook"],
    ["codebook", "--format", "md"],
]
LARGE_EXPORTS = [
    (["frequencies"], "≤ 30 s, ≤ 500 MB"),
    (["frequencies", "--code", "knowledge_sources", "--by", "sector", "--count", "cases"],
     "≤ 30 s, ≤ 500 MB"),
    (["segments"], "≤ 30 s, ≤ 500 MB"),
    (["matrix", "--per", "case"], "-"),
    (["cooccurrence", "--unit", "turn"], "-"),
]


# --- the sample -----------------------------------------------------------------------------


def sample_codings(db: Path, folder: Path) -> int:
    """Two coders' codings of the generator's passages, as a CSV for `qcode import-codings`: ana
    codes each passage as recorded, ben misses one in ten and cuts some a few characters short."""
    con = sqlite3.connect(db)
    texts = dict(con.execute("SELECT name, text FROM documents"))
    con.close()
    rng = random.Random(7)
    rows = []
    with (REPO / "interviews" / "passages.csv").open(encoding="utf-8", newline="") as handle:
        for passage in csv.DictReader(handle):
            text = texts.get(passage["document"], "")
            start = text.find(passage["quote"])
            if start < 0:
                continue
            end = start + len(passage["quote"])
            memo = "denied" if passage["polarity"] == "denied" else ""
            rows.append((passage["document"], "ana", passage["code"], start, end, memo))
            if rng.random() >= 0.1:
                rows.append((passage["document"], "ben", passage["code"], start,
                             end - rng.choice((0, 0, 3)), memo))
    path = folder / "codings.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["document", "coder", "code", "start", "end", "memo"])
        writer.writerows(rows)
    subprocess.run(qcode_argv("--db", str(db), "import-codings", str(path), "--coder", "pi"),
                   check=True, capture_output=True)
    return len(rows)


def paired_cpu(argv: list[str], floor: list[str], runs: int) -> tuple[float, float, float, float]:
    """Medians of wall and CPU seconds of a command and of its floor, run alternately after a
    warm-up pair. CPU time (user + system of the child) hardly moves when others load the
    machine; wall time does."""
    env = {**os.environ, **BYTECODE_ENV}
    samples: dict[int, list[tuple[float, float]]] = {0: [], 1: []}
    for index in range(2 * runs + 2):
        which = index % 2
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv if which == 0 else floor, env=env, check=True, capture_output=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if index >= 2:
            samples[which].append((wall, cpu))
    medians = [statistics.median(s[k] for s in samples[w]) for w in (0, 1) for k in (0, 1)]
    return medians[0], medians[1], medians[2], medians[3]


def bench_sample(runs: int) -> list[tuple[str, float, float, float, float]]:
    folder = Path(tempfile.mkdtemp(prefix="qcode-bench-export-"))
    try:
        db = build_sample(folder)
        print(f"sample: 145 interviews, {sample_codings(db, folder):,} codings", flush=True)
        results = []
        for args in SAMPLE_EXPORTS:
            out = folder / ("out.xlsx" if "xlsx" in args else "out")
            argv = qcode_argv("--db", str(db), "export", *args, "-o", str(out))
            results.append(("export " + " ".join(args), *paired_cpu(argv, FLOOR, runs)))
        return results
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the generated project -------------------------------------------------------------------

WORDS = [
    "firm", "buyer", "export", "market", "client", "order", "price", "quality", "contract",
    "partner", "cousin", "friend", "zone", "neighbour", "factory", "worker", "engineer",
    "platform", "fair", "Vienna", "Munich", "Stockholm", "owner", "brother", "bank", "loan",
    "subsidy", "agency", "standard", "machine", "software", "project", "we", "they", "had",
    "found", "learned", "started", "sold", "bought", "made", "the", "a", "in", "of", "with",
    "from", "through", "after", "before", "never", "always", "first", "second", "new", "old",
    "good", "hard",
]
SECTORS = ["IT services", "metal processing", "furniture", "food processing", "apparel",
           "plastics", "machinery", "automotive parts", "printing"]
REGIONS = ["Beograd", "Novi Sad", "Niš", "Kragujevac", "Čačak", "Subotica", "Pančevo", "Kraljevo",
           "Valjevo", "Šabac", "Užice", "Zrenjanin", "Smederevo", "Leskovac", "Vranje", "Sombor"]
NAMES = ["Jelena Ristić", "Nikola Stanković", "Ana Petrović", "Marko Jovanović", "Milica Đorđević",
         "Stefan Ilić", "Ivana Marković", "Dragan Pavlović"]
CODERS = ["ana", "ben", "cara", "dev"]
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def _sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return " ".join(words).capitalize() + rng.choice((".", ".", ".", "?", "!"))


def _document(rng: random.Random, turns: int) -> tuple[str, list[tuple[str, int, int, int, str | None]],
                                                        list[tuple[int, int]]]:
    """Text, its units (kind, number, start, end, speaker) and the respondent's sentences."""
    respondent = rng.choice(NAMES)
    parts: list[str] = []
    units: list[tuple[str, int, int, int, str | None]] = []
    answers: list[tuple[int, int]] = []
    pos = 0
    counters = {"turn": 0, "paragraph": 0, "sentence": 0}

    def add(kind: str, start: int, end: int, speaker: str | None) -> None:
        counters[kind] += 1
        units.append((kind, counters[kind], start, end, speaker))

    for turn in range(turns):
        speaker = "Interviewer" if turn % 2 == 0 else respondent
        label = f"{speaker}: "
        paragraph_start = pos
        parts.append(label)
        pos += len(label)
        speech_start = pos
        lines = rng.randint(1, 2) if turn % 2 == 0 else rng.randint(2, 5)
        for line in range(lines):
            for n in range(rng.randint(1, 3)):
                sentence = _sentence(rng)
                if n:
                    parts.append(" ")
                    pos += 1
                add("sentence", pos, pos + len(sentence), speaker)
                if turn % 2:
                    answers.append((pos, pos + len(sentence)))
                parts.append(sentence)
                pos += len(sentence)
            if line < lines - 1:
                parts.append("\n")
                pos += 1
        add("turn", speech_start, pos, speaker)
        add("paragraph", paragraph_start, pos, speaker)
        parts.append("\n\n")
        pos += 2
    text = "".join(parts)
    start = 0
    for number, line_text in enumerate(text.split("\n"), 1):  # as segmentation: the last one too
        units.append(("line", number, start, start + len(line_text), None))
        start += len(line_text) + 1
    return text, units, answers


def generate(path: Path, documents: int, codings: int, seed: int = 2026) -> None:
    """A project of `documents` interviews (one firm each) and `codings` codings by four coders,
    written in the current schema by `bench_scale.generate` (same seed, texts and codings)."""
    from bench_scale import generate as write_project

    write_project(path, documents, codings, seed)


def _codings(rng: random.Random, doc_id: int, text: str, answers: list[tuple[int, int]],
             count: int, leaves: list[int], coders: list[int], now: datetime) -> list[tuple[object, ...]]:
    """`count` distinct codings of one to three of the respondent's sentences each."""
    seen: set[tuple[int, int, int, int]] = set()
    rows: list[tuple[object, ...]] = []
    while len(rows) < count:
        first = rng.randrange(len(answers))
        last = min(len(answers) - 1, first + rng.choice((0, 0, 0, 1, 2)))
        start, end = answers[first][0], answers[last][1]
        key = (rng.choice(leaves), rng.choice(coders), start, end)
        if key in seen:
            continue
        seen.add(key)
        memo = rng.choice(("denied", "check with the PI", "=see t12")) if rng.random() < 0.1 else None
        rows.append((doc_id, key[0], key[1], start, end, text[start:end], text[max(0, start - 30):start],
                     text[end:end + 30], memo, now, now))
    return rows


def _field(report: str, name: str) -> str:
    found = re.search(rf"{re.escape(name)}: ([\d:.]+)", report)
    assert found is not None, name
    return found.group(1)


def measure(db: Path, args: list[str], runs: int = 2) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MB of one export (the fastest of `runs`, so
    a warm file cache), its output to /dev/null."""
    best: tuple[float, float, float] | None = None
    for _ in range(runs):
        argv = ["/usr/bin/time", "-v", *qcode_argv("--db", str(db), "export", *args)]
        with open(os.devnull, "wb") as devnull:
            run = subprocess.run(argv, stdout=devnull, stderr=subprocess.PIPE, check=True,
                                 env={**os.environ, **BYTECODE_ENV})
        report = run.stderr.decode()
        clock = _field(report, "Elapsed (wall clock) time (h:mm:ss or m:ss)")
        wall = sum(float(part) * 60 ** i for i, part in enumerate(reversed(clock.split(":"))))
        cpu = float(_field(report, "User time (seconds)")) + float(
            _field(report, "System time (seconds)"))
        peak = int(_field(report, "Maximum resident set size (kbytes)")) / 1024
        if best is None or wall < best[0]:
            best = (wall, cpu, peak)
    assert best is not None
    return best


def bench_large(scale: float) -> None:
    documents, codings = int(10_000 * scale), int(1_000_000 * scale)
    RESULTS.mkdir(parents=True, exist_ok=True)
    db = RESULTS / f"export_{documents}_{codings}.db"
    if not db.exists():
        started = time.perf_counter()
        generate(db, documents, codings)
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    print(f"\ngenerated: {documents:,} documents, {codings:,} codings "
          f"({db.stat().st_size / 2**20:,.0f} MB, {db})")
    print(f"{'export (generated)':<70} {'seconds':>8} {'cpu s':>7} {'peak MB':>8}  target")
    for args, target in LARGE_EXPORTS:
        seconds, cpu, peak = measure(db, args)
        print(f"{'export ' + ' '.join(args):<70} {seconds:>8.2f} {cpu:>7.2f} {peak:>8.0f}  {target}",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="size of the generated project")
    parser.add_argument("--runs", type=int, default=7, help="runs of each sample export")
    parser.add_argument("--sample-only", action="store_true")
    parser.add_argument("--large-only", action="store_true")
    args = parser.parse_args()
    if not args.large_only:
        print(f"{'export (sample)':<70} {'seconds':>8} {'floor':>6} {'beyond':>7} "
              f"{'cpu':>6} {'floor':>6} {'beyond':>7}  target")
        for name, wall, cpu, floor_wall, floor_cpu in bench_sample(args.runs):
            print(f"{name:<70} {wall:>8.3f} {floor_wall:>6.3f} {wall - floor_wall:>7.3f} "
                  f"{cpu:>6.3f} {floor_cpu:>6.3f} {cpu - floor_cpu:>7.3f}  ≤ 1 s beyond", flush=True)
    if not args.sample_only:
        bench_large(args.scale)


if __name__ == "__main__":
    sys.exit(main())
