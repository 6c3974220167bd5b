"""The clerk app at window 1 (社保, 医保) on its window's stream: tickets of 户籍, which it does
not serve, are never sent to it, and its waiting count and breakdown are its window's; a ticket
of its service called at another window leaves its list."""

from __future__ import annotations

from collections.abc import Callable

from clerkkit import HallThread, login
from hallkit import PINS
from pytestqt.qtbot import QtBot

from clerk.app import ClerkApp


def test_the_clerk_app_counts_what_its_window_may_call_when_others_get_tickets(
    qtbot: QtBot, hall: HallThread, make_clerk: Callable[..., ClerkApp]
) -> None:
    app = make_clerk(window=1)
    login(qtbot, app, "s1")
    hall.take("HJ")
    hall.take("HJ", kiosk="kiosk-2")
    first = hall.take("SB")
    hall.take("HJ")
    hall.take("YB", kiosk="kiosk-3")
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "2")
    assert app.main.breakdown.text() == "社保 1  ·  医保 1"
    assert {t.service for t in app.model.hall.tickets.values()} == {"SB", "YB"}  # no 户籍 sent
    other = hall.client("clerk-3")
    hall.request(other, "login", window=3, staff="s3", pin=PINS["s3"])
    called = hall.request(other, "call_number", window=3, number=first["number"])
    assert called["ticket"]["number"] == first["number"]
    qtbot.waitUntil(lambda: app.main.waiting_count.text() == "1")
    assert app.main.breakdown.text() == "社保 0  ·  医保 1"
    assert app.model.here is not None and app.model.here.current is None
