"""The window screen (窗口屏): one window's number and name, its services, the clerk on duty
with a photo slot, and the number being served, 暂停服务 with the reason while paused, or
本窗口暂停服务 and where to go instead while closed.

Boards never receive staff ids: the clerk's name comes as ``staff_name``, and the photo is
looked up by that name in the configured `photos` folder (``张伟.jpg`` or ``张伟.png``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPixmap

from contract.records import Window, WindowState

from . import paint
from .board import BoardState
from .config import DisplayConfig
from .screen import BoardScreen
from .texts import other, pause_reason, text

CENTER = Qt.AlignmentFlag.AlignHCenter
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")


class WindowScreen(BoardScreen):
    """The screen above one window (`config.window`)."""

    def __init__(self, state: BoardState, config: DisplayConfig) -> None:
        super().__init__(state, config)
        self._photos: dict[str, QPixmap | None] = {}
        self._serving: str | None = None  # the number last painted as served

    def refresh(self) -> None:
        """Blink when the window calls a number (the state's calls are this window's)."""
        w = self.state.shown_window()
        current = w.current.number if w is not None and w.current is not None else None
        self.state.fresh = None
        if current is not None and current != self._serving:
            self.start_blink()
        self._serving = current
        self.update()

    def header_height(self) -> float:
        return (300 if self.portrait else 250) * self.unit

    def photo(self, name: str | None) -> QPixmap | None:
        if not name or not self.config.photos:
            return None
        if name not in self._photos:
            found = None
            for suffix in PHOTO_SUFFIXES:
                path = Path(self.config.photos) / f"{name}{suffix}"
                if path.is_file():
                    pixmap = QPixmap(str(path))
                    found = None if pixmap.isNull() else pixmap
                    break
            self._photos[name] = found
        return self._photos[name]

    # -- painting ----------------------------------------------------------------------------

    def header_key(self) -> tuple[object, ...]:
        w = self.state.shown_window()
        if w is None:
            return super().header_key()
        names = tuple(self.state.service_name(code, self.lang) for code in w.services)
        return (*super().header_key(), w.name, names)

    def paint_header(self, p: QPainter, rect: QRectF) -> None:
        u, lang = self.unit, self.lang
        p.fillRect(rect, paint.HEADER)
        number = self.config.window or 0
        w = self.state.shown_window()
        pad = 28 * u
        box = QRectF(
            rect.left() + pad, rect.top() + pad, rect.height() - 2 * pad, rect.height() - 2 * pad
        )
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(paint.INK)
        p.drawRoundedRect(box, 18 * u, 18 * u)
        paint.draw(
            p,
            box.adjusted(8 * u, 0, -8 * u, 0),
            str(number),
            self.fonts.digits,
            box.height() * 0.7,
            paint.HEADER,
            bold=True,
            align=CENTER,
        )
        clock_w = 300 * u
        left = box.right() + pad
        info = QRectF(
            left, rect.top() + pad, rect.right() - left - clock_w - pad, rect.height() - 2 * pad
        )
        name = (w.name if w is not None and w.name else "") or text("window_no", lang, n=number)
        first = info.height() * 0.5
        paint.draw(
            p,
            QRectF(info.left(), info.top(), info.width(), first),
            name,
            self.fonts.text,
            72 * u,
            paint.INK,
            bold=True,
        )
        if w is not None and w.services:
            sep = text("list_sep", lang)
            names = sep.join(self.state.service_name(code, lang) for code in w.services)
            paint.draw_wrapped(
                p,
                QRectF(
                    info.left(),
                    info.top() + first + 6 * u,
                    info.width(),
                    info.height() - first - 6 * u,
                ),
                text("serves", lang, list=names),
                self.fonts.text,
                38 * u,
                paint.SOFT,
            )
        clock = QRectF(rect.right() - clock_w - pad, rect.top() + pad, clock_w, 90 * u)
        paint.draw(
            p,
            clock,
            self.clock_text(),
            self.fonts.digits,
            72 * u,
            paint.INK,
            bold=True,
            align=Qt.AlignmentFlag.AlignRight,
        )
        paint.draw(
            p,
            QRectF(clock.left(), clock.bottom(), clock_w, 44 * u),
            self.date_text(lang),
            self.fonts.text,
            26 * u,
            paint.SOFT,
            align=Qt.AlignmentFlag.AlignRight,
        )

    def paint_body(self, p: QPainter, rect: QRectF) -> None:
        u = self.unit
        w = self.state.shown_window()
        if w is None or w.state is WindowState.CLOSED:
            self._paint_closed(p, rect)
            return
        gap = 24 * u
        if self.portrait:
            card_h = min(rect.height() * 0.42, 700 * u)
            main = QRectF(rect.left(), rect.top(), rect.width(), rect.height() - card_h - gap)
            card = QRectF(rect.left(), main.bottom() + gap, rect.width(), card_h)
        else:
            card_w = min(rect.width() * 0.36, 640 * u)
            card = QRectF(rect.left(), rect.top(), card_w, rect.height())
            main = QRectF(
                card.right() + gap, rect.top(), rect.width() - card_w - gap, rect.height()
            )
        self._panel(p, card)
        self._paint_clerk(p, card, w)
        self._panel(p, main)
        if w.state is WindowState.PAUSED:
            self._paint_paused(p, main, w)
        else:
            self._paint_serving(p, main, w)

    def _paint_clerk(self, p: QPainter, card: QRectF, w: Window) -> None:
        u, lang = self.unit, self.lang
        inner = card.adjusted(32 * u, 32 * u, -32 * u, -32 * u)
        if self.portrait:
            photo_h = inner.height()
            photo = QRectF(inner.left(), inner.top(), photo_h * 0.75, photo_h)
            words = QRectF(
                photo.right() + 40 * u,
                inner.top(),
                inner.right() - photo.right() - 40 * u,
                inner.height(),
            )
        else:
            text_h = min(inner.height() * 0.34, 260 * u)
            photo_h = inner.height() - text_h - 16 * u
            photo_w = min(inner.width(), photo_h * 0.75)
            photo = QRectF(inner.center().x() - photo_w / 2, inner.top(), photo_w, photo_h)
            words = QRectF(inner.left(), photo.bottom() + 16 * u, inner.width(), text_h)
        self._paint_photo(p, photo, w.staff_name)
        align = CENTER if not self.portrait else Qt.AlignmentFlag.AlignLeft
        label = text("clerk_on_duty", lang)
        if self.config.bilingual:
            label += "  " + other("clerk_on_duty", lang)
        top = words.top() + (words.height() * 0.2 if self.portrait else 0)
        paint.draw(
            p,
            QRectF(words.left(), top, words.width(), words.height() * 0.3),
            label,
            self.fonts.text,
            34 * u,
            paint.SOFT,
            align=align,
        )
        name = w.staff_name or text("no_clerk", lang)
        paint.draw(
            p,
            QRectF(words.left(), top + words.height() * 0.32, words.width(), words.height() * 0.5),
            name,
            self.fonts.text,
            96 * u,
            paint.INK,
            bold=True,
            align=align,
        )

    def _paint_photo(self, p: QPainter, rect: QRectF, name: str | None) -> None:
        u = self.unit
        radius = 12 * u
        pixmap = self.photo(name)
        clip = QPainterPath()
        clip.addRoundedRect(rect, radius, radius)
        p.save()
        p.setClipPath(clip)
        p.fillRect(rect, paint.PANEL_LINE)
        if pixmap is not None:
            scaled = pixmap.scaled(
                rect.size().toSize(),
                Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                Qt.TransformationMode.SmoothTransformation,
            )
            x = rect.left() + (rect.width() - scaled.width()) / 2
            y = rect.top() + (rect.height() - scaled.height()) / 2
            p.drawPixmap(QPointF(x, y), scaled)
        else:  # a silhouette where the photo goes
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(paint.SOFT)
            head = rect.width() * 0.36
            cx = rect.center().x()
            p.drawEllipse(QRectF(cx - head / 2, rect.top() + rect.height() * 0.18, head, head))
            body = QRectF(
                cx - rect.width() * 0.34,
                rect.top() + rect.height() * 0.18 + head * 1.1,
                rect.width() * 0.68,
                rect.height() * 0.6,
            )
            p.drawRoundedRect(body, body.width() * 0.4, body.width() * 0.4)
            paint.draw(
                p,
                QRectF(rect.left(), rect.bottom() - 56 * u, rect.width(), 48 * u),
                text("photo", self.lang),
                self.fonts.text,
                30 * u,
                paint.PANEL,
                align=CENTER,
            )
        p.restore()

    def _paint_serving(self, p: QPainter, rect: QRectF, w: Window) -> None:
        u, lang = self.unit, self.lang
        inner = rect.adjusted(32 * u, 24 * u, -32 * u, -24 * u)
        head = QRectF(inner.left(), inner.top(), inner.width(), inner.height() * 0.2)
        if w.current is None:
            mid = QRectF(
                inner.left(),
                inner.top() + inner.height() * 0.3,
                inner.width(),
                inner.height() * 0.25,
            )
            paint.draw(
                p,
                mid,
                text("please_wait", lang),
                self.fonts.text,
                110 * u,
                paint.INK,
                bold=True,
                align=CENTER,
            )
            if self.config.bilingual:
                paint.draw(
                    p,
                    QRectF(mid.left(), mid.bottom(), mid.width(), mid.height() * 0.5),
                    other("please_wait", lang),
                    self.fonts.text,
                    56 * u,
                    paint.SOFT,
                    align=CENTER,
                )
            return
        label = text("now_serving", lang)
        if self.config.bilingual:
            label += "  " + other("now_serving", lang)
        paint.draw(p, head, label, self.fonts.text, 56 * u, paint.SOFT, align=CENTER)
        number = QRectF(inner.left(), head.bottom(), inner.width(), inner.height() * 0.62)
        lit = self.blinking and self.blink_on
        if lit:
            p.fillRect(number, paint.HIGHLIGHT)
        paint.draw(
            p,
            number,
            w.current.number,
            self.fonts.digits,
            380 * u,
            paint.INK if lit else paint.NUMBER,
            bold=True,
            align=CENTER,
        )
        service = self.state.service_name(w.current.service, lang)
        paint.draw(
            p,
            QRectF(inner.left(), number.bottom(), inner.width(), inner.bottom() - number.bottom()),
            service,
            self.fonts.text,
            56 * u,
            paint.INK,
            align=CENTER,
        )

    def _paint_paused(self, p: QPainter, rect: QRectF, w: Window) -> None:
        u, lang = self.unit, self.lang
        inner = rect.adjusted(32 * u, 24 * u, -32 * u, -24 * u)
        big = QRectF(
            inner.left(), inner.top() + inner.height() * 0.12, inner.width(), inner.height() * 0.36
        )
        paint.draw(
            p,
            big,
            text("window_paused", lang),
            self.fonts.text,
            190 * u,
            paint.PAUSED,
            bold=True,
            align=CENTER,
        )
        reason = pause_reason(w.pause_reason, lang)
        if self.config.bilingual:
            reason += " · " + pause_reason(w.pause_reason, "zh" if lang == "en" else "en")
        below = QRectF(inner.left(), big.bottom() + 10 * u, inner.width(), inner.height() * 0.2)
        paint.draw(p, below, reason, self.fonts.text, 96 * u, paint.INK, bold=True, align=CENTER)
        if self.config.bilingual:
            paint.draw(
                p,
                QRectF(inner.left(), below.bottom(), inner.width(), inner.height() * 0.16),
                other("window_paused", lang),
                self.fonts.text,
                60 * u,
                paint.SOFT,
                align=CENTER,
            )

    def _paint_closed(self, p: QPainter, rect: QRectF) -> None:
        u, lang = self.unit, self.lang
        self._panel(p, rect)
        inner = rect.adjusted(40 * u, 24 * u, -40 * u, -24 * u)
        big = QRectF(
            inner.left(), inner.top() + inner.height() * 0.1, inner.width(), inner.height() * 0.32
        )
        paint.draw(
            p,
            big,
            text("window_closed", lang),
            self.fonts.text,
            180 * u,
            paint.PAUSED,
            bold=True,
            align=CENTER,
        )
        target = self.state.redirect() if self.state.shown_window() is not None else None
        key, fields = ("go_to", {"n": target}) if target is not None else ("go_elsewhere", {})
        go = QRectF(inner.left(), big.bottom() + 16 * u, inner.width(), inner.height() * 0.24)
        paint.draw(
            p,
            go,
            text(key, lang, **fields),
            self.fonts.text,
            120 * u,
            paint.WINDOW,
            bold=True,
            align=CENTER,
        )
        if self.config.bilingual:
            english = f"{other('window_closed', lang)} · {other(key, lang, **fields)}"
            paint.draw(
                p,
                QRectF(inner.left(), go.bottom() + 10 * u, inner.width(), inner.height() * 0.16),
                english,
                self.fonts.text,
                60 * u,
                paint.SOFT,
                align=CENTER,
            )

    def _panel(self, p: QPainter, rect: QRectF) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(paint.PANEL)
        p.drawRoundedRect(rect, 14 * self.unit, 14 * self.unit)
