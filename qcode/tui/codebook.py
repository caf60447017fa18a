"""The codebook beside the transcript: a filter box, the tree with counts, and the highlighted
code's definition, when to use it, when not to and an example, always in view."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qcode.tui.data import CodeEntry
from qcode.tui.fuzzy import search


def entry_line(entry: CodeEntry, count: int, shortcut: str | None, flat: bool = False) -> Text:
    """One row of the tree: number, colour, indented id, count in this document, shortcut key."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{entry.number:>3} " if entry.number is not None else "    ", style="dim")
    line.append("  " * (0 if flat else entry.depth))
    if entry.can_apply:
        line.append("■ ", style=entry.colour)
        line.append(entry.key)
    else:
        line.append("▾ ", style=entry.colour)
        line.append(entry.key, style="bold")
    if count:
        line.append(f" {count}", style="bold #a6e3a1")
    if shortcut:
        line.append(f" {shortcut}", style="dim italic")
    return line


def definition_text(entry: CodeEntry | None) -> Text:
    if entry is None:
        return Text("no code highlighted", style="dim")
    text = Text()
    text.append(entry.label, style=f"bold {entry.colour}")
    text.append(f"  {entry.path}\n", style="dim")
    if not entry.applicable:
        text.append("Category: not applied directly; choose one of its codes.\n", style="bold yellow")
    elif entry.retired:
        text.append("Retired: no longer applied.\n", style="bold yellow")
    if entry.brief:
        text.append(entry.brief.strip() + "\n", style="italic")
    sections = [("Definition", entry.definition), ("Use when", entry.when_to_use),
                ("Not when", entry.when_not_to_use),
                ("Example", f"“{entry.examples[0].strip()}”" if entry.examples else None)]
    for title, body in sections:
        if body and body.strip():
            text.append(f"{title}: ", style="bold")
            text.append(" ".join(body.split()) + "\n")
    if entry.synonyms:
        text.append(f"Formerly: {', '.join(entry.synonyms)}\n", style="dim")
    text.rstrip()
    return text


class CodebookPanel(Vertical):
    """Filter box over the code list; typing ranks codes, Enter picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("escape", "cancel", show=False),
    ]

    class Submitted(Message):
        """Enter in the filter box: the text typed, and the code highlighted by hand if any."""

        def __init__(self, text: str, chosen: CodeEntry | None) -> None:
            super().__init__()
            self.text = text
            self.chosen = chosen

    class Cancelled(Message):
        pass

    class Highlighted(Message):
        def __init__(self, entry: CodeEntry | None) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, entries: Sequence[CodeEntry], counts: Mapping[str, int],
                 shortcuts: Mapping[str, str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries = [e for e in entries if not e.retired]
        self.counts, self.shortcuts = counts, shortcuts
        self.shown: list[CodeEntry] = list(self.entries)
        self.by_hand = False  # the highlight was moved with the keys or the mouse since typing

    def compose(self) -> ComposeResult:
        # The first list is built here, before mounting, so opening takes one layout pass.
        box = Input(placeholder="/ code: number, id or label", id="filter")
        box.cursor_blink = False
        yield box
        yield OptionList(*self._options(False), id="codes")
        with VerticalScroll(id="definition-box"):
            yield Static(definition_text(self.shown[0] if self.shown else None), id="definition")

    def _options(self, flat: bool) -> list[Option]:
        return [Option(entry_line(e, self.counts.get(e.key, 0), self.shortcuts.get(e.key), flat), id=e.key)
                for e in self.shown]

    @property
    def box(self) -> Input:
        return self.query_one("#filter", Input)

    @property
    def options(self) -> OptionList:
        return self.query_one("#codes", OptionList)

    @property
    def highlighted(self) -> CodeEntry | None:
        index = self.options.highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def set_codes(self, entries: Sequence[CodeEntry], counts: Mapping[str, int],
                  shortcuts: Mapping[str, str]) -> None:
        current = [e for e in entries if not e.retired]
        if current == self.entries and shortcuts == self.shortcuts:
            # The same codebook: only counts change after a coding, so only those rows change.
            flat = bool(self.box.value.strip()) and not self.box.value.strip().isdigit()
            changed = [e for e in self.shown if counts.get(e.key, 0) != self.counts.get(e.key, 0)]
            self.counts = counts
            for entry in changed:
                self.options.replace_option_prompt(
                    entry.key, entry_line(entry, counts.get(entry.key, 0), shortcuts.get(entry.key), flat))
            return
        self.entries = current
        self.counts, self.shortcuts = counts, shortcuts
        self._rebuild(keep=self.highlighted.key if self.highlighted else None)

    def _rebuild(self, keep: str | None = None) -> None:
        query = self.box.value.strip()
        flat = bool(query) and not query.isdigit()
        if flat:
            self.shown = [m.entry for m in search(self.entries, query)]
        else:
            self.shown = list(self.entries)
        options = self.options
        options.clear_options()
        options.add_options(self._options(flat))
        index = 0
        if query.isdigit():
            index = next((i for i, e in enumerate(self.shown) if e.number == int(query)), 0)
        elif keep is not None and not flat:
            index = next((i for i, e in enumerate(self.shown) if e.key == keep), 0)
        if self.shown:
            options.highlighted = index
        self._show(self.highlighted)

    def _show(self, entry: CodeEntry | None) -> None:
        self.query_one("#definition", Static).update(definition_text(entry))
        self.post_message(self.Highlighted(entry))

    def highlight(self, key: str) -> None:
        """Bring a code into view (the one under the transcript's cursor), unless filtering."""
        if self.box.value.strip():
            return
        index = next((i for i, e in enumerate(self.shown) if e.key == key), None)
        if index is not None and index != self.options.highlighted:
            self.options.highlighted = index
            self._show(self.highlighted)

    def start(self, text: str = "") -> None:
        self.box.value = text
        self.box.cursor_position = len(text)
        self.by_hand = False
        self.box.focus()
        self._rebuild()

    def reset(self) -> None:
        self.box.value = ""
        self.by_hand = False
        self._rebuild()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.by_hand = False
        self._rebuild()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        chosen = self.highlighted if self.by_hand else None
        self.post_message(self.Submitted(event.value, chosen))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show(self.highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.by_hand = True
        self.post_message(self.Submitted(self.box.value, self.highlighted))

    def action_move(self, step: int) -> None:
        options = self.options
        if not self.shown:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))
        self.by_hand = True
        self._show(self.highlighted)

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
