"""`qcode code` on a terminal: the full-screen coding screen (qcode/tui), and `--next`."""

from __future__ import annotations

from qcode.cli.output import info
from qcode.cli.state import project_url, transaction


def open_if_possible(document: str, coder: str | None, *, kind: str, start: int,
                     speaker: str | None) -> bool:
    """Run the coding screen when the terminal can show it; False to fall back to prompts."""
    from qcode.tui.launch import full_screen_available, open_screen, prepare_screen

    if not full_screen_available():
        return False
    with transaction(write=False) as session:
        setup = prepare_screen(session, document, coder, kind=kind)
    info(open_screen(project_url(), setup, start=start, speaker=speaker))
    return True


def document_to_code(document: str | None, coder: str | None, next_doc: bool) -> str:
    """DOC as given, or with --next the coder's next assigned (else not yet coded) document."""
    from qcode.errors import UsageError

    if document is not None and next_doc:
        raise UsageError("give a document or --next, not both")
    if document is not None:
        return document
    if not next_doc:
        raise UsageError("name a document to code, or pass --next for your next one")
    from qcode.coding.coders import coder_name
    from qcode.tui.data import next_document

    with transaction(write=False) as session:
        return next_document(session, coder_name(session, coder))
