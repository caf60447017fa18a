"""Speaker-turn conventions found in real transcripts, one small text each."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qcode.corpus.ingest.aliases import merge_aliases
from qcode.corpus.ingest.base import Turn
from qcode.corpus.ingest.speakers import parse_turns


def speakers(text: str) -> list[str | None]:
    return [t.speaker for t in parse_turns(text).turns]


def speech(text: str) -> list[str]:
    return [text[t.start : t.end] for t in parse_turns(text).turns]


def test_name_colon_and_capitals() -> None:
    text = "LEHRER: First question.\nROMNEY: An answer.\nLEHRER: Thanks.\nOBAMA: Mine."
    assert speakers(text) == ["LEHRER", "ROMNEY", "LEHRER", "OBAMA"]
    assert speech(text) == ["First question.", "An answer.", "Thanks.", "Mine."]


def test_role_labels_with_numbers() -> None:
    text = "Interviewer 1: Hello there.\n\nSpeaker 2: Hi.\n\nInterviewer 1: Go on."
    assert speakers(text) == ["Interviewer 1", "Speaker 2", "Interviewer 1"]


def test_single_letter_roles() -> None:
    text = "I: How did you start?\nR: With a loan.\nI: And then?\nR: We exported."
    assert speakers(text) == ["I", "R", "I", "R"]


def test_bracket_labels_qualcoder() -> None:
    text = "[id1] hello, I like it.\n\n[id2] I am struggling.\n\n[id1] Me too."
    assert speakers(text) == ["id1", "id2", "id1"]
    assert speech(text)[0] == "hello, I like it."


def test_label_alone_on_its_line() -> None:
    text = "Interview\nDan:\nOkay. So now.\nParticipant:\nOkay.\nDan:\nRight."
    parsed = parse_turns(text)
    turns, metadata = parsed.turns, parsed.metadata
    assert [t.speaker for t in turns] == ["Dan", "Participant", "Dan"]
    assert text[turns[0].start : turns[0].end] == "Okay. So now."
    assert metadata["header"] == ["Interview"]


def test_dash_separator() -> None:
    text = "Speaker 1 - We started in 2005.\n\nSpeaker 2 - Why then?\n\nSpeaker 1 - Luck."
    assert speakers(text) == ["Speaker 1", "Speaker 2", "Speaker 1"]
    assert speech(text)[1] == "Why then?"


def test_no_space_after_colon() -> None:
    text = "Teacher4:Students it's time.\n\nStudent2:Yes teacher.\n\nTeacher4:Good."
    assert speakers(text) == ["Teacher4", "Student2", "Teacher4"]
    assert speech(text)[0] == "Students it's time."


def test_tab_after_colon_and_singleton_in_labelled_document() -> None:
    text = (
        "Researcher 2:\tOctober 7, 1892.\n\nTeacher 4:\tStudents it's time.\n\n"
        "Multiple Students:\tYes teacher.\n\nTeacher 4:\tLet's read."
    )
    assert speakers(text) == ["Researcher 2", "Teacher 4", "Multiple Students", "Teacher 4"]
    assert speech(text)[2] == "Yes teacher."


def test_timestamps_before_and_after_label() -> None:
    text = (
        "[00:12:31] Ana: We began.\n"
        "Marko [00:12:40]: In Novi Sad?\n"
        "00:12:45 Ana: Yes.\n"
        "Marko: [00:13:00] Why?"
    )
    turns = parse_turns(text).turns
    assert [(t.speaker, t.timestamp) for t in turns] == [
        ("Ana", "00:12:31"),
        ("Marko", "00:12:40"),
        ("Ana", "00:12:45"),
        ("Marko", "00:13:00"),
    ]
    assert [text[t.start : t.end] for t in turns] == ["We began.", "In Novi Sad?", "Yes.", "Why?"]


def test_otter_label_with_time_alone() -> None:
    text = "Speaker 1  0:03\nWelcome.\n\nSpeaker 2  0:10\nThanks.\n"
    turns = parse_turns(text).turns
    assert [(t.speaker, t.timestamp) for t in turns] == [("Speaker 1", "0:03"), ("Speaker 2", "0:10")]


def test_one_off_labels_with_timestamps_like_the_others() -> None:
    teams = "Ana Marić  0:03\nHello there.\n\nJon  0:10\nHi.\n\nAna Marić  0:15\nBye."
    assert speakers(teams) == ["Ana Marić", "Jon", "Ana Marić"]
    brackets = "[00:00:01] [Maria] hello\n[00:00:05] [Jon] hi\n[00:00:09] [Maria] bye"
    assert speakers(brackets) == ["Maria", "Jon", "Maria"]
    assert speech(brackets) == ["hello", "hi", "bye"]


def test_unlabelled_paragraphs_continue_the_speaker() -> None:
    text = "ROMNEY: One.\nTwo is this.\n\nThree.\nOBAMA: Four.\nROMNEY: Five."
    turns = parse_turns(text).turns
    assert text[turns[0].start : turns[0].end] == "One.\nTwo is this.\n\nThree."


def test_non_speech_markers_are_not_speakers_and_stay_in_text() -> None:
    text = (
        "Teacher 4: Ready?\n\n[Student discussion; unintelligible]\n\n"
        "Student 1: Yes [inaudible] teacher.\n\n(CROSSTALK)\n\n[Cross Talk 3:00]\n\n"
        "Teacher 4: Good (laughter).\n\n[Maria]\n\nTeacher 4: End."
    )
    turns = parse_turns(text).turns
    assert {t.speaker for t in turns} == {"Teacher 4", "Student 1"}
    # A marker paragraph between turns belongs to neither; inside speech it stays.
    assert text[turns[0].start : turns[0].end] == "Ready?"
    assert text[turns[1].start : turns[1].end] == "Yes [inaudible] teacher."
    assert "(CROSSTALK)" in text


def test_prose_with_colons_has_no_speakers() -> None:
    text = (
        "Note: this firm exported early.\n\nThe answer was: yes, to Germany.\n\n"
        "Belgrade: a city of firms.\n\nWe had three goals: growth, export, people."
    )
    assert speakers(text) == []


def test_false_label_in_labelled_transcript_is_speech() -> None:
    text = (
        "INTERVIEWER: Tell me.\nRESPONDENT: Well.\nNote: we sold.\n"
        "INTERVIEWER: More?\nRESPONDENT: I -- I know."
    )
    turns = parse_turns(text).turns
    assert [t.speaker for t in turns] == ["INTERVIEWER", "RESPONDENT", "INTERVIEWER", "RESPONDENT"]
    assert text[turns[1].start : turns[1].end] == "Well.\nNote: we sold."


def test_header_block_goes_to_metadata() -> None:
    text = (
        "Acme Transcription Ltd, since 2011\n\n"
        "Interviewer: Yasmine Hassan\nNarrator: Ahmad Abd Rabou\nDate: 16/10/2014\n"
        "Place: Cairo\n\nPersons Present:   Yasmine Hassan - I\n      Ahmad Abd Rabou - S\n\n"
        "Hassan:   Could you tell me your name?\n\n"
        " Abd Rabou:   My name is Ahmad.\n               I teach.\n\n"
        "Hassan:   Thank you.\n\nAbd Rabou:   Welcome."
    )
    parsed = parse_turns(text)
    turns, metadata = parsed.turns, parsed.metadata
    assert [t.speaker for t in turns] == ["Hassan", "Abd Rabou", "Hassan", "Abd Rabou"]
    assert metadata["Interviewer"] == "Yasmine Hassan"
    assert metadata["Narrator"] == "Ahmad Abd Rabou"
    assert metadata["Date"] == "16/10/2014"
    assert metadata["Place"] == "Cairo"
    assert metadata["Persons Present"] == "Yasmine Hassan - I\nAhmad Abd Rabou - S"
    assert metadata["header"] == ["Acme Transcription Ltd, since 2011"]
    assert text[turns[1].start : turns[1].end] == "My name is Ahmad.\n               I teach."


def test_interviewer_speaking_first_is_a_turn_not_metadata() -> None:
    text = "Date: 2024-03-01\n\nInterviewer: Thanks for coming, how did it start?\nRespondent: Slowly."
    parsed = parse_turns(text)
    turns, metadata = parsed.turns, parsed.metadata
    assert [t.speaker for t in turns] == ["Interviewer", "Respondent"]
    assert metadata == {"Date": "2024-03-01"}


def test_header_with_short_role_values_and_empty_keys() -> None:
    text = (
        "Datum: 12.03.2024.\nMesto: Niš\nInterviewee: P3\nTranscriber:\n\n"
        "Interviewer: Kako ste počeli?\nInterviewee: Polako.\nInterviewer: Hvala."
    )
    parsed = parse_turns(text)
    turns, metadata = parsed.turns, parsed.metadata
    assert metadata == {"Datum": "12.03.2024.", "Mesto": "Niš", "Interviewee": "P3", "Transcriber": ""}
    assert [t.speaker for t in turns] == ["Interviewer", "Interviewee", "Interviewer"]


def test_serbian_and_cyrillic_labels() -> None:
    text = "Истраживач: Како сте почели?\nИспитаник: Полако.\nИстраживач: А онда?\nИспитаник: Извоз."
    assert speakers(text) == ["Истраживач", "Испитаник", "Истраживач", "Испитаник"]
    latin = "Ispitivač: Kako ste počeli?\nSagovornik: Polako, uz đake.\nIspitivač: Dobro."
    assert speakers(latin) == ["Ispitivač", "Sagovornik", "Ispitivač"]


def test_markdown_bold_labels() -> None:
    text = "**Interviewer:** Hello.\n\n**Owner:** Hi.\n\n**Interviewer:** Bye.\n\n**Owner:** Bye."
    assert speakers(text) == ["Interviewer", "Owner", "Interviewer", "Owner"]
    assert speech(text)[1] == "Hi."


def test_speaker_case_first_seen_wins() -> None:
    text = "Dan: One.\nDAN: Two.\nAna: Three.\nANA: Four."
    assert speakers(text) == ["Dan", "Dan", "Ana", "Ana"]


def test_merge_aliases_auto_surname_and_typo() -> None:
    names = ["CRAIG BREADEN", "MARY SPAULDING", "BREADEN", "SPAULDING", "BREADEN", "BREADON"]
    names += ["BREADEN", "SPAULDING"] * 3
    turns = [Turn(i, i + 1, name) for i, name in enumerate(names)]
    merged = merge_aliases(turns, auto=True)
    assert {t.speaker for t in merged} == {"CRAIG BREADEN", "MARY SPAULDING"}
    assert merge_aliases(turns) == turns  # nothing changes without aliases or auto


def test_merge_aliases_explicit_and_case_insensitive() -> None:
    turns = [Turn(0, 1, "I"), Turn(2, 3, "R"), Turn(4, 5, "i")]
    merged = merge_aliases(turns, {"i": "Interviewer", "R": "Respondent"})
    assert [t.speaker for t in merged] == ["Interviewer", "Respondent", "Interviewer"]


def test_merge_aliases_leaves_ambiguous_and_short_labels() -> None:
    # Two earlier full names end in WATERS: a bare WATERS could be either.
    turns = [Turn(0, 1, "TOM WATERS"), Turn(1, 2, "ANN WATERS"), Turn(2, 3, "WATERS")]
    assert [t.speaker for t in merge_aliases(turns, auto=True)][-1] == "WATERS"
    # Short labels one edit apart are different people (Ana / Ane), not typos.
    short = [Turn(0, 1, "Ana"), Turn(1, 2, "Ana"), Turn(2, 3, "Ane")]
    assert [t.speaker for t in merge_aliases(short, auto=True)] == ["Ana", "Ana", "Ane"]


def test_merge_aliases_keeps_numbered_and_lettered_speakers_apart() -> None:
    names = ["Speaker 2"] * 30 + ["Speaker 3"] + ["Interviewer A"] * 30 + ["Interviewer B"]
    turns = [Turn(i, i + 1, name) for i, name in enumerate(names)]
    assert merge_aliases(turns, auto=True) == turns


LINES = st.sampled_from(
    [
        "I: Hello.",
        "R: Yes [inaudible].",
        "Interviewer:",
        "  indented continuation",
        "",
        "(CROSSTALK)",
        "[id1] text",
        "Date: 2020",
        "Note: prose",
        "00:01:02 Ana: ok",
        "ANA - dash",
        "Ћирилица: 😀",
        "Name:\ttab",
    ]
)


@given(st.lists(LINES, max_size=30))
def test_turns_are_well_formed_for_any_mix_of_conventions(lines: list[str]) -> None:
    text = "\n".join(lines)
    parsed = parse_turns(text)
    turns, metadata, text = parsed.turns, parsed.metadata, parsed.text
    previous_end = 0
    for turn in turns:
        assert previous_end <= turn.start < turn.end <= len(text)
        assert text[turn.start : turn.end] == text[turn.start : turn.end].strip()
        previous_end = turn.end
    assert isinstance(metadata, dict)
