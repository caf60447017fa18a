"""Small screens over the coding screen: confirm a choice, pick one of several codings, write a
memo, and the list of keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static

KEYS = """\
Move     ←/→ character   ctrl+←/→ or b/w word   ↑/↓ line   home/end   pgup/pgdn
         j/k or ]/[ next/previous unit   g/G start/end   n next uncoded answer
Select   shift+arrows, by word ctrl+shift+←/→ or B/W   mouse drag   esc clears
         space the unit   J/K or }/{ add the next/previous unit
Code     a or /, then a number, an id, a label or part of one, and Enter
         a digit: code by number   F1-F9 the shortcut in the list   . the last again
         nothing selected: the whole unit under the cursor
Change   x or delete remove   r recode   m memo   u or ctrl+z undo   U or ctrl+y redo
View     tab codebook ↔ transcript   o others' codings   ctrl+r reload   q quit"""


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no before a code is applied from a short or ambiguous entry."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "yes"),
        Binding("n,escape", "answer(False)", "no"),
    ]

    def __init__(self, question: Text | str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, id="question")
            yield Static("y / Enter: yes    n / Esc: no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceScreen(ModalScreen[int | None]):
    """One of several codings under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "cancel")]

    def __init__(self, title: str, choices: Sequence[Text | str]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, id="question")
            yield OptionList(*self.choices, id="choices")
            yield Static("↑/↓ and Enter: choose    Esc: cancel", classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MemoScreen(ModalScreen[str | None]):
    """A new entry for a memo thread, with the entries already there above it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "save"),
        Binding("escape", "cancel", "cancel"),
    ]

    def __init__(self, target: str, thread: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.target = target
        self.thread = list(thread)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo"):
            yield Static(Text(f"Memo on {self.target}", style="bold"))
            with VerticalScroll(id="thread"):
                shown = Text()
                for author, body in self.thread:
                    shown.append(f"{author}: ", style="bold")
                    shown.append(body + "\n")
                yield Static(shown if self.thread else Text("no entries yet", style="dim"))
            from textual.widgets import TextArea  # the editor loads only when a memo is written

            area = TextArea(id="memo-text")
            area.cursor_blink = False
            yield area
            yield Static("ctrl+s: save    Esc: cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#memo-text").focus()

    def action_save(self) -> None:
        from textual.widgets import TextArea

        text = self.query_one("#memo-text", TextArea).text
        self.dismiss(text if text.strip() else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(Text("Keys", style="bold"))
            yield Static(KEYS)
            yield Static("Esc: close", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
