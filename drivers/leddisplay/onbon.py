"""Onbon (仰邦) BX-series LED text boards: the packet codec and a `WindowDisplay` over it.

HARDWARE.md: "LED strip boards from Onbon (BX series) frame text as: 8xA5, screen address,
CRC16, device type, little-endian length, GB2312 text, dynamic-area command A3 06, end 5A,
with escapes A5->A6 02, A6->A6 01, 5A->5B 02, 5B->5B 01."

Packet, field by field (multi-byte numbers little-endian)::

    A5 x8        preamble, sent as is
    DST   2      screen address (the board's, default 1)
    SRC   2      0x8000, the PC
    00 00 00 00  reserved
    00           checksum mode: 0 = CRC16
    00           display mode: 0 = normal
    TYPE  1      device type; 0xFE addresses any controller type
    VER   1      protocol version, 0x02
    LEN   2      length of DATA
    DATA         the command, e.g. A3 06 ... (dynamic area text)
    CRC   2      CRC16 over DST .. end of DATA
    5A           end, sent as is

Everything between the preamble and the end byte is escaped (A5 -> A6 02, A6 -> A6 01,
5A -> 5B 02, 5B -> 5B 01), so A5 and 5A only ever mark a packet's edges.

CRC16 variant: CRC-16/ARC (also called CRC-16/IBM: polynomial 0x8005 reflected, init 0, no
final xor), computed before escaping. It reproduces the CRC of two packets published with a
public BX driver (a status query ``... A2 00 01 00 00 68 F8 5A`` and a clear-screen
``... A3 10 01 00 00 51 F8 5A``, see the tests), which also gave the header layout above. It
still needs checking against a real board, as do the dynamic-area field meanings below.

Dynamic-area command (A3 06), as far as known::

    A3 06 01     group, command, "reply wanted"
    CLR   1      1: clear and re-initialise the area on receipt
    00           reserved
    DEL   1      areas to delete first (0 none, FF all)
    01           areas in this packet
    ALEN  2      length of the area data below
      00         area type
      X 2, Y 2, W 2, H 2   geometry in pixels; X and W carry 0x8000 ("pixels, not bytes")
      ID 1, SPACING 1, RUN_MODE 1, TIMEOUT 2, VOICE 1 (0), EXTENSIONS 1 (0)
      ALIGN 1, LINES 1 (1 single, 2 multi), WRAP 1 (1 no, 2 yes), EFFECT 1 (1 static),
      EXIT 1, SPEED 1, STAY 1
      TLEN 4     length of the text
      TEXT       GB2312 (configurable: GBK, GB18030)
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

from .base import ByteSink, WindowDisplay
from .exceptions import OnbonFrameError

log = logging.getLogger(__name__)

PREAMBLE = b"\xa5" * 8
END = 0x5A
SOURCE_PC = 0x8000
ANY_DEVICE = 0xFE
PROTOCOL_VERSION = 0x02
_HEADER = struct.Struct("<HH4xBBBBH")  # DST SRC reserved CHECK DISPLAY TYPE VER LEN
_PIXELS = 0x8000

_ESCAPES = {0xA5: b"\xa6\x02", 0xA6: b"\xa6\x01", 0x5A: b"\x5b\x02", 0x5B: b"\x5b\x01"}
_UNESCAPES = {(0xA6, 0x02): 0xA5, (0xA6, 0x01): 0xA6, (0x5B, 0x02): 0x5A, (0x5B, 0x01): 0x5B}


def crc16_arc(data: bytes) -> int:
    """CRC-16/ARC: poly 0x8005 (reflected 0xA001), init 0, reflected in and out, no xorout."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def escape(body: bytes) -> bytes:
    """A5 -> A6 02, A6 -> A6 01, 5A -> 5B 02, 5B -> 5B 01."""
    out = bytearray()
    for byte in body:
        out += _ESCAPES.get(byte, bytes((byte,)))
    return bytes(out)


def unescape(body: bytes) -> bytes:
    """The inverse of `escape`; raises OnbonFrameError on a bare or unknown escape."""
    out = bytearray()
    i = 0
    while i < len(body):
        byte = body[i]
        if byte in (0xA6, 0x5B):
            pair = (byte, body[i + 1]) if i + 1 < len(body) else (byte, -1)
            if pair not in _UNESCAPES:
                raise OnbonFrameError(f"bad escape {byte:02X} at offset {i}")
            out.append(_UNESCAPES[pair])
            i += 2
        elif byte in (0xA5, 0x5A):
            raise OnbonFrameError(f"unescaped {byte:02X} at offset {i}")
        else:
            out.append(byte)
            i += 1
    return bytes(out)


@dataclass(frozen=True, slots=True)
class OnbonPacket:
    """A decoded packet: addressing, device type and the command DATA."""

    screen_address: int
    data: bytes
    source_address: int = SOURCE_PC
    device_type: int = ANY_DEVICE
    protocol_version: int = PROTOCOL_VERSION

    def encode(self) -> bytes:
        header = _HEADER.pack(
            self.screen_address,
            self.source_address,
            0,  # checksum mode: CRC16
            0,  # display mode: normal
            self.device_type,
            self.protocol_version,
            len(self.data),
        )
        body = header + self.data
        return PREAMBLE + escape(body + struct.pack("<H", crc16_arc(body))) + bytes((END,))


def decode_packet(raw: bytes) -> OnbonPacket:
    """Parse one whole packet (preamble to end byte); raises OnbonFrameError if it is bad."""
    if not raw.startswith(PREAMBLE) or not raw or raw[-1] != END:
        raise OnbonFrameError("not an Onbon packet: wrong preamble or end byte")
    body = unescape(raw[len(PREAMBLE) : -1])
    if len(body) < _HEADER.size + 2:
        raise OnbonFrameError(f"packet too short: {len(body)} bytes")
    dst, src, check, _display, device_type, version, length = _HEADER.unpack_from(body)
    if check != 0:
        raise OnbonFrameError(f"checksum mode {check} is not CRC16")
    data = body[_HEADER.size : -2]
    if len(data) != length:
        raise OnbonFrameError(f"length field says {length}, DATA has {len(data)} bytes")
    (crc,) = struct.unpack("<H", body[-2:])
    if crc != crc16_arc(body[:-2]):
        raise OnbonFrameError(f"CRC {crc:04X} != {crc16_arc(body[:-2]):04X}")
    return OnbonPacket(dst, data, src, device_type, version)


class Effect(IntEnum):
    """How text enters the area."""

    STATIC = 0x01
    QUICK = 0x02
    SCROLL_LEFT = 0x03
    SCROLL_RIGHT = 0x04
    SCROLL_UP = 0x05
    SCROLL_DOWN = 0x06


@dataclass(frozen=True, slots=True)
class OnbonArea:
    """A dynamic area on the board: where the text goes and how it is shown. Pixels."""

    width: int = 64
    height: int = 16
    x: int = 0
    y: int = 0
    area_id: int = 0
    effect: Effect = Effect.STATIC
    speed: int = 10
    stay: int = 0
    run_mode: int = 1  # 1: show the last page and stay (0 would loop)
    timeout: int = 0
    align: int = 0x0A  # centred horizontally (bits 1-0 = 2) and vertically (bits 3-2 = 2)
    multi_line: bool = False
    wrap: bool = False


_AREA = struct.Struct("<BHHHHBBBHBBBBBBBBBI")
_DYNAMIC = struct.Struct("<BBBBBBBH")


def dynamic_text_command(text: bytes, area: OnbonArea, *, clear: bool = True) -> bytes:
    """The A3 06 command that puts already encoded `text` into `area`."""
    area_data = (
        _AREA.pack(
            0x00,
            _PIXELS | area.x,
            area.y,
            _PIXELS | area.width,
            area.height,
            area.area_id,
            0,  # line spacing
            area.run_mode,
            area.timeout,
            0,  # voice
            0,  # extensions
            area.align,
            2 if area.multi_line else 1,
            2 if area.wrap else 1,
            area.effect,
            0,  # exit effect
            area.speed,
            area.stay,
            len(text),
        )
        + text
    )
    head = _DYNAMIC.pack(0xA3, 0x06, 0x01, int(clear), 0x00, 0x00, 0x01, len(area_data))
    return head + area_data


def dynamic_text(command: bytes) -> bytes:
    """The encoded text inside an A3 06 command (inverse of `dynamic_text_command`)."""
    if command[:2] != b"\xa3\x06" or len(command) < _DYNAMIC.size + _AREA.size:
        raise OnbonFrameError("not a dynamic-area text command")
    area_length = _DYNAMIC.unpack_from(command)[-1]
    area_data = command[_DYNAMIC.size :]
    if len(area_data) != area_length:
        raise OnbonFrameError(f"area length says {area_length}, has {len(area_data)} bytes")
    text_length = _AREA.unpack_from(area_data)[-1]
    text = area_data[_AREA.size :]
    if len(text) != text_length:
        raise OnbonFrameError(f"text length says {text_length}, has {len(text)} bytes")
    return text


def encode_text(
    text: str,
    *,
    screen_address: int = 1,
    area: OnbonArea | None = None,
    device_type: int = ANY_DEVICE,
    encoding: str = "gb2312",
) -> bytes:
    """The whole packet that shows `text` on a board. Characters the encoding lacks are
    sent as "?" and logged."""
    try:
        encoded = text.encode(encoding)
    except UnicodeEncodeError:
        log.warning("board text %r is not all %s; unknown characters become '?'", text, encoding)
        encoded = text.encode(encoding, errors="replace")
    command = dynamic_text_command(encoded, area or OnbonArea())
    return OnbonPacket(screen_address, command, device_type=device_type).encode()


class OnbonWindowDisplay(WindowDisplay):
    """Onbon BX text boards, one per window: `screens` maps window number -> screen address.

    A call shows `text` when given, else the bare number; idle and paused show their text.
    A window without a board is skipped; port errors propagate to the supervising caller.
    """

    def __init__(
        self,
        port: ByteSink,
        screens: Mapping[int, int],
        *,
        area: OnbonArea | None = None,
        device_type: int = ANY_DEVICE,
        encoding: str = "gb2312",
    ) -> None:
        self._port = port
        self.screens = dict(screens)
        self.area = area or OnbonArea()
        self.device_type = device_type
        self.encoding = encoding

    def show_call(self, window: int, number: str, text: str) -> None:
        self._show(window, text or number)

    def show_idle(self, window: int, text: str) -> None:
        self._show(window, text)

    def show_paused(self, window: int, text: str) -> None:
        self._show(window, text)

    def _show(self, window: int, text: str) -> None:
        screen = self.screens.get(window)
        if screen is None:
            log.debug("window %d has no Onbon board", window)
            return
        self._port.write(
            encode_text(
                text,
                screen_address=screen,
                area=self.area,
                device_type=self.device_type,
                encoding=self.encoding,
            )
        )
