"""Untrusted REFI-QDA files: each is refused with one clear line, and the project is unchanged."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.refi.conftest import everything, make_qdpx

GOOD = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="x">
 <Users><User guid="11111111-1111-4111-8111-111111111111" name="Mira"/></Users>
 <CodeBook><Codes>
  <Code guid="33333333-3333-4333-8333-333333333333" name="Fairs" isCodable="true"/>
 </Codes></CodeBook>
 <Sources><TextSource guid="55555555-5555-4555-8555-555555555555" name="a.txt" plainTextPath="internal://a.txt">
  <PlainTextSelection guid="66666666-6666-4666-8666-666666666666" startPosition="0" endPosition="6">
   <Coding guid="77777777-7777-4777-8777-777777777777" creatingUser="11111111-1111-4111-8111-111111111111">
    <CodeRef targetGUID="33333333-3333-4333-8333-333333333333"/></Coding>
  </PlainTextSelection></TextSource></Sources>
</Project>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY a "lollollollollollollollollollol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&g;"/>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&secret;"/>
"""

XXE_PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>
"""


@pytest.fixture
def target(small: Cli) -> Cli:
    return small


def _refused(cli: Cli, path: Path, *needles: str) -> None:
    before = everything(cli.db)
    result = cli("import", str(path))
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for needle in needles:
        assert needle in lines[0]
    assert "Traceback" not in result.stderr
    assert everything(cli.db) == before


def test_the_good_file_imports(target: Cli, tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "good.qdpx", GOOD, {"sources/a.txt": b"Vienna, a fair."})
    result = target("import", str(path))
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("member", ["../evil.txt", "sources/../../evil.txt", "/etc/evil.txt", "C:/evil.txt",
                                    "..\\evil.txt"])
def test_zip_slip(target: Cli, tmp_path: Path, member: str) -> None:
    path = make_qdpx(tmp_path / "slip.qdpx", GOOD, {"sources/a.txt": b"Vienna", member: b"x"})
    _refused(target, path, "points outside the archive", "slip.qdpx")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_symbolic_links(target: Cli, tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "link.qdpx", GOOD, {"sources/a.txt": b"Vienna"})
    with zipfile.ZipFile(path, "a") as archive:
        info = zipfile.ZipInfo("sources/b.txt")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    _refused(target, path, "symbolic link")


def test_billion_laughs(target: Cli, tmp_path: Path) -> None:
    _refused(target, make_qdpx(tmp_path / "laughs.qdpx", LAUGHS), "DTD", "laughs.qdpx")


@pytest.mark.parametrize("xml", [XXE, XXE_PARAMETER])
def test_external_entities(target: Cli, tmp_path: Path, xml: str) -> None:
    _refused(target, make_qdpx(tmp_path / "xxe.qdpx", xml), "DTD")


def test_a_bare_qde_with_entities(target: Cli, tmp_path: Path) -> None:
    path = tmp_path / "laughs.qde"
    path.write_text(LAUGHS, "utf-8")
    _refused(target, path, "DTD")


def test_an_oversized_member(target: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qcode.export.refi import archive

    monkeypatch.setattr(archive, "MAX_SOURCE_BYTES", 1000)
    path = make_qdpx(tmp_path / "big.qdpx", GOOD, {"sources/a.txt": b"Vienna " * 1000})
    _refused(target, path, "sources/a.txt", "at most 1,000")


def test_a_member_larger_than_its_header_says(
    target: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcode.export.refi import archive

    monkeypatch.setattr(archive, "MAX_SOURCE_BYTES", 1000)
    path = make_qdpx(tmp_path / "bomb.qdpx", GOOD, {"sources/a.txt": b"Vienna " * 1000})
    data = bytearray(path.read_bytes())
    # Lie about the size in both headers: 7000 bytes claimed as 100 (a classic zip bomb trick).
    with zipfile.ZipFile(path) as probe:
        info = probe.getinfo("sources/a.txt")
    for offset in (info.header_offset + 22, data.rfind(b"PK\x01\x02", 0) + 24):
        data[offset:offset + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    _refused(target, path, "bomb.qdpx", "cannot be unpacked")


def test_too_many_members(target: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qcode.export.refi import archive

    monkeypatch.setattr(archive, "MAX_MEMBERS", 5)
    files = {f"sources/{n}.txt": b"x" for n in range(6)}
    _refused(target, make_qdpx(tmp_path / "many.qdpx", GOOD, files), "files (at most 5)")


def test_not_a_zip_or_xml(target: Cli, tmp_path: Path) -> None:
    path = tmp_path / "junk.qdpx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    _refused(target, path, "not a readable .qdpx")
    broken = tmp_path / "broken.qdpx"
    make_qdpx(broken, "<Project><Users>")
    _refused(target, broken, "not well-formed XML")


def test_no_project_file_inside(target: Cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sources/a.txt", "text")
    _refused(target, path, "no project.qde")


def test_an_encrypted_member(target: Cli, tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "locked.qdpx", GOOD, {"sources/a.txt": b"Vienna"})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as probe:
        info = probe.getinfo("sources/a.txt")
    data[info.header_offset + 6] |= 1  # the "encrypted" flag, in both headers
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1
    path.write_bytes(bytes(data))
    _refused(target, path, "encrypted")


def test_a_file_that_does_not_exist(target: Cli, tmp_path: Path) -> None:
    _refused(target, tmp_path / "missing.qdpx", "does not exist")


def test_a_codebook_with_entities(cli: Cli, tmp_path: Path) -> None:
    path, out = tmp_path / "laughs.qdc", tmp_path / "book.yaml"
    path.write_text(LAUGHS.replace("Project", "CodeBook"), "utf-8")
    result = cli("codebook", "import", str(path), "-o", str(out), db=False)
    assert result.exit_code == 1
    assert "DTD" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
