"""Status decoding: the reply bytes of DLE EOT 1..4 to a state, table by table."""

from __future__ import annotations

import pytest

from drivers.printer.errors import (
    CoverOpen,
    PaperOut,
    PrinterFault,
    PrinterOffline,
    PrinterUnknown,
    not_ready_error,
)
from drivers.printer.status import PrinterState, decode_status, status_query

S = PrinterState


@pytest.mark.parametrize(
    ("r1", "r2", "r3", "r4", "state"),
    [
        (0x12, 0x12, 0x12, 0x12, S.ONLINE),
        (0x12, 0x12, 0x12, 0x1E, S.PAPER_NEAR_END),  # DLE EOT 4: 0x0C near end
        (0x12, 0x12, 0x12, 0x16, S.PAPER_NEAR_END),  # one near-end bit is enough
        (0x1A, 0x32, 0x12, 0x7E, S.PAPER_OUT),  # offline, paper-end stop, no paper
        (0x1A, 0x12, 0x12, 0x72, S.PAPER_OUT),  # DLE EOT 4: 0x60 paper end only
        (0x1A, 0x32, 0x12, 0x12, S.PAPER_OUT),  # DLE EOT 2: 0x20 paper-end stop only
        (0x1A, 0x16, 0x12, 0x12, S.COVER_OPEN),  # DLE EOT 2: 0x04 cover open
        (0x1A, 0x36, 0x12, 0x7E, S.COVER_OPEN),  # cover open wins over paper out
        (0x1A, 0x52, 0x1A, 0x12, S.ERROR),  # DLE EOT 3: 0x08 autocutter error
        (0x1A, 0x52, 0x32, 0x12, S.ERROR),  # DLE EOT 3: 0x20 unrecoverable
        (0x1A, 0x52, 0x52, 0x12, S.ERROR),  # DLE EOT 3: 0x40 auto-recoverable
        (0x12, 0x12, 0x16, 0x12, S.ERROR),  # DLE EOT 3: 0x04 mechanical error
        (0x1A, 0x12, 0x12, 0x12, S.OFFLINE),  # DLE EOT 1: 0x08 offline, no cause given
        (0x16, 0x12, 0x12, 0x12, S.ONLINE),  # drawer pin 3 high is no fault
        (0x52, 0x12, 0x12, 0x12, S.ONLINE),  # feed button pressed is no fault
        (None, None, None, None, S.UNKNOWN),  # no reply at all: never "OK"
        (0x12, None, None, None, S.UNKNOWN),  # stopped answering after DLE EOT 1
        (0x12, 0x12, 0x12, None, S.UNKNOWN),  # no paper sensor reply
        (0x10, 0x12, 0x12, 0x12, S.UNKNOWN),  # an echo of DLE is no reply
        (0xFF, 0xFF, 0xFF, 0xFF, S.UNKNOWN),  # line noise
        (0x00, 0x00, 0x00, 0x00, S.UNKNOWN),  # a stuck-low line
        (0x12, 0x16, None, None, S.COVER_OPEN),  # a known fault needs no further reply
        (0x1A, None, None, None, S.OFFLINE),
    ],
)
def test_decode_table(
    r1: int | None, r2: int | None, r3: int | None, r4: int | None, state: PrinterState
) -> None:
    status = decode_status({1: r1, 2: r2, 3: r3, 4: r4})
    assert status.state is state
    assert status.replies == (r1, r2, r3, r4)
    assert status.can_print == (state in (S.ONLINE, S.PAPER_NEAR_END))


def test_missing_keys_are_no_reply() -> None:
    assert decode_status({}).state is S.UNKNOWN
    assert decode_status({1: 0x12, 2: 0x12, 3: 0x12}).state is S.UNKNOWN


def test_flags() -> None:
    status = decode_status({1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E})
    assert (status.offline, status.paper_out, status.paper_near_end, status.cover_open) == (
        True,
        True,
        True,
        False,
    )


def test_status_query_bytes() -> None:
    assert [status_query(n) for n in (1, 2, 3, 4)] == [
        b"\x10\x04\x01",
        b"\x10\x04\x02",
        b"\x10\x04\x03",
        b"\x10\x04\x04",
    ]
    with pytest.raises(ValueError, match=r"takes n = 1\.\.4"):
        status_query(5)


@pytest.mark.parametrize(
    ("replies", "error", "message"),
    [
        ((0x1A, 0x32, 0x12, 0x7E), PaperOut, "打印机缺纸 / Printer is out of paper"),
        ((0x1A, 0x16, 0x12, 0x12), CoverOpen, "打印机纸仓盖未关 / Printer cover is open"),
        ((0x1A, 0x52, 0x1A, 0x12), PrinterFault, "打印机故障 / Printer error"),
        ((0x1A, 0x12, 0x12, 0x12), PrinterOffline, "打印机离线 / Printer is offline"),
        ((None, None, None, None), PrinterUnknown, "打印机无响应 / Printer does not answer"),
    ],
)
def test_errors_for_states(
    replies: tuple[int | None, ...], error: type[Exception], message: str
) -> None:
    status = decode_status(dict(zip((1, 2, 3, 4), replies, strict=True)))
    exc = not_ready_error(status)
    assert type(exc) is error
    assert str(exc) == message
    assert exc.status is status


def test_no_error_for_a_printable_state() -> None:
    with pytest.raises(ValueError, match="can print"):
        not_ready_error(decode_status({1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}))
