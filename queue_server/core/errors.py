"""Domain errors of the queue engine.

A refused command raises a :class:`DomainError` and changes nothing. A rejected rating is the
one outcome that is still recorded: the engine returns a ``rating_rejected`` event and puts a
:class:`RatingRejected` in ``Result.error`` instead of raising it.

Every error carries a stable ``code`` (the protocol sends it to clients), a message in
Simplified Chinese and one in English (built from :mod:`.texts`), and JSON-able ``details``.

.. code-block:: text

    DomainError
    ├── NotFound                unknown_service, unknown_window, unknown_ticket, unknown_staff,
    │                           unknown_followup, unknown_alert, unknown_bundle
    ├── NotAllowed              not_manager, not_agent (a staff member without the role),
    │                           bad_part (a part a device may not report)
    ├── ServiceUnavailable      service_closed, quota_reached, class_not_allowed,
    │                           already_holding, citizen_required, remote_off, citizen_limit,
    │                           remote_hour_cap
    ├── WindowStateError        window_closed, window_paused, window_busy, window_idle,
    │                           already_open, not_serving_service, staff_busy_elsewhere
    ├── TicketStateError        queue_empty, ticket_not_waiting, ticket_not_parked,
    │                           checkin_refused, checkin_late, not_checked_in
    ├── RatingRejected          no_served_ticket, already_rated, rating_expired, bad_score,
    │                           bad_moment, moment_not_used, no_current_ticket, bad_aspect
    ├── FollowupRefused         already_resolved, not_resolved, bad_channel, bad_outcome,
    │                           empty_note (a 差评 work order's step the rules refuse)
    ├── AppointmentRefused      no_appointments, slot_unavailable, slot_full, slot_unchanged,
    │                           appointment_duplicate, appointment_code_taken,
    │                           appointment_unknown, appointment_used, appointment_early,
    │                           appointment_started (预约: a booking, change or check-in)
    └── UnstorableValue         unstorable_value (text that is not valid UTF-8, an integer
                                too large to store: refused before it reaches the log)

"""

from __future__ import annotations

from typing import Any

from .texts import ERROR_TEXTS

__all__ = [
    "CODES",
    "AppointmentRefused",
    "DomainError",
    "FollowupRefused",
    "NotAllowed",
    "NotFound",
    "RatingRejected",
    "ServiceUnavailable",
    "TicketStateError",
    "UnstorableValue",
    "WindowStateError",
    "refusal",
]


class DomainError(Exception):
    """A command the hall's rules refuse; ``code`` is stable, messages are for people."""

    def __init__(self, code: str, message_zh: str, message_en: str, **details: Any) -> None:
        super().__init__(code, message_zh, message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details

    def __str__(self) -> str:
        return f"{self.code}: {self.message_zh} / {self.message_en}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able form the protocol sends to a client."""
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "details": dict(self.details),
        }


class NotFound(DomainError):
    """A command names a service, window, ticket or staff member the hall does not have."""


class NotAllowed(DomainError):
    """The staff member named may not do this (e.g. log in as a manager without the role)."""


class ServiceUnavailable(DomainError):
    """A ticket cannot be issued for this service now."""


class WindowStateError(DomainError):
    """The window is not in a state that allows the command."""


class TicketStateError(DomainError):
    """No ticket, or the named ticket is not in a state that allows the command."""


class RatingRejected(DomainError):
    """A rating (好差评) that cannot be attached to a served ticket."""


class FollowupRefused(DomainError):
    """A step of a 差评 work order (assign, 回访, resolve, re-rate) the rules refuse."""


class AppointmentRefused(DomainError):
    """A booking, a change of one or a check-in the appointment rules refuse."""


class UnstorableValue(DomainError):
    """A command would put a value in the log that the log cannot hold faithfully."""


_CLASSES: dict[str, type[DomainError]] = {
    **dict.fromkeys(
        (
            "unknown_service",
            "unknown_window",
            "unknown_ticket",
            "unknown_staff",
            "unknown_followup",
            "unknown_alert",
            "unknown_bundle",
        ),
        NotFound,
    ),
    "not_manager": NotAllowed,
    "not_agent": NotAllowed,
    "bad_part": NotAllowed,
    "citizen_required": ServiceUnavailable,
    **dict.fromkeys(
        ("service_closed", "quota_reached", "class_not_allowed", "already_holding"),
        ServiceUnavailable,
    ),
    **dict.fromkeys(("remote_off", "citizen_limit", "remote_hour_cap"), ServiceUnavailable),
    **dict.fromkeys(("checkin_refused", "checkin_late", "not_checked_in"), TicketStateError),
    **dict.fromkeys(
        (
            "window_closed",
            "window_paused",
            "window_busy",
            "window_idle",
            "already_open",
            "not_serving_service",
            "staff_busy_elsewhere",
        ),
        WindowStateError,
    ),
    **dict.fromkeys(("queue_empty", "ticket_not_waiting", "ticket_not_parked"), TicketStateError),
    **dict.fromkeys(
        (
            "no_served_ticket",
            "already_rated",
            "rating_expired",
            "bad_score",
            "bad_moment",
            "moment_not_used",
            "no_current_ticket",
            "bad_aspect",
        ),
        RatingRejected,
    ),
    **dict.fromkeys(
        ("already_resolved", "not_resolved", "bad_channel", "bad_outcome", "empty_note"),
        FollowupRefused,
    ),
    "unstorable_value": UnstorableValue,
    **dict.fromkeys(
        (
            "no_appointments",
            "slot_unavailable",
            "slot_full",
            "slot_unchanged",
            "appointment_duplicate",
            "appointment_code_taken",
            "appointment_unknown",
            "appointment_used",
            "appointment_early",
            "appointment_started",
        ),
        AppointmentRefused,
    ),
}

CODES: frozenset[str] = frozenset(_CLASSES)


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def refusal(code: str, **details: Any) -> DomainError:
    """Build the error for ``code`` with its messages filled from ``details``."""
    cls = _CLASSES[code]
    zh, en = ERROR_TEXTS[code]
    fields = _Blank(details)
    return cls(code, zh.format_map(fields), en.format_map(fields), **details)
