"""The manager's log-in panel: a white card over a shade on the wall, like the clerk's log-in."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from wall.texts import Texts
from wall.widgets import button, label


class LoginPanel(QFrame):
    """The manager's log-in card over a shade (like the clerk's log-in page)."""

    submitted = Signal(str, str)
    cancelled = Signal()

    def __init__(self, texts: Texts, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("loginShade")
        outer = QVBoxLayout(self)
        card = QFrame()
        card.setObjectName("loginCard")
        card.setFixedWidth(480)
        form = QVBoxLayout(card)
        form.setContentsMargins(40, 32, 40, 32)
        form.setSpacing(8)
        self.title = label(texts("login_title"), "loginTitle")
        hint = label(texts("login_hint"), "loginHint")
        hint.setWordWrap(True)
        form.addWidget(self.title)
        form.addWidget(hint)
        form.addSpacing(10)
        self.staff_edit = QLineEdit()
        self.staff_edit.setMaxLength(40)
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setMaxLength(40)
        form.addWidget(label(texts("staff_id"), "fieldLabel"))
        form.addWidget(self.staff_edit)
        form.addWidget(label(texts("pin"), "fieldLabel"))
        form.addWidget(self.pin_edit)
        self.error = label("", "loginError")
        self.error.setWordWrap(True)
        form.addWidget(self.error)
        self.sign_in = button(texts("sign_in"), "primaryButton")
        self.sign_in.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.cancel = button(texts("cancel"), "plainButton")
        self.cancel.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        form.addWidget(self.sign_in)
        form.addWidget(self.cancel)
        self.staff_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.pin_edit.returnPressed.connect(self.submit)
        self.sign_in.clicked.connect(self.submit)
        self.cancel.clicked.connect(self.cancelled.emit)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.texts = texts
        self.hide()

    def submit(self) -> None:
        self.error.setText("")
        self.submitted.emit(self.staff_edit.text(), self.pin_edit.text())

    def open(self) -> None:
        self.error.setText("")
        self.pin_edit.clear()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self.staff_edit.setFocus()

    def busy(self, on: bool) -> None:
        self.sign_in.setEnabled(not on)
        self.sign_in.setText(self.texts("signing_in" if on else "sign_in"))
