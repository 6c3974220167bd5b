"""The clerk's model without Qt: literal welcomes and events fed to the live hall model."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from typing import Any

import pytest

from clerk.model import Action, ClerkModel, LinkState, WindowMode, call_reason
from contract.hall import HallModel

DAY = "2026-11-22"


def window(
    state: str = "open",
    current: dict[str, Any] | None = None,
    parked: Iterable[str] = (),
    last_rating: dict[str, Any] | None = None,
    staff: str | None = "s3",
    pause_reason: str | None = None,
    number: int = 3,
    last_served: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "number": number,
        "name": f"{number}号窗口",
        "state": state,
        "staff": staff,
        "staff_name": f"职员{staff}" if staff else None,
        "current": current,
        "services": ["SB", "YB", "HJ"],
        "parked": list(parked),
        "last_rating": last_rating,
        "last_served": last_served,
        "pause_reason": pause_reason,
    }


def ticket(
    number: str,
    service: str = "SB",
    state: str = "waiting",
    window_no: int | None = None,
    called_at: float | None = None,
    cls: str = "normal",
    issued_at: float = 100.0,
    target: int | None = None,
) -> dict[str, Any]:
    return {
        "id": f"{DAY}-{number}",
        "number": number,
        "service": service,
        "class": cls,
        "state": state,
        "issued_at": issued_at,
        "window": window_no,
        "called_at": called_at,
        "target_window": target,
        "reason": {
            "rule": "normal",
            "text_zh": "按取号先后顺序呼叫",
            "text_en": "Called in order of arrival",
        },
    }


def snapshot(
    win: dict[str, Any] | None = None, waiting: Iterable[dict[str, Any]] = ()
) -> dict[str, Any]:
    return {
        "day": DAY,
        "waiting": list(waiting),
        "windows": [window(number=1, staff="s1"), win or window(state="closed", staff=None)],
        "services": [
            {"code": "SB", "name_zh": "社保", "name_en": "Social Insurance"},
            {"code": "YB", "name_zh": "医保", "name_en": "Medical Insurance"},
            {"code": "HJ", "name_zh": "户籍", "name_en": "Household Registration"},
            {"code": "GS", "name_zh": "工商", "name_en": "Business"},
        ],
    }


def welcome(snap: dict[str, Any], seq: int = 10, timezone: str = "") -> dict[str, Any]:
    return {
        "type": "welcome",
        "protocol": 1,
        "seq": seq,
        "device": "clerk-3",
        "role": "clerk",
        "window": 3,
        "snapshot": snap,
        "hall": {
            "name_zh": "测试县政务服务中心",
            "name_en": "Test County Service Center",
            "timezone": timezone,
        },
    }


def event(seq: int, kind: str, **fields: Any) -> dict[str, Any]:
    return {"type": "event", "seq": seq, "kind": kind, "at": 1000.0 + seq, "day": DAY, **fields}


def issued(seq: int, number: str, service: str = "SB", cls: str = "normal") -> dict[str, Any]:
    return event(
        seq,
        "ticket_issued",
        ticket=f"{DAY}-{number}",
        number=number,
        service=service,
        prefix=number[0],
        sequence=int(number[1:]),
        order=seq,
        ahead=0,
        estimated_wait_s=0,
        **{"class": cls},
    )


def called(
    seq: int, number: str, win: int = 3, service: str = "SB", recall: bool = False
) -> dict[str, Any]:
    return event(
        seq,
        "ticket_called",
        ticket=f"{DAY}-{number}",
        number=number,
        window=win,
        staff="s3",
        service=service,
        recall=recall,
        reason={"rule": "normal", "text_zh": "按取号先后顺序呼叫", "text_en": "In order"},
    )


def connected(snap: dict[str, Any] | None = None, seq: int = 10, timezone: str = "") -> ClerkModel:
    """A model of window 3 whose live hall model has had a welcome, as the link feeds it."""
    hall = HallModel()
    m = ClerkModel(3, hall)
    hall.observe(m.hall_changed)
    hall.apply_welcome(welcome(snap or snapshot(), seq, timezone))
    m.welcomed()
    return m


def signed_in(waiting: Iterable[dict[str, Any]] = (), **win: Any) -> ClerkModel:
    """A model logged in at window 3, open under s3."""
    m = connected(snapshot(window(**win), waiting))
    m.signed_in("s3")
    return m


def feed(m: ClerkModel, *events: dict[str, Any]) -> None:
    for e in events:
        assert m.hall.apply_event(e), e


def test_the_model_imports_no_qt() -> None:
    code = "import sys, clerk.model, clerk.texts; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_before_connecting_nothing_is_possible() -> None:
    m = ClerkModel(3)
    assert (m.link, m.mode, m.logged_in) == (LinkState.UNKNOWN, WindowMode.UNKNOWN, False)
    assert m.enabled_actions() == frozenset()


def test_welcome_then_login_opens_an_idle_window() -> None:
    m = connected(snapshot(waiting=[ticket("A001"), ticket("C001", "HJ")]))
    seen = []
    m.subscribe(lambda: seen.append(m.mode))
    assert m.link is LinkState.ONLINE and m.mode is WindowMode.CLOSED and not m.logged_in
    assert m.hall_zh == "测试县政务服务中心" and m.window_name == "3号窗口"
    assert m.enabled_actions() == frozenset()  # not logged in on this connection
    feed(m, event(11, "window_opened", window=3, staff="s3", staff_name="职员s3"))
    m.signed_in("s3")
    assert m.logged_in and m.staff_name == "职员s3" and m.link is LinkState.SIGNED_IN
    assert m.mode is WindowMode.IDLE and m.waiting_here == 2
    assert m.enabled_actions() == {
        Action.CALL_NEXT,
        Action.CALL_NUMBER,
        Action.PAUSE,
        Action.LOGOUT,
    }
    assert seen[-1] is WindowMode.IDLE


def test_waiting_counts_only_what_this_window_may_call() -> None:
    m = signed_in(
        waiting=[
            ticket("A001"),
            ticket("D001", "GS"),
            ticket("B001", "YB", target=1),
            ticket("B002", "YB", target=3),
        ]
    )
    assert [t.number for t in m.callable_here()] == ["A001", "B002"]
    assert m.waiting_by_service() == [("SB", 1), ("YB", 1), ("HJ", 0)]
    feed(m, issued(11, "A002"), issued(12, "D002", "GS"))
    assert m.waiting_here == 3
    feed(m, called(13, "A001", win=1))  # another window took it
    assert m.waiting_here == 2 and m.current is None


def test_the_screen_redraws_only_for_what_shows_here() -> None:
    m = signed_in(waiting=[ticket("D001", "GS")])
    redraws = []
    m.subscribe(lambda: redraws.append(m.hall.seq))
    feed(m, issued(11, "D002", "GS"))  # a service window 3 does not serve
    feed(m, event(12, "window_paused", window=1, staff="s1", reason="lunch"))  # another window
    feed(m, called(13, "D001", win=1, service="GS"))
    assert redraws == []
    feed(m, issued(14, "A001"))  # one more for window 3
    feed(m, event(15, "window_paused", window=3, staff="s3"))
    assert redraws == [14, 15]
    m.hall.apply_event(issued(17, "A002"))  # 16 went missing: stale until a snapshot
    assert m.hall.needs_resync and redraws == [14, 15, 15]


def test_call_next_with_nobody_waiting_is_off() -> None:
    m = signed_in()
    assert not m.enabled(Action.CALL_NEXT) and not m.enabled(Action.CALL_NUMBER)
    feed(m, issued(11, "A001"))
    assert m.enabled(Action.CALL_NEXT)


def test_a_call_event_makes_the_window_serve() -> None:
    m = signed_in(waiting=[ticket("A001", cls="priority")])
    feed(m, called(11, "A001"))
    assert m.mode is WindowMode.SERVING
    assert m.current is not None
    assert (m.current.number, m.current.ticket_class, m.current.called_at) == (
        "A001",
        "priority",
        1011.0,
    )
    assert call_reason(m.current) == ("按取号先后顺序呼叫", "In order")
    assert m.waiting_here == 0
    assert m.enabled_actions() == {
        Action.RECALL,
        Action.NO_SHOW,
        Action.FINISH,
        Action.TRANSFER,
        Action.PARK,
    }
    feed(m, called(12, "A001", recall=True))
    assert m.current is not None
    assert m.current.called_at == 1011.0  # a recall does not restart the counter


def test_served_seconds_count_from_the_servers_call_time() -> None:
    m = signed_in(current=ticket("A001", state="called", window_no=3, called_at=1000.0))
    assert m.served_seconds(1065.9) == 65
    m.set_server_time(2000.0, local_now=1900.0)  # the server's clock runs 100 s ahead
    assert m.served_seconds(1000.0) == 100
    assert signed_in().served_seconds(5000.0) is None


def test_an_action_waits_for_the_live_model_to_see_its_events() -> None:
    """The reply comes before its events: what waits for seq 12 runs once 12 is applied."""
    m = signed_in(waiting=[ticket("A001")])
    m.set_pending(Action.CALL_NEXT)
    done: list[str] = []
    m.when_seen(12, lambda: done.append(m.current.number if m.current else ""))
    feed(m, issued(11, "A002"))
    assert done == [] and m.busy
    feed(m, called(12, "A001"))
    assert done == ["A001"]
    m.when_seen(12, lambda: done.append("now"))  # seen already
    assert done == ["A001", "now"]
    m.when_seen(13, lambda: done.append("never"))
    m.set_link(LinkState.OFFLINE)  # forgotten with the connection
    feed(m, issued(13, "A003"))
    assert done == ["A001", "now"] and not m.busy


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("ticket_finished", {"duration_s": 5, "staff": "s3"}),
        ("ticket_no_show", {}),
        ("ticket_parked", {}),
        ("ticket_transferred", {"from_service": "SB", "to_service": "YB"}),
    ],
)
def test_ending_a_service_returns_to_idle(kind: str, extra: dict[str, Any]) -> None:
    m = signed_in(current=ticket("A001", state="called", window_no=3, called_at=1000.0))
    if kind != "ticket_transferred":
        extra = {"service": "SB", **extra}
    feed(m, event(11, kind, ticket=f"{DAY}-A001", number="A001", window=3, **extra))
    assert m.mode is WindowMode.IDLE and m.current is None
    if kind == "ticket_parked":
        assert m.parked == ["A001"] and m.enabled(Action.CALL_PARKED)
    if kind == "ticket_transferred":
        assert m.hall.tickets[f"{DAY}-A001"].service == "YB" and m.waiting_here == 1
    if kind == "ticket_finished":
        assert m.rate_target is not None
        assert m.rate_target.number == "A001" and m.enabled(Action.INVITE_RATING)
    else:
        assert not m.enabled(Action.INVITE_RATING)


def test_a_ticket_transferred_to_another_window_does_not_wait_here() -> None:
    m = signed_in(current=ticket("A001", state="called", window_no=3, called_at=1000.0))
    feed(
        m,
        event(
            11,
            "ticket_transferred",
            ticket=f"{DAY}-A001",
            number="A001",
            window=3,
            from_service="SB",
            to_service="SB",
            to_window=1,
        ),
    )
    assert m.waiting_here == 0 and m.hall.tickets[f"{DAY}-A001"].target_window == 1


def test_parked_ticket_called_back_leaves_the_parked_list() -> None:
    m = signed_in(parked=["A001", "A004"])
    feed(
        m,
        event(
            11,
            "ticket_called",
            ticket=f"{DAY}-A004",
            number="A004",
            window=3,
            service="SB",
            recall=False,
            reason={"rule": "parked"},
        ),
    )
    assert m.parked == ["A001"] and m.current is not None and m.current.number == "A004"


def test_pause_allows_only_resume_and_sign_out() -> None:
    m = signed_in(waiting=[ticket("A001")], parked=["A009"])
    feed(m, event(11, "window_paused", window=3, staff="s3"))
    assert m.mode is WindowMode.PAUSED
    assert m.enabled_actions() == {Action.RESUME, Action.LOGOUT}
    feed(m, event(12, "window_resumed", window=3, staff="s3"))
    assert m.mode is WindowMode.IDLE and m.enabled(Action.CALL_NEXT) and m.enabled(Action.PAUSE)


def test_no_sign_out_while_a_paused_window_still_serves() -> None:
    """A keypad can pause a window in the middle of a ticket; the server refuses to close it."""
    m = signed_in(current=ticket("A001", state="called", window_no=3, called_at=1000.0))
    feed(m, event(11, "window_paused", window=3, staff="s3", reason="fault"))
    assert m.mode is WindowMode.PAUSED and m.enabled_actions() == {Action.RESUME}


def test_the_pause_reason_comes_from_the_window_and_the_events() -> None:
    m = signed_in(state="paused", pause_reason="lunch")
    assert m.pause_reason == "lunch"
    feed(m, event(11, "window_resumed", window=3, staff="s3"))
    assert m.pause_reason is None
    feed(m, event(12, "window_paused", window=3, staff="s3", reason="meeting"))
    assert m.pause_reason == "meeting"
    feed(m, event(13, "window_paused", window=1, staff="s1", reason="fault"))
    assert m.pause_reason == "meeting"  # another window's
    feed(m, event(14, "window_paused", window=3, staff="s3", reason="away"))
    assert m.pause_reason == "away"
    feed(m, event(15, "window_closed", window=3, staff="s3"))
    assert m.pause_reason is None


@pytest.mark.parametrize("sent", [None, "", "x" * 500])
def test_a_missing_or_outlandish_pause_reason_counts_as_none(sent: str | None) -> None:
    m = signed_in(state="paused", pause_reason=sent)
    assert m.mode is WindowMode.PAUSED and m.pause_reason is None
    m = signed_in(state="open", pause_reason="lunch")  # not paused: no reason, whatever it says
    assert m.pause_reason is None
    feed(m, event(11, "window_paused", window=3, staff="s3", reason="x" * 500))
    assert m.pause_reason is None


def test_ratings_for_this_window_show_and_bad_ones_are_marked() -> None:
    m = signed_in(current=ticket("A001", state="called", window_no=3, called_at=1000.0))
    feed(
        m,
        event(
            11,
            "ticket_finished",
            ticket=f"{DAY}-A001",
            number="A001",
            window=3,
            service="SB",
            staff="s3",
            duration_s=3,
        ),
    )
    assert not m.invited
    feed(m, event(12, "rating_invited", ticket=f"{DAY}-A001", number="A001", window=3))
    assert m.invited
    rating = {"service": "SB", "source": "evaluator"}
    feed(
        m,
        event(
            13,
            "rating_recorded",
            ticket=f"{DAY}-B007",
            number="B007",
            window=1,
            score=1,
            level="VERY_DISSATISFIED",
            bad=True,
            **rating,
        ),
    )
    assert m.last_rating is None  # another window's
    feed(
        m,
        event(
            14,
            "rating_recorded",
            ticket=f"{DAY}-A001",
            number="A001",
            window=3,
            score=2,
            level="DISSATISFIED",
            bad=True,
            **rating,
        ),
    )
    assert (m.last_rating.number, m.last_rating.score, m.last_rating.bad) == ("A001", 2, True)
    assert m.rate_target is None and not m.invited and not m.enabled(Action.INVITE_RATING)


def test_offline_turns_every_button_off_and_back() -> None:
    m = signed_in(waiting=[ticket("A001")])
    m.set_link(LinkState.OFFLINE)
    assert m.enabled_actions() == frozenset() and m.logged_in  # the session is kept
    m.hall.apply_welcome(welcome(snapshot(window(), [ticket("A001")]), seq=20))
    m.welcomed()
    assert m.link is LinkState.ONLINE and m.enabled_actions() == frozenset()  # not yet re-logged
    m.signed_in("s3")
    assert m.enabled(Action.CALL_NEXT)


def test_an_action_on_its_way_sends_nothing_more() -> None:
    m = signed_in(waiting=[ticket("A001")])
    m.set_pending(Action.CALL_NEXT)
    assert m.busy and m.enabled_actions() == frozenset()
    m.set_pending(None)
    assert m.enabled(Action.CALL_NEXT)


def test_closing_the_window_elsewhere_signs_the_app_out() -> None:
    m = signed_in()
    feed(m, event(11, "window_closed", window=3, staff="s3"))
    assert not m.logged_in and m.mode is WindowMode.CLOSED and m.link is LinkState.ONLINE


def test_closing_it_by_its_own_sign_out_waits_for_the_reply() -> None:
    m = signed_in()
    m.set_pending(Action.LOGOUT)
    feed(m, event(11, "window_closed", window=3, staff="s3"))
    assert m.logged_in and m.mode is WindowMode.CLOSED  # the reply's handler signs out


def test_a_welcome_of_a_serving_window_restores_everything() -> None:
    rating = {
        "ticket": f"{DAY}-A001",
        "number": "A001",
        "score": 5,
        "level": "VERY_SATISFIED",
        "bad": False,
        "at": 900.0,
    }
    win = window(
        current=ticket("B003", "YB", "called", 3, 990.0, cls="appointment"),
        parked=["A002"],
        last_rating=rating,
        last_served={"id": f"{DAY}-A001", "number": "A001", "rated": True},
    )
    m = connected(snapshot(win))
    m.signed_in("s3")
    assert m.mode is WindowMode.SERVING and m.current is not None and m.current.number == "B003"
    assert m.parked == ["A002"] and m.last_rating is not None
    assert m.last_rating.score == 5 and not m.last_rating.bad
    assert m.rate_target is None
    assert m.service_name("YB") == "医保" and m.service_name("YB", "en") == "Medical Insurance"
    assert m.window_names() == {1: "1号窗口", 3: "3号窗口"}


def test_expired_and_voided_tickets_leave_the_queue() -> None:
    m = signed_in(waiting=[ticket("A001"), ticket("A002")], parked=["A003"])
    feed(
        m,
        event(
            11,
            "ticket_voided",
            ticket=f"{DAY}-A001",
            number="A001",
            service="SB",
            reason="printer_paper_out",
        ),
    )
    feed(m, event(12, "day_started", previous=DAY))
    feed(m, event(13, "ticket_expired", ticket=f"{DAY}-A002", number="A002", was="waiting"))
    feed(
        m, event(14, "ticket_expired", ticket=f"{DAY}-A003", number="A003", was="parked", window=3)
    )
    assert m.waiting_here == 0 and m.parked == []


def test_logout_only_when_idle_and_signed_out_clears_the_session() -> None:
    m = signed_in(current=ticket("A001", state="called", window_no=3, called_at=1000.0))
    assert not m.enabled(Action.LOGOUT)
    feed(
        m,
        event(
            11,
            "ticket_finished",
            ticket=f"{DAY}-A001",
            number="A001",
            window=3,
            service="SB",
            staff="s3",
            duration_s=3,
        ),
    )
    assert m.enabled(Action.LOGOUT)
    m.signed_out()
    assert not m.logged_in and m.link is LinkState.ONLINE and m.enabled_actions() == frozenset()


def test_the_clock_shows_the_halls_time_whatever_the_machines_zone() -> None:
    m = connected(timezone="Asia/Shanghai")
    assert m.hall_clock(1795312800.0) == "2026-11-22  10:00"  # 02:00 UTC
    m.hall.apply_welcome(welcome(snapshot(), timezone="Mars/Olympus_Mons"))  # unknown
    assert m.hall_tz is None  # the machine's own zone
