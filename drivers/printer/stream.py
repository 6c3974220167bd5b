"""Split an ESC/POS byte stream into text, commands, status queries and cuts. Pure.

The fake printer uses it to answer `DLE EOT n` where a printer would and to find the cuts; a
test uses it to check that a rendered ticket holds only the commands we mean to send. It knows
the commands the renderer emits plus the common ones around them; the parameters of each
command are consumed with it, so a 0x10 0x04 inside `GS ( k` data is not taken for a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

ESC, FS, GS, DLE = 0x1B, 0x1C, 0x1D, 0x10
EOT, ENQ, DC4 = 0x04, 0x05, 0x14


class Kind(StrEnum):
    TEXT = "text"
    LF = "lf"  # LF: print and line feed
    CONTROL = "control"  # CR, HT, FF and other single control bytes
    COMMAND = "command"
    STATUS_QUERY = "status_query"  # DLE EOT n
    REALTIME = "realtime"  # DLE ENQ n, DLE DC4 ...
    QR = "qr"  # GS ( k with cn = 49 (QR code)
    CUT = "cut"  # GS V
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Event:
    kind: Kind
    raw: bytes

    @property
    def name(self) -> str:
        """Readable command name, e.g. "ESC @", "GS ! 0x44", "FS &"."""
        prefix = {ESC: "ESC", FS: "FS", GS: "GS", DLE: "DLE"}.get(self.raw[0])
        if prefix is None or len(self.raw) < 2:
            return self.raw.hex(" ")
        second = self.raw[1]
        head = f"{prefix} {chr(second) if 0x21 <= second <= 0x7E else hex(second)}"
        return head if len(self.raw) == 2 else f"{head} {self.raw[2:].hex(' ')}"

    @property
    def status_n(self) -> int:
        """n of a DLE EOT n status query."""
        return self.raw[2]

    @property
    def qr_function(self) -> int:
        """fn of a GS ( k QR function (65..81, i.e. 165..181 in Epson's numbering)."""
        return self.raw[6]

    @property
    def qr_data(self) -> bytes:
        """The symbol data of GS ( k function 180 (store), after its m = '0'."""
        return self.raw[8:]


# Number of parameter bytes after the two command bytes (prefix + letter), by command letter.
_PARAMETER_BYTES: dict[int, dict[int, str]] = {
    ESC: {0: "@2<", 1: "!-3EGJMRVadet{ U", 2: "$\\Bc", 3: "p"},
    FS: {0: "&.", 1: "!-CW", 2: "Sp"},
    GS: {1: "!BHabfhrwI|", 2: "LWP$\\"},
}
_FIXED: dict[tuple[int, int], int] = {
    (prefix, ord(letter)): count
    for prefix, by_count in _PARAMETER_BYTES.items()
    for count, letters in by_count.items()
    for letter in letters
}


def _command_length(buf: bytes | bytearray, i: int) -> int | None:
    """Length of the command starting at buf[i], or None when more bytes are needed."""
    avail = len(buf) - i
    if avail < 2:
        return None
    prefix, letter = buf[i], buf[i + 1]
    if prefix == DLE:
        if letter in (EOT, ENQ):
            return 3 if avail >= 3 else None
        if letter == DC4:
            return 5 if avail >= 5 else None
        return 2
    fixed = _FIXED.get((prefix, letter))
    if fixed is not None:
        return 2 + fixed if avail >= 2 + fixed else None
    if prefix == GS and letter == ord("("):  # GS ( x pL pH data
        if avail < 5:
            return None
        size = 5 + buf[i + 3] + (buf[i + 4] << 8)
        return size if avail >= size else None
    if prefix == GS and letter == ord("V"):  # GS V m | GS V m n
        if avail < 3:
            return None
        size = 4 if buf[i + 2] in (65, 66, 97, 98, 103, 104) else 3
        return size if avail >= size else None
    if prefix == GS and letter == ord("k"):  # GS k m d1..dk NUL | GS k m n d1..dn
        if avail < 3:
            return None
        if buf[i + 2] <= 6:
            end = buf.find(b"\x00", i + 3)
            return end - i + 1 if end >= 0 else None
        if avail < 4:
            return None
        size = 4 + buf[i + 3]
        return size if avail >= size else None
    if prefix == GS and letter == ord("v"):  # GS v 0 m xL xH yL yH d1..dk
        if avail < 8:
            return None
        size = 8 + (buf[i + 4] + (buf[i + 5] << 8)) * (buf[i + 6] + (buf[i + 7] << 8))
        return size if avail >= size else None
    return 2  # unknown: consume the two command bytes


def _kind(cmd: bytes) -> Kind:
    prefix, letter = cmd[0], cmd[1]
    if prefix == DLE:
        if letter == EOT:
            return Kind.STATUS_QUERY
        return Kind.REALTIME if letter in (ENQ, DC4) else Kind.UNKNOWN
    if prefix == GS and letter == ord("V"):
        return Kind.CUT
    if prefix == GS and letter == ord("(") and cmd[2] == ord("k") and len(cmd) > 5 and cmd[5] == 49:
        return Kind.QR
    known = (prefix, letter) in _FIXED or (prefix == GS and letter in b"(kv")
    return Kind.COMMAND if known else Kind.UNKNOWN


class EscPosParser:
    """Incremental: feed() any chunk, get the events it completes."""

    def __init__(self) -> None:
        self._buf = bytearray()

    @property
    def pending(self) -> bytes:
        """Bytes of an incomplete command, held until more arrive."""
        return bytes(self._buf)

    def feed(self, data: bytes) -> list[Event]:
        self._buf += data
        events: list[Event] = []
        buf, i = self._buf, 0
        while i < len(buf):
            b = buf[i]
            if b in (ESC, FS, GS, DLE):
                n = _command_length(buf, i)
                if n is None:
                    break
                cmd = bytes(buf[i : i + n])
                events.append(Event(_kind(cmd), cmd))
                i += n
            elif b == 0x0A:
                events.append(Event(Kind.LF, b"\n"))
                i += 1
            elif b < 0x20 or b == 0x7F:
                events.append(Event(Kind.CONTROL, bytes([b])))
                i += 1
            else:
                j = i + 1
                while j < len(buf) and buf[j] >= 0x20 and buf[j] != 0x7F:
                    j += 1
                events.append(Event(Kind.TEXT, bytes(buf[i:j])))
                i = j
        del buf[:i]
        return events


def parse(data: bytes) -> list[Event]:
    """All events of a complete stream; raises ValueError if it ends inside a command."""
    parser = EscPosParser()
    events = parser.feed(data)
    if parser.pending:
        raise ValueError(f"stream ends inside a command: {parser.pending!r}")
    return events


def to_text(data: bytes, codec: str = "gb18030") -> str:
    """What a ticket says, for logs and the demo: text lines, "[QR] url", "[cut]"."""
    lines: list[str] = []
    text = bytearray()
    for event in parse_lenient(data):
        if event.kind is Kind.TEXT:
            text += event.raw
        elif event.kind is Kind.LF:
            lines.append(text.decode(codec, errors="replace"))
            text.clear()
        elif event.kind is Kind.QR and event.qr_function == 80:
            lines.append(f"[QR] {event.qr_data.decode('ascii', errors='replace')}")
        elif event.kind is Kind.CUT:
            if text:
                lines.append(text.decode(codec, errors="replace"))
                text.clear()
            lines.append("[cut]")
    if text:
        lines.append(text.decode(codec, errors="replace"))
    return "\n".join(lines)


def parse_lenient(data: bytes) -> list[Event]:
    """Like `parse`, but a trailing incomplete command is dropped instead of raising."""
    return EscPosParser().feed(data)
