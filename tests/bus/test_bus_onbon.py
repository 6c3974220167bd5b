"""Onbon BX packets: escapes, CRC16 and layout against published frames, the display."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.leddisplay import OnbonFrameError, OnbonWindowDisplay, WindowDisplay
from drivers.leddisplay.onbon import (
    OnbonArea,
    OnbonPacket,
    crc16_arc,
    decode_packet,
    dynamic_text,
    dynamic_text_command,
    encode_text,
    escape,
    unescape,
)

# Two packets published with a public BX driver: a status query (A2 00) and a clear-screen
# (A3 10) to screen 1, any device type (FE), protocol 2; CRC16 LE before the 5A.
STATUS_QUERY = bytes.fromhex(
    "A5 A5 A5 A5 A5 A5 A5 A5 01 00 00 80 00 00 00 00 00 00 FE 02 05 00 A2 00 01 00 00 68 F8 5A"
)
CLEAR_SCREEN = bytes.fromhex(
    "A5 A5 A5 A5 A5 A5 A5 A5 01 00 00 80 00 00 00 00 00 00 FE 02 05 00 A3 10 01 00 00 51 F8 5A"
)


def test_crc16_arc_check_value() -> None:
    assert crc16_arc(b"123456789") == 0xBB3D  # the catalogued CRC-16/ARC check value
    assert crc16_arc(b"") == 0


@pytest.mark.parametrize(
    ("packet", "data"),
    [(STATUS_QUERY, "A2 00 01 00 00"), (CLEAR_SCREEN, "A3 10 01 00 00")],
)
def test_published_packets_encode_byte_for_byte(packet: bytes, data: str) -> None:
    assert OnbonPacket(1, bytes.fromhex(data)).encode() == packet
    assert decode_packet(packet) == OnbonPacket(1, bytes.fromhex(data))


@pytest.mark.parametrize(
    ("plain", "escaped"),
    [
        ("A5", "A6 02"),
        ("A6", "A6 01"),
        ("5A", "5B 02"),
        ("5B", "5B 01"),
        ("00 A5 A6 5A 5B FF", "00 A6 02 A6 01 5B 02 5B 01 FF"),
        ("A6 02", "A6 01 02"),  # an escape-looking pair in the data is itself escaped
        ("", ""),
    ],
)
def test_escapes(plain: str, escaped: str) -> None:
    assert escape(bytes.fromhex(plain)) == bytes.fromhex(escaped)
    assert unescape(bytes.fromhex(escaped)) == bytes.fromhex(plain)


@settings(deadline=None)  # timing on a loaded CI machine is not the point
@given(st.binary(max_size=300))
def test_escape_round_trip_and_no_markers_inside(body: bytes) -> None:
    escaped = escape(body)
    assert 0xA5 not in escaped and 0x5A not in escaped
    assert unescape(escaped) == body


@pytest.mark.parametrize("bad", ["A6", "A6 03", "5B", "5B 00", "A5", "5A", "01 A6"])
def test_unescape_rejects_bad_sequences(bad: str) -> None:
    with pytest.raises(OnbonFrameError):
        unescape(bytes.fromhex(bad))


def test_a_packet_whose_crc_needs_escaping() -> None:
    # Search a screen address whose CRC contains a marker byte, so the escape is exercised.
    for screen in range(1, 2000):
        packet = OnbonPacket(screen, b"\xa3\x10\x01\x00\x00")
        body = packet.encode()[8:-1]
        if b"\xa6" in body or b"\x5b" in body:
            break
    else:
        pytest.fail("no address with an escaped byte")
    assert decode_packet(packet.encode()) == packet


def test_decode_rejects_damage() -> None:
    with pytest.raises(OnbonFrameError):
        decode_packet(STATUS_QUERY[1:])  # seven A5
    with pytest.raises(OnbonFrameError):
        decode_packet(STATUS_QUERY[:-1])  # no end
    broken = bytearray(STATUS_QUERY)
    broken[-3] ^= 0x01  # CRC
    with pytest.raises(OnbonFrameError):
        decode_packet(bytes(broken))
    longer = bytearray(STATUS_QUERY)
    longer[20] = 0x06  # length field
    with pytest.raises(OnbonFrameError):
        decode_packet(bytes(longer))


def test_dynamic_text_command_layout() -> None:
    text = "请A012号".encode("gb2312")
    command = dynamic_text_command(text, OnbonArea(width=64, height=16), clear=True)
    area_length = 27 + len(text)
    assert command[:9] == bytes([0xA3, 0x06, 0x01, 0x01, 0x00, 0x00, 0x01]) + area_length.to_bytes(
        2, "little"
    )
    area = command[9:]
    assert area[:9] == bytes.fromhex("00 00 80 00 00 40 80 10 00")  # type, X, Y, W|px, H
    assert area[23:27] == len(text).to_bytes(4, "little")
    assert area[27:] == text
    assert dynamic_text(command) == text


def test_encode_text_round_trip_in_gb2312() -> None:
    packet = decode_packet(encode_text("请A012号到3号窗口", screen_address=7))
    assert packet.screen_address == 7
    assert dynamic_text(packet.data).decode("gb2312") == "请A012号到3号窗口"


def test_text_outside_the_encoding_is_replaced_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    packet = decode_packet(encode_text("请𠀀号"))  # an ideograph GB2312 lacks
    assert dynamic_text(packet.data) == "请?号".encode("gb2312")
    assert "gb2312" in caplog.text
    gb18030 = decode_packet(encode_text("请𠀀号", encoding="gb18030"))
    assert dynamic_text(gb18030.data).decode("gb18030") == "请𠀀号"


class Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.writes.append(data)


def shown(recorder: Recorder) -> list[tuple[int, str]]:
    out = []
    for raw in recorder.writes:
        packet = decode_packet(raw)
        out.append((packet.screen_address, dynamic_text(packet.data).decode("gb2312")))
    return out


def test_onbon_window_display() -> None:
    recorder = Recorder()
    display: WindowDisplay = OnbonWindowDisplay(recorder, {3: 1, 4: 2})
    display.show_call(3, "A012", "请A012号到3号窗口")
    display.show_call(4, "B007", "")
    display.show_paused(4, "暂停服务")
    display.show_idle(3, "欢迎光临")
    display.show_idle(9, "欢迎光临")  # no board at window 9
    assert shown(recorder) == [
        (1, "请A012号到3号窗口"),
        (2, "B007"),
        (2, "暂停服务"),
        (1, "欢迎光临"),
    ]
