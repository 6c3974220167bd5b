"""The records of the hall as the server sends them: tickets, windows, services, devices.

These are the shapes of ``queue_server.core.views`` (``ticket_dict``, ``window_dict``,
``service_dict``, ``snapshot``) and of the ``welcome`` reply, read into frozen msgspec Structs.
Fields a role's view may leave out (``docs/protocol.md``, "What each role sees": staff ids,
who issued a ticket, request ids, phone tokens) are optional; fields this client does not know
yet are ignored, so an older client reads a newer server. ``decode_welcome`` and
``decode_snapshot`` read a decoded JSON message; they raise ``msgspec.ValidationError``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec

__all__ = [
    "Device",
    "HallInfo",
    "LastRating",
    "LastServed",
    "Lockout",
    "RecentCall",
    "Service",
    "Snapshot",
    "Ticket",
    "TicketClass",
    "TicketState",
    "Welcome",
    "Window",
    "WindowState",
    "decode_snapshot",
    "decode_welcome",
]


class TicketClass(StrEnum):
    """The lane a ticket queues in (``queue_server.core.model.TicketClass``)."""

    NORMAL = "normal"
    PRIORITY = "priority"  # 绿色通道
    APPOINTMENT = "appointment"  # 预约


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    PARKED = "parked"  # 挂起
    DONE = "done"
    NO_SHOW = "no_show"  # 弃号
    VOIDED = "voided"
    EXPIRED = "expired"


class WindowState(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class Record(msgspec.Struct, kw_only=True, frozen=True):
    """Base of the records: immutable, so an observer may keep one it was handed."""


class Ticket(Record, frozen=True):
    """A ticket (``ticket_dict``); ``ahead`` and ``estimated_wait_s`` are the ones at issue."""

    id: str
    number: str
    service: str
    service_name_zh: str = ""
    service_name_en: str = ""
    ticket_class: TicketClass = msgspec.field(name="class", default=TicketClass.NORMAL)
    state: TicketState = TicketState.WAITING
    issued_at: float = 0.0
    window: int | None = None  # the window calling it now, or the last one
    called_at: float | None = None
    finished_at: float | None = None
    target_window: int | None = None  # reserved for this window by a transfer
    ahead: int = 0
    estimated_wait_s: int = 0
    location_zh: str = ""
    location_en: str = ""
    rating: int | None = None
    calls: int = 0
    reason: dict[str, Any] | None = None  # why it was last called
    open_windows: int | None = None  # in the issuing kiosk's reply only
    # Left out of some roles' views:
    staff: str | None = None
    request_id: str | None = None
    issuer: str | None = None
    token: str | None = None
    status_url: str | None = None


class LastRating(Record, frozen=True):
    """The last 好差评 rating given at a window."""

    ticket: str
    number: str
    score: int
    level: str
    bad: bool
    at: float


class LastServed(Record, frozen=True):
    """The ticket a rating at a window would attach to now (一次一评)."""

    id: str
    number: str
    finished_at: float | None = None
    rated: bool = False
    invited: bool = False


class Window(Record, frozen=True):
    """A window (``window_dict``); ``parked`` lists numbers in issue order."""

    number: int
    name: str = ""
    state: WindowState = WindowState.CLOSED
    pause_reason: str | None = None  # a PauseReason code while paused
    staff: str | None = None  # left out of public views
    staff_name: str | None = None
    current: Ticket | None = None
    services: tuple[str, ...] = ()
    parked: tuple[str, ...] = ()
    last_rating: LastRating | None = None
    last_served: LastServed | None = None


class Service(Record, frozen=True):
    """A service (``service_dict``) with its counts of the day."""

    code: str
    name_zh: str = ""
    name_en: str = ""
    prefix: str = ""
    category: str = ""
    category_en: str = ""
    location_zh: str = ""
    location_en: str = ""
    waiting: int = 0
    open: bool = True
    closed_reason: str | None = None  # "closed" (opening hours) or "quota"
    issued_today: int = 0
    quota: int | None = None
    priority: bool = False
    appointments: bool = False
    open_windows: int = 0
    estimated_wait_s: int = 0


class Device(Record, frozen=True):
    """A device's last reported health (``device_status``)."""

    device: str
    role: str | None = None
    status: str | None = None
    detail: str | None = None
    at: float | None = None
    online: bool | None = None  # connected now (None: not known)
    seen_at: float | None = None  # when it last connected or left


class Lockout(Record, frozen=True):
    """A staff id locked by wrong PINs until ``until`` (POSIX seconds); managers only."""

    staff: str | None = None
    until: float = 0.0


class RecentCall(Record, frozen=True):
    """One of the day's latest calls (a ``ticket_called``), for a board that starts after it;
    each ticket's latest call only. No staff id: every view may carry it."""

    ticket: str
    number: str
    window: int
    service: str
    at: float
    recall: bool = False


class Snapshot(Record, frozen=True):
    """The picture of the hall: in a ``welcome``, or a ``snapshot`` reply (which has ``seq``)."""

    day: str | None = None
    waiting: tuple[Ticket, ...] = ()  # in issue order
    windows: tuple[Window, ...] = ()
    services: tuple[Service, ...] = ()
    devices: tuple[Device, ...] = ()
    recent_calls: tuple[RecentCall, ...] = ()  # newest first, at most 20
    lockouts: tuple[Lockout, ...] = ()
    seq: int | None = None


class HallInfo(Record, frozen=True):
    name_zh: str = ""
    name_en: str = ""
    timezone: str = ""


class Welcome(Record, frozen=True):
    """The reply to ``hello``: who this connection is, and the hall at ``seq``."""

    protocol: int
    seq: int
    device: str | None  # None for a public `watch`
    role: str
    snapshot: Snapshot
    window: int | None = None
    hall: HallInfo = HallInfo()
    missed: int | None = None
    replay: bool = False


def decode_welcome(message: dict[str, Any]) -> Welcome:
    """A ``welcome`` message (decoded JSON) as its record; unknown fields are ignored."""
    return msgspec.convert(message, Welcome)


def decode_snapshot(message: dict[str, Any]) -> Snapshot:
    """A ``snapshot`` reply (or a welcome's ``snapshot``) as its record."""
    return msgspec.convert(message, Snapshot)
