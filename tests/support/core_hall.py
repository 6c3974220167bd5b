"""A small literal hall for the engine tests, and a clerk that runs commands on a clock.

Three services (one with opening hours and a daily quota), three windows, two clerks.
Monday 2026-11-23 09:30 in Shanghai is ``T0``; the business day starts at 06:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from queue_server.core import Command, Engine, Result, TakeTicket
from queue_server.core.appointments import AppointmentCommand, BookAppointment
from queue_server.core.model import (
    Bundle,
    CallPolicy,
    Hall,
    OpeningPeriod,
    RatingMoment,
    RatingPolicy,
    RemotePolicy,
    Service,
    SlotRule,
    Staff,
    StaffRole,
    TicketClass,
    Window,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> float:
    """POSIX seconds of 2026-11-<day> hour:minute:second in Shanghai."""
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=SHANGHAI).timestamp()


T0 = at(23, 9, 30)  # Monday

WEEKDAYS = frozenset({1, 2, 3, 4, 5})

TAX = Service(
    code="tax",
    name_zh="税务登记",
    name_en="Tax registration",
    prefix="A",
    category="税务",
    location_zh="一楼东区",
    location_en="1F east",
    # 预约: every day, half-hour slots from 08:00 to 18:00, four people each
    appointment_slots=(
        SlotRule(frozenset(range(1, 8)), dt.time(8, 0), dt.time(18, 0), 30, capacity=4),
    ),
)
SOCIAL = Service(
    code="social",
    name_zh="社保业务",
    name_en="Social insurance",
    prefix="B",
    category="社保",
    location_zh="一楼西区",
    appointments=False,
)
LICENCE = Service(
    code="licence",
    name_zh="营业执照",
    name_en="Business licence",
    prefix="C",
    category="市场监管",
    location_zh="二楼",
    daily_quota=3,
    hours=(OpeningPeriod(WEEKDAYS, dt.time(9, 0), dt.time(12, 0)),),
    priority=False,
)

HALL = Hall(
    name_zh="测试政务服务中心",
    name_en="Test service centre",
    services=(TAX, SOCIAL, LICENCE),
    windows=(
        Window(1, "1号窗口", {"tax": 2, "social": 1}),
        Window(2, "2号窗口", {"social": 1, "licence": 1}),
        # 预约延时服务: at lunch, window 3 calls booked tickets only
        Window(
            3,
            "3号窗口",
            {"tax": 1, "licence": 2},
            booked_only=(OpeningPeriod(frozenset(range(1, 8)), dt.time(12, 0), dt.time(13, 30)),),
        ),
    ),
    staff=(
        Staff("s1", "张三", "scrypt$00$00"),
        Staff("s2", "李四", "scrypt$00$00"),
        Staff("s3", "王五", "scrypt$00$00"),
    ),
    policy=CallPolicy(
        normal_per_priority=2,
        max_wait_s=3600,
        day_start=dt.time(6, 0),
        timezone="Asia/Shanghai",
    ),
    ratings=RatingPolicy(
        invite_window_s=120,
        resolve_days=3,
        moments=frozenset({RatingMoment.BEFORE, RatingMoment.DURING, RatingMoment.AFTER}),
    ),
    remote=RemotePolicy(
        enabled=True, checkin_minutes=10, hold_ahead=2, per_service_hour=4, per_citizen_day=3
    ),
)


# 一件事: BIRTH passes from window to window (no window serves all three); MOVE is served at
# window 1, which serves both its services. ``a1`` is a 帮办代办员.
BIRTH = Bundle("birth", "新生儿出生一件事", "Newborn", "N", ("tax", "social", "licence"))
MOVE = Bundle("move", "迁居一件事", "Moving house", "B", ("social", "tax"))
AGENT = Staff("a1", "赵六", "scrypt$00$00", frozenset({StaffRole.AGENT}))
BUNDLE_HALL = replace(HALL, bundles=(BIRTH, MOVE), staff=(*HALL.staff, AGENT))


class Clerk:
    """Runs commands at a settable time and remembers every emitted event."""

    def __init__(self, engine: Engine, now: float = T0) -> None:
        self.engine = engine
        self.now = now
        self.events: list[dict[str, Any]] = []

    def __call__(
        self, command: Command | AppointmentCommand, *, after: float = 0, actor: str = "test"
    ) -> Result:
        self.now += after
        result = self.engine.execute(command, self.now, actor)
        self.events.extend(result.events)
        return result


def book(
    run: Clerk,
    service: str = "tax",
    slot: str = "09:30",
    citizen: str | None = None,
    day: str = "2026-11-23",
) -> str:
    """Book a slot as if early that morning (06:30, before any slot): its code."""
    count = len(run.engine.state.book.bookings)
    code = f"{count + 1:08d}"
    now, run.now = run.now, at(23, 6, 30)
    try:
        run(BookAppointment(service, day, slot, citizen or f"citizen-{count}", code))
    finally:
        run.now = now
    return code


def check_in(run: Clerk, service: str = "tax", after: float = 1, slot: str = "09:30") -> Result:
    """Book today's ``slot`` and check in with its code at the run's time (+ ``after``)."""
    code = book(run, service, slot)
    request = f"r{len(run.events)}"
    return run(
        TakeTicket(service, request, TicketClass.APPOINTMENT, appointment_code=code), after=after
    )
