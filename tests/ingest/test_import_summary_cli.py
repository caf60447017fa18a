"""`qcode import` tells, per file, what it found: convention, rules, removals, words; and
`--dry-run`, `--speakers`, `--follow-links`, and turn counts where there are speakers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import Cli

TRANSCRIBE = (
    "00:00:03 Speaker 1\nSo we started with two lathes.\n\n00:00:07 Speaker 1\nThen a third.\n\n"
    "00:00:09 Speaker 2\nAnd who bought first?\n\n00:00:14 Speaker 1\nA firm in Graz.\n"
)
CAPTIONS = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOne\n\n00:00:02.000 --> 00:00:03.000\ntwo.\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "t.txt").write_text(TRANSCRIBE, encoding="utf-8")
    (src / "c.vtt").write_text(CAPTIONS, encoding="utf-8")
    (src / "z.txt").write_text("I: Hello\u200b there.\nR: Hi.\nI: Bye.\nR: Bye.", encoding="utf-8")
    return src


def test_one_line_per_file(project: Cli, folder: Path) -> None:
    run = project("import", str(folder))
    assert run.exit_code == 0, run.stderr
    lines = run.stderr.splitlines()
    assert "c.vtt: captions without speakers (2 cues) — 2 cues, 1 turns; words 2 → 2" in lines
    assert (
        "t.txt: timestamp and speaker on a line of their own, with timestamps — 2 speakers, 3 turns; "
        "merged 1 repeated labels; removed: repeated speaker labels (1); words 37 → 32"
    ) in lines
    assert "z.txt: NAME: labels — 2 speakers, 4 turns; removed: invisible characters (1); words 9 → 9" \
        in lines
    assert run.stdout == ""
    again = project("import", str(folder))  # unchanged files: no per-file lines
    assert "t.txt:" not in again.stderr and "3 unchanged" in again.stderr


def test_docs_and_summary_count_turns_only_where_there_are_speakers(project: Cli, folder: Path) -> None:
    project("import", str(folder))
    docs = {d["name"]: d["turns"] for d in json.loads(project("docs", "--format", "json").stdout)}
    assert docs == {"c.vtt": 0, "t.txt": 3, "z.txt": 4}
    summary = json.loads(project("summary", "--format", "json").stdout)
    assert summary["turns"] == 7


def test_show_by_turn_without_turns_shows_paragraphs(project: Cli, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("First paragraph of notes.\n\nSecond one.", encoding="utf-8")
    project("import", str(path))
    run = project("show", "notes", "--by", "turn")
    assert run.exit_code == 0
    assert "notes.txt has no speaker turns; showing its paragraphs" in run.stderr
    assert run.stdout == "# notes.txt\n\np1\nFirst paragraph of notes.\n\np2\nSecond one.\n"


def test_dry_run_lists_speakers_and_stores_nothing(project: Cli, folder: Path, tmp_path: Path) -> None:
    before = (tmp_path / "qcode.db").read_bytes()
    run = project("import", "--dry-run", str(folder / "t.txt"), "--format", "csv")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines() == ["file,speaker,turns", f"{folder}/t.txt,Speaker 1,2",
                                       f"{folder}/t.txt,Speaker 2,1"]
    assert "t.txt: timestamp and speaker" in run.stderr and "nothing stored" in run.stderr
    assert (tmp_path / "qcode.db").read_bytes() == before
    assert json.loads(project("docs", "--format", "json").stdout) == []


def test_dry_run_needs_no_project(cli: Cli, folder: Path) -> None:
    run = cli("import", "--dry-run", str(folder / "z.txt"), "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout) == [{"file": f"{folder}/z.txt", "speaker": "I", "turns": 2},
                                      {"file": f"{folder}/z.txt", "speaker": "R", "turns": 2}]


def test_speakers_option(project: Cli, folder: Path) -> None:
    run = project("import", "--dry-run", "--speakers", "none", str(folder / "z.txt"))
    assert "z.txt: no speakers (--speakers none) — no speaker turns" in run.stderr
    listed = project("import", "--dry-run", "--speakers", "R", str(folder / "z.txt"), "--format", "json")
    assert json.loads(listed.stdout) == [{"file": f"{folder}/z.txt", "speaker": "R", "turns": 2}]


def test_links_need_follow_links(project: Cli, folder: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("I: private.\nR: yes.\nI: ok.\nR: ok.", encoding="utf-8")
    (folder / "s.txt").symlink_to(secret)
    run = project("import", str(folder))
    assert run.exit_code == 0
    assert "1 skipped (1 (link; --follow-links))" in run.stderr
    names = [d["name"] for d in json.loads(project("docs", "--format", "json").stdout)]
    assert "s.txt" not in names
    followed = project("import", "--follow-links", str(folder))
    assert followed.exit_code == 0 and "1 imported" in followed.stderr


def test_undecodable_name_is_reported_and_the_rest_import(project: Cli, folder: Path) -> None:
    try:
        fd = os.open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), os.O_WRONLY | os.O_CREAT)
    except (OSError, ValueError):
        pytest.skip("this file system refuses names that are not UTF-8")
    os.write(fd, b"I: a\nR: b")
    os.close(fd)
    run = project("import", str(folder))
    assert run.exit_code == 1
    assert f"{folder}/bad\ufffd.txt: the name is not valid UTF-8; rename the file" in run.stderr
    assert "3 imported" in run.stderr and "1 failed" in run.stderr
    assert "Traceback" not in run.stderr


def test_document_stored_before_invisible_characters_were_removed(project: Cli, tmp_path: Path) -> None:
    import hashlib
    import sqlite3

    path = tmp_path / "old.txt"
    path.write_text("I: Hello\u200b there.\nR: Hi.\nI: Bye.\nR: Bye.", encoding="utf-8")
    assert project("import", str(path)).exit_code == 0
    # As an earlier qcode stored it: with the zero-width space in the text.
    old = "I: Hello\u200b there.\nR: Hi.\nI: Bye.\nR: Bye."
    con = sqlite3.connect(tmp_path / "qcode.db")
    con.execute("UPDATE documents SET text = ?, sha256 = ?", (old, hashlib.sha256(old.encode()).hexdigest()))
    con.commit()
    con.close()
    refused = project("import", str(path))
    assert refused.exit_code == 1
    assert "differs from the stored text only by invisible or control characters" in refused.stderr
    updated = project("import", "--update", str(path))
    assert updated.exit_code == 0 and "1 updated" in updated.stderr
    view = json.loads(project("show", "old", "--format", "json").stdout)
    assert view["text"] == "I: Hello there.\nR: Hi.\nI: Bye.\nR: Bye."
