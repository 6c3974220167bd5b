"""Ticket numbers on digit-only displays: A001 and B001 must never look alike."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from bridgekit import DEVICES, bridged, until
from hallkit import running

from drivers.bridge.numbers import DEFAULT_CODES, DigitNumbers
from drivers.bus.fake import FakeBus, FakeKeypad, FakeWindowDisplay
from drivers.bus.keypad import KeypadAction
from drivers.leddisplay.onbon import PREAMBLE, decode_packet, dynamic_text
from queue_server.client import HallClient


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("A001", "1001"),
        ("B001", "2001"),
        ("C012", "3012"),
        ("J001", "10001"),  # five digits: never the same as a four-digit A number
        ("K001", "11001"),
        ("Z999", "26999"),
        ("A1234", "1234"),  # past the 999th A of the day: the last three digits
        ("", ""),
    ],
)
def test_the_default_codes_are_the_place_in_the_alphabet(number: str, shown: str) -> None:
    assert DigitNumbers().digits(number) == shown


def test_no_two_prefixes_look_alike_by_default() -> None:
    numbers = DigitNumbers()
    shown = {numbers.digits(f"{p}{n:03d}") for p in DEFAULT_CODES for n in range(1, 1000)}
    assert len(shown) == len(DEFAULT_CODES) * 999


def test_a_number_it_cannot_show_unambiguously_is_blank_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    numbers = DigitNumbers({"A": 1, "B": 2})
    with caplog.at_level(logging.ERROR, logger="drivers.bridge.numbers"):
        assert [numbers.digits(n) for n in ("C001", "C002", "AB001", "a001", "12")] == [""] * 5
    assert len(caplog.records) == 4  # C once; AB; two numbers of no known shape
    assert "C" in caplog.records[0].getMessage()
    assert numbers.missing(["A", "C", "B", "AB", "C"]) == ["AB", "C"]


# Windows 1 and 2 as in bridgekit, plus an Onbon text board at window 1 on the same line.
ONBON_TOO = (
    DEVICES
    + """
[[displays]]
address = 7
window = 1
type = "onbon"
width = 128
"""
)


def onbon_texts(raw: bytes) -> list[str]:
    """The texts of the Onbon packets in what the bridge wrote to the line."""
    texts, start = [], raw.find(PREAMBLE)
    while start >= 0:
        end = raw.find(b"\x5a", start)  # escaped: 5A only ends a packet
        packet = decode_packet(raw[start : end + 1])
        texts.append(dynamic_text(packet.data).decode("gb2312"))
        start = raw.find(PREAMBLE, end)
    return texts


def test_a001_and_b001_look_different_on_keypads_and_digit_boards(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    keypads = bus.attach(FakeKeypad(1)), bus.attach(FakeKeypad(2))
    boards = bus.attach(FakeWindowDisplay(0x21)), bus.attach(FakeWindowDisplay(0x22))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link, ONBON_TOO):
            watcher = await hall.client("board-1")
            await hall.clerk(1, "s1")
            await hall.clerk(2, "s2")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")  # A001
            await kiosk.request("take_ticket", service="YB", request_id="k-2")  # B001
            await bridge_calls(watcher, keypads[0], "A001")
            await bridge_calls(watcher, keypads[1], "B001")
            await until(bus, lambda: [k.display for k in keypads] == ["  1001", "  2001"])
            await until(bus, lambda: [b.number for b in boards] == ["  1001", "  2001"])
            # The text board of window 1 still says the number as it is.
            await until(bus, lambda: "请A001号到1号窗口" in onbon_texts(bytes(bus.host_bytes)))

    asyncio.run(body())


async def bridge_calls(watcher: HallClient, keypad: FakeKeypad, number: str) -> None:
    keypad.press(KeypadAction.CALL_NEXT)
    called = await watcher.next_event("ticket_called")
    assert called["number"] == number


FOUR_DIGITS = """
[prefix_codes]
A = 1
B = 2
C = 3

[[keypads]]
address = 1
window = 1
digits = 4

[[displays]]
address = 0x21
window = 1
type = "bus"
digits = 4
"""


def test_a_four_digit_board_shows_the_configured_codes(
    tmp_path: Path, bus: FakeBus, link: Path
) -> None:
    keypad = bus.attach(FakeKeypad(1))
    board = bus.attach(FakeWindowDisplay(0x21))

    async def body() -> None:
        async with running(tmp_path) as hall, bridged(hall, link, FOUR_DIGITS):
            watcher = await hall.client("board-1")
            await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="YB", request_id="k-1")  # B001
            await bridge_calls(watcher, keypad, "B001")
            await until(bus, lambda: keypad.display == board.number == "  2001")

    asyncio.run(body())
