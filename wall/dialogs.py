"""The wall's small modal dialogs, each behind one function a test can replace.

Each shows a dialog and returns what the manager chose, or None when cancelled. The app calls
them through its attributes of the same names (`WallApp.ask_ack_note`, …).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from contract.texts import PAUSE_REASON_TEXTS
from wall.texts import CONTACT_CHANNELS, OUTCOMES, Texts


@dataclass(frozen=True)
class NoticeText:
    text_zh: str | None  # None: clear the notice
    text_en: str | None


@dataclass(frozen=True)
class Contact:
    channel: str
    note: str


@dataclass(frozen=True)
class Resolution:
    outcome: str
    note: str


def _dialog(parent: QWidget | None, title: str) -> tuple[QDialog, QVBoxLayout]:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumWidth(460)
    return dialog, QVBoxLayout(dialog)


def _run(dialog: QDialog, layout: QVBoxLayout, texts: Texts) -> bool:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(texts("ok"))
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(texts("cancel"))
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    layout.addWidget(box)
    return dialog.exec() == QDialog.DialogCode.Accepted


def _combo(pairs: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    for code, name in pairs:
        combo.addItem(name, code)
    return combo


def ask_ack_note(parent: QWidget | None, texts: Texts, alert: str) -> str | None:
    """The note of an acknowledgement ("" for none), or None: not acknowledged."""
    dialog, layout = _dialog(parent, texts("ack_title"))
    layout.addWidget(QLabel(alert))
    layout.addWidget(QLabel(texts("ack_hint")))
    note = QPlainTextEdit()
    note.setFixedHeight(90)
    layout.addWidget(note)
    return note.toPlainText().strip() if _run(dialog, layout, texts) else None


def ask_pause_reason(parent: QWidget | None, texts: Texts, window: str) -> str | None:
    dialog, layout = _dialog(parent, texts("pause_title", window=window))
    layout.addWidget(QLabel(texts("pause_hint")))
    i = 1 if texts.lang == "en" else 0
    combo = _combo([(code, pair[i]) for code, pair in PAUSE_REASON_TEXTS.items()])
    layout.addWidget(combo)
    return str(combo.currentData()) if _run(dialog, layout, texts) else None


def ask_notice(parent: QWidget | None, texts: Texts, current: NoticeText) -> NoticeText | None:
    dialog, layout = _dialog(parent, texts("notice_title"))
    layout.addWidget(QLabel(texts("notice_zh")))
    zh = QPlainTextEdit(current.text_zh or "")
    zh.setFixedHeight(90)
    layout.addWidget(zh)
    layout.addWidget(QLabel(texts("notice_en")))
    en = QPlainTextEdit(current.text_en or "")
    en.setFixedHeight(70)
    layout.addWidget(en)
    if not _run(dialog, layout, texts):
        return None
    text_zh, text_en = zh.toPlainText().strip(), en.toPlainText().strip()
    return NoticeText(text_zh or None, (text_en or None) if text_zh else None)


def ask_owner(
    parent: QWidget | None, texts: Texts, number: str, staff: list[str], current: str | None
) -> str | None:
    dialog, layout = _dialog(parent, texts("assign_title", number=number))
    layout.addWidget(QLabel(texts("assign_hint")))
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(staff)
    combo.setCurrentText(current or "")
    layout.addWidget(combo)
    if not _run(dialog, layout, texts):
        return None
    return combo.currentText().strip() or None


def ask_contact(parent: QWidget | None, texts: Texts, number: str) -> Contact | None:
    dialog, layout = _dialog(parent, texts("contact_title", number=number))
    layout.addWidget(QLabel(texts("contact_channel")))
    channel = _combo([(c, texts(f"channel_{c}")) for c in CONTACT_CHANNELS])
    layout.addWidget(channel)
    layout.addWidget(QLabel(texts("contact_note")))
    note = QPlainTextEdit()
    note.setFixedHeight(110)
    layout.addWidget(note)
    if not _run(dialog, layout, texts) or not note.toPlainText().strip():
        return None
    return Contact(str(channel.currentData()), note.toPlainText().strip())


def ask_resolution(parent: QWidget | None, texts: Texts, number: str) -> Resolution | None:
    dialog, layout = _dialog(parent, texts("resolve_title", number=number))
    layout.addWidget(QLabel(texts("resolve_outcome")))
    outcome = _combo([(o, texts(f"outcome_{o}")) for o in OUTCOMES])
    layout.addWidget(outcome)
    layout.addWidget(QLabel(texts("resolve_note")))
    note = QLineEdit()
    layout.addWidget(note)
    if not _run(dialog, layout, texts) or not note.text().strip():
        return None
    return Resolution(str(outcome.currentData()), note.text().strip())
