"""The transcript widget: rows drawn on demand (Textual's line API), a cursor and a selection.

Only the rows on screen are drawn, so a long interview opens and repaints in the same time as a
short one. The cursor and both ends of the selection are code-point offsets of the stored text.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from qcode.coding.highlight import Mark, innermost, text_colour_on
from qcode.corpus.documents import UnitInfo
from qcode.tui import motion
from qcode.tui.layout import Layout, Row

MARGIN = 24
SELECTION = Style(bgcolor="#cdd6f4", color="#11111b")
CURSOR = Style(bgcolor="#ffd866", color="#000000", bold=True)
CURSOR_AWAY = Style(underline=True, bold=True)
LABEL = Style(bold=True, dim=True)
UNDERLINE = Style(underline=True)
GUTTER = Style(color="#6c7086")
HEADER = Style(color="#89b4fa", bold=True)


@dataclass(frozen=True)
class Shown:
    """A coding as the transcript draws it; `own` codings fill the background, others underline."""

    mark: Mark
    own: bool


class Transcript(ScrollView, can_focus=True):
    """A document's text, wrapped, with coded spans in their colours and codes in the margin."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "line(-1)", "line up", show=False),
        Binding("down", "line(1)", "line down", show=False),
        Binding("shift+up", "line(-1, True)", show=False),
        Binding("shift+down", "line(1, True)", show=False),
        Binding("left", "char(-1)", show=False),
        Binding("right", "char(1)", show=False),
        Binding("shift+left", "char(-1, True)", show=False),
        Binding("shift+right", "char(1, True)", show=False),
        Binding("ctrl+left,b", "word(-1)", show=False),
        Binding("ctrl+right,w", "word(1)", show=False),
        Binding("ctrl+shift+left,B", "word(-1, True)", show=False),
        Binding("ctrl+shift+right,W", "word(1, True)", show=False),
        Binding("home", "row_edge(-1)", show=False),
        Binding("end", "row_edge(1)", show=False),
        Binding("shift+home", "row_edge(-1, True)", show=False),
        Binding("shift+end", "row_edge(1, True)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("shift+pageup", "page(-1, True)", show=False),
        Binding("shift+pagedown", "page(1, True)", show=False),
        Binding("ctrl+home,g", "edge(-1)", show=False),
        Binding("ctrl+end,G", "edge(1)", show=False),
        Binding("right_square_bracket,j", "unit(1)", "next unit", show=False),
        Binding("left_square_bracket,k", "unit(-1)", "previous unit", show=False),
        Binding("right_curly_bracket,J", "extend_unit(1)", show=False),
        Binding("left_curly_bracket,K", "extend_unit(-1)", show=False),
        Binding("space", "select_unit", "select unit", show=False),
        Binding("escape", "clear", show=False),
    ]

    class Moved(Message):
        """The cursor or the selection changed."""

        def __init__(self, cursor: int) -> None:
            super().__init__()
            self.cursor = cursor

    def __init__(self, text: str, turns: Sequence[UnitInfo], units: Sequence[UnitInfo],
                 *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text
        self.turns = tuple(turns)
        self.units = tuple(units)
        self.cursor = units[0].start if units else 0
        self.origin: int | None = None
        self._layout: Layout | None = None  # built for the width the widget gets
        self._gutter = len(str(text.count("\n") + 1)) + 2
        self._shown: list[Shown] = []
        self._starts: list[int] = []
        self._goal: int | None = None
        self._dragging = False
        self._styles: dict[tuple[str, bool], Style] = {}

    # --- state ---------------------------------------------------------------------------

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected `[start, end)`, or None when nothing is selected."""
        if self.origin is None or self.origin == self.cursor:
            return None
        return min(self.origin, self.cursor), max(self.origin, self.cursor)

    @property
    def unit(self) -> UnitInfo:
        return self.units[motion.unit_index(self.units, self.cursor)]

    def set_codings(self, shown: Sequence[Shown]) -> None:
        self._shown = sorted(shown, key=lambda s: (s.mark.start, s.mark.end, s.mark.id))
        self._starts = [s.mark.start for s in self._shown]
        self.refresh()

    def move_to(self, offset: int, *, extend: bool = False, keep_goal: bool = False,
                before: tuple[int, int | None] | None = None) -> None:
        before = before or (self.cursor, self.origin)
        if extend and self.origin is None:
            self.origin = self.cursor
        elif not extend:
            self.origin = None
        self.cursor = max(0, min(offset, len(self.text)))
        if not keep_goal:
            self._goal = None
        top = int(self.scroll_offset.y)
        self._reveal()
        if int(self.scroll_offset.y) == top:
            self._repaint(before, (self.cursor, self.origin))
        self.post_message(self.Moved(self.cursor))

    def _repaint(self, *states: tuple[int, int | None]) -> None:
        """Redraw only the rows the cursor and selection were or are on (a key press repaints
        a row or two, not the screen)."""
        region = self.scrollable_content_region
        if not region.width:
            return
        top, height = int(self.scroll_offset.y), region.height
        rows: set[int] = set()
        for cursor, origin in states:
            low, high = sorted((cursor, cursor if origin is None else origin))
            first, last = self.wrapped.row_of(low), self.wrapped.row_of(high)
            rows.update(range(max(first, top), min(last, top + height - 1) + 1))
        if len(rows) >= height:
            self.refresh()
            return
        for row in sorted(rows):
            self.refresh_line(row)

    def select(self, start: int, end: int) -> None:
        """Select `[start, end)`, the cursor at its start (inside it, where reading goes on)."""
        before = (self.cursor, self.origin)
        self.origin = end
        self.move_to(start, extend=True, before=before)

    # --- layout --------------------------------------------------------------------------

    @property
    def text_width(self) -> int:
        return max(8, self.scrollable_content_region.width - self._gutter - self.margin - 1)

    @property
    def margin(self) -> int:
        return min(MARGIN, max(0, self.scrollable_content_region.width // 4))

    @property
    def wrapped(self) -> Layout:
        """The rows at the current width (laid out again only when the width changes)."""
        width = self.text_width
        if self._layout is None or self._layout.width != max(8, width):
            self._layout = Layout(self.text, self.turns, width)
        return self._layout

    def on_resize(self, _event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.wrapped.rows))
        self._reveal()
        self.refresh()

    def _reveal(self) -> None:
        if not self.scrollable_content_region.width:
            return  # not laid out yet: the first resize shows the cursor
        row = self.wrapped.row_of(self.cursor)
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        first = row - 1 if row > 0 and self.wrapped.rows[row - 1].header is not None else row
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    # --- drawing -------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + int(self.scroll_offset.y)
        if index >= len(self.wrapped.rows):
            return Strip.blank(width)
        row = self.wrapped.rows[index]
        if row.header is not None:
            segments = self._header(row.header)
            return Strip(segments).crop_extend(0, width, None)
        body = Strip(self._body(row, index)).crop_extend(0, self.wrapped.width + 1, None)
        return Strip.join([Strip(self._gutter_cell(row)), body, Strip(self._margin(row))]
                          ).crop_extend(0, width, None)

    def _header(self, turn: UnitInfo) -> list[Segment]:
        parts = [Segment(f"t{turn.number}".rjust(self._gutter - 1) + " ", HEADER),
                 Segment(turn.speaker or "(no speaker)", Style(bold=True))]
        if turn.timestamp:
            parts.append(Segment(f" · {turn.timestamp}", GUTTER))
        return parts

    def _gutter_cell(self, row: Row) -> list[Segment]:
        number = str(row.line) if row.line is not None else ""
        return [Segment(number.rjust(self._gutter - 1) + " ", GUTTER)]

    def _touching(self, start: int, end: int) -> list[Shown]:
        candidates = self._shown[: bisect_left(self._starts, max(end, start + 1))]
        return [s for s in candidates if s.mark.end > start]

    def _style_of(self, covering: Sequence[Shown]) -> Style | None:
        own = [s.mark for s in covering if s.own]
        others = [s.mark for s in covering if not s.own]
        style: Style | None = None
        mark = innermost(own)
        if mark is not None and mark.colour:
            style = self._cached(mark.colour, True)
        other = innermost(others)
        if other is not None and other.colour:
            # Under one's own colour, another coder's coding is only underlined: its colour as
            # text would vanish on a background of the same code family.
            style = style + UNDERLINE if style else self._cached(other.colour, False)
        return style

    def _cached(self, colour: str, own: bool) -> Style:
        key = (colour, own)
        if key not in self._styles:
            self._styles[key] = (Style(bgcolor=colour, color=text_colour_on(colour)) if own
                                 else Style(underline=True, bold=True, color=colour))
        return self._styles[key]

    def _body(self, row: Row, index: int) -> list[Segment]:
        start, end = row.start, row.end
        touching = self._touching(start, end)
        points = {start, end}
        points.update(p for s in touching for p in (s.mark.start, s.mark.end) if start < p < end)
        selection = self.selection
        if selection:
            points.update(p for p in selection if start < p < end)
        if start < self.cursor < end:
            points.update((self.cursor, self.cursor + 1))
        elif self.cursor == start and start < end:
            points.add(self.cursor + 1)
        labels = [(a, b) for a, b in self.wrapped.labels if a < end and b > start]
        points.update(p for a, b in labels for p in (a, b) if start < p < end)
        edges = sorted(p for p in points if start <= p <= end)
        segments = []
        for a, b in itertools.pairwise(edges):
            piece = self.text[a:b].replace("\t", " ").replace("\r", " ")
            segments.append(Segment(piece, self._piece_style(a, b, touching, selection, labels)))
        if self.cursor == end and self.wrapped.last_place(index) == end:
            segments.append(Segment(" ", CURSOR if self.has_focus else CURSOR_AWAY))
        return segments

    def _piece_style(self, a: int, b: int, touching: Sequence[Shown], selection: tuple[int, int] | None,
                     labels: Sequence[tuple[int, int]]) -> Style | None:
        covering = [s for s in touching if s.mark.start <= a and s.mark.end >= b]
        style = self._style_of(covering)
        if any(x <= a and b <= y for x, y in labels):
            style = (style or Style()) + LABEL
        if selection and selection[0] <= a and b <= selection[1]:
            style = (style or Style()) + SELECTION
        if a == self.cursor:
            style = (style or Style()) + (CURSOR if self.has_focus else CURSOR_AWAY)
        return style

    def _margin(self, row: Row) -> list[Segment]:
        width = self.margin
        if width <= 0:
            return []
        touching = self._touching(row.start, row.end + (1 if row.last else 0))
        stripes = [Segment("▌", Style(color=s.mark.colour, dim=not s.own)) for s in touching[:3]]
        used = len(stripes)
        parts = [*stripes, Segment(" " * (4 - used))]
        used = 4
        for shown in touching:
            if not row.start <= shown.mark.start < max(row.end, row.start + 1):
                continue
            mark = shown.mark
            label = mark.code if shown.own else mark.label
            room = width - used - 1
            if room < 3:
                parts.append(Segment("…", GUTTER))
                break
            if len(label) > room:
                label = label[: room - 1] + "…"
            parts.append(Segment(label + " ", Style(color=mark.colour, bold=shown.own)))
            used += len(label) + 1
        return parts

    # --- keys ----------------------------------------------------------------------------

    def action_char(self, step: int, extend: bool = False) -> None:
        self.move_to(self.cursor + step, extend=extend)

    def action_word(self, step: int, extend: bool = False) -> None:
        move = motion.next_word if step > 0 else motion.previous_word
        self.move_to(move(self.text, self.cursor), extend=extend)

    def action_line(self, step: int, extend: bool = False) -> None:
        index = self.wrapped.row_of(self.cursor)
        if self._goal is None:
            self._goal = self.wrapped.column_of(self.cursor)
        target = self.wrapped.text_row(index, step)
        if target is None:
            offset = 0 if step < 0 else len(self.text)
        else:
            offset = self.wrapped.offset_at(target, self._goal)
        self.move_to(offset, extend=extend, keep_goal=True)

    def action_row_edge(self, step: int, extend: bool = False) -> None:
        index = self.wrapped.row_of(self.cursor)
        row = self.wrapped.rows[index]
        self.move_to(row.start if step < 0 else self.wrapped.last_place(index), extend=extend)

    def action_page(self, step: int, extend: bool = False) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        index = self.wrapped.row_of(self.cursor)
        if self._goal is None:
            self._goal = self.wrapped.column_of(self.cursor)
        target = max(0, min(len(self.wrapped.rows) - 1, index + step * height))
        self.move_to(self.wrapped.offset_at(target, self._goal), extend=extend, keep_goal=True)

    def action_edge(self, step: int) -> None:
        self.move_to(0 if step < 0 else len(self.text))

    def action_unit(self, step: int) -> None:
        """To the start of the next unit (or of this one, then the one before)."""
        index = motion.unit_index(self.units, self.cursor)
        unit = self.units[index]
        if step > 0:
            target = index if self.cursor < unit.start else index + 1
        else:
            target = index if unit.start < self.cursor else index - 1
        self.move_to(self.units[max(0, min(len(self.units) - 1, target))].start)

    def action_select_unit(self) -> None:
        unit = self.unit
        if self.selection == (unit.start, unit.end):
            self.move_to(self.cursor)
        else:
            self.select(unit.start, unit.end)

    def action_extend_unit(self, step: int) -> None:
        """Grow the selection by whole units: the next one (or the one before)."""
        selection = self.selection
        if selection is None:
            self.action_select_unit()
            return
        start, end = selection
        if step > 0:
            index = motion.unit_index(self.units, max(start, end - 1))
            end = max(end, self.units[min(len(self.units) - 1, index + 1)].end)
        else:
            index = motion.unit_index(self.units, start)
            index = max(0, index - 1) if self.units[index].start >= start else index
            start = min(start, self.units[index].start)
        self.select(start, end)

    def action_clear(self) -> None:
        self.move_to(self.cursor)

    # --- mouse ---------------------------------------------------------------------------

    def _offset_at(self, event: events.MouseEvent) -> int | None:
        at = event.get_content_offset(self)
        if at is None:
            return None
        index = min(len(self.wrapped.rows) - 1, at.y + int(self.scroll_offset.y))
        column = max(0, at.x - self._gutter)
        return self.wrapped.offset_at(index, column)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = self._offset_at(event)
        if offset is None:
            return
        self.focus()
        self.move_to(offset, extend=event.shift)
        if not event.shift:
            self.origin = offset
        self._dragging = True
        self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if not self._dragging:
            return
        offset = self._offset_at(event)
        if offset is not None and offset != self.cursor:
            self.move_to(offset, extend=True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if not self._dragging:
            return
        self._dragging = False
        self.release_mouse()
        offset = self._offset_at(event)
        if offset is not None and offset != self.cursor:
            self.move_to(offset, extend=True)
        if self.origin == self.cursor:
            self.origin = None
            self.refresh()

    def on_focus(self, _event: events.Focus) -> None:
        self.refresh()

    def on_blur(self, _event: events.Blur) -> None:
        self.refresh()
