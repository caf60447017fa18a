"""Checks on the committed synthetic corpus in ``interviews/`` (see scripts/generate_corpus.py).

The turn reader here is a small independent copy of the conventions the generator documents,
so that ``passages.csv`` (which later work uses to simulate coders) is verified turn by turn.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
import subprocess
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
INTERVIEWS = REPO / "interviews"
CODEBOOK = REPO / "codebooks" / "sme_knowledge_sources.yaml"
GENERATOR = REPO / "scripts" / "generate_corpus.py"

FORMAT_MIX = {"txt": 55, "md": 55, "docx": 12, "odt": 8, "vtt": 8, "srt": 7}
KNOWLEDGE = ("colocation", "diaspora", "emigration_experience", "online_platforms",
             "outsourcing_contacts", "trade_fairs", "foreign_buyers", "fdi_links",
             "universities_training")
CASE_COLUMNS = ["document", "case", "sector", "region", "size", "founded", "export_share",
                "ownership", "language", "synthetic"]
SECTORS = {"IT services", "metal processing", "furniture", "food processing", "apparel",
           "plastics", "machinery", "automotive parts", "printing"}
NOTE = "synthetic interview generated for the qcode sample project"

_UP = "A-ZČĆŠŽĐА-ЯЂЈЉЊЋЏ"
_LO = "a-zčćšžđа-яђјљњћџ"
LABEL = re.compile(
    rf"^(?:\[\d\d:\d\d:\d\d\] )?(Interviewer|Respondent|I|R|[{_UP}][{_LO}]+"
    rf"(?: [{_UP}][{_LO}]+){{1,2}}): (.*)$"
)
VOICE = re.compile(r"^<v(?:\.[\w.]+)?\s+([^>]+)>(.*?)(?:</v>)?$")
NAME = re.compile(r"^int_(\d{3})_[a-z_]+\.(txt|md|docx|odt|vtt|srt)$")


# ---- reading the files -------------------------------------------------------------------

def _paragraph_turns(paras: list[str]) -> list[list[str]]:
    turns: list[list[str]] = []
    for p in paras:
        m = LABEL.match(p)
        if m:
            turns.append([m.group(1), m.group(2)])
        elif turns:
            turns[-1][1] += "\n\n" + p
    return turns


def _cues(raw: str) -> list[str]:
    out = []
    for block in raw.strip("\n").split("\n\n"):
        lines = block.split("\n")
        if lines[0].startswith(("WEBVTT", "NOTE")):
            continue
        k = next(i for i, ln in enumerate(lines) if "-->" in ln)
        out.append(" ".join(lines[k + 1 :]))
    return out


def _cue_turns(cues: list[str]) -> list[list[str]]:
    turns: list[list[str]] = []
    for c in cues:
        who, text = None, c
        m = VOICE.match(c) or LABEL.match(c)
        if m:
            who, text = m.group(1), m.group(2)
        if who is not None and (not turns or turns[-1][0] != who):
            turns.append([who, text])
        elif turns:
            turns[-1][1] += " " + text
    return turns


@cache
def body(name: str) -> tuple[str, tuple[str, ...]]:
    """(metadata/preamble text, speech paragraphs or cue texts with tags stripped)."""
    path = INTERVIEWS / name
    fmt = path.suffix[1:]
    if fmt in ("txt", "md"):
        lines = path.read_text(encoding="utf-8").split("\n")
        if fmt == "md":
            end = lines.index("---", 1)
            meta, lines = "\n".join(lines[: end + 1]), lines[end + 1 :]
            while lines and (not lines[0].strip() or lines[0].startswith("# ")):
                lines.pop(0)
        else:
            end = lines.index("")
            meta, lines = "\n".join(lines[:end]), lines[end + 1 :]
        return meta, tuple(ln for ln in lines if ln.strip())
    if fmt == "docx":
        import docx

        paras = [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    elif fmt == "odt":
        from odf import teletype, text
        from odf.opendocument import load

        paras = [teletype.extractText(p) for p in load(str(path)).getElementsByType(text.P)]
        paras = [p for p in paras if p.strip()]
    else:
        raw = path.read_text(encoding="utf-8")
        cues = _cues(raw)
        return raw.split("\n\n")[1] if fmt == "vtt" else cues[0], tuple(cues)
    first = next(i for i, p in enumerate(paras) if LABEL.match(p))
    return "\n".join(paras[:first]), tuple(paras[first:])


@cache
def turns(name: str) -> list[list[str]]:
    _, parts = body(name)
    if name.endswith((".vtt", ".srt")):
        return _cue_turns(list(parts))
    return _paragraph_turns(list(parts))


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(INTERVIEWS / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def cases() -> list[dict[str, str]]:
    return _read_csv("cases.csv")


@cache
def passages() -> list[dict[str, str]]:
    return _read_csv("passages.csv")


def transcripts() -> list[str]:
    return sorted(p.name for p in INTERVIEWS.iterdir() if p.is_file() and p.suffix != ".csv")


def _codebook_ids() -> set[str]:
    ids: set[str] = set()

    def walk(codes: list[dict[str, object]]) -> None:
        for c in codes:
            ids.add(str(c["id"]))
            walk(c.get("children", []))  # type: ignore[arg-type]

    walk(yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))["codes"])
    return ids


# ---- tests -------------------------------------------------------------------------------

def test_only_transcripts_and_csv_in_folder() -> None:
    names = transcripts()
    assert len(names) == 145
    assert all(NAME.match(n) for n in names), [n for n in names if not NAME.match(n)]
    assert sorted(int(NAME.match(n).group(1)) for n in names) == list(range(1, 146))  # type: ignore[union-attr]
    assert {p.name for p in INTERVIEWS.glob("*.csv")} == {"cases.csv", "passages.csv"}


def test_format_mix() -> None:
    assert Counter(Path(n).suffix[1:] for n in transcripts()) == FORMAT_MIX


def test_cases_csv() -> None:
    rows = cases()
    with open(INTERVIEWS / "cases.csv", encoding="utf-8") as f:
        assert next(csv.reader(f)) == CASE_COLUMNS
    assert [r["document"] for r in rows] == transcripts()
    for r in rows:
        assert re.fullmatch(r"F\d{3}", r["case"])
        assert r["sector"] in SECTORS
        assert r["size"] in {"micro", "small", "medium"}
        assert 1990 <= int(r["founded"]) <= 2020
        assert 5 <= int(r["export_share"]) <= 100
        assert r["ownership"] in {"domestic", "diaspora-owned", "mixed"}
        assert r["language"] in {"en", "sr-Latn", "sr-Cyrl", "mixed"}
        assert r["synthetic"] == "true"
    per_case = Counter(r["case"] for r in rows)
    assert 100 < len(per_case) < 145 and max(per_case.values()) == 2
    for case in (c for c, n in per_case.items() if n == 2):
        a, b = (r for r in rows if r["case"] == case)
        assert (a["sector"], a["region"], a["founded"]) == (b["sector"], b["region"], b["founded"])


def test_synthetic_marked_in_every_file() -> None:
    for name in transcripts():
        meta, _ = body(name)
        if name.endswith(".md"):
            assert yaml.safe_load(meta.strip("-\n"))["synthetic"] is True
        else:
            assert NOTE in meta.lower(), name


def test_md_front_matter() -> None:
    by_doc = {r["document"]: r for r in cases()}
    for name in (n for n in transcripts() if n.endswith(".md")):
        meta = yaml.safe_load(body(name)[0].strip("-\n"))
        assert set(meta) == {"case", "synthetic", "sector", "region", "language",
                             "interview_date", "interviewer"}
        row = by_doc[name]
        assert (meta["case"], meta["sector"], meta["region"], meta["language"]) == (
            row["case"], row["sector"], row["region"], row["language"])


def test_word_counts() -> None:
    counts = [sum(len(t[1].split()) for t in turns(n)) for n in transcripts()]
    assert min(counts) >= 1500 and max(counts) <= 6000
    assert statistics.median(counts) > 2000


def test_speaker_turns_alternate_and_labels_are_consistent() -> None:
    for name in transcripts():
        ts = turns(name)
        assert len(ts) >= 20, name
        speakers = Counter(t[0] for t in ts)
        assert 2 <= len(speakers) <= 3, (name, speakers)


def test_every_quote_is_in_its_turn() -> None:
    rows = passages()
    assert len(rows) > 1000
    for r in rows:
        ts = turns(r["document"])
        turn = int(r["turn"])
        assert 1 <= turn <= len(ts), r
        assert r["quote"] in ts[turn - 1][1], r
        if r["document"].endswith((".vtt", ".srt")):
            _, cues = body(r["document"])
            stripped = [(VOICE.match(c) or LABEL.match(c) or re.match("()(.*)", c)).group(2)
                        for c in cues]
            assert any(r["quote"] in c for c in stripped), r


def test_quotes_do_not_repeat_across_documents() -> None:
    quotes = [r["quote"] for r in passages()]
    assert len(set(quotes)) == len(quotes)


def test_knowledge_sources_coverage_and_denials() -> None:
    docs: dict[str, set[str]] = {}
    denied: Counter[str] = Counter()
    for r in passages():
        assert r["polarity"] in {"present", "denied"}
        if r["polarity"] == "present":
            docs.setdefault(r["code"], set()).add(r["document"])
        else:
            denied[r["code"]] += 1
    for code in KNOWLEDGE:
        assert len(docs.get(code, ())) >= 30, code
        assert denied[code] >= 3, code
    assert sum(denied.values()) >= 100


def test_codes_exist_in_codebook() -> None:
    ids = _codebook_ids()
    assert set(KNOWLEDGE) <= ids
    assert {r["code"] for r in passages()} <= ids


def test_serbian_latin_cyrillic_and_code_switching() -> None:
    by_lang: dict[str, list[str]] = {}
    for r in cases():
        by_lang.setdefault(r["language"], []).append(r["document"])
    assert len(by_lang["sr-Latn"]) >= 3 and len(by_lang["sr-Cyrl"]) >= 3
    for name in by_lang["sr-Latn"]:
        speech = " ".join(t[1] for t in turns(name))
        assert set("čćšžđ") <= set(speech.lower()), name
        assert not re.search("[а-я]", speech)
    for name in by_lang["sr-Cyrl"]:
        speech = " ".join(t[1] for t in turns(name))
        cyr = len(re.findall("[А-Яа-яЂђЈјЉљЊњЋћЏџ]", speech))
        assert cyr > 0.8 * len(re.findall(r"[^\W\d_]", speech)), name
    english = " ".join(t[1] for n in by_lang["en"] for t in turns(n))
    assert "snalažljivost" in english and "dijaspora" in english
    for name in by_lang["mixed"]:
        speech = " ".join(t[1] for t in turns(name))
        assert " the " in speech and re.search(r"\b(smo|sam|je)\b", speech), name


def test_generator_is_deterministic(tmp_path: Path) -> None:
    rows = cases()
    pick = [next(r["document"] for r in rows if r["document"].endswith(ext))
            for ext in (".docx", ".odt", ".md")]
    nums = ",".join(str(int(n[4:7])) for n in pick)
    res = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path), "--seed", "2026",
         "--only", nums],
        capture_output=True, text=True, timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(pick)
    for name in pick:
        assert (tmp_path / name).read_bytes() == (INTERVIEWS / name).read_bytes(), name


@pytest.mark.parametrize("ext", [".docx", ".odt"])
def test_office_files_are_fixed_zips(ext: str) -> None:
    import zipfile

    name = next(n for n in transcripts() if n.endswith(ext))
    with zipfile.ZipFile(io.BytesIO((INTERVIEWS / name).read_bytes())) as z:
        infos = z.infolist()
        assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}
        if ext == ".odt":
            assert infos[0].filename == "mimetype"
