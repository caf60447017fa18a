"""What the terminal shows is the text: every command, on a terminal and off one, over a project
whose transcript, names, paths and memos hold rich markup (`[laughs]`, `[/]`, `[bold red]x[/]`)
and terminal control sequences (OSC window title, clear screen, an 8-bit CSI).

Control characters are planted in the store after the project is built (in place of
placeholders of the same length, so every offset stays true), so this checks what display does
with them whatever import and the codebook check let in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import Cli

MARKUP = ["[laughs]", "[/]", "[bold red]x[/]"]
# Placeholder -> planted control sequence, the same length.
PLANTED = {"QQQQQQQQQQ": "\x1b]0;owned\x07", "WWWW": "\x1b[2J", "VVVV": "\x9b31m"}
OSC, CSI, C1 = r"\x1b]0;owned\x07", r"\x1b[2J", r"\x9b31m"  # as they must be shown
RAW = ["\x1b]", "\x1b[2J", "\x07", "\x9b"]

TRANSCRIPT = """Interviewer: [laughs] How did you find buyers? QQQQQQQQQQ

Respondent: [laughs] [/] [bold red]x[/] QQQQQQQQQQ WWWW VVVV my cousin in Vienna helped.

Interviewer: And then?
"""
BOOK = """codebook: "Book [/] QQQQQQQQQQ"
version: "1.0"
codes:
  - id: diaspora
    label: "Diaspora [laughs] [/] [bold red]x[/] QQQQQQQQQQ"
    definition: Help from emigrants.
  - id: barriers
    label: Barriers
    definition: What held exporting back.
"""
CODER = "ana [/] QQQQQQQQQQ"
DOC = "int_001 [laughs] QQQQQQQQQQ.txt"


@dataclass
class Step:
    argv: list[str]
    shows: list[str] = field(default_factory=list)
    input: str | None = None
    exit_code: int = 0


def _build(cli: Cli, tmp_path: Path) -> dict[str, Path]:
    """The project, with placeholders where control characters go; the files the steps use."""
    folder = tmp_path / "cb [laughs] [" / "b]"
    folder.mkdir(parents=True)
    book = folder / "book.yaml"
    book.write_text(BOOK, "utf-8")
    changed = folder / "changed.yaml"
    changed.write_text(
        BOOK + '  - id: platforms\n    label: "Platforms [laughs] [/]"\n'
        "    definition: Clients met online.\n",
        "utf-8",
    )
    made = cli("init", "--codebook", str(book), "--coder", CODER, "--name", "S [bold red]x[/] QQQQQQQQQQ")
    assert made.exit_code == 0, made.stderr
    source = tmp_path / "in [laughs] [" / "b]"
    source.mkdir(parents=True)
    (source / DOC).write_text(TRANSCRIPT, "utf-8")
    cases = source / "cases.csv"
    cases.write_text(f'document,case,sector\n"{DOC}","F1 [/] QQQQQQQQQQ","IT [bold red]x[/]"\n', "utf-8")
    imported = cli("import", str(source / DOC), "--cases", str(cases))
    assert imported.exit_code == 0, imported.stderr
    for argv in (["tag", "int_001", "t2", "diaspora"], ["memo", "coding", "1", "[bold red]x[/] QQQQQQQQQQ"]):
        assert cli(*argv).exit_code == 0
    _plant(tmp_path / "qcode.db")
    exported = tmp_path / "cod [laughs] [" / "b] codings.csv"
    exported.parent.mkdir()
    exported.write_text(cli("codings", "--format", "csv").stdout, "utf-8")
    fresh = tmp_path / "imp [laughs] [" / "b]"
    fresh.mkdir(parents=True)
    (fresh / "bad \x1b]0;owned\x07.txt").write_bytes(b"\x00\x01\x02binary" * 50)
    (fresh / "cp \x1b[2J.txt").write_bytes("Interviewer: Čačak i Niš\n".encode("cp1250"))
    return {
        "book": book,
        "changed": changed,
        "exported": exported,
        "fresh": fresh.parent,
        "new": tmp_path / "new [laughs] [" / "b]" / "q.db",
    }


def _plant(db: Path) -> None:
    from sqlalchemy import String, func, update

    from qcode.store.engine import session_scope, to_url
    from qcode.store.models import Base

    with session_scope(to_url(db), write=True) as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, String) or column.name.endswith("_json"):
                    continue
                value = column
                for mark, control in PLANTED.items():
                    value = func.replace(value, mark, control)
                session.execute(update(table).values({column.name: value}))


def _steps(files: dict[str, Path]) -> list[Step]:
    everything = [*MARKUP, OSC, CSI, C1]
    return [
        Step(["summary"], ["[bold red]x[/]", OSC]),
        Step(["docs"], ["[laughs]", OSC]),
        Step(["cases"], ["[/]", "[bold red]x[/]", OSC]),
        Step(["show", "int_001"], everything),
        Step(["show", "int_001", "--by", "turn"], everything),
        Step(["codebook", "show"], [*MARKUP, OSC]),
        Step(["codebook", "versions"], ["[/]", OSC]),
        Step(["codebook", "check", str(files["changed"])], ["[laughs] [/b]"]),
        Step(["codebook", "diff", str(files["changed"])], ["Platforms [laughs] [/]"]),
        Step(["tag", "int_001", "t1", "barriers"], ["[laughs]", OSC]),
        Step(["undo"], [OSC]),
        Step(["redo"], [OSC]),
        Step(["untag", "2"], ["[laughs]", OSC]),
        Step(["recode", "1", "barriers"], [*MARKUP, OSC]),
        Step(["recode", "1", "diaspora"], [*MARKUP, OSC]),
        Step(["memo", "coding", "1"], ["[/]", "[bold red]x[/]", OSC]),
        Step(["memo", "coding", "1", "more [laughs]"], ["[/]", OSC]),
        Step(["coders"], ["[/]", OSC]),
        Step(
            ["round", "create", "r [laughs]", "--coders", f"{CODER},cy [/]", "--docs", "int_001"],
            ["r [laughs]"],
        ),
        Step(["round", "status", "r [laughs]"], ["[/]", OSC]),
        Step(["round", "list"], ["r [laughs]"]),
        Step(["round", "close", "r [laughs]"], ["r [laughs]"]),
        Step(["consensus", "build", "--round", "r [laughs]"], ["r [laughs]"]),
        Step(
            ["resolve", "int_001:t2:diaspora", "--accept", "none", "--note", "[laughs]"],
            ["int_001"],
            exit_code=1,
        ),
        Step(["stats", "--by", "sector"], ["[bold red]x[/]"]),
        Step(["coders", "add", "ben [laughs]"], ["ben [laughs]"]),
        Step(["coders", "rename", "ben [laughs]", "bo [/]"], ["bo [/]"]),
        Step(["coders", "merge", "bo [/]", CODER], ["bo [/]"]),
        Step(["undo"], [OSC]),
        Step(["coders", "retire", "bo [/]"], ["bo [/]"]),
        Step(["memo", "--edit", "1", "edited [laughs]"], ["memo entry 1"]),
        Step(["agreement", "--coders", f"{CODER},bo [/]", "--unit", "turn"], ["[/]"], exit_code=1),
        Step(["disagreements", "--coders", f"{CODER},bo [/]", "--unit", "turn"], ["[/]", OSC]),
        Step(["db", "check"], [OSC], exit_code=3),  # the planted controls changed texts under their hashes
        Step(["db", "backup", str(files["book"].parent / "backup [laughs].db")], ["[laughs] [/b]"]),
        Step(["db", "upgrade"], []),
        Step(["db", "vacuum"], []),
        # Team logins need PostgreSQL: on this SQLite project each is one clean line.
        Step(["team", "add-coder", CODER, "--login", "ana"], [], exit_code=1),
        Step(["team", "list"], [], exit_code=1),
        Step(["team", "setup"], [], exit_code=1),
        Step(["team", "remove-coder", CODER], [], exit_code=1),
        Step(
            ["pack", "export", "--coder", CODER, "-o", str(files["book"].parent / "p [laughs].qpack")],
            ["[laughs] [/b]"],
        ),
        # Refused: the planted text no longer matches the hash the package carries.
        Step(
            ["pack", "import", str(files["book"].parent / "p [laughs].qpack")],
            ["[laughs] [/b]", OSC],
            exit_code=1,
        ),
        Step(["export", "qdpx", str(files["book"].parent / "p [laughs].qdpx")], ["[laughs] [/b]"]),
        Step(["export", "memos", "-o", str(files["book"].parent / "memos [laughs].csv")], ["[laughs] [/b]"]),
        Step(
            ["export", "codebook", "--format", "qdc", "-o", str(files["book"].parent / "c [laughs].qdc")],
            ["[laughs] [/b]"],
        ),
        Step(
            [
                "codebook",
                "import",
                str(files["book"].parent / "c [laughs].qdc"),
                "-o",
                str(files["book"].parent / "from-qdc [laughs].yaml"),
            ],
            ["[laughs] [/b]"],
        ),
        # Exports are data: to a file or a pipe as stored (see the test below for a terminal).
        *(
            Step(["export", kind, "-o", str(files["book"].parent / f"{kind} [/].csv")], ["[laughs] [/b]"])
            for kind in ("segments", "frequencies", "matrix", "cooccurrence", "codebook")
        ),
        Step(["report", "-o", str(files["book"].parent / "report [/].html")], ["[laughs] [/b]"]),
        Step(["codings"], [*MARKUP, OSC]),
        Step(["log"], ["[laughs]", OSC]),
        Step(["retrieve", "diaspora"], everything),
        Step(["search", "cousin"], ["[bold red]x[/]", OSC, CSI, C1]),
        Step(["autocode", "diaspora", "--words", "cousin", "--dry-run"], [*MARKUP, OSC]),
        Step(["import-codings", str(files["exported"])], ["[laughs] [/b]"]),
        Step(["code", "int_001"], everything, input="l\nn\nx\n"),
        Step(
            [
                "codebook",
                "add",
                "--write",
                "newcode",
                "--label",
                "New [laughs] [/]",
                "--definition",
                "d",
                "--file",
                str(files["changed"]),
            ],
            ["[laughs]"],
        ),
        Step(["codebook", "load", str(files["book"])], ["[/]"]),
        Step(["import", str(files["fresh"])], ["[laughs] [/b]", OSC, CSI], exit_code=1),
        Step(["init", str(files["new"])], ["[laughs] [/b]"]),
    ]


def _commands() -> set[str]:

    from qcode.cli.main import all_commands

    def walk(group: object, prefix: str) -> set[str]:
        found = set()
        for name, command in group.commands.items():  # type: ignore[attr-defined]
            if hasattr(command, "commands"):
                found |= walk(command, f"{prefix}{name} ")
                if getattr(command, "invoke_without_command", False):
                    found.add(prefix + name)  # a group that also runs on its own (`coders`)
            else:
                found.add(prefix + name)
        return found

    return walk(all_commands(), "")


def test_the_sweep_runs_every_command(cli: Cli, tmp_path: Path) -> None:
    files = {k: tmp_path / k for k in ("book", "changed", "exported", "fresh", "new")}
    commands = _commands()
    swept = {" ".join(s.argv[:2]) if " ".join(s.argv[:2]) in commands else s.argv[0] for s in _steps(files)}
    assert swept == commands


@pytest.mark.parametrize("terminal", [False, True], ids=["piped", "terminal"])
def test_every_command_shows_text_as_text(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    files = _build(cli, tmp_path)
    if terminal:
        from qcode.cli import output

        monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
        monkeypatch.setenv("COLUMNS", "400")  # rich's width; tables still cut cells at 60
    wrong = []
    for step in _steps(files):
        run = cli(*step.argv, input=step.input)
        both = run.stdout + run.stderr
        if run.exit_code != step.exit_code:
            wrong.append(f"{step.argv}: exit {run.exit_code}: {run.stderr[-300:]}")
        wrong += [f"{step.argv}: raw {raw!r} reached the output" for raw in RAW if raw in both]
        wrong += [f"{step.argv}: does not show {text!r}" for text in step.shows if text not in both]
    assert not wrong, "\n".join(wrong)


def test_import_errors_and_warnings_are_one_line_each(cli: Cli, tmp_path: Path) -> None:
    files = _build(cli, tmp_path)
    run = cli("import", str(files["fresh"]))
    assert run.exit_code == 1
    lines = run.stderr.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    warnings = [line for line in lines if line.startswith("warning: ")]
    assert len(errors) == 1 and len(warnings) == 1, run.stderr
    assert errors[0].startswith(f"error: bad {OSC}.txt contains NUL bytes and looks binary")
    assert errors[0].endswith("and import that")
    assert warnings[0].startswith(f"warning: {files['fresh']}/b]/cp {CSI}.txt: ")
    assert "decoded as Windows-1250" in warnings[0]
    # and one summary line per stored file, naming it
    assert all(
        line.startswith(("error: ", "warning: ", f"cp {CSI}.txt: ")) or line[:1].isdigit() for line in lines
    ), run.stderr


def test_json_escapes_every_control_and_reads_back_as_stored(cli: Cli, tmp_path: Path) -> None:
    import json

    _build(cli, tmp_path)
    run = cli("show", "int_001", "--format", "json")
    assert run.exit_code == 0
    assert not any(raw in run.stdout for raw in RAW)
    assert "\\u009b31m" in run.stdout and "\\u001b]0;owned\\u0007" in run.stdout
    text = json.loads(run.stdout)["text"]
    assert "\x1b]0;owned\x07 \x1b[2J \x9b31m my cousin" in text


def test_csv_is_the_stored_data_in_a_file_and_escaped_on_a_terminal(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import csv
    import io

    _build(cli, tmp_path)
    piped = cli("codings", "--format", "csv")
    assert next(csv.DictReader(io.StringIO(piped.stdout)))["document"] == (
        "int_001 [laughs] \x1b]0;owned\x07.txt"
    )
    from qcode.cli import output

    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    shown = cli("codings", "--format", "csv")
    assert not any(raw in shown.stdout for raw in RAW)
    assert f"int_001 [laughs] {OSC}.txt" in shown.stdout


def test_an_export_to_the_terminal_shows_controls_escaped(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcode.cli import output

    _build(cli, tmp_path)
    piped = cli("export", "segments")
    assert "\x1b]0;owned\x07" in piped.stdout  # a pipe gets the data as stored
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    shown = cli("export", "segments")
    assert shown.exit_code == 0, shown.stderr
    assert OSC in shown.stdout and not any(raw in shown.stdout for raw in RAW)
