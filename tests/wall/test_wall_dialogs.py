"""The wall's dialogs as the manager fills them in (the modal dialog answered by a timer)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from wall import dialogs
from wall.__main__ import main
from wall.texts import Texts

ZH = Texts("zh")


def answer(fill: Callable[[QDialog], None], accept: bool = True) -> None:
    """Fill in the next modal dialog, then press 确定 (or 取消)."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        fill(dialog)
        if accept:
            dialog.accept()
        else:
            dialog.reject()

    QTimer.singleShot(0, act)


def test_ack_note_pause_reason_and_cancel(qtbot: QtBot) -> None:
    answer(lambda d: d.findChildren(QPlainTextEdit)[0].setPlainText(" 已换纸 "))
    assert dialogs.ask_ack_note(None, ZH, "kiosk-1 打印机纸将用尽") == "已换纸"
    answer(lambda d: d.findChildren(QComboBox)[0].setCurrentIndex(2))
    assert dialogs.ask_pause_reason(None, ZH, "1号窗口") == "meeting"
    answer(lambda d: None, accept=False)
    assert dialogs.ask_ack_note(None, ZH, "x") is None


def test_notice_follow_up_contact_and_resolution(qtbot: QtBot) -> None:
    def notice(d: QDialog) -> None:
        zh, en = d.findChildren(QPlainTextEdit)
        zh.setPlainText("今日下午三点后暂停办理户籍")
        en.setPlainText("No household registration after 3 pm")

    answer(notice)
    chosen = dialogs.ask_notice(None, ZH, dialogs.NoticeText(None, None))
    assert chosen == dialogs.NoticeText(
        "今日下午三点后暂停办理户籍", "No household registration after 3 pm"
    )
    answer(lambda d: d.findChildren(QPlainTextEdit)[0].setPlainText(""))  # empty: clear it
    assert dialogs.ask_notice(None, ZH, chosen) == dialogs.NoticeText(None, None)

    answer(lambda d: d.findChildren(QComboBox)[0].setCurrentText("s2"))
    assert dialogs.ask_owner(None, ZH, "A004", ["s1", "s3"], "s1") == "s2"

    def contact(d: QDialog) -> None:
        d.findChildren(QComboBox)[0].setCurrentIndex(1)
        d.findChildren(QPlainTextEdit)[0].setPlainText("群众表示理解")

    answer(contact)
    assert dialogs.ask_contact(None, ZH, "A004") == dialogs.Contact("visit", "群众表示理解")

    def resolution(d: QDialog) -> None:
        d.findChildren(QComboBox)[0].setCurrentIndex(1)
        d.findChildren(QLineEdit)[0].setText("已向群众解释政策")

    answer(resolution)
    assert dialogs.ask_resolution(None, ZH, "A004") == dialogs.Resolution(
        "explained", "已向群众解释政策"
    )


def test_main_refuses_bad_settings() -> None:
    assert main(["--server", "http://10.0.0.2/ws", "--device", "m", "--token", "t"]) == 2
