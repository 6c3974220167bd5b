"""Decode the printer's real-time status replies (`DLE EOT n`). Pure: bytes in, status out.

Each `DLE EOT n` query (0x10 0x04 n) is answered with one byte, even mid-job. Every reply has
bits 1 and 4 set and bits 0 and 7 clear (`byte & 0x93 == 0x12`); anything else is not a reply
(an echo, line noise, an automatic status back) and is treated as no reply.

`DLE EOT 1` printer status
    0x04 drawer kick-out connector pin 3 high
    0x08 offline
    0x20 waiting for online recovery
    0x40 paper feed button pressed
`DLE EOT 2` offline cause
    0x04 cover open
    0x08 paper being fed by the feed button
    0x20 printing stopped by paper end
    0x40 an error occurred
`DLE EOT 3` error cause
    0x04 mechanical (recoverable) error, on models that report it
    0x08 autocutter error
    0x20 unrecoverable error
    0x40 automatically recoverable error (e.g. head too hot)
`DLE EOT 4` roll paper sensor
    0x0C paper roll near end (both bits of the near-end sensor)
    0x60 paper roll end: no paper (both bits of the end sensor)

No reply is UNKNOWN, never "OK": a printer that does not answer may be off, unplugged or
wired transmit-only, and a ticket sent to it may never come out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from escpos import constants as c

#: The four queries, in the order they are sent.
STATUS_QUERIES: tuple[int, ...] = (1, 2, 3, 4)

RT_STATUS: bytes = c.RT_STATUS  # DLE EOT

REPLY_FIXED_MASK = 0x93
REPLY_FIXED_BITS = 0x12

# DLE EOT 1: printer status
PRINTER_OFFLINE = 0x08
PRINTER_WAITING_RECOVERY = 0x20
# DLE EOT 2: offline cause
OFFLINE_COVER_OPEN = 0x04
OFFLINE_FEED_BUTTON = 0x08
OFFLINE_PAPER_END_STOP = 0x20
OFFLINE_ERROR = 0x40
# DLE EOT 3: error cause
ERROR_MECHANICAL = 0x04
ERROR_AUTOCUTTER = 0x08
ERROR_UNRECOVERABLE = 0x20
ERROR_AUTO_RECOVERABLE = 0x40
# DLE EOT 4: roll paper sensor
PAPER_NEAR_END_BITS = 0x0C
PAPER_END_BITS = 0x60


def status_query(n: int) -> bytes:
    """DLE EOT n: transmit real-time status n (1..4)."""
    if n not in STATUS_QUERIES:
        raise ValueError("DLE EOT n takes n = 1..4")
    return RT_STATUS + bytes([n])


class PrinterState(StrEnum):
    """What the kiosk needs to know, worst cause first."""

    ONLINE = "online"
    PAPER_NEAR_END = "paper_near_end"  # prints; change the roll soon
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    ERROR = "error"  # cutter jam, head too hot, mechanism error
    OFFLINE = "offline"  # offline for no reported cause
    UNKNOWN = "unknown"  # no (valid) reply

    @property
    def can_print(self) -> bool:
        return self in (PrinterState.ONLINE, PrinterState.PAPER_NEAR_END)


def is_valid_reply(byte: int) -> bool:
    """A real-time status byte has its fixed bits: 1 and 4 set, 0 and 7 clear."""
    return byte & REPLY_FIXED_MASK == REPLY_FIXED_BITS


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """The decoded replies; `replies[n]` is the byte answered to DLE EOT n, or None."""

    state: PrinterState
    replies: tuple[int | None, int | None, int | None, int | None]
    offline: bool = False
    cover_open: bool = False
    paper_near_end: bool = False
    paper_out: bool = False
    error: bool = False

    @property
    def can_print(self) -> bool:
        return self.state.can_print

    @classmethod
    def unknown(cls) -> PrinterStatus:
        return cls(PrinterState.UNKNOWN, (None, None, None, None))


def decode_status(replies: Mapping[int, int | None]) -> PrinterStatus:
    """Combine the replies to DLE EOT 1..4 into one state.

    A missing or malformed reply to any of the four queries makes the state UNKNOWN unless a
    reply that did arrive already proves the printer cannot print (cover open, paper out,
    error, offline).
    """
    raw = tuple(replies.get(n) for n in STATUS_QUERIES)
    valid = [b if b is not None and is_valid_reply(b) else None for b in raw]
    r1, r2, r3, r4 = valid
    if r1 is None:
        return PrinterStatus(PrinterState.UNKNOWN, (raw[0], raw[1], raw[2], raw[3]))

    offline = bool(r1 & PRINTER_OFFLINE)
    cover_open = r2 is not None and bool(r2 & OFFLINE_COVER_OPEN)
    paper_out = (r4 is not None and bool(r4 & PAPER_END_BITS)) or (
        r2 is not None and bool(r2 & OFFLINE_PAPER_END_STOP)
    )
    error = (r2 is not None and bool(r2 & OFFLINE_ERROR)) or (
        r3 is not None
        and bool(
            r3
            & (ERROR_MECHANICAL | ERROR_AUTOCUTTER | ERROR_UNRECOVERABLE | ERROR_AUTO_RECOVERABLE)
        )
    )
    near_end = r4 is not None and bool(r4 & PAPER_NEAR_END_BITS)

    if cover_open:
        state = PrinterState.COVER_OPEN
    elif paper_out:
        state = PrinterState.PAPER_OUT
    elif error:
        state = PrinterState.ERROR
    elif offline:
        state = PrinterState.OFFLINE
    elif r2 is None or r3 is None or r4 is None:
        state = PrinterState.UNKNOWN
    elif near_end:
        state = PrinterState.PAPER_NEAR_END
    else:
        state = PrinterState.ONLINE
    return PrinterStatus(
        state,
        (raw[0], raw[1], raw[2], raw[3]),
        offline=offline,
        cover_open=cover_open,
        paper_near_end=near_end,
        paper_out=paper_out,
        error=error,
    )
