"""What the bridge keeps of each window: literal snapshots and events in, looks out."""

from __future__ import annotations

from drivers.bridge.windows import Look, LookKind, WindowBook, WindowState


def snapshot_window(number: int, state: str, current: str | None = None,
                    parked: list[str] | None = None) -> dict:  # fmt: skip
    return {"number": number, "state": state, "parked": parked or [],
            "current": {"number": current} if current else None}  # fmt: skip


def event(kind: str, window: int, number: str | None = None, **extra) -> dict:
    return {"type": "event", "kind": kind, "window": window, "number": number, **extra}


def test_a_snapshot_sets_every_window_and_unknown_ones_stay_unknown():
    book = WindowBook([1, 2, 3, 9])
    book.resync([
        snapshot_window(1, "open", "A012"),
        snapshot_window(2, "paused"),
        snapshot_window(3, "closed", parked=["A003"]),
        snapshot_window(4, "open", "B001"),  # not on this bus
    ])  # fmt: skip
    assert [book[w].look() for w in (1, 2, 3, 9)] == [
        Look(LookKind.CALL, "A012"), Look(LookKind.PAUSED), Look(LookKind.CLOSED),
        Look(LookKind.UNKNOWN),
    ]  # fmt: skip
    assert book[3].parked == ["A003"]


def test_events_move_a_window_through_a_day():
    book = WindowBook([1])
    book.resync([snapshot_window(1, "closed")])
    steps = [
        (event("window_opened", 1), Look(LookKind.IDLE)),
        (event("ticket_called", 1, "A001", recall=False), Look(LookKind.CALL, "A001")),
        (event("window_paused", 1), Look(LookKind.CALL, "A001")),  # still serving A001
        (event("ticket_parked", 1, "A001"), Look(LookKind.PAUSED)),
        (event("window_resumed", 1), Look(LookKind.IDLE)),
        (event("ticket_called", 1, "A002", recall=False), Look(LookKind.CALL, "A002")),
        (event("ticket_no_show", 1, "A002"), Look(LookKind.IDLE)),
        (event("ticket_called", 1, "A003", recall=False), Look(LookKind.CALL, "A003")),
        (event("ticket_parked", 1, "A003"), Look(LookKind.IDLE)),
        (event("ticket_called", 1, "A001", recall=False), Look(LookKind.CALL, "A001")),
        (event("ticket_transferred", 1, "A001"), Look(LookKind.IDLE)),
        (event("ticket_expired", 1, "A003"), Look(LookKind.IDLE)),
        (event("window_closed", 1), Look(LookKind.CLOSED)),
    ]
    for e, look in steps:
        assert book.apply(e) == 1
        assert book[1].look() == look, e
    assert book[1].parked == []


def test_parked_tickets_are_kept_in_the_order_they_were_parked():
    book = WindowBook([1])
    book.resync([snapshot_window(1, "open", "A005", parked=["A001", "A003"])])
    book.apply(event("ticket_parked", 1, "A005"))
    assert book[1].parked == ["A001", "A003", "A005"]  # 3+确认 calls back A005 first
    book.apply(event("ticket_called", 1, "A003", recall=False))
    assert book[1].parked == ["A001", "A005"]


def test_events_it_does_not_follow_or_cannot_read_change_nothing():
    book = WindowBook([1])
    book.resync([snapshot_window(1, "open", "A001")])
    for e in [
        event("ticket_issued", 1, "A009"),
        event("rating_recorded", 1, "A001"),
        event("ticket_called", 2, "B001"),  # another window
        {"kind": "ticket_called", "window": [1], "number": "A002"},
        {"kind": "ticket_called", "window": 1, "number": 7},
        {"kind": "window_closed"},
    ]:
        assert book.apply(e) is None
    assert (book[1].state, book[1].current) == (WindowState.OPEN, "A001")


def test_a_snapshot_it_cannot_read_leaves_windows_unknown():
    book = WindowBook([1, 2])
    book.resync([snapshot_window(1, "open", "A001"), snapshot_window(2, "open")])
    book.resync("not a list")
    assert book[1].look() == book[2].look() == Look(LookKind.UNKNOWN)
    book.resync(["junk", {"number": "1"}, snapshot_window(2, "sideways"),
                 {"number": 1, "state": "open", "current": "A001", "parked": "A002"}])  # fmt: skip
    assert (book[1].look(), book[1].parked) == (Look(LookKind.IDLE), [])
    assert book[2].look() == Look(LookKind.UNKNOWN)
