"""Other coders' work while the screen is open, blind rounds, `--next`, and the CLI's dispatch."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.tui.conftest import drive, make_app, span, stored, url_of

T2 = "Through my cousin in Vienna. He knew a firm.\nThe firm in Vienna needed welders."


def test_others_work_arriving_meanwhile_is_kept_and_reported(db: Path, project_cli: Cli) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        assert project_cli("tag", "int_001", "t2", "barriers", "--coder", "bo").exit_code == 0
        await pilot.press("j", "a", *"diaspora", "enter")
        assert app.note is not None and "meanwhile bo added 1 coding here" in str(app.note)
        assert not any(s.mark.coder == "bo" for s in app.transcript._shown)  # own codings only
        await pilot.press("o")
        assert any(s.mark.coder == "bo" for s in app.transcript._shown)

    drive(app, script)
    assert sorted((c[0], c[1]) for c in stored(db)) == [("barriers", "bo"), ("diaspora", "ana")]


def test_a_coding_removed_elsewhere_is_not_removed_twice(db: Path, project_cli: Cli) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "a", *"diaspora", "enter")
        ((coding_id, *_),) = [(c.id,) for c in app.store.codings.values()]
        assert project_cli("untag", str(coding_id)).exit_code == 0
        assert project_cli("tag", "int_001", "t2", "barriers").exit_code == 0
        await pilot.press("x")
        assert app.note is not None and f"no coding {coding_id}" in str(app.note)
        await pilot.press("ctrl+r")
        assert "you (elsewhere) added 1" in str(app.note) and "removed 1" in str(app.note)

    drive(app, script)
    assert [c[0] for c in stored(db)] == ["barriers"]


def test_undo_refuses_what_someone_changed_since(db: Path, project_cli: Cli) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "a", *"diaspora", "enter")
        coding_id = next(iter(app.store.codings))
        assert project_cli("recode", str(coding_id), "barriers", "--force", "--coder", "bo").exit_code == 0
        await pilot.press("u")
        assert "changed since" in str(app.note)

    drive(app, script)
    assert [(c[0], c[1]) for c in stored(db)] == [("barriers", "ana")]


def _blind_round(db: Path, blind: bool = True) -> None:
    from qcode.store.engine import session_scope
    from qcode.store.models import Coder, Document, Round, RoundAssignment

    with session_scope(url_of(db), write=True) as session:
        ana = session.query(Coder).filter_by(name="ana").one_or_none() or Coder(name="ana")
        session.add(ana)
        round_ = Round(name="pilot", blind=blind, status="open")
        session.add(round_)
        session.flush()
        doc = session.query(Document).filter_by(name="int_001.txt").one()
        session.add(RoundAssignment(round_id=round_.id, coder_id=ana.id, document_id=doc.id))


def test_a_blind_round_hides_others_codings(db: Path, project_cli: Cli) -> None:
    assert project_cli("tag", "int_001", "t2", "barriers", "--coder", "bo").exit_code == 0
    _blind_round(db)
    app = make_app(db)

    async def script(pilot: Any) -> None:
        status = str(app.query_one("#status").text)
        assert "round pilot (blind)" in status and "0/2 answers coded" in status
        await pilot.press("o")
        assert "blind round" in str(app.note)
        assert app.transcript._shown == []
        assert app.panel.counts.get("barriers", 0) == 0
        assert project_cli("tag", "int_001", "t4", "diaspora", "--coder", "bo").exit_code == 0
        await pilot.press("j", "a", *"distance", "enter")
        assert "meanwhile others changed 1 coding here" in str(app.note)  # not who, not what
        assert app.transcript._shown and all(s.own for s in app.transcript._shown)

    drive(app, script)


def test_a_transcript_without_speakers_is_coded_by_paragraph(db: Path, project_cli: Cli,
                                                             tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Field notes, day one.\n\nThe owner showed us the old machines. Ћирилица.\n", "utf-8")
    assert project_cli("import", str(notes)).exit_code == 0
    app = make_app(db, "notes")

    async def script(pilot: Any) -> None:
        assert app.store.document.kind == "paragraph"
        await pilot.press("j", "a", *"barriers", "enter")

    drive(app, script)
    quote = "The owner showed us the old machines. Ћирилица."
    assert [(c[0], c[4]) for c in stored(db)] == [("barriers", quote)]


def test_next_is_the_assigned_document_not_yet_coded(db: Path, project_cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "a_first.txt"
    other.write_text("Interviewer: Why?\n\nRespondent: Because.\n", "utf-8")
    assert project_cli("import", str(other)).exit_code == 0
    from qcode.store.engine import session_scope
    from qcode.tui.data import next_document

    with session_scope(url_of(db), write=False) as session:
        assert next_document(session, "ana") == "a_first.txt"  # nothing assigned: by name
    _blind_round(db)  # int_001 assigned to ana
    with session_scope(url_of(db), write=False) as session:
        assert next_document(session, "Ana") == "int_001.txt"
    assert project_cli("tag", "int_001", "t2", "barriers").exit_code == 0
    with session_scope(url_of(db), write=False) as session:
        assert next_document(session, "ana") == "a_first.txt"
    assert project_cli("tag", "a_first", "t2", "barriers").exit_code == 0
    run = project_cli("code", "--next", "--plain", input="x\n")
    assert run.exit_code == 1 and "ana has coded every document" in run.stderr


def test_plain_prompts_when_stdin_is_not_a_terminal(project_cli: Cli) -> None:
    run = project_cli("code", "int_001", input="diaspora\nx\n")
    assert run.exit_code == 0, run.stderr
    assert "[t1] 1 of 4" in run.stdout  # today's prompt session, unchanged
    assert project_cli("code", input="x\n").exit_code == 2
    both = project_cli("code", "int_001", "--next", input="x\n")
    assert both.exit_code == 2 and "not both" in both.stderr


def test_a_terminal_gets_the_screen(project_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI opens the screen on a terminal; keys played headless code and quit it."""
    import qcode.tui.launch
    from qcode.tui.app import CodingApp

    def headless(app: CodingApp) -> str | None:
        async def main() -> None:
            async with app.run_test(size=(100, 30)) as pilot:
                await pilot.press("n", "a", *"diaspora", "enter", "q")

        asyncio.run(main())
        return app.return_value

    monkeypatch.setattr(qcode.tui.launch, "full_screen_available", lambda: True)
    monkeypatch.setattr(CodingApp, "run", headless)
    run = project_cli("code", "--next")
    assert run.exit_code == 0, run.stderr
    assert "session ended on int_001.txt as ana: 1 coding added, 0 removed" in run.stderr
    assert run.stdout == ""
    assert [(c[0], c[2]) for c in stored(project_cli.db)] == [("diaspora", span(T2)[0])]  # type: ignore[arg-type]


def test_full_screen_needs_a_real_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from qcode.tui.launch import full_screen_available

    class Tty:
        def __init__(self, tty: bool) -> None:
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    monkeypatch.setattr(sys, "stdout", Tty(True))
    monkeypatch.setattr(sys, "stdin", Tty(True))
    monkeypatch.setenv("TERM", "xterm-256color")
    assert full_screen_available()
    monkeypatch.setenv("TERM", "dumb")
    assert not full_screen_available()
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(sys, "stdin", Tty(False))  # keys from a pipe: the prompts read them
    assert not full_screen_available()


def test_a_codebook_loaded_meanwhile_shows_on_reload(db: Path, project_cli: Cli, tmp_path: Path) -> None:
    from tests.tui.conftest import BOOK

    app = make_app(db)
    book = tmp_path / "book2.yaml"
    book.write_text(BOOK.replace('version: "1.0"', 'version: "1.1"') + (
        "  - id: trust\n    label: Trust\n    definition: Whom the firm trusts.\n"), "utf-8")

    async def script(pilot: Any) -> None:
        assert "trust" not in [e.key for e in app.panel.entries]
        assert project_cli("codebook", "load", str(book)).exit_code == 0
        await pilot.press("ctrl+r", "j", "a", *"trust", "enter")
        assert "trust" in [e.key for e in app.panel.entries]

    drive(app, script)
    assert [c[0] for c in stored(db)] == ["trust"]


def test_the_screen_refuses_a_coder_the_roster_refuses(project_cli: Cli,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import qcode.tui.launch

    monkeypatch.setattr(qcode.tui.launch, "full_screen_available", lambda: True)
    assert project_cli("coders", "add", "ben").exit_code == 0
    assert project_cli("coders", "retire", "ben").exit_code == 0
    retired = project_cli("code", "int_001", "--coder", "ben")
    assert retired.exit_code == 1 and "coder ben is retired" in retired.stderr
    assert project_cli("coders", "--closed").exit_code == 0
    unknown = project_cli("code", "int_001", "--coder", "zed")
    assert unknown.exit_code == 1 and "no coder `zed`" in unknown.stderr
