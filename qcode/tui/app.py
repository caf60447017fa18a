"""The coding screen: transcript on the left, codebook and definition on the right, a status line.

Every change goes through `DocumentStore` (one transaction per action, the CLI's core functions),
after which the codings are redrawn from what the store holds now.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from qcode.coding.highlight import Mark
from qcode.errors import QcodeError
from qcode.tui import motion
from qcode.tui.actions import DocumentStore, Outcome
from qcode.tui.codebook import CodebookPanel
from qcode.tui.data import CodeEntry, ScreenCoding, answers, progress
from qcode.tui.fuzzy import choose
from qcode.tui.transcript import Shown, Transcript

HINTS = ("a code  x remove  r recode  m memo  u undo  U redo  space unit  shift+arrows select  "
         "n next uncoded  o others  ? keys  q quit")

CSS = """
Screen { layout: vertical; }
#main { height: 1fr; }
#transcript { width: 1fr; border: round #45475a; overflow-x: hidden; scrollbar-gutter: stable; }
#transcript:focus { border: round #89b4fa; }
#side { width: 50; }
#filter { border: round #45475a; height: 3; }
#filter:focus { border: round #89b4fa; }
#codes { height: 1fr; border: none; }
#definition-box { height: 2fr; border-top: solid #45475a; padding: 0 1; }
#status { height: 1; background: #313244; color: #cdd6f4; }
#keys { height: 1; color: #7f849c; }
.dialog { width: 76; height: auto; max-height: 80%; border: thick #89b4fa; background: #1e1e2e;
          padding: 1 2; }
.dialog.memo { height: 24; }
.dialog.help { width: 92; }
#memo-text { height: 1fr; min-height: 5; }
#thread { height: auto; max-height: 8; }
#choices { height: auto; max-height: 12; }
.hint { color: #7f849c; margin-top: 1; }
ConfirmScreen, ChoiceScreen, MemoScreen, HelpScreen { align: center middle; }
"""


class StatusLine(Widget):
    """One line redrawn in place: no layout pass for a message (a moving cursor updates it)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text()

    def show(self, text: Text) -> None:
        if text != self.text:
            self.text = text
            self.refresh()

    def render(self) -> Text:
        return self.text


class CodingApp(App[str]):
    CSS = CSS
    TITLE = "qcode code"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a,slash", "pick", "code"),
        *(Binding(str(d), f"number('{d}')", show=False) for d in range(10)),
        *(Binding(f"f{i}", f"shortcut({i})", show=False) for i in range(1, 10)),
        Binding("full_stop", "repeat", show=False),
        Binding("x,delete", "remove", "remove"),
        Binding("r", "recode", "recode"),
        Binding("m", "memo", "memo"),
        Binding("u,ctrl+z", "step(False)", "undo"),
        Binding("U,ctrl+y", "step(True)", "redo"),
        Binding("n", "next_uncoded", "next uncoded"),
        Binding("o", "others", "others"),
        Binding("ctrl+r", "reload", show=False),
        Binding("question_mark", "help", "keys"),
        Binding("q,ctrl+q", "leave", "quit"),
    ]

    def __init__(self, store: DocumentStore, *, start: int = 1, speaker: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.speaker = speaker
        doc = store.document
        self.answers = answers(doc.units, doc.interviewers, speaker)
        self.start_unit = start
        self.show_others = False
        self.mode: tuple[str, int | None] = ("apply", None)  # or ("recode", coding id)
        self.last_code: str | None = None
        self.last_action = "opened"
        self.note: Text | None = None
        self.added = self.removed = 0
        self.shortcuts: list[str] = list(store.shortcuts)

    # --- building ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        doc = self.store.document
        with Horizontal(id="main"):
            transcript = Transcript(doc.text, doc.turns, doc.units, id="transcript")
            transcript.border_title = doc.name + (f" · case {doc.case}" if doc.case else "")
            yield transcript
            yield CodebookPanel(self.store.codes, self._counts(), self._shortcut_names(), id="side")
        yield StatusLine(id="status")
        yield Static(HINTS, id="keys")

    @property
    def transcript(self) -> Transcript:
        return self.query_one(Transcript)

    @property
    def panel(self) -> CodebookPanel:
        return self.query_one(CodebookPanel)

    def on_mount(self) -> None:
        units = self.store.document.units
        first = next((u for u in units if u.number >= self.start_unit), units[-1])
        self.transcript.focus()
        self.transcript.move_to(first.start)
        self.redraw(panel=False)  # the panel was built with the counts

    @property
    def blind(self) -> bool:
        round_ = self.store.document.round
        return bool(round_ and round_.blind)

    def shown_codings(self) -> list[ScreenCoding]:
        others = self.show_others and not self.blind
        return [c for c in self.store.codings.values() if others or self.store.is_own(c)]

    def entry(self, key: str) -> CodeEntry | None:
        return next((e for e in self.store.codes if e.key == key), None)

    def redraw(self, *, panel: bool = True) -> None:
        """Codings, counts and status from what the store holds now."""
        colours = {e.key: e.colour for e in self.store.codes}
        shown = [Shown(Mark(c.id, c.code, c.coder, c.start, c.end, colours.get(c.code, "#bab0ac")),
                       self.store.is_own(c)) for c in self.shown_codings()]
        self.transcript.set_codings(shown)
        if panel:
            self.panel.set_codes(self.store.codes, self._counts(), self._shortcut_names())
        self.update_status()

    def _counts(self) -> Counter[str]:
        """Codings in this document per code, a category counting those of its codes."""
        paths = {e.key: e.path for e in self.store.codes}
        counts: Counter[str] = Counter()
        for coding in self.shown_codings():
            for key in paths.get(coding.code, coding.code).split("/"):
                counts[key] += 1
        return counts

    def _shortcut_names(self) -> dict[str, str]:
        return {key: f"F{i}" for i, key in enumerate(self.shortcuts, 1)}

    def update_status(self) -> None:
        doc = self.store.document
        done, total = progress(self.answers, [c for c in self.store.codings.values()
                                              if self.store.is_own(c)])
        round_ = doc.round
        where = f"round {round_.name}" + (" (blind)" if round_.blind else "") if round_ else "no round"
        unit = self.transcript.unit
        text = Text(f" {self.store.coder}", style="bold")
        text.append(f" · {where} · {doc.kind[0]}{unit.number}")
        text.append(f" · {done}/{total} answers coded", style="bold #a6e3a1" if done == total else "")
        if self.show_others and not self.blind:
            text.append(" · others shown")
        text.append(f" · {self.last_action}")
        if self.note is not None:
            text.append(" · ")
            text.append_text(self.note)
        self.query_one(StatusLine).show(text)

    def say(self, action: str | None = None, note: str | None = None, *, error: bool = False) -> None:
        """The last action on the status line, and a note after it: what went wrong (red), or
        what happened besides (yellow)."""
        if action is not None:
            self.last_action = action
        style = "bold #f38ba8" if error else "bold #f9e2af"
        self.note = Text(note, style=style) if note else None
        self.update_status()

    # --- events --------------------------------------------------------------------------

    def on_transcript_moved(self, event: Transcript.Moved) -> None:
        here = self._under(event.cursor, self.shown_codings())
        if here:
            self.panel.highlight(here[0].code)
        self.update_status()

    def on_codebook_panel_submitted(self, event: CodebookPanel.Submitted) -> None:
        if event.chosen is not None:
            self._use(event.chosen)
            return
        choice = choose(self.store.codes, event.text)
        if choice.entry is None:
            self.say(None, choice.reason or "type a code", error=True)
            return
        entry = choice.entry
        if choice.confirm and entry.can_apply:
            from qcode.tui.dialogs import ConfirmScreen

            question = Text(f"{self._verb()} {entry.key} — {entry.label}")
            question.append(f" to {self._where()}?\n" if self.mode[0] == "apply" else "?\n")
            question.append(choice.reason, style="dim")
            self.push_screen(ConfirmScreen(question), lambda yes: self._use(entry) if yes else None)
            return
        self._use(entry)

    def on_codebook_panel_cancelled(self, _event: CodebookPanel.Cancelled) -> None:
        self._back()

    def _back(self) -> None:
        self.mode = ("apply", None)
        self.panel.reset()
        self.transcript.focus()

    def _verb(self) -> str:
        return "Recode to" if self.mode[0] == "recode" else "Apply"

    def _use(self, entry: CodeEntry) -> None:
        kind, coding_id = self.mode
        self._back()
        if kind == "recode" and coding_id is not None:
            self._do(lambda: self.store.recode(coding_id, entry.key))
        else:
            self._apply(entry.key)

    # --- coding --------------------------------------------------------------------------

    def _span(self) -> tuple[int, int]:
        """The selection without its outer white space; with none, the unit under the cursor."""
        transcript = self.transcript
        if transcript.selection is not None:
            start, end = motion.trimmed(self.store.document.text, *transcript.selection)
            if end > start:
                return start, end
        unit = transcript.unit
        return unit.start, unit.end

    def _where(self) -> str:
        start, end = self._span()
        unit = self.transcript.unit
        if (start, end) == (unit.start, unit.end):
            return f"{self.store.document.kind} {unit.number}"
        quote = " ".join(self.store.document.text[start:end].split())
        return f"c{start}-{end} “{quote if len(quote) <= 40 else quote[:39] + '…'}”"

    def _apply(self, key: str) -> None:
        start, end = self._span()
        if self._do(lambda: self.store.apply(start, end, key)):
            self.last_code = key

    def _do(self, work: Callable[[], Outcome]) -> bool:
        try:
            outcome = work()
        except QcodeError as exc:
            self.say(None, str(exc), error=True)
            return False
        self.added += outcome.added
        self.removed += outcome.removed
        self.redraw()
        notes = [*outcome.notices, *([outcome.others] if outcome.others else [])]
        self.say(outcome.message, "; ".join(notes) if notes else None)
        return True

    def _under(self, offset: int, codings: list[ScreenCoding]) -> list[ScreenCoding]:
        hits = [c for c in codings if c.start <= offset < c.end]
        return sorted(hits, key=lambda c: (-c.start, c.end - c.start, c.id))

    def _mine_here(self) -> list[ScreenCoding]:
        """This coder's codings under the cursor (those exactly on the selection first), innermost
        first."""
        own = [c for c in self.store.codings.values() if self.store.is_own(c)]
        selection = self.transcript.selection
        if selection is not None:
            span = motion.trimmed(self.store.document.text, *selection)
            exact = [c for c in own if (c.start, c.end) == span]
            if exact:
                return exact
        return self._under(self.transcript.cursor, own)

    def _with_coding(self, what: str, then: Callable[[ScreenCoding], object]) -> None:
        """Run `then` on the coding under the cursor (the innermost), asking which when several
        codings share that span."""
        here = self._mine_here()
        if not here:
            self.say(None, f"no coding of yours under the cursor to {what}", error=True)
            return
        same = sorted((c for c in here if (c.start, c.end) == (here[0].start, here[0].end)),
                      key=lambda c: c.id)
        if len(same) == 1:
            then(same[0])
            return
        text = self.store.document.text
        choices = [Text(f"{c.code}  c{c.start}-{c.end}  {' '.join(text[c.start:c.end].split())[:50]}")
                   for c in same]
        from qcode.tui.dialogs import ChoiceScreen

        def chosen(index: int | None) -> None:
            if index is not None:
                then(same[index])

        self.push_screen(ChoiceScreen(f"Which coding to {what}?", choices), chosen)

    # --- actions -------------------------------------------------------------------------

    def action_pick(self) -> None:
        self.mode = ("apply", None)
        self.panel.start()

    def action_number(self, digit: str) -> None:
        self.mode = ("apply", None)
        self.panel.start(digit)

    def action_shortcut(self, slot: int) -> None:
        if slot > len(self.shortcuts):
            self.say(None, f"no code on F{slot}", error=True)
            return
        self._apply(self.shortcuts[slot - 1])

    def action_repeat(self) -> None:
        if self.last_code is None:
            self.say(None, "no code applied yet to repeat", error=True)
            return
        self._apply(self.last_code)

    def action_remove(self) -> None:
        self._with_coding("remove", lambda c: self._do(lambda: self.store.remove(c.id)))

    def action_recode(self) -> None:
        def start(coding: ScreenCoding) -> None:
            self.mode = ("recode", coding.id)
            self.panel.start()
            self.say(f"recode {coding.code}: choose the new code")

        self._with_coding("recode", start)

    def action_memo(self) -> None:
        if self._mine_here():
            self._with_coding("write a memo on", lambda c: self._memo(c.id, f"coding {c.id} ({c.code})"))
        else:
            self._memo(None, self.store.document.name)

    def _memo(self, coding_id: int | None, name: str) -> None:
        try:
            thread = self.store.memos(coding_id)
        except QcodeError as exc:
            self.say(None, str(exc), error=True)
            return

        def save(text: str | None) -> None:
            if text is not None:
                self._do(lambda: self.store.memo(coding_id, text))

        from qcode.tui.dialogs import MemoScreen

        self.push_screen(MemoScreen(name, thread), save)

    def action_step(self, redo: bool) -> None:
        self._do(lambda: self.store.step(redo))

    def action_next_uncoded(self) -> None:
        own = [c for c in self.store.codings.values() if self.store.is_own(c)]
        cursor = self.transcript.cursor
        ordered = [u for u in self.answers if u.start > cursor] + [u for u in self.answers
                                                                    if u.start <= cursor]
        for unit in ordered:
            if not any(c.start < unit.end and c.end > unit.start for c in own):
                self.transcript.select(unit.start, unit.end)
                self.say(f"next uncoded: {self.store.document.kind} {unit.number}")
                return
        self.say("every answer has a coding of yours")

    def action_others(self) -> None:
        if self.blind:
            self.say(None, "blind round: others' codings stay hidden", error=True)
            return
        self.show_others = not self.show_others
        self.redraw()

    def action_reload(self) -> None:
        self._do(self.store.refresh)

    def action_help(self) -> None:
        from qcode.tui.dialogs import HelpScreen

        self.push_screen(HelpScreen())

    def action_leave(self) -> None:
        self.exit(self.summary())

    def summary(self) -> str:
        return (f"session ended on {self.store.document.name} as {self.store.coder}: {self.added} "
                f"coding{'s' if self.added != 1 else ''} added, {self.removed} removed")
