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
    "Alert",
    "BookedOnly",
    "Bundle",
    "BundleStep",
    "Device",
    "Figures",
    "Followup",
    "FollowupContact",
    "HallInfo",
    "Kpis",
    "LastRating",
    "LastServed",
    "Lockout",
    "Notice",
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


class BundleStep(Record, frozen=True):
    """One step of a 一件事 ticket: its service and whether it is done, current or to come."""

    service: str
    name_zh: str = ""
    name_en: str = ""
    state: str = "to_come"  # done | current | to_come


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
    rating: int | None = None  # 办后再评
    rating_during: int | None = None  # 边办边评
    calls: int = 0
    reason: dict[str, Any] | None = None  # why it was last called
    open_windows: int | None = None  # in the issuing kiosk's reply only
    bundle: str | None = None  # 一件事: the bundle's code; its steps in order
    bundle_name_zh: str | None = None
    bundle_name_en: str | None = None
    step: int = 0
    steps: tuple[BundleStep, ...] = ()
    remote: bool = False  # 远程取号: called only once checked in
    checked_in_at: float | None = None
    checkin_deadline: float | None = None  # set once held near the front unchecked
    # Left out of some roles' views:
    staff: str | None = None
    request_id: str | None = None
    issuer: str | None = None
    token: str | None = None
    status_url: str | None = None
    proxy: str | None = None  # 帮办代办: the agent's staff id


class LastRating(Record, frozen=True):
    """The last 好差评 rating given at a window."""

    ticket: str
    number: str
    score: int
    level: str
    bad: bool
    at: float
    moment: str = "after"  # during (边办边评) or after (办后再评)


class LastServed(Record, frozen=True):
    """The ticket a rating at a window would attach to now (一次一评)."""

    id: str
    number: str
    finished_at: float | None = None
    rated: bool = False
    invited: bool = False


class BookedOnly(Record, frozen=True):
    """预约延时服务: on these ISO weekdays from ``start`` to ``end`` (HH:MM, hall time) the
    window calls booked tickets only."""

    days: tuple[int, ...]
    start: str
    end: str


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
    booked_only: tuple[BookedOnly, ...] = ()


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
    bookable: bool = False  # 预约: slots can be booked (the phone page, a clerk)
    open_windows: int = 0
    estimated_wait_s: int = 0
    opens_at: float | None = None  # closed by its opening hours: when it opens next


class Bundle(Record, frozen=True):
    """一件事: services done in one visit on one ticket (the kiosk's 一件事一次办 专区)."""

    code: str
    name_zh: str = ""
    name_en: str = ""
    prefix: str = ""
    services: tuple[str, ...] = ()
    open: bool = True  # its first step's service takes tickets now


class Device(Record, frozen=True):
    """A device's last reported health (``device_status``), or a part's (``device_parts``:
    ``bridge-1/evaluator-3`` with its ``parent``, its kind as ``role`` and its ``window``)."""

    device: str
    role: str | None = None
    status: str | None = None
    detail: str | None = None
    at: float | None = None
    online: bool | None = None  # connected now (None: not known)
    seen_at: float | None = None  # when it last connected or left (a part: last heard)
    parent: str | None = None  # a part's device (its bridge or board)
    window: int | None = None  # a part's window


class Lockout(Record, frozen=True):
    """A staff id locked by wrong PINs until ``until`` (POSIX seconds); managers only."""

    staff: str | None = None
    until: float = 0.0


class Alert(Record, frozen=True):
    """An alert on the manager's wall (``alert_raised``); it stays until acknowledged."""

    alert: str  # its key: one open alert per key
    alert_kind: str
    subject: str
    level: str = "warning"  # warning | critical
    text_zh: str = ""
    text_en: str = ""
    raised_at: float = 0.0
    acknowledged_at: float | None = None
    acknowledged_by: str | None = None  # a staff id


class FollowupContact(Record, frozen=True):
    """One 回访: when, by whom, how, what the citizen said."""

    at: float
    channel: str
    note: str
    staff: str | None = None


class Followup(Record, frozen=True):
    """A 差评 work order (managers only): owner, 回访 records, outcome, deadlines (POSIX s)."""

    followup: str  # its id
    score: int
    opened_at: float
    deadline: str  # the resolution's date
    ticket: str | None = None  # None: a rating of the hall (未办先评)
    number: str | None = None
    service: str | None = None
    window: int | None = None
    staff: str | None = None  # who served the ticket
    moment: str = "after"
    owner: str | None = None
    contact_due: float | None = None
    feedback_due: float | None = None
    resolve_due: float | None = None
    contacts: tuple[FollowupContact, ...] = ()
    outcome: str | None = None  # fixed | explained | appealed
    outcome_note: str | None = None
    resolved_at: float | None = None
    rerating: int | None = None  # the citizen's rating after the fix
    rerated_at: float | None = None
    aspect: str | None = None  # of the hall, for a 未办先评
    day: str | None = None  # the business day it was opened


class Notice(Record, frozen=True):
    """The boards' scrolling notice posted by a manager (over the configured one)."""

    text_zh: str | None = None
    text_en: str | None = None
    at: float | None = None


class Figures(Record, frozen=True):
    """Counts and times of a set of tickets (a service, a window, a clerk, an hour, all)."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    transferred: int = 0
    voided: int = 0
    expired: int = 0
    waiting: int = 0  # now (live figures only)
    longest_wait_s: float = 0.0  # of those waiting now (live figures only)
    wait_avg_s: float | None = None  # issue → first call, of the tickets called
    wait_median_s: float | None = None
    wait_p90_s: float | None = None
    service_avg_s: float | None = None  # call → finish, of the tickets served
    service_median_s: float | None = None
    service_p90_s: float | None = None
    rated: int = 0
    by_level: dict[int, int] = {}  # score 1–5 → ratings
    satisfied: int = 0  # 非常满意 + 满意
    satisfaction: float | None = None  # satisfied / rated


class Kpis(Record, frozen=True):
    """Today's figures for the manager's wall (reply to ``kpis``)."""

    day: str | None = None
    at: float = 0.0
    total: Figures = Figures()
    services: dict[str, Figures] = {}  # by service code
    windows: dict[int, Figures] = {}  # by window number
    staff: dict[str, Figures] = {}  # by staff id
    calls_by_hour: dict[int, dict[int, int]] = {}  # window → local hour → calls
    waiting_series: dict[str, tuple[tuple[float, int], ...]] = {}  # service → (time, waiting)
    hall_ratings: Figures = Figures()  # 未办先评


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
    bundles: tuple[Bundle, ...] = ()  # 一件事
    devices: tuple[Device, ...] = ()
    recent_calls: tuple[RecentCall, ...] = ()  # newest first, at most 20
    lockouts: tuple[Lockout, ...] = ()
    alerts: tuple[Alert, ...] = ()  # managers only: open (unacknowledged) alerts
    followups: tuple[Followup, ...] = ()  # managers only: open work orders and today's
    notice: Notice | None = None
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
