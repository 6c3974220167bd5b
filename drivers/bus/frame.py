"""Frames of the window bus shared by caller keypads (呼叫器), evaluators (评价器) and LED
number boards, and the stream decoder that finds them in a noisy byte stream.

Wire format (HARDWARE.md, "Evaluators, caller keypads and window LED boards on a serial bus",
read from the deployed JackQChen/QueueSystem `CallSystem/frmMain.cs`; 9600 8N1)::

    FF 68 L L 68 ADDR FUNC DATA... CS 16
    L  = 2 + len(DATA), sent twice and must match
    CS = (ADDR + FUNC + sum(DATA)) mod 256

Pure: objects in, bytes out and back. No I/O here; `transport.BusPort` moves the bytes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

log = logging.getLogger(__name__)

START = 0xFF
MARK = 0x68
END = 0x16
HEADER = bytes((START, MARK))

#: Length of a frame around its DATA: FF 68 L L 68 ADDR FUNC ... CS 16.
OVERHEAD = 9
#: L is one byte and counts ADDR and FUNC, so DATA is at most 253 bytes.
MAX_DATA = 255 - 2

#: Keypad -> host key report. The source program never checks a keypad's FUNC (anything but
#: 0x11 is a keypad); we take 0x01 because the host's echo of the 评价 key (DATA 0x0B) is then
#: byte for byte `start_evaluation(addr)`, which matches the source's note that pressing 评价
#: starts the evaluator with no further command. Host -> evaluator: start / ack of a rating.
FUNC_KEY = 0x01
#: Host -> keypad or window number board: six digit cells.
FUNC_SHOW_NUMBER = 0x02
#: Host -> keypad: beep.
FUNC_BEEP = 0x03
#: Evaluator -> host: DATA[0] is the key pressed.
FUNC_RATING = 0x11

#: Address the beep goes to (HARDWARE.md: "beep: FUNC 0x03 to address 0xAA").
BROADCAST = 0xAA
#: A blank digit cell on a keypad or number board.
BLANK = 0x0A
#: Digit cells on a keypad display / number board.
DISPLAY_CELLS = 6
#: DATA of `start_evaluation` (the same code as the keypad's 评价 key).
START_EVALUATION = 0x0B


@dataclass(frozen=True, slots=True)
class Frame:
    """One bus frame: who (ADDR), what (FUNC) and its DATA bytes."""

    addr: int
    func: int
    data: bytes = b""

    def __post_init__(self) -> None:
        if not 0 <= self.addr <= 0xFF:
            raise ValueError(f"frame address {self.addr!r} is not a byte")
        if not 0 <= self.func <= 0xFF:
            raise ValueError(f"frame function {self.func!r} is not a byte")
        if not isinstance(self.data, bytes):
            object.__setattr__(self, "data", bytes(self.data))
        if len(self.data) > MAX_DATA:
            raise ValueError(f"frame data is {len(self.data)} bytes, at most {MAX_DATA} fit")

    @property
    def checksum(self) -> int:
        """CS = (ADDR + FUNC + sum(DATA)) mod 256."""
        return (self.addr + self.func + sum(self.data)) & 0xFF

    def encode(self) -> bytes:
        """FF 68 L L 68 ADDR FUNC DATA... CS 16, with L = 2 + len(DATA)."""
        length = 2 + len(self.data)
        return (
            bytes((START, MARK, length, length, MARK, self.addr, self.func))
            + self.data
            + bytes((self.checksum, END))
        )

    def __str__(self) -> str:
        return f"Frame(addr=0x{self.addr:02X}, func=0x{self.func:02X}, data={self.data.hex(' ')})"


@dataclass(slots=True)
class DecodeErrors:
    """What a `FrameDecoder` threw away, by kind. Each rejected candidate counts once."""

    garbage_bytes: int = 0  # bytes skipped while hunting for FF 68
    bad_header: int = 0  # FF 68 L L not followed by 68
    bad_length: int = 0  # the two L differ, or L < 2, or L over the decoder's limit
    bad_checksum: int = 0  # CS does not match ADDR + FUNC + DATA
    bad_end: int = 0  # the byte after CS is not 16
    truncated: int = 0  # a frame still incomplete when `flush` was called (line went quiet)

    @property
    def rejected_frames(self) -> int:
        """Candidates that started with FF 68 but were not frames."""
        return self.bad_header + self.bad_length + self.bad_checksum + self.bad_end + self.truncated

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class FrameDecoder:
    """Stream parser: feed it whatever the port read, get back the complete frames.

    A partial frame is kept until the rest arrives. On a bad candidate (wrong L pair, no 68
    marker, bad checksum, no 16 end byte) it skips one byte and searches the next FF 68, so a
    good frame that starts inside a bad one is still found. It holds at most one incomplete
    frame (under `max_frame_bytes`), never raises on any input and counts what it threw away
    in `errors`.
    """

    def __init__(self, max_data: int = 32) -> None:
        # Keypad, evaluator and display frames carry 1 to 6 DATA bytes (the source program even
        # rejects keypad frames with L > 5); a low limit makes a false FF 68 in noise give up
        # early instead of swallowing the frames behind it.
        if not 0 <= max_data <= MAX_DATA:
            raise ValueError(f"max_data must be within 0..{MAX_DATA}, not {max_data!r}")
        self.max_data = max_data
        self.errors = DecodeErrors()
        self._buffer = bytearray()

    @property
    def max_frame_bytes(self) -> int:
        return OVERHEAD + self.max_data

    @property
    def pending(self) -> int:
        """Bytes held back as the start of a frame still incomplete."""
        return len(self._buffer)

    def feed(self, chunk: bytes) -> list[Frame]:
        """Add bytes read from the line; return the frames they complete, in order."""
        self._buffer += chunk
        return self._scan(final=False)

    def flush(self) -> list[Frame]:
        """The line went quiet: the frame being waited for will not be completed.

        Gives up on it (counted as truncated), rescans the bytes that followed its start and
        returns any frames found there. Afterwards nothing is pending.
        """
        return self._scan(final=True)

    def reset(self) -> None:
        """Drop anything pending (e.g. after reopening the port). Counters are kept."""
        self._buffer.clear()

    def _scan(self, *, final: bool) -> list[Frame]:
        buf = self._buffer
        errors = self.errors
        frames: list[Frame] = []
        pos = 0
        while True:
            start = buf.find(HEADER, pos)
            if start < 0:
                # A trailing FF may be the first half of the next FF 68.
                keep = 1 if buf.endswith(b"\xff") and len(buf) > pos and not final else 0
                errors.garbage_bytes += len(buf) - pos - keep
                pos = len(buf) - keep
                break
            errors.garbage_bytes += start - pos
            verdict = self._judge(buf, start)
            if verdict is None:  # a plausible frame, not complete yet
                if final:
                    errors.truncated += 1
                    pos = start + 1
                    continue
                pos = start
                break
            if isinstance(verdict, Frame):
                frames.append(verdict)
                pos = start + OVERHEAD + len(verdict.data)
            else:
                setattr(errors, verdict, getattr(errors, verdict) + 1)
                log.debug(
                    "bus frame rejected (%s) at %s",
                    verdict,
                    bytes(buf[start : start + 12]).hex(" "),
                )
                pos = start + 1
        del buf[:pos]
        return frames

    def _judge(self, buf: bytearray, start: int) -> Frame | str | None:
        """The frame at buf[start] (which holds FF 68), the error kind, or None: need more."""
        have = len(buf) - start
        if have >= 3:
            length = buf[start + 2]
            if length < 2 or length > 2 + self.max_data:
                return "bad_length"
        if have >= 4 and buf[start + 3] != buf[start + 2]:
            return "bad_length"
        if have >= 5 and buf[start + 4] != MARK:
            return "bad_header"
        if have < 5:
            return None
        length = buf[start + 2]
        total = length + 7
        if have < total:
            return None
        addr = buf[start + 5]
        func = buf[start + 6]
        data = bytes(buf[start + 7 : start + 5 + length])
        if (addr + func + sum(data)) & 0xFF != buf[start + 5 + length]:
            return "bad_checksum"
        if buf[start + 6 + length] != END:
            return "bad_end"
        return Frame(addr, func, data)


# -- host frames -------------------------------------------------------------------------


def number_cells(text: str) -> bytes:
    """The six digit cells that show `text` on a keypad display or number board.

    The cells show digits only (0x00-0x09) or blank (0x0A). Mapping, explicitly:

    * the ASCII digits of `text` are kept, in order; every other character (the service
      prefix letter of "A012", separators, spaces) is dropped;
    * the digits are right-aligned and padded with blank cells on the left;
    * more than six digits: the last six are kept (the daily sequence is what tells tickets
      apart; the source program likewise shows only a ticket's last three characters).

    So "123" gives 0A 0A 0A 01 02 03 (the HARDWARE.md example) and "A012" gives
    0A 0A 0A 00 01 02, exactly what the source program sends for ticket A012. A012 and B012
    would look the same: the bridge turns the prefix into digits first (A012 -> "1012", its
    ``[prefix_codes]``) and hands this function digits only.
    """
    digits = [ord(c) - 0x30 for c in text if "0" <= c <= "9"]
    if len(digits) != len(text):
        log.debug("number %r: only its digits can be shown on a digit display", text)
    if len(digits) > DISPLAY_CELLS:
        log.warning("number %r has more than %d digits; showing the last ones", text, DISPLAY_CELLS)
        digits = digits[-DISPLAY_CELLS:]
    return bytes([BLANK] * (DISPLAY_CELLS - len(digits)) + digits)


def cells_text(cells: bytes) -> str:
    """What digit cells look like: "0".."9", " " for blank, "?" for anything else."""
    return "".join(str(c) if c <= 9 else " " if c == BLANK else "?" for c in cells)


def show_cells(addr: int, cells: Sequence[int]) -> Frame:
    """FUNC 0x02 + six cells (each 0..9 or 0x0A blank)."""
    data = bytes(cells)
    if len(data) != DISPLAY_CELLS or any(c > 9 and c != BLANK for c in data):
        raise ValueError(f"need {DISPLAY_CELLS} cells of 0..9 or 0x0A, not {data.hex(' ')}")
    return Frame(addr, FUNC_SHOW_NUMBER, data)


def show_number(addr: int, text: str) -> Frame:
    """Show a ticket number on the keypad or number board at `addr`; see `number_cells`.

    `show_number(1, "123")` is HARDWARE.md's `FF 68 08 08 68 01 02 0A 0A 0A 01 02 03 27 16`.
    An empty `text` blanks the display.
    """
    return Frame(addr, FUNC_SHOW_NUMBER, number_cells(text))


def show_code(addr: int, code: str) -> Frame:
    """Show a short status code (digits) left-aligned, the other cells blank: "21" -> "21    ".

    Ticket numbers are right-aligned, so a code never looks like a number being called.
    """
    if not code.isdigit() or not code.isascii() or len(code) > DISPLAY_CELLS:
        raise ValueError(f"a code is 1 to {DISPLAY_CELLS} digits, not {code!r}")
    cells = [int(c) for c in code] + [BLANK] * (DISPLAY_CELLS - len(code))
    return Frame(addr, FUNC_SHOW_NUMBER, bytes(cells))


def show_waiting(addr: int, count: int) -> Frame:
    """Show how many are waiting: three zero-padded digits in the left cells, right blank.

    The layout the source program uses between calls (its SendWait); counts over 999 show 999.
    """
    shown = f"{min(max(count, 0), 999):03d}"
    return Frame(addr, FUNC_SHOW_NUMBER, bytes(int(c) for c in shown) + bytes([BLANK] * 3))


def read_number(frame: Frame) -> str:
    """The six cells a FUNC 0x02 frame shows, as text (see `cells_text`)."""
    if frame.func != FUNC_SHOW_NUMBER:
        raise ValueError(f"not a show-number frame: {frame}")
    return cells_text(frame.data)


def beep(addr: int = BROADCAST) -> Frame:
    """FUNC 0x03, no DATA; HARDWARE.md sends it to 0xAA (the source program also to one keypad)."""
    return Frame(addr, FUNC_BEEP)


def start_evaluation(addr: int) -> Frame:
    """Ask the evaluator at `addr` for a rating: FUNC 0x01, DATA 0x0B."""
    return Frame(addr, FUNC_KEY, bytes((START_EVALUATION,)))


def ack(frame: Frame) -> Frame:
    """The host's acknowledgement: the frame echoed; a rating (FUNC 0x11) gets FUNC 0x01.

    The source program answers a rating with FUNC 0x01, DATA[0] and a checksum reduced by
    0x10 - i.e. the same frame with FUNC 0x01, which `Frame` checksums by itself.
    """
    if frame.func == FUNC_RATING:
        return Frame(frame.addr, FUNC_KEY, frame.data)
    return frame
