"""Every event the server pushes, typed by its ``kind``, with its documented fields.

On the wire an event is ``{"type": "event", "seq", "kind", "at", "day", …}``. A role's view
leaves out what it may not see (``docs/protocol.md``, "What each role sees"), so fields a view
may drop (staff ids, who acted, the citizen's hash, request ids, phone tokens) are optional
here. ``decode_event`` reads one event message into its type; an event of a kind this client
does not know yet is :class:`UnknownEvent`, not an error, so old clients keep working.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["EVENT_TYPES", "AnyEvent", "Event", "UnknownEvent", "decode_event"]


class Event(msgspec.Struct, tag_field="kind", kw_only=True, frozen=True):
    """What every event has: its place in the log, when, on which business day, and who."""

    seq: int = 0
    at: float
    day: str
    actor: str | None = None
    hall: str | None = None


class DayStarted(Event, tag="day_started", frozen=True):
    previous: str | None = None


class TicketExpired(Event, tag="ticket_expired", frozen=True):
    ticket: str
    number: str
    was: str
    window: int | None = None


class TicketIssued(Event, tag="ticket_issued", frozen=True):
    ticket: str
    number: str
    prefix: str
    sequence: int
    order: int
    service: str
    ticket_class: str = msgspec.field(name="class")
    ahead: int
    estimated_wait_s: int
    request_id: str | None = None
    citizen_hash: str | None = None
    appointment_code: str | None = None
    token: str | None = None


class TicketVoided(Event, tag="ticket_voided", frozen=True):
    ticket: str
    number: str
    service: str
    reason: str


class WindowOpened(Event, tag="window_opened", frozen=True):
    window: int
    staff: str | None = None
    staff_name: str | None = None


class WindowClosed(Event, tag="window_closed", frozen=True):
    window: int
    staff: str | None = None
    moved_to: int | None = None


class WindowPaused(Event, tag="window_paused", frozen=True):
    window: int
    staff: str | None = None
    reason: str | None = None


class WindowResumed(Event, tag="window_resumed", frozen=True):
    window: int
    staff: str | None = None


class TicketCalled(Event, tag="ticket_called", frozen=True):
    ticket: str
    number: str
    window: int
    service: str
    reason: dict[str, Any]
    recall: bool
    staff: str | None = None


class TicketNoShow(Event, tag="ticket_no_show", frozen=True):
    ticket: str
    number: str
    window: int
    service: str


class TicketFinished(Event, tag="ticket_finished", frozen=True):
    ticket: str
    number: str
    window: int
    service: str
    duration_s: float
    staff: str | None = None


class TicketTransferred(Event, tag="ticket_transferred", frozen=True):
    ticket: str
    number: str
    window: int
    from_service: str
    to_service: str
    to_window: int | None = None


class TicketParked(Event, tag="ticket_parked", frozen=True):
    ticket: str
    number: str
    window: int
    service: str


class RatingInvited(Event, tag="rating_invited", frozen=True):
    ticket: str
    number: str
    window: int


class RatingRecorded(Event, tag="rating_recorded", frozen=True):
    ticket: str
    number: str
    service: str
    window: int
    score: int
    level: str
    bad: bool
    source: str
    staff: str | None = None


class RatingRejected(Event, tag="rating_rejected", frozen=True):
    reason: str
    window: int
    score: int | float | str
    source: str
    ticket: str | None = None


class FollowupOpened(Event, tag="followup_opened", frozen=True):
    ticket: str
    number: str
    service: str
    window: int
    score: int
    deadline: str
    staff: str | None = None


class DeviceStatus(Event, tag="device_status", frozen=True):
    device: str
    role: str
    status: str
    detail: str = ""


class DevicePresence(Event, tag="device_presence", frozen=True):
    device: str
    role: str
    online: bool


class StaffLocked(Event, tag="staff_locked", frozen=True):
    window: int
    until: float
    staff: str | None = None
    device: str | None = None


class UnknownEvent(msgspec.Struct, frozen=True):
    """An event of a kind this client does not know: kept, counted in ``seq``, not applied."""

    kind: str
    seq: int = 0


AnyEvent = (
    DayStarted
    | TicketExpired
    | TicketIssued
    | TicketVoided
    | WindowOpened
    | WindowClosed
    | WindowPaused
    | WindowResumed
    | TicketCalled
    | TicketNoShow
    | TicketFinished
    | TicketTransferred
    | TicketParked
    | RatingInvited
    | RatingRecorded
    | RatingRejected
    | FollowupOpened
    | DeviceStatus
    | DevicePresence
    | StaffLocked
)

EVENT_TYPES: dict[str, type[Event]] = {
    str(cls.__struct_config__.tag): cls
    for cls in (
        DayStarted,
        TicketExpired,
        TicketIssued,
        TicketVoided,
        WindowOpened,
        WindowClosed,
        WindowPaused,
        WindowResumed,
        TicketCalled,
        TicketNoShow,
        TicketFinished,
        TicketTransferred,
        TicketParked,
        RatingInvited,
        RatingRecorded,
        RatingRejected,
        FollowupOpened,
        DeviceStatus,
        DevicePresence,
        StaffLocked,
    )
}


def decode_event(message: dict[str, Any]) -> AnyEvent | UnknownEvent:
    """One event message (as decoded JSON) as its type; raises ``msgspec.ValidationError``."""
    kind = message.get("kind")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return UnknownEvent(kind=str(kind), seq=int(message.get("seq") or 0))
    event: AnyEvent = msgspec.convert(message, cls)  # type: ignore[assignment]
    return event
