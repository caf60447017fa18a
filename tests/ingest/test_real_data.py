"""Real transcripts nobody on the team wrote (../shared/real_data, see its SOURCES.md).

Expectations were written by reading each file: the speakers a human reader would name.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from qcode.corpus.ingest.aliases import merge_aliases
from qcode.corpus.ingest.base import ParsedDocument
from qcode.corpus.ingest.registry import read_document
from qcode.corpus.segmentation import segment
from qcode.corpus.text import count_words, normalise
from qcode.errors import InputError

TRANSCRIPT_SUFFIXES = {".txt", ".docx", ".odt", ".rtf", ".pdf", ".vtt", ".srt", ".html", ".json"}


@cache
def cached(path: Path) -> ParsedDocument:
    """PDF text extraction is slow; each file is read once per session (tests don't mutate)."""
    return read_document(path)


def read(real_data: Path, relative: str) -> ParsedDocument:
    return cached(real_data / relative)


def speakers(doc: ParsedDocument) -> Counter[str | None]:
    return Counter(t.speaker for t in doc.turns)


def speech(doc: ParsedDocument, n: int) -> str:
    return doc.text[doc.turns[n].start : doc.turns[n].end]


def test_every_transcript_like_file_imports(real_data: Path) -> None:
    files = sorted(p for p in real_data.rglob("*") if p.suffix.lower() in TRANSCRIPT_SUFFIXES)
    assert len(files) >= 25
    for path in files:
        doc = cached(path)
        assert doc.text and doc.text == normalise(doc.text), path
        for turn in doc.turns:
            assert 0 <= turn.start < turn.end <= len(doc.text), path
            assert doc.text[turn.start : turn.end] == doc.text[turn.start : turn.end].strip()
        units = segment(doc.text, doc.turns)
        assert sum(1 for u in units if u.kind == "line") == doc.text.count("\n") + 1


def test_presidential_debate(real_data: Path) -> None:
    doc = read(real_data, "textreadr/pres.deb1.docx")
    assert speakers(doc) == Counter({"LEHRER": 46, "ROMNEY": 36, "OBAMA": 27})
    assert doc.text.count("(CROSSTALK)") == 10
    # ROMNEY's second turn runs over unlabelled paragraphs; (CROSSTALK) before it is nobody's.
    assert speech(doc, 2) == "And what about the vouchers?"
    assert speech(doc, 3).startswith("So that's -- that's number one.\n\nNumber two is")
    assert speech(doc, 3).endswith("They'll have at least two plans.")


def test_oral_history_pdf_with_alias_merge(real_data: Path) -> None:
    doc = read(real_data, "textreadr/rl10075oralhistoryst002.pdf")
    raw = speakers(doc)
    assert raw["BREADON"] == 2 and raw["BREADEN"] == 21 and raw["CRAIG BREADEN"] == 1
    assert doc.metadata["header"] == ["Interview with Mary Waters Spaulding, August 8, 2013"]
    merged = speakers(ParsedDocument(doc.text, merge_aliases(doc.turns, auto=True)))
    assert merged == Counter(
        {"MARY WATERS SPAULDING": 86, "TOM WATERS": 55, "CRAIG BREADEN": 24, "KIRSTON JOHNSON": 19}
    )
    assert speech(doc, 0).startswith("My name is Craig Breaden.")
    assert "(end of interview)" in doc.text
    assert not speech(doc, len(doc.turns) - 1).endswith("(end of interview)")


def test_vtt_mixing_voice_tags_and_prefixes(real_data: Path) -> None:
    doc = read(real_data, "podcast_namespace/example_mixed_speaker_labels.vtt")
    assert speakers(doc) == Counter({"Travis": 5, "Gilon": 3, "Sarah": 2})
    assert [t.timestamp for t in doc.turns][:4] == ["00:00:00", "00:00:53", "00:01:42", "00:03:39"]
    assert doc.text.startswith("Travis: When you first get started in podcasting, it's almost")
    assert speech(doc, 3).startswith("So is there an ideal podcast length")


def test_vtt_voice_tags_on_every_cue(real_data: Path) -> None:
    doc = read(real_data, "podcast_namespace/example_voice_tags.vtt")
    assert [t.speaker for t in doc.turns] == ["Sarah", "Gillian"]
    assert "Welcome to Podcasting Q&A, where" in speech(doc, 0)
    assert "&amp;" not in doc.text and "<v" not in doc.text


def test_srt_html_json_podcast_examples(real_data: Path) -> None:
    srt = read(real_data, "podcast_namespace/example.srt")
    html = read(real_data, "podcast_namespace/example.html")
    assert speakers(srt) == speakers(html) == Counter({"Travis": 5, "Gilon": 3, "Sarah": 2})
    assert [t.speaker for t in srt.turns] == [t.speaker for t in html.turns]
    assert [t.timestamp for t in html.turns][-1] == "00:11:31"
    assert "it's almost guaranteed" in speech(html, 0)
    json = read(real_data, "podcast_namespace/example.json")
    assert json.text == "Darth Vader: I am your father.\n\nLuke: Nooooo"
    assert [t.speaker for t in json.turns] == ["Darth Vader", "Luke"]


@pytest.mark.parametrize("name", ["trans1.docx", "trans2.docx", "trans3.docx", "trans7.rtf", "trans8.odt"])
def test_classroom_transcript_variants(real_data: Path, name: str) -> None:
    doc = read(real_data, f"textreadr/{name}")
    assert [t.speaker for t in doc.turns] == [
        "Researcher 2",
        "Teacher 4",
        "Multiple Students",
        "Teacher 4",
    ]
    assert speech(doc, 1) == "Students it’s time to learn."
    assert speech(doc, 3).startswith("Let's read this terrific book together.")
    assert speech(doc, 3).endswith("What do you say? ”")  # the unlabelled quote continues
    assert "[Student discussion; unintelligible]" in doc.text
    assert "Page 1 of 1" not in doc.text  # trans8's page footer is not body text
    if name == "trans2.docx":
        assert doc.metadata == {"header": ["Joe Transcribing Company,  Only the best since 2011"]}
    else:
        assert doc.metadata == {}


def test_oral_history_interview_header_and_surnames(real_data: Path) -> None:
    doc = read(real_data, "textreadr/Yasmine_Interview_Transcript.docx")
    assert speakers(doc) == Counter({"Hassan": 8, "Abd Rabou": 7})
    meta = doc.metadata
    assert meta["Interviewer"] == "Yasmine Hassan"
    assert meta["Narrator"] == "Ahmad Abd Rabou"
    assert meta["Date"] == "16/10/2014"
    assert meta["Place"].startswith("Narrator’s office\n2001 Department of Political Science")
    assert meta["Persons Present"] == "Yasmine Hassan - I\nAhmad Abd Rabou - S"
    assert meta["Date completed"] == "20/10/2014"
    assert speech(doc, 1).startswith("My name is Ahmad Abd Rabou.")
    assert speech(doc, 1).endswith("I \n                         live in Rehab City in New Cairo Egypt.")
    assert speech(doc, 14) == "Thank you."


def test_usability_interview_labels_on_their_own_line(real_data: Path) -> None:
    doc = read(real_data, "pdpilot/P1.pdf")
    assert speakers(doc) == Counter({"Dan": 47, "Participant": 47})
    assert speech(doc, 0).startswith("Okay. So now you can stop sharing your screen")
    assert speech(doc, 1) == "Okay."
    assert "1/5" not in doc.text and "\n95\n" not in doc.text  # page marks, line numbers
    assert "\t" not in doc.text
    text_version = read(real_data, "pdpilot/P1.txt")
    assert speakers(text_version) == speakers(doc)


def test_qualcoder_bracket_ids(real_data: Path) -> None:
    doc = read(real_data, "qualcoder/transcript.txt")
    assert [t.speaker for t in doc.turns] == ["id1", "id2", "id3", "id1", "id3", "id1", "id2"]
    assert speech(doc, 1) == (
        "I am struggling with the lecture slides. I felt that they were too busy and I switched off."
    )


@pytest.mark.parametrize(
    "relative",
    [
        "qualcoder/ID1.docx",
        "qualcoder/ID2.odt",
        "qualcoder/plain_codes_categories_for_import.txt",
        "qualcoder/plain_text_categories_codes.txt",
        "qcoder/CoC_Example1_MU.txt",
        "qcoder/CoC_Example3_MU.txt",
        "pdpilot/code-system.pdf",
        "pdpilot/code-system.txt",
        "podcast_namespace/COPYING.txt",
    ],
)
def test_texts_that_are_not_interviews_have_no_speakers(real_data: Path, relative: str) -> None:
    doc = read(real_data, relative)
    assert doc.turns == []
    assert doc.text.strip()


def test_crlf_code_list_is_normalised(real_data: Path) -> None:
    doc = read(real_data, "qualcoder/plain_codes_categories_for_import.txt")
    assert "\r" not in doc.text
    raw = (real_data / "qualcoder/plain_codes_categories_for_import.txt").read_bytes()
    assert doc.text == raw.decode().replace("\r\n", "\n").rstrip()


# Every file in real_data, with the speakers and turns a reader of the file names. Files that
# are not transcripts get no turns; files in formats qcode does not import are refused.
UNSUPPORTED = ("SHA256SUMS", "pdpilot/LICENSE", "qcoder/codes.csv", "qcoder/example_codes_badbytes_cr.csv",
               "qcoder/example_codes_bom_crlf.csv")
PODCAST = {"Travis": 5, "Gilon": 3, "Sarah": 2}
CLASSROOM = {"Researcher 2": 1, "Teacher 4": 2, "Multiple Students": 1}
EXPECTED: dict[str, dict[str, int]] = {
    "SOURCES.md": {},
    "pdpilot/P1.pdf": {"Dan": 47, "Participant": 47},
    "pdpilot/P1.txt": {"Dan": 47, "Participant": 47},
    "pdpilot/code-system.pdf": {},
    "pdpilot/code-system.txt": {},
    # A table of coded segments quoting the interview: the quotes that start a row's line are
    # turns (23 + 30, and one whose code name runs into `Participant:`); quotes that start
    # after a code path inside a row stay in the turn above.
    "pdpilot/coded-segments-P1.txt": {"Dan": 23, "Participant": 31},
    "podcast_namespace/COPYING.txt": {},
    "podcast_namespace/example.html": PODCAST,
    "podcast_namespace/example.json": {"Darth Vader": 1, "Luke": 1},
    "podcast_namespace/example.srt": PODCAST,
    "podcast_namespace/example_mixed_speaker_labels.vtt": PODCAST,
    "podcast_namespace/example_voice_tags.vtt": {"Sarah": 1, "Gillian": 1},
    "qcoder/CoC_Example1_MU.txt": {},
    "qcoder/CoC_Example3_MU.txt": {},
    "qualcoder/ID1.docx": {},
    "qualcoder/ID2.odt": {},
    "qualcoder/plain_codes_categories_for_import.txt": {},
    "qualcoder/plain_text_categories_codes.txt": {},
    "qualcoder/transcript.txt": {"id1": 3, "id2": 2, "id3": 2},
    "textreadr/Yasmine_Interview_Transcript.docx": {"Hassan": 8, "Abd Rabou": 7},
    "textreadr/pres.deb1.docx": {"LEHRER": 46, "ROMNEY": 36, "OBAMA": 27},
    # Labels as written; --merge-aliases joins the surnames to the full names (test above).
    "textreadr/rl10075oralhistoryst002.pdf": {
        "SPAULDING": 85, "WATERS": 54, "BREADEN": 21, "JOHNSON": 18, "BREADON": 2, "CRAIG BREADEN": 1,
        "MARY WATERS SPAULDING": 1, "TOM WATERS": 1, "KIRSTON JOHNSON": 1,
    },
    "textreadr/trans1.docx": CLASSROOM,
    "textreadr/trans2.docx": CLASSROOM,
    "textreadr/trans3.docx": CLASSROOM,
    "textreadr/trans7.rtf": CLASSROOM,
    "textreadr/trans8.odt": CLASSROOM,
}


def test_every_file_is_pinned(real_data: Path) -> None:
    files = {p.relative_to(real_data).as_posix() for p in real_data.rglob("*") if p.is_file()}
    assert files == set(EXPECTED) | set(UNSUPPORTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_speakers_and_turns_of_every_file(real_data: Path, relative: str) -> None:
    doc = read(real_data, relative)
    assert dict(speakers(doc)) == EXPECTED[relative]
    # Nothing is lost: every word of the source is stored or reported as removed.
    assert doc.source_words is not None
    removed = sum(r.words for r in doc.removed.values())
    assert doc.source_words - removed == count_words(doc.text), doc.removed


@pytest.mark.parametrize("relative", UNSUPPORTED)
def test_files_that_are_not_transcripts_are_refused(real_data: Path, relative: str) -> None:
    with pytest.raises(InputError, match="unsupported file type"):
        read_document(real_data / relative)


def test_pdf_page_furniture_is_reported(real_data: Path) -> None:
    doc = read(real_data, "pdpilot/P1.pdf")
    # "1/5" .. "5/5" and the margin numbers printed down each page (95, 72, 51, 26 and 4 of them).
    assert doc.removed["page numbers and line numbers"].items == 5 + 95 + 72 + 51 + 26 + 4
    assert doc.convention == "Name: labels"
