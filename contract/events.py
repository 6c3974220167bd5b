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

__all__ = [
    "EVENT_TYPES",
    "AnyEvent",
    "Counts",
    "Event",
    "ServiceCounts",
    "UnknownEvent",
    "decode_event",
]


class Event(msgspec.Struct, tag_field="kind", kw_only=True, frozen=True):
    """What every event has: its place in the log, when, on which business day, and who."""

    seq: int = 0
    at: float
    day: str
    actor: str | None = None
    hall: str | None = None
    prev: int | None = None  # the seq of the message sent before it on a filtered stream


class DayStarted(Event, tag="day_started", frozen=True):
    previous: str | None = None


class TicketExpired(Event, tag="ticket_expired", frozen=True):
    ticket: str
    number: str
    was: str
    window: int | None = None
    reason: str | None = None  # "checkin_late": a remote ticket not checked in in time


class TicketHeld(Event, tag="ticket_held", frozen=True):
    """A remote ticket near the front has not checked in: skipped until it does."""

    ticket: str
    number: str
    service: str
    deadline: float


class TicketCheckedIn(Event, tag="ticket_checked_in", frozen=True):
    ticket: str
    number: str
    service: str
    via: str  # "door" or "kiosk"


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
    bundle: str | None = None  # 一件事: the bundle's code
    steps: tuple[str, ...] | None = None  # 一件事: its services, in order
    proxy: str | None = None  # 帮办代办: the agent's staff id
    remote: bool = False  # 远程取号
    phone_check: str | None = None
    due_at: float | None = None  # an appointment's slot start (预约 check-in)


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


class TicketStepDone(Event, tag="ticket_step_done", frozen=True):
    """一件事: a step is done; ``stay``: the next is served at the same window, else it waits."""

    ticket: str
    number: str
    window: int
    service: str
    step: int
    next_service: str
    duration_s: float
    stay: bool
    staff: str | None = None


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
    """A rating of a ticket; ``moment`` is ``during`` (边办边评) or ``after`` (办后再评)."""

    ticket: str
    number: str
    service: str
    window: int
    score: int
    level: str
    bad: bool
    source: str
    staff: str | None = None
    moment: str = "after"


class RatingRejected(Event, tag="rating_rejected", frozen=True):
    reason: str
    window: int
    score: int | float | str
    source: str
    ticket: str | None = None
    moment: int | float | str | None = None  # as sent (a bad one is why it was rejected)


class FollowupOpened(Event, tag="followup_opened", frozen=True):
    """A 差评 became a work order. ``ticket`` etc. are None for a hall rating (未办先评).

    The deadlines are POSIX seconds on working-time clocks (the 2110 rule by default: contact
    within 2 working hours, feedback within 1 working day, resolved within 10); ``deadline``
    is the resolution's date, as before.
    """

    ticket: str | None
    number: str | None
    service: str | None
    window: int | None
    score: int
    deadline: str
    staff: str | None = None
    followup: str | None = None  # its id (older logs: the ticket id)
    moment: str = "after"
    owner: str | None = None  # a staff id: who served (谁办理谁负责), else unassigned
    contact_due: float | None = None
    feedback_due: float | None = None
    resolve_due: float | None = None
    aspect: str | None = None  # of the hall, for a 未办先评


class HallRated(Event, tag="hall_rated", frozen=True):
    """未办先评: a rating of the hall itself, attached to no ticket."""

    score: int
    level: str
    bad: bool
    aspect: str
    source: str


class FollowupAssigned(Event, tag="followup_assigned", frozen=True):
    followup: str
    owner: str | None = None  # left out of public views


class FollowupContacted(Event, tag="followup_contacted", frozen=True):
    """A 回访: who (``actor``), how and what the citizen said (``note``: left out of public
    views)."""

    followup: str
    channel: str
    note: str | None = None


class FollowupResolved(Event, tag="followup_resolved", frozen=True):
    followup: str
    outcome: str  # fixed | explained | appealed
    note: str | None = None  # left out of public views


class FollowupRerated(Event, tag="followup_rerated", frozen=True):
    followup: str
    score: int
    level: str
    bad: bool = False


class AlertRaised(Event, tag="alert_raised", frozen=True):
    """Something a manager must see; it stays until acknowledged. ``alert`` is its key (one
    open alert per key, e.g. ``wait:A``, ``paper:kiosk-1``, ``followup:<id>:contact``)."""

    alert: str
    # wait_long | quota_near | printer_paper | device_silent | followup_due | followup_overdue
    alert_kind: str
    subject: str  # the service code, device id or follow-up id it is about
    level: str  # warning | critical
    text_zh: str
    text_en: str


class AlertAcknowledged(Event, tag="alert_acknowledged", frozen=True):
    alert: str
    note: str | None = None


class AlertCleared(Event, tag="alert_cleared", frozen=True):
    """An acknowledged alert's condition has gone: should it come back, it is raised again."""

    alert: str


class NoticePosted(Event, tag="notice_posted", frozen=True):
    """The boards' scrolling notice (None: cleared, the configured one shows)."""

    text_zh: str | None = None
    text_en: str | None = None


class ManagerLoggedIn(Event, tag="manager_logged_in", frozen=True):
    device: str
    staff: str | None = None
    staff_name: str | None = None


class ManagerLoggedOut(Event, tag="manager_logged_out", frozen=True):
    device: str
    staff: str | None = None


class DeviceStatus(Event, tag="device_status", frozen=True):
    device: str
    role: str
    status: str
    detail: str = ""


class PartState(msgspec.Struct, kw_only=True, frozen=True):
    """A device behind another (``device_parts``); ``seen_at``: when it was last heard."""

    part: str
    kind: str
    status: str
    online: bool | None = None
    window: int | None = None
    seen_at: float | None = None
    detail: str = ""


class DeviceParts(Event, tag="device_parts", frozen=True):
    """The parts of ``device`` whose health changed (a bridge's bus devices, an announcer)."""

    device: str
    role: str
    parts: tuple[PartState, ...]


class DevicePresence(Event, tag="device_presence", frozen=True):
    device: str
    role: str
    online: bool


class StaffLocked(Event, tag="staff_locked", frozen=True):
    """Wrong PINs locked a staff id; ``window`` is None for a lock from a manager device."""

    until: float
    window: int | None = None
    staff: str | None = None
    device: str | None = None


class AppointmentEvent(Event, frozen=True):
    """预约 events (a manager's alone; the other views get a stand-in)."""

    service: str
    slot_day: str
    slot: str


class AppointmentBooked(AppointmentEvent, tag="appointment_booked", frozen=True):
    slot_at: float
    channel: str = "phone"
    appointment_code: str | None = None
    citizen_hash: str | None = None


class AppointmentCancelled(AppointmentEvent, tag="appointment_cancelled", frozen=True):
    appointment_code: str | None = None


class AppointmentRebooked(AppointmentEvent, tag="appointment_rebooked", frozen=True):
    slot_at: float
    from_day: str
    from_slot: str
    appointment_code: str | None = None


class AppointmentCheckedIn(AppointmentEvent, tag="appointment_checked_in", frozen=True):
    """``outcome`` ``on_time`` (an appointment ticket) or ``late`` (a walk-in ticket)."""

    ticket: str
    number: str
    outcome: str
    appointment_code: str | None = None


class AppointmentMissed(AppointmentEvent, tag="appointment_missed", frozen=True):
    """爽约: not checked in by the end of the late tolerance; ``missed`` is the citizen's count."""

    missed: int
    appointment_code: str | None = None
    citizen_hash: str | None = None


class ServiceCounts(msgspec.Struct, frozen=True):
    waiting: int
    issued_today: int


class Counts(Event, tag="counts", frozen=True):
    """Not in the log: the counts of the services a batch changed, as they are after it, for a
    stream that is not sent the ticket events (kiosks, boards). Its ``seq`` is the batch's
    last; values are absolute, so one applied twice changes nothing."""

    services: dict[str, ServiceCounts]


class UnknownEvent(msgspec.Struct, frozen=True):
    """An event of a kind this client does not know: kept, counted in ``seq``, not applied."""

    kind: str
    seq: int = 0


AnyEvent = (
    DayStarted
    | TicketExpired
    | TicketHeld
    | TicketCheckedIn
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
    | TicketStepDone
    | RatingInvited
    | RatingRecorded
    | RatingRejected
    | FollowupOpened
    | DeviceStatus
    | DeviceParts
    | DevicePresence
    | StaffLocked
    | HallRated
    | FollowupAssigned
    | FollowupContacted
    | FollowupResolved
    | FollowupRerated
    | AlertRaised
    | AlertAcknowledged
    | AlertCleared
    | NoticePosted
    | ManagerLoggedIn
    | ManagerLoggedOut
    | AppointmentBooked
    | AppointmentCancelled
    | AppointmentRebooked
    | AppointmentCheckedIn
    | AppointmentMissed
    | Counts
)

EVENT_TYPES: dict[str, type[Event]] = {
    str(cls.__struct_config__.tag): cls
    for cls in (
        DayStarted,
        TicketExpired,
        TicketHeld,
        TicketCheckedIn,
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
        TicketStepDone,
        RatingInvited,
        RatingRecorded,
        RatingRejected,
        FollowupOpened,
        DeviceStatus,
        DeviceParts,
        DevicePresence,
        StaffLocked,
        HallRated,
        FollowupAssigned,
        FollowupContacted,
        FollowupResolved,
        FollowupRerated,
        AlertRaised,
        AlertAcknowledged,
        AlertCleared,
        NoticePosted,
        ManagerLoggedIn,
        ManagerLoggedOut,
        AppointmentBooked,
        AppointmentCancelled,
        AppointmentRebooked,
        AppointmentCheckedIn,
        AppointmentMissed,
        Counts,
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
