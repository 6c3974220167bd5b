"""Text boards and adapters that hear themselves: what actually goes down the line."""

from __future__ import annotations

import asyncio
import os
import tty
from pathlib import Path

from bridgekit import DEVICES, bridged, until
from hallkit import running

from drivers.bus.fake import FakeBus, FakeKeypad
from drivers.bus.keypad import KeypadAction
from drivers.leddisplay.onbon import PREAMBLE, decode_packet, dynamic_text

ECHO_DEVICES = "local_echo = true  # still in [bus]\n" + DEVICES
ONBON = """
[[displays]]
address = 7
window = 1
type = "onbon"
width = 128
encoding = "gb2312"
"""


class RawLine:
    """A bare pty: the test reads everything the bridge writes and picks out Onbon packets."""

    def __init__(self, link: Path) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        link.symlink_to(os.ttyname(self.slave))
        self.data = b""

    async def next_text(self, timeout: float = 5.0) -> tuple[int, str]:
        """The next Onbon packet's screen address and text."""
        async with asyncio.timeout(timeout):
            while True:
                start = self.data.find(PREAMBLE)
                end = self.data.find(b"\x5a", start)  # escaped: 5A only ends a packet
                if start >= 0 and end >= 0:
                    raw, self.data = self.data[start : end + 1], self.data[end + 1 :]
                    packet = decode_packet(raw)
                    return packet.screen_address, dynamic_text(packet.data).decode("gb2312")
                self.data += await asyncio.to_thread(os.read, self.master, 4096)

    def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)


def test_an_onbon_board_shows_call_idle_and_paused_texts(tmp_path: Path) -> None:
    line = RawLine(tmp_path / "usb-bus")

    async def body() -> None:
        async with running(tmp_path) as hall:
            clerk = await hall.clerk(1, "s1")
            kiosk = await hall.client("kiosk-1")
            await kiosk.request("take_ticket", service="SB", request_id="k-1")
            async with bridged(hall, tmp_path / "usb-bus", ONBON):
                assert await line.next_text() == (7, "欢迎光临")  # drawn from the snapshot
                await clerk.request("call_next", window=1)
                assert await line.next_text() == (7, "请A001号到1号窗口")
                await clerk.request("finish", window=1)
                assert await line.next_text() == (7, "欢迎光临")
                await clerk.request("pause", window=1)
                assert await line.next_text() == (7, "暂停服务")
                await clerk.request("resume", window=1)
                assert await line.next_text() == (7, "欢迎光临")

    try:
        asyncio.run(body())
    finally:
        line.close()


def test_an_adapter_with_local_echo_does_not_hear_its_acks_as_presses(tmp_path: Path) -> None:
    link = tmp_path / "usb-bus"

    async def body() -> None:
        with FakeBus(echo=True) as bus:  # every byte the bridge sends comes back to it
            keypad = bus.attach(FakeKeypad(1))
            link.symlink_to(bus.port_path)
            async with running(tmp_path) as hall, bridged(hall, link, ECHO_DEVICES):
                watcher = await hall.client("board-1")
                await hall.clerk(1, "s1")
                kiosk = await hall.client("kiosk-1")
                for n in range(2):
                    await kiosk.request("take_ticket", service="SB", request_id=f"k-{n}")
                keypad.press(KeypadAction.CALL_NEXT)  # its ack echoes back: the same bytes
                assert (await watcher.next_event("ticket_called"))["number"] == "A001"
                keypad.press(KeypadAction.RECALL)
                # Had the echo been taken for a second 呼叫, A002 would be called before this.
                recalled = await watcher.next_event("ticket_called")  # a board's next call
                assert (recalled["kind"], recalled["number"], recalled["recall"]) == (
                    "ticket_called",
                    "A001",
                    True,
                )
                await until(bus, lambda: keypad.display == "  1001")

    asyncio.run(body())
