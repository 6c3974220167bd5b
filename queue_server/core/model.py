"""The hall's vocabulary: configuration records and the enums of states and classes.

Pure data, shared by the engine, the config loader, the store and the protocol. Nothing here
does I/O; times are POSIX seconds (float) unless a field says otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum


class TicketClass(StrEnum):
    """How a ticket entered the queue; decides its lane in the call order."""

    NORMAL = "normal"
    PRIORITY = "priority"  # 绿色通道: elderly, disabled, pregnant
    APPOINTMENT = "appointment"  # 预约


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"  # called to a window and being served there
    PARKED = "parked"  # 挂起: set aside by a window, can be called back
    DONE = "done"
    NO_SHOW = "no_show"  # 弃号 / 过号
    VOIDED = "voided"  # printing failed; never called
    EXPIRED = "expired"  # still waiting at the start of the next day


class WindowState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


class PauseReason(StrEnum):
    """Why a window is paused, shown on the boards (texts in ``texts.PAUSE_REASON_TEXTS``)."""

    LUNCH = "lunch"  # 午休
    AWAY = "away"  # 临时离开
    MEETING = "meeting"  # 会议
    FAULT = "fault"  # 系统故障
    OTHER = "other"  # 其他


class Role(StrEnum):
    KIOSK = "kiosk"
    CLERK = "clerk"
    DISPLAY = "display"
    BRIDGE = "bridge"
    MANAGER = "manager"
    AGENT = "agent"  # a 帮办代办员's tablet: takes tickets on behalf of citizens


class RatingLevel(IntEnum):
    """政务服务好差评 five levels; 不满意 and 非常不满意 are 差评."""

    VERY_SATISFIED = 5  # 非常满意
    SATISFIED = 4  # 满意
    BASICALLY_SATISFIED = 3  # 基本满意
    DISSATISFIED = 2  # 不满意
    VERY_DISSATISFIED = 1  # 非常不满意

    @property
    def is_bad(self) -> bool:
        """差评: the two lowest levels."""
        return self.value <= 2


@dataclass(frozen=True)
class OpeningPeriod:
    """One opening interval on the given ISO weekdays (1 = Monday … 7 = Sunday), local time."""

    weekdays: frozenset[int]
    start: dt.time
    end: dt.time


@dataclass(frozen=True)
class SlotRule:
    """预约时段: on these ISO weekdays, slots of ``every_min`` minutes from ``start`` until
    ``end`` (a slot that would run past ``end`` is not offered), each for ``capacity`` people."""

    weekdays: frozenset[int]
    start: dt.time
    end: dt.time
    every_min: int
    capacity: int


@dataclass(frozen=True)
class AppointmentPolicy:
    """``[appointments]``: how early and how late a booked citizen may check in, how far
    ahead a slot may be booked."""

    early_s: int = 30 * 60  # check-in opens this long before the slot
    late_s: int = 15 * 60  # and closes this long after it: later, a walk-in ticket
    days_ahead: int = 7  # slots may be booked up to this many days ahead (today is 0)
    secret: str = field(default="", repr=False)  # the server's key for citizen hashes


@dataclass(frozen=True)
class Service:
    """A service (事项) citizens take numbers for."""

    code: str
    name_zh: str
    name_en: str
    prefix: str  # ticket prefix, e.g. "A" -> A001
    category: str  # category / area shown on the kiosk's first screen
    location_zh: str  # where to go, e.g. "二楼东区 3–6 号窗口"
    location_en: str = ""
    category_en: str = ""  # the category's English name; empty: the Chinese one
    daily_quota: int | None = None  # None: no quota
    hours: tuple[OpeningPeriod, ...] = ()  # empty: open around the clock
    priority: bool = True  # whether 绿色通道 tickets may be taken
    appointments: bool = True  # whether appointment check-in applies
    appointment_slots: tuple[SlotRule, ...] = ()  # 预约时段; none: nothing to book


@dataclass(frozen=True)
class Bundle:
    """一件事: services a citizen does in one visit, on one ticket, served in this order."""

    code: str
    name_zh: str
    name_en: str
    prefix: str  # its tickets' prefix (the first service's when the file names none)
    services: tuple[str, ...]  # the steps' service codes, in order


@dataclass(frozen=True)
class Window:
    """A window (窗口); comprehensive windows serve many services, each with a weight."""

    number: int
    name: str
    services: dict[str, int]  # service code -> weight (higher is preferred)
    # 预约延时服务: periods (outside opening hours) when the window calls booked tickets only
    booked_only: tuple[OpeningPeriod, ...] = ()


class StaffRole(StrEnum):
    """What a staff member may log in as: a clerk at a window, a hall manager on the wall."""

    CLERK = "clerk"
    MANAGER = "manager"
    AGENT = "agent"  # 帮办代办员: takes and holds tickets on behalf of citizens


@dataclass(frozen=True)
class Staff:
    id: str
    name: str
    pin_hash: str  # "scrypt$<salt hex>$<hash hex>"
    roles: frozenset[StaffRole] = frozenset({StaffRole.CLERK})

    @property
    def is_manager(self) -> bool:
        return StaffRole.MANAGER in self.roles


@dataclass(frozen=True)
class Device:
    id: str
    role: Role
    token: str
    window: int | None = None  # the window a clerk, keypad or evaluator device belongs to
    zone: str | None = None  # a board's zone (``Zone.name``): it is sent that zone's windows only


@dataclass(frozen=True)
class CallPolicy:
    """How the next ticket is chosen and when the business day starts."""

    normal_per_priority: int = 2  # 2 normal : 1 priority
    max_wait_s: int = 3600  # a ticket waiting longer goes first
    day_start: dt.time = dt.time(0, 0)
    timezone: str = "Asia/Shanghai"


class RatingMoment(StrEnum):
    """When a citizen rates (镇便民服务中心 practice); a hall configures which it uses."""

    BEFORE = "before"  # 未办先评: the hall itself on entering, attached to no ticket
    DURING = "during"  # 边办边评: the ticket being served at the window
    AFTER = "after"  # 办后再评: the finished ticket


class HallAspect(StrEnum):
    """What a 未办先评 rates of the hall."""

    OVERALL = "overall"  # 整体
    ENVIRONMENT = "environment"  # 环境
    VOLUNTEERS = "volunteers"  # 志愿者
    GUIDANCE = "guidance"  # 导办


class FollowupOutcome(StrEnum):
    """How a 差评 work order ended."""

    FIXED = "fixed"  # 已整改
    EXPLAINED = "explained"  # 已解释说明
    APPEALED = "appealed"  # 申诉


class ContactChannel(StrEnum):
    """How a 回访 reached the citizen."""

    PHONE = "phone"
    VISIT = "visit"
    SMS = "sms"
    OTHER = "other"


@dataclass(frozen=True)
class RatingPolicy:
    """好差评: the moments used, the invitation window and the 差评 work order's clocks.

    The clocks follow the 2110 rule by default: contact the citizen within 2 working hours,
    give feedback within 1 working day, resolve within 10 working days (counted on the
    hall's ``WorkCalendar``).
    """

    invite_window_s: int = 120  # an unprompted press is accepted this long after finish
    moments: frozenset[RatingMoment] = frozenset({RatingMoment.AFTER})
    contact_hours: float = 2.0  # working hours
    feedback_days: int = 1  # working days
    resolve_days: int = 10  # working days


def _default_hours() -> tuple[tuple[dt.time, dt.time], ...]:
    return ((dt.time(9, 0), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30)))


@dataclass(frozen=True)
class WorkCalendar:
    """Working time, on which the 差评 clocks run: hours of a working day, the working
    weekdays, public holidays (法定节假日) and make-up working days (调休上班)."""

    hours: tuple[tuple[dt.time, dt.time], ...] = field(default_factory=_default_hours)
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})  # ISO: 1 = Monday
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()  # 调休: a weekend day worked

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.isoweekday() in self.weekdays and day not in self.holidays


@dataclass(frozen=True)
class AlertPolicy:
    """When the manager's wall raises an alert (``[alerts]`` in the hall configuration)."""

    wait_s: int = 30 * 60  # a citizen of a service has waited this long
    quota_left: int = 5  # a service has this few tickets left of its daily quota
    silent_s: int = 5 * 60  # a kiosk, board or bridge has been offline this long
    followup_warn_s: int = 3600  # a 差评 work order's deadline is this close


@dataclass(frozen=True)
class RemotePolicy:
    """远程取号 from the phone (``[remote]``): who may take, when a ticket must check in.

    An unchecked remote ticket waits but is never called; once ``hold_ahead`` or fewer wait
    before it, it is held and has ``checkin_minutes`` to check in (at the door QR or a kiosk)
    before it expires. ``secret`` keys the citizen hashes and the daily door code.
    """

    enabled: bool = False
    checkin_minutes: int = 10
    hold_ahead: int = 3
    per_service_hour: int = 30  # remote tickets of one service in any 60 minutes
    per_citizen_day: int = 3  # remote tickets of one citizen (phone) in a day
    per_address_hour: int = 10  # remote tickets taken from one network address in an hour
    secret: str = ""


@dataclass(frozen=True)
class Zone:
    """A part of the hall (a floor, a wing) whose boards show only its windows' calls."""

    name: str  # the key in a board's address: /board?zone=<name>
    name_zh: str
    windows: tuple[int, ...]
    name_en: str = ""


@dataclass(frozen=True)
class Hall:
    """The whole configured hall, as validated from the TOML file."""

    name_zh: str
    name_en: str
    services: tuple[Service, ...]
    windows: tuple[Window, ...]
    staff: tuple[Staff, ...] = ()
    devices: tuple[Device, ...] = ()
    policy: CallPolicy = field(default_factory=CallPolicy)
    ratings: RatingPolicy = field(default_factory=RatingPolicy)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    public_url: str = "http://localhost:8765"  # base of the ticket status page (QR code)
    id: str = "hall"  # the hall's id among a city's halls: every stored event carries it
    zones: tuple[Zone, ...] = ()  # board zones; none: every board shows every window
    alerts: AlertPolicy = field(default_factory=AlertPolicy)
    bundles: tuple[Bundle, ...] = ()  # 一件事一次办
    remote: RemotePolicy = field(default_factory=RemotePolicy)
    appointments: AppointmentPolicy = field(default_factory=AppointmentPolicy)

    def service(self, code: str) -> Service | None:
        return next((s for s in self.services if s.code == code), None)

    def window(self, number: int) -> Window | None:
        return next((w for w in self.windows if w.number == number), None)
