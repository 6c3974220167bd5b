"""A clerk signs in and out on the caller keypad: staff number + 确认, PIN + 确认, 9 + 确认.

The pure steps with a clock passed in; then end to end with fake devices on a pty and a
real server on localhost whose PIN checks and lockout are its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from bridgekit import DEVICES, bridged, until
from hallkit import PINS, make_hall, running

from drivers.bridge.signin import AskPin, Cancelled, SignIn, SignIns
from drivers.bus.fake import FakeBus, FakeKeypad, FakeWindowDisplay
from drivers.bus.keypad import KeypadAction
from queue_server.core.model import Staff
from queue_server.guard import MAX_PIN_FAILURES
from queue_server.pins import hash_pin

A = KeypadAction
BLANK = "      "
ASK_PIN, SIGNED_IN, SIGNED_OUT = "10    ", "11    ", "12    "
BAD_PIN, LOCKED = "20    ", "21    "

# -- the steps, pure ---------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_staff_number_then_its_pin_make_a_sign_in() -> None:
    signins = SignIns({"11": "s1"}, clock=Clock())
    assert signins.enter(1, "11") == AskPin("s1")  # mapped: the id has letters
    assert signins.waiting_for_pin(1) and not signins.waiting_for_pin(2)
    step = signins.enter(1, "1001")
    assert step == SignIn("s1", "1001") and "1001" not in repr(step)
    assert not signins.waiting_for_pin(1)
    assert signins.enter(1, "2001") == AskPin("2001")  # not mapped: sent as typed


def test_a_half_typed_sign_in_is_dropped_by_cancel_an_empty_entry_or_waiting() -> None:
    clock = Clock()
    signins = SignIns({}, timeout=60, clock=clock)
    signins.enter(1, "2001")
    assert signins.cancel(1) == Cancelled() and not signins.waiting_for_pin(1)
    signins.enter(1, "2001")
    assert signins.enter(1, "") == Cancelled() and not signins.waiting_for_pin(1)
    assert signins.enter(1, "") == Cancelled()  # nothing typed at all
    signins.enter(1, "2001")
    clock.now += 61  # a colleague's staff number typed later is not taken for a PIN
    assert signins.enter(1, "2002") == AskPin("2002")
    signins.enter(2, "2003")
    clock.now += 59
    assert signins.enter(2, "4321") == SignIn("2003", "4321")


# -- end to end --------------------------------------------------------------------------------

# hallkit's staff ids (s1 …) have letters: the hall maps keypad numbers to them.
WITH_STAFF = DEVICES + '\n[keypad_staff]\n"11" = "s1"\n"22" = "s2"\n'


def logged(db: Path, kind: str, window: int) -> list[tuple[str, dict[str, Any]]]:
    """(actor, event) of the `kind` events at `window` in the server's event log."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT actor, data FROM events WHERE type = ? AND window = ? ORDER BY seq",
            (kind, window),
        ).fetchall()
    finally:
        conn.close()
    return [(actor, json.loads(data)) for actor, data in rows]


def opened_by(db: Path, window: int) -> list[str]:
    return [event["staff"] for _, event in logged(db, "window_opened", window)]


def test_a_window_with_only_a_keypad_opens_when_a_clerk_signs_in_on_it(
    tmp_path: Path, bus: FakeBus, link: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    keypad = bus.attach(FakeKeypad(1))
    board = bus.attach(FakeWindowDisplay(0x21))
    pin = PINS["s1"]

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link, WITH_STAFF):
            watcher = await hall.client("board-1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")
            keypad.press(A.CALL_NEXT)  # nobody signed in: the window is closed
            await until(bus, lambda: keypad.beeps == 1)

            keypad.press(A.ENTER, "11")  # staff number + 确认
            await until(bus, lambda: keypad.display == ASK_PIN)
            keypad.press(A.ENTER, pin)  # PIN + 确认
            assert (await watcher.next_event("window_opened"))["window"] == 1
            await until(bus, lambda: keypad.display == SIGNED_IN)
            assert opened_by(hall.db, 1) == ["s1"]
            assert keypad.beeps == 1
            # The PIN was never on a display, nor in any log line of the bridge.
            assert all(pin not in shown for shown in keypad.shown + board.shown)
            assert not [r for r in caplog.records if pin in r.getMessage()]

            keypad.press(A.CALL_NEXT)  # the window is open: calls work
            assert (await watcher.next_event("ticket_called"))["number"] == "A001"
            await until(bus, lambda: keypad.display == board.number == "  1001")
            # The server records the keypad's actions under the clerk who signed in on it.
            assert [actor for actor, _ in logged(hall.db, "ticket_called", 1)] == ["s1"]
            keypad.press(A.SIGN_OUT)  # still serving A001: refused
            await until(bus, lambda: keypad.beeps == 2)
            keypad.press(A.NO_SHOW)
            await watcher.next_event("ticket_no_show")
            keypad.press(A.SIGN_OUT)
            assert (await watcher.next_event("window_closed"))["window"] == 1
            await until(bus, lambda: keypad.display == SIGNED_OUT and board.number == BLANK)
            keypad.press(A.CALL_NEXT)  # closed again
            await until(bus, lambda: keypad.beeps == 3 and keypad.display == BLANK)

    asyncio.run(body())


def test_a_wrong_pin_shows_20_beeps_and_the_window_stays_closed(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    keypad = bus.attach(FakeKeypad(2))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link, WITH_STAFF):
            watcher = await hall.client("board-1")
            keypad.press(A.ENTER, "22")
            await until(bus, lambda: keypad.display == ASK_PIN)
            keypad.press(A.ENTER, "9999")
            await until(bus, lambda: keypad.display == BAD_PIN and keypad.beeps == 1)
            snap = await watcher.request("snapshot")
            assert snap["windows"][1]["state"] == "closed"
            keypad.press(A.ENTER, PINS["s2"])  # after a failure: a staff number again
            await until(bus, lambda: keypad.display == ASK_PIN)
            keypad.press(A.CANCEL)  # 取消: start over
            await until(bus, lambda: keypad.display == BLANK)
            keypad.press(A.ENTER, "22")
            await until(bus, lambda: keypad.display == ASK_PIN)
            keypad.press(A.ENTER, PINS["s2"])
            assert (await watcher.next_event("window_opened"))["window"] == 2
            await until(bus, lambda: keypad.display == SIGNED_IN)
            assert opened_by(hall.db, 2) == ["s2"]

    asyncio.run(body())


def test_a_numeric_staff_id_is_typed_as_it_is(tmp_path: Path, bus: FakeBus, link: Path) -> None:
    keypad = bus.attach(FakeKeypad(3))
    base = make_hall()
    hall_with_numbers = dataclasses.replace(
        base, staff=(*base.staff, Staff("2001", "张伟", hash_pin("4321")))
    )

    async def body() -> None:
        async with running(tmp_path, hall_with_numbers) as hall, bridged(hall, link):
            watcher = await hall.client("board-1")
            keypad.press(A.ENTER, "2001")
            await until(bus, lambda: keypad.display == ASK_PIN)
            keypad.press(A.CALL_NEXT)  # another key drops the half-typed sign-in …
            await until(bus, lambda: keypad.beeps == 1 and keypad.display == BLANK)
            keypad.press(A.ENTER, "4321")  # … so this is a staff number, not a PIN
            await until(bus, lambda: keypad.display == ASK_PIN)
            keypad.press(A.CANCEL)
            keypad.press(A.ENTER, "2001")
            await until(bus, lambda: keypad.display == ASK_PIN)
            keypad.press(A.ENTER, "4321")
            assert (await watcher.next_event("window_opened"))["window"] == 3
            assert opened_by(hall.db, 3) == ["2001"]

    asyncio.run(body())


def test_a_staff_id_locked_by_wrong_pins_shows_21_even_with_the_right_pin(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    keypad = bus.attach(FakeKeypad(1))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link, WITH_STAFF):
            # Someone has been guessing s1's PIN at the counter apps (one guess per app, so
            # the server's growing delay per device stays short) …
            clerks = [await hall.client(f"clerk-{w}") for w in (1, 2, 3, 4)]

            async def guess(n: int) -> str:
                try:
                    await clerks[n % 4].request("login", window=n % 4 + 1, staff="s1", pin="0000")
                except Exception as exc:  # noqa: BLE001 - the refusal is the point
                    return getattr(exc, "code", repr(exc))
                return "logged in"

            guesses = [guess(n) for n in range(MAX_PIN_FAILURES - 1)]
            assert set(await asyncio.gather(*guesses)) == {"bad_pin"}
            # … and the last wrong PIN, typed on the keypad, locks the staff id.
            keypad.press(A.ENTER, "11")
            await until(bus, lambda: keypad.display == ASK_PIN)
            keypad.press(A.ENTER, "0000")
            await until(bus, lambda: keypad.display == LOCKED and keypad.beeps == 1)
            keypad.press(A.ENTER, "11")
            await until(bus, lambda: keypad.display == ASK_PIN)
            keypad.press(A.ENTER, PINS["s1"])
            await until(bus, lambda: keypad.beeps == 2)
            assert keypad.display == LOCKED
            snap = await clerks[1].request("snapshot")
            assert snap["windows"][0]["state"] == "closed"

    asyncio.run(body())


def test_a_sign_in_while_the_server_is_away_shows_23_and_works_when_it_is_back(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    keypad = bus.attach(FakeKeypad(1))

    async def body() -> None:
        async with running(tmp_path) as first:
            port = int(first.url.rsplit(":", 1)[1].split("/")[0])
            async with bridged(first, link, WITH_STAFF) as bridge:
                await first.server.stop()  # the server goes away; window 1 was closed
                await bridge.wait_for(lambda: not bridge.online)
                keypad.press(A.ENTER, "11")
                await until(bus, lambda: keypad.display == ASK_PIN)
                keypad.press(A.ENTER, PINS["s1"])
                await until(bus, lambda: keypad.display == "23    " and keypad.beeps == 1)

                async with running(tmp_path, port=port) as second:  # same port, same db
                    await bridge.wait_for(lambda: bridge.online and bridge.syncs >= 2)
                    watcher = await second.client("board-1")
                    keypad.press(A.ENTER, "11")
                    await until(bus, lambda: keypad.display == ASK_PIN)
                    keypad.press(A.ENTER, PINS["s1"])
                    assert (await watcher.next_event("window_opened"))["window"] == 1
                    await until(bus, lambda: keypad.display == SIGNED_IN)

    asyncio.run(body())
