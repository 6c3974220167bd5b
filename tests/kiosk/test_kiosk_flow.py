"""The kiosk flow as a plain state machine: literal inputs, literal effects, no Qt."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from kioskkit import take_of

from contract.hall import HallModel
from contract.records import Service
from kiosk.flow import (
    Failure,
    KioskFlow,
    Lane,
    PrinterHealth,
    PrintTicket,
    ReportDevice,
    RequestIds,
    Settings,
    Stage,
    TakeRequest,
    TakeTicket,
    VoidTicket,
    service_name,
    unavailable_reason,
)

SERVICES = [
    {
        "code": "SB",
        "name_zh": "社保",
        "name_en": "Social Insurance",
        "category": "社会保障",
        "waiting": 3,
        "open": True,
        "closed_reason": None,
        "priority": True,
        "appointments": True,
    },
    {
        "code": "YB",
        "name_zh": "医保",
        "name_en": "Medical Insurance",
        "category": "社会保障",
        "waiting": 0,
        "open": False,
        "closed_reason": "quota",
        "priority": True,
        "appointments": True,
    },
    {
        "code": "HJ",
        "name_zh": "户籍",
        "name_en": "Household Registration",
        "category": "公安服务",
        "waiting": 1,
        "open": True,
        "closed_reason": None,
        "priority": False,
        "appointments": True,
    },
    {
        "code": "CR",
        "name_zh": "出入境",
        "name_en": "Exit and Entry",
        "category": "公安服务",
        "waiting": 0,
        "open": False,
        "closed_reason": "closed",
        "priority": True,
        "appointments": True,
    },
]


def welcome(services: list[dict[str, Any]] = SERVICES) -> dict[str, Any]:
    return {
        "type": "welcome",
        "protocol": 1,
        "seq": 0,
        "device": "kiosk-1",
        "role": "kiosk",
        "hall": {"name_zh": "测试中心", "name_en": "Test", "timezone": "Asia/Shanghai"},
        "snapshot": {"day": "2026-11-22", "services": services},
    }


def event(seq: int, kind: str, **fields: object) -> dict[str, Any]:
    """An event as the server pushes it (`type`, `seq`, `kind`, `at`, `day` and its fields)."""
    at = 1795312400.0 + seq
    return {"type": "event", "seq": seq, "kind": kind, "at": at, "day": "2026-11-22", **fields}


def issued(seq: int, number: str = "A005") -> dict[str, Any]:
    """Another kiosk's tap: a ticket of 社保 (SB)."""
    fields = {"ticket": f"2026-11-22-{number}", "number": number, "prefix": "A", "class": "normal"}
    return event(
        seq,
        "ticket_issued",
        **fields,
        sequence=seq,
        order=seq,
        service="SB",
        ahead=0,
        estimated_wait_s=0,
    )


def ticket(number: str = "A004", state: str = "waiting") -> dict[str, Any]:
    return {
        "id": f"2026-11-22-{number}",
        "number": number,
        "service": "SB",
        "state": state,
        "class": "normal",
        "ahead": 3,
        "estimated_wait_s": 900,
        "issued_at": 1795312345.0,
    }


def ready(**settings: Any) -> KioskFlow:
    """A kiosk online, with a healthy printer, showing the home screen."""
    hall = HallModel.from_welcome(welcome())
    flow = KioskFlow(RequestIds("kiosk-1", "b1"), Settings(**settings), hall)
    hall.observe(flow.hall_changed)
    assert flow.set_online(True) == []  # nothing to report before the printer was read
    assert flow.printer_status(PrinterHealth.OK) == [ReportDevice("ok")]
    assert flow.stage is Stage.IDLE
    return flow


def tap_sb(flow: KioskFlow) -> TakeRequest:
    flow.choose_category("社会保障")
    [effect] = flow.choose_service("SB")
    assert isinstance(effect, TakeTicket) and not effect.settle
    return effect.request


def test_the_flow_model_imports_no_qt() -> None:
    code = (
        "import sys, kiosk.flow, kiosk.texts, kiosk.ticket, kiosk.config; "
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_starts_offline_and_rests_at_home_when_connected_and_the_printer_is_fine() -> None:
    flow = KioskFlow(RequestIds("kiosk-1", "b1"))
    assert flow.stage is Stage.OFFLINE and not flow.ever_online and flow.services == []
    flow.model.observe(flow.hall_changed)
    flow.model.apply_welcome(welcome())
    flow.set_online(True)
    assert flow.stage is Stage.IDLE and flow.ever_online
    assert flow.categories == ["社会保障", "公安服务"]
    assert flow.waiting_in("社会保障") == 3
    assert [s.code for s in flow.services_in("公安服务")] == ["HJ", "CR"]


def test_two_taps_take_a_ticket_and_print_it() -> None:
    flow = ready()
    seen = []
    flow.subscribe(lambda f: seen.append(f.stage))
    assert flow.choose_category("社会保障") == []
    assert flow.stage is Stage.CATEGORY and flow.category == "社会保障"
    effects = flow.choose_service("SB")
    assert effects == [TakeTicket(TakeRequest("kiosk-1-2026-11-22-b1-1", "SB", "normal"))]
    assert flow.stage is Stage.TAKING and flow.busy
    t = ticket()
    assert flow.ticket_taken("kiosk-1-2026-11-22-b1-1", t) == [PrintTicket(t, "zh")]
    assert flow.stage is Stage.PRINTING
    assert flow.printed(t["id"]) == []
    assert flow.stage is Stage.DONE and flow.ticket == t
    assert seen == [Stage.CATEGORY, Stage.TAKING, Stage.PRINTING, Stage.DONE]
    assert flow.timeout_s() == flow.settings.done_timeout_s
    flow.idle_timeout()
    assert flow.stage is Stage.IDLE and flow.ticket is None and flow.timeout_s() is None


def test_a_double_tap_sends_one_request() -> None:
    flow = ready()
    flow.choose_category("社会保障")
    first = flow.choose_service("SB")
    assert len(first) == 1
    assert flow.choose_service("SB") == []  # second tap of the double tap
    assert flow.choose_category("公安服务") == []
    assert flow.home() == [] and flow.stage is Stage.TAKING  # in flight: taps are ignored
    assert flow.idle_timeout() == [] and flow.stage is Stage.TAKING
    flow.ticket_taken(take_of(first).request.request_id, ticket())
    assert flow.choose_service("SB") == [] and flow.stage is Stage.PRINTING


def test_each_tap_gets_a_new_request_id_and_a_retry_reuses_it() -> None:
    flow = ready()
    first = tap_sb(flow)
    flow.take_failed(first.request_id, "offline", "未连接到服务器", "not connected")
    assert flow.stage is Stage.FAILED and flow.failure is Failure.NETWORK and flow.retryable
    [again] = flow.retry()
    assert again == TakeTicket(first)  # the same request id: never a second number
    flow.ticket_taken(first.request_id, ticket())
    flow.printed(ticket()["id"])
    flow.home()
    second = tap_sb(flow)
    assert second.request_id == "kiosk-1-2026-11-22-b1-2" != first.request_id


def test_closed_and_quota_services_cannot_be_tapped() -> None:
    flow = ready()
    flow.choose_category("社会保障")
    yb = next(s for s in flow.services if s.code == "YB")
    assert unavailable_reason(yb, Lane.NORMAL) == "quota" and not flow.can_take(yb)
    assert flow.choose_service("YB") == [] and flow.stage is Stage.CATEGORY
    assert flow.choose_service("HJ") == []  # not in this category
    flow.back()
    flow.choose_category("公安服务")
    cr = next(s for s in flow.services if s.code == "CR")
    assert unavailable_reason(cr, Lane.NORMAL) == "closed"
    assert flow.choose_service("CR") == []


def test_priority_lane_takes_a_priority_ticket_only_where_allowed() -> None:
    flow = ready()
    flow.choose_lane(Lane.PRIORITY)
    assert flow.stage is Stage.IDLE and flow.lane is Lane.PRIORITY
    assert flow.timeout_s() == flow.settings.idle_timeout_s  # a chosen lane does not linger
    flow.choose_category("公安服务")
    hj = next(s for s in flow.services if s.code == "HJ")
    assert unavailable_reason(hj, Lane.PRIORITY) == "lane_priority"
    assert flow.choose_service("HJ") == []
    flow.back()
    flow.choose_category("社会保障")
    effect = take_of(flow.choose_service("SB"))
    assert effect.request.ticket_class == "priority"


def test_appointment_lane_asks_for_a_code_then_takes_an_appointment_ticket() -> None:
    flow = ready()
    flow.choose_lane(Lane.APPOINTMENT)
    flow.choose_category("社会保障")
    assert flow.choose_service("SB") == []
    assert flow.stage is Stage.APPOINTMENT
    assert flow.service is not None and flow.service.code == "SB"
    assert flow.confirm_appointment("12") == []  # too short
    assert flow.confirm_appointment("12 34") == []
    effect = take_of(flow.confirm_appointment(" 20261122 "))
    assert effect.request == TakeRequest("kiosk-1-2026-11-22-b1-1", "SB", "appointment", "20261122")
    assert flow.stage is Stage.TAKING


def test_back_walks_back_one_screen_and_home_clears_the_lane() -> None:
    flow = ready()
    flow.choose_lane(Lane.APPOINTMENT)
    flow.choose_category("社会保障")
    flow.choose_service("SB")
    flow.back()
    assert flow.stage is Stage.CATEGORY
    flow.back()
    assert flow.stage is Stage.IDLE and flow.lane is Lane.APPOINTMENT
    flow.back()
    assert flow.lane is Lane.NORMAL
    flow.choose_lane(Lane.PRIORITY)
    flow.choose_category("社会保障")
    flow.home()
    assert (flow.stage, flow.lane, flow.category) == (Stage.IDLE, Lane.NORMAL, None)


def test_idle_timeout_goes_home_and_restores_a_new_citizens_defaults() -> None:
    flow = ready(idle_timeout_s=60)
    flow.set_language("en")
    flow.toggle_large_text()
    assert flow.timeout_s() == 60  # personalised home screen resets too
    flow.choose_category("社会保障")
    assert flow.timeout_s() == 60
    flow.idle_timeout()
    assert (flow.stage, flow.language, flow.large_text) == (Stage.IDLE, "zh", False)
    assert flow.timeout_s() is None


@pytest.mark.parametrize(
    "code", ["service_closed", "quota_reached", "class_not_allowed", "already_holding"]
)
def test_a_refusal_is_shown_and_cannot_be_retried(code: str) -> None:
    flow = ready()
    request = tap_sb(flow)
    flow.take_failed(request.request_id, code, "中文", "English", number="A001")
    assert flow.stage is Stage.FAILED and flow.failure is Failure.REFUSED
    assert flow.failure_code == code and flow.failure_fields == {"number": "A001"}
    assert not flow.retryable and flow.retry() == []
    assert flow.home() == []  # nothing to settle: the server refused
    assert flow.unsettled == {}


def test_unavailable_can_be_retried_and_needs_no_settling() -> None:
    flow = ready()
    request = tap_sb(flow)
    flow.take_failed(request.request_id, "unavailable")
    assert flow.retryable
    assert flow.idle_timeout() == [] and flow.unsettled == {}


def test_a_lost_reply_is_settled_by_asking_again_and_voiding_what_comes_back() -> None:
    flow = ready()
    request = tap_sb(flow)
    flow.set_online(False)
    assert flow.stage is Stage.TAKING
    flow.take_failed(request.request_id, "offline")
    assert flow.stage is Stage.FAILED and flow.failure is Failure.NETWORK
    assert flow.idle_timeout() == []  # offline: settle later
    assert flow.stage is Stage.OFFLINE and request.request_id in flow.unsettled
    effects = flow.set_online(True)
    assert effects == [TakeTicket(request, settle=True)]
    assert flow.stage is Stage.IDLE
    assert flow.set_online(True) == []  # already asking
    t = ticket("A009")
    assert flow.ticket_taken(request.request_id, t) == [VoidTicket(t["id"], "not_printed")]
    assert flow.stage is Stage.IDLE and flow.unsettled == {}
    flow.voided(t["id"])
    assert flow.pending_voids == {}


def test_settling_a_request_that_was_never_committed_or_is_already_gone() -> None:
    flow = ready()
    request = tap_sb(flow)
    flow.take_failed(request.request_id, "offline")
    [settle] = flow.home()
    assert settle == TakeTicket(request, settle=True)
    # Asked again after the service closed: refused, so nothing was ever issued.
    assert flow.take_failed(request.request_id, "service_closed") == []
    assert flow.unsettled == {} and flow.settling == set()
    other = tap_sb(flow)
    flow.take_failed(other.request_id, "timeout")
    flow.home()
    assert flow.ticket_taken(other.request_id, ticket("A010", state="called")) == []
    assert flow.unsettled == {} and flow.pending_voids == {}


def test_a_settle_interrupted_by_another_drop_is_asked_again() -> None:
    flow = ready()
    request = tap_sb(flow)
    flow.take_failed(request.request_id, "offline")
    flow.home()
    flow.take_failed(request.request_id, "offline")  # the settle itself got no reply
    assert request.request_id in flow.unsettled
    flow.set_online(False)
    assert flow.set_online(True) == [TakeTicket(request, settle=True)]


@pytest.mark.parametrize(
    ("health", "status"),
    [
        (PrinterHealth.PAPER_OUT, "printer_paper_out"),
        (PrinterHealth.COVER_OPEN, "printer_cover_open"),
        (PrinterHealth.ERROR, "out_of_service"),
        (PrinterHealth.UNKNOWN, "printer_unknown"),
    ],
)
def test_a_failed_print_voids_the_ticket_and_puts_the_kiosk_out_of_service(
    health: PrinterHealth, status: str
) -> None:
    flow = ready()
    request = tap_sb(flow)
    t = ticket()
    flow.ticket_taken(request.request_id, t)
    effects = flow.print_failed(t["id"], health, "detail")
    assert effects == [
        VoidTicket(t["id"], f"printer_{health.value}"),
        ReportDevice(status, "detail"),
    ]
    assert flow.stage is Stage.OUT_OF_SERVICE and flow.voided_here
    assert flow.choose_category("社会保障") == []
    flow.voided(t["id"])
    assert flow.pending_voids == {}
    # The next citizen does not see the last one's message; staff fix the printer.
    flow.idle_timeout()
    assert flow.stage is Stage.OUT_OF_SERVICE and not flow.voided_here
    assert flow.printer_status(PrinterHealth.OK) == [ReportDevice("ok")]
    assert flow.stage is Stage.IDLE


def test_a_print_failure_with_a_healthy_printer_is_a_failed_ticket_not_out_of_service() -> None:
    flow = ready()
    request = tap_sb(flow)
    flow.ticket_taken(request.request_id, ticket())
    effects = flow.print_failed(ticket()["id"], PrinterHealth.OK, "write timeout")
    assert effects == [VoidTicket(ticket()["id"], "printer_ok")]
    assert flow.stage is Stage.FAILED and flow.failure is Failure.PRINTER and not flow.retryable


def test_a_void_that_cannot_be_sent_is_sent_after_reconnecting() -> None:
    flow = ready()
    request = tap_sb(flow)
    flow.ticket_taken(request.request_id, ticket())
    flow.set_online(False)
    effects = flow.print_failed(ticket()["id"], PrinterHealth.PAPER_OUT)
    assert effects == []  # offline: nothing can be sent now
    assert flow.pending_voids == {ticket()["id"]: "printer_paper_out"}
    effects = flow.set_online(True)
    assert effects == [
        ReportDevice("printer_paper_out"),
        VoidTicket(ticket()["id"], "printer_paper_out"),
    ]
    flow.void_failed(ticket()["id"], "offline")
    assert ticket()["id"] in flow.pending_voids
    flow.void_failed(ticket()["id"], "ticket_not_waiting")  # called meanwhile: nothing to do
    assert flow.pending_voids == {}


def test_printer_news_moves_calm_screens_only() -> None:
    flow = ready()
    flow.choose_category("社会保障")
    assert flow.printer_status(PrinterHealth.COVER_OPEN) == [ReportDevice("printer_cover_open")]
    assert flow.stage is Stage.OUT_OF_SERVICE
    assert flow.printer_status(PrinterHealth.COVER_OPEN) == []  # reported once
    flow.printer_status(PrinterHealth.PAPER_NEAR_END)
    assert flow.stage is Stage.IDLE and flow.reported == "printer_paper_near_end"
    request = tap_sb(flow)
    flow.printer_status(PrinterHealth.PAPER_OUT)
    assert flow.stage is Stage.TAKING  # in flight: the print job checks the printer itself
    flow.ticket_taken(request.request_id, ticket())
    flow.print_failed(ticket()["id"], PrinterHealth.PAPER_OUT)
    assert flow.stage is Stage.OUT_OF_SERVICE


def test_printed_with_paper_near_end_reports_it_and_still_done() -> None:
    flow = ready()
    request = tap_sb(flow)
    flow.ticket_taken(request.request_id, ticket())
    assert flow.printed(ticket()["id"], PrinterHealth.PAPER_NEAR_END) == [
        ReportDevice("printer_paper_near_end")
    ]
    assert flow.stage is Stage.DONE


def test_paper_out_after_the_cut_keeps_the_ticket_and_stops_the_next_citizen() -> None:
    flow = ready()
    request = tap_sb(flow)
    flow.ticket_taken(request.request_id, ticket())
    effects = flow.printed(ticket()["id"], PrinterHealth.PAPER_OUT, "打印机缺纸")
    assert effects == [ReportDevice("printer_paper_out", "打印机缺纸")]  # no VoidTicket
    assert flow.stage is Stage.DONE and flow.ticket == ticket()
    assert flow.pending_voids == {}
    flow.home()
    assert flow.stage is Stage.OUT_OF_SERVICE and not flow.voided_here


def test_going_offline_pauses_taking_and_coming_back_resumes() -> None:
    flow = ready()
    flow.choose_category("社会保障")
    flow.set_online(False)
    assert flow.stage is Stage.OFFLINE and flow.category is None
    assert flow.choose_category("社会保障") == []
    assert flow.set_online(True) == []
    assert flow.stage is Stage.IDLE


def test_offline_while_done_keeps_the_done_screen_then_rests_offline() -> None:
    flow = ready()
    request = tap_sb(flow)
    flow.ticket_taken(request.request_id, ticket())
    flow.set_online(False)
    flow.printed(ticket()["id"])
    assert flow.stage is Stage.DONE
    flow.idle_timeout()
    assert flow.stage is Stage.OFFLINE


def test_out_of_service_wins_over_offline() -> None:
    flow = ready()
    flow.set_online(False)
    flow.printer_status(PrinterHealth.PAPER_OUT)
    assert flow.stage is Stage.OUT_OF_SERVICE
    effects = flow.set_online(True)
    assert effects == [ReportDevice("printer_paper_out")]  # said when the link is back
    assert flow.stage is Stage.OUT_OF_SERVICE
    flow.printer_status(PrinterHealth.OK)
    assert flow.stage is Stage.IDLE


def test_a_report_that_failed_is_sent_again() -> None:
    flow = ready()
    flow.printer_status(PrinterHealth.PAPER_OUT)
    flow.report_failed("printer_paper_out")
    flow.set_online(False)
    assert flow.set_online(True) == [ReportDevice("printer_paper_out")]


def test_the_live_hall_moves_the_counts_and_closes_a_screen_whose_category_vanished() -> None:
    flow = ready()
    seen = []
    flow.subscribe(lambda f: seen.append(f.waiting_in("社会保障")))
    flow.choose_category("公安服务")
    assert flow.model.apply_event(issued(1)) and flow.model.apply_event(issued(2, number="A006"))
    assert flow.stage is Stage.CATEGORY and seen == [3, 4, 5]
    device = event(3, "device_status", device="kiosk-2", role="kiosk", status="ok")
    assert flow.model.apply_event(device) and seen == [3, 4, 5]  # nothing shown changed
    flow.model.apply_snapshot({"seq": 4, "day": "2026-11-22", "services": SERVICES[:2]})
    assert flow.stage is Stage.IDLE and flow.waiting_in("社会保障") == 3


def test_the_chosen_service_is_the_live_one_and_its_loss_ends_the_appointment_screen() -> None:
    flow = ready()
    flow.choose_lane(Lane.APPOINTMENT)
    flow.choose_category("社会保障")
    flow.choose_service("SB")
    flow.model.apply_event(issued(1))
    assert flow.service is flow.model.services["SB"] and flow.service.waiting == 4
    renamed = [{**SERVICES[1], "code": "SB2"}, SERVICES[1], *SERVICES[2:]]
    flow.model.apply_snapshot({"seq": 2, "services": renamed})
    assert flow.stage is Stage.IDLE and flow.service is None
    assert flow.confirm_appointment("20261122") == []


def test_stale_replies_are_ignored() -> None:
    flow = ready()
    request = tap_sb(flow)
    assert flow.ticket_taken("someone-else", ticket()) == []
    assert flow.take_failed("someone-else", "offline") == []
    assert flow.printed("2026-11-22-Z999") == []
    assert flow.print_failed("2026-11-22-Z999", PrinterHealth.PAPER_OUT) == []
    assert flow.stage is Stage.TAKING and flow.request == request


def test_a_service_without_names_or_reason_reads_sensibly() -> None:
    x = Service(code="X", open=False)
    assert (service_name(x, "zh"), service_name(x, "en")) == ("X", "X")
    assert service_name(Service(code="X", name_zh="社保"), "en") == "社保"
    assert unavailable_reason(x, Lane.NORMAL) == "unknown"
