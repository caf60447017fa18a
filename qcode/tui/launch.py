"""Opening the coding screen: what it needs is read first (so a wrong name is one red line, not a
broken screen), then Textual is imported and the app runs."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from qcode.tui.data import CodeEntry, DocumentData, ScreenCoding

if TYPE_CHECKING:
    from qcode.tui.app import CodingApp


@dataclass
class ScreenSetup:
    document: DocumentData
    coder: str
    codes: list[CodeEntry]
    codings: list[ScreenCoding]
    shortcuts: list[str] = field(default_factory=list)
    codebook_version: int | None = None


def full_screen_available() -> bool:
    """Both ends are a terminal that can draw a full screen (not a pipe, not TERM=dumb)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    return os.name == "nt" or os.environ.get("TERM", "") not in ("", "dumb", "unknown")


def prepare_screen(session: Session, document: str, coder: str | None, *,
                   kind: str = "turn") -> ScreenSetup:
    """Everything the screen shows at first, read in one transaction."""
    from qcode.coding.coders import coder_name, find_coder, lookup, roster_closed
    from qcode.errors import QcodeError
    from qcode.tui.data import (
        codebook_version,
        load_codes,
        load_codings,
        load_document,
        shortcut_codes,
        used_codes,
    )

    who = coder_name(session, coder)
    # Refused now rather than at the first key that codes: a name the closed roster does not
    # know, or a retired coder (the same checks the first write would make).
    known = find_coder(session, who) if roster_closed(session) else lookup(session, who)
    if known is not None and known.retired:
        raise QcodeError(f"coder {known.name} is retired",
                         hint=f"run `qcode coders add {known.name}` to bring them back")
    doc = load_document(session, document, who, kind)
    codes = load_codes(session)
    return ScreenSetup(doc, who, codes, load_codings(session, doc.id),
                       shortcut_codes(codes, used_codes(session, who)), codebook_version(session))


def build_app(url: str, setup: ScreenSetup, *, start: int = 1, speaker: str | None = None) -> CodingApp:
    """The app, not yet running (the tests drive it with `run_test`)."""
    from qcode.tui.actions import DocumentStore
    from qcode.tui.app import CodingApp

    store = DocumentStore(url, setup.document, setup.coder, codes=setup.codes,
                          codings=setup.codings, shortcuts=setup.shortcuts,
                          codebook=setup.codebook_version)
    return CodingApp(store, start=start, speaker=speaker)


def open_screen(url: str, setup: ScreenSetup, *, start: int = 1, speaker: str | None = None) -> str:
    """Run the screen until the coder quits; returns the line that sums the session up."""
    app = build_app(url, setup, start=start, speaker=speaker)
    result = app.run()
    return result if isinstance(result, str) else app.summary()
