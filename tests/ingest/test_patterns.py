"""The layouts real transcripts come in, one small made-up fixture per pattern and format.

Each test pins the speakers, where every turn starts and ends (its text) and its timestamp.
Every document is also checked to lose nothing: the source's words are in the stored text
or reported as removed.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from qcode.corpus.ingest.base import ParsedDocument, SpeakerPolicy
from qcode.corpus.ingest.registry import read_document
from qcode.corpus.text import count_words
from tests.ingest.pdfmaker import make_pdf

Turns = list[tuple[str | None, str, str | None]]


def read(tmp_path: Path, name: str, data: bytes | str, speakers: str = "auto") -> ParsedDocument:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    doc = read_document(path, speakers=SpeakerPolicy.parse(speakers))
    assert doc.source_words is not None
    lost = doc.source_words - sum(r.words for r in doc.removed.values())
    assert lost == count_words(doc.text), (doc.source_words, doc.removed, count_words(doc.text))
    return doc


def turns(doc: ParsedDocument) -> Turns:
    return [(t.speaker, doc.text[t.start : t.end], t.timestamp) for t in doc.turns]


def docx_bytes(paragraphs: list[str], *, second_part: list[str] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    if second_part is None:
        return buffer.getvalue()
    other = docx.Document()
    for text in second_part:
        other.add_paragraph(text)
    other_buffer = io.BytesIO()
    other.save(other_buffer)
    with zipfile.ZipFile(other_buffer) as archive:
        xml = archive.read("word/document.xml")
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("word/document2.xml", xml)
    return out.getvalue()


# --- 1. Word / Teams "Transcribe": timestamp and speaker over the text -----------------------

TRANSCRIBE = [
    "00:00:03 Speaker 1",
    "So we started with two lathes.",
    "00:00:07 Speaker 1",
    "Then a third one, in 1998.",
    "00:00:09 Speaker 2",
    "And who were the first buyers?",
    "00:00:14 Speaker 1",
    "A firm in Graz.",
]
TRANSCRIBE_TURNS: Turns = [
    ("Speaker 1", "So we started with two lathes.\n\nThen a third one, in 1998.", "00:00:03"),
    ("Speaker 2", "And who were the first buyers?", "00:00:09"),
    ("Speaker 1", "A firm in Graz.", "00:00:14"),
]


def transcribe_text() -> str:
    return "\n".join(f"{a}\n{b}\n" for a, b in zip(TRANSCRIBE[::2], TRANSCRIBE[1::2], strict=True))


def test_transcribe_txt(tmp_path: Path) -> None:
    doc = read(tmp_path, "t.txt", transcribe_text())
    assert turns(doc) == TRANSCRIBE_TURNS
    assert "00:00:07 Speaker 1" not in doc.text  # the repeated label of the continued turn
    assert doc.removed["repeated speaker labels"].items == 1
    assert doc.convention == "timestamp and speaker on a line of their own, with timestamps"
    assert "merged 1 repeated labels" in doc.rules


def test_transcribe_docx(tmp_path: Path) -> None:
    doc = read(tmp_path, "t.docx", docx_bytes(TRANSCRIBE))
    assert [(s, t.replace("\n\n", "\n"), ts) for s, t, ts in turns(doc)] == [
        (s, t.replace("\n\n", "\n"), ts) for s, t, ts in TRANSCRIBE_TURNS
    ]


def test_transcribe_docx_second_part(tmp_path: Path) -> None:
    data = docx_bytes(["Transcript"], second_part=TRANSCRIBE)
    doc = read(tmp_path, "t.docx", data)
    assert [t[0] for t in turns(doc)] == ["Speaker 1", "Speaker 2", "Speaker 1"]
    assert "read the transcript from word/document2.xml" in doc.rules


def test_teams_and_otter_name_then_time(tmp_path: Path) -> None:
    text = "Ana Marić   0:03\nHello there.\n\nAna Marić   0:06\nWelcome.\n\nJon Berg   0:10\nHi.\n"
    assert turns(read(tmp_path, "o.txt", text)) == [
        ("Ana Marić", "Hello there.\n\nWelcome.", "0:03"),
        ("Jon Berg", "Hi.", "0:10"),
    ]


# --- 2. Zoom VTT and one-line-per-segment diarised text ---------------------------------------

ZOOM = (
    "WEBVTT\n\n1\n00:00:01.000 --> 00:00:05.000\nAna Marić: So we started\n\n"
    "2\n00:00:05.000 --> 00:00:09.000\nAna Marić: with two lathes.\n\n"
    "3\n00:00:09.500 --> 00:00:12.000\nJon Berg: Who bought first?\n\n"
    "4\n00:00:12.000 --> 00:00:15.000\nAna Marić: A firm in Graz.\n"
)


def test_zoom_vtt_label_on_every_cue(tmp_path: Path) -> None:
    doc = read(tmp_path, "z.vtt", ZOOM)
    assert turns(doc) == [
        ("Ana Marić", "So we started with two lathes.", "00:00:01"),
        ("Jon Berg", "Who bought first?", "00:00:09"),
        ("Ana Marić", "A firm in Graz.", "00:00:12"),
    ]
    assert doc.removed["repeated speaker labels"].items == 1
    assert doc.cues == 4


def test_zoom_style_srt(tmp_path: Path) -> None:
    srt = ZOOM.replace("WEBVTT\n\n", "").replace(".000", ",000").replace(".500", ",500")
    assert [t[:2] for t in turns(read(tmp_path, "z.srt", srt))] == [
        ("Ana Marić", "So we started with two lathes."),
        ("Jon Berg", "Who bought first?"),
        ("Ana Marić", "A firm in Graz."),
    ]


def test_diarised_lines_bracket_speaker_then_time(tmp_path: Path) -> None:
    text = (
        "[Speaker 1] [00:17] So we started\n[Speaker 1] [00:19] with two lathes.\n"
        "[Speaker 2] [00:22] Who bought first?\n[Speaker 1] [00:25] A firm in Graz.\n"
    )
    doc = read(tmp_path, "d.txt", text)
    assert turns(doc) == [
        ("Speaker 1", "So we started\nwith two lathes.", "00:17"),
        ("Speaker 2", "Who bought first?", "00:22"),
        ("Speaker 1", "A firm in Graz.", "00:25"),
    ]


# --- 3. Captions where `- ` marks a change of speaker -----------------------------------------

DASHES = (
    "1\n00:00:01,000 --> 00:00:03,000\n- Where were you?\n- At the factory.\n\n"
    "2\n00:00:03,500 --> 00:00:05,000\nAll night, with the others.\n\n"
    "3\n00:00:06,000 --> 00:00:08,000\n- Why?\n\n"
    "4\n00:00:08,000 --> 00:00:09,000\n-The order was late.\n"
)
DASH_TURNS: Turns = [
    (None, "Where were you?", "00:00:01"),
    (None, "At the factory. All night, with the others.", "00:00:01"),
    (None, "Why?", "00:00:06"),
    (None, "The order was late.", "00:00:08"),
]


def test_dash_captions_srt(tmp_path: Path) -> None:
    doc = read(tmp_path, "c.srt", DASHES)
    assert turns(doc) == DASH_TURNS
    assert doc.convention == "`- ` marks a change of speaker"
    assert doc.removed["speaker-change dashes"].items == 4


def test_dash_captions_vtt(tmp_path: Path) -> None:
    vtt = "WEBVTT\n\n" + DASHES.replace(",000", ".000").replace(",500", ".500")
    assert turns(read(tmp_path, "c.vtt", vtt)) == DASH_TURNS


def test_captions_without_speakers_are_cues(tmp_path: Path) -> None:
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOne\n\n00:00:02.000 --> 00:00:03.000\ntwo.\n"
    doc = read(tmp_path, "n.vtt", vtt)
    assert doc.convention == "captions without speakers (2 cues)"
    assert turns(doc) == [(None, "One two.", "00:00:01")]


# --- 4. PDFs made by Word ---------------------------------------------------------------------


def word_pdf(pages: int = 3) -> bytes:
    body = []
    for page in range(1, pages + 1):
        body.append([
            ["Grupo focal 3 ", "– Transcripci", "ón"],
            [],
            ["M", "7: Me l", "lamo Ana y trabajo en una coopera-"],
            ["tiva de Lleida desde hace a", f"ños ({page})."],
            [],
            ["H", "4: Yo no."],
            [],
            [f"Página {page} de {pages}"],
        ])
    return make_pdf(body)


def test_word_pdf_whole_words_headers_and_hyphens(tmp_path: Path) -> None:
    doc = read(tmp_path, "w.pdf", word_pdf())
    assert turns(doc)[:2] == [
        ("M7", "Me llamo Ana y trabajo en una cooperativa de Lleida desde hace años (1).", None),
        ("H4", "Yo no.", None),
    ]
    assert [t[0] for t in turns(doc)] == ["M7", "H4"] * 3
    assert "Grupo focal" not in doc.text and "Página" not in doc.text
    assert doc.removed["page headers and footers"].items == 3
    assert doc.removed["page numbers and line numbers"].items == 3
    assert doc.removed["hyphens at line ends (words rejoined)"].items == 3
    assert "dropped page headers and footers (3 lines)" in doc.rules


# --- 5. Focus groups with code labels ---------------------------------------------------------

FOCUS = (
    "Data: 12 de març de 2019\nLloc: Lleida\n\n"
    "GRUP 3: INDEPENDENTS\n\n"
    "M: Dona\nH: Home\n\n"
    "M7: Jo treballo a la cooperativa.\n\n"
    "H4: Jo no hi he treballat mai.\n\n"
    "Ho dic clarament, per a tothom:\n\n"
    "M7: D'acord.\n\n"
    "H4: Bé.\n"
)


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_focus_group_codes_titles_legend_metadata(tmp_path: Path, suffix: str) -> None:
    paragraphs = FOCUS.split("\n\n")
    data = FOCUS if suffix == ".txt" else docx_bytes([p.strip() for p in paragraphs])
    doc = read(tmp_path, f"f{suffix}", data)
    got = [(s, t.replace("\n\n", "\n"), ts) for s, t, ts in turns(doc)]
    assert got == [
        ("M7", "Jo treballo a la cooperativa.", None),
        ("H4", "Jo no hi he treballat mai.\nHo dic clarament, per a tothom:", None),
        ("M7", "D'acord.", None),
        ("H4", "Bé.", None),
    ]
    assert doc.metadata["Data"] == "12 de març de 2019" and doc.metadata["Lloc"] == "Lleida"
    assert doc.metadata["legend"] == ["M: Dona", "H: Home"]
    assert doc.convention == "code labels (M7:)"


# --- 6. A moderator who speaks in capitals ----------------------------------------------------

CAPITALS = (
    "MODERADOR: BUENAS TARDES A TODOS.\n\n"
    "P1: Buenas tardes.\n\n"
    "¿QUÉ OPINAN DEL PRECIO DEL PAN?\n\n"
    "P2: Que ha subido mucho.\n\n"
    "P1: Demasiado.\n\n"
    "¿Y LOS DEMÁS? ¿ESTÁN DE ACUERDO?\n\n"
    "P2: Sí.\n"
)
CAPITAL_TURNS: Turns = [
    ("MODERADOR", "BUENAS TARDES A TODOS.", None),
    ("P1", "Buenas tardes.", None),
    ("MODERADOR", "¿QUÉ OPINAN DEL PRECIO DEL PAN?", None),
    ("P2", "Que ha subido mucho.", None),
    ("P1", "Demasiado.", None),
    ("MODERADOR", "¿Y LOS DEMÁS? ¿ESTÁN DE ACUERDO?", None),
    ("P2", "Sí.", None),
]


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_capitals_as_moderator(tmp_path: Path, suffix: str) -> None:
    data = CAPITALS if suffix == ".txt" else docx_bytes(CAPITALS.strip().split("\n\n"))
    doc = read(tmp_path, f"m{suffix}", data)
    assert turns(doc) == CAPITAL_TURNS
    assert "capitals as MODERADOR (2 paragraphs)" in doc.rules


def test_capitals_without_a_moderator_label(tmp_path: Path) -> None:
    text = CAPITALS.replace("MODERADOR: BUENAS TARDES A TODOS.\n\n", "")
    doc = read(tmp_path, "m.txt", text)
    assert [t[0] for t in turns(doc)] == ["P1", "Moderator", "P2", "P1", "Moderator", "P2"]


def test_one_capital_line_is_not_a_moderator(tmp_path: Path) -> None:
    text = "P1: Buenas tardes.\n\nNOTA DEL TRANSCRIPTOR\n\nP2: Hola.\n\nP1: Adiós.\n"
    assert [t[0] for t in turns(read(tmp_path, "n.txt", text))] == ["P1", "P2", "P1"]


# --- 7. Label with the timestamp after it, alone on its line ----------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_label_then_timestamp_alone(tmp_path: Path, suffix: str) -> None:
    paragraphs = ["Aaron: 00:00:20", "We built it in a garage.", "Beth: 00:00:31", "When?", "Aaron: 00:00:35",
                  "In 1999."]
    data = "\n".join(paragraphs) if suffix == ".txt" else docx_bytes(paragraphs)
    doc = read(tmp_path, f"a{suffix}", data)
    assert turns(doc) == [
        ("Aaron", "We built it in a garage.", "00:00:20"),
        ("Beth", "When?", "00:00:31"),
        ("Aaron", "In 1999.", "00:00:35"),
    ]


# --- 8. Markdown transcripts ------------------------------------------------------------------


def test_markdown_headings_escapes_and_bold_labels(tmp_path: Path) -> None:
    text = (
        "## Part one\n\n**Ana:** We started \\[laughs\\] small.\n\nIt was 1998.\n\n"
        "## Part two\n\n**Jon:** And then?\n\n**Ana:** We grew\\!\n\n**Jon:** Good.\n"
    )
    doc = read(tmp_path, "m.md", text)
    assert turns(doc) == [
        ("Ana", "We started [laughs] small.\n\nIt was 1998.", None),
        ("Jon", "And then?", None),
        ("Ana", "We grew!", None),
        ("Jon", "Good.", None),
    ]
    assert "## Part two" in doc.text  # a section marker, in the text but in no turn
    assert doc.removed["markdown escapes"].items == 3


# --- 9. Invisible characters ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".vtt"])
def test_invisible_characters_are_removed(tmp_path: Path, suffix: str) -> None:
    lines = ["Ana:\u00a0We\u200b started\ufeff here.", "Jon: \uf0b7 Why\u2060?", "Ana: Luck.", "Jon: Oh."]
    if suffix == ".txt":
        data: bytes | str = "\n".join(lines)
    elif suffix == ".docx":
        data = docx_bytes(lines)
    else:
        data = "WEBVTT\n\n" + "".join(
            f"00:00:0{n}.000 --> 00:00:0{n}.500\n{line}\n\n" for n, line in enumerate(lines, 1)
        )
    doc = read(tmp_path, f"i{suffix}", data)
    assert [(s, t) for s, t, _ in turns(doc)] == [
        ("Ana", "We started here."), ("Jon", "Why?"), ("Ana", "Luck."), ("Jon", "Oh.")
    ]
    assert "\u00a0" not in doc.text
    removed = doc.removed.get("invisible characters") or doc.removed["control and invisible characters"]
    assert removed.items == 4  # ZWSP, BOM, the private-use bullet and the word joiner


def test_terminal_controls_are_removed_with_a_warning(tmp_path: Path) -> None:
    text = "Ana: \x1b[31mred\x1b[0m text\x07.\nJon: \x1b]0;owned\x07Fine.\nAna: Bye.\nJon: Bye."
    doc = read(tmp_path, "e.txt", text)
    assert [(s, t) for s, t, _ in turns(doc)] == [
        ("Ana", "red text."), ("Jon", "Fine."), ("Ana", "Bye."), ("Jon", "Bye.")
    ]
    assert doc.removed["control characters"].items == 20  # ESC[31m ESC[0m BEL ESC]0;owned BEL
    assert any("20 terminal control" in w for w in doc.warnings)
    assert "\x1b" not in doc.text and "[31m" not in doc.text


# --- 10. Transcription services ---------------------------------------------------------------


def test_assemblyai_json(tmp_path: Path) -> None:
    data = {"id": "t1", "text": "...", "utterances": [
        {"speaker": "A", "start": 250, "end": 2000, "text": "We started small."},
        {"speaker": "B", "start": 2100, "end": 3000, "text": "When?"},
        {"speaker": "A", "start": 3661000, "end": 3662000, "text": "In 1998."},
    ]}
    doc = read(tmp_path, "a.json", json.dumps(data))
    assert turns(doc) == [
        ("Speaker A", "We started small.", "00:00:00"),
        ("Speaker B", "When?", "00:00:02"),
        ("Speaker A", "In 1998.", "01:01:01"),
    ]
    assert doc.convention.startswith("AssemblyAI JSON")
    assert doc.metadata == {"id": "t1"}


def test_whisper_json_without_and_with_speakers(tmp_path: Path) -> None:
    plain = {"text": "x", "language": "en", "segments": [
        {"id": 0, "seek": 0, "start": 0.0, "end": 2.0, "text": " We started", "tokens": [1]},
        {"id": 1, "seek": 0, "start": 2.0, "end": 3.5, "text": " small.", "tokens": [2]},
        {"id": 2, "seek": 0, "start": 9.0, "end": 10.0, "text": " Then we grew.", "tokens": [3]},
    ]}
    doc = read(tmp_path, "w.json", json.dumps(plain))
    assert turns(doc) == [(None, "We started small.", "00:00:00"), (None, "Then we grew.", "00:00:09")]
    assert doc.convention == "Whisper JSON: captions without speakers (3 cues)"
    for n, speaker in enumerate(["SPEAKER_00", "SPEAKER_00", "SPEAKER_01"]):
        plain["segments"][n]["speaker"] = speaker  # type: ignore[index]
    doc = read(tmp_path, "wx.json", json.dumps(plain))
    assert turns(doc) == [("SPEAKER_00", "We started small.", "00:00:00"),
                          ("SPEAKER_01", "Then we grew.", "00:00:09")]


def test_deepgram_utterances_and_paragraphs(tmp_path: Path) -> None:
    utterances = {"metadata": {"request_id": "r1"}, "results": {"channels": [], "utterances": [
        {"start": 0.5, "end": 2.0, "transcript": "We started small.", "speaker": 0},
        {"start": 2.5, "end": 3.0, "transcript": "When?", "speaker": 1},
    ]}}
    doc = read(tmp_path, "d.json", json.dumps(utterances))
    assert turns(doc) == [("Speaker 0", "We started small.", "00:00:00"), ("Speaker 1", "When?", "00:00:02")]
    assert doc.metadata == {"request_id": "r1"}
    paragraphs = {"results": {"channels": [{"alternatives": [{"transcript": "x", "paragraphs": {
        "paragraphs": [
            {"speaker": 0, "start": 0.5, "end": 2,
             "sentences": [{"text": "We started."}, {"text": "Small."}]},
            {"speaker": 1, "start": 62.0, "end": 63, "sentences": [{"text": "When?"}]},
        ]}}]}]}}
    doc = read(tmp_path, "p.json", json.dumps(paragraphs))
    assert turns(doc) == [("Speaker 0", "We started. Small.", "00:00:00"), ("Speaker 1", "When?", "00:01:02")]


def test_rev_export(tmp_path: Path) -> None:
    text = (
        "Ana Marić (00:00:01):\nWe started small.\n\nJon Berg (00:00:05):\nWhen?\n\n"
        "Ana Marić (00:01:23):\nIn 1998.\n"
    )
    assert turns(read(tmp_path, "r.txt", text)) == [
        ("Ana Marić", "We started small.", "00:00:01"),
        ("Jon Berg", "When?", "00:00:05"),
        ("Ana Marić", "In 1998.", "00:01:23"),
    ]


def test_descript_export(tmp_path: Path) -> None:
    text = "[00:00:01] Ana: We started small.\n\n[00:00:05] Jon: When?\n\n[00:00:07] Ana: In 1998.\n"
    assert turns(read(tmp_path, "d.txt", text)) == [
        ("Ana", "We started small.", "00:00:01"),
        ("Jon", "When?", "00:00:05"),
        ("Ana", "In 1998.", "00:00:07"),
    ]


# --- --speakers -------------------------------------------------------------------------------


def test_speakers_none_and_list(tmp_path: Path) -> None:
    # Jon speaks once: too little evidence for detection, but the user can say so.
    text = "Ana: We started.\nJon: When?\nAna: Then.\nSo: it went."
    assert [(s, t) for s, t, _ in turns(read(tmp_path, "a.txt", text))] == [
        ("Ana", "We started.\nJon: When?"), ("Ana", "Then.\nSo: it went.")
    ]
    assert turns(read(tmp_path, "n.txt", text, speakers="none")) == []
    listed = read(tmp_path, "l.txt", text, speakers="Ana,jon")
    assert [(s, t) for s, t, _ in turns(listed)] == [("Ana", "We started."), ("Jon", "When?"),
                                                    ("Ana", "Then.\nSo: it went.")]
    assert listed.convention == "labels given with --speakers"
    unlabelled = read(tmp_path, "z.vtt", ZOOM, speakers="none")
    assert [t[0] for t in turns(unlabelled)] == [None]
    assert unlabelled.text.startswith("Ana Marić: So we started Ana Marić: with two lathes.")
