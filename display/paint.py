"""The boards' look and the painting helpers they share: colours, fonts, text fitted to a box.

Boards are read from across the hall (15 m), so they are painted, not laid out with widgets:
every size is a fraction of the screen, every text is fitted to its box (shrunk, then elided,
never clipped), light text on a dark ground for contrast.
"""

from __future__ import annotations

import functools
import math
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
)

from appkit.fonts import cjk_family

GROUND = QColor("#061a33")  # deep navy
PANEL = QColor("#0c2b52")
PANEL_LINE = QColor("#1d4577")
HEADER = QColor("#0b4a8b")  # 政务蓝
INK = QColor("#ffffff")
SOFT = QColor("#b9cde6")
NUMBER = QColor("#ffd23f")  # amber numbers, as LED boards
WINDOW = QColor("#7ef0a0")  # green: where to go
HIGHLIGHT = QColor("#d7261e")  # the newest call blinks on red
RECALL = QColor("#ff8a00")
PAUSED = QColor("#ffb020")
CLOSED = QColor("#8a9bb3")
STALE = QColor("#b3261e")
DIM = QColor(6, 26, 51, 110)  # laid over a stale board

DIGIT_FAMILIES = ("DejaVu Sans", "Noto Sans", "Arial", "Segoe UI")  # bold numbers

#: The texts painted since `record()` (as shown: shrunk or elided), for tests and the bench.
painted: list[str] = []

Span = tuple[int, int]  # from x to x (device-independent pixels): where a text was drawn


def record() -> list[str]:
    """Start a new list of painted texts (a screen calls it as it starts to paint)."""
    global painted
    painted = []
    return painted


@dataclass(frozen=True)
class Fonts:
    text: str  # a CJK family
    digits: str  # a family with true bold digits, for numbers


def fonts() -> Fonts:
    """The families the boards paint with (needs a QGuiApplication)."""
    installed = set(QFontDatabase.families())
    text = cjk_family()
    digits = next((f for f in DIGIT_FAMILIES if f in installed), text)
    return Fonts(text, digits)


def font(family: str, px: float, bold: bool = False) -> QFont:
    f = QFont(family)
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return f


@functools.lru_cache(maxsize=4096)
def fitted(
    family: str, text: str, width: float, px: float, bold: bool = False, least: float = 0.45
) -> tuple[QFont, str]:
    """A font of at most `px` pixels in which `text` fits `width`; when even `least` × `px`
    is too wide, that size with the text elided. (Cached: boards paint the same texts.)"""
    f = font(family, px, bold)
    wide = QFontMetricsF(f).horizontalAdvance(text)
    if wide <= width or not text:
        return f, text
    smaller = max(px * least, px * width / wide * 0.98)
    f = font(family, smaller, bold)
    metrics = QFontMetricsF(f)
    if metrics.horizontalAdvance(text) > width:
        text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    return f, text


@dataclass(frozen=True)
class Placed:
    """A text fitted to a width (`fitted`) and what placing it needs, worked out once."""

    font: QFont
    shown: str  # as shown: maybe elided
    key: tuple[str, int, bool]  # the font, for `TextImages`
    advance: float
    middle: float  # baseline below the centre line of the box
    # Each character's pen position and advance (for `draw(..., each=True)`).
    offsets: tuple[float, ...]
    advances: tuple[float, ...]


@functools.lru_cache(maxsize=4096)
def placed(family: str, text: str, width: float, px: float, bold: bool = False) -> Placed:
    f, shown = fitted(family, text, width, px, bold)
    metrics = QFontMetricsF(f)
    offsets = tuple(metrics.horizontalAdvance(shown[:i]) for i in range(len(shown)))
    advances = tuple(metrics.horizontalAdvance(c) for c in shown)
    return Placed(
        font=f,
        shown=shown,
        key=(family, f.pixelSize(), bold),
        advance=metrics.horizontalAdvance(shown),
        middle=(metrics.ascent() - metrics.descent()) / 2,
        offsets=offsets,
        advances=advances,
    )


@functools.cache
def true_bold(family: str) -> bool:
    """Whether `family` has a bold face (else Qt makes one up, and forgets it above 64 px)."""
    return any("bold" in style.lower() for style in QFontDatabase.styles(family))


class TextImages:
    """Texts rendered once and then copied: a large text is drawn glyph outline by glyph
    outline (Qt caches glyphs only up to 64 px), which costs milliseconds a call at 4K, and a
    board paints mostly the same texts again. Least recently used images go past `budget`."""

    def __init__(self, budget: int = 64 * 1024 * 1024) -> None:
        self.budget = budget
        self.used = 0
        self._images: OrderedDict[tuple[object, ...], tuple[QImage, float, float]] = OrderedDict()

    def get(
        self, font_key: tuple[object, ...], f: QFont, text: str, color: QColor, dpr: float
    ) -> tuple[QImage, float, float]:
        """The text's image in font `f` (known as `font_key`), its ascent and its width with
        the padding on both sides (in device-independent pixels)."""
        key = (font_key, text, color.rgba(), dpr)
        found = self._images.get(key)
        if found is not None:
            self._images.move_to_end(key)
            return found
        found = self._render(f, text, color, dpr)
        self._images[key] = found
        self.used += found[0].sizeInBytes()
        while self.used > self.budget and len(self._images) > 1:
            _, (old, _, _) = self._images.popitem(last=False)
            self.used -= old.sizeInBytes()
        return found

    @staticmethod
    def _render(f: QFont, text: str, color: QColor, dpr: float) -> tuple[QImage, float, float]:
        emboldened = f.bold() and not true_bold(f.family())
        if emboldened:
            f = QFont(f)
            f.setBold(False)
        metrics = QFontMetricsF(f)
        stroke = f.pixelSize() * 0.045 if emboldened else 0.0
        pad = stroke + 2
        wide = metrics.horizontalAdvance(text)
        w, h = wide + 2 * pad, metrics.ascent() + metrics.descent() + 2 * pad
        image = QImage(
            max(1, math.ceil(w * dpr)),
            max(1, math.ceil(h * dpr)),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDevicePixelRatio(dpr)
        image.fill(Qt.GlobalColor.transparent)
        p = QPainter(image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if emboldened:
            path = QPainterPath()
            path.addText(pad, pad + metrics.ascent(), f, text)
            pen = QPen(color, stroke)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            p.setPen(pen)
            p.setBrush(color)
            p.drawPath(path)
        else:
            p.setFont(f)
            p.setPen(color)
            p.drawText(QPointF(pad, pad + metrics.ascent()), text)
        p.end()
        return image, metrics.ascent() + pad, wide + 2 * pad


text_images = TextImages()


def draw(
    painter: QPainter,
    rect: QRect | QRectF,
    text: str,
    family: str,
    px: float,
    color: QColor,
    bold: bool = False,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
    each: bool = False,
) -> Span | None:
    """`text` on one line in `rect`, vertically centred, shrunk to fit its width; returns
    where it drew from left to right (None: nothing).

    `each`: put the text together from one image per character, for a text of a few
    characters that changes all the time (a ticket number: its letters and digits are drawn
    once, not each new number again)."""
    r = QRectF(rect)
    place = placed(family, text, r.width(), min(px, r.height() * 0.92), bold)
    shown = place.shown
    painted.append(shown)
    if not shown:
        return None
    device = painter.device()
    dpr = device.devicePixelRatioF() if device is not None else 1.0
    if align & Qt.AlignmentFlag.AlignRight:
        pen = r.right() - place.advance
    elif align & Qt.AlignmentFlag.AlignHCenter:
        pen = r.center().x() - place.advance / 2
    else:
        pen = r.left()
    baseline = r.center().y() + place.middle
    parts: Iterable[tuple[str, float, float]] = (
        zip(shown, place.offsets, place.advances, strict=True)
        if each
        else ((shown, 0.0, place.advance),)
    )
    left = right = None
    for part, offset, advance in parts:
        image, ascent, wide = text_images.get(place.key, place.font, part, color, dpr)
        x = round(pen + offset - (wide - advance) / 2)
        painter.drawImage(QPointF(x, round(baseline - ascent)), image)
        left = x if left is None else min(left, x)
        end = x + math.ceil(image.width() / dpr)
        right = end if right is None else max(right, end)
    return None if left is None or right is None else (left, right)


def draw_wrapped(
    painter: QPainter,
    rect: QRect | QRectF,
    text: str,
    family: str,
    px: float,
    color: QColor,
    bold: bool = False,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
) -> None:
    """`text` wrapped in `rect`, at the largest size up to `px` at which all of it fits."""
    r = QRectF(rect)
    flags = int(align | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
    size = px
    while size > 8:
        f = font(family, size, bold)
        needed = QFontMetricsF(f).boundingRect(r, flags, text)
        if needed.height() <= r.height() and needed.width() <= r.width() + 0.5:
            break
        size *= 0.9
    painter.setFont(font(family, size, bold))
    painter.setPen(color)
    painter.drawText(r, flags, text)
    painted.append(text)


def pill(
    painter: QPainter, rect: QRectF, text: str, family: str, px: float, ground: QColor, ink: QColor
) -> Span:
    """A rounded tag (e.g. 再次呼叫) sized to its text, drawn from the left of `rect`."""
    f, shown = fitted(family, text, rect.width() - px, px, bold=True)
    wide = QFontMetricsF(f).horizontalAdvance(shown) + px
    box = QRectF(rect.left(), rect.top(), min(wide, rect.width()), rect.height())
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ground)
    painter.drawRoundedRect(box, rect.height() * 0.2, rect.height() * 0.2)
    painter.setFont(f)
    painter.setPen(ink)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), shown)
    painted.append(shown)
    return math.floor(box.left()) - 1, math.ceil(box.right()) + 1


class Layers:
    """Parts of a board painted once into an image and copied while they stay the same (a call
    row, a panel): a new call then paints one row, not the board. An image is found again by
    its `key` (what it shows) and size; least recently used images go past `budget`."""

    def __init__(self, budget: int = 24 * 1024 * 1024) -> None:
        self.budget = budget
        self.used = 0
        self._images: OrderedDict[tuple[object, ...], tuple[QImage, list[str]]] = OrderedDict()

    def draw(
        self,
        painter: QPainter,
        rect: QRectF,
        key: tuple[object, ...],
        ground: QColor,
        render: Callable[[QPainter, QRectF], None],
    ) -> None:
        """Copy the image of `key` to `rect`; paint it first with `render(painter, box)` (box:
        `rect` moved to the origin) on `ground` when there is none."""
        device = painter.device()
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        w, h = math.ceil(rect.width()), math.ceil(rect.height())
        full = (*key, w, h, dpr)
        found = self._images.get(full)
        if found is None:
            image = QImage(
                max(1, math.ceil(w * dpr)), max(1, math.ceil(h * dpr)), QImage.Format.Format_RGB32
            )
            image.setDevicePixelRatio(dpr)
            image.fill(ground)
            texts = painted
            mark = len(texts)
            p = QPainter(image)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            render(p, QRectF(0, 0, rect.width(), rect.height()))
            p.end()
            found = (image, texts[mark:])
            self._images[full] = found
            self.used += image.sizeInBytes()
            while self.used > self.budget and len(self._images) > 1:
                _, (old, _) = self._images.popitem(last=False)
                self.used -= old.sizeInBytes()
        else:
            self._images.move_to_end(full)
            painted.extend(found[1])
        painter.drawImage(QPointF(round(rect.left()), round(rect.top())), found[0])
