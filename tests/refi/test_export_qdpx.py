"""`qcode export qdpx`: valid against Project.xsd, stable GUIDs, reproducible bytes."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sqlalchemy import text

from tests.conftest import Cli, db_url
from tests.refi.conftest import assert_valid, project_xml

NS = "{urn:QDA-XML:project:1.0}"


def _export(cli: Cli, name: str) -> Path:
    out = cli.cwd / name
    result = cli("export", "qdpx", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {out}" in result.stderr
    return out


def _rows(db: Path | str | None, query: str) -> list[tuple[object, ...]]:
    from qcode.store.engine import get_engine

    with get_engine(db_url(db)).connect() as conn:
        return [tuple(r) for r in conn.execute(text(query)).all()]


def test_export_validates_against_the_project_schema(small: Cli) -> None:
    out = _export(small, "small.qdpx")
    assert_valid(project_xml(out), "Project.xsd")


def test_members_are_the_project_then_one_text_per_document_in_order(small: Cli) -> None:
    from lxml import etree

    out = _export(small, "small.qdpx")
    with zipfile.ZipFile(out) as archive:
        infos = archive.infolist()
        root = etree.fromstring(archive.read("project.qde"))
        names = [i.filename for i in infos]
        assert names[0] == "project.qde"
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        for source in root.iter(f"{NS}TextSource"):
            member = "sources/" + source.get("plainTextPath").removeprefix("internal://")
            assert member in names
            text = archive.read(member).decode("utf-8")
            assert not text.startswith("\ufeff") and "\r" not in text
            (stored,) = _rows(small.db, f"select text from documents where uuid = '{source.get('guid')}'")
            assert text == stored[0]


def test_guids_are_the_rows_uuids(small: Cli) -> None:
    from lxml import etree

    root = etree.fromstring(project_xml(_export(small, "small.qdpx")))
    for element, table in (("User", "coders"), ("Code", "codes"), ("Coding", "codings"), ("Note", "memos"),
                           ("Case", "cases"), ("TextSource", "documents")):
        guids = {e.get("guid") for e in root.iter(f"{NS}{element}")}
        assert guids == {r[0] for r in _rows(small.db, f"select uuid from {table}")}, element


def test_an_unchanged_project_exports_the_same_bytes(small: Cli) -> None:
    first = _export(small, "one.qdpx").read_bytes()
    second = _export(small, "two.qdpx").read_bytes()
    assert first == second
    assert small("tag", "int_001", "t4", "barriers").exit_code == 0
    third = _export(small, "three.qdpx").read_bytes()
    assert third != first


def test_selections_carry_codings_coders_and_quotes(small: Cli) -> None:
    from lxml import etree

    root = etree.fromstring(project_xml(_export(small, "small.qdpx")))
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{NS}User")}
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{NS}Code")}
    (source,) = root.iter(f"{NS}TextSource")
    text = _rows(small.db, "select text from documents")[0][0]
    seen = []
    for selection in source.iter(f"{NS}PlainTextSelection"):
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        quote = " ".join(str(text)[start:end].split())
        assert selection.get("name") == (quote if len(quote) <= 100 else quote[:100] + "…")
        for coding in selection.iter(f"{NS}Coding"):
            code = codes[coding.find(f"{NS}CodeRef").get("targetGUID")]
            seen.append((str(text)[start:end], code, users[coding.get("creatingUser")]))
    assert ("Никада нисмо научили ништа од њих 🙂", "Barriers", "ben") in seen
    assert ("cousin in Vienna", "Owner's emigration", "ana") in seen
    assert len(seen) == 4


def test_memos_are_notes_referred_to_from_what_they_are_on(small: Cli) -> None:
    from lxml import etree

    root = etree.fromstring(project_xml(_export(small, "small.qdpx")))
    notes = {n.get("guid"): n.find(f"{NS}PlainTextContent").text for n in root.iter(f"{NS}Note")}

    def referred(element: object) -> list[str]:
        return [notes[r.get("targetGUID")] for r in element.findall(f"{NS}NoteRef")]

    assert referred(root) == ["Pilot study memo"]
    (source,) = root.iter(f"{NS}TextSource")
    assert referred(source) == ["Interview in Čačak.\nSecond line."]
    barriers = next(c for c in root.iter(f"{NS}Code") if c.get("name") == "Barriers")
    assert referred(barriers) == ["=SUM(A1) is not a formula here"]
    on_codings = [m for c in root.iter(f"{NS}Coding") for m in referred(c)]
    assert on_codings == ["family tie, not a network?", "agreed: a network"]


def test_case_attributes_become_typed_variables(small: Cli) -> None:
    from lxml import etree

    root = etree.fromstring(project_xml(_export(small, "small.qdpx")))
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iter(f"{NS}Variable")}
    assert types == {"sector": "Text", "founded": "Integer", "export_share": "Float", "listed": "Boolean"}
    (case,) = root.iter(f"{NS}Case")
    assert case.get("name") == "Firm A"
    values = [(v[1].tag.removeprefix(NS), v[1].text) for v in case.iter(f"{NS}VariableValue")]
    assert sorted(values) == [("BooleanValue", "true"), ("FloatValue", "0.40"), ("IntegerValue", "1994"),
                              ("TextValue", "IT services")]
    assert [s.get("targetGUID") for s in case.iter(f"{NS}SourceRef")] == [
        next(root.iter(f"{NS}TextSource")).get("guid")]


def test_rounds_become_sets_of_their_documents(small: Cli) -> None:
    from lxml import etree

    from qcode.store.engine import get_engine

    with get_engine(db_url(small.db)).begin() as conn:
        conn.execute(text("insert into rounds (uuid, name, blind, status, created_at) values "
                          "('4a3c1d3e-0000-4000-8000-000000000001', 'pilot', :blind, 'open', '2026-01-01')"),
                     {"blind": True})
        conn.execute(text("insert into round_assignments select r.id, c.id, d.id from rounds r, coders c, "
                          "documents d"))
    xml = project_xml(_export(small, "small.qdpx"))
    assert_valid(xml, "Project.xsd")
    root = etree.fromstring(xml)
    (group,) = root.iter(f"{NS}Set")
    assert group.get("guid") == "4a3c1d3e-0000-4000-8000-000000000001"
    assert group.get("name") == "round pilot"
    assert "coders: ana, ben" in group.find(f"{NS}Description").text
    assert [m.get("targetGUID") for m in group.iter(f"{NS}MemberSource")] == [
        next(root.iter(f"{NS}TextSource")).get("guid")]


def test_an_empty_project_exports_a_valid_file(project: Cli) -> None:
    out = _export(project, "empty.qdpx")
    assert_valid(project_xml(out), "Project.xsd")


def test_control_characters_do_not_break_the_xml(small: Cli) -> None:
    assert small("memo", "project", "bell \x07 and form\x0cfeed").exit_code == 0
    xml = project_xml(_export(small, "small.qdpx"))
    assert_valid(xml, "Project.xsd")
    assert "bell \ufffd and form\ufffdfeed" in xml.decode("utf-8")


def test_an_unwritable_target_is_one_clear_error(small: Cli) -> None:
    blocker = small.cwd / "file"
    blocker.write_text("x")
    result = small("export", "qdpx", str(blocker / "sub" / "out.qdpx"))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write")
    assert len(result.stderr.strip().splitlines()) == 1
