"""The coding screen driven by key presses and the mouse: exactly the codings expected, offsets
included, written through the same core functions (and events) as `qcode tag`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.conftest import TRANSCRIPT
from tests.conftest import Cli
from tests.tui.conftest import drive, make_app, span, stored

T2 = "Through my cousin in Vienna. He knew a firm.\nThe firm in Vienna needed welders."
T4 = "Никада нисмо научили ништа од њих 🙂. Čačak je drugačiji."


def test_space_selects_the_unit_and_a_typed_id_codes_it(db: Path, project_cli: Cli) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "space", "a", *"diaspora", "enter")

    drive(app, script)
    assert stored(db) == [("diaspora", "ana", *span(T2), T2)]
    log = json.loads(project_cli("log", "--format", "json").stdout)
    assert [e["action"] for e in log][-1] == "tag"
    assert app.added == 1 and "coded diaspora" in app.last_action
    # The same undo as the command line's: one action, reversed by `qcode undo`.
    assert project_cli("undo").exit_code == 0
    assert stored(db) == []


def test_without_a_selection_the_unit_under_the_cursor_is_coded(db: Path) -> None:
    async def script(pilot: Any) -> None:
        await pilot.press("j", "w", "w", "a", *"barriers", "enter")

    drive(make_app(db), script)
    assert stored(db) == [("barriers", "ana", *span(T2), T2)]


def test_word_selection_on_cyrillic_and_a_code_by_number_on_an_emoji(db: Path) -> None:
    async def script(pilot: Any) -> None:
        await pilot.press("j", "j", "j")  # t4, the cursor on its first letter
        await pilot.press("W", "W", "W")  # three words, the space after them trimmed
        await pilot.press("a", *"barriers", "enter")
        await pilot.press("escape", "w", "w")  # on `њих`
        await pilot.press(*["shift+right"] * 5)  # `њих 🙂`: the emoji is one code point
        await pilot.press("3", "enter")  # code number 3 in the list: distance

    drive(make_app(db), script)
    assert stored(db) == [
        ("barriers", "ana", *span("Никада нисмо научили"), "Никада нисмо научили"),
        ("distance", "ana", *span("њих 🙂"), "њих 🙂"),
    ]


def test_ctrl_shift_arrows_and_shift_down_select_across_lines(db: Path) -> None:
    async def script(pilot: Any) -> None:
        await pilot.press("j", "ctrl+shift+right", "ctrl+shift+right", "shift+down")
        await pilot.press("a", *"owner", "enter")

    drive(make_app(db), script, size=(160, 32))  # wide enough that no line wraps
    start = span(T2)[0]
    # Two words on from `Through` is `cousin`, column 23; down keeps the column on the next line.
    end = TRANSCRIPT.index("The firm in Vienna") + len("Respondent: Through my ")
    assert stored(db) == [("owner_emigration", "ana", start, end, TRANSCRIPT[start:end])]
    assert TRANSCRIPT[start:end].endswith("\nThe firm in Vienna need")


def test_down_on_a_wrapped_line_stays_in_the_line(db: Path) -> None:
    app = make_app(db)

    async def script(pilot: Any) -> None:
        layout = app.transcript.wrapped
        await pilot.press("j", "down")
        first_row = layout.row_of(span(T2)[0])
        assert layout.rows[first_row].end < span("He knew")[1], "the turn's first line wraps"
        assert layout.row_of(app.transcript.cursor) == first_row + 1
        assert TRANSCRIPT[app.transcript.cursor - 1] != "\n"

    drive(app, script, size=(110, 32))


def test_units_range_selection(db: Path) -> None:
    async def script(pilot: Any) -> None:
        await pilot.press("space", "J", "J", "a", *"diaspora", "enter")

    drive(make_app(db), script)
    first = span("How did you find buyers abroad?")[0]
    last = span("А фирме у зони?")[1]
    assert stored(db) == [("diaspora", "ana", first, last, TRANSCRIPT[first:last])]


def test_mouse_drag_selects_a_span(db: Path) -> None:
    app = make_app(db)
    start, end = span("Čačak je")

    async def script(pilot: Any) -> None:
        transcript = app.transcript
        layout = transcript.wrapped

        def at(offset: int) -> tuple[int, int]:
            row = layout.row_of(offset) - int(transcript.scroll_offset.y)
            return 1 + transcript._gutter + layout.column_of(offset), 1 + row  # inside the border

        await pilot.mouse_down(transcript, offset=at(start))
        await pilot.hover(transcript, offset=at(end - 3))
        await pilot.hover(transcript, offset=at(end))
        await pilot.mouse_up(transcript, offset=at(end))
        assert transcript.selection == (start, end)
        await pilot.press("a", *"distance", "enter")

    drive(app, script)
    assert stored(db) == [("distance", "ana", start, end, "Čačak je")]


def test_a_click_moves_the_cursor_without_selecting(db: Path) -> None:
    app = make_app(db)
    target = span("Vienna. He")[0]

    async def script(pilot: Any) -> None:
        transcript = app.transcript
        layout = transcript.wrapped
        x = 1 + transcript._gutter + layout.column_of(target)
        y = 1 + layout.row_of(target) - int(transcript.scroll_offset.y)
        await pilot.click(transcript, offset=(x, y))
        assert transcript.cursor == target and transcript.selection is None

    drive(app, script)


def test_sentences_as_units(db: Path) -> None:
    from qcode.store.engine import session_scope
    from qcode.tui.launch import build_app, prepare_screen
    from tests.tui.conftest import url_of

    with session_scope(url_of(db), write=False) as session:
        setup = prepare_screen(session, "int_001", "ana", kind="sentence")
    app = build_app(url_of(db), setup)

    async def script(pilot: Any) -> None:
        await pilot.press("j", "space", "J", "a", *"diaspora", "enter")
        assert "s2" in str(app.query_one("#status").text)

    drive(app, script)
    assert stored(db) == [("diaspora", "ana", *span("Through my cousin in Vienna. He knew a firm."),
                           "Through my cousin in Vienna. He knew a firm.")]


def test_the_list_is_the_codebook_tree(db: Path, project_cli: Cli, tmp_path: Path) -> None:
    from qcode.codebook.store import code_tree
    from qcode.store.engine import session_scope
    from qcode.tui.data import load_codes
    from tests.tui.conftest import BOOK, url_of

    renamed = BOOK.replace("id: distance", "id: market_distance\n    renamed_from: [distance]")
    (tmp_path / "v2.yaml").write_text(renamed.replace('version: "1.0"', 'version: "2.0"'), "utf-8")
    assert project_cli("codebook", "load", str(tmp_path / "v2.yaml")).exit_code == 0
    with session_scope(url_of(db), write=False) as session:
        entries, tree = load_codes(session), code_tree(session)
    assert [(e.key, e.depth, e.parent) for e in entries] == [(n.id, n.depth, n.parent) for n in tree]
    assert [e.number for e in entries] == [None, 1, 2, 3, 4, 5]  # the category has no number
    moved = next(e for e in entries if e.key == "market_distance")
    assert moved.synonyms == ("distance",) and moved.path == "market_distance"
    assert next(e for e in entries if e.key == "diaspora").path == "sources/diaspora"
    assert next(e for e in entries if e.key == "diaspora").examples == (
        "My cousin in Vienna found us the first buyer.",)
