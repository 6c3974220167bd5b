"""电话预约: a clerk books a slot for a caller on the phone and reads back the code and time.

A small dialog over the app's link: it asks the server for the slots of the chosen service
(``appointment_slots``), books with the caller's ID or mobile number (``book_appointment``;
the server hashes the number and records ``channel: "clerk"``), and shows the code, the time
and when to check in, or the server's refusal. It keeps nothing once closed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from appkit.link import ServerError
from clerk.texts import Texts
from contract import requests as rq

__all__ = ["BookingDialog", "Send"]

UNSENT = 0  # a typed request's id before the link numbers it
CITIZEN_ID = re.compile(r"^(\d{17}[\dXx]|1\d{10})$")

Reply = dict[str, Any]
Send = Callable[[rq.Request, Callable[[Reply | None, ServerError | None], None]], None]


class BookingDialog(QDialog):
    """Service → day → slot → the caller's ID or mobile → 预约 (code and time to read back)."""

    def __init__(
        self, parent: QWidget | None, texts: Texts, services: list[tuple[str, str]], send: Send
    ) -> None:
        super().__init__(parent)
        self.texts, self.send = texts, send
        self.days: list[dict[str, Any]] = []
        self.setWindowTitle(texts("booking_title"))
        self.setMinimumWidth(460)
        column = QVBoxLayout(self)
        column.setContentsMargins(20, 18, 20, 16)
        form = QFormLayout()
        form.setVerticalSpacing(10)
        self.service_box, self.day_box, self.slot_box = QComboBox(), QComboBox(), QComboBox()
        for code, name in services:
            self.service_box.addItem(name, code)
        self.who_edit = QLineEdit()
        self.who_edit.setMaxLength(18)
        self.who_edit.setPlaceholderText(texts("booking_who_hint"))
        form.addRow(texts("booking_service"), self.service_box)
        form.addRow(texts("booking_day"), self.day_box)
        form.addRow(texts("booking_slot"), self.slot_box)
        form.addRow(texts("booking_who"), self.who_edit)
        column.addLayout(form)
        self.answer = QLabel()
        self.answer.setObjectName("bookingResult")
        self.answer.setWordWrap(True)
        self.answer.setStyleSheet("font-size: 17px; font-weight: bold; color: #0b4f94;")
        column.addWidget(self.answer)
        self.book_button = QPushButton(texts("booking_book"))
        self.book_button.setObjectName("primary")
        self.book_button.clicked.connect(self.book)
        self.close_button = QPushButton(texts("close"))
        self.close_button.clicked.connect(self.reject)
        column.addWidget(self.book_button)
        column.addWidget(self.close_button)
        self.service_box.currentIndexChanged.connect(lambda _: self._service_changed())
        self.day_box.currentIndexChanged.connect(lambda _: self._fill_slots())
        if services:
            self.load()

    def load(self) -> None:
        """Ask for the slots of the chosen service (the day and time chosen stay chosen)."""
        code = self.service_box.currentData()
        if code is None:
            return
        day, slot = self.day_box.currentData(), self.slot_box.currentData()

        def done(reply: Reply | None, error: ServerError | None) -> None:
            if reply is None or code != self.service_box.currentData():
                self._say(error)
                return
            self.days = list(reply.get("days") or [])
            self.day_box.blockSignals(True)
            self.day_box.clear()
            for entry in self.days:
                self.day_box.addItem(entry["day"], entry["day"])
            self.day_box.setCurrentIndex(max(0, self.day_box.findData(day)))
            self.day_box.blockSignals(False)
            self._fill_slots()
            self.slot_box.setCurrentIndex(max(0, self.slot_box.findData(slot)))

        self.send(rq.AppointmentSlotsRequest(id=UNSENT, service=str(code)), done)

    def _fill_slots(self) -> None:
        self.slot_box.clear()
        day = self.day_box.currentData()
        entry = next((d for d in self.days if d["day"] == day), None)
        for s in entry["slots"] if entry else []:
            label = self.texts("booking_left", slot=s["slot"], n=s["left"])
            self.slot_box.addItem(label, s["slot"])
            if not s["left"]:  # a full slot is shown, not offered
                self.slot_box.model().item(self.slot_box.count() - 1).setEnabled(False)  # type: ignore[attr-defined]

    def _service_changed(self) -> None:
        self.day_box.clear()
        self.slot_box.clear()
        self.load()

    def book(self) -> None:
        who = self.who_edit.text().strip()
        service, day, slot = (
            self.service_box.currentData(),
            self.day_box.currentData(),
            self.slot_box.currentData(),
        )
        if not CITIZEN_ID.match(who):
            self.answer.setText(self.texts("booking_bad_who"))
            return
        if not (service and day and slot):
            self.answer.setText(self.texts("booking_choose"))
            return
        request = rq.BookAppointment(
            id=UNSENT, service=str(service), day=str(day), slot=str(slot), citizen_id=who
        )

        def done(reply: Reply | None, error: ServerError | None) -> None:
            if reply is None:
                self._say(error)
                return
            b = reply["booking"]
            self.who_edit.clear()  # the caller's number stays nowhere
            self.answer.setText(
                self.texts(
                    "booking_done",
                    code=b["code"],
                    day=b["day"],
                    slot=b["slot"],
                    start=b["check_in_from"],
                    end=b["check_in_until"],
                )
            )
            self.load()

        self.send(request, done)

    def _say(self, error: ServerError | None) -> None:
        reply = error.reply if error is not None else {}
        said = self.texts.pick(reply.get("message"), reply.get("message_en"))
        self.answer.setText(said or self.texts("booking_failed"))
