"""Choosing codes safely (confirmation, categories), changing and undoing codings, memos, and
other coders' work arriving while the screen is open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qcode.tui.dialogs import ConfirmScreen
from tests.conftest import Cli
from tests.tui.conftest import drive, make_app, span, stored, url_of

T2 = "Through my cousin in Vienna. He knew a firm.\nThe firm in Vienna needed welders."
T4 = "Никада нисмо научили ништа од њих 🙂. Čačak je drugačiji."


def test_text_shorter_than_three_letters_is_confirmed_first(db: Path) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "a", "d", "i", "enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert "diaspora" in str(app.screen.question) and "shorter than 3 letters" in str(
            app.screen.question)
        await pilot.press("n")
        assert stored(db) == []
        # Still choosing: the text stays in the box to be made longer.
        assert app.panel.box.has_focus and app.panel.box.value == "di"
        await pilot.press("a", "enter")  # `dia`: three letters, and only diaspora fits as a word
        assert not isinstance(app.screen, ConfirmScreen)

    drive(app, script)
    assert stored(db) == [("diaspora", "ana", *span(T2), T2)]


def test_a_one_letter_code_id_is_confirmed_too(db: Path) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "a", "b", "enter")  # `b` fits only barriers, still one letter
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert stored(db) == []
        await pilot.press("enter", "y")

    drive(app, script)
    assert [c[0] for c in stored(db)] == ["barriers"]


def test_ambiguous_text_is_confirmed_and_an_exact_id_is_not(db: Path) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        # `dist` starts `distance`; its letters are scattered in `Diaspora networks` too, which
        # is no rival to a code that fits as a word.
        await pilot.press("j", "a", *"dist", "enter")
        assert not isinstance(app.screen, ConfirmScreen)
        await pilot.press("a", *"diaspora networks", "enter")  # a label, exactly
        assert not isinstance(app.screen, ConfirmScreen)

    drive(app, script)
    assert [c[0] for c in stored(db)] == ["diaspora", "distance"]


def test_several_fitting_codes_ask_before_the_best_is_applied(db: Path) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "a", *"market", "enter")  # Distance to markets, Target markets
        assert isinstance(app.screen, ConfirmScreen)
        assert "Apply distance" in str(app.screen.question)  # the first of them in the codebook
        assert "2 codes fit `market`" in str(app.screen.question)
        await pilot.press("n")

    drive(app, script)
    assert stored(db) == []


def test_moving_the_highlight_by_hand_is_an_explicit_choice(db: Path) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "a", "down", "down", "enter")  # sources, diaspora, owner_emigration
        assert not isinstance(app.screen, ConfirmScreen)

    drive(app, script)
    assert [c[0] for c in stored(db)] == ["owner_emigration"]


def test_a_category_is_for_navigation_only(db: Path) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "a", *"sources", "enter")
        assert app.note is not None and "is a category" in str(app.note)
        assert "diaspora" in str(app.note)  # the core's hint: apply one of its codes
        await pilot.press("a", "enter")  # the first row of the tree is the category too
        assert app.panel.highlighted is not None

    drive(app, script)
    assert stored(db) == []


def test_shortcut_keys_and_repeating_the_last_code(db: Path, project_cli: Cli) -> None:
    assert project_cli("tag", "int_001", "t3", "barriers").exit_code == 0  # ana's most used code
    app = make_app(db)

    async def script(pilot: Any) -> None:
        assert app.store.shortcuts[:2] == ["barriers", "diaspora"]
        await pilot.press("j", "f2")  # F2: diaspora, the first code of the tree after barriers
        await pilot.press("j", "j", "full_stop")  # the last code again, on t4

    drive(app, script)
    assert [(c[0], c[2]) for c in stored(db)] == [
        ("diaspora", span(T2)[0]), ("barriers", span("А фирме у зони?")[0]),
        ("diaspora", span(T4)[0])]


def test_undo_and_redo(db: Path) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "a", *"diaspora", "enter")
        assert len(stored(db)) == 1
        await pilot.press("u")
        assert stored(db) == [] and app.last_action.startswith("undid")
        await pilot.press("U")
        assert len(stored(db)) == 1 and app.last_action.startswith("redid")
        await pilot.press("ctrl+z")
        assert stored(db) == []
        await pilot.press("ctrl+y")

    drive(app, script)
    assert stored(db) == [("diaspora", "ana", *span(T2), T2)]
    assert app.added == 3 and app.removed == 2


def test_remove_and_recode_the_coding_under_the_cursor(db: Path) -> None:
    app = make_app(db)
    quote = span("Vienna. He knew")

    async def script(pilot: Any) -> None:
        app.transcript.select(*quote)
        await pilot.press("a", *"diaspora", "enter", "escape")
        await pilot.press("a", *"barriers", "enter", "escape")  # the whole t2 around it
        app.transcript.move_to(quote[0] + 2)
        await pilot.press("r", *"owner", "enter")  # the innermost: diaspora on the quote
        assert [c[0] for c in stored(db)] == ["barriers", "owner_emigration"]
        await pilot.press("x")
        app.transcript.move_to(span(T2)[0])
        await pilot.press("x")

    drive(app, script)
    assert stored(db) == []


def test_several_codings_on_one_span_ask_which(db: Path) -> None:
    from qcode.tui.dialogs import ChoiceScreen

    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "space", "a", *"diaspora", "enter", "a", *"barriers", "enter")
        await pilot.press("x")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "enter")  # the second: barriers (by id order)

    drive(app, script)
    assert [c[0] for c in stored(db)] == ["diaspora"]


def test_memo_on_the_coding_under_the_cursor(db: Path) -> None:
    from qcode.coding.memos import get_memos
    from qcode.store.engine import session_scope
    from qcode.store.models import Coding

    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "a", *"diaspora", "enter", "m")
        await pilot.press(*"denied: Ћирилица")
        app.screen.query_one("#memo-text").insert(" 🙂")  # the pilot has no key for an emoji
        await pilot.press("ctrl+s")
        await pilot.press("m", *"second", "ctrl+s")

    drive(app, script)
    with session_scope(url_of(db), write=False) as session:
        coding = session.query(Coding).one()
        thread = get_memos(session, "coding", coding.id, "x")
    assert [(m.coder, m.text) for m in thread] == [("ana", "denied: Ћирилица 🙂"), ("ana", "second")]


def test_memo_on_the_document_where_nothing_is_coded(db: Path) -> None:
    from qcode.coding.memos import get_memos
    from qcode.store.engine import session_scope
    from qcode.store.models import Document

    async def script(pilot: Any) -> None:
        await pilot.press("m", *"call back", "ctrl+s", "m", "escape")

    drive(make_app(db), script)
    with session_scope(url_of(db), write=False) as session:
        doc = session.query(Document).one()
        assert [m.text for m in get_memos(session, "document", doc.id, doc.name)] == ["call back"]


def test_next_uncoded_answer_skips_questions_and_coded_answers(db: Path) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("n")
        assert app.transcript.selection == span(T2)
        await pilot.press("f1")  # diaspora on t2
        assert app.transcript.selection == span(T2)
        await pilot.press("n")
        assert app.transcript.selection == span(T4)
        await pilot.press("f1", "n")
        assert "every answer" in app.last_action
        assert "2/2 answers coded" in str(app.query_one("#status").text)

    drive(app, script)
