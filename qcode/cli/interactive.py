"""`qcode code DOC`: an interactive coding session, one unit of a transcript at a time.

Plain prompts, no full-screen UI, so it also runs from a pipe or a script. Every command typed
at the prompt is its own transaction and its own event batch: what was tagged is committed at
once (a crash or Ctrl-C loses nothing already done), and `qcode undo` later reverses one action.
"""

from __future__ import annotations

import contextlib
import enum
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

from qcode.cli.coding import CODER_OPTION, _preview
from qcode.cli.output import MAX_NUMBER, echo, error, info, shown
from qcode.cli.state import transaction
from qcode.errors import NotFoundError, QcodeError, UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from qcode.coding.queries import CodingRow
    from qcode.coding.targets import Span
    from qcode.corpus.documents import UnitInfo
    from qcode.corpus.segmentation import LineIndex
    from qcode.store.models import Document

COMMANDS = """\
  Enter or n          next unit
  p                   previous unit
  g N                 go to unit N
  CODE [CODE...]      tag the whole unit (code id, prefix, path or label; asks
                      first if a name is under 3 letters or fits several codes)
  q "QUOTE" CODE...   tag a quote within the unit
  - CODE [CODE...]    remove your coding of CODE on the unit
  m TEXT              memo on the coding(s) of your last tag
  u / r               undo / redo your last action
  l                   list the codes
  ? or help           this help
  x, quit or EOF      end the session"""


class UnitKind(str, enum.Enum):
    turn = "turn"
    paragraph = "paragraph"
    sentence = "sentence"


@dataclass
class CodingSession:
    """One interactive session: the document, the units shown, where the coder is."""

    document: str
    sha256: str
    text: str
    kind: str
    coder: str
    units: list[UnitInfo]
    lines: LineIndex
    index: int = 0
    last: list[int] = field(default_factory=list)  # ids of the last tag's codings, for `m`
    added: int = 0
    removed: int = 0

    @property
    def unit(self) -> UnitInfo:
        return self.units[self.index]

    @property
    def label(self) -> str:
        return f"{self.kind[0]}{self.unit.number}"

    @property
    def span(self) -> Span:
        from qcode.coding.targets import Span

        return Span(self.unit.start, self.unit.end)


def _start(document: str, coder: str | None, kind: str, speaker: str | None) -> CodingSession:
    from qcode.coding.coders import coder_name
    from qcode.corpus.documents import document_units, resolve_document
    from qcode.corpus.segmentation import LineIndex

    with transaction(write=False) as session:
        doc = resolve_document(session, document)
        who = coder_name(session, coder)
        units = [u for u in document_units(session, doc.id, kind) if u.end > u.start]
        name, sha256, text = doc.name, doc.sha256, doc.text
    shown = [u for u in units if not speaker or (u.speaker or "").casefold() == speaker.casefold()]
    if not shown:
        speakers = sorted({u.speaker for u in units if u.speaker})
        whose = f" by {speaker}" if speaker else ""
        hint = f"speakers: {', '.join(speakers)}" if speaker and speakers else None
        raise QcodeError(f"{name} has no {kind}s{whose}", hint=hint)
    return CodingSession(name, sha256, text, kind, who, shown, LineIndex(text))


def _document(session: Session, state: CodingSession) -> Document:
    """The session's document, refusing to code it if it was re-imported meanwhile."""
    from qcode.corpus.documents import resolve_document

    doc = resolve_document(session, state.document)
    if doc.sha256 != state.sha256:
        raise QcodeError(f"{state.document} changed since this session started; nothing was done",
                         hint=f"end with x and run `qcode code {state.document}` again")
    return doc


def _on_unit(session: Session, state: CodingSession) -> list[CodingRow]:
    """This coder's codings that overlap the current unit."""
    from qcode.coding.queries import CodingFilter, list_codings
    from qcode.store.visibility import set_viewer

    set_viewer(session, state.coder)  # the session shows codings to the coder it codes as
    unit = state.unit
    try:
        rows = list_codings(session, CodingFilter(document=state.document, coder=state.coder))
    except NotFoundError:  # the coder has not coded anything yet
        return []
    return [r for r in rows if r.start < unit.end and r.end > unit.start]


def _codes_line(session: Session, state: CodingSession) -> str:
    """Whole-unit codings by their code, codings of a part with their quote."""
    whole = (state.unit.start, state.unit.end)
    shown = [r.code if (r.start, r.end) == whole else f'{r.code} "{_preview(r.text, 30)}"'
             for r in _on_unit(session, state)]
    return f"codes ({state.coder}): {', '.join(shown) if shown else '-'}"


def _show(state: CodingSession) -> None:
    unit = state.unit
    first = state.lines.line_of(unit.start)
    last = state.lines.line_of(max(unit.start, unit.end - 1))
    where = f"l{first}" if first == last else f"l{first}-{last}"
    who = f" · {unit.speaker}" if unit.speaker else ""
    with transaction(write=False) as session:
        codes = _codes_line(session, state)
    echo("")
    typer.secho(shown(f"[{state.label}] {state.index + 1} of {len(state.units)}{who} · {where}"),
                bold=True)
    echo(state.text[unit.start:unit.end])
    echo(codes)


def _move(state: CodingSession, index: int) -> None:
    if not 0 <= index < len(state.units):
        end = "last" if index >= len(state.units) else "first"
        info(f"this is the {end} {state.kind}" + ("; x ends the session" if end == "last" else ""))
        return
    state.index = index
    _show(state)


def _goto(state: CodingSession, arg: str) -> None:
    number = arg.strip().lstrip(state.kind[0])
    if not number.isdigit():
        raise UsageError(f"g takes a {state.kind} number, e.g. g 12")
    _move(state, _index_of(state, int(number)))


def _index_of(state: CodingSession, number: int) -> int:
    """The first shown unit numbered `number` or later (later ones when a speaker is skipped)."""
    index = next((i for i, u in enumerate(state.units) if u.number >= number), None)
    if index is None:
        last = state.units[-1].number
        raise UsageError(f"no {state.kind} {number} to show (the last is {state.kind[0]}{last})")
    return index


# Shorter than this, what is typed is too easily a slip of a finger (or a command mistyped) to
# code on without asking.
SURE_LENGTH = 3


def _confirmed(state: CodingSession, refs: list[str]) -> list[str]:
    """The code ids to tag: each typed name resolved, asking first when it is shorter than
    SURE_LENGTH or could mean several codes. Asked outside any transaction."""
    from qcode.coding.codes import code_candidates, resolve_code

    with transaction(write=False) as session:
        found = []
        for ref in refs:
            choices = code_candidates(session, ref)
            if len(choices) == 1:
                resolve_code(session, choices[0][0])  # a retired code is refused before asking
            elif not choices:
                resolve_code(session, ref)  # says why, with the near matches
            found.append((ref, choices))
    keys = []
    for ref, choices in found:
        key = choices[0][0] if len(choices) == 1 else None
        if key is None or len(ref.strip()) < SURE_LENGTH:
            key = _ask(state, ref, choices)
        if key is not None:
            keys.append(key)
    return keys


def _ask(state: CodingSession, ref: str, choices: list[tuple[str, str]]) -> str | None:
    """Which code `ref` means, or None: one is confirmed with y, several are chosen by number."""
    if len(choices) == 1:
        key, label = choices[0]
        answer = _read(f"`{ref}` is {key} ({label}): tag {state.label} with it? [y/N] ")
        if (answer or "").strip().lower() in ("y", "yes"):
            return key
    else:
        for number, (key, label) in enumerate(choices, 1):
            echo(f"  {number:>2}  {key}  {label}", err=True)
        answer = (_read(f"`{ref}` could be any of these: which one (1-{len(choices)}, Enter for "
                        "none)? ") or "").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(choices):
            return choices[int(answer) - 1][0]
    info(f"not coded with `{ref}`")
    return None


def _tag(state: CodingSession, refs: list[str], quote: str | None = None) -> None:
    from qcode.coding.coders import current_coder
    from qcode.coding.codes import resolve_code
    from qcode.coding.tagging import tag as core_tag
    from qcode.coding.targets import find_quote
    from qcode.store.events import new_batch

    if not refs:
        raise UsageError('name at least one code, e.g. q "a quote" diaspora')
    refs = _confirmed(state, refs)
    if not refs:
        return
    with transaction(write=True) as session:
        doc = _document(session, state)
        span = state.span
        if quote is not None:
            span = find_quote(session, doc, quote, within=span)
        codes = [resolve_code(session, ref, for_coding=True) for ref in refs]
        who = current_coder(session, state.coder)
        result = core_tag(session, doc, span, codes, who, batch=new_batch())
        line = _codes_line(session, state)
    state.last = [c.id for c in result.created + result.existing]
    state.added += len(result.created)
    if result.created:
        info(f"coded {', '.join(c.code for c in result.created)}")
    if result.existing:
        info(f"already coded: {', '.join(c.code for c in result.existing)}")
    echo(line)


def _words(line: str) -> list[str]:
    """Split like a shell, so a label with spaces can be typed in quotes."""
    try:
        return shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"cannot read `{line.strip()}`: {exc}",
                         hint='close the quotes: q "the words" CODE') from None


def _quote(state: CodingSession, arg: str) -> None:
    parts = _words(arg)
    if not parts:
        raise UsageError('q takes a quote and codes: q "the words" CODE (x ends the session)')
    _tag(state, parts[1:], quote=parts[0])


def _remove(state: CodingSession, arg: str) -> None:
    from qcode.coding.coders import current_coder
    from qcode.coding.codes import resolve_code
    from qcode.coding.tagging import get_coding, remove_coding
    from qcode.store.events import new_batch

    refs = arg.split()
    if not refs:
        raise UsageError("say which code to remove: - CODE")
    batch = new_batch()
    with transaction(write=True) as session:
        _document(session, state)
        who = current_coder(session, state.coder)
        ids = [_coding_on_unit(session, state, resolve_code(session, r, allow_retired=True).key)
               for r in refs]
        removed = [remove_coding(session, get_coding(session, i), who, batch=batch) for i in ids]
        line = _codes_line(session, state)
    state.removed += len(removed)
    state.last = [i for i in state.last if i not in ids]
    info(f"removed {', '.join(c.code for c in removed)}")
    echo(line)


def _coding_on_unit(session: Session, state: CodingSession, code: str) -> int:
    """This coder's coding of `code` on the unit: the whole unit, else the only one inside it."""
    rows = [r for r in _on_unit(session, state) if r.code == code]
    whole = [r for r in rows if (r.start, r.end) == (state.unit.start, state.unit.end)]
    if whole or len(rows) == 1:
        return (whole or rows)[0].id
    if not rows:
        raise NotFoundError(f"{state.coder} has no {code} coding on {state.label}")
    ids = " ".join(str(r.id) for r in rows)
    raise QcodeError(f"{len(rows)} {code} codings on {state.label} (ids {ids})",
                     hint="remove one with `qcode untag ID`")


def _memo(state: CodingSession, text: str) -> None:
    from qcode.coding.coders import current_coder
    from qcode.coding.memos import add_memo
    from qcode.store.events import new_batch

    if not text.strip():
        raise UsageError("m takes the memo text: m TEXT")
    if not state.last:
        raise UsageError("no coding to write on yet: tag something first")
    batch = new_batch()
    with transaction(write=True) as session:
        who = current_coder(session, state.coder)
        for coding_id in state.last:
            add_memo(session, "coding", coding_id, f"coding {coding_id}", text.strip(), who,
                     batch=batch)
    info(f"memo saved on coding {', '.join(str(i) for i in state.last)}")


def _step(state: CodingSession, redo: bool) -> None:
    from qcode.coding.history import redo as core_redo
    from qcode.coding.history import undo as core_undo

    with transaction(write=True) as session:
        result = (core_redo if redo else core_undo)(session, state.coder)
        line = _codes_line(session, state)
    if result.action in ("tag", "autocode", "import-coding", "untag"):
        adds = (result.action == "untag") == (not redo)
        if adds:
            state.added += result.changes
        else:
            state.removed += result.changes
    info(f"{'redid' if redo else 'undid'} {result.action}: {result.summary}")
    echo(line)


def _list_codes(state: CodingSession, _arg: str = "") -> None:
    from qcode.codebook.store import code_tree

    with transaction(write=False) as session:
        nodes = code_tree(session)
    for node in nodes:
        retired = " (retired)" if node.retired else ""
        echo(f"{'  ' * node.depth}{node.id}  {node.label}{retired}")


def _help(state: CodingSession, _arg: str = "") -> None:
    echo(f"commands at the prompt:\n{COMMANDS}", err=True)


def _dispatch(state: CodingSession, line: str) -> bool:
    """Run one command; False ends the session."""
    # A command name wins over a code of the same id; such a code is tagged by path or label.
    word, _, rest = line.strip().partition(" ")
    if word.startswith("-") and len(word) > 1:  # `-CODE` as well as `- CODE`
        word, rest = "-", f"{word[1:]} {rest}"
    if word not in _ACTIONS and word not in ("x", "quit"):
        if word:
            _tag(state, _words(line))
        else:
            _move(state, state.index + 1)
        return True
    if word in ("x", "quit"):
        return False
    _ACTIONS[word](state, rest)
    return True


_ACTIONS: dict[str, Callable[[CodingSession, str], None]] = {
    "n": lambda state, _: _move(state, state.index + 1),
    "p": lambda state, _: _move(state, state.index - 1),
    "g": _goto, "q": _quote, "-": _remove, "m": _memo,
    "u": lambda state, _: _step(state, redo=False),
    "r": lambda state, _: _step(state, redo=True),
    "l": _list_codes, "?": _help, "help": _help,
}


def _read(prompt: str) -> str | None:
    """One line from stdin (None at EOF); the prompt goes to stderr, so stdout stays data."""
    sys.stderr.write(shown(prompt))
    sys.stderr.flush()
    if sys.stdin.isatty():
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
        with contextlib.suppress(EOFError):
            return input()
        line = ""
    else:
        line = sys.stdin.readline()
    # Piped: echo the command, so stderr reads as a log of the session.
    sys.stderr.write(shown(line if line.endswith("\n") else line + "\n"))
    return line.rstrip("\r\n") if line else None


def _run(state: CodingSession) -> None:
    _show(state)
    while True:
        line = _read(f"{state.label}> ")
        if line is None:
            return
        try:
            if not _dispatch(state, line):
                return
        except QcodeError as exc:
            error(str(exc))


def _summary(state: CodingSession) -> None:
    info(f"session ended on {state.document} as {state.coder}: {state.added} "
         f"coding{'s' if state.added != 1 else ''} added, {state.removed} removed")


def code(
    document: str = typer.Argument(None, help="Document name (or stem, or unique prefix)."),
    coder: str = CODER_OPTION,
    unit: UnitKind = typer.Option(UnitKind.turn, "--unit", case_sensitive=False,
                                  help="Work through turns, paragraphs or sentences."),
    speaker: str = typer.Option(None, "--speaker", help="Show only this speaker's units."),
    start: int = typer.Option(1, "--from", min=1, max=MAX_NUMBER, metavar="N",
                              help="Start at unit N (or the next shown after it)."),
    next_doc: bool = typer.Option(False, "--next", help="Your next document: assigned to you in "
                                  "an open round, else the first you have not coded."),
    plain: bool = typer.Option(False, "--plain", help="Prompts instead of the full screen."),
) -> None:
    from qcode.cli import screen

    document = screen.document_to_code(document, coder, next_doc)
    if not plain and screen.open_if_possible(document, coder, kind=unit.value, start=start,
                                             speaker=speaker):
        return
    state = _start(document, coder, unit.value, speaker)
    state.index = _index_of(state, start)
    try:
        _run(state)
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        _summary(state)
        raise
    _summary(state)


code.__doc__ = f"""Code a transcript: on a terminal the full-screen coding screen, else prompts.

The screen (press ? in it for its keys) shows the transcript with coded passages highlighted,
the codebook with each code's definition, and your progress. With --plain, from a pipe, or on a
terminal that cannot draw a full screen, the session runs on prompts, one unit at a time.

Shows a unit (speaker turn by default) with its number, speaker, lines, text and your codes on
it, then reads commands from the prompt (also from a pipe: printf 'diaspora\\nn\\nx\\n' | qcode
code int_001). Each command is saved at once as its own action, so `qcode undo` afterwards
reverses one at a time.

\b
{COMMANDS}
"""


def register(app: typer.Typer) -> None:
    app.command("code")(code)
