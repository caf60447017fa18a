"""A project for the coding screen: a codebook with a category, a transcript in English, Serbian
Cyrillic and Latin with an emoji, and helpers to drive the screen headless."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import TRANSCRIPT
from tests.conftest import Cli

pytest.importorskip("textual")

BOOK = """\
codebook: Screen test book
version: "1.0"
codes:
  - id: sources
    label: Knowledge sources
    definition: Where the firm's know-how came from.
    when_to_use: Never directly; use one of its codes.
    colour: "#4e79a7"
    apply: false
    children:
      - id: diaspora
        label: Diaspora networks
        definition: Help from emigrants.
        when_to_use: A relative or friend abroad passes on contacts or know-how.
        when_not_to_use: Tourists and foreign buyers met at home.
        examples: ["My cousin in Vienna found us the first buyer."]
        renamed_from: [family_abroad]
      - id: owner_emigration
        label: Owner's emigration
        definition: The owner worked abroad.
  - id: distance
    label: Distance to markets
    definition: How far the buyers are.
    colour: "#59a14f"
  - id: barriers
    label: Barriers
    definition: What held exporting back.
    colour: "#e15759"
  - id: target_markets
    label: Target markets
    definition: Where the firm sells.
"""

Script = Callable[[Any], Awaitable[None]]


@pytest.fixture
def db(cli: Cli, tmp_path: Path) -> Path:
    """`int_001.txt` holding TRANSCRIPT, the book above, `ana` as default coder."""
    book = tmp_path / "book.yaml"
    book.write_text(BOOK, "utf-8")
    assert cli("init", "--codebook", str(book), "--coder", "ana").exit_code == 0
    src = tmp_path / "int_001.txt"
    src.write_text(TRANSCRIPT, "utf-8")
    assert cli("import", str(src)).exit_code == 0
    assert isinstance(cli.db, Path)
    return cli.db


def url_of(db: Path) -> str:
    from qcode.store.engine import to_url

    return to_url(db)


def make_app(db: Path, document: str = "int_001", coder: str = "ana", **kwargs: Any) -> Any:
    from qcode.store.engine import session_scope
    from qcode.tui.launch import build_app, prepare_screen

    with session_scope(url_of(db), write=False) as session:
        setup = prepare_screen(session, document, coder)
    return build_app(url_of(db), setup, **kwargs)


def drive(app: Any, script: Script, size: tuple[int, int] = (110, 32)) -> None:
    """Run the app headless at a fixed size and play `script` on its pilot."""

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await script(pilot)
            await pilot.pause()

    asyncio.run(main())


def stored(db: Path) -> list[tuple[str, str, int, int, str]]:
    """(code, coder, start, end, quote) of every coding, in a stable order."""
    from qcode.store.engine import session_scope
    from qcode.store.models import Code, Coder, Coding

    with session_scope(url_of(db), write=False) as session:
        rows = session.query(Code.key, Coder.name, Coding.start, Coding.end, Coding.quote).join(
            Coding, Coding.code_id == Code.id).join(Coder, Coder.id == Coding.coder_id).order_by(
            Coding.start, Coding.end, Code.key).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def span(quote: str, text: str = TRANSCRIPT) -> tuple[int, int]:
    start = text.index(quote)
    assert text.count(quote) == 1
    return start, start + len(quote)


@pytest.fixture
def project_cli(db: Path, cli: Cli) -> Cli:
    """The CLI on the same project, as `ana`."""
    return cli
