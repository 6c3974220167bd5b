"""What the wall shows, read from the live hall model and today's KPIs. No Qt.

Each function turns the model (and the server's time) into rows a panel draws: services with
their waiting and longest wait, windows with their state and clerk, devices with their health,
the open 差评 work orders with the next deadline and how urgent it is, the alerts newest first.
`Observed` keeps the wall's own record of the day (waiting per service over time, calls per
window per hour) for the charts while the server's `kpis` reply has none.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from contract import events as ev
from contract.hall import Change, HallModel
from contract.records import Alert, Followup, Kpis, WindowState

MAX_SAMPLES = 2000  # per service: a sample a change, thinned when there are more


class Health(StrEnum):
    """A device at a glance; "unknown" is its own value, never "ok"."""

    OK = "ok"
    WARN = "warn"  # works, needs attention soon (paper low)
    FAULT = "fault"  # connected but not working (out of paper, cover open, bus missing)
    OFFLINE = "offline"
    UNKNOWN = "unknown"


class Due(StrEnum):
    OK = "ok"
    NEAR = "near"  # amber
    PAST = "past"  # red


# device_status -> health while the device is connected
STATUS_HEALTH: dict[str, Health] = {
    "ok": Health.OK,
    "printer_paper_near_end": Health.WARN,
    "printer_paper_out": Health.FAULT,
    "printer_cover_open": Health.FAULT,
    "printer_offline": Health.FAULT,
    "printer_unknown": Health.UNKNOWN,
    "out_of_service": Health.FAULT,
    "device_missing": Health.FAULT,
    "recovered": Health.WARN,  # restarted by its watchdog: working, but look into it
    # device_parts: a bridge's keypads, evaluators and boards, a board's announcer
    "heard": Health.OK,
    "silent": Health.OFFLINE,
    "unheard": Health.UNKNOWN,
    "line_down": Health.UNKNOWN,
    "line_ok": Health.OK,
    "speaking": Health.OK,
    "standby": Health.OK,
    "no_sound": Health.FAULT,
}
#: Kinds of part, in the order the wall lists them; then the devices themselves.
PART_KINDS = ("announcer", "evaluator", "keypad", "board")
_HEALTH_ORDER = (Health.FAULT, Health.OFFLINE, Health.WARN, Health.UNKNOWN, Health.OK)


@dataclass(frozen=True)
class ServiceRow:
    code: str
    name_zh: str
    name_en: str
    waiting: int
    longest_s: float | None  # the first waiting ticket's wait; None: nobody waits
    over: bool  # longest wait past the threshold
    open: bool
    closed_reason: str | None
    issued: int
    quota: int | None


@dataclass(frozen=True)
class WindowRow:
    number: int
    name: str
    state: WindowState
    reason: str | None
    staff: str | None
    staff_name: str | None
    serving: str | None  # the number being served now
    serving_since: float | None


@dataclass(frozen=True)
class DeviceRow:
    device: str
    role: str
    health: Health
    status: str | None
    detail: str | None
    online: bool | None
    seen_at: float | None
    parent: str | None = None  # a part's device (its bridge, its board)
    window: int | None = None  # a part's window

    @property
    def part(self) -> str | None:
        """``evaluator-17`` of ``bridge-1/evaluator-17``; None for a device itself."""
        return self.device.split("/", 1)[1] if self.parent is not None else None


@dataclass(frozen=True)
class FollowupRow:
    followup: Followup
    step: str  # contact | feedback | resolve: what is due next
    due: float | None
    urgency: Due


def service_rows(model: HallModel, now: float, threshold_s: float) -> list[ServiceRow]:
    rows = []
    for s in model.services.values():
        waiting = model.waiting(s.code)
        longest = max(0.0, now - waiting[0].issued_at) if waiting else None
        rows.append(
            ServiceRow(
                code=s.code,
                name_zh=s.name_zh,
                name_en=s.name_en,
                waiting=s.waiting,
                longest_s=longest,
                over=longest is not None and longest >= threshold_s,
                open=s.open and s.closed_reason is None,
                closed_reason=s.closed_reason,
                issued=s.issued_today,
                quota=s.quota,
            )
        )
    return rows


def window_rows(model: HallModel) -> list[WindowRow]:
    rows = []
    for number in sorted(model.windows):
        w = model.windows[number]
        current = w.current
        rows.append(
            WindowRow(
                number=w.number,
                name=w.name,
                state=w.state,
                reason=w.pause_reason,
                staff=w.staff,
                staff_name=w.staff_name,
                serving=current.number if current is not None else None,
                serving_since=current.called_at if current is not None else None,
            )
        )
    return rows


def device_health(status: str | None, online: bool | None, part: bool = False) -> Health:
    if online is False:
        return Health.OFFLINE
    if part and online is None and STATUS_HEALTH.get(status or "") is not Health.FAULT:
        return Health.UNKNOWN  # its bridge is away, or the bus cannot tell: never "ok"
    if status is None:
        return Health.OK if online else Health.UNKNOWN
    return STATUS_HEALTH.get(status, Health.UNKNOWN)


def device_rows(model: HallModel, own: str | None = None) -> list[DeviceRow]:
    """Every device the server knows of and their parts (a bridge's evaluators, keypads and
    boards, by window; a board's announcer), worst first (the wall itself left out)."""
    rows = [
        DeviceRow(
            device=d.device,
            role=d.role or "unknown",
            health=device_health(d.status, d.online, part=d.parent is not None),
            status=d.status,
            detail=d.detail,
            online=d.online,
            seen_at=d.seen_at,
            parent=d.parent,
            window=d.window,
        )
        for d in model.devices.values()
        if d.device != own
    ]
    rows.sort(key=_device_order)
    return rows


def _device_order(r: DeviceRow) -> tuple[object, ...]:
    """Problems first; then parts by kind and window; then the devices by role and name."""
    kind = PART_KINDS.index(r.role) if r.parent is not None and r.role in PART_KINDS else 9
    window = r.window if r.window is not None else 0
    return (_HEALTH_ORDER.index(r.health), kind, r.role, window, _natural(r.device))


def _natural(device: str) -> tuple[str | int, ...]:
    """clerk-2 before clerk-10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", device))


def group_healthy(rows: list[DeviceRow], least: int) -> tuple[list[DeviceRow], dict[str, int]]:
    """The rows to show one by one, and the roles whose `least` or more devices are all
    healthy and online (one line each: a hall's fifteen window PCs that are fine)."""
    counts: dict[str, int] = {}
    for r in rows:
        if r.health is Health.OK and r.online:
            counts[r.role] = counts.get(r.role, 0) + 1
    grouped = {role: n for role, n in counts.items() if n >= least}
    shown = [r for r in rows if not (r.role in grouped and r.health is Health.OK and r.online)]
    return shown, grouped


def next_step(f: Followup) -> tuple[str, float | None]:
    """What a 差评 work order owes next and by when (the 2110 rule's clocks)."""
    if not f.contacts and f.contact_due is not None:
        return "contact", f.contact_due  # the first 回访
    if len(f.contacts) <= 1 and f.feedback_due is not None:
        return "feedback", f.feedback_due  # telling the citizen how it is handled
    return "resolve", f.resolve_due


def open_followups(model: HallModel, now: float, near_s: float) -> list[FollowupRow]:
    """The 差评 not yet resolved, the most urgent first."""
    rows = []
    for f in model.followups.values():
        if f.outcome is not None or f.resolved_at is not None:
            continue
        step, due = next_step(f)
        if due is None:
            urgency = Due.OK
        elif due <= now:
            urgency = Due.PAST
        elif due - now <= near_s:
            urgency = Due.NEAR
        else:
            urgency = Due.OK
        rows.append(FollowupRow(f, step, due, urgency))
    rows.sort(key=lambda r: (r.due is None, r.due or 0.0, r.followup.opened_at))
    return rows


def alerts_newest_first(model: HallModel) -> list[Alert]:
    return sorted(model.alerts.values(), key=lambda a: (-a.raised_at, a.alert))


def issued_today(model: HallModel) -> int:
    return sum(s.issued_today for s in model.services.values())


def local_hour(at: float, tz: ZoneInfo) -> float:
    """Hours since the hall's midnight (9.5 is half past nine)."""
    t = dt.datetime.fromtimestamp(at, tz)
    return t.hour + t.minute / 60 + t.second / 3600


@dataclass
class Observed:
    """The wall's own record of today: waiting per service (time, n), calls per window per
    hour. It starts when the wall does; the server's KPIs, when they come, take over."""

    waiting: dict[str, list[tuple[float, int]]] = field(default_factory=dict)
    calls: dict[int, dict[int, int]] = field(default_factory=dict)
    day: str | None = None

    def observe(self, model: HallModel, change: Change, now: float, tz: ZoneInfo) -> None:
        if model.day != self.day:  # a new day (or the first welcome): start again
            self.waiting, self.calls, self.day = {}, {}, model.day
        if isinstance(change.event, ev.TicketCalled) and not change.event.recall:
            at = change.event.at or now
            hours = self.calls.setdefault(change.event.window, {})
            hour = int(local_hour(at, tz))
            hours[hour] = hours.get(hour, 0) + 1
        if change.everything or change.services or not self.waiting:
            for code, s in model.services.items():
                samples = self.waiting.setdefault(code, [])
                if samples and samples[-1][1] == s.waiting:
                    continue
                samples.append((now, s.waiting))
                if len(samples) > MAX_SAMPLES:
                    del samples[1:-1:2]

    def series(self, kpis: Kpis | None) -> dict[str, list[tuple[float, int]]]:
        if kpis is not None and kpis.waiting_series:
            return {k: list(v) for k, v in kpis.waiting_series.items()}
        return {k: list(v) for k, v in self.waiting.items()}

    def calls_by_hour(self, kpis: Kpis | None) -> dict[int, dict[int, int]]:
        if kpis is not None and kpis.calls_by_hour:
            return {w: dict(h) for w, h in kpis.calls_by_hour.items()}
        return {w: dict(h) for w, h in self.calls.items()}
