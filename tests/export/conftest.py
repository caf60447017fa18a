"""A small fixed project for the export tests: four transcripts (one without a case, one in
Cyrillic with emoji), three levels of codes, two coders, a round, a consensus coding, and memos
that a spreadsheet would run as formulas."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli

BOOK = """\
codebook: Export test book
version: "2.0"
language: en
authors: [Jelena Ristić]
codes:
  - id: sources
    label: Knowledge sources
    brief: Where know-how came from.
    definition: Where the firm's know-how came from.
    colour: "#4e79a7"
    children:
      - id: diaspora
        label: Diaspora networks
        definition: Help from emigrants.
        examples: ["My cousin in Vienna found the buyer."]
        children:
          - id: diaspora.family
            label: Family abroad
            definition: Relatives abroad helped.
      - id: colocation
        label: Co-location
        definition: Learning from firms nearby.
        when_not_to_use: A mere description of the location.
  - id: barriers
    label: Barriers
    definition: |
      What held exporting back.
      Two lines.
  - id: old_code
    label: Old code
    definition: No longer used.
    retired: true
"""

INT_001 = """Interviewer: How did you find buyers abroad?

Respondent: Through my cousin in Vienna. He knew a firm.
The firm in Vienna needed welders.

Interviewer: And the firms in your zone?

Respondent: We learned from the neighbours in the zone. Banks would not lend.
"""

INT_002 = """Interviewer: Ко вам је помогао?

Milica Đorđević: Рођак из Беча 🇦🇹 нам је помогао. Фирме у зони нису.

Interviewer: Anything else?

Milica Đorđević: Diaspora matters 👍🏽 a lot. Loans were hard.
"""

INT_003 = """Interviewer: Tell me about your first export.

Respondent: =cmd|' /C calc'!A0 was a joke our IT guy made. My uncle in Chicago helped.
"""

INT_004 = """A note without speakers.
My cousin Ana helped us once.
"""

CASES = """document,case,sector,region,size
int_001.txt,F001,IT services,Niš,small
int_002.txt,F002,metal processing,Čačak,medium
int_003.txt,F003,IT services,Beograd,10
"""

# (document, target, code, coder, memo)
TAGS = [
    ("int_001", "--quote=my cousin in Vienna", "diaspora.family", "ana", "=SUM(A1)"),
    ("int_001", "t2", "diaspora", "ben", None),
    ("int_001", "t4", "colocation", "ana", "'=kept as typed"),
    ("int_001", "--quote=Banks would not lend.", "barriers", "ana", None),
    ("int_001", "--quote=Banks would not lend.", "barriers", "ben", "-денied"),
    ("int_002", "--quote=Рођак из Беча 🇦🇹", "diaspora.family", "ana", "@Milica Đorđević"),
    ("int_002", "--quote=Фирме у зони нису.", "colocation", "ben", "denied"),
    ("int_002", "--quote=Diaspora matters 👍🏽", "diaspora", "ana", None),
    ("int_002", "--quote=Loans were hard.", "barriers", "ana", None),
    ("int_003", "--quote==cmd|' /C calc'!A0", "barriers", "ben", "+formula in the text"),
    ("int_003", "--quote=My uncle in Chicago helped.", "diaspora.family", "ben", None),
    ("int_004", "l2", "diaspora.family", "ana", "Ana is the owner's cousin"),
    # A span that starts on a speaker's label: its turn is the one that follows.
    ("int_001", "c46-60", "colocation", "ben", None),
]


def build(cli: Cli, tmp_path: Path) -> Cli:
    book = tmp_path / "book.yaml"
    book.write_text(BOOK, "utf-8")
    run = cli("init", "--codebook", str(book), "--coder", "ana")
    assert run.exit_code == 0, run.stderr
    src = tmp_path / "src"
    src.mkdir()
    for name, text in (("int_001.txt", INT_001), ("int_002.txt", INT_002),
                       ("int_003.txt", INT_003), ("int_004.txt", INT_004)):
        (src / name).write_bytes(text.encode("utf-8"))
    (tmp_path / "cases.csv").write_text(CASES, "utf-8")
    run = cli("import", str(src), "--cases", str(tmp_path / "cases.csv"))
    assert run.exit_code == 0, run.stderr
    for doc, target, code, coder, memo in TAGS:
        args = ["tag", doc, target, code, "--coder", coder]
        if target.startswith("--quote="):
            args = ["tag", doc, "--quote", target.removeprefix("--quote="), code, "--coder", coder]
        if memo is not None:
            args += ["--memo", memo]
        run = cli(*args)
        assert run.exit_code == 0, (args, run.stderr)
    _round_and_consensus(cli.db)
    return cli


def _round_and_consensus(db: Path | str | None) -> None:
    """Rounds and the consensus layer have no commands yet: ben's codings of int_001 belong to
    round `pilot`, and one consensus coding stands on int_002."""
    from sqlalchemy import select, update

    from qcode.store.engine import session_scope, to_url
    from qcode.store.models import Code, Coder, Coding, Document, Round

    assert db is not None
    with session_scope(to_url(db) if isinstance(db, Path) else db, write=True) as session:
        pilot = Round(name="pilot")
        session.add(pilot)
        session.flush()
        ben = session.execute(select(Coder.id).where(Coder.name == "ben")).scalar_one()
        doc = session.execute(select(Document).where(Document.name == "int_002.txt")).scalar_one()
        session.execute(update(Coding).where(
            Coding.coder_id == ben,
            Coding.document_id.in_(select(Document.id).where(Document.name == "int_001.txt")),
        ).values(round_id=pilot.id))
        code = session.execute(select(Code).where(Code.key == "diaspora")).scalar_one()
        start = doc.text.index("Рођак")
        session.add(Coding(document_id=doc.id, code_id=code.id, coder_id=ben, layer="consensus",
                           start=start, end=start + 5, quote=doc.text[start:start + 5]))


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export-project")
    build(Cli(root, root / "qcode.db"), root)
    return root / "qcode.db"


def copy_project(template: Path, target: Path) -> None:
    import sqlite3

    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()


@pytest.fixture
def exp(cli: Cli, tmp_path: Path, request: pytest.FixtureRequest) -> Cli:
    """The export test project in a store of its own: on SQLite a copy of a file built once per
    run, on PostgreSQL built afresh in the test's schema."""
    if not isinstance(cli.db, Path):
        return build(cli, tmp_path)
    copy_project(request.getfixturevalue("_template"), cli.db)
    return cli
