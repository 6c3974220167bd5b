"""Window number boards on the keypad bus: six digit cells, FUNC 0x02 frames.

HARDWARE.md: "Host -> keypad display: FUNC 0x02 + six digit bytes (0x0A blank)". A board
shows digits only, so `show_call` shows the number as digits: by `digits_of` if given (the
bridge's prefix codes: "A012" -> "1012", so A012 and B012 differ), else the number's own
digits (`drivers.bus.frame.number_cells`: "A012" -> "   012"). Idle / paused blank the
board; the texts are for boards that can show them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from drivers.bus.frame import show_number

from .base import FrameSink, WindowDisplay

log = logging.getLogger(__name__)


class BusWindowDisplay(WindowDisplay):
    """Digit boards on the bus; `addresses` maps window number -> the board's bus address.

    `digits_of` turns a ticket number into the digits to show ("" blanks the board). A window
    without a board is skipped (not every window has one). Errors of the port
    (`drivers.bus.BusError`) propagate to the caller, which supervises the line.
    """

    def __init__(
        self,
        port: FrameSink,
        addresses: Mapping[int, int],
        digits_of: Callable[[str], str] | None = None,
    ) -> None:
        self._port = port
        self.addresses = dict(addresses)
        self._digits_of = digits_of

    def show_call(self, window: int, number: str, text: str) -> None:
        self._show(window, number if self._digits_of is None else self._digits_of(number))

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
