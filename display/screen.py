"""What every board screen has: the header with the hall's time, the offline banner, the
scrolling notice, the blink of a new call, and the paint hook a benchmark listens to.

A screen repaints only when told (`refresh`, after a change the board shows), when its clock
turns a minute, and while a new call blinks: an idle board costs no CPU. The notice scrolls
in its own child widget, which repaints only its strip.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QElapsedTimer, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QRegion, QResizeEvent
from PySide6.QtWidgets import QWidget

from . import paint
from .board import BoardState
from .config import DisplayConfig
from .texts import other, text

log = logging.getLogger(__name__)

BLINK_MS = 500
MARQUEE_MS = 33  # about 30 steps a second
MARQUEE_SPEED = 160  # design pixels a second


class Marquee(QWidget):
    """The notice, scrolling right to left; it ticks only while it has a notice and shows."""

    def __init__(self, parent: QWidget, family: str) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.family = family
        self.notice = ""
        self.scale = 1.0
        self.clock = QElapsedTimer()
        self.timer = QTimer(self)
        self.timer.setInterval(MARQUEE_MS)
        self.timer.timeout.connect(self.update)

    def set_notice(self, notice: str) -> None:
        self.notice = " ".join(notice.split())
        self.setVisible(bool(self.notice))
        if self.notice and not self.timer.isActive():
            self.clock.start()
            self.timer.start()
        elif not self.notice:
            self.timer.stop()

    def stop(self) -> None:
        self.timer.stop()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), paint.PANEL)
        p.fillRect(QRect(0, 0, self.width(), max(1, round(2 * self.scale))), paint.PANEL_LINE)
        f = paint.font(self.family, self.height() * 0.5)
        p.setFont(f)
        p.setPen(paint.INK)
        gap = self.height() * 3
        wide = p.fontMetrics().horizontalAdvance(self.notice) + gap
        moved = self.clock.elapsed() / 1000 * MARQUEE_SPEED * self.scale
        x = self.height() * 0.5 - moved % wide  # starts in view, then runs on round
        while x < self.width():
            p.drawText(
                QRectF(x, 0, wide, self.height()), int(Qt.AlignmentFlag.AlignVCenter), self.notice
            )
            x += wide
        p.end()


class BoardScreen(QWidget):
    """The frame of a board; `paint_body` (in a subclass) paints what lies inside it."""

    def __init__(self, state: BoardState, config: DisplayConfig) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.state, self.config = state, config
        self.lang = config.lang
        self.fonts = paint.fonts()
        self.online: bool | None = None  # None: not connected yet
        self.last_update: float | None = None  # POSIX time the board was last in step
        self.paint_hooks: list[Callable[[], None]] = []  # called after each paint
        self.painted: list[str] = []  # the texts of the last paint, as shown
        self.paint_seconds = 0.0  # how long the last paint took
        self._sections: list[tuple[QRectF, object]] | None = None  # as last painted
        self._reach: QRegion | None = None  # what the paint under way repaints
        self._sections_memo: tuple[object, list[tuple[QRectF, object]]] | None = None
        self._part_texts: dict[str, list[str]] = {}  # each part's texts, as last painted
        self._note: tuple[str, str] | None = None  # see note()
        self.now: Callable[[], float] = time.time
        self.layers = paint.Layers()
        self.marquee = Marquee(self, self.fonts.text)
        self.marquee.set_notice(config.notice)
        self.clock = QTimer(self)
        self.clock.setSingleShot(True)
        self.clock.timeout.connect(self._minute)
        self.blink = QTimer(self)
        self.blink.setInterval(BLINK_MS)
        self.blink.timeout.connect(self._blink_step)
        self.blink_on = False
        self._blink_until = 0.0
        self.setWindowTitle(text("app_title", self.lang))

    # -- what the app tells it ---------------------------------------------------------------

    def start(self) -> None:
        self._minute()

    def stop(self) -> None:
        """Stop every timer (before closing)."""
        for timer in (self.clock, self.blink, self.marquee.timer):
            timer.stop()

    def timers_active(self) -> bool:
        return any(t.isActive() for t in (self.clock, self.blink, self.marquee.timer))

    def refresh(self) -> None:
        """The board changed: paint again (Qt paints once for many refreshes)."""
        if self.state.fresh is not None:
            self.state.fresh = None
            self.start_blink()
        self.update_changed()

    def sections(self) -> list[tuple[QRectF, object]]:
        """The parts of the screen with what each shows, so that a change repaints only the
        parts it changed; empty: repaint all of it."""
        return []

    def current_sections(self) -> list[tuple[QRectF, object]]:
        """`sections()`, worked out again only when the model, the screen or the minute moved
        (a change is looked at once to repaint and once to paint)."""
        model = self.state.model
        key = (
            model.seq,
            self.state.changes,  # a step that keeps the seq (counts at the model's seq)
            model.synced,
            model.needs_resync,
            len(self.state.calls),
            self.blinking,
            self.width(),
            self.height(),
            self.online,
            self.last_update,
            self._note,
            self.now() // 60,
        )
        if self._sections_memo is None or self._sections_memo[0] != key:
            self._sections_memo = (key, self.sections())
        return self._sections_memo[1]

    def update_changed(self) -> None:
        sections = self.current_sections()
        before = self._sections
        if not sections or before is None or len(before) != len(sections):
            self.update()
            return
        region = QRegion()
        for (rect, key), (old_rect, old_key) in zip(sections, before, strict=True):
            if rect != old_rect or key != old_key:
                # Where the part was too: a part that shrank or moved leaves nothing behind.
                region += rect.toAlignedRect()
                region += old_rect.toAlignedRect()
        if not region.isEmpty():
            self.update(region)

    def set_notice(self, notice: str) -> None:
        """Scroll ``notice`` at the foot (empty: none, and the body takes the room)."""
        if " ".join(notice.split()) == self.marquee.notice:
            return
        self.marquee.set_notice(notice)
        self._place_marquee()
        self.update()

    def set_online(self, online: bool) -> None:
        if online == self.online:
            return
        if not online and self.online:
            self.last_update = self.now()
        self.online = online
        self.update()

    def start_blink(self) -> None:
        seconds = self.config.highlight_s
        if seconds <= 0:
            return
        self._blink_until = time.monotonic() + seconds
        self.blink_on = True
        self.blink.start()

    @property
    def blinking(self) -> bool:
        return self.blink.isActive()

    @property
    def stale(self) -> bool:
        return self.online is not True

    def note(self, texts: tuple[str, str] | None) -> None:
        """Show a note of the board's own under the header, e.g. the voice's status (Chinese,
        English); None takes it away. The offline banner goes before it."""
        if texts != self._note:
            self._note = texts
            self.update()

    def banner_text(self) -> str | None:
        """The banner's text: offline (or connecting), else the board's note, else None."""
        if self.online:
            if self._note is None:
                return None
            first, second = self._note if self.lang != "en" else self._note[::-1]
            return f"{first}  /  {second}" if self.config.bilingual else first
        if self.online is None and self.last_update is None:
            key, fields = "connecting", {}
        else:
            key, fields = "offline", {"time": self.clock_text(self.last_update, seconds=True)}
        line = text(key, self.lang, **fields)
        if self.config.bilingual:
            line += "  /  " + other(key, self.lang, **fields)
        return line

    # -- time ------------------------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        for name in (self.state.model.hall.timezone, self.config.timezone):
            if name:
                try:
                    return ZoneInfo(name)
                except (ZoneInfoNotFoundError, ValueError):
                    log.warning("unknown time zone %r", name)
        return ZoneInfo("Asia/Shanghai")

    def local(self, at: float | None = None) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.now() if at is None else at, self.tz)

    def clock_text(self, at: float | None = None, seconds: bool = False) -> str:
        return self.local(at).strftime("%H:%M:%S" if seconds else "%H:%M")

    def date_text(self, lang: str) -> str:
        now = self.local()
        weekday = text("weekdays", lang).split(",")[now.weekday()]
        return text(
            "clock_date", lang, year=now.year, month=now.month, day=now.day, weekday=weekday
        )

    def _minute(self) -> None:
        """Repaint the clock and wait for the next minute (no ticking in between)."""
        now = self.now()
        self.clock.start(max(50, round((60 - now % 60) * 1000) + 20))
        self.update_changed()

    def _blink_step(self) -> None:
        if time.monotonic() >= self._blink_until:
            self.blink.stop()
            self.blink_on = False
        else:
            self.blink_on = not self.blink_on
        rect = self.blink_rect()
        if rect is None or self.stale:
            self.update()
        else:
            self.update(rect.toAlignedRect())

    # -- geometry ----------------------------------------------------------------------------

    @property
    def portrait(self) -> bool:
        if self.config.layout != "auto":
            return self.config.layout == "portrait"
        return self.height() > self.width()

    @property
    def unit(self) -> float:
        """Design pixels (1920×1080, or 1080×1920 standing) to this screen's."""
        w, h = (1080, 1920) if self.portrait else (1920, 1080)
        return max(0.3, min(self.width() / w, self.height() / h))

    def header_height(self) -> float:
        return (150 if self.portrait else 120) * self.unit

    def footer_height(self) -> float:
        return 72 * self.unit if self.marquee.notice else 0.0

    def resizeEvent(self, event: QResizeEvent) -> None:
        # room for a board's parts twice over (the blink's two looks); 4K needs four times 1080p
        self.layers.budget = round(24 * 1024 * 1024 * max(1.0, self.unit**2))
        self._place_marquee()
        super().resizeEvent(event)

    def _place_marquee(self) -> None:
        foot = round(self.footer_height())
        self.marquee.scale = self.unit
        self.marquee.setGeometry(0, self.height() - foot, self.width(), foot)

    # -- painting ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        started = time.perf_counter()
        self.painted = paint.record()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        w, u = self.width(), self.unit
        sections = self.current_sections()
        ground = QRegion(self.rect())
        for rect, _ in sections:  # painted over by their images: no need to fill them first
            ground -= rect.toRect().adjusted(1, 1, -1, -1)
        p.setClipRegion(ground)
        p.fillRect(self.rect(), paint.GROUND)
        p.setClipping(False)
        self._reach = event.region()
        head = QRectF(0, 0, w, self.header_height())
        self.part(
            "header",
            head,
            lambda: self.layers.draw(p, head, self.header_key(), paint.HEADER, self.paint_header),
        )
        top = head.bottom()
        banner = self.banner_text()
        if banner is not None:
            strip = QRectF(0, top, w, 64 * u)
            offline = self.last_update is not None and not self.online
            p.fillRect(strip, paint.STALE if offline else paint.PANEL_LINE)
            inner = strip.adjusted(24 * u, 0, -24 * u, 0)
            paint.draw(
                p,
                inner,
                banner,
                self.fonts.text,
                34 * u,
                paint.PAUSED if self.online else paint.INK,
                bold=True,
                align=Qt.AlignmentFlag.AlignHCenter,
            )
            top = strip.bottom()
        self.paint_body(p, self.body_rect())
        if self.stale and self.last_update is not None:
            p.fillRect(QRectF(0, top, w, self.height() - top), paint.DIM)
        p.end()
        self._sections = sections
        self.paint_seconds = time.perf_counter() - started
        for hook in self.paint_hooks:
            hook()

    def part(self, name: str, rect: QRectF, paint_it: Callable[[], object]) -> None:
        """Paint one part of the screen if this paint reaches it; a part it does not reach
        (it has not changed) keeps its texts from its last paint in `painted`."""
        if self._reach is None or self._reach.intersects(rect.toAlignedRect()):
            texts = paint.painted
            mark = len(texts)
            paint_it()
            self._part_texts[name] = texts[mark:]
        else:
            paint.painted.extend(self._part_texts.get(name, ()))

    @property
    def look(self) -> tuple[object, ...]:
        """What every part's look depends on besides its content (for `layers` keys)."""
        return (self.lang, self.config.bilingual, self.portrait, self.width(), self.height())

    def header_key(self) -> tuple[object, ...]:
        hall = self.state.model.hall
        return ("header", self.look, self.clock_text(), self.date_text(self.lang), hall)

    def body_rect(self) -> QRectF:
        """Where `paint_body` paints: below the header (and the banner), above the notice."""
        u = self.unit
        top = self.header_height() + (64 * u if self.banner_text() is not None else 0)
        margin = 24 * u
        return QRectF(
            margin,
            top + margin,
            self.width() - 2 * margin,
            self.height() - self.footer_height() - top - 2 * margin,
        )

    def blink_rect(self) -> QRectF | None:
        """What the blink changes (None: anywhere)."""
        return None

    def paint_header(self, p: QPainter, rect: QRectF) -> None:
        """The hall's name and the board's title on the left, the hall's time on the right."""
        u, lang = self.unit, self.lang
        p.fillRect(rect, paint.HEADER)
        pad = 32 * u
        clock_w = 440 * u if not self.portrait else 380 * u
        left = rect.adjusted(pad, 12 * u, -clock_w - pad, -12 * u)
        hall = self.state.model.hall
        name = (hall.name_en or hall.name_zh) if lang == "en" else (hall.name_zh or hall.name_en)
        title = self.config.title or text("board_title", lang)
        if self.config.bilingual and not self.config.title:
            title += "  " + other("board_title", lang)
        half = left.height() * 0.58
        paint.draw(
            p,
            QRectF(left.left(), left.top(), left.width(), half),
            name,
            self.fonts.text,
            50 * u,
            paint.INK,
            bold=True,
        )
        paint.draw(
            p,
            QRectF(left.left(), left.top() + half, left.width(), left.height() - half),
            title,
            self.fonts.text,
            32 * u,
            paint.SOFT,
        )
        right = QRectF(
            rect.right() - clock_w - pad, rect.top() + 8 * u, clock_w, rect.height() - 16 * u
        )
        split = right.height() * 0.64
        end = Qt.AlignmentFlag.AlignRight
        paint.draw(
            p,
            QRectF(right.left(), right.top(), right.width(), split),
            self.clock_text(),
            self.fonts.digits,
            76 * u,
            paint.INK,
            bold=True,
            align=end,
        )
        paint.draw(
            p,
            QRectF(right.left(), right.top() + split, right.width(), right.height() - split),
            self.date_text(lang),
            self.fonts.text,
            28 * u,
            paint.SOFT,
            align=end,
        )

    def paint_body(self, p: QPainter, rect: QRectF) -> None:
        raise NotImplementedError
