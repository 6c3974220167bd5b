"""The ESC/POS stream parser the fake printer listens with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from printerkit import QR_URL

from drivers.printer.render import qr_code, render_ticket
from drivers.printer.stream import EscPosParser, Kind, parse, to_text
from drivers.printer.ticket import PrintableTicket

MakeTicket = Callable[..., PrintableTicket]


def kinds(data: bytes) -> list[tuple[Kind, bytes]]:
    return [(e.kind, e.raw) for e in parse(data)]


def test_commands_text_and_lines() -> None:
    data = b"\x1b@\x1c&\x1ba\x01\x1d!\x33A001\n\xc4\xe3\n\x1bd\x04\x1dV\x01"
    assert kinds(data) == [
        (Kind.COMMAND, b"\x1b@"),
        (Kind.COMMAND, b"\x1c&"),
        (Kind.COMMAND, b"\x1ba\x01"),
        (Kind.COMMAND, b"\x1d!\x33"),
        (Kind.TEXT, b"A001"),
        (Kind.LF, b"\n"),
        (Kind.TEXT, b"\xc4\xe3"),
        (Kind.LF, b"\n"),
        (Kind.COMMAND, b"\x1bd\x04"),
        (Kind.CUT, b"\x1dV\x01"),
    ]


def test_status_queries_between_ticket_bytes() -> None:
    data = b"AB\x10\x04\x01CD\x1bE\x01\x10\x04\x04\n"
    assert kinds(data) == [
        (Kind.TEXT, b"AB"),
        (Kind.STATUS_QUERY, b"\x10\x04\x01"),
        (Kind.TEXT, b"CD"),
        (Kind.COMMAND, b"\x1bE\x01"),
        (Kind.STATUS_QUERY, b"\x10\x04\x04"),
        (Kind.LF, b"\n"),
    ]


def test_dle_eot_inside_qr_length_is_no_query() -> None:
    # GS ( k with pL = 0x10, pH = 0x04: 1040 bytes of payload, which starts with "10 04 01"
    payload = b"1P0" + b"\x10\x04\x01" + b"x" * (0x0410 - 6)
    command = b"\x1d(k\x10\x04" + payload
    events = parse(command + b"\x10\x04\x02")
    assert [e.kind for e in events] == [Kind.QR, Kind.STATUS_QUERY]
    assert events[0].raw == command
    assert events[1].status_n == 2


def test_qr_functions_are_recognised() -> None:
    events = parse(qr_code(QR_URL.encode(), 8))
    assert [e.kind for e in events] == [Kind.QR] * 5
    assert [e.qr_function for e in events] == [65, 67, 69, 80, 81]
    assert events[3].qr_data == QR_URL.encode()


@pytest.mark.parametrize(
    ("cut", "length"),
    [
        (b"\x1dV\x00", 3),
        (b"\x1dV\x01", 3),
        (b"\x1dV\x30", 3),
        (b"\x1dV\x41\x05", 4),
        (b"\x1dVB\x00", 4),
    ],
)
def test_cut_forms(cut: bytes, length: int) -> None:
    events = parse(cut + b"Z")
    assert events[0].kind is Kind.CUT and len(events[0].raw) == length
    assert events[1].raw == b"Z"


def test_unknown_command_is_reported() -> None:
    assert kinds(b"\x1b\x99Z") == [(Kind.UNKNOWN, b"\x1b\x99"), (Kind.TEXT, b"Z")]


def test_incomplete_command_waits_for_more() -> None:
    parser = EscPosParser()
    assert parser.feed(b"\x1d(k\x05\x00") == []
    assert parser.pending == b"\x1d(k\x05\x00"
    assert [e.kind for e in parser.feed(b"1P0ab")] == [Kind.QR]
    assert parser.pending == b""
    with pytest.raises(ValueError, match="stream ends inside a command"):
        parse(b"\x10\x04")


@given(st.data())
def test_any_split_of_a_ticket_gives_the_same_events(data: st.DataObject) -> None:
    ticket_bytes = render_ticket(_ticket(qr_url=QR_URL, service_name="社保卡（补办）"))
    cuts = sorted(data.draw(st.sets(st.integers(1, len(ticket_bytes) - 1), max_size=20)))
    parser = EscPosParser()
    events = []
    for a, b in zip([0, *cuts], [*cuts, len(ticket_bytes)], strict=True):
        events += parser.feed(ticket_bytes[a:b])
    whole = parse(ticket_bytes)
    # text runs may be split differently; commands, cuts and the joined text must agree
    assert [e for e in events if e.kind is not Kind.TEXT] == [
        e for e in whole if e.kind is not Kind.TEXT
    ]
    assert b"".join(e.raw for e in events) == ticket_bytes


def test_to_text_reads_a_ticket(make_ticket: MakeTicket) -> None:
    text = to_text(render_ticket(make_ticket(qr_url=QR_URL)))
    assert text.splitlines() == [
        "便民服务中心",
        "A001",
        "社保卡（补办）",
        "前面还有 3 人",
        "预计等候约 5 分钟",
        "请到：二〇一室",
        "取号时间：2024-06-01 09:30:00",
        f"[QR] {QR_URL}",
        "",
        "过号请重新取号",
        "[cut]",
    ]


def _ticket(**changes: Any) -> PrintableTicket:
    import dataclasses

    from printerkit import BASE_TICKET

    return dataclasses.replace(BASE_TICKET, **changes)
