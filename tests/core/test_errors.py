"""The error tree: stable codes, bilingual messages from one place, JSON-able details."""

from __future__ import annotations

import json

import pytest

from queue_server.core import (
    CODES,
    DomainError,
    FollowupRefused,
    NotFound,
    RatingRejected,
    ServiceUnavailable,
    TicketStateError,
    WindowStateError,
)
from queue_server.core.errors import refusal
from queue_server.core.texts import ERROR_TEXTS


def test_codes() -> None:
    assert sorted(CODES) == [
        "already_holding",
        "already_open",
        "already_rated",
        "already_resolved",
        "appointment_code_taken",
        "appointment_duplicate",
        "appointment_early",
        "appointment_started",
        "appointment_unknown",
        "appointment_used",
        "bad_aspect",
        "bad_channel",
        "bad_moment",
        "bad_outcome",
        "bad_part",
        "bad_score",
        "checkin_late",
        "checkin_refused",
        "citizen_limit",
        "citizen_required",
        "class_not_allowed",
        "empty_note",
        "moment_not_used",
        "no_appointments",
        "no_current_ticket",
        "no_served_ticket",
        "not_agent",
        "not_checked_in",
        "not_manager",
        "not_resolved",
        "not_serving_service",
        "queue_empty",
        "quota_reached",
        "rating_expired",
        "remote_hour_cap",
        "remote_off",
        "service_closed",
        "slot_full",
        "slot_unavailable",
        "slot_unchanged",
        "staff_busy_elsewhere",
        "ticket_not_parked",
        "ticket_not_waiting",
        "unknown_alert",
        "unknown_bundle",
        "unknown_followup",
        "unknown_service",
        "unknown_staff",
        "unknown_ticket",
        "unknown_window",
        "unstorable_value",
        "window_busy",
        "window_closed",
        "window_idle",
        "window_paused",
    ]
    assert set(ERROR_TEXTS) == set(CODES)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("unknown_staff", NotFound),
        ("quota_reached", ServiceUnavailable),
        ("window_paused", WindowStateError),
        ("ticket_not_parked", TicketStateError),
        ("bad_score", RatingRejected),
        ("no_current_ticket", RatingRejected),
        ("unknown_followup", NotFound),
        ("already_resolved", FollowupRefused),
        ("not_resolved", FollowupRefused),
    ],
)
def test_tree(code: str, cls: type[DomainError]) -> None:
    error = refusal(code)
    assert type(error) is cls
    assert isinstance(error, DomainError)
    assert error.code == code


def test_message_and_dict() -> None:
    error = refusal("window_busy", window=2, number="B003")
    assert error.message_zh == "2 号窗口正在办理 B003，请先办结、弃号、挂起或转办"
    assert error.to_dict() == {
        "code": "window_busy",
        "message_zh": "2 号窗口正在办理 B003，请先办结、弃号、挂起或转办",
        "message_en": "Window 2 is serving B003; finish, no-show, park or transfer it first",
        "details": {"window": 2, "number": "B003"},
    }
    json.dumps(error.to_dict())


def test_missing_detail_does_not_break_the_message() -> None:
    assert refusal("window_closed").message_en == "Window ? is closed"
