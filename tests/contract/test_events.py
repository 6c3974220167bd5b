"""Every event the engine emits reads as its contract type, in every role's view."""

from __future__ import annotations

from dataclasses import replace

import msgspec
from hallkit import bundle_hall

from contract.events import (
    EVENT_TYPES,
    TicketCalled,
    TicketIssued,
    UnknownEvent,
    decode_event,
)
from queue_server import core
from queue_server.core.appointments import (
    BookAppointment,
    CancelAppointment,
    RebookAppointment,
    SweepAppointments,
)
from queue_server.core.model import PauseReason, RatingMoment, TicketClass
from queue_server.core.state import APPLIERS
from queue_server.protocol import event_message
from queue_server.views import PRIVATE_KINDS, VIEWS

T0 = 1795312800.0  # a weekday morning in Asia/Shanghai


def every_kind_of_event() -> list[dict[str, object]]:
    hall = bundle_hall()
    every_moment = replace(hall.ratings, moments=frozenset(RatingMoment))
    engine = core.Engine(replace(hall, ratings=every_moment))
    events: list[dict[str, object]] = []
    now = T0

    def run(command: object, actor: str = "kiosk-1", after: float = 1.0) -> core.Result:
        nonlocal now
        now += after
        result = engine.execute(command, now, actor)  # type: ignore[arg-type]
        events.extend(result.events)
        return result

    ticket = run(core.TakeTicket("SB", "r1", citizen_hash="h" * 8, token="t" * 22))
    run(core.TakeTicket("SB", "r2"))
    run(core.TakeTicket("SB", "r3"))
    run(core.VoidTicket(ticket.reply["ticket"]["id"], "printer_paper_out"))
    run(core.OpenWindow(1, "s1"), "s1")
    run(core.CallNext(1), "s1")
    run(core.Recall(1), "s1")
    run(core.Park(1), "s1")
    run(core.CallNext(1), "s1")
    run(core.Transfer(1, to_window=2), "s1")
    run(core.TakeTicket("SB", "r4"))
    run(core.CallNext(1), "s1")
    run(core.NoShow(1), "s1")
    run(core.TakeTicket("SB", "r5"))
    run(core.CallNext(1), "s1")
    run(core.Finish(1), "s1")
    run(core.InviteRating(1), "s1")
    run(core.Rate(1, 1), "bridge-1")  # 差评: a follow-up opens
    run(core.Rate(1, 4), "bridge-1")  # one rating per ticket: rejected
    run(core.RateHall(1, aspect="environment"), "bridge-1")  # 未办先评: a work order opens
    followup = engine.day and f"{engine.day}-F001"
    assert followup is not None
    run(core.AssignFollowup(followup, "s2"), "s3")
    run(core.ContactFollowup(followup, "已电话联系", "phone"), "s3")
    run(core.ResolveFollowup(followup, "fixed", "已整改"), "s3")
    run(core.RerateFollowup(followup, 4), "s3")
    run(core.PauseWindow(1, PauseReason.LUNCH), "s1")
    run(core.ResumeWindow(1), "s1")
    run(core.CloseWindow(1), "s1")
    run(core.ReportDeviceStatus("kiosk-1", "kiosk", "printer_paper_out"), "kiosk-1")
    run(core.MarkPresence("board-1", "display", online=True), "board-1")
    evaluator = core.PartReport("evaluator-3", "evaluator", "silent", online=False, window=1)
    run(core.ReportParts("bridge-1", "bridge", (evaluator,)), "bridge-1")
    assert run(core.MarkPresence("board-1", "display", online=True), "board-1").events == []
    run(core.ManagerLogIn("manager-1", "s4"), "s4")
    run(core.PostNotice("今日下午系统升级", "System upgrade this afternoon"), "s4")
    run(core.CheckAlerts(), "system")  # the printer is out of paper: an alert
    run(core.AckAlert("paper:kiosk-1", "已换纸"), "s4")
    run(core.ReportDeviceStatus("kiosk-1", "kiosk", "ok"), "kiosk-1")
    run(core.CheckAlerts(), "system")  # acknowledged and gone: cleared
    run(core.ManagerLogOut("manager-1", "s4"), "s4")
    run(BookAppointment("SB", engine.day or "", "11:00", "h" * 8, "10000001"))
    run(BookAppointment("SB", engine.day or "", "11:00", "g" * 8, "10000002"))
    run(BookAppointment("SB", engine.day or "", "11:30", "f" * 8, "10000003"))
    run(RebookAppointment("10000002", "g" * 8, engine.day or "", "11:30"))
    run(CancelAppointment("10000003", "f" * 8))
    code = {"appointment_code": "10000001"}
    run(core.TakeTicket("SB", "y1", TicketClass.APPOINTMENT, **code), after=T0 + 3600 - now)
    run(SweepAppointments(), "system", after=3600)  # 10000002 never came
    # 远程取号: taken on a phone, held near the front, checked in; another held past its deadline
    run(core.TakeRemote("YB", "p1", "c" * 8, "check", "u" * 22), "@phone")
    run(core.CheckIn("B001", "kiosk", "check"))
    run(core.TakeRemote("HJ", "p2", "c" * 8, "check", "v" * 22), "@phone")
    run(core.CheckAlerts(), "system", after=3600)  # not checked in in time: expired
    run(core.TakeBundle("BIRTH", "r7"))  # 一件事: 户籍 at window 4, then 社保 and 医保
    run(core.OpenWindow(4, "s2"), "s2")
    run(core.CallNext(4), "s2")
    run(core.Finish(4), "s2")  # a step done: it waits for 社保
    run(core.TakeForCitizen("s5", "r8", "c" * 8, service="SB"), "agent-1")  # 帮办代办
    run(core.TakeTicket("SB", "r6"), after=86400)  # the next day: leftovers expire
    events.append(
        {
            "type": "staff_locked",
            "at": now,
            "day": engine.day,
            "actor": "clerk-1",
            "staff": "s1",
            "device": "clerk-1",
            "window": 1,
            "until": now + 900,
        }
    )
    return [{**e, "seq": i} for i, e in enumerate(events, 1)]


def test_the_contract_has_a_type_for_every_event_the_engine_applies() -> None:
    # `counts` is the server's summary of a batch for kiosks and boards, not in the log.
    assert set(EVENT_TYPES) - {"counts"} == set(APPLIERS)


def test_every_event_decodes_in_every_view() -> None:
    events = every_kind_of_event()
    assert {e["type"] for e in events} == set(EVENT_TYPES) - {"counts"}
    for view in set(VIEWS.values()):
        for event in events:
            message = view.event(event)
            decoded = decode_event(message)
            if event["type"] in PRIVATE_KINDS and not view.private:  # a stand-in: seq moves
                assert decoded == UnknownEvent(kind="private", seq=int(str(event["seq"])))
                assert set(message) == {"type", "kind", "seq", "at", "day"}
                continue
            assert type(decoded) is EVENT_TYPES[str(event["type"])], event
            assert msgspec.structs.asdict(decoded)["seq"] == event["seq"]


def test_the_public_view_reads_without_private_fields() -> None:
    events = every_kind_of_event()
    public = VIEWS[next(iter(r for r in VIEWS if r.value == "display"))]
    issued = next(e for e in events if e["type"] == "ticket_issued")
    decoded = decode_event(public.of(event_message(issued)))
    assert isinstance(decoded, TicketIssued)
    assert (decoded.citizen_hash, decoded.token, decoded.request_id, decoded.actor) == (
        None,
        None,
        None,
        None,
    )
    called = next(e for e in events if e["type"] == "ticket_called")
    decoded_call = decode_event(public.of(event_message(called)))
    assert isinstance(decoded_call, TicketCalled) and decoded_call.staff is None


def test_an_unknown_kind_is_kept_not_refused() -> None:
    assert decode_event({"type": "event", "kind": "board_exploded", "seq": 9}) == UnknownEvent(
        kind="board_exploded", seq=9
    )


def test_the_rating_and_work_order_events_decode_in_every_view() -> None:
    """好差评 and 差评 work orders: every view reads them; the public one without the notes
    and the owner."""
    kinds = {"rating_recorded", "rating_rejected", "hall_rated"} | {
        k for k in EVENT_TYPES if k.startswith("followup_")
    }
    events = [e for e in every_kind_of_event() if e["type"] in kinds]
    assert {e["type"] for e in events} == kinds
    public = VIEWS[next(iter(r for r in VIEWS if r.value == "display"))]
    for view in set(VIEWS.values()):
        for event in events:
            decoded = decode_event(view.of(event_message(event)))
            assert type(decoded) is EVENT_TYPES[str(event["type"])], event
            if view is public:
                fields = msgspec.structs.asdict(decoded)
                assert fields.get("note") is None and fields.get("owner") is None, fields
