"""Every reader on files generated here, and every way an import can be refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from qcode.corpus.ingest import registry
from qcode.corpus.ingest.base import ParsedDocument
from qcode.corpus.ingest.registry import (
    SUPPORTED_SUFFIXES,
    read_document,
    reader_for,
    register,
    supported_suffixes,
)
from qcode.errors import InputError

DIALOGUE = "Interviewer: Kako ste počeli?\n\nIspitanik: Polako, uz đake.\n\nInterviewer: Dobro."


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def spoken(doc: ParsedDocument) -> list[tuple[str | None, str]]:
    return [(t.speaker, doc.text[t.start : t.end]) for t in doc.turns]


# --- registry ------------------------------------------------------------------------------


def test_supported_suffixes_all_have_readers() -> None:
    for suffix in SUPPORTED_SUFFIXES:
        assert reader_for(Path(f"x{suffix}")) is not None
    assert reader_for(Path("x.DOCX")) is reader_for(Path("x.docx"))
    assert reader_for(Path("codes.csv")) is None
    assert {".txt", ".md", ".docx", ".odt", ".rtf", ".pdf", ".vtt", ".srt", ".html", ".json"} <= set(
        SUPPORTED_SUFFIXES
    )


def test_register_adds_a_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_EXTRA", {})  # leave the real registry untouched

    @register(".QTEST")
    def read(data: bytes, name: str) -> ParsedDocument:
        return ParsedDocument(data.decode(), [])

    assert ".qtest" in supported_suffixes()
    assert read_document(write(tmp_path, "a.qtest", "hi")).text == "hi"


def test_unsupported_suffix_names_the_supported_ones(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"codes\.csv.*\.docx.*\.txt"):
        read_document(write(tmp_path, "codes.csv", "a,b"))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"empty\.txt is empty"):
        read_document(write(tmp_path, "empty.txt", b""))


def test_whitespace_only_file_has_no_text(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"blank\.txt has no text"):
        read_document(write(tmp_path, "blank.txt", " \n\r\n\t"))


def test_oversized_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"big\.txt is 2000 bytes, over the 1000 bytes limit"):
        read_document(write(tmp_path, "big.txt", "x" * 2000), max_bytes=1000)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_document(tmp_path / "nope.txt")
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        read_document(tmp_path / "dir.txt")


def test_binary_with_nul_bytes(tmp_path: Path) -> None:
    data = bytes(range(256)) * 8
    with pytest.raises(InputError, match=r"bin\.txt contains NUL bytes"):
        read_document(write(tmp_path, "bin.txt", data))


def test_binary_without_nul_bytes(tmp_path: Path) -> None:
    data = bytes(b % 31 + 1 for b in range(4000))  # control characters, no NUL
    with pytest.raises(InputError, match="looks binary"):
        read_document(write(tmp_path, "ctl.txt", data))


@pytest.mark.parametrize("suffix", [".docx", ".odt", ".pdf"])
def test_corrupt_office_and_pdf_files(tmp_path: Path, suffix: str) -> None:
    junk = bytes((i * 7919) % 256 for i in range(3000))
    with pytest.raises(InputError, match=f"bad{suffix}"):
        read_document(write(tmp_path, f"bad{suffix}", junk))


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not word")
    with pytest.raises(InputError, match="not a readable Word"):
        read_document(write(tmp_path, "fake.docx", buffer.getvalue()))


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (20 * 2**20))
    with pytest.raises(InputError, match="not a plausible"):
        read_document(write(tmp_path, "bomb.docx", buffer.getvalue()))


# --- plain text and encodings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "prefix", "label"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        ("cp1250", b"", "cp1250"),
    ],
)
def test_txt_encodings(tmp_path: Path, codec: str, prefix: bytes, label: str) -> None:
    doc = read_document(write(tmp_path, "t.txt", prefix + DIALOGUE.encode(codec)))
    assert doc.text == DIALOGUE
    assert doc.encoding == label
    assert [s for s, _ in spoken(doc)] == ["Interviewer", "Ispitanik", "Interviewer"]
    assert spoken(doc)[1] == ("Ispitanik", "Polako, uz đake.")
    assert bool(doc.warnings) == (codec == "cp1250")


def test_txt_cyrillic_cp1251(tmp_path: Path) -> None:
    text = "Ћирилица ђ ж\n\nИстраживач: Како сте почели?\nИспитаник: Полако."
    doc = read_document(write(tmp_path, "c.txt", text.encode("cp1251")))
    assert doc.text == text
    assert doc.encoding == "cp1251"
    assert "Windows-1251" in doc.warnings[0] and "c.txt" in doc.warnings[0]


def test_txt_crlf_and_cr_and_trailing_space(tmp_path: Path) -> None:
    crlf = read_document(write(tmp_path, "a.txt", "I: One.\r\nR: Two.\r\n\r\n  \r\n"))
    cr = read_document(write(tmp_path, "b.txt", b"I: One.\rR: Two.\r"))
    assert crlf.text == cr.text == "I: One.\nR: Two."
    assert spoken(crlf) == [("I", "One."), ("R", "Two.")]


# --- markdown ------------------------------------------------------------------------------


def test_markdown_front_matter_is_metadata_not_text(tmp_path: Path) -> None:
    source = (
        "---\ncase: Firma 017\nsector: IT\ndate: 2024-03-01\nattributes:\n  size: 12\n---\n\n"
        "**Interviewer:** Hello.\n\n**Owner:** Hi.\n\n**Interviewer:** Bye.\n\n**Owner:** Bye.\n"
    )
    doc = read_document(write(tmp_path, "i.md", source))
    assert doc.text.startswith("**Interviewer:** Hello.")
    assert "case:" not in doc.text
    assert doc.metadata["case"] == "Firma 017"
    assert doc.metadata["date"] == "2024-03-01"
    assert doc.metadata["attributes"] == {"size": 12}
    assert spoken(doc)[1] == ("Owner", "Hi.")


def test_markdown_without_front_matter(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "i.md", "# Title\n\n---\n\nText."))
    assert doc.text == "# Title\n\n---\n\nText."
    assert doc.metadata == {}


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("a: &x [1, 2]\nb: *x\n", "aliases"),
        ("a: [unclosed\n", "not valid YAML"),
        ("- just\n- a list\n", "key: value"),
        ("a: !!python/object:os.system ls\n", "not valid YAML"),
    ],
)
def test_markdown_bad_front_matter(tmp_path: Path, front: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_document(write(tmp_path, "bad.md", f"---\n{front}---\nText."))


# --- word processors -------------------------------------------------------------------------


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in ["LEHRER: First.", "ROMNEY: Second 😀 Ћ.", "More from Romney.", "(CROSSTALK)"]:
        document.add_paragraph(line)
    document.add_paragraph("OBAMA: Third.")
    document.add_paragraph("LEHRER: Fourth.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Note"
    table.rows[0].cells[1].text = "A table row."
    path = tmp_path / "d.docx"
    document.save(str(path))
    doc = read_document(path)
    # No empty paragraphs in the file: each one is kept apart by a blank line.
    assert doc.text.startswith("LEHRER: First.\n\nROMNEY: Second 😀 Ћ.\n\nMore from Romney.")
    assert doc.text.endswith("Note\tA table row.")
    assert spoken(doc)[:3] == [
        ("LEHRER", "First."),
        ("ROMNEY", "Second 😀 Ћ.\n\nMore from Romney."),
        ("OBAMA", "Third."),
    ]


def test_docx_with_empty_paragraphs_as_separators(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in ["Teacher 4:\tReady?", "", "Student 1:\tYes.", "", "Teacher 4:\tGood."]:
        document.add_paragraph(line)
    path = tmp_path / "t.docx"
    document.save(str(path))
    doc = read_document(path)
    assert doc.text == "Teacher 4:\tReady?\n\nStudent 1:\tYes.\n\nTeacher 4:\tGood."
    assert spoken(doc)[1] == ("Student 1", "Yes.")


def test_empty_docx(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "e.docx"
    docx.Document().save(str(path))
    with pytest.raises(InputError, match=r"e\.docx has no text"):
        read_document(path)


def test_odt_spaces_tabs_and_no_page_furniture(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentText
    from odf.text import P, S, Tab

    document = OpenDocumentText()
    for label, words in [("Teacher", "Ready?"), ("Student", "Yes, đak."), ("Teacher", "Go.")]:
        paragraph = P(text=f"{label}")
        paragraph.addElement(S(c=1))
        paragraph.addText("4:")
        paragraph.addElement(Tab())
        paragraph.addText(words)
        document.text.addElement(paragraph)
    path = tmp_path / "o.odt"
    document.save(str(path))
    doc = read_document(path)
    assert doc.text == "Teacher 4:\tReady?\n\nStudent 4:\tYes, đak.\n\nTeacher 4:\tGo."
    assert spoken(doc)[1] == ("Student 4", "Yes, đak.")


def test_rtf_code_page_and_unicode_escapes(tmp_path: Path) -> None:
    rtf = (
        r"{\rtf1\ansi\ansicpg1250\deff0{\fonttbl{\f0 Arial;}}"
        r"\f0 Interviewer: Kako ste po\'e8eli?\par"
        "\n"
        r"Ispitanik: Uz \u273?ake i \u1035?\u1080?\u1088?.\par"
        "\n"
        r"Interviewer: Dobro.\par}"
    )
    doc = read_document(write(tmp_path, "r.rtf", rtf))
    assert spoken(doc) == [
        ("Interviewer", "Kako ste počeli?"),
        ("Ispitanik", "Uz đake i Ћир."),
        ("Interviewer", "Dobro."),
    ]


def test_not_an_rtf(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not an RTF file"):
        read_document(write(tmp_path, "x.rtf", "plain text"))


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(InputError, match=r"scan\.pdf has no text layer.*OCR"):
        read_document(write(tmp_path, "scan.pdf", buffer.getvalue()))


# --- timed formats ---------------------------------------------------------------------------


def test_vtt_voice_tags_prefixes_and_entities(tmp_path: Path) -> None:
    vtt = (
        "WEBVTT\n\nNOTE a comment\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Ana>Q&amp;A <i>time</i>,\n"
        "first part\n\n00:00:02.500 --> 00:00:03.000\nsecond part.\n\n"
        "00:01:04.000 --> 00:01:05.000\nMarko: Yes.\n\n00:01:05.000 --> 00:01:06.000\n<v Ana>Bye.\n"
    )
    doc = read_document(write(tmp_path, "v.vtt", vtt))
    assert doc.text == "Ana: Q&A time, first part second part.\n\nMarko: Yes.\n\nAna: Bye."
    assert [(t.speaker, t.timestamp) for t in doc.turns] == [
        ("Ana", "00:00:01"),
        ("Marko", "00:01:04"),
        ("Ana", "00:01:05"),
    ]
    assert spoken(doc)[0] == ("Ana", "Q&A time, first part second part.")


def test_vtt_without_speakers_groups_cues_at_pauses(tmp_path: Path) -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOne\n\n00:00:02.000 --> 00:00:03.000\ntwo.\n\n"
        "00:00:09.000 --> 00:00:10.000\nThree.\n"
    )
    doc = read_document(write(tmp_path, "v.vtt", vtt))
    assert doc.text == "One two.\n\nThree."
    assert [(t.speaker, t.timestamp) for t in doc.turns] == [(None, "00:00:01"), (None, "00:00:09")]


def test_srt_label_on_first_cue_of_turn(tmp_path: Path) -> None:
    srt = (
        "0\r\n00:00:00,000 --> 00:00:00,100\r\n[Recording starts]\r\n\r\n"
        "1\r\n00:00:00,179 --> 00:00:02,399\r\nTravis: When you\r\nfirst get\r\n\r\n"
        "2\r\n00:00:02,400 --> 00:00:04,799\r\nstarted, it's <b>easy</b>.\r\n\r\n"
        "3\r\n01:00:53,000 --> 01:00:54,000\r\nSarah: Audio matters.\r\n"
    )
    doc = read_document(write(tmp_path, "s.srt", srt))
    assert doc.text == (
        "[Recording starts]\n\nTravis: When you first get started, it's easy.\n\nSarah: Audio matters."
    )
    assert [(t.speaker, t.timestamp) for t in doc.turns] == [
        ("Travis", "00:00:00"),
        ("Sarah", "01:00:53"),
    ]


def test_html_podcast_format(tmp_path: Path) -> None:
    html = (
        "<html><head><title>x</title><script>var a = '<p>no</p>';</script></head><body>"
        "<cite>Travis:</cite>\n<time>0:00</time>\n<p>It&#39;s Q&amp;A.</p>\n"
        "<cite>Sarah:</cite>\n<time>1:02:03</time>\n<p>Audio &lt;matters&gt;.</p></body></html>"
    )
    doc = read_document(write(tmp_path, "p.html", html))
    assert doc.text == "Travis: It's Q&A.\n\nSarah: Audio <matters>."
    assert [(t.speaker, t.timestamp) for t in doc.turns] == [
        ("Travis", "00:00:00"),
        ("Sarah", "01:02:03"),
    ]


def test_html_generic_paragraphs(tmp_path: Path) -> None:
    html = (
        "<!DOCTYPE html><html><body><h1>Interview 3</h1><p>I: Hello&nbsp;there.</p>"
        "<p>R: Hi.<br>Second line.</p><p>I: Bye.</p><!-- x --><style>p{}</style></body></html>"
    )
    doc = read_document(write(tmp_path, "g.htm", html))
    # HTML whitespace (including &nbsp;) collapses to single spaces; <br> breaks the line.
    assert doc.text == "Interview 3\n\nI: Hello there.\n\nR: Hi.\nSecond line.\n\nI: Bye."
    assert spoken(doc)[1] == ("R", "Hi.\nSecond line.")


def test_html_entities_are_never_fetched(tmp_path: Path) -> None:
    html = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><p>I: &e; ok</p><p>R: no</p>'
    doc = read_document(write(tmp_path, "e.html", html))
    assert "root" not in doc.text


def test_json_segments(tmp_path: Path) -> None:
    data = (
        '{"version": "1.0.0", "segments": ['
        '{"speaker": "Darth Vader", "startTime": 0.5, "endTime": 0.75, "body": "I"},'
        '{"speaker": "Darth Vader", "startTime": 1, "endTime": 1.25, "body": "am"},'
        '{"speaker": "Luke", "startTime": 3725.0, "endTime": 3726.0, "body": "No."}]}'
    )
    doc = read_document(write(tmp_path, "t.json", data))
    assert doc.text == "Darth Vader: I am\n\nLuke: No."
    assert [(t.speaker, t.timestamp) for t in doc.turns] == [
        ("Darth Vader", "00:00:00"),
        ("Luke", "01:02:05"),
    ]
    assert doc.metadata == {"version": "1.0.0"}


@pytest.mark.parametrize(
    ("data", "message"),
    [("{not json", "not valid JSON"), ('{"a": 1}', "not a transcript JSON"), ("[[[" * 100_000, "JSON")],
)
def test_json_refused(tmp_path: Path, data: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_document(write(tmp_path, "x.json", data))
