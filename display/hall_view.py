"""The hall board (综合屏): the latest calls, waiting per service, paused and closed windows.

Landscape: the calls fill the left, waiting counts and window states stand on the right; more
than eight call rows go in two columns. Portrait: the calls on top, waiting counts and window
states side by side below. The newest call blinks on red for `highlight_s`; a recall carries
a 再次呼叫 tag.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import NamedTuple, cast

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QRegion

from contract.records import Service, Window, WindowState

from . import paint
from .board import BoardState, Call
from .config import DisplayConfig
from .screen import BoardScreen
from .texts import other, pause_reason, text

RIGHT = Qt.AlignmentFlag.AlignRight
CENTER = Qt.AlignmentFlag.AlignHCenter
SLOTS_AT = 2  # the call rows' sections follow the header's and the calls panel's


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the hall board's parts go on the screen."""

    header: QRectF
    calls: QRectF
    slots: tuple[QRectF, ...]  # each call row with the line above it
    waiting: QRectF
    windows: QRectF
    counts: tuple[QRectF, ...]  # each service's waiting count


class Slot(NamedTuple):
    """What a row of the calls panel shows: a call (or none), blinking, a line above it."""

    call: Call | None
    newest: bool
    line: bool


class HallBoard(BoardScreen):
    """A hall board; `state` gives what to show, `refresh()` after it changed."""

    def __init__(self, state: BoardState, config: DisplayConfig) -> None:
        super().__init__(state, config)
        self._row_spans: dict[int, list[paint.Span]] = {}  # where each call row shows texts
        self._layout_memo: tuple[tuple[object, ...], Layout] | None = None

    def areas(self, rect: QRectF) -> tuple[QRectF, QRectF, QRectF]:
        """The calls, waiting and windows panels in the body `rect`."""
        u = self.unit
        gap = 24 * u
        if self.portrait:
            lower = min(600 * u, rect.height() * 0.36)
            calls = QRectF(rect.left(), rect.top(), rect.width(), rect.height() - lower - gap)
            half = (rect.width() - gap) * 0.56
            waiting = QRectF(rect.left(), calls.bottom() + gap, half, lower)
            windows = QRectF(waiting.right() + gap, waiting.top(), rect.width() - half - gap, lower)
        else:
            side = (600 if self.call_columns() == 1 else 520) * u
            calls = QRectF(rect.left(), rect.top(), rect.width() - side - gap, rect.height())
            windows_h = self._windows_height(rect.height())
            waiting = QRectF(calls.right() + gap, rect.top(), side, rect.height() - windows_h - gap)
            windows = QRectF(waiting.left(), waiting.bottom() + gap, side, windows_h)
        return calls, waiting, windows

    def paint_body(self, p: QPainter, rect: QRectF) -> None:
        calls, waiting, windows = self.areas(rect)
        self.paint_calls(p, calls)
        synced = self.state.model.synced
        names = tuple((s.code, s.name_zh, s.name_en) for s in self.state.services())
        windows_key = (
            tuple((w.number, w.state, w.pause_reason) for w in self.state.windows()),
            tuple(self._booked_only()),
        )

        def waiting_part() -> None:
            key = ("waiting", self.look, names, synced)
            self.layers.draw(p, waiting, key, paint.GROUND, self.paint_waiting)
            self.paint_counts(p, waiting)

        self.part("waiting", waiting, waiting_part)
        self.part(
            "windows",
            windows,
            lambda: self.layers.draw(
                p,
                windows,
                ("windows", self.look, windows_key, synced),
                paint.GROUND,
                self.paint_windows,
            ),
        )

    def sections(self) -> list[tuple[QRectF, object]]:
        services = self.state.services()
        windows = self.state.windows()
        layout = self._layout(services, windows)
        synced = self.state.model.synced
        names = tuple((s.code, s.name_zh, s.name_en) for s in services)
        shown = (
            synced,
            tuple((w.number, w.state, w.pause_reason) for w in windows),
            tuple(self._booked_only()),
        )
        return [
            (layout.header, self.header_key()),
            (layout.calls, self._frame_key()),
            *zip(layout.slots, self._slot_keys(), strict=True),
            (layout.waiting, (synced, names)),
            (layout.windows, shown),
            *zip(layout.counts, (s.waiting for s in services), strict=True),  # each alone
        ]

    def _layout(self, services: list[Service], windows: list[Window]) -> Layout:
        """Where the parts go; worked out again only when the screen or what sizes the panels
        changed (a change is looked at once for each event)."""
        paused = sum(1 for w in windows if w.state is WindowState.PAUSED)
        closed = any(w.state is WindowState.CLOSED for w in windows)
        key: tuple[object, ...] = (self.width(), self.height(), self.banner_text() is not None)
        key += (self.footer_height(), len(services), paused, closed)
        if self._layout_memo is not None and self._layout_memo[0] == key:
            return self._layout_memo[1]
        calls, waiting, windows_panel = self.areas(self.body_rect())
        line = self.line_px()
        lines, count_w = self._waiting_lines(waiting)
        layout = Layout(
            header=QRectF(0, 0, self.width(), self.header_height()),
            calls=calls,
            slots=tuple(row.adjusted(0, -line, 0, 0) for row in self.row_rects(calls)),
            waiting=waiting,
            windows=windows_panel,
            counts=tuple(QRectF(r.right() - count_w, r.top(), count_w, r.height()) for r in lines),
        )
        self._layout_memo = (key, layout)
        return layout

    def blink_rect(self) -> QRectF | None:
        if not self.state.calls:
            return None
        return self.row_rects(self.areas(self.body_rect())[0])[0]

    def update_changed(self) -> None:
        self._scroll_calls()
        super().update_changed()

    def _scroll_calls(self) -> None:
        """A new call pushes the others down a row: move their pixels down on the screen (a
        copy inside the backing store) instead of painting them again, and repaint the rows
        that did change (the new one, the one that stops blinking, a column's first)."""
        before, after = self._sections, self.current_sections()
        if before is None or len(before) != len(after) or self.stale:
            return
        first = SLOTS_AT
        count = self._slot_count()
        if after[first - 1] != before[first - 1]:  # the calls' frame moved or changed
            return
        old = [key for _, key in before[first : first + count]]
        new = [key for _, key in after[first : first + count]]
        if not all(isinstance(k, Slot) for k in (*old, *new)):
            return
        olds, news = cast(list[Slot], old), cast(list[Slot], new)
        per_column = math.ceil(self.config.rows / self.call_columns())
        rows = self.row_rects(after[first - 1][0])
        moved = list(before)
        for start in range(0, count, per_column):
            end = start  # the run of rows of this column that moved down one row as they are
            while (
                end + 1 < min(start + per_column, count)
                and olds[end].call is not None
                and olds[end].call == news[end + 1].call
            ):
                end += 1
            if olds[start].newest:  # it stops blinking: painted again a row down anyway
                start += 1
            if end <= start:
                continue
            top, bottom = rows[start], rows[end]  # the pixels move inside it
            step = round(rows[start + 1].top() - top.top())
            # Only where the rows show texts: elsewhere they are all the panel's ground.
            spans = [self._row_spans.get(i) for i in range(start, end + 1) if olds[i].call]
            whole = (round(top.left()), round(top.right()))
            for x0, x1 in _merged([s for found in spans for s in (found or [whole])]):
                left, right = max(x0 - 1, whole[0]), min(x1 + 1, whole[1])
                height = round(bottom.bottom() - top.top())
                self.scroll(0, step, QRect(left, round(top.top()), right - left, height))
            for i in range(end, start, -1):
                # the lines between the rows moved with them, but the one above the run
                line = olds[i].line if i == start + 1 else olds[i - 1].line
                rect, _ = moved[first + i]
                moved[first + i] = (rect, olds[i - 1]._replace(line=line))
                self._part_texts[f"row{i}"] = self._part_texts.get(f"row{i - 1}", [])
                self._row_spans[i] = self._row_spans.get(i - 1) or [whole]
            rect, _ = moved[first + start]
            moved[first + start] = (rect, None)  # uncovered: painted again
            self._row_spans.pop(start, None)
        self._sections = moved

    # -- calls ------------------------------------------------------------------------------

    def call_columns(self) -> int:
        return 2 if not self.portrait and self.config.rows > 8 else 1

    def line_px(self) -> int:
        return max(1, round(self.unit))

    def row_rects(self, rect: QRectF) -> list[QRectF]:
        """Where the call rows go in the calls panel `rect`, newest first, on whole pixels
        (each row's image fits its place exactly, between the lines)."""
        u = self.unit
        columns = self.call_columns()
        per_column = math.ceil(self.config.rows / columns)
        gap = 16 * u
        width = (rect.width() - gap * (columns - 1)) / columns
        top = round(rect.top() + 64 * u)
        # one height for all rows: a call's image moves down a row as it is
        row_h = math.floor((rect.bottom() - 14 * u - top) / per_column)
        line = self.line_px()
        rows = []
        for index in range(columns * per_column):
            c, i = divmod(index, per_column)
            x0 = round(rect.left() + c * (width + gap))
            x1 = x0 + math.floor(width)
            y0 = top + i * row_h + line  # the line between rows is above the row
            rows.append(QRectF(x0, y0, x1 - x0, row_h - line))
        return rows

    def _frame_key(self) -> tuple[object, ...]:
        return ("calls", self.look, self.call_columns(), self.config.rows, not self.state.calls)

    def _slot_count(self) -> int:
        columns = self.call_columns()
        return columns * math.ceil(self.config.rows / columns)

    def _slot_keys(self) -> list[Slot]:
        """What each row of the calls panel (with the line above it) shows."""
        calls = self.state.calls
        per_column = math.ceil(self.config.rows / self.call_columns())
        blinking = self.blinking
        return [
            Slot(
                calls[index] if index < len(calls) else None,
                index == 0 and blinking,
                bool(index % per_column) and index <= len(calls),
            )
            for index in range(self._slot_count())
        ]

    def paint_calls(self, p: QPainter, rect: QRectF) -> None:
        columns = self.call_columns()
        calls = self.state.calls
        frame = self._frame_key()
        rows = self.row_rects(rect)

        def frame_part() -> None:
            # the rows of calls cover most of the panel: copy only what they leave
            p.save()
            uncovered = QRegion(rect.toAlignedRect())
            for row in rows[: len(calls)]:
                uncovered -= row.toRect()
            p.setClipRegion(uncovered, Qt.ClipOperation.IntersectClip)
            self.layers.draw(p, rect, frame, paint.GROUND, self._paint_calls_frame)
            p.restore()

        self.part("calls", rect, frame_part)
        line, inset = self.line_px(), 16 * self.unit
        per_column = math.ceil(self.config.rows / columns)
        for index, row in enumerate(rows[: len(calls) + 1]):  # a line under each call
            if index % per_column:
                p.fillRect(
                    QRectF(row.left() + inset, row.top() - line, row.width() - 2 * inset, line),
                    paint.PANEL_LINE,
                )
        for index, (call, row) in enumerate(zip(calls, rows, strict=False)):
            newest = index == 0 and self.blinking
            lit = newest and self.blink_on
            # Straight onto the screen, not through a layer: a row that has not changed is
            # not painted again (a new call moves the others down, `_scroll_calls`).
            render = functools.partial(self._paint_row, p, index, row, call, newest, lit, columns)
            self.part(f"row{index}", row, render)

    def _paint_calls_frame(self, p: QPainter, rect: QRectF) -> None:
        """The calls' panel and its headings (the rows and the lines between go on top)."""
        u = self.unit
        self._panel(p, rect)
        columns = self.call_columns()
        gap = 16 * u
        width = (rect.width() - gap * (columns - 1)) / columns
        head_h = 64 * u
        for c in range(columns):
            head = QRectF(rect.left() + c * (width + gap), rect.top(), width, head_h)
            self._call_heading(p, head, columns)
        if not self.state.calls:
            empty = rect.adjusted(0, head_h, 0, 0)
            self._pair(p, empty, "no_calls", 44 * u, paint.SOFT, align=CENTER, stacked=True)

    def _cells(self, row: QRectF, columns: int) -> tuple[QRectF, QRectF, QRectF]:
        pad = (28 if columns == 1 else 20) * self.unit
        inner = row.adjusted(pad, 0, -pad, 0)
        a, b = (0.31, 0.33) if columns == 1 else (0.35, 0.35)
        gap = pad * 0.8
        number = QRectF(inner.left(), inner.top(), inner.width() * a - gap, inner.height())
        window = QRectF(
            inner.left() + inner.width() * a, inner.top(), inner.width() * b - gap, inner.height()
        )
        left = inner.left() + inner.width() * (a + b)
        service = QRectF(left, inner.top(), inner.right() - left, inner.height())
        return number, window, service

    def _call_heading(self, p: QPainter, head: QRectF, columns: int) -> None:
        u = self.unit
        number, window, service = self._cells(head, columns)
        px = 30 * u
        for cell, key in ((number, "col_number"), (window, "col_window"), (service, "col_service")):
            if columns == 1:
                self._pair(p, cell, key, px, paint.SOFT)
            else:  # no room for two languages
                paint.draw(p, cell, text(key, self.lang), self.fonts.text, px, paint.SOFT)
        p.fillRect(
            QRectF(head.left(), head.bottom() - 2 * u, head.width(), 2 * u), paint.PANEL_LINE
        )

    def _paint_row(
        self,
        p: QPainter,
        index: int,
        row: QRectF,
        call: Call,
        newest: bool,
        lit: bool,
        columns: int,
    ) -> None:
        """Paint one call row and note where on it something shows on the panel's ground."""
        spans = self._call_row(p, row, call, newest, lit, columns)
        whole = (math.floor(row.left()), math.ceil(row.right()))
        self._row_spans[index] = [whole] if newest else spans

    def _call_row(
        self, p: QPainter, row: QRectF, call: Call, newest: bool, lit: bool, columns: int
    ) -> list[paint.Span]:
        """One call; `newest` while it blinks, `lit` in the blink's bright phase. Returns
        where it drew texts (the rest of the row is the panel's ground)."""
        u, lang = self.unit, self.lang
        p.fillRect(row, paint.PANEL)
        if newest:
            ground = paint.HIGHLIGHT if lit else paint.PANEL_LINE
            p.fillRect(row.adjusted(4 * u, 3 * u, -4 * u, -3 * u), ground)
        number, window, service = self._cells(row, columns)
        h = row.height()
        spans: list[paint.Span | None] = []
        spans.append(
            paint.draw(
                p,
                number,
                call.number,
                self.fonts.digits,
                min(h * 0.74, 120 * u),
                paint.INK if lit else paint.NUMBER,
                bold=True,
                each=True,  # a new number every call: its characters are drawn already
            )
        )
        where = text("window_no", lang, n=call.window)
        spans.append(
            paint.draw(
                p,
                window,
                where,
                self.fonts.text,
                min(h * 0.56, 84 * u),
                paint.INK if lit else paint.WINDOW,
                bold=True,
            )
        )
        name = self.state.service_name(call.service, lang)
        tag_h = min(h * 0.36, 50 * u)
        roomy = service.width() > 300 * u
        second = call.recall or (h > 80 * u and self.config.bilingual and roomy)
        text_px = min(h * 0.46, 52 * u)
        if not second:
            spans.append(paint.draw(p, service, name, self.fonts.text, text_px, paint.INK))
            return [s for s in spans if s is not None]
        top = QRectF(service.left(), row.top() + h * 0.08, service.width(), h * 0.47)
        spans.append(paint.draw(p, top, name, self.fonts.text, min(h * 0.42, 48 * u), paint.INK))
        below = QRectF(service.left(), top.bottom() + h * 0.04, service.width(), tag_h)
        if call.recall:
            label = text("recall", lang)
            if self.config.bilingual and roomy:
                label += " " + other("recall", lang)
            spans.append(
                paint.pill(p, below, label, self.fonts.text, tag_h * 0.7, paint.RECALL, paint.INK)
            )
        else:
            other_name = self.state.service_name(call.service, "zh" if lang == "en" else "en")
            spans.append(paint.draw(p, below, other_name, self.fonts.text, tag_h * 0.7, paint.SOFT))
        return [s for s in spans if s is not None]

    # -- waiting per service ----------------------------------------------------------------

    def _waiting_lines(self, rect: QRectF) -> tuple[list[QRectF], float]:
        """Each service's line in the waiting panel `rect`, and the width of its count."""
        u = self.unit
        top = rect.top() + 68 * u
        body = QRectF(
            rect.left() + 28 * u, top, rect.width() - 56 * u, rect.bottom() - top - 16 * u
        )
        n = len(self.state.services())
        line = min(80 * u, body.height() / max(1, n))
        lines = [QRectF(body.left(), body.top() + i * line, body.width(), line) for i in range(n)]
        return lines, body.width() * 0.3

    def paint_waiting(self, p: QPainter, rect: QRectF) -> None:
        """The waiting panel but its counts, which change more often (`paint_counts`)."""
        u, lang = self.unit, self.lang
        self._panel(p, rect)
        head = QRectF(rect.left() + 28 * u, rect.top(), rect.width() - 56 * u, 64 * u)
        self._pair(p, head, "waiting", 34 * u, paint.INK, bold=True)
        services = self.state.services()
        if not services and self.state.model.synced:
            body = QRectF(head.left(), head.bottom(), head.width(), 64 * u)
            self._pair(p, body, "no_services", 32 * u, paint.SOFT)
            return
        lines, count_w = self._waiting_lines(rect)
        for s, r in zip(services, lines, strict=True):
            name = (s.name_en or s.name_zh) if lang == "en" else (s.name_zh or s.name_en)
            box = QRectF(r.left(), r.top(), r.width() - count_w, r.height())
            paint.draw(p, box, name, self.fonts.text, r.height() * 0.56, paint.INK)

    def paint_counts(self, p: QPainter, rect: QRectF) -> None:
        lines, count_w = self._waiting_lines(rect)
        for i, (s, r) in enumerate(zip(self.state.services(), lines, strict=True)):
            box = QRectF(r.right() - count_w, r.top(), count_w, r.height())
            count = text("waiting_n", self.lang, n=s.waiting)
            self.part(
                f"count{i}",
                box,
                functools.partial(
                    paint.draw,
                    p,
                    box,
                    count,
                    self.fonts.text,
                    r.height() * 0.6,
                    paint.NUMBER,
                    bold=True,
                    align=RIGHT,
                    each=True,
                ),
            )

    # -- windows paused and closed ----------------------------------------------------------

    def _booked_only(self) -> list[tuple[int, str, str]]:
        """预约延时服务 of today still to come or going on (the hall's local time)."""
        now = self.local()
        return self.state.booked_only(now.isoweekday(), f"{now:%H:%M}")

    def _windows_height(self, body: float) -> float:
        u = self.unit
        lines = len(self.state.paused()) + len(self._booked_only())
        lines += 2 if self.state.closed() else 0
        return min(body * 0.5, 64 * u + 24 * u + max(1, lines) * 58 * u)

    def paint_windows(self, p: QPainter, rect: QRectF) -> None:
        u, lang = self.unit, self.lang
        self._panel(p, rect)
        head = QRectF(rect.left() + 28 * u, rect.top(), rect.width() - 56 * u, 64 * u)
        self._pair(p, head, "windows", 34 * u, paint.INK, bold=True)
        body = QRectF(
            head.left(), head.bottom() + 4 * u, head.width(), rect.bottom() - head.bottom() - 16 * u
        )
        if not self.state.model.synced:
            return  # nothing known yet: not "all serving"
        paused, closed = self.state.paused(), self.state.closed()
        booked = self._booked_only()
        if not paused and not closed and not booked:
            paint.draw(
                p,
                QRectF(body.left(), body.top(), body.width(), 58 * u),
                text("all_open", lang),
                self.fonts.text,
                34 * u,
                paint.WINDOW,
            )
            return
        lines = len(paused) + len(booked) + (2 if closed else 0)
        line = min(58 * u, body.height() / lines)
        for i, w in enumerate(paused):
            r = QRectF(body.left(), body.top() + i * line, body.width(), line)
            label = text("window_no", lang, n=w.number)
            paint.draw(
                p,
                QRectF(r.left(), r.top(), r.width() * 0.36, line),
                label,
                self.fonts.text,
                line * 0.6,
                paint.INK,
                bold=True,
            )
            state = f"{text('paused', lang)} · {pause_reason(w.pause_reason, lang)}"
            paint.draw(
                p,
                QRectF(r.left() + r.width() * 0.36, r.top(), r.width() * 0.64, line),
                state,
                self.fonts.text,
                line * 0.6,
                paint.PAUSED,
                bold=True,
            )
        for i, (number, start, end) in enumerate(booked, len(paused)):
            r = QRectF(body.left(), body.top() + i * line, body.width(), line)
            paint.draw(
                p,
                QRectF(r.left(), r.top(), r.width() * 0.36, line),
                text("window_no", lang, n=number),
                self.fonts.text,
                line * 0.6,
                paint.INK,
                bold=True,
            )
            paint.draw(
                p,
                QRectF(r.left() + r.width() * 0.36, r.top(), r.width() * 0.64, line),
                text("booked_only", lang, start=start, end=end),
                self.fonts.text,
                line * 0.5,
                paint.PAUSED,
                bold=True,
            )
        if closed:
            numbers = text("list_sep", lang).join(str(w.number) for w in closed)
            above = (len(paused) + len(booked)) * line
            r = QRectF(
                body.left(),
                body.top() + above + 6 * u,
                body.width(),
                body.bottom() - body.top() - above - 6 * u,
            )
            paint.draw_wrapped(
                p,
                r,
                text("closed_list", lang, list=numbers),
                self.fonts.text,
                line * 0.56,
                paint.CLOSED,
            )

    # -- helpers ----------------------------------------------------------------------------

    def _panel(self, p: QPainter, rect: QRectF) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(paint.PANEL)
        p.drawRoundedRect(rect, 14 * self.unit, 14 * self.unit)

    def _pair(
        self,
        p: QPainter,
        rect: QRectF,
        key: str,
        px: float,
        color: QColor,
        bold: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        stacked: bool = False,
    ) -> None:
        """A text in the board's language, and in the other one after it (or below it) when
        the board is bilingual."""
        first = text(key, self.lang)
        if not self.config.bilingual:
            paint.draw(p, rect, first, self.fonts.text, px, color, bold, align)
            return
        second = other(key, self.lang)
        if stacked:
            mid = rect.center().y()
            paint.draw(
                p,
                QRectF(rect.left(), mid - px * 1.3, rect.width(), px * 1.3),
                first,
                self.fonts.text,
                px,
                color,
                bold,
                align,
            )
            paint.draw(
                p,
                QRectF(rect.left(), mid + px * 0.1, rect.width(), px),
                second,
                self.fonts.text,
                px * 0.7,
                color,
                False,
                align,
            )
            return
        paint.draw(p, rect, f"{first}  {second}", self.fonts.text, px, color, bold, align)


def _merged(spans: list[paint.Span], gap: int = 8) -> list[paint.Span]:
    """Spans from left to right, those closer than `gap` joined."""
    joined: list[paint.Span] = []
    for x0, x1 in sorted(spans):
        if joined and x0 <= joined[-1][1] + gap:
            joined[-1] = (joined[-1][0], max(joined[-1][1], x1))
        else:
            joined.append((x0, x1))
    return joined
