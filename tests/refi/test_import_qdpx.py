"""`qcode import FILE.qdpx`: round trips, idempotence, real exports, other tools' positions."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Cli, OtherDb
from tests.refi.conftest import dump, everything, make_qdpx, sample, samples, units

U1, U2 = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
C1, C2 = "33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444"
S1 = "55555555-5555-4555-8555-555555555555"


def _fresh(tmp_path: Path, other_db: OtherDb, name: str = "fresh") -> Cli:
    """A new, empty project on the test's store."""
    db = other_db(name)
    cli = Cli(tmp_path, db)
    made = cli("init", str(db.parent)) if isinstance(db, Path) else cli("init")
    assert made.exit_code == 0, made.stderr
    return cli


def _import(cli: Cli, path: Path, *, coder: str = "importer") -> str:
    import os

    old = os.environ.get("QCODE_CODER")
    os.environ["QCODE_CODER"] = coder
    try:
        result = cli("import", str(path))
    finally:
        if old is None:
            os.environ.pop("QCODE_CODER", None)
        else:
            os.environ["QCODE_CODER"] = old
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    return result.stderr


def _codings(cli: Cli) -> list[dict[str, object]]:
    result = cli("codings", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# --- qcode to qcode ------------------------------------------------------------------------------


def test_round_trip_keeps_documents_codes_codings_coders_cases_and_memos(
    small: Cli, tmp_path: Path, other_db: OtherDb,
) -> None:
    out = tmp_path / "small.qdpx"
    assert small("export", "qdpx", str(out)).exit_code == 0
    fresh = _fresh(tmp_path, other_db)
    messages = _import(fresh, out)
    assert "positions read as Unicode code points" in messages
    before, after = dump(small.db), dump(fresh.db)
    for table in before:
        assert after[table] == before[table], table
    assert len(after["codings"]) == 4 and len(after["memos"]) == 5


def test_importing_the_same_file_twice_changes_nothing(
    small: Cli, tmp_path: Path, other_db: OtherDb,
) -> None:
    out = tmp_path / "small.qdpx"
    assert small("export", "qdpx", str(out)).exit_code == 0
    fresh = _fresh(tmp_path, other_db)
    _import(fresh, out)
    once = everything(fresh.db)
    messages = _import(fresh, out)
    assert everything(fresh.db) == once
    assert "0 documents imported, 1 unchanged" in messages
    assert "0 codings added, 4 unchanged" in messages


def test_importing_its_own_export_back_changes_nothing(small: Cli, tmp_path: Path) -> None:
    out = tmp_path / "small.qdpx"
    assert small("export", "qdpx", str(out)).exit_code == 0
    before = everything(small.db)
    _import(small, out, coder="ana")
    assert everything(small.db) == before


def test_a_reimported_project_exports_the_same_codebook_and_texts(
    small: Cli, tmp_path: Path, other_db: OtherDb,
) -> None:
    first, second = tmp_path / "one.qdpx", tmp_path / "two.qdpx"
    assert small("export", "qdpx", str(first)).exit_code == 0
    fresh = _fresh(tmp_path, other_db)
    _import(fresh, first)
    assert fresh("export", "qdpx", str(second)).exit_code == 0
    one, two = zipfile.ZipFile(first), zipfile.ZipFile(second)
    assert one.namelist() == two.namelist()
    for name in one.namelist()[1:]:
        assert one.read(name) == two.read(name)
    start = b"<CodeBook>"
    codebook = one.read("project.qde").split(start)[1].split(b"</CodeBook>")[0]
    assert codebook == two.read("project.qde").split(start)[1].split(b"</CodeBook>")[0]


def test_one_undo_takes_the_imported_codings_back(
    small: Cli, tmp_path: Path, other_db: OtherDb,
) -> None:
    out = tmp_path / "small.qdpx"
    assert small("export", "qdpx", str(out)).exit_code == 0
    fresh = _fresh(tmp_path, other_db)
    _import(fresh, out, coder="importer")
    assert len(_codings(fresh)) == 4
    result = fresh("undo", "--coder", "importer")
    assert result.exit_code == 0, result.stderr
    assert _codings(fresh) == []


def test_a_closed_roster_refuses_new_users_and_changes_nothing(
    small: Cli, tmp_path: Path, other_db: OtherDb,
) -> None:
    out = tmp_path / "small.qdpx"
    assert small("export", "qdpx", str(out)).exit_code == 0
    other = _fresh(tmp_path, other_db)
    assert other("coders", "add", "pia", "--role", "pi").exit_code == 0
    assert other("coders", "--closed", "--coder", "pia").exit_code == 0
    before = everything(other.db)
    result = other("import", str(out))
    assert result.exit_code == 1
    assert "roster is closed" in result.stderr and "nothing was imported" in result.stderr
    assert everything(other.db) == before


def test_new_codes_join_an_existing_codebook(small: Cli, tmp_path: Path) -> None:
    path = make_qdpx(tmp_path / "other.qdpx", _PROJECT.format(origin="Other tool 2", s1=0, e1=6, s2=0, e2=1),
                     {"sources/a.txt": b"Vienna is far.\n"})
    messages = _import(small, path, coder="ana")
    assert "codes added (codebook version 2)" in messages
    shown = json.loads(small("codebook", "show", "--format", "json").stdout)
    keys = [n["id"] for n in shown]
    assert keys[:4] == ["sources", "diaspora", "owner_emigration", "barriers"]
    assert {"trade_fairs", "clients"} <= set(keys)
    assert next(n for n in shown if n["id"] == "clients")["parent"] == "trade_fairs"


# --- other tools' positions ------------------------------------------------------------------------


_PROJECT = (f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{{origin}}">
 <Users><User guid="{U1}" name="Mira"/><User guid="{U2}" name="Jovan"/></Users>
 <CodeBook><Codes>
  <Code guid="{C1}" name="Trade fairs" isCodable="true" color="#FF8800">
   <Code guid="{C2}" name="Clients" isCodable="true"/>
  </Code>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="{S1}" name="a.txt" plainTextPath="internal://Sources/a.txt">
   <PlainTextSelection guid="66666666-6666-4666-8666-666666666661"
    startPosition="{{s1}}" endPosition="{{e1}}">
    <Coding guid="77777777-7777-4777-8777-777777777771" creatingUser="{U1}">
     <CodeRef targetGUID="{C1}"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="66666666-6666-4666-8666-666666666662"
    startPosition="{{s2}}" endPosition="{{e2}}">
    <Coding guid="77777777-7777-4777-8777-777777777772" creatingUser="{U2}">
     <CodeRef targetGUID="{C2}"/></Coding>
   </PlainTextSelection>
  </TextSource>
 </Sources>
</Project>
""")

_TEXT = ("Interviewer: Where did 😀 you learn?\r\n"
         "Respondent: From my cousin 🙂 in Vienna, at the fair.\r\nČao.\r\n")


def _positions(word: str, rule: str, *, crlf_one: bool = False) -> tuple[int, int]:
    text = _TEXT.replace("\r\n", "\n") if crlf_one else _TEXT
    at = text.index(word)
    return units(text[:at], rule), units(text[: at + len(word)], rule)


@pytest.mark.parametrize(("origin", "rule", "crlf_one", "bom", "expected"), [
    ("NVivo 14.23", "utf16", False, True, "UTF-16 code units, CRLF counted as two"),
    ("Some tool 1.0", "utf16", False, False, "UTF-16 code units, CRLF counted as two"),
    ("NVivo 14.23", "codepoints", False, True, "Unicode code points, CRLF counted as two"),
    ("Other 2", "codepoints", True, False, "Unicode code points, CRLF counted as one"),
])
def test_positions_are_read_under_the_rule_the_file_follows(
    tmp_path: Path, other_db: OtherDb, origin: str, rule: str, crlf_one: bool, bom: bool, expected: str,
) -> None:
    (s1, e1) = _positions("Vienna", rule, crlf_one=crlf_one)
    (s2, e2) = _positions("Čao", rule, crlf_one=crlf_one)
    data = (b"\xef\xbb\xbf" if bom else b"") + _TEXT.encode("utf-8")
    xml = _PROJECT.format(origin=origin, s1=s1, e1=e1, s2=s2, e2=e2)
    path = make_qdpx(tmp_path / "nv.qdpx", xml, {"Sources/a.txt": data})
    fresh = _fresh(tmp_path, other_db)
    messages = _import(fresh, path)
    assert f"positions read as {expected}" in messages
    assert ("the BOM is not counted" in messages) is bom
    quotes = {(c["code"], c["text"], c["coder"]) for c in _codings(fresh)}
    assert quotes == {("trade_fairs", "Vienna", "Mira"), ("clients", "Čao", "Jovan")}


def test_the_stored_text_is_normalised_and_the_codings_still_fit(tmp_path: Path, other_db: OtherDb) -> None:
    # As a Mac may store it: decomposed (NFD) letters before the selections, counted by the tool
    # in UTF-16 units of that text; qcode stores NFC, so every later position moves.
    decomposed = "C\u030cac\u030cak, 2021.\r\n" + _TEXT
    def at(word: str) -> tuple[int, int]:
        start = decomposed.index(word)
        return units(decomposed[:start], "utf16"), units(decomposed[: start + len(word)], "utf16")

    (s1, e1), (s2, e2) = at("cousin 🙂 in Vienna"), at("fair")
    xml = _PROJECT.format(origin="NVivo 12", s1=s1, e1=e1, s2=s2, e2=e2)
    path = make_qdpx(tmp_path / "nfd.qdpx", xml, {"sources/a.txt": decomposed.encode("utf-8")})
    fresh = _fresh(tmp_path, other_db)
    _import(fresh, path)
    assert {c["text"] for c in _codings(fresh)} == {"cousin 🙂 in Vienna", "fair"}
    shown = fresh("show", "a.txt")
    assert "Čačak, 2021." in shown.stdout and "\u030c" not in shown.stdout


def test_inline_text_and_whole_source_codings(tmp_path: Path, other_db: OtherDb) -> None:
    xml = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p">
      <CodeBook><Codes><Code guid="{C1}" name="All" isCodable="true"/></Codes></CodeBook>
      <Sources><TextSource guid="{S1}" name="inline"><PlainTextContent>Line one.&#13;
Line two.</PlainTextContent><Coding guid="{U2}"><CodeRef targetGUID="{C1}"/></Coding></TextSource></Sources>
    </Project>"""
    fresh = _fresh(tmp_path, other_db)
    messages = _import(fresh, make_qdpx(tmp_path / "inline.qdpx", xml), coder="mira")
    (coding,) = _codings(fresh)
    assert coding["text"] == "Line one.\nLine two." and coding["coder"] == "mira"
    assert "credited to mira" in messages


# --- real exports ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", samples("*.qd[ep]*"), ids=lambda p: p.name)
def test_every_sample_project_imports_once(path: Path, tmp_path: Path, other_db: OtherDb) -> None:
    fresh = _fresh(tmp_path, other_db)
    _import(fresh, path)
    once = everything(fresh.db)
    assert once["coders"], "every sample names at least one user"
    _import(fresh, path)
    assert everything(fresh.db) == once


def test_atlas_ti_blank_project(tmp_path: Path, other_db: OtherDb) -> None:
    fresh = _fresh(tmp_path, other_db)
    _import(fresh, sample("atlasti-win-23.2_blank-project.qdpx"))
    coders = json.loads(fresh("coders", "--format", "json").stdout)
    assert [c["name"] for c in coders] == ["Enric Llagostera"]  # not the pseudo-user "ATLAS.ti"
    assert coders[0]["uuid"] == "088b08ac-d5cd-4adb-8b71-b4f3459c177f"  # upper case in the file


def test_atlas_ti_codes_only_project(tmp_path: Path, other_db: OtherDb) -> None:
    fresh = _fresh(tmp_path, other_db)
    _import(fresh, sample("atlasti-win-23.2_codes-only-project.qdpx"))
    shown = json.loads(fresh("codebook", "show", "--format", "json").stdout)
    assert [(n["id"], n["parent"], n["label"]) for n in shown] == [
        ("commits", None, "Commits"),
        ("code_2022_05_10t02_05_59z_19e4dce", "commits", "2022-05-10T02:05:59Z 19e4dce"),
        ("code_2022_02_11t10_39_25z_cdbfd92", "commits", "2022-02-11T10:39:25Z cdbfd92"),
    ]
    assert all(n["colour"] is None for n in shown)


def test_nvivo_one_byte_sources_do_not_stop_the_import(tmp_path: Path, other_db: OtherDb) -> None:
    fresh = _fresh(tmp_path, other_db)
    messages = _import(fresh, sample("nvivo-mac-15.0_reimport-of-qc.qdpx"))
    assert "has no text (its file is empty); skipped" in messages
    assert "2 empty sources" in messages
    shown = json.loads(fresh("codebook", "show", "--format", "json").stdout)
    assert len(shown) == 262
    assert len({n["id"] for n in shown}) == 262  # repeated names such as `programming` get their own ids
    assert sum(1 for n in shown if n["label"] == "programming") == 2
    assert {c["name"] for c in json.loads(fresh("coders", "--format", "json").stdout)} == {"chrisp", "cp"}


def test_qc_nonconformant_project_finds_sources_by_base_name(tmp_path: Path, other_db: OtherDb) -> None:
    path = sample("qc-1.3.2_demo_NONCONFORMANT.qdpx")
    fresh = _fresh(tmp_path, other_db)
    messages = _import(fresh, path)
    assert "2 documents imported" in messages and "205 codings added" in messages
    docs = json.loads(fresh("docs", "--format", "json").stdout)
    assert sorted(d["name"] for d in docs) == ["admin-1.txt", "board_2017.txt"]
    with zipfile.ZipFile(path) as archive:
        raw = archive.read("sources/board_2017.txt").decode("utf-8")
        xml = archive.read("project.qde").decode("utf-8")
    import re

    spans = {(int(s), int(e)) for s, e in re.findall(r'startPosition="(\d+)" endPosition="(\d+)"', xml)}
    codings = _codings(fresh)
    assert len(codings) == 205
    assert {(c["start"], c["end"]) for c in codings} == spans  # the text is ASCII with LF: as given
    assert all(c["text"] == raw[int(c["start"]):int(c["end"])] for c in codings)
    assert {c["coder"] for c in codings} == {"cp"}
    before = everything(fresh.db)
    _import(fresh, path)
    assert everything(fresh.db) == before


def test_spec_annex_project_without_source_files(tmp_path: Path, other_db: OtherDb) -> None:
    fresh = _fresh(tmp_path, other_db)
    messages = _import(fresh, sample("spec-1.5_annexA2_atlasti-8.4-mac_project.qde"))
    assert "a .qde alone carries no source files" in messages
    assert "left out:" in messages and "1 pictures" in messages and "4 PDF selections" in messages
    shown = json.loads(fresh("codebook", "show", "--format", "json").stdout)
    assert len(shown) == 14
    assert next(n for n in shown if n["label"] == "Coke::diet Coke")["definition"] == "non sucré"
    assert next(n for n in shown if n["label"] == "Coke")["colour"] == "#966450"
    memos = fresh("memo", "project", "--format", "json")
    texts = [m["text"] for m in json.loads(memos.stdout)]
    assert any(t.startswith("Research Plan") for t in texts)
    names = {c["name"] for c in json.loads(fresh("coders", "--format", "json").stdout)}
    assert "ATLAS.ti" not in names and "Friedrich Markgraf" in names


def test_a_codebook_is_not_a_project(tmp_path: Path, other_db: OtherDb) -> None:
    qdc = sample("spec-1.5_annexA1_codebook.qdc")
    copy = tmp_path / "book.qde"
    copy.write_bytes(qdc.read_bytes())
    fresh = _fresh(tmp_path, other_db)
    result = fresh("import", str(copy))
    assert result.exit_code == 1
    assert "not a REFI-QDA project" in result.stderr and "qcode codebook import" in result.stderr


def test_lenient_reading_of_variants_real_tools_write(tmp_path: Path, other_db: OtherDb) -> None:
    """A project file not called project.qde, a draft namespace, braced upper-case GUIDs, an
    empty <Sets/>, a source with no name found by its base name, no users at all, and a
    variable given on the source rather than on a case."""
    code, source = "{" + C1.upper() + "}", "{" + S1.upper() + "}"
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
    <Project xmlns="urn:QDA-XML:project:0:10" name="Trial">
     <CodeBook><Codes><Code guid="{code}" name="Fairs" isCodable="1" color="#F80"/></Codes></CodeBook>
     <Variables><Variable guid="{U1}" name="Region" typeOfVariable="Text"/></Variables>
     <Sources><TextSource guid="{source}" plainTextPath="Interview 1.TXT">
      <PlainTextSelection guid="{U2}" startPosition="0" endPosition="6"><Coding guid="{C2}">
       <CodeRef targetGUID="{code.lower()}"/></Coding></PlainTextSelection>
      <VariableValue><VariableRef targetGUID="{U1}"/><TextValue>Šumadija</TextValue></VariableValue>
     </TextSource></Sources>
     <Sets/>
    </Project>"""
    path = tmp_path / "Project.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Trial.qde", xml)
        archive.writestr("SOURCES/interview 1.txt", "Vienna, the fair.\n")
    fresh = _fresh(tmp_path, other_db)
    messages = _import(fresh, path, coder="mira")
    assert "namespace urn:QDA-XML:project:0:10" in messages
    (coding,) = _codings(fresh)
    assert (coding["document"], coding["code"], coding["text"], coding["coder"]) == (
        "Interview 1.TXT", "fairs", "Vienna", "mira")
    shown = json.loads(fresh("codebook", "show", "--format", "json").stdout)
    assert shown[0]["colour"] == "#ff8800" and shown[0]["uuid"] == C1
    cases = json.loads(fresh("cases", "--format", "json").stdout)
    assert [(c["name"], c["attributes"]) for c in cases] == [("Interview 1", {"Region": "Šumadija"})]
    docs = json.loads(fresh("docs", "--format", "json").stdout)
    assert docs[0]["uuid"] == S1


@pytest.mark.postgres
@pytest.mark.sqlite_only  # from a SQLite project through PostgreSQL and back to SQLite
def test_round_trip_through_postgres(small: Cli, pg_empty: str, tmp_path: Path, other_db: OtherDb) -> None:
    out, back = tmp_path / "small.qdpx", tmp_path / "back.qdpx"
    assert small("export", "qdpx", str(out)).exit_code == 0
    pg = Cli(tmp_path, pg_empty)
    assert pg("init").exit_code == 0
    _import(pg, out)
    again = _import(pg, out)
    assert "0 codings added, 4 unchanged" in again and "0 memos added, 5 unchanged" in again
    assert pg("export", "qdpx", str(back)).exit_code == 0
    fresh = _fresh(tmp_path, other_db)
    _import(fresh, back)
    before, after = dump(small.db), dump(fresh.db)
    for table in before:
        assert after[table] == before[table], table


def test_a_category_with_old_codings_comes_back_as_it_was(
    small: Cli, tmp_path: Path, other_db: OtherDb,
) -> None:
    from tests.cli.test_codebook_cli import V1

    later = tmp_path / "later.yaml"
    text = V1.replace('version: "1.0"', 'version: "1.1"')
    held = "definition: What held exporting back."
    text = text.replace(held, held + "\n    apply: false")
    later.write_text(text, "utf-8")
    assert small("codebook", "load", str(later)).exit_code == 0
    out = tmp_path / "small.qdpx"
    assert small("export", "qdpx", str(out)).exit_code == 0
    fresh = _fresh(tmp_path, other_db)
    _import(fresh, out)
    before, after = dump(small.db), dump(fresh.db)
    assert after["codes"] == before["codes"] and after["codings"] == before["codings"]
    assert any(row[1] == "barriers" and not row[12] for row in after["codes"])


def test_a_qdc_given_to_import_says_what_to_run(tmp_path: Path, other_db: OtherDb) -> None:
    fresh = _fresh(tmp_path, other_db)
    result = fresh("import", str(sample("spec-1.5_annexA1_codebook.qdc")))
    assert result.exit_code == 1
    assert "qcode codebook import" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_sample_interviews_of_every_format_round_trip(tmp_path: Path, other_db: OtherDb) -> None:
    """Real corpus files (txt, md, docx, odt, vtt, srt; Latin and Cyrillic) with their cases,
    coded through the autocoder: the export validates and comes back whole."""
    from tests.conftest import INTERVIEWS, SAMPLE_CODEBOOK
    from tests.refi.conftest import assert_valid, project_xml

    by_suffix: dict[str, list[Path]] = {}
    for path in sorted(INTERVIEWS.glob("int_*")):
        by_suffix.setdefault(path.suffix, []).append(path)
    chosen = [p for paths in by_suffix.values() for p in paths[:2]]
    chosen += [p for p in sorted(INTERVIEWS.glob("int_*.txt")) if "Ђ" in p.read_text("utf-8")
               or "ђ" in p.read_text("utf-8")][:1]
    source = Cli(tmp_path, other_db("source"))
    assert source("init", "--codebook", str(SAMPLE_CODEBOOK), "--coder", "ana").exit_code == 0
    run = source("import", *map(str, chosen), "--cases", str(INTERVIEWS / "cases.csv"))
    assert run.exit_code == 0, run.stderr
    assert source("autocode", "online_platforms", "--words", "upwork,freelancer,platform",
                  "--unit", "sentence").exit_code == 0
    assert source("autocode", "diaspora", "--words", "cousin,uncle,brother", "--unit", "sentence",
                  "--coder", "ben").exit_code == 0
    out = tmp_path / "sample.qdpx"
    assert source("export", "qdpx", str(out)).exit_code == 0
    assert_valid(project_xml(out), "Project.xsd")
    fresh = _fresh(tmp_path, other_db)
    _import(fresh, out)
    before, after = dump(source.db), dump(fresh.db)
    assert len(before["documents"]) == len(set(chosen)) and before["codings"]
    assert any("ђ" in row[2].lower() for row in before["documents"])
    for table in before:
        assert after[table] == before[table], table
