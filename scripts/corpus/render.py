"""Write a composed interview in one of six formats, byte for byte reproducibly.

Every renderer returns the file's bytes plus the passages (turn index, code, polarity, quote)
as they appear in that file's text. docx and odt archives are rewritten with sorted members
(``mimetype`` first for ODF) and a fixed timestamp, so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

from . import data
from .compose import Seg, Turn
from .plan import Doc
from .translit import to_cyrillic

NOTE = "synthetic interview generated for the qcode sample project"
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-ZČĆŠŽĐА-ЯЂЈЉЊЋЏ\[(*])")


@dataclass(frozen=True)
class Passage:
    turn: int
    code: str
    polarity: str
    quote: str


def _clean(text: str, fmt: str) -> str:
    return text if fmt == "md" else text.replace("*", "")


def labels(doc: Doc) -> dict[str, str]:
    iv, rs = doc.interviewer, doc.respondent
    table = {
        "role": ("Interviewer", "Respondent"), "initials": ("I", "R"),
        "names": (iv, rs), "mixed": ("Interviewer", rs),
    }[doc.label_style]
    out = {"I": table[0], "R": table[1], "R2": doc.third or "Colleague"}
    if doc.lang == "sr-Cyrl":
        out = {k: to_cyrillic(v) for k, v in out.items()}
    return out


def para_text(p: list[Seg], fmt: str) -> str:
    return " ".join(_clean(s.text, fmt) for s in p)


def quotes(p: list[Seg], fmt: str) -> list[tuple[str, str, str]]:
    """(code, polarity, quote) for each maximal run of segments carrying a code."""
    out = []
    keys = sorted({c for s in p for c in s.codes})
    for key in keys:
        run: list[str] = []
        for s in [*p, Seg("")]:
            if key in s.codes:
                run.append(_clean(s.text, fmt))
            elif run:
                out.append((key[0], key[1], " ".join(run)))
                run = []
    return out


def passages(turns: list[Turn], fmt: str) -> list[Passage]:
    out = []
    for i, t in enumerate(turns, 1):
        for p in t.paras:
            for code, pol, q in quotes(p, fmt):
                out.append(Passage(i, code, pol, q))
    return out


def _clock(turns: list[Turn], seed: int) -> list[float]:
    t = 3.0 + seed % 7
    starts = []
    for turn in turns:
        starts.append(t)
        t += turn.words() / 2.55 + 0.8 + (seed >> (len(starts) % 20)) % 3
    return starts


def _hms(sec: float) -> str:
    s = int(sec)
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def _turn_lines(doc: Doc, turns: list[Turn], fmt: str) -> list[str]:
    lab = labels(doc)
    starts = _clock(turns, doc.seed)
    lines = []
    for t, start in zip(turns, starts, strict=True):
        for k, p in enumerate(t.paras):
            text = para_text(p, fmt)
            if k == 0:
                ts = f"[{_hms(start)}] " if doc.timestamps else ""
                text = f"{ts}{lab[t.speaker]}: {text}"
            lines.append(text)
    return lines


def render_txt(doc: Doc, turns: list[Turn]) -> bytes:
    c = doc.case
    header = [
        f"Transcript: Interview {doc.num:03d}, case {c.id}",
        f"Date: {doc.date}",
        f"Place: {c.town}, {'company premises' if doc.num % 3 else 'by video call'}",
        f"Interviewer: {doc.interviewer}",
        f"Note: {NOTE}",
    ]
    body = _turn_lines(doc, turns, "txt")
    sep = "\n\n" if doc.layout == "blank" else "\n"
    return ("\n".join(header) + "\n\n" + sep.join(body) + "\n").encode("utf-8")


def render_md(doc: Doc, turns: list[Turn]) -> bytes:
    c = doc.case
    sector = data.SECTORS[c.sector].name
    fm = [
        "---", f"case: {c.id}", "synthetic: true", f"sector: {sector}", f"region: {c.town}",
        f"language: {doc.lang}", f'interview_date: "{doc.date}"',
        f"interviewer: {doc.interviewer}", "---", "",
    ]
    if doc.heading:
        fm += [f"# Interview {doc.num:03d} — {sector}, {c.town}", ""]
    body = _turn_lines(doc, turns, "md")
    return ("\n".join(fm) + "\n" + "\n\n".join(body) + "\n").encode("utf-8")


def _preamble(doc: Doc) -> list[str]:
    c = doc.case
    sector = data.SECTORS[c.sector].name
    return [
        "Synthetic interview generated for the qcode sample project. All names, firms and "
        "events are fictional.",
        f"Interview {doc.num:03d} — {sector}, {c.town} — {doc.date}",
        f"Case {c.id}, conducted by {doc.interviewer}.",
    ]


def _pieces(text: str) -> list[tuple[str, bool]]:
    """Split on *italic* markers: [(text, italic), ...]."""
    out = []
    for i, part in enumerate(text.split("*")):
        if part:
            out.append((part, i % 2 == 1))
    return out


def _fix_zip(raw: bytes, first: str | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    names = sorted(src.namelist())
    if first:
        names.remove(first)
        names.insert(0, first)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for n in names:
            info = zipfile.ZipInfo(n, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if n == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            out.writestr(info, src.read(n), compresslevel=6)
    return buf.getvalue()


def _paragraph_items(doc: Doc, turns: list[Turn], fmt: str) -> list[tuple[str | None, str]]:
    """(label or None, text with *italic* markers) per paragraph, timestamps in the label."""
    lab = labels(doc)
    starts = _clock(turns, doc.seed)
    items: list[tuple[str | None, str]] = []
    for t, start in zip(turns, starts, strict=True):
        for k, p in enumerate(t.paras):
            text = para_text(p, "md")
            if k == 0:
                ts = f"[{_hms(start)}] " if doc.timestamps else ""
                items.append((f"{ts}{lab[t.speaker]}:", text))
            else:
                items.append((None, text))
    return items


def render_docx(doc: Doc, turns: list[Turn]) -> bytes:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    cp = d.core_properties
    cp.author = "qcode sample generator"
    cp.title = f"Interview {doc.num:03d} (synthetic)"
    cp.comments = NOTE
    cp.created = cp.modified = dt.datetime(2026, 1, 1)
    cp.last_modified_by = "qcode sample generator"
    cp.revision = 1
    pre = _preamble(doc)
    d.add_paragraph().add_run(pre[0]).italic = True
    d.add_paragraph().add_run(pre[1]).bold = True
    d.add_paragraph(pre[2])
    for label, text in _paragraph_items(doc, turns, "docx"):
        par = d.add_paragraph()
        if label:
            par.add_run(label).bold = True
            par.add_run(" ")
        for piece, italic in _pieces(text):
            run = par.add_run(piece)
            run.italic = italic or None
        par.paragraph_format.space_after = Pt(6)
    buf = io.BytesIO()
    d.save(buf)
    return _fix_zip(buf.getvalue())


def render_odt(doc: Doc, turns: list[Turn]) -> bytes:
    from odf import teletype
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import P, Span

    o = OpenDocumentText()
    bold = Style(name="Label", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    ital = Style(name="Foreign", family="text")
    ital.addElement(TextProperties(fontstyle="italic"))
    o.automaticstyles.addElement(bold)
    o.automaticstyles.addElement(ital)
    pre = _preamble(doc)
    for i, line in enumerate(pre):
        p = P()
        if i == 0:
            sp = Span(stylename=ital)
            teletype.addTextToElement(sp, line)
            p.addElement(sp)
        else:
            teletype.addTextToElement(p, line)
        o.text.addElement(p)
    for label, text in _paragraph_items(doc, turns, "odt"):
        p = P()
        if label:
            sp = Span(stylename=bold)
            teletype.addTextToElement(sp, label)
            p.addElement(sp)
            teletype.addTextToElement(p, " ")
        for piece, italic in _pieces(text):
            if italic:
                sp = Span(stylename=ital)
                teletype.addTextToElement(sp, piece)
                p.addElement(sp)
            else:
                teletype.addTextToElement(p, piece)
        o.text.addElement(p)
    buf = io.BytesIO()
    o.write(buf)
    return _fix_zip(buf.getvalue(), first="mimetype")


def _units(p: list[Seg]) -> list[str]:
    """Atomic cue units: coded runs stay whole, other text splits into sentences."""
    groups: list[list[Seg]] = []
    for s in p:
        if groups and s.codes and set(s.codes) & {c for g in groups[-1] for c in g.codes}:
            groups[-1].append(s)
        else:
            groups.append([s])
    out: list[str] = []
    for g in groups:
        text = " ".join(_clean(s.text, "vtt") for s in g)
        if any(s.codes for s in g):
            out.append(text)
        else:
            out.extend(x for x in _SENT.split(text) if x)
    return out


def _cues(t: Turn) -> list[str]:
    cues: list[str] = []
    for p in t.paras:
        cur: list[str] = []
        for u in _units(p):
            if cur and len(" ".join([*cur, u]).split()) > 30:
                cues.append(" ".join(cur))
                cur = []
            cur.append(u)
        if cur:
            cues.append(" ".join(cur))
    return cues


def _vtt_time(sec: float, sep: str) -> str:
    ms = round(sec * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


def _timed_cues(doc: Doc, turns: list[Turn]) -> list[tuple[float, float, str, bool, str]]:
    """(start, end, speaker label, first cue of turn, text)."""
    lab = labels(doc)
    t = 2.0 + doc.seed % 5
    out = []
    for k, turn in enumerate(turns):
        for j, cue in enumerate(_cues(turn)):
            dur = max(1.4, len(cue.split()) / 2.6)
            out.append((t, t + dur, lab[turn.speaker], j == 0, cue))
            t += dur + 0.12
        t += 0.4 + (doc.seed >> (k % 16)) % 3 * 0.35
    return out


def render_vtt(doc: Doc, turns: list[Turn]) -> bytes:
    c = doc.case
    lines = ["WEBVTT", "", "NOTE",
             "Synthetic interview generated for the qcode sample project. All names, firms and "
             "events are fictional.",
             f"Case {c.id}, {data.SECTORS[c.sector].name}, {c.town}, interview date {doc.date}.",
             ""]
    for start, end, who, first, text in _timed_cues(doc, turns):
        if doc.vtt_style == "voice_each" or (doc.vtt_style == "voice_start" and first):
            text = f"<v {who}>{text}"
        elif doc.vtt_style == "prefix" and first:
            text = f"{who}: {text}"
        lines += [f"{_vtt_time(start, '.')} --> {_vtt_time(end, '.')}", text, ""]
    return "\n".join(lines).encode("utf-8")


def render_srt(doc: Doc, turns: list[Turn]) -> bytes:
    lines = ["1", "00:00:00,000 --> 00:00:01,500",
             "[Synthetic interview generated for the qcode sample project]", ""]
    for n, (start, end, who, first, text) in enumerate(_timed_cues(doc, turns), 2):
        if first:
            text = f"{who}: {text}"
        lines += [str(n), f"{_vtt_time(start, ',')} --> {_vtt_time(end, ',')}", text, ""]
    return "\n".join(lines).encode("utf-8")


RENDERERS = {"txt": render_txt, "md": render_md, "docx": render_docx, "odt": render_odt,
             "vtt": render_vtt, "srt": render_srt}


def render(doc: Doc, turns: list[Turn]) -> tuple[bytes, list[Passage]]:
    return RENDERERS[doc.fmt](doc, turns), passages(turns, doc.fmt)
