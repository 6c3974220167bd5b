"""The agent app's window: the log-in, then taking numbers for citizens and the ones held.

What to take is read from the link's live hall model (bundles first, then services); the held
tickets are the server's ``agent_tickets`` answer, asked again whenever a ticket moves.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from appkit.link import ServerError, ServerLink
from contract.hall import Change
from contract.requests import normal_citizen_id

from .texts import text

__all__ = ["AgentWindow"]

log = logging.getLogger(__name__)


class AgentWindow(QWidget):
    def __init__(self, link: ServerLink, device: str, lang: str = "zh") -> None:
        super().__init__()
        self.link, self.device, self.lang = link, device, lang
        self.staff: str | None = None
        self._choices: list[tuple[str, str]] = []
        self.setWindowTitle(text("title", lang))
        self.resize(720, 900)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._login_page())
        self.pages.addWidget(self._main_page())
        self.banner = QLabel()
        self.banner.setStyleSheet("background:#b3261e;color:white;padding:8px;")
        self.banner.setText(text("offline", lang))
        column = QVBoxLayout(self)
        column.addWidget(self.banner)
        column.addWidget(self.pages, 1)
        self.setStyleSheet("QWidget { font-size: 20px; } QPushButton { padding: 12px; }")
        link.online.connect(self._online)
        link.changed.connect(self._changed)
        self._online(link.is_online)

    # -- pages --------------------------------------------------------------------------------

    def _login_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        title = QLabel(text("title", self.lang))
        title.setStyleSheet("font-size: 32px; font-weight: bold;")
        self.staff_edit = QLineEdit()
        self.staff_edit.setPlaceholderText(text("staff", self.lang))
        self.pin_edit = QLineEdit()
        self.pin_edit.setPlaceholderText(text("pin", self.lang))
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.login_button = QPushButton(text("log_in", self.lang))
        self.login_button.clicked.connect(self.log_in)
        self.login_error = QLabel()
        self.login_error.setStyleSheet("color: #b3261e;")
        for widget in (title, self.staff_edit, self.pin_edit, self.login_button):
            box.addWidget(widget)
        box.addWidget(self.login_error)
        box.addStretch(1)
        return page

    def _main_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        head = QHBoxLayout()
        self.who = QLabel()
        self.who.setStyleSheet("font-weight: bold;")
        self.logout_button = QPushButton(text("log_out", self.lang))
        self.logout_button.clicked.connect(self.log_out)
        head.addWidget(self.who, 1)
        head.addWidget(self.logout_button)
        box.addLayout(head)
        box.addWidget(QLabel(text("what", self.lang)))
        self.choice = QComboBox()
        box.addWidget(self.choice)
        box.addWidget(QLabel(text("citizen", self.lang)))
        self.citizen_edit = QLineEdit()
        self.citizen_edit.setPlaceholderText(text("citizen_hint", self.lang))
        box.addWidget(self.citizen_edit)
        self.take_button = QPushButton(text("take", self.lang))
        self.take_button.setStyleSheet("background:#0b4a8b;color:white;font-weight:bold;")
        self.take_button.clicked.connect(self.take)
        box.addWidget(self.take_button)
        self.result = QLabel()
        self.result.setWordWrap(True)
        box.addWidget(self.result)
        held = QHBoxLayout()
        held.addWidget(QLabel(text("held", self.lang)), 1)
        self.refresh_button = QPushButton(text("refresh", self.lang))
        self.refresh_button.clicked.connect(self.refresh_held)
        held.addWidget(self.refresh_button)
        box.addLayout(held)
        self.held = QListWidget()
        box.addWidget(self.held, 1)
        return page

    # -- the link -------------------------------------------------------------------------------

    def _online(self, online: bool) -> None:
        self.banner.setVisible(not online)
        if online and self.staff is not None:
            self.refresh_held()
        self._fill_choices()

    def _changed(self, change: Change) -> None:
        if change.services or change.everything:
            self._fill_choices()
        if self.staff is not None and (change.tickets or change.everything):
            self.refresh_held()

    def _fill_choices(self) -> None:
        """Bundles first, then services; rebuilt only when they change (waiting counts move
        the model's services often), keeping what the agent picked."""
        model, en = self.link.model, self.lang == "en"
        items = [
            (
                text("bundle_item", self.lang, name=b.name_en if en else b.name_zh),
                f"bundle:{b.code}",
            )
            for b in model.bundles.values()
        ] + [(s.name_en if en else s.name_zh, f"service:{s.code}") for s in model.services.values()]
        if items == self._choices:
            return
        self._choices = items
        keep = self.choice.currentData()
        self.choice.clear()
        for label, key in items:
            self.choice.addItem(label, key)
        found = self.choice.findData(keep)
        if found >= 0:
            self.choice.setCurrentIndex(found)

    # -- taps ----------------------------------------------------------------------------------

    def log_in(self) -> None:
        staff, pin = self.staff_edit.text().strip(), self.pin_edit.text()

        def done(reply: dict[str, Any] | None, error: ServerError | None) -> None:
            self.pin_edit.clear()
            if reply is None:
                assert error is not None
                self.login_error.setText(self._said(error))
                return
            self.staff = str(reply["staff"])
            self.who.setText(
                text("agent", self.lang, name=reply.get("staff_name") or "", staff=self.staff)
            )
            self.login_error.setText("")
            self.pages.setCurrentIndex(1)
            self.refresh_held()

        self.link.request("agent_login", done, staff=staff, pin=pin)

    def log_out(self) -> None:
        self.link.request("agent_logout")
        self.staff = None
        self.held.clear()
        self.result.setText("")
        self.pages.setCurrentIndex(0)

    def take(self) -> None:
        identity = self.citizen_edit.text().strip()
        picked = self.choice.currentData()
        if not identity or picked is None:
            self.result.setText(text("citizen_missing", self.lang))
            return
        citizen = normal_citizen_id(identity)
        if citizen is None:  # checked here too, so the agent need not wait for the server
            self.result.setText(text("citizen_bad", self.lang))
            return
        kind, code = str(picked).split(":", 1)
        fields = {  # the number goes to the server only, which hashes it with the hall's secret
            "request_id": f"{self.device}-{uuid.uuid4().hex[:16]}",
            "citizen_id": citizen,
            kind: code,
        }

        def done(reply: dict[str, Any] | None, error: ServerError | None) -> None:
            if reply is None:
                assert error is not None
                self.result.setText(self._said(error))
                return
            self.citizen_edit.clear()
            self.result.setText(text("taken", self.lang, number=reply["ticket"]["number"]))
            self.refresh_held()

        self.link.request("take_for_citizen", done, **fields)

    def refresh_held(self) -> None:
        def done(reply: dict[str, Any] | None, error: ServerError | None) -> None:
            if reply is None:
                return
            self.held.clear()
            for t in reply["tickets"]:
                self.held.addItem(self.ticket_line(t))
            if not reply["tickets"]:
                self.held.addItem(text("none_held", self.lang))

        self.link.request("agent_tickets", done)

    def ticket_line(self, t: dict[str, Any]) -> str:
        en = self.lang == "en"
        name = (t.get("bundle_name_en") if en else t.get("bundle_name_zh")) or (
            t.get("service_name_en") if en else t.get("service_name_zh")
        )
        state = str(t.get("state"))
        said = text(f"state_{state}", self.lang, window=t.get("window") or "")
        steps = t.get("steps") or []
        if steps:
            step = int(t.get("step") or 0) + 1
            said += " · " + text("steps", self.lang, step=step, count=len(steps))
        return text("ticket_line", self.lang, number=t["number"], name=name or "", state=said)

    def _said(self, error: ServerError) -> str:
        return error.message_en if self.lang == "en" else error.message
