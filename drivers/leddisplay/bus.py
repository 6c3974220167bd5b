"""Window number boards on the keypad bus: six digit cells, FUNC 0x02 frames.

HARDWARE.md: "Host -> keypad display: FUNC 0x02 + six digit bytes (0x0A blank)". A board
shows digits only, so `show_call` shows the ticket number's digits (see
`drivers.bus.frame.number_cells`: "A012" -> "   012") and idle / paused blank the board;
the texts are for boards that can show them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from drivers.bus.frame import show_number

from .base import FrameSink, WindowDisplay

log = logging.getLogger(__name__)


class BusWindowDisplay(WindowDisplay):
    """Digit boards on the bus; `addresses` maps window number -> the board's bus address.

    A window without a board is skipped (not every window has one). Errors of the port
    (`drivers.bus.BusError`) propagate to the caller, which supervises the line.
    """

    def __init__(self, port: FrameSink, addresses: Mapping[int, int]) -> None:
        self._port = port
        self.addresses = dict(addresses)

    def show_call(self, window: int, number: str, text: str) -> None:
        self._show(window, number)

    def show_idle(self, window: int, text: str) -> None:
        self._show(window, "")

    def show_paused(self, window: int, text: str) -> None:
        self._show(window, "")

    def _show(self, window: int, number: str) -> None:
        addr = self.addresses.get(window)
        if addr is None:
            log.debug("window %d has no number board on the bus", window)
            return
        self._port.write_frame(show_number(addr, number))
