"""Every reply the server sends, typed by its ``type``, and the error reply.

A reply carries ``re`` (the request's ``id``) and, for a command, the log's ``seq`` once it
was committed. The records inside (tickets, windows) are ``contract.records``' and read the
same in every role's view. ``decode_reply`` reads one reply message (decoded JSON); a reply of
a type this client does not know yet raises ``msgspec.ValidationError``.
"""

from __future__ import annotations

from typing import Any

import msgspec

from .records import (
    Alert,
    Bundle,
    Device,
    Followup,
    HallInfo,
    Kpis,
    Lockout,
    Notice,
    RecentCall,
    Service,
    Snapshot,
    Ticket,
    Window,
)

__all__ = ["REPLY_TYPES", "AnyReply", "Reply", "decode_reply"]

Id = str | int


class Reply(msgspec.Struct, tag_field="type", kw_only=True, frozen=True):
    re: Id | None = None
    seq: int | None = None


class Welcome(Reply, tag="welcome", frozen=True):
    """To `hello` (a device) or `watch` (the public view: `device` is None)."""

    protocol: int
    device: str | None
    role: str
    snapshot: Snapshot
    window: int | None = None
    hall: HallInfo = HallInfo()
    missed: int | None = None
    replay: bool = False


class Pong(Reply, tag="pong", frozen=True):
    time: float


class SnapshotReply(Reply, tag="snapshot", frozen=True):
    day: str | None = None
    waiting: tuple[Ticket, ...] = ()
    windows: tuple[Window, ...] = ()
    services: tuple[Service, ...] = ()
    bundles: tuple[Bundle, ...] = ()  # 一件事
    devices: tuple[Device, ...] = ()
    recent_calls: tuple[RecentCall, ...] = ()  # newest first
    lockouts: tuple[Lockout, ...] = ()  # managers only
    alerts: tuple[Alert, ...] = ()  # managers only
    followups: tuple[Followup, ...] = ()  # managers only
    notice: Notice | None = None


class Position(Reply, tag="position", frozen=True):
    ticket: Ticket
    state: str
    ahead: int | None
    estimated_wait_s: int | None
    open_windows: int
    window: int | None = None


class TicketStatus(Reply, tag="ticket_status", frozen=True):
    """The phone page's answer: the public part of one ticket and the wording of its wait."""

    ticket: Ticket
    ahead: int | None
    estimated_wait_s: int | None
    open_windows: int
    headline: tuple[str, str]
    detail: tuple[str, str]
    checkin: dict[str, Any] | None = None  # 远程取号 not yet checked in: the rule and deadline


class TicketIssued(Reply, tag="ticket", frozen=True):
    ticket: Ticket


class RemoteTicket(Reply, tag="remote_ticket", frozen=True):
    """To `take_remote`: the ticket and its live phone page (``/t/<token>``)."""

    ticket: Ticket
    page: str


class CheckedIn(Reply, tag="checked_in", frozen=True):
    """To `door_checkin` and `kiosk_checkin`: the ticket, now called like any other."""

    ticket: Ticket


class DoorCode(Reply, tag="door_code", frozen=True):
    """To `door_code`: the address the door QR opens today."""

    url: str
    day: str


class Voided(Reply, tag="voided", frozen=True):
    ticket: Ticket


class DeviceStatusRecorded(Reply, tag="device_status", frozen=True):
    pass


class DevicePartsRecorded(Reply, tag="device_parts", frozen=True):
    pass


class LoggedIn(Reply, tag="logged_in", frozen=True):
    window: Window


class WindowChanged(Reply, tag="window", frozen=True):
    """To `logout`, `pause` and `resume`: the window as it is now."""

    window: Window


class Called(Reply, tag="called", frozen=True):
    ticket: Ticket
    reason: dict[str, Any]
    window: Window


class NoShow(Reply, tag="no_show", frozen=True):
    ticket: Ticket


class Finished(Reply, tag="finished", frozen=True):
    ticket: Ticket


class Transferred(Reply, tag="transferred", frozen=True):
    ticket: Ticket


class Parked(Reply, tag="parked", frozen=True):
    ticket: Ticket


class RatingInvited(Reply, tag="rating_invited", frozen=True):
    ticket: Ticket


class Rating(Reply, tag="rating", frozen=True):
    """To `rate`: the rating recorded, or None and why it was rejected (一次一评)."""

    rating: dict[str, Any] | None = None
    rejected: str | None = None


class Agent(Reply, tag="agent", frozen=True):
    """To `agent_login` (the 帮办代办员 logged in now) and `agent_logout` (None)."""

    staff: str | None = None
    staff_name: str | None = None


class AgentTickets(Reply, tag="agent_tickets", frozen=True):
    """The open tickets the agent logged in holds for citizens, in issue order."""

    tickets: tuple[Ticket, ...] = ()


class Manager(Reply, tag="manager", frozen=True):
    """To `manager_login` (who is logged in now) and `manager_logout` (None)."""

    staff: str | None = None
    staff_name: str | None = None


class KpisReply(Reply, tag="kpis", frozen=True):
    """To `kpis`: today's figures."""

    kpis: Kpis


class AlertReply(Reply, tag="alert", frozen=True):
    """To `ack_alert`: the alert as acknowledged (who, when)."""

    alert: Alert


class FollowupChanged(Reply, tag="followup", frozen=True):
    """To `followup_assign`, `followup_contact`, `followup_resolve`, `followup_rerate`: the
    差评 work order as it is now (managers only)."""

    followup: Followup


class NoticeReply(Reply, tag="notice", frozen=True):
    """To `post_notice`: the notice the boards show now (``text_zh`` None: the configured one)."""

    notice: Notice


class Booking(msgspec.Struct, kw_only=True, frozen=True):
    """预约: a booking as its citizen sees it (never the citizen's hash)."""

    code: str
    service: str
    service_name_zh: str
    service_name_en: str
    location_zh: str
    day: str
    slot: str
    slot_at: float
    state: str  # booked | cancelled | checked_in | missed
    check_in_from: str  # HH:MM
    check_in_until: str
    location_en: str = ""


class SlotSeats(msgspec.Struct, frozen=True):
    slot: str  # HH:MM
    capacity: int
    left: int


class SlotDay(msgspec.Struct, frozen=True):
    day: str
    weekday: int  # ISO, 1 = Monday
    slots: tuple[SlotSeats, ...]


class BookingReply(Reply, tag="booking", frozen=True):
    """To `book_appointment`, `cancel_appointment`, `rebook_appointment`."""

    booking: Booking


class AppointmentSlots(Reply, tag="appointment_slots", frozen=True):
    """To `appointment_slots`: the bookable slots of a service from today on."""

    service: str
    days: tuple[SlotDay, ...]


class AppointmentsReply(Reply, tag="appointments", frozen=True):
    """To `appointments` (managers): today's bookings per slot and the citizens' no-shows."""

    day: str
    slots: tuple[dict[str, Any], ...]
    no_shows: tuple[dict[str, Any], ...]


class Error(Reply, tag="error", frozen=True):
    """A refusal: a stable `code`, texts for people, and for some codes more (the ticket
    already held, the time a staff id is locked until)."""

    code: str
    message: str
    message_en: str
    ticket: Ticket | None = None
    number: str | None = None
    until: float | None = None


AnyReply = (
    Welcome
    | Pong
    | SnapshotReply
    | Position
    | TicketStatus
    | TicketIssued
    | RemoteTicket
    | CheckedIn
    | DoorCode
    | Voided
    | DeviceStatusRecorded
    | DevicePartsRecorded
    | LoggedIn
    | WindowChanged
    | Called
    | NoShow
    | Finished
    | Transferred
    | Parked
    | RatingInvited
    | Rating
    | Manager
    | Agent
    | AgentTickets
    | KpisReply
    | AlertReply
    | NoticeReply
    | FollowupChanged
    | BookingReply
    | AppointmentSlots
    | AppointmentsReply
    | Error
)

REPLY_TYPES: dict[str, type[Reply]] = {
    str(cls.__struct_config__.tag): cls for cls in AnyReply.__args__
}


def decode_reply(message: dict[str, Any]) -> AnyReply:
    """One reply message (decoded JSON) as its type; raises ``msgspec.ValidationError``."""
    if message.get("type") == "kpis":
        # JSON keys are text: the figures' window numbers, hours and scores come as "1", "9" …
        kpis: KpisReply = msgspec.convert(message, KpisReply, strict=False)
        return kpis
    reply: AnyReply = msgspec.convert(message, AnyReply)
    return reply
