"""What a window's boards show: the hall model's window in, a look out (literal messages)."""

from __future__ import annotations

from typing import Any

from contract.hall import HallModel
from contract.records import WindowState
from drivers.bridge.windows import Look, LookKind, look

DAY = "2026-11-22"


def ticket(number: str, state: str = "called") -> dict[str, Any]:
    return {"id": f"{DAY}-{number}", "number": number, "service": "SB", "state": state}


def snapshot_window(
    number: int, state: str, current: str | None = None, parked: list[str] | None = None
) -> dict[str, Any]:
    return {
        "number": number,
        "state": state,
        "parked": parked or [],
        "services": ["SB"],
        "current": ticket(current) if current else None,
    }


def hall(*windows: dict[str, Any], waiting: tuple[str, ...] = ()) -> HallModel:
    snapshot = {
        "day": DAY,
        "windows": list(windows),
        "waiting": [ticket(n, "waiting") for n in waiting],
        "services": [{"code": "SB", "prefix": "A"}],
    }
    welcome = {"protocol": 1, "seq": 0, "device": "bridge-1", "role": "bridge"}
    return HallModel.from_welcome({"type": "welcome", **welcome, "snapshot": snapshot})


class Events:
    """Event messages as the bridge receives them, numbered in order."""

    def __init__(self) -> None:
        self.seq = 0

    def __call__(self, kind: str, window: int, number: str | None = None, **extra: Any) -> Any:
        self.seq += 1
        fields: dict[str, Any] = {"window": window, **extra}
        if number is not None:
            fields.update(ticket=f"{DAY}-{number}", number=number, service="SB")
        if kind == "ticket_called":
            fields.update(reason={"rule": "normal"}, recall=False)
        elif kind == "ticket_transferred":
            fields.update(from_service="SB", to_service="SB")
            del fields["service"]
        elif kind == "ticket_expired":
            fields.update(was="parked")
            del fields["service"]
        head = {"type": "event", "seq": self.seq, "kind": kind, "at": 1.0 * self.seq}
        return {**head, "day": DAY, **fields}


def test_a_snapshot_sets_every_window_and_unknown_ones_stay_unknown() -> None:
    model = hall(
        snapshot_window(1, "open", "A012"),
        snapshot_window(2, "paused"),
        snapshot_window(3, "closed", parked=["A003"]),
    )
    assert [look(model.windows.get(w)) for w in (1, 2, 3, 9)] == [
        Look(LookKind.CALL, "A012"),
        Look(LookKind.PAUSED),
        Look(LookKind.CLOSED),
        Look(LookKind.UNKNOWN),
    ]
    assert model.last_parked(3) == "A003"


def test_events_move_a_window_through_a_day() -> None:
    model = hall(snapshot_window(1, "closed"), waiting=("A001", "A002", "A003"))
    event = Events()
    steps = [
        (event("window_opened", 1), Look(LookKind.IDLE)),
        (event("ticket_called", 1, "A001"), Look(LookKind.CALL, "A001")),
        (event("window_paused", 1), Look(LookKind.CALL, "A001")),  # still serving A001
        (event("ticket_parked", 1, "A001"), Look(LookKind.PAUSED)),
        (event("window_resumed", 1), Look(LookKind.IDLE)),
        (event("ticket_called", 1, "A002"), Look(LookKind.CALL, "A002")),
        (event("ticket_no_show", 1, "A002"), Look(LookKind.IDLE)),
        (event("ticket_called", 1, "A003"), Look(LookKind.CALL, "A003")),
        (event("ticket_parked", 1, "A003"), Look(LookKind.IDLE)),
        (event("ticket_called", 1, "A001"), Look(LookKind.CALL, "A001")),
        (event("ticket_transferred", 1, "A001"), Look(LookKind.IDLE)),
        (event("ticket_expired", 1, "A003"), Look(LookKind.IDLE)),
        (event("window_closed", 1), Look(LookKind.CLOSED)),
    ]
    changed: list[frozenset[int]] = []
    model.observe(lambda change: changed.append(change.windows))
    for message, expected in steps:
        assert model.apply_event(message), message
        assert look(model.windows[1]) == expected, message
    assert model.windows[1].parked == () and model.windows[1].state is WindowState.CLOSED
    assert all(windows == {1} for windows in changed)


def test_the_ticket_parked_last_is_called_back_first() -> None:
    model = hall(snapshot_window(1, "open", "A005", parked=["A001", "A003"]))
    event = Events()
    model.apply_event(event("ticket_parked", 1, "A005"))
    assert model.windows[1].parked == ("A001", "A003", "A005")
    assert model.last_parked(1) == "A005"  # 3+确认 calls back A005 first
    model.apply_event(event("ticket_called", 1, "A003"))
    assert model.windows[1].parked == ("A001", "A005") and model.last_parked(1) == "A005"


def test_events_of_other_windows_or_that_do_not_read_change_nothing_here() -> None:
    model = hall(snapshot_window(1, "open", "A001"))
    event = Events()
    assert model.apply_event(event("ticket_called", 2, "B001"))  # a window not on this bus
    assert look(model.windows[1]) == Look(LookKind.CALL, "A001")
    bad = {"type": "event", "seq": 2, "kind": "ticket_called", "window": [1], "number": "A2"}
    assert not model.apply_event(bad)
    assert model.needs_resync and look(model.windows[1]) == Look(LookKind.CALL, "A001")
