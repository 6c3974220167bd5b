"""电话预约: a clerk books a slot for a caller on the phone against a real server, and reads
the code and the time back; a wrong number or a full day is said in plain words."""

from __future__ import annotations

import re
from collections.abc import Callable

from clerkkit import HallThread, login, screenshot
from pytestqt.qtbot import QtBot

from clerk.app import ClerkApp

CALLER = "13700001111"


def test_a_clerk_books_for_a_caller_and_reads_back_the_code(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk()
    assert not app.main.booking_button.isVisible()  # signed out: nothing to book with
    login(qtbot, app)
    assert app.main.booking_button.text() == "电话预约"
    app.main.booking_button.click()
    dialog = app.booking
    assert dialog is not None and dialog.isVisible()
    services = [dialog.service_box.itemText(i) for i in range(dialog.service_box.count())]
    assert services == ["社保", "户籍"]  # the services with slots to book
    qtbot.waitUntil(lambda: dialog.slot_box.count() > 0)
    assert re.fullmatch(r"\d\d:\d\d（余 4）", dialog.slot_box.currentText())

    dialog.who_edit.setText("1370000")
    dialog.book_button.click()
    assert dialog.answer.text() == "请填写 18 位身份证号或 11 位手机号"

    dialog.who_edit.setText(CALLER)
    dialog.book_button.click()
    qtbot.waitUntil(lambda: dialog.answer.text().startswith("预约成功"))
    code = re.search(r"预约码 (\d{8})", dialog.answer.text())
    assert code is not None and "到大厅自助机签到" in dialog.answer.text()
    assert dialog.who_edit.text() == ""  # the caller's number stays nowhere
    qtbot.waitUntil(lambda: "余 3" in dialog.slot_box.currentText())  # the slot just booked
    screenshot(dialog, "booking-for-a-caller")
    [booked] = [e for e in hall.service.store.events_after(0) if e["type"] == "appointment_booked"]
    assert (booked["appointment_code"], booked["channel"]) == (code.group(1), "clerk")
    assert CALLER not in str(booked)

    dialog.who_edit.setText(CALLER)  # the same caller, the same service and day again
    dialog.book_button.click()
    qtbot.waitUntil(lambda: dialog.answer.text().startswith("您已预约该事项"))
    dialog.close_button.click()
    qtbot.waitUntil(lambda: app.booking is None)
