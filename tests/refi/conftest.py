"""REFI-QDA test helpers: the shared samples and schemas, XSD validation, a small coded project,
and a dump of a project's content for comparing two projects or one project before and after."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import TRANSCRIPT
from tests.cli.test_codebook_cli import V1
from tests.conftest import REFI, Cli, db_url

SAMPLES = REFI / "samples"
TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:?\d\d)?")


def refi_file(name: str) -> Path:
    path = REFI / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared REFI-QDA folder is beside the checkout on CI)")
    return path


def sample(name: str) -> Path:
    return refi_file(f"samples/{name}")


def samples(pattern: str) -> list[Path]:
    return sorted(SAMPLES.glob(pattern)) if SAMPLES.is_dir() else []


def schema(name: str) -> Any:
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(refi_file(name))))


def assert_valid(xml: bytes, xsd: str) -> None:
    from lxml import etree

    validator = schema(xsd)
    document = etree.fromstring(xml)
    assert validator.validate(document), str(validator.error_log)


def project_xml(qdpx: Path) -> bytes:
    with zipfile.ZipFile(qdpx) as archive:
        return archive.read("project.qde")


def dump(db: Path | str | None) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a round trip must keep, keyed by uuids and names (never by ids); times to the
    second, as REFI-QDA keeps them."""
    from sqlalchemy import text

    from qcode.store.engine import get_engine

    queries = {
        "documents": "select d.uuid, d.name, d.text, d.sha256, c.uuid from documents d "
                     "left join cases c on c.id = d.case_id",
        "codes": "select c.uuid, c.key, c.label, p.key, c.position, c.brief, c.definition, c.when_to_use, "
                 "c.when_not_to_use, c.examples_json, c.colour, c.retired, c.applicable "
                 "from codes c left join codes p on p.id = c.parent_id",
        "codings": "select g.uuid, d.uuid, k.uuid, r.uuid, g.start, g.\"end\", g.quote, g.prefix, g.suffix, "
                   "g.anchor, g.layer, g.created_at from codings g "
                   "join documents d on d.id = g.document_id join codes k on k.id = g.code_id "
                   "join coders r on r.id = g.coder_id",
        "coders": "select uuid, name from coders",
        "cases": "select uuid, name from cases",
        "attributes": "select c.uuid, a.name, a.value from case_attributes a "
                      "join cases c on c.id = a.case_id",
        "memos": "select m.uuid, m.target_type, coalesce(d.uuid, k.uuid, g.uuid), m.text, r.uuid, "
                 "m.created_at from memos m "
                 "left join coders r on r.id = m.coder_id "
                 "left join documents d on m.target_type = 'document' and d.id = m.target_id "
                 "left join codes k on m.target_type = 'code' and k.id = m.target_id "
                 "left join codings g on m.target_type = 'coding' and g.id = m.target_id",
        "units": "select d.uuid, u.kind, u.number, u.start, u.\"end\", u.speaker from units u "
                 "join documents d on d.id = u.document_id",
    }
    with get_engine(db_url(db)).connect() as conn:
        return {name: sorted(tuple(map(_to_second, r)) for r in conn.execute(text(q)).all())
                for name, q in queries.items()}


def _to_second(value: Any) -> Any:
    """A time (a `datetime` from PostgreSQL, a string from SQLite) as `YYYY-MM-DDTHH:MM:SS`."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, str) and TIME.fullmatch(value):
        return value[:19].replace(" ", "T")
    return value


def everything(db: Path | str | None) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a refused import changed nothing at all."""
    from sqlalchemy import inspect, text

    from qcode.store.engine import get_engine

    with get_engine(db_url(db)).connect() as conn:
        tables = [t for t in inspect(conn).get_table_names() if not t.startswith("fts")]
        return {t: sorted(map(repr, conn.execute(text(f'select * from "{t}"')).all())) for t in tables}


@pytest.fixture
def small(cli: Cli, tmp_path: Path) -> Cli:
    """A coded project: the small codebook, two coders, one transcript with Cyrillic and an emoji,
    a case with attributes, codings, and memos on a coding, the document, a code and the project."""
    book = tmp_path / "book.yaml"
    book.write_text(V1, "utf-8")
    assert cli("init", "--codebook", str(book), "--coder", "ana").exit_code == 0
    src = tmp_path / "int_001.txt"
    src.write_text(TRANSCRIPT, "utf-8")
    cases = tmp_path / "cases.csv"
    cases.write_text("document,case,sector,founded,export_share,listed\n"
                     "int_001.txt,Firm A,IT services,1994,0.40,true\n", "utf-8")
    assert cli("import", str(src), "--cases", str(cases)).exit_code == 0
    for args in (
        ("tag", "int_001", "t2", "diaspora"),
        ("tag", "int_001", "--quote", "cousin in Vienna", "owner_emigration"),
        ("tag", "int_001", "--quote", "Никада нисмо научили ништа од њих 🙂", "barriers", "--coder", "ben"),
        ("tag", "int_001", "--quote", "Čačak je drugačiji", "diaspora", "--coder", "ben"),
        ("memo", "coding", "1", "family tie, not a network?"),
        ("memo", "coding", "1", "agreed: a network", "--coder", "ben"),
        ("memo", "document", "int_001", "Interview in Čačak.\nSecond line."),
        ("memo", "code", "barriers", "=SUM(A1) is not a formula here"),
        ("memo", "project", "Pilot study memo"),
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
    return cli


def make_qdpx(path: Path, xml: str, files: dict[str, bytes] | None = None) -> Path:
    """A .qdpx of a project.qde and its source files, as another tool might write it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml.encode("utf-8"))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    return path


def units(text: str, rule: str) -> int:
    """The length of `text` counted as a tool counts positions: `utf16` or code points."""
    return len(text.encode("utf-16-le")) // 2 if rule == "utf16" else len(text)
