"""The app's small modal dialogs, each behind one function a test can replace.

`ask_transfer`, `ask_number`, `ask_parked` and `ask_pause_reason` show a dialog and return the
clerk's choice, or None when cancelled; `confirm_no_show` returns whether the clerk confirmed.
The app calls them through its attributes of the same names.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from clerk.texts import DEFAULT_PAUSE_REASON, PAUSE_REASONS, Texts


@dataclass(frozen=True)
class TransferChoice:
    """Where a ticket goes: another service, another window, or both."""

    to_service: str | None = None
    to_window: int | None = None


def _buttons(dialog: QDialog, texts: Texts) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(texts("ok"))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(texts("cancel"))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def ask_transfer(
    parent: QWidget | None,
    texts: Texts,
    number: str,
    services: list[tuple[str, str]],
    windows: list[tuple[int, str]],
) -> TransferChoice | None:
    """Ask where to transfer `number`: (code, name) services or (number, name) windows."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(texts("transfer_title", number=number))
    dialog.setMinimumWidth(380)
    grid = QGridLayout(dialog)
    grid.setContentsMargins(20, 18, 20, 16)
    grid.setVerticalSpacing(12)
    to_service, to_window = (
        QRadioButton(texts("transfer_to_service")),
        QRadioButton(texts("transfer_to_window")),
    )
    group = QButtonGroup(dialog)
    group.addButton(to_service)
    group.addButton(to_window)
    service_box, window_box = QComboBox(), QComboBox()
    for code, name in services:
        service_box.addItem(name, code)
    for num, name in windows:
        window_box.addItem(name, num)
    to_service.setChecked(True)
    to_service.setEnabled(bool(services))
    to_window.setEnabled(bool(windows))
    if not services:
        to_window.setChecked(True)
    to_service.toggled.connect(service_box.setEnabled)
    to_window.toggled.connect(window_box.setEnabled)
    window_box.setEnabled(to_window.isChecked())
    service_box.setEnabled(to_service.isChecked())
    grid.addWidget(QLabel(texts("transfer_hint", number=number)), 0, 0, 1, 2)
    grid.addWidget(to_service, 1, 0)
    grid.addWidget(service_box, 1, 1)
    grid.addWidget(to_window, 2, 0)
    grid.addWidget(window_box, 2, 1)
    grid.addWidget(_buttons(dialog, texts), 3, 0, 1, 2)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    if to_window.isChecked() and window_box.currentIndex() >= 0:
        return TransferChoice(to_window=int(window_box.currentData()))
    if to_service.isChecked() and service_box.currentIndex() >= 0:
        return TransferChoice(to_service=str(service_box.currentData()))
    return None


def _pick(
    parent: QWidget | None, texts: Texts, title: str, hint: str, numbers: list[str], typed: bool
) -> str | None:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumWidth(320)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(20, 18, 20, 16)
    layout.addWidget(QLabel(hint))
    choices = QListWidget()
    choices.addItems(numbers)
    if numbers:
        choices.setCurrentRow(0)
    layout.addWidget(choices)
    entry = QLineEdit()
    if typed:
        entry.setPlaceholderText("A001")
        layout.addWidget(entry)
        entry.textEdited.connect(lambda _text: choices.clearSelection())
    choices.itemDoubleClicked.connect(lambda _item: dialog.accept())
    layout.addWidget(_buttons(dialog, texts))
    choices.setFocus(Qt.FocusReason.OtherFocusReason)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    if typed and entry.text().strip():
        return entry.text().strip().upper()
    item = choices.currentItem()
    return item.text() if item is not None and item.isSelected() else None


def ask_number(parent: QWidget | None, texts: Texts, numbers: list[str]) -> str | None:
    """Which waiting number to call (选号): pick one of `numbers` or type one."""
    return _pick(
        parent,
        texts,
        texts("choose_number_title"),
        texts("choose_number_hint"),
        numbers,
        typed=True,
    )


def ask_parked(parent: QWidget | None, texts: Texts, numbers: list[str]) -> str | None:
    """Which parked number to call back."""
    return _pick(
        parent,
        texts,
        texts("choose_parked_title"),
        texts("choose_parked_hint"),
        numbers,
        typed=False,
    )


def confirm_no_show(parent: QWidget | None, texts: Texts, number: str) -> bool:
    """Whether `number` really did not come (弃号 cannot be undone). Enter or Esc cancels."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(texts("no_show_title", number=number))
    dialog.setMinimumWidth(380)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(24, 20, 24, 16)
    layout.setSpacing(16)
    question = QLabel(texts("no_show_question", number=number))
    question.setObjectName("dialogQuestion")
    question.setWordWrap(True)
    layout.addWidget(question)
    box = QDialogButtonBox()
    confirm = box.addButton(texts("no_show_confirm"), QDialogButtonBox.ButtonRole.AcceptRole)
    confirm.setObjectName("dangerButton")
    cancel = box.addButton(texts("cancel"), QDialogButtonBox.ButtonRole.RejectRole)
    # A second key press by mistake must not confirm: the safe button is the default.
    cancel.setDefault(True)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    layout.addWidget(box)
    cancel.setFocus(Qt.FocusReason.OtherFocusReason)
    return dialog.exec() == QDialog.DialogCode.Accepted


def ask_pause_reason(parent: QWidget | None, texts: Texts) -> str | None:
    """Why the window pauses: one click on one of the reasons; Enter takes 临时离开."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(texts("pause_title"))
    dialog.setMinimumWidth(360)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(24, 20, 24, 16)
    layout.setSpacing(8)
    layout.addWidget(QLabel(texts("pause_hint")))
    chosen: list[str] = []

    def choose(code: str) -> None:
        chosen.append(code)
        dialog.accept()

    for code in PAUSE_REASONS:
        button = QPushButton(texts.pause_reason(code))
        button.setObjectName("reasonButton")
        button.setProperty("reason", code)
        button.clicked.connect(lambda _checked=False, c=code: choose(c))
        layout.addWidget(button)
        if code == DEFAULT_PAUSE_REASON:
            button.setDefault(True)
            button.setFocus(Qt.FocusReason.OtherFocusReason)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(texts("cancel"))
    box.rejected.connect(dialog.reject)
    layout.addSpacing(6)
    layout.addWidget(box)
    if dialog.exec() != QDialog.DialogCode.Accepted or not chosen:
        return None
    return chosen[-1]
