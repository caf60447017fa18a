"""Untrusted files: zip bombs, truncated RTF, links, FIFOs and file names that are not UTF-8."""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import pytest

from qcode.corpus.importing import collect_paths
from qcode.corpus.ingest.registry import read_document
from qcode.errors import InputError

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with_body(paragraphs: int, padding: int) -> bytes:
    """A docx whose document.xml holds `paragraphs` paragraphs, plus `padding` random bytes
    stored in another member so that the archive's compression ratio looks ordinary."""
    body = "".join(f"<w:p><w:r><w:t>Respondent: line {n} of a long answer.</w:t></w:r></w:p>"
                   for n in range(paragraphs))
    xml = f'<?xml version="1.0"?><w:document {_W}><w:body>{body}</w:body></w:document>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
        archive.writestr("word/media/padding.bin", random.Random(0).randbytes(padding),
                         compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def test_docx_that_unpacks_past_the_limit_is_refused(tmp_path: Path) -> None:
    # About 12 MB of XML in a file of a few hundred KB: the declared sizes and the ratio look
    # plausible, so only counting what really inflates (against the text limit) stops it.
    data = docx_with_body(200_000, 400_000)
    assert len(data) < 2**20
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        assert sum(i.file_size for i in infos) / sum(i.compress_size for i in infos) < 200
    path = tmp_path / "bomb.docx"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"bomb\.docx unpacks to more than"):
        read_document(path, max_bytes=2**20)


def test_text_limit_applies_to_the_text_a_file_unpacks_to(tmp_path: Path) -> None:
    path = tmp_path / "long.docx"
    path.write_bytes(docx_with_body(8_000, 1_000))  # ~0.5 MB of XML, ~0.3 MB of text
    assert path.stat().st_size < 2**18
    with pytest.raises(InputError, match=r"long\.docx holds more than 0.2 MB of text"):
        read_document(path, max_bytes=2**18)
    assert len(read_document(path, max_bytes=2**20).text) > 2**18  # within a larger limit it imports


RTF = (
    r"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}\f0 Interviewer: How did it start?\par" "\n"
    r"Respondent: {\i Slowly}, with one lathe and a loan.\par" "\n"
    r"Interviewer: And then?\par" "\n" r"Respondent: We exported.\par}"
)


@pytest.mark.parametrize("cut", [60, 120, len(RTF) - 1])
def test_truncated_rtf_is_refused_naming_the_file(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "cut.rtf"
    path.write_bytes(RTF[:cut].encode())
    with pytest.raises(InputError, match=r"cut\.rtf is truncated or damaged"):
        read_document(path)
    whole = tmp_path / "whole.rtf"
    whole.write_bytes(RTF.encode())
    assert [t.speaker for t in read_document(whole).turns] == ["Interviewer", "Respondent"] * 2


def test_links_in_a_folder_are_skipped_unless_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("I: private\nR: yes")
    (outside / "other.txt").write_text("I: other\nR: yes")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("I: hello\nR: hi")
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "linked_dir").symlink_to(outside, target_is_directory=True)
    plain = collect_paths([folder])
    assert [p.name for p in plain.files] == ["a.txt"]
    assert plain.skipped == {"(link; --follow-links)": 2}
    followed = collect_paths([folder], follow_links=True)
    # secret.txt is reached twice (the file link and the folder link) and collected once.
    assert sorted(p.name for p in followed.files) == ["a.txt", "link.txt", "other.txt"]


def test_a_link_loop_is_walked_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("text")
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    assert [p.name for p in collect_paths([folder], follow_links=True).files] == ["a.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifos_are_never_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "a.txt").write_text("text")
    collected = collect_paths([folder], follow_links=True)
    assert [p.name for p in collected.files] == ["a.txt"]
    assert collected.skipped == {"(not a regular file)": 1}
    with pytest.raises(InputError, match="not a regular file"):
        read_document(folder / "pipe.txt")  # named directly: refused at once, never blocks


def test_devices_are_never_read(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    with pytest.raises(InputError, match=r"zero\.txt is not a regular file"):
        read_document(tmp_path / "zero.txt")


def test_undecodable_name_is_reported_and_the_rest_collected(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    try:
        fd = os.open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), os.O_WRONLY | os.O_CREAT)
    except (OSError, ValueError):
        pytest.skip("this file system refuses names that are not UTF-8")
    os.write(fd, b"text")
    os.close(fd)
    (folder / "z.txt").write_text("text")
    collected = collect_paths([folder])
    assert [p.name for p in collected.files] == ["z.txt"]
    assert collected.errors == [f"{folder}/bad\ufffd.txt: the name is not valid UTF-8; rename the file"]
