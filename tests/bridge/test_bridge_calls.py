"""Keypad and evaluator presses end to end: fake devices on a pty, the bridge, a real server
on localhost with a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from bridgekit import bridged, until
from hallkit import running

from drivers.bus.evaluator import FIVE_KEY, FOUR_KEY
from drivers.bus.fake import FakeBus, FakeEvaluator, FakeKeypad, FakeWindowDisplay
from drivers.bus.keypad import KeypadAction

BLANK = "      "


T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def ratings(db: Path) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT ticket, window, staff, score, bad, rejected FROM ratings ORDER BY seq"
        ).fetchall()
    finally:
        conn.close()


def test_call_next_from_the_keypad_shows_the_number_and_the_evaluator_rates_it(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    keypad = bus.attach(FakeKeypad(1))
    evaluator = bus.attach(FakeEvaluator(0x11, FOUR_KEY))
    board = bus.attach(FakeWindowDisplay(0x21))
    other_board = bus.attach(FakeWindowDisplay(0x22))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link):
            watcher = await hall.client("board-1")
            clerk = await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            ticket = (await kiosk.request("take_ticket", service="SB", request_id="k-1"))["ticket"]

            sent = keypad.press(KeypadAction.CALL_NEXT)
            called = await watcher.next_event("ticket_called")
            assert (called["window"], called["number"], called["ticket"]) == (
                1,
                "A001",
                ticket["id"],
            )
            assert called["recall"] is False  # boards are not told who acted
            await until(bus, lambda: keypad.acks == [sent])  # acknowledged as read
            await until(bus, lambda: keypad.display == "  1001" and board.number == "  1001")
            assert other_board.shown == [BLANK]  # window 2 is closed: blank since the start

            await clerk.request("finish", window=1)
            await until(bus, lambda: keypad.display == BLANK and board.number == BLANK)

            first = evaluator.press_level(5)  # 非常满意
            recorded = await watcher.next_event("rating_recorded")
            assert (recorded["ticket"], recorded["score"], recorded["source"]) == (
                ticket["id"],
                5,
                "evaluator",
            )
            await until(bus, lambda: evaluator.acks == [first])
            assert ratings(hall.db) == [(ticket["id"], 1, "s1", 5, 0, None)]

            evaluator.press_level(2)  # 一次一评: a second press is refused, and logged
            rejected = await watcher.next_event("rating_rejected")
            assert (rejected["reason"], rejected["ticket"]) == ("already_rated", ticket["id"])
            assert ratings(hall.db)[1] == (ticket["id"], 1, None, 2, None, "already_rated")
            assert keypad.beeps == 0  # evaluators do not beep the keypad

    run(body())


def test_invite_rating_finishes_the_service_and_starts_the_evaluator(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    keypad = bus.attach(FakeKeypad(1))
    evaluator = bus.attach(FakeEvaluator(0x11, FOUR_KEY))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link):
            watcher = await hall.client("board-1")
            await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")
            keypad.press(KeypadAction.CALL_NEXT)
            called = await watcher.next_event("ticket_called")

            keypad.press(KeypadAction.INVITE_RATING)  # no 办结 key: 评价 ends the service
            finished = await watcher.next_event("ticket_finished")
            invited = await watcher.next_event("rating_invited")
            assert finished["ticket"] == invited["ticket"] == called["ticket"]
            await until(bus, lambda: evaluator.start_requests == 1)

            evaluator.press(1)  # four_key: key 1 is 基本满意 (3)
            recorded = await watcher.next_event("rating_recorded")
            assert (recorded["ticket"], recorded["score"]) == (called["ticket"], 3)
            keypad.press(KeypadAction.INVITE_RATING)  # rated already: refused, beeps
            await until(bus, lambda: keypad.beeps == 1)
            assert evaluator.start_requests == 1

    run(body())


def test_a_keypad_sharing_its_evaluators_address_starts_it_by_the_ack(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    unit = bus.attach(FakeKeypad(3))  # window 3: keypad and evaluator are one unit at 3
    evaluator = bus.attach(FakeEvaluator(3, FIVE_KEY))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link):
            watcher = await hall.client("board-1")
            await hall.clerk(3, "s3")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="HJ", request_id="k-1")
            unit.press(KeypadAction.CALL_NEXT)
            await watcher.next_event("ticket_called")
            await until(bus, lambda: unit.display == "  3001")
            unit.press(KeypadAction.INVITE_RATING)
            await watcher.next_event("rating_invited")
            evaluator.press(4)
            recorded = await watcher.next_event("rating_recorded")
            assert (recorded["window"], recorded["score"]) == (3, 5)
            assert evaluator.start_requests == 1  # the ack's echo only, not a second start

    run(body())


def test_refused_presses_beep_the_keypad(tmp_path: Path, bus: FakeBus, link: Path) -> None:
    one = bus.attach(FakeKeypad(1))
    two = bus.attach(FakeKeypad(2))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link):
            watcher = await hall.client("board-1")
            two.press(KeypadAction.CALL_NEXT)  # nobody logged in at window 2: window_closed
            await until(bus, lambda: two.beeps == 1)
            await hall.clerk(1, "s1")
            await watcher.next_event("window_opened")
            one.press(KeypadAction.CALL_NEXT)  # queue_empty
            await until(bus, lambda: one.beeps == 1)
            one.press(KeypadAction.RECALL)  # window_idle
            await until(bus, lambda: one.beeps == 2)
            one.press(KeypadAction.CALL_BACK)  # nothing parked here
            await until(bus, lambda: one.beeps == 3)
            two.press(KeypadAction.TRANSFER)  # no target typed, none configured
            await until(bus, lambda: two.beeps == 2)
            assert two.beeps == 2 and one.beeps == 3  # each beep went to its own keypad
            snap = await watcher.request("snapshot")
            assert [w["current"] for w in snap["windows"]] == [None] * 4

    run(body())


def test_pause_toggles_and_the_boards_follow(tmp_path: Path, bus: FakeBus, link: Path) -> None:
    keypad = bus.attach(FakeKeypad(1))
    board = bus.attach(FakeWindowDisplay(0x21))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link):
            watcher = await hall.client("board-1")
            await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")
            keypad.press(KeypadAction.PAUSE)
            await watcher.next_event("window_paused")
            keypad.press(KeypadAction.CALL_NEXT)  # paused: refused
            await until(bus, lambda: keypad.beeps == 1)
            keypad.press(KeypadAction.PAUSE)
            await watcher.next_event("window_resumed")
            keypad.press(KeypadAction.CALL_NEXT)
            await watcher.next_event("ticket_called")
            await until(bus, lambda: board.number == "  1001")
            keypad.press(KeypadAction.RECALL)
            recalled = await watcher.next_event("ticket_called")
            assert recalled["recall"] is True
            await until(bus, lambda: board.shown[-2:] == ["  1001", "  1001"])  # shown again
            keypad.press(KeypadAction.NO_SHOW)
            await watcher.next_event("ticket_no_show")
            await until(bus, lambda: board.number == BLANK and keypad.display == BLANK)

    run(body())


def test_park_call_back_and_transfer(tmp_path: Path, bus: FakeBus, link: Path) -> None:
    keypad = bus.attach(FakeKeypad(1))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link):
            watcher = await hall.client("board-1")
            await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            for n in range(3):
                await kiosk.request("take_ticket", service="SB", request_id=f"k-{n}")
            keypad.press(KeypadAction.CALL_NEXT)
            assert (await watcher.next_event("ticket_called"))["number"] == "A001"
            keypad.press(KeypadAction.PARK)
            assert (await watcher.next_event("ticket_parked"))["number"] == "A001"
            keypad.press(KeypadAction.CALL_NEXT)
            assert (await watcher.next_event("ticket_called"))["number"] == "A002"
            keypad.press(KeypadAction.CALL_BACK)  # ends A002, calls the parked A001 back
            assert (await watcher.next_event("ticket_finished"))["number"] == "A002"
            back = await watcher.next_event("ticket_called")
            assert (back["number"], back["reason"]["rule"]) == ("A001", "parked")
            window = (await watcher.request("snapshot"))["windows"][0]
            assert (window["current"]["number"], window["parked"]) == ("A001", [])
            await until(bus, lambda: keypad.display == "  1001")
            keypad.press(KeypadAction.TRANSFER, digits="3")  # typed: to window 3
            moved = await watcher.next_event("ticket_transferred")
            assert (moved["number"], moved["to_window"]) == ("A001", 3)
            keypad.press(KeypadAction.CALL_NEXT)
            assert (await watcher.next_event("ticket_called"))["number"] == "A003"
            keypad.press(KeypadAction.TRANSFER)  # nothing typed: the keypad's transfer_to
            moved = await watcher.next_event("ticket_transferred")
            assert (moved["number"], moved["to_window"]) == ("A003", 2)
            assert keypad.beeps == 0

    run(body())


HALL_AND_AUTO = """
[[keypads]]
address = 1
window = 1

[[evaluators]]
address = 0x11
window = 1
model = "five_key"
moment = "auto"

[[evaluators]]
address = 0x40
model = "five_key"
aspect = "environment"
"""


def test_a_hall_evaluator_rates_the_hall_and_a_window_one_rates_during_then_after(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    at_window = bus.attach(FakeEvaluator(0x11, FIVE_KEY))
    at_entrance = bus.attach(FakeEvaluator(0x40, FIVE_KEY))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link, HALL_AND_AUTO) as bridge:
            watcher = await hall.client("manager-1")
            at_entrance.press_level(1)  # 未办先评: the hall itself, a work order opens
            rated = await watcher.next_event("hall_rated")
            assert (rated["aspect"], rated["score"], rated["source"]) == (
                "environment",
                1,
                "evaluator",
            )
            opened = await watcher.next_event("followup_opened")
            assert (opened["ticket"], opened["moment"]) == (None, "before")

            clerk = await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")
            called = await clerk.request("call_next", window=1)
            serving = called["ticket"]["id"]
            # "auto": the bridge rates during service once its model shows the ticket called.
            await bridge.wait_for(lambda: bridge.hall.windows[1].current is not None)
            at_window.press_level(4)  # while served: 边办边评
            during = await watcher.next_event("rating_recorded")
            assert (during["ticket"], during["moment"]) == (serving, "during")
            await clerk.request("finish", window=1)
            at_window.press_level(5)  # after: 办后再评 of the same ticket
            after = await watcher.next_event("rating_recorded")
            assert (after["ticket"], after["moment"]) == (serving, "after")

    run(body())
