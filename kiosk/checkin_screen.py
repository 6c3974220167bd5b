"""The 「远程取号签到」 screen: type the number taken on the phone and the phone's last 4 digits.

`CheckinDesk` carries the screen's taps to the `CheckinFlow` and sends ``kiosk_checkin`` over
the server link; `CheckinScreen` draws the flow (two large boxes, a keypad with the hall's
ticket letters, the answer). The home screen gets a third lane button that opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import qrcode
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from appkit.link import ServerError, ServerLink

from .checkin import CheckinFlow, Field, Step
from .flow import KioskFlow
from .layout import ScreenFit
from .screens import Card, Page
from .texts import error_text, text
from .widgets import button, label, repolish, styled

__all__ = ["CheckinDesk", "CheckinScreen"]


def qr_pixmap(url: str, size: int) -> QPixmap:
    """The QR code of ``url``, black on white, ``size`` pixels square (modules kept sharp)."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    n = len(matrix)
    image = QImage(n, n, QImage.Format.Format_RGB32)
    black, white = QColor("black").rgb(), QColor("white").rgb()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            image.setPixel(x, y, black if dark else white)
    scale = max(1, size // n)
    return QPixmap.fromImage(image.scaled(n * scale, n * scale))


DIGIT_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "delete")


class CheckinDesk:
    """The check-in screen's actions; ``touched`` restarts the kiosk's idle countdown."""

    def __init__(self, flow: CheckinFlow, link: ServerLink, touched: Callable[[], None]) -> None:
        self.flow, self.link, self.touched = flow, link, touched

    def open(self) -> None:
        self.flow.open()
        self.touched()  # after: the idle countdown now runs for this screen

        def door(reply: dict[str, Any] | None, error: ServerError | None) -> None:
            url = reply.get("url") if reply is not None else None
            self.flow.door(url if isinstance(url, str) and url.startswith("http") else None)

        self.link.request("door_code", door)

    def close(self) -> None:
        self.flow.close()

    def choose(self, field: Field) -> None:
        self.touched()
        self.flow.choose(field)

    def press(self, key: str) -> None:
        self.touched()
        self.flow.press(key)

    def submit(self) -> None:
        self.touched()
        request = self.flow.submit()
        if request is None:
            return

        def done(reply: dict[str, Any] | None, error: ServerError | None) -> None:
            if reply is not None:
                self.flow.answered(dict(reply["ticket"]))
            else:
                assert error is not None
                self.flow.refused(error.code, error.message, error.message_en)

        self.link.request(
            "kiosk_checkin", done, number=request.number, phone_last4=request.phone_last4
        )


class CheckinScreen(Page):
    """Two boxes (号码, 手机号后四位), the keypad, and the answer on a card."""

    def __init__(self, desk: CheckinDesk, fit: ScreenFit) -> None:
        super().__init__(fit)
        self.desk = desk
        self.title = label("title")
        self.subtitle = label("subtitle")
        self.boxes: dict[Field, QPushButton] = {}
        self.captions: dict[Field, QLabel] = {}
        boxes = QHBoxLayout()
        boxes.setSpacing(32)
        for field in Field:
            column = QVBoxLayout()
            caption = label("subtitle")
            box = button("checkin-box", "", partial(desk.choose, field))
            box.setProperty("chosen", "false")
            self.captions[field], self.boxes[field] = caption, box
            column.addWidget(caption)
            column.addWidget(box)
            boxes.addLayout(column, 1)
        self.error = label("error")
        self.letter_keys: dict[str, QPushButton] = {}
        self.keys: dict[str, QPushButton] = {}
        pad = QWidget()
        styled(pad, "page")
        self.grid = grid = QGridLayout(pad)  # the hall's ticket letters on top, then digits
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(14)
        letters = QWidget()
        styled(letters, "page")
        self.letters = QHBoxLayout(letters)
        self.letters.setContentsMargins(0, 0, 0, 0)
        self.letters.setSpacing(14)
        if fit.orientation != "landscape":
            grid.addWidget(letters, 0, 0, 1, 3)  # landscape: under the boxes, on the left
        for i, key in enumerate(DIGIT_KEYS):
            self.keys[key] = button("key", key, partial(desk.press, key))
            grid.addWidget(self.keys[key], 1 + i // 3, i % 3)
        self.confirm_button = button("primary", "", desk.submit)
        self.enter = QWidget()
        styled(self.enter, "page")
        self.door_box = QWidget()  # or scan the door's QR with the phone that holds the number
        styled(self.door_box, "page")
        door = QHBoxLayout(self.door_box)
        door.setContentsMargins(0, 0, 0, 0)
        door.setSpacing(24)
        self.door_qr = QLabel()
        self.door_hint = label("note", align=Qt.AlignmentFlag.AlignLeft)
        door.addStretch(1)
        door.addWidget(self.door_qr)
        door.addWidget(self.door_hint, 1)
        door.addStretch(1)
        self.door_box.hide()
        entry = QVBoxLayout()
        entry.setContentsMargins(0, 0, 0, 0)
        entry.setSpacing(24)
        entry.addLayout(boxes)
        entry.addWidget(self.error)
        if fit.orientation == "landscape":  # the boxes on the left, the keypad on the right
            under = QHBoxLayout()  # the letters and the door's QR side by side
            under.setSpacing(32)
            under.addWidget(letters, 0, Qt.AlignmentFlag.AlignVCenter)
            under.addWidget(self.door_box, 1)
            entry.addLayout(under)
            entry.addStretch(1)
            entry.addWidget(self.confirm_button)
            body = QHBoxLayout(self.enter)
            body.setContentsMargins(0, 0, 0, 0)
            body.setSpacing(56)
            body.addLayout(entry, 1)
            body.addWidget(pad, 0, Qt.AlignmentFlag.AlignVCenter)
        else:
            entry.addWidget(pad, 0, Qt.AlignmentFlag.AlignHCenter)
            entry.addStretch(1)
            entry.addWidget(self.door_box)
            entry.addWidget(self.confirm_button)
            self.enter.setLayout(entry)
        self.card = Card(fit)
        self.card.hide()  # shown once checked in
        self._door_shown: tuple[str, int] | None = None
        self.done_title = label("big-title")
        self.done_number = label("number", wrap=False)
        self.done_hint = label("message")
        self.finish_button = button("primary", "", desk.close)
        self.card.column.addStretch(1)
        for part in (self.done_title, self.done_number, self.done_hint):
            self.card.column.addWidget(part)
        self.card.column.addStretch(1)
        self.card.column.addWidget(self.finish_button)
        self.back_button = button("nav", "", desk.close)
        self.home_button = button("nav", "", desk.close)
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self.back_button, 1)
        row.addWidget(self.home_button, 1)
        self.column.addWidget(self.title)
        self.column.addWidget(self.subtitle)
        self.column.addWidget(self.enter, 1)
        self.column.addWidget(self.card, 1)
        self.column.addLayout(row)

    def _ensure_letters(self, prefixes: list[str]) -> None:
        if list(self.letter_keys) == prefixes:
            return
        for key in self.letter_keys.values():
            self.letters.removeWidget(key)
            key.deleteLater()
        self.letter_keys = {}
        for prefix in prefixes:
            self.letter_keys[prefix] = button("key", prefix, partial(self.desk.press, prefix))
            self.letters.addWidget(self.letter_keys[prefix])

    def refresh_checkin(self, kiosk: KioskFlow, flow: CheckinFlow) -> None:
        lang, s = kiosk.language, self.sizes(kiosk)
        self.title.setText(text("checkin_title", lang))
        self.subtitle.setText(text("checkin_hint", lang))
        self.captions[Field.NUMBER].setText(text("checkin_number", lang))
        self.captions[Field.DIGITS].setText(text("checkin_digits", lang))
        values = {Field.NUMBER: flow.number, Field.DIGITS: flow.digits}
        placeholders = {Field.NUMBER: "A001", Field.DIGITS: "····"}
        for field, box in self.boxes.items():
            box.setText(values[field] or placeholders[field])
            chosen = "true" if field is flow.field and flow.step is Step.ENTER else "false"
            empty = "true" if not values[field] else "false"
            if box.property("chosen") != chosen or box.property("empty") != empty:
                box.setProperty("chosen", chosen)
                box.setProperty("empty", empty)
                repolish(box)
            box.setFixedHeight(s.nav_height + s.px(24))
        if flow.error_code is not None:
            self.error.setText(
                error_text(flow.error_code, lang, *flow.error_message)
                if flow.error_code != "checkin_incomplete"
                else text("checkin_incomplete", lang)
            )
        else:
            self.error.setText("")
        prefixes = sorted({x.prefix for x in kiosk.services if x.prefix})
        self._ensure_letters(prefixes)
        height = round(s.key_height * 0.8)  # five rows of keys and two boxes: a little lower
        for key in self.keys.values():
            key.setFixedSize(s.key_width, height)
        # the letters share the digits' width, however many letters the hall has
        n = max(1, len(self.letter_keys))
        width = min(s.key_width, (3 * s.key_width + 2 * 14 - (n - 1) * 14) // n)
        if self.fit.orientation == "landscape":  # beside the door's QR: narrower
            width = min(width, round(s.key_width * 0.7))
        for key in self.letter_keys.values():
            key.setFixedSize(width, height)
        for key in (*self.keys.values(), *self.letter_keys.values()):
            key.setEnabled(flow.step is Step.ENTER)
        self.keys["clear"].setText(text("key_clear", lang))
        self.keys["delete"].setText(text("key_delete", lang))
        sending = flow.step is Step.SENDING
        self.confirm_button.setText(text("checkin_sending" if sending else "checkin_confirm", lang))
        self.confirm_button.setEnabled(flow.step is Step.ENTER and flow.ready)
        self.confirm_button.setFixedHeight(s.nav_height)
        landscape = self.fit.orientation == "landscape"
        # large text leaves no room for the door's QR: the keypad is the way then
        self._draw_door(flow, lang, s.px(150 if landscape else 220), not kiosk.large_text)
        done = flow.step is Step.DONE
        self.enter.setVisible(not done)
        self.card.setVisible(done)
        self.subtitle.setVisible(not done)
        if done and flow.ticket is not None:
            self.done_title.setText(text("checkin_done", lang))
            self.done_number.setText(str(flow.ticket.get("number", "")))
            self.done_hint.setText(text("checkin_done_hint", lang))
            self.finish_button.setText(text("checkin_finish", lang))
            self.finish_button.setFixedHeight(s.nav_height)
        for nav in (self.back_button, self.home_button):
            nav.setFixedHeight(s.nav_height)
        self.back_button.setText(text("back", lang))
        self.home_button.setText(text("home", lang))

    def _draw_door(self, flow: CheckinFlow, lang: str, size: int, room: bool) -> None:
        url = flow.door_url
        self.door_box.setVisible(url is not None and room)
        if url is None or not room:
            return
        self.door_hint.setText(text("checkin_door_hint", lang))
        self.door_hint.setMinimumWidth(round(size * 1.2))
        if self._door_shown != (url, size):
            self._door_shown = (url, size)
            pixmap = qr_pixmap(url, size)
            self.door_qr.setPixmap(pixmap)
            self.door_qr.setFixedSize(pixmap.size())

    def refresh(self, flow: KioskFlow) -> None:  # drawn by refresh_checkin
        pass
