"""The real dialogs behind the app's `ask_…` and `confirm_…` functions, answered by a timer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from clerkkit import screenshot
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from appkit.fonts import cjk_family
from clerk.dialogs import (
    TransferChoice,
    ask_number,
    ask_parked,
    ask_pause_reason,
    ask_transfer,
    confirm_no_show,
)
from clerk.texts import Texts
from clerk.theme import style_sheet

SERVICES = [("YB", "医保"), ("HJ", "户籍")]
WINDOWS = [(1, "1号窗口"), (4, "4号窗口")]


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    """A window with the app's style sheet, as the dialogs get it in the app."""
    window = QWidget()
    window.setStyleSheet(style_sheet(cjk_family()))
    qtbot.addWidget(window)
    return window


def answer(qtbot: QtBot, act: Callable[[QDialog], None], shot: str | None = None) -> None:
    """Once the dialog is up, let `act(dialog)` fill it in and close it."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        if shot:
            screenshot(dialog, shot)
        act(dialog)

    QTimer.singleShot(0, run)


def test_transfer_to_a_window(qtbot: QtBot, parent: QWidget) -> None:
    def choose(dialog: QDialog) -> None:
        to_window = next(r for r in dialog.findChildren(QRadioButton) if r.text() == "转到窗口")
        to_window.setChecked(True)
        boxes = dialog.findChildren(QComboBox)
        boxes[1].setCurrentIndex(1)
        dialog.accept()

    answer(qtbot, choose, "zh-9-transfer-dialog")
    assert ask_transfer(parent, Texts("zh"), "A001", SERVICES, WINDOWS) == TransferChoice(
        to_window=4
    )


def test_transfer_to_a_service_and_cancel(qtbot: QtBot) -> None:
    def choose(dialog: QDialog) -> None:
        dialog.findChildren(QComboBox)[0].setCurrentIndex(1)
        dialog.accept()

    answer(qtbot, choose)
    assert ask_transfer(None, Texts("zh"), "A001", SERVICES, WINDOWS) == TransferChoice(
        to_service="HJ"
    )
    answer(qtbot, lambda dialog: dialog.reject())
    assert ask_transfer(None, Texts("en"), "A001", SERVICES, WINDOWS) is None


def test_choose_a_number_from_the_list_or_typed(qtbot: QtBot) -> None:
    def pick_second(dialog: QDialog) -> None:
        numbers = dialog.findChild(QListWidget)
        assert numbers is not None
        numbers.setCurrentRow(1)
        dialog.accept()

    answer(qtbot, pick_second)
    assert ask_number(None, Texts("zh"), ["A001", "A002", "B001"]) == "A002"

    def type_one(dialog: QDialog) -> None:
        typed = dialog.findChild(QLineEdit)
        assert typed is not None
        typed.setText(" c003 ")
        dialog.accept()

    answer(qtbot, type_one)
    assert ask_number(None, Texts("zh"), ["A001"]) == "C003"


def test_choose_a_parked_number(qtbot: QtBot, parent: QWidget) -> None:
    answer(qtbot, lambda dialog: dialog.accept(), "zh-10-parked-dialog")
    assert ask_parked(parent, Texts("zh"), ["A002", "A007"]) == "A002"
    answer(qtbot, lambda dialog: dialog.reject())
    assert ask_parked(None, Texts("zh"), ["A002"]) is None


def button(dialog: QDialog, text: str) -> QPushButton:
    return next(b for b in dialog.findChildren(QPushButton) if b.text() == text)


def test_no_show_is_confirmed_only_by_its_own_button(qtbot: QtBot, parent: QWidget) -> None:
    def look(dialog: QDialog) -> None:
        assert dialog.windowTitle() == "弃号 A001"
        assert button(dialog, "取消").isDefault() and not button(dialog, "确认弃号").isDefault()
        button(dialog, "确认弃号").click()

    answer(qtbot, look, "zh-12-no-show-confirm")
    assert confirm_no_show(parent, Texts("zh"), "A001") is True
    answer(qtbot, lambda dialog: QTest.keyClick(dialog, Qt.Key.Key_Return))  # F3, then Enter
    assert confirm_no_show(parent, Texts("zh"), "A001") is False
    answer(qtbot, lambda dialog: QTest.keyClick(dialog, Qt.Key.Key_Escape))
    assert confirm_no_show(parent, Texts("zh"), "A001") is False
    answer(qtbot, lambda dialog: button(dialog, "Mark no-show").click(), "en-6-no-show-confirm")
    assert confirm_no_show(parent, Texts("en"), "B012") is True


def test_a_pause_reason_is_one_click_and_enter_takes_away_briefly(
    qtbot: QtBot, parent: QWidget
) -> None:
    def look(dialog: QDialog) -> None:
        names = [
            b.text() for b in dialog.findChildren(QPushButton) if b.objectName() == "reasonButton"
        ]
        assert names == ["午休", "临时离开", "会议", "系统故障", "其他"]
        assert button(dialog, "临时离开").isDefault()
        button(dialog, "午休").click()

    answer(qtbot, look, "zh-13-pause-reason")
    assert ask_pause_reason(parent, Texts("zh")) == "lunch"
    answer(qtbot, lambda dialog: QTest.keyClick(dialog, Qt.Key.Key_Return))
    assert ask_pause_reason(parent, Texts("zh")) == "away"
    answer(qtbot, lambda dialog: button(dialog, "取消").click())
    assert ask_pause_reason(parent, Texts("zh")) is None
    answer(qtbot, lambda dialog: button(dialog, "System fault").click(), "en-7-pause-reason")
    assert ask_pause_reason(parent, Texts("en")) == "fault"
