"""远程取号签到 at the kiosk against a real server: the number and the phone's last 4 digits.

Screenshots are saved under artifacts/screenshots/kiosk/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from kioskkit import HallThread, KioskRig
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from websockets.asyncio.client import connect

from kiosk.checkin import CheckinFlow, Field, Step
from kiosk.flow import Stage

OUT = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "kiosk"


def take_on_a_phone(server: HallThread, phone: str = "13812345678", service: str = "SB") -> str:
    """A citizen takes a number on the phone page (take_remote, no device); its number."""

    async def take() -> str:
        async with connect(server.url) as ws:
            await ws.send(
                json.dumps(
                    {
                        "type": "take_remote",
                        "id": 1,
                        "service": service,
                        "phone": phone,
                        "request_id": "p1",
                    }
                )
            )
            while True:
                reply: dict[str, Any] = json.loads(await ws.recv())
                if reply.get("re") == 1:
                    assert reply["type"] == "remote_ticket", reply
                    return str(reply["ticket"]["number"])

    return server.run(take())


def type_keys(kiosk: KioskRig, keys: str) -> None:
    screen = kiosk.window.checkin
    assert screen is not None
    for key in keys:
        (screen.letter_keys.get(key) or screen.keys[key]).click()


def shot(kiosk: KioskRig, name: str) -> None:
    """Save the window as drawn once the layouts asked for have been done."""
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)
    assert kiosk.window.grab().save(str(OUT / f"checkin-{name}.png"))


def test_a_phone_number_checks_in_with_the_number_and_four_digits(
    kiosk: KioskRig, hall_server: HallThread, qtbot: QtBot
) -> None:
    number = take_on_a_phone(hall_server)
    assert number == "A001"
    window, screen, button = kiosk.window, kiosk.window.checkin, kiosk.window.checkin_button
    assert screen is not None and button is not None
    assert button.isVisible() and button.isEnabled()
    assert "远程取号签到" in button.accessibleName()
    shot(kiosk, "0-home")
    button.click()
    assert window.screen_now is screen
    assert screen.title.text() == "远程取号签到"
    assert list(screen.letter_keys) == ["A", "B", "C"]  # the hall's ticket letters
    assert not screen.confirm_button.isEnabled()
    qtbot.waitUntil(lambda: screen.door_box.isVisible(), timeout=5000)  # today's door QR
    door_url = kiosk.controller.checkin.door_url
    assert door_url is not None and "/door/" in door_url
    assert screen.door_qr.pixmap().width() >= 150
    type_keys(kiosk, "A001")  # the number complete: the keypad moves to the phone digits
    assert kiosk.controller.checkin.field is Field.DIGITS
    type_keys(kiosk, "0000")
    shot(kiosk, "1-typed")
    screen.confirm_button.click()
    qtbot.waitUntil(lambda: bool(screen.error.text()), timeout=5000)
    assert screen.error.text() == "号码或手机号后四位不正确，请核对后重试"
    assert screen.boxes[Field.DIGITS].text() == "····"  # the digits are typed again
    shot(kiosk, "2-refused")
    type_keys(kiosk, "5678")
    screen.confirm_button.click()
    qtbot.waitUntil(lambda: kiosk.controller.checkin.step is Step.DONE, timeout=5000)
    assert screen.done_number.text() == "A001"
    assert screen.done_title.text() == "签到成功"
    shot(kiosk, "3-done")
    [event] = hall_server.events("ticket_checked_in")
    assert (event["number"], event["via"], event["actor"]) == ("A001", "kiosk", "kiosk-1")
    screen.finish_button.click()
    assert window.screen_now is window.home
    assert kiosk.flow.stage is Stage.IDLE


def test_the_screen_in_english_and_large_text_and_home_when_left_alone(
    make_kiosk: Callable[..., KioskRig], qtbot: QtBot
) -> None:
    kiosk = make_kiosk(idle_timeout_s=0.5)
    kiosk.wait_ready()
    kiosk.controller.tap_language()
    kiosk.controller.tap_large_text()
    button, screen = kiosk.window.checkin_button, kiosk.window.checkin
    assert button is not None and screen is not None
    button.click()
    assert screen.title.text() == "Phone ticket check-in"
    type_keys(kiosk, "B12")
    screen.confirm_button.setEnabled(True)  # as a scanner's Enter would: incomplete is said
    screen.confirm_button.click()
    assert screen.error.text() == "Enter the number (like A005) and the last 4 digits"
    shot(kiosk, "4-english-large")
    qtbot.waitUntil(lambda: kiosk.window.screen_now is kiosk.window.home, timeout=5000)
    assert not kiosk.controller.checkin.active


@pytest.mark.parametrize(
    ("keys", "number", "digits", "ready"),
    [
        ("A0051234", "A005", "1234", True),
        ("AB0121234", "AB012", "1234", True),  # two letters; the digits box follows three digits
        ("5A001", "5001", "", False),  # a letter after a digit is not part of a number
        ("ABC", "AB", "", False),
    ],
)
def test_the_keypad_builds_the_number_then_the_digits(
    keys: str, number: str, digits: str, ready: bool
) -> None:
    flow = CheckinFlow()
    flow.open()
    for key in keys:
        flow.press(key)
    assert (flow.number, flow.digits, flow.ready) == (number, digits, ready)
    flow.press("delete")
    flow.press("clear")
    assert flow.submit() is None and flow.error_code == "checkin_incomplete"


@pytest.mark.parametrize("screen_size", [(1920, 1080), (1366, 768)])
def test_the_screen_fits_a_landscape_kiosk(
    make_kiosk: Callable[..., KioskRig], screen_size: tuple[int, int], qtbot: QtBot
) -> None:
    kiosk = make_kiosk(orientation="landscape", screen=screen_size)
    kiosk.wait_ready()
    button, screen = kiosk.window.checkin_button, kiosk.window.checkin
    assert button is not None and screen is not None
    button.click()
    type_keys(kiosk, "C0021234")
    qtbot.waitUntil(lambda: screen.door_box.isVisible(), timeout=5000)
    keys = [
        *screen.keys.values(),
        *screen.letter_keys.values(),
        screen.confirm_button,
        screen.door_qr,
        screen.door_hint,
    ]

    def reachable() -> bool:  # every key whole on the screen, none over another, QR whole
        inside = all(
            k.isVisible()
            and kiosk.window.rect().contains(k.mapTo(kiosk.window, k.rect().bottomRight()))
            for k in keys
        )
        places = [k.mapTo(kiosk.window, k.rect().topLeft()) for k in keys]
        qr = screen.door_qr.pixmap().size() == screen.door_qr.size()
        return inside and qr and len({(p.x(), p.y()) for p in places}) == len(keys)

    qtbot.waitUntil(reachable, timeout=3000)
    assert (kiosk.window.width(), kiosk.window.height()) == screen_size
    shot(kiosk, f"5-landscape-{screen_size[0]}")
