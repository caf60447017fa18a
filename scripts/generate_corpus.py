"""Generate the synthetic sample corpus: 145 interviews with exporting SMEs in Serbia.

Usage::

    python scripts/generate_corpus.py --out interviews --seed 2026     # everything
    python scripts/generate_corpus.py --out /tmp/x --only 3,17,140      # some transcripts only

Everything is fictional and every file says so: md front matter ``synthetic: true``; txt a
``Note: synthetic interview generated for the qcode sample project`` line in the header block;
docx/odt a first paragraph; vtt a NOTE block; srt a first bracketed non-speech cue (and
``interviews/cases.csv`` has a ``synthetic`` column for all). The output is deterministic: the
same seed gives byte-identical files (docx/odt zips are rewritten with sorted members, ``mimetype``
first for ODF, and a fixed timestamp). ``--only`` still composes the whole corpus in memory
(quotes are kept unique across documents, so each document depends on those before it) and
writes only the chosen transcripts, not the CSV files.

File conventions (what a transcript reader has to recognise)
-------------------------------------------------------------
- txt: a header block of ``Key: value`` lines (Transcript, Date, Place, Interviewer, Note) up
  to the first blank line — it is metadata, not speech, even though one key is ``Interviewer``.
  Then one paragraph per line, separated by blank lines or not (two layouts).
- md: YAML front matter (case, synthetic, sector, region, language, interview_date,
  interviewer), sometimes a ``# heading``; paragraphs separated by blank lines; Serbian words in
  English speech are in ``*italics*`` (the other formats drop the asterisks; docx/odt make them
  italic runs).
- docx/odt: three preamble paragraphs (synthetic note, title, case line), then one paragraph
  each, the label in bold.
- Speaker labels at the start of a paragraph: ``Interviewer:``/``Respondent:``, ``I:``/``R:``,
  full names (``Milica Đorđević:`` every time), or ``Interviewer:`` with the respondent's name;
  sometimes preceded by a timestamp ``[00:12:31]``. A third person (a colleague) speaks in a
  few name-labelled txt/md files. Unlabelled paragraphs continue the previous turn.
- vtt: ``<v Name>`` on every cue, ``<v Name>`` on the first cue of a turn only, or ``Name:`` on
  the first cue of a turn; srt: ``Name:`` on the first cue of a turn. Each cue is one line.
- Non-speech markers inside speech: ``[laughs]``, ``(pause)``, ``[inaudible]`` and in Serbian
  ``[smeh]``, ``(pauza)``.

The passage record (``interviews/passages.csv``)
------------------------------------------------
``document,turn,code,polarity,quote``: ``turn`` is the 1-based index of the labelled speech
turn (interviewer and respondent alike; header, front matter and preamble do not count);
``quote`` is an exact substring of that turn's text as it stands in the file (for vtt/srt it
lies inside one cue, voice tags stripped). ``polarity`` is ``present`` or ``denied``: following
the codebook's rule, explicit denials ("the diaspora never helped us") are coded with the code
they deny. Parent codes are used directly only for ``state_support`` and ``post2008_shift``
(general statements); otherwise the leaf codes are used. Before writing, the generator reads
every file back (``corpus.parse``) and checks the turn count, every quote and the word counts.

Phrase banks live in ``scripts/corpus/banks/*.txt`` (template syntax in ``corpus.grammar``).
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import data, parse
from corpus.compose import compose
from corpus.plan import KNOWLEDGE, Doc, make_docs
from corpus.render import Passage, render

MIN_WORDS, MAX_WORDS = 1500, 6000


def speech_words(raw: bytes, fmt: str) -> int:
    turns = parse.read_turns(raw, fmt)
    return sum(len(t[1].split()) for t in turns)


def check(doc: Doc, raw: bytes, n_turns: int, found: list[Passage]) -> list[str]:
    errs = []
    turns = parse.read_turns(raw, doc.fmt)
    if len(turns) != n_turns:
        errs.append(f"{doc.filename}: {len(turns)} turns read back, {n_turns} written")
        return errs
    cue_texts = [parse.strip_tags(c) for c in parse.cues(raw, doc.fmt)] \
        if doc.fmt in ("vtt", "srt") else []
    for p in found:
        if p.quote not in turns[p.turn - 1][1]:
            errs.append(f"{doc.filename}: turn {p.turn}: quote not found: {p.quote[:60]!r}")
        if cue_texts and not any(p.quote in c for c in cue_texts):
            errs.append(f"{doc.filename}: quote spans cues: {p.quote[:60]!r}")
    words = sum(len(t[1].split()) for t in turns)
    if not MIN_WORDS <= words <= MAX_WORDS:
        errs.append(f"{doc.filename}: {words} words")
    return errs


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def case_row(doc: Doc) -> list[object]:
    c = doc.case
    return [doc.filename, c.id, data.SECTORS[c.sector].name, c.town, c.size, c.founded,
            c.export_share, c.ownership, doc.lang, "true"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("interviews"))
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--only", help="comma-separated document numbers to write (e.g. 3,17)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    only = {int(x) for x in args.only.split(",")} if args.only else None
    docs = make_docs(args.seed)
    used: set[str] = set()
    composed = [(d, *compose(d, used)) for d in docs]
    args.out.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    rows: list[list[object]] = []
    words: dict[str, int] = {}
    for doc, turns, _dropped in composed:
        if only is not None and doc.num not in only:
            continue
        raw, found = render(doc, turns)
        errors += check(doc, raw, len(turns), found)
        words[doc.filename] = speech_words(raw, doc.fmt)
        (args.out / doc.filename).write_bytes(raw)
        rows += [[doc.filename, p.turn, p.code, p.polarity, p.quote] for p in found]
    if only is None:
        names = {d.filename for d in docs}
        for old in args.out.glob("int_*.*"):
            if old.name not in names:
                old.unlink()
        write_csv(args.out / "cases.csv",
                  ["document", "case", "sector", "region", "size", "founded", "export_share",
                   "ownership", "language", "synthetic"], [case_row(d) for d in docs])
        write_csv(args.out / "passages.csv", ["document", "turn", "code", "polarity", "quote"],
                  rows)
        errors += coverage(rows)
        report(docs, rows, words, time.perf_counter() - t0)
    for e in errors:
        print("ERROR", e, file=sys.stderr)
    return 1 if errors else 0


def coverage(rows: list[list[object]]) -> list[str]:
    docs_per: dict[str, set[object]] = {}
    for r in rows:
        if r[3] == "present":
            docs_per.setdefault(str(r[2]), set()).add(r[0])
    return [f"code {k} is present in only {len(docs_per.get(k, ()))} documents"
            for k in KNOWLEDGE if len(docs_per.get(k, ())) < 30]


def report(docs: list[Doc], rows: list[list[object]], words: dict[str, int], secs: float
           ) -> None:
    w = sorted(words.values())
    out = sys.stderr
    print(f"{len(docs)} documents in {secs:.1f} s", file=out)
    print("formats:", dict(Counter(d.fmt for d in docs)), file=out)
    print("languages:", dict(Counter(d.lang for d in docs)), file=out)
    print(f"words: min {w[0]}, median {statistics.median(w):.0f}, max {w[-1]}, "
          f"total {sum(w)}", file=out)
    quotes = [str(r[4]) for r in rows]
    print(f"passages: {len(rows)} ({sum(r[3] == 'denied' for r in rows)} denied), "
          f"distinct quotes {len(set(quotes))}", file=out)
    per_code = Counter(str(r[2]) for r in rows)
    docs_code: dict[str, set[object]] = {}
    for r in rows:
        docs_code.setdefault(str(r[2]), set()).add(r[0])
    for code, n in sorted(per_code.items()):
        den = sum(1 for r in rows if r[2] == code and r[3] == "denied")
        print(f"  {code:24s} {n:4d} passages, {len(docs_code[code]):3d} documents, "
              f"{den:3d} denied", file=out)


if __name__ == "__main__":
    raise SystemExit(main())
