"""The live hall model: literal welcomes and events in, the hall and change records out.

Literal messages as a manager receives them; a board's and a clerk's are the same with the
private fields taken out (``queue_server.views``). Then the engine and a real server: a model
fed the welcome and the events equals one built from a snapshot of the same moment.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hallkit import bundle_hall, running

from contract.events import TicketCalled, UnknownEvent
from contract.hall import RECENT_CALLS, Change, HallModel
from contract.interest import interest_of
from contract.records import Snapshot, TicketState, WindowState
from queue_server import core
from queue_server.core.model import PauseReason, Role, TicketClass, Zone
from queue_server.core.state import RECENT_CALLS_KEPT
from queue_server.core.views import recent_calls
from queue_server.fanout import stream_name, streams, zone_streams
from queue_server.protocol import event_message
from queue_server.views import VIEWS

DAY = "2026-11-22"
T0 = 1795312800.0


def ticket(number: str, service: str, at: float, **extra: Any) -> dict[str, Any]:
    names = {"SB": ("社保", "Social Insurance"), "HJ": ("户籍", "Household Registration")}
    return {
        "id": f"{DAY}-{number}",
        "number": number,
        "service": service,
        "service_name_zh": names[service][0],
        "service_name_en": names[service][1],
        "class": "normal",
        "state": "waiting",
        "issued_at": at,
        "request_id": f"r-{number}",
        "window": None,
        "staff": None,
        "called_at": None,
        "finished_at": None,
        "target_window": None,
        "ahead": 0,
        "estimated_wait_s": 0,
        "location_zh": "一楼",
        "location_en": "1F",
        "issuer": "kiosk-1",
        "token": None,
        "status_url": None,
        "rating": None,
        "calls": 0,
        "reason": None,
        **extra,
    }


def window(number: int, state: str, services: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "number": number,
        "name": f"{number}号窗口",
        "state": state,
        "pause_reason": None,
        "staff": None,
        "staff_name": None,
        "current": None,
        "services": services,
        "parked": [],
        "last_rating": None,
        "last_served": None,
        **extra,
    }


def service(code: str, prefix: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "name_zh": zh,
        "name_en": en,
        "prefix": prefix,
        "category": "综合",
        "category_en": "General",
        "location_zh": "一楼",
        "location_en": "1F",
        "waiting": 0,
        "open": True,
        "closed_reason": None,
        "issued_today": 0,
        "quota": None,
        "priority": True,
        "appointments": True,
        "open_windows": 0,
        "estimated_wait_s": 0,
        **extra,
    }


def welcome(seq: int = 10, **extra: Any) -> dict[str, Any]:
    """Window 1 open (s1) serving A001, 2 paused for lunch, 3 closed; A002 and C001 wait."""
    a001 = ticket(
        "A001",
        "SB",
        T0,
        state="called",
        window=1,
        staff="s1",
        called_at=T0 + 60,
        calls=1,
        reason={"rule": "normal"},
    )
    return {
        "type": "welcome",
        "re": 1,
        "protocol": 1,
        "seq": seq,
        "device": "manager-1",
        "role": "manager",
        "window": None,
        "hall": {"name_zh": "测试中心", "name_en": "Test Centre", "timezone": "Asia/Shanghai"},
        "snapshot": {
            "day": DAY,
            "waiting": [ticket("A002", "SB", T0 + 10), ticket("C001", "HJ", T0 + 20)],
            "windows": [
                window(1, "open", ["SB"], staff="s1", staff_name="职员一", current=a001),
                window(2, "paused", ["SB"], pause_reason="lunch", staff="s2", staff_name="职员二"),
                window(3, "closed", ["SB", "HJ"]),
            ],
            "services": [
                service(
                    "SB",
                    "A",
                    "社保",
                    "Social Insurance",
                    waiting=1,
                    issued_today=2,
                    open_windows=1,
                    estimated_wait_s=300,
                ),
                service(
                    "HJ", "C", "户籍", "Household Registration", waiting=1, issued_today=1, quota=2
                ),
            ],
            "devices": [
                {"device": "kiosk-1", "role": "kiosk", "status": "ok", "detail": "", "at": T0}
            ],
            "lockouts": [],
        },
        **extra,
    }


def event(seq: int, kind: str, actor: str = "s1", **fields: Any) -> dict[str, Any]:
    return {
        "type": "event",
        "seq": seq,
        "kind": kind,
        "at": T0 + 100 + seq,
        "day": DAY,
        "actor": actor,
        **fields,
    }


def issued(seq: int, number: str, service: str, **extra: Any) -> dict[str, Any]:
    return event(
        seq,
        "ticket_issued",
        actor="kiosk-1",
        ticket=f"{DAY}-{number}",
        number=number,
        prefix=number[0],
        sequence=int(number[1:]),
        order=seq,
        service=service,
        **{"class": "normal"},
        ahead=1,
        estimated_wait_s=300,
        request_id=f"r-{seq}",
        citizen_hash=None,
        appointment_code=None,
        token=None,
        **extra,
    )


def called(
    seq: int, number: str, window: int, service: str = "SB", recall: bool = False
) -> dict[str, Any]:
    return event(
        seq,
        "ticket_called",
        ticket=f"{DAY}-{number}",
        number=number,
        window=window,
        staff="s1",
        service=service,
        reason={"rule": "normal", "text_zh": "按顺序", "text_en": "in order", "waited_s": 5},
        recall=recall,
    )


def as_seen_by(role: str, message: dict[str, Any]) -> dict[str, Any]:
    """The message as the server sends it to ``role`` (its view, private fields out)."""
    return VIEWS[Role(role)].of(copy.deepcopy(message))  # type: ignore[no-any-return]


class Recorder:
    def __init__(self, model: HallModel) -> None:
        self.changes: list[Change] = []
        self.resyncs: list[int] = []
        model.observe(self.changes.append)
        model.on_resync = self.resyncs.append


def counts(model: HallModel, code: str) -> tuple[int, int, int]:
    s = model.services[code]
    return s.waiting, s.issued_today, s.open_windows


# -- built from a welcome -------------------------------------------------------------------


def test_a_welcome_gives_the_hall_as_the_server_sees_it() -> None:
    model = HallModel.from_welcome(welcome())
    assert (model.seq, model.synced, model.needs_resync, model.day) == (10, True, False, DAY)
    assert model.hall.name_en == "Test Centre" and model.welcome is not None
    assert [t.number for t in model.waiting()] == ["A002", "C001"]
    assert [t.number for t in model.waiting("HJ")] == ["C001"]
    w1, w2, w3 = (model.windows[n] for n in (1, 2, 3))
    assert w1.current is not None and w1.current.number == "A001"
    assert model.tickets[f"{DAY}-A001"] is w1.current
    assert (w2.state, w2.pause_reason, w2.staff_name) == (WindowState.PAUSED, "lunch", "职员二")
    assert w3.state is WindowState.CLOSED and w3.services == ("SB", "HJ")
    assert counts(model, "SB") == (1, 2, 1) and model.services["SB"].estimated_wait_s == 300
    assert model.devices["kiosk-1"].status == "ok"


def test_unknown_fields_are_ignored_and_a_bad_welcome_leaves_the_model_empty() -> None:
    message = welcome()
    message["snapshot"]["windows"][0]["queue_colour"] = "green"  # a newer server's field
    message["snapshot"]["services"][0]["kiosk_hint"] = {"zh": "…"}
    model = HallModel.from_welcome(message)
    recorder = Recorder(model)
    bad = welcome()
    bad["snapshot"]["windows"] = "not a list"
    with pytest.raises(msgspec.ValidationError):
        model.apply_welcome(bad)
    assert (model.synced, model.windows, model.tickets, model.welcome) == (False, {}, {}, None)
    assert recorder.changes[-1].everything
    assert model.apply_event(event(11, "window_opened", window=3, staff="s3")) is False


# -- counts kept from events ----------------------------------------------------------------


def test_counts_follow_issue_call_transfer_void_expire_and_the_day() -> None:
    model = HallModel.from_welcome(welcome())
    recorder = Recorder(model)
    steps = [
        (issued(11, "A003", "SB"), {"SB": (2, 3, 1)}),
        (issued(12, "C002", "HJ"), {"HJ": (2, 2, 0)}),  # the quota of 2 is reached
        (
            event(
                13,
                "ticket_finished",
                ticket=f"{DAY}-A001",
                number="A001",
                window=1,
                service="SB",
                duration_s=90.0,
                staff="s1",
            ),
            {"SB": (2, 3, 1)},
        ),
        (called(14, "A002", 1), {"SB": (1, 3, 1)}),
        (
            event(
                15,
                "ticket_transferred",
                ticket=f"{DAY}-A002",
                number="A002",
                window=1,
                from_service="SB",
                to_service="HJ",
                to_window=None,
            ),
            {"SB": (1, 3, 1), "HJ": (3, 2, 0)},
        ),
        (
            event(
                16,
                "ticket_voided",
                ticket=f"{DAY}-C002",
                number="C002",
                service="HJ",
                reason="printer_paper_out",
            ),
            {"HJ": (2, 1, 0)},
        ),
        (event(17, "window_opened", window=3, staff="s3"), {"SB": (1, 3, 2), "HJ": (2, 1, 1)}),
        (
            event(18, "day_started", day="2026-11-23", previous=DAY),
            {"SB": (1, 0, 2), "HJ": (2, 0, 1)},
        ),
        (
            event(
                19,
                "ticket_expired",
                ticket=f"{DAY}-C001",
                number="C001",
                was="waiting",
                window=None,
            ),
            {"HJ": (1, 0, 1)},
        ),
        (
            event(
                20, "ticket_expired", ticket=f"{DAY}-A002", number="A002", was="waiting", window=1
            ),
            {"HJ": (0, 0, 1)},
        ),
        (
            event(
                21,
                "ticket_expired",
                ticket=f"{DAY}-A003",
                number="A003",
                was="waiting",
                window=None,
            ),
            {"SB": (0, 0, 2)},
        ),
    ]
    for message, expected in steps:
        assert model.apply_event(message) is True, message
        for code, value in expected.items():
            assert counts(model, code) == value, (message["kind"], code)
    assert model.day == "2026-11-23" and model.seq == 21 and model.tickets == {}
    assert model.waiting() == [] and recorder.resyncs == []
    quota = [c for c in recorder.changes if "HJ" in c.services]
    assert quota[0].seq == 12 and model.services["HJ"].closed_reason is None
    assert model.windows[1].last_served is None  # a new day: nothing to rate
    assert model.windows[1].current is None


def test_a_reached_quota_closes_the_service_and_a_void_opens_it_again() -> None:
    model = HallModel.from_welcome(welcome())
    model.apply_event(issued(11, "C002", "HJ"))
    assert (model.services["HJ"].open, model.services["HJ"].closed_reason) == (False, "quota")
    model.apply_event(
        event(
            12,
            "ticket_voided",
            ticket=f"{DAY}-C002",
            number="C002",
            service="HJ",
            reason="printer_paper_out",
        )
    )
    assert (model.services["HJ"].open, model.services["HJ"].closed_reason) == (True, None)


def test_a_transferred_ticket_waits_again_in_its_place_by_issue_time() -> None:
    model = HallModel.from_welcome(welcome())
    model.apply_event(issued(11, "A003", "SB"))
    model.apply_event(
        event(
            12,
            "ticket_transferred",
            ticket=f"{DAY}-A001",
            number="A001",
            window=1,
            from_service="SB",
            to_service="SB",
            to_window=2,
        )
    )
    assert [t.number for t in model.waiting("SB")] == ["A001", "A002", "A003"]
    a001 = model.tickets[f"{DAY}-A001"]
    assert (a001.state, a001.target_window, a001.window, a001.called_at) == (
        TicketState.WAITING,
        2,
        1,
        None,
    )
    assert model.windows[1].current is None and counts(model, "SB") == (3, 3, 1)


# -- windows --------------------------------------------------------------------------------


def test_a_paused_window_shows_its_reason_and_stops_counting_as_open() -> None:
    model = HallModel.from_welcome(welcome())
    recorder = Recorder(model)
    model.apply_event(event(11, "window_paused", window=1, staff="s1", reason="meeting"))
    w1 = model.windows[1]
    assert (w1.state, w1.pause_reason, w1.current is not None) == (
        WindowState.PAUSED,
        "meeting",
        True,
    )  # still serving A001
    assert counts(model, "SB")[2] == 0
    assert recorder.changes[-1].windows == {1} and recorder.changes[-1].services == {"SB"}
    model.apply_event(event(12, "window_paused", window=1, staff="s1"))  # reason left out
    assert model.windows[1].pause_reason == "other"
    model.apply_event(event(13, "window_resumed", window=2, staff="s2"))
    assert (model.windows[2].state, model.windows[2].pause_reason) == (WindowState.OPEN, None)
    assert counts(model, "SB")[2] == 1
    model.apply_event(event(14, "window_closed", window=2, staff="s2"))
    model.apply_event(event(15, "window_opened", window=2, staff="s2"))
    assert model.windows[2].staff_name == "职员二"  # known from the welcome
    model.apply_event(event(16, "window_closed", window=2, staff="s2", moved_to=3))
    model.apply_event(event(17, "window_opened", window=3, staff="s2"))
    assert (model.windows[3].staff, model.windows[3].staff_name) == ("s2", "职员二")
    model.apply_event(event(18, "window_opened", window=2, staff="s9", staff_name="新职员"))
    assert model.windows[2].staff_name == "新职员"  # when the event names the clerk


def test_park_and_call_back_keep_the_parked_numbers() -> None:
    model = HallModel.from_welcome(welcome())
    model.apply_event(issued(11, "A003", "SB"))
    model.apply_event(
        event(12, "ticket_parked", ticket=f"{DAY}-A001", number="A001", window=1, service="SB")
    )
    model.apply_event(called(13, "A003", 1))
    model.apply_event(
        event(14, "ticket_parked", ticket=f"{DAY}-A003", number="A003", window=1, service="SB")
    )
    model.apply_event(called(15, "A002", 1))
    model.apply_event(
        event(16, "ticket_parked", ticket=f"{DAY}-A002", number="A002", window=1, service="SB")
    )
    assert model.windows[1].parked == ("A001", "A002", "A003")  # issue order, as the server
    assert model.last_parked(1) == "A002"  # the order they were parked in
    model.apply_event(called(17, "A002", 1))
    assert model.windows[1].parked == ("A001", "A003") and model.last_parked(1) == "A003"
    current = model.windows[1].current
    assert current is not None and (current.number, current.calls) == ("A002", 2)
    assert counts(model, "SB")[0] == 0


def test_finish_invite_and_rate_fill_the_windows_last_served_and_rating() -> None:
    model = HallModel.from_welcome(welcome())
    model.apply_event(
        event(
            11,
            "ticket_finished",
            ticket=f"{DAY}-A001",
            number="A001",
            window=1,
            service="SB",
            duration_s=30.0,
            staff="s1",
        )
    )
    last = model.windows[1].last_served
    assert last is not None and (last.number, last.rated, last.invited) == ("A001", False, False)
    model.apply_event(event(12, "rating_invited", ticket=f"{DAY}-A001", number="A001", window=1))
    assert model.windows[1].last_served.invited is True  # type: ignore[union-attr]
    model.apply_event(
        event(
            13,
            "rating_recorded",
            ticket=f"{DAY}-A001",
            number="A001",
            service="SB",
            window=1,
            score=1,
            level="非常不满意",
            bad=True,
            source="evaluator",
            staff="s1",
        )
    )
    w1 = model.windows[1]
    assert w1.last_served is not None and w1.last_served.rated
    assert w1.last_rating is not None and (w1.last_rating.score, w1.last_rating.bad) == (1, True)
    model.apply_event(
        event(
            14,
            "followup_opened",
            ticket=f"{DAY}-A001",
            number="A001",
            service="SB",
            window=1,
            score=1,
            deadline="2026-11-25",
        )
    )
    model.apply_event(
        event(
            15,
            "device_status",
            device="kiosk-1",
            role="kiosk",
            status="printer_paper_out",
            detail="纸尽",
        )
    )
    assert model.devices["kiosk-1"].status == "printer_paper_out" and model.seq == 15


def test_a_recall_counts_the_call_and_keeps_the_ticket_at_its_window() -> None:
    model = HallModel.from_welcome(welcome())
    recorder = Recorder(model)
    model.apply_event(called(11, "A001", 1, recall=True))
    current = model.windows[1].current
    assert current is not None and (current.calls, current.state) == (2, TicketState.CALLED)
    change = recorder.changes[-1]
    assert isinstance(change.event, TicketCalled) and change.event.recall
    assert change.windows == {1} and change.tickets == {f"{DAY}-A001"}


# -- seq: gaps, replays, unknown kinds ------------------------------------------------------


def test_a_gap_asks_for_a_resync_and_the_events_after_the_snapshot_are_applied() -> None:
    model = HallModel.from_welcome(welcome())
    recorder = Recorder(model)
    assert model.apply_event(issued(11, "A003", "SB")) is True
    assert model.apply_event(issued(13, "A005", "SB")) is False  # 12 was lost
    assert (model.needs_resync, recorder.resyncs, model.seq) == (True, [11], 11)
    assert recorder.changes[-1] == Change(seq=11, resync=True)
    assert model.apply_event(issued(14, "A006", "SB")) is False  # held, not applied
    assert recorder.resyncs == [11]  # asked once
    reply = welcome()["snapshot"]
    reply.update(type="snapshot", re=7, seq=13)
    reply["waiting"].append(ticket("A003", "SB", T0 + 111))
    reply["waiting"].append(ticket("A004", "SB", T0 + 112))
    reply["waiting"].append(ticket("A005", "SB", T0 + 113))
    assert model.apply_snapshot(reply) is True
    assert (model.needs_resync, model.seq) == (False, 14)  # 14 applied after the snapshot
    assert [t.number for t in model.waiting("SB")] == ["A002", "A003", "A004", "A005", "A006"]
    assert [c.everything for c in recorder.changes[-2:]] == [True, False]
    assert model.apply_snapshot({**reply, "seq": 12}) is False  # older than the model


def test_a_held_event_that_does_not_follow_the_snapshot_asks_again_once() -> None:
    model = HallModel.from_welcome(welcome())
    recorder = Recorder(model)
    model.apply_event(issued(15, "A009", "SB"))  # 11 to 14 lost
    reply = {**welcome()["snapshot"], "type": "snapshot", "seq": 12}
    model.apply_snapshot(reply)  # still short of 15: asked again, 15 dropped
    assert model.needs_resync and recorder.resyncs == [10, 12]
    model.apply_snapshot({**reply, "seq": 15})
    assert not model.needs_resync and recorder.resyncs == [10, 12] and model.seq == 15


def test_a_replayed_duplicate_is_ignored() -> None:
    model = HallModel.from_welcome(welcome())
    recorder = Recorder(model)
    model.apply_event(issued(11, "A003", "SB"))
    assert model.apply_event(issued(11, "A003", "SB")) is False
    assert model.apply_event(issued(9, "A000", "SB")) is False
    assert counts(model, "SB") == (2, 3, 1) and len(recorder.changes) == 1
    assert not model.needs_resync


def test_after_a_welcome_with_replay_the_replayed_events_are_already_in_its_snapshot() -> None:
    model = HallModel.from_welcome(welcome(seq=12, missed=2, replay=True))
    assert model.apply_event(issued(11, "A003", "SB")) is False
    assert model.apply_event(issued(12, "A004", "SB")) is False
    assert model.apply_event(issued(13, "A005", "SB")) is True
    assert counts(model, "SB") == (2, 3, 1)


def test_unknown_kinds_are_skipped_and_seq_moves_on() -> None:
    model = HallModel.from_welcome(welcome())
    recorder = Recorder(model)
    assert model.apply_event(event(11, "board_exploded", board="board-1")) is True
    assert model.apply_event(issued(12, "A003", "SB")) is True
    assert (model.seq, model.needs_resync) == (12, False)
    assert recorder.changes[0].event == UnknownEvent(kind="board_exploded", seq=11)


def test_an_event_that_does_not_read_asks_for_a_resync() -> None:
    model = HallModel.from_welcome(welcome())
    recorder = Recorder(model)
    assert model.apply_event(event(11, "ticket_called", window=[1], number=5)) is False
    assert model.needs_resync and recorder.resyncs == [10]
    assert model.apply_event({"type": "event", "kind": "window_opened"}) is False  # no seq


def test_events_before_the_first_welcome_are_held_for_it() -> None:
    model = HallModel()
    assert model.apply_event(issued(11, "A003", "SB")) is False
    model.apply_welcome(welcome())
    assert model.seq == 11 and model.ticket_by_number("A003") is not None


def test_an_observer_that_fails_does_not_stop_the_others_and_can_stop_observing() -> None:
    model = HallModel.from_welcome(welcome())
    seen: list[int] = []

    def broken(change: Change) -> None:
        raise RuntimeError("view gone")

    model.observe(broken)
    stop = model.observe(lambda c: seen.append(c.seq))
    model.apply_event(issued(11, "A003", "SB"))
    stop()
    model.apply_event(issued(12, "A004", "SB"))
    assert seen == [11] and model.seq == 12


# -- every role's view ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["display", "clerk", "manager"])
def test_every_role_follows_the_same_day_in_its_view(role: str) -> None:
    model = HallModel.from_welcome(as_seen_by(role, welcome()))
    for message in [
        issued(11, "A003", "SB"),
        event(
            12,
            "ticket_finished",
            ticket=f"{DAY}-A001",
            number="A001",
            window=1,
            service="SB",
            duration_s=30.0,
            staff="s1",
        ),
        called(13, "A002", 1),
        event(14, "window_closed", window=2, staff="s2"),
        event(15, "window_opened", window=2, staff="s2"),
        event(16, "staff_locked", window=3, until=T0 + 900, staff="s4", device="clerk-3"),
    ]:
        assert model.apply_event(as_seen_by(role, message)) is True
    w1, w2 = model.windows[1], model.windows[2]
    assert w1.current is not None and w1.current.number == "A002"
    assert [t.number for t in model.waiting()] == ["C001", "A003"]
    public = role == "display"
    assert w1.current.staff == (None if public else "s1")
    assert (w2.staff, w2.staff_name) == ((None, None) if public else ("s2", "职员二"))
    a003 = model.ticket_by_number("A003")
    assert a003 is not None and a003.issuer == ("kiosk-1" if role == "manager" else None)
    assert a003.request_id == ("r-11" if role == "manager" else None)
    assert [lock.staff for lock in model.lockouts_at(T0)] == ([] if public else ["s4"])
    assert model.lockouts_at(T0 + 900) == []


# -- against the engine and a real server ---------------------------------------------------


def comparable(snapshot: Snapshot) -> Snapshot:
    """What events carry of a snapshot: without waits and phone links."""
    strip = msgspec.structs.replace

    def t(x: Any) -> Any:
        return None if x is None else strip(x, status_url=None)

    return strip(
        snapshot,
        seq=None,
        waiting=tuple(t(x) for x in snapshot.waiting),
        windows=tuple(strip(w, current=t(w.current)) for w in snapshot.windows),
        services=tuple(strip(s, estimated_wait_s=0) for s in snapshot.services),
    )


def engine_day(
    zone: Collection[int] | None = None,
) -> list[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """A pure engine's day: per command, its events and the snapshot right after (with the
    latest calls of ``zone``'s windows, as the server gives a zone's board)."""
    engine = core.Engine(bundle_hall())
    now = T0

    def snapshot() -> dict[str, Any]:
        taken = engine.snapshot(now)
        if zone is not None:
            taken["recent_calls"] = recent_calls(engine.state, zone)
        return taken

    steps: list[tuple[list[dict[str, Any]], dict[str, Any]]] = [([], snapshot())]

    def run(command: object, actor: str = "kiosk-1", after: float = 7.0) -> None:
        nonlocal now
        now += after
        result = engine.execute(command, now, actor)  # type: ignore[arg-type]
        steps.append((list(result.events), snapshot()))

    run(core.OpenWindow(1, "s1"), "s1")
    for i in range(1, 10):
        run(core.TakeTicket("SB" if i % 3 else "HJ", f"r{i}", token=f"tok{i:020d}"))
    run(core.TakeTicket("YB", "r7", ticket_class=TicketClass.PRIORITY))
    run(core.CallNext(1), "s1")
    run(core.Recall(1), "s1")
    run(core.Park(1), "s1")
    run(core.OpenWindow(3, "s3"), "s3")
    run(core.CallNext(3), "s3")
    run(core.Transfer(3, to_service="HJ"), "s3")
    run(core.CallNext(1), "s1")
    run(core.Transfer(1, to_window=3), "s1")
    run(core.CallNext(3), "s3")
    run(core.Finish(3), "s3")
    run(core.InviteRating(3), "s3")
    run(core.Rate(3, 2), "bridge-1")
    first = f"{engine.day}-F001"  # the 差评's work order
    run(core.RateHall(1, aspect="guidance"), "bridge-1")  # F002, no ticket
    run(core.RateHall(5), "bridge-1")
    run(core.AssignFollowup(first, "s2"), "s4")
    run(core.ContactFollowup(first, "已联系", "phone"), "s4")
    run(core.ResolveFollowup(first, "explained", "已解释"), "s4")
    run(core.ContactFollowup(f"{engine.day}-F002", "已联系", "visit"), "s4")
    run(core.CallNext(1), "s1")
    run(core.NoShow(1), "s1")
    run(core.PauseWindow(3, PauseReason.LUNCH), "s3")
    run(core.VoidTicket(f"{engine.day}-A006", "printer_paper_out"))
    run(core.CallNext(1), "s1")
    run(core.ReportDeviceStatus("kiosk-1", "kiosk", "printer_paper_near_end"), "kiosk-1")
    run(core.OpenWindow(2, "s2"), "s2")
    run(core.Finish(1), "s1")
    run(core.CallParked(1, "A001"), "s1")
    run(core.Finish(1), "s1")
    run(core.CloseWindow(2), "s2")
    run(core.OpenWindow(2, "s1"), "s1")  # s1 moves from window 1 to 2
    run(core.TakeBundle("BIRTH", "r20", token="tok" + "b" * 19))  # 一件事: 户籍, 社保, 医保
    run(core.TakeForCitizen("s5", "p1", "c" * 8, service="SB"), "agent-1")  # 帮办代办
    run(core.OpenWindow(4, "s4"), "s4")
    run(core.CallNumber(4, "X001"), "s4")
    run(core.Finish(4), "s4")  # 户籍 done: it waits for 社保
    run(core.CallNumber(2, "X001"), "s1")
    run(core.Finish(2), "s1")  # 社保 done: 医保 at the same window
    run(core.Finish(2), "s1")  # the last step
    # 远程取号: a phone ticket waits (counted), is held, checks in and is called; another expires
    run(core.TakeRemote("HJ", "p1", "c" * 8, "check", "u" * 22), "@phone")
    run(core.TakeRemote("YB", "p2", "c" * 8, "check", "v" * 22), "@phone")
    run(core.CheckIn("C004", "kiosk", "check"))
    run(core.StartDay(), "system", after=600)  # any command: B001, held too long, expires
    run(core.TakeTicket("SB", "r8"), after=86400)  # the next day: leftovers expire
    run(core.OpenWindow(1, "s2"), "s2")
    run(core.CallNext(2), "s1")
    run(core.RerateFollowup(first, 4), "s4")  # resolved yesterday: no longer listed
    run(core.TakeTicket("SB", "r9"))
    run(core.CallNext(1), "s2")
    run(core.Rate(1, 1, moment="during"), "bridge-1")
    return steps


def test_the_engines_day_has_remote_tickets_held_checked_in_and_expired() -> None:
    events = [e for step, _ in engine_day() for e in step]
    assert {"ticket_held", "ticket_checked_in"} <= {e["type"] for e in events}
    assert [e["number"] for e in events if e.get("reason") == "checkin_late"] == ["B001"]


@pytest.mark.parametrize("role", ["kiosk", "display", "clerk", "bridge", "manager"])
def test_fed_its_stream_the_model_equals_a_snapshot_at_every_step_for_what_it_shows(
    role: str,
) -> None:
    """Each role's stream (its events, chained by ``prev``, and ``counts``) as the server
    makes it, per command as one batch: the model equals the role's fresh snapshot there."""
    view, interest = VIEWS[Role(role)], interest_of(role)
    stream = streams(0, {})[stream_name(Role(role))]
    steps = engine_day()
    first = interest.trim(view.snapshot(steps[0][1]))
    model = HallModel.from_welcome(
        {"type": "welcome", "protocol": 1, "seq": 0, "device": "d", "role": role, "snapshot": first}
    )
    seq, sent = 0, 0
    for events, snapshot in steps[1:]:
        batch = []
        for e in events:
            seq += 1
            batch.append({**e, "seq": seq})
        counts = {s["code"]: (s["waiting"], s["issued_today"]) for s in snapshot["services"]}
        # Each step is a batch followed by the counts' flush (a later, eventless batch).
        frames = stream.batch(batch) + stream.counts(counts, seq, T0, snapshot["day"])
        for frame in frames:
            message = json.loads(frame)
            assert model.apply_event(message), message
            sent += message["kind"] != "counts"
        fresh = HallModel()
        trimmed = interest.trim(view.snapshot(snapshot))
        assert fresh.apply_snapshot({"type": "snapshot", "seq": seq, **trimmed})
        shown = interest.shown
        assert shown(comparable(model.snapshot())) == shown(comparable(fresh.snapshot())), events
    assert not model.needs_resync and sent >= 5
    assert (sent < seq) == (role != "manager")  # every role but the manager's skips some


ZONES = (Zone("front", "前厅", (1, 2), "Front"), Zone("back", "后厅", (3, 4), "Back"))


@pytest.mark.parametrize("zone", ZONES, ids=[z.name for z in ZONES])
def test_fed_its_zones_stream_a_boards_model_equals_its_zones_snapshot_at_every_step(
    zone: Zone,
) -> None:
    """A zone's board: its stream (``board:<zone>``) is sent no event naming a window of the
    other zone, yet its model equals its zone's fresh snapshot at every step of a day that
    moves tickets across zones (a transfer from window 1 to window 3, a clerk moving from
    window 1 to 2)."""
    hall = replace(bundle_hall(), zones=ZONES)
    view = VIEWS[Role.DISPLAY]
    stream = zone_streams(hall, 0, {})[f"board:{zone.name}"]
    interest = stream.interest
    assert interest is not None and interest.windows == set(zone.windows)
    steps = engine_day(zone.windows)
    first = interest.trim(view.snapshot(steps[0][1]))
    assert [w["number"] for w in first["windows"]] == list(zone.windows)
    model = HallModel.from_welcome(
        {"type": "welcome", "protocol": 1, "seq": 0, "device": "d", "role": "display"}
        | {"snapshot": first}
    )
    seq, sent, elsewhere = 0, [], 0
    for events, snapshot in steps[1:]:
        batch = []
        for e in events:
            seq += 1
            batch.append({**e, "seq": seq})
            elsewhere += e.get("window") not in (None, *zone.windows)
        counts = {s["code"]: (s["waiting"], s["issued_today"]) for s in snapshot["services"]}
        frames = stream.batch(batch) + stream.counts(counts, seq, T0, snapshot["day"])
        for frame in frames:
            message = json.loads(frame)
            assert message.get("window") in (None, *zone.windows), message
            assert model.apply_event(message), message
            sent.append(message)
        fresh = HallModel()
        trimmed = interest.trim(view.snapshot(snapshot))
        assert fresh.apply_snapshot({"type": "snapshot", "seq": seq, **trimmed})
        shown = interest.shown
        assert shown(comparable(model.snapshot())) == shown(comparable(fresh.snapshot())), events
        assert set(model.windows) == set(zone.windows)
        assert all(c.window in zone.windows for c in model.recent_calls)
    assert not model.needs_resync and elsewhere > 5
    kinds = {m["kind"] for m in sent}
    assert {"ticket_called", "ticket_transferred", "day_started", "counts"} <= kinds


def test_a_lost_event_of_a_filtered_stream_is_a_gap_and_a_counts_may_repeat_a_seq() -> None:
    model = HallModel.from_welcome(welcome(seq=10))
    recorder = Recorder(model)
    counted = {"SB": {"waiting": 4, "issued_today": 6}}
    assert model.apply_event({**called(14, "A002", 1), "prev": 9})  # 11 to 13: not its kinds
    assert model.apply_event({**event(14, "counts", services=counted), "prev": 14})
    assert counts(model, "SB") == (4, 6, 1)
    assert model.apply_event({**event(20, "window_closed", window=2), "prev": 14})
    assert not model.apply_event({**event(20, "window_closed", window=2), "prev": 14})  # again
    assert not model.apply_event({**event(23, "window_opened", window=2), "prev": 22})  # 22 lost
    assert model.needs_resync and recorder.resyncs == [20]


def test_the_model_keeps_the_days_recent_calls_as_the_server_does() -> None:
    """Fed the engine's day, a board's model lists the same latest calls as a fresh snapshot
    (newest first, a recall moved up, emptied by the new day) and says when they change."""
    view = VIEWS[Role.DISPLAY]
    steps = engine_day()
    model = HallModel.from_welcome(
        {
            "type": "welcome",
            "protocol": 1,
            "seq": 0,
            "device": "d",
            "role": "display",
            "snapshot": view.of(steps[0][1]),
        }
    )
    changes: list[Change] = []
    model.observe(changes.append)
    seq, longest = 0, 0
    for events, snapshot in steps[1:]:
        for e in events:
            seq += 1
            model.apply_event(view.of(event_message({**e, "seq": seq})))
            assert changes[-1].calls == (
                e["type"] == "ticket_called" or (e["type"] == "day_started" and longest > 0)
            )
            longest = len(model.recent_calls)
        assert [c.number for c in model.recent_calls] == [
            c["number"] for c in snapshot["recent_calls"]
        ]
        assert all("staff" not in c for c in view.of(snapshot)["recent_calls"])
    # The next day's calls only, newest first: A001, then A002.
    assert [c.number for c in model.recent_calls] == ["A002", "A001"]
    assert RECENT_CALLS == RECENT_CALLS_KEPT


def test_a_board_model_equals_a_fresh_snapshot_of_a_real_server(tmp_path: Path) -> None:
    async def body() -> None:
        async with running(tmp_path) as hall:
            await hall.clerk(1, "s1")
            board = await hall.client("board-1")
            assert board.welcome is not None
            model = HallModel.from_welcome(board.welcome)
            kiosk = await hall.client("kiosk-1")
            for i in range(6):
                await kiosk.request(
                    "take_ticket", service=("SB", "YB", "HJ")[i % 3], request_id=f"k-{i}"
                )
            c1 = hall.clients[0]
            c3 = await hall.clerk(3, "s3")
            await c1.request("call_next", window=1)
            await c1.request("park", window=1)
            await c1.request("call_next", window=1)
            await c1.request("transfer", window=1, to_service="HJ")
            await c3.request("call_next", window=3)
            await c3.request("finish", window=3)
            await c3.request("invite_rating", window=3)
            await c1.request("call_next", window=1)
            await c1.request("no_show", window=1)
            await c1.request("pause", window=1, reason="meeting")
            await c3.request("call_next", window=3)
            await kiosk.request("device_status", status="printer_paper_near_end")
            fresh = await board.request("snapshot")
            snap = HallModel()
            assert snap.apply_snapshot(fresh)
            shown = interest_of("display").shown
            kinds: list[str] = []
            # Up to the last event, and the counts that come with or a moment after the last
            # change (the model's seq is the last it was sent: a manager's alert may follow).
            while "device_status" not in kinds or shown(comparable(model.snapshot())) != shown(
                comparable(snap.snapshot())
            ):
                message = await board.next_event()
                assert model.apply_event(message) is True
                kinds.append(message["kind"])
            assert "ticket_issued" not in kinds and "counts" in kinds  # a board's stream
            assert model.windows[1].pause_reason == "meeting"
            assert shown(comparable(model.snapshot())) == shown(comparable(snap.snapshot()))
            assert model.windows[1].staff_name == "职员s1"  # logged in before the welcome
            assert model.windows[3].staff_name == "职员s3"  # after it: the event names the clerk

    asyncio.run(body())
