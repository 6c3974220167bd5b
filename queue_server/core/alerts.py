"""The manager's alerts: what is wrong in the hall now, raised once and kept until seen.

`conditions` reads the state at ``now`` and names each problem by a key (one open alert per
key): ``wait:<service>`` (a citizen has waited past the threshold), ``quota:<service>`` (a
service's daily quota is nearly or fully taken), ``paper:<device>`` (a kiosk's printer is low
on paper, out, open or not answering), ``silent:<device>`` (a kiosk, board or bridge has been
offline, or never connected, for too long; or a bridge's keypad or evaluator, e.g.
``silent:bridge-1/evaluator-3``, not heard from while its window is open),
``followup:<id>:<clock>`` (a 差评 work order's contact, feedback or resolution deadline is
near: warning, or past: critical). `check_alerts` raises the new ones (and raises one
again when it gets worse: warning to critical), and forgets an acknowledged one once its
condition has gone, so that it is raised again only when the condition comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import commands as c
from .days import day_start_at, is_open, local_time
from .errors import refusal
from .followups import ClockState, clocks
from .handlers import Context, Decision
from .model import Role, WindowState
from .state import State
from .texts import ALERT_TEXTS, FOLLOWUP_STEP_TEXTS
from .views import Directory

__all__ = ["Condition", "ack_alert", "alert_dict", "check_alerts", "conditions", "open_alerts"]

LEVELS = ("warning", "critical")

# device_status -> its level; the printer problems a kiosk reports (drivers.printer.status).
PRINTER_STATUSES = {
    "printer_paper_near_end": "warning",
    "printer_paper_out": "critical",
    "printer_cover_open": "critical",
    "printer_offline": "critical",
}
WATCHED_ROLES = frozenset({Role.KIOSK, Role.DISPLAY, Role.BRIDGE})  # always-on devices


@dataclass(frozen=True)
class Condition:
    """A problem present now: its alert key, kind, what it is about, how bad, its text."""

    key: str
    kind: str
    subject: str
    level: str
    text: str  # the key of its wording in ``ALERT_TEXTS``
    fields: dict[str, Any] = field(default_factory=dict)

    def texts(self) -> tuple[str, str]:
        zh, en = ALERT_TEXTS[self.text]
        return zh.format_map(self.fields), en.format_map(self.fields)


def conditions(d: Directory, state: State, now: float, since: float = 0.0) -> dict[str, Condition]:
    """Every alert condition that holds at ``now``, by key."""
    found: list[Condition] = []
    found += _waits(d, state, now)
    found += _quotas(d, state)
    found += _printers(state)
    found += _recovered(state)
    found += _silent(d, state, now, since)
    found += _silent_parts(state)
    found += _followups(d, state, now)
    return {cond.key: cond for cond in found}


def _waits(d: Directory, state: State, now: float) -> list[Condition]:
    limit = d.hall.alerts.wait_s
    found = []
    for s in d.hall.services:
        oldest = state.oldest_waiting_at(s.code)
        reserved = [
            t.issued_at
            for held in state.reserved.values()
            for t in held.values()
            if t.service == s.code
        ]
        times = [*reserved, *([oldest] if oldest is not None else [])]
        if not times or now - min(times) < limit:
            continue
        level = "critical" if now - min(times) >= 2 * limit else "warning"
        minutes = (2 if level == "critical" else 1) * limit // 60
        fields = {"service_zh": s.name_zh, "service_en": s.name_en, "prefix": s.prefix}
        found.append(
            Condition(
                f"wait:{s.code}",
                "wait_long",
                s.code,
                level,
                "wait_long",
                fields | {"minutes": minutes},
            )
        )
    return found


def _quotas(d: Directory, state: State) -> list[Condition]:
    found = []
    for s in d.hall.services:
        if s.daily_quota is None:
            continue
        left = s.daily_quota - state.issued.get(s.code, 0)
        fields = {"service_zh": s.name_zh, "service_en": s.name_en, "left": max(0, left)}
        if left <= 0:
            found.append(
                Condition(
                    f"quota:{s.code}", "quota_near", s.code, "critical", "quota_reached", fields
                )
            )
        elif left <= d.hall.alerts.quota_left:
            found.append(
                Condition(f"quota:{s.code}", "quota_near", s.code, "warning", "quota_near", fields)
            )
    return found


def _printers(state: State) -> list[Condition]:
    found = []
    for device, entry in sorted(state.devices.items()):
        status = entry.get("status")
        level = PRINTER_STATUSES.get(status) if isinstance(status, str) else None
        if level is not None:
            assert isinstance(status, str)
            found.append(
                Condition(
                    f"paper:{device}", "printer_paper", device, level, status, {"device": device}
                )
            )
    return found


def _recovered(state: State) -> list[Condition]:
    """A device its watchdog started again (a crash or a hang) while it still says so."""
    return [
        Condition(
            f"recovered:{device}",
            "device_recovered",
            device,
            "warning",
            "device_recovered",
            {"device": device},
        )
        for device, entry in sorted(state.devices.items())
        if entry.get("status") == "recovered"
    ]


def _silent(d: Directory, state: State, now: float, since: float) -> list[Condition]:
    """Always-on devices offline (or never connected) past the threshold, while open."""
    if state.day is None or not any(
        is_open(s, now, d.hall.policy.timezone) for s in d.hall.services
    ):
        return []
    limit = d.hall.alerts.silent_s
    fields = {"minutes": limit // 60}
    found = []
    for device in d.hall.devices:
        if device.role not in WATCHED_ROLES:
            continue
        entry = state.devices.get(device.id, {})
        online = entry.get("online")
        if online:
            continue
        if online is None:  # never connected: count from the day's start (or the server's)
            quiet_since, text = max(day_start_at(state.day, d.hall.policy), since), "device_never"
        else:
            quiet_since, text = float(entry.get("seen_at") or 0.0), "device_silent"
        if now - quiet_since >= limit:
            found.append(
                Condition(
                    f"silent:{device.id}",
                    "device_silent",
                    device.id,
                    "warning",
                    text,
                    fields | {"device": device.id},
                )
            )
    return found


SILENT_PARTS = frozenset({"keypad", "evaluator"})  # parts that speak up on their own


def _silent_parts(state: State) -> list[Condition]:
    """A keypad or evaluator its bridge has not heard from while its window is open (the
    bridge still online: when it is away, its own alert says so)."""
    found = []
    for key, entry in sorted(state.devices.items()):
        parent, window = entry.get("parent"), entry.get("window")
        if entry.get("role") not in SILENT_PARTS or entry.get("online") is not False:
            continue
        if not state.devices.get(parent or "", {}).get("online") or window is None:
            continue
        status = state.windows.get(window)
        if status is None or status.state is WindowState.CLOSED:
            continue
        fields = {"device": key, "window": window, "kind": entry["role"]}
        text = f"{entry['role']}_silent"
        found.append(Condition(f"silent:{key}", "device_silent", key, "warning", text, fields))
    return found


def _followups(d: Directory, state: State, now: float) -> list[Condition]:
    """Each running clock of an open 差评 work order near its deadline, or past it."""
    warn = d.hall.alerts.followup_warn_s
    found = []
    for f in sorted(state.followups.values(), key=lambda f: f.id):
        if f.resolved_at is not None:
            continue
        for clock in clocks(f, now):
            if clock.state == ClockState.OVERDUE:
                level, text = "critical", "followup_overdue"
            elif clock.state == ClockState.RUNNING and clock.due - now <= warn:
                level, text = "warning", "followup_due"
            else:
                continue
            step_zh, step_en = FOLLOWUP_STEP_TEXTS[clock.name]
            due = local_time(clock.due, d.hall.policy.timezone).strftime("%m-%d %H:%M")
            fields = {"number": f.id, "step_zh": step_zh, "step_en": step_en, "due": due}
            kind = "followup_overdue" if level == "critical" else "followup_due"
            found.append(
                Condition(f"followup:{f.id}:{clock.name}", kind, f.id, level, text, fields)
            )
    return found


def check_alerts(ctx: Context, cmd: c.CheckAlerts) -> Decision:
    """Raise what is new or worse; clear what was acknowledged and has gone."""
    now = conditions(ctx.d, ctx.state, ctx.now, cmd.since)
    events = []
    for key, cond in sorted(now.items()):
        known = ctx.state.alerts.get(key)
        if known is None or LEVELS.index(cond.level) > LEVELS.index(known["level"]):
            zh, en = cond.texts()
            events.append(
                ctx.event(
                    "alert_raised",
                    alert=key,
                    alert_kind=cond.kind,
                    subject=cond.subject,
                    level=cond.level,
                    text_zh=zh,
                    text_en=en,
                )
            )
    for key, entry in sorted(ctx.state.alerts.items()):
        if entry["acknowledged_at"] is not None and key not in now:
            events.append(ctx.event("alert_cleared", alert=key))
    return Decision(events, lambda: {"alerts": open_alerts(ctx.state)})


def ack_alert(ctx: Context, cmd: c.AckAlert) -> Decision:
    """A manager acknowledges an open alert; the note goes into the log."""
    entry = ctx.state.alerts.get(cmd.alert)
    if entry is None or entry["acknowledged_at"] is not None:
        raise refusal("unknown_alert", alert=cmd.alert)
    event = ctx.event("alert_acknowledged", alert=cmd.alert, note=cmd.note)
    return Decision([event], lambda: {"alert": alert_dict(ctx.state.alerts[cmd.alert])})


def alert_dict(entry: dict[str, Any]) -> dict[str, Any]:
    return dict(entry)


def open_alerts(state: State) -> list[dict[str, Any]]:
    """The alerts not yet acknowledged, oldest first (the manager's snapshot ``alerts``)."""
    entries = [e for e in state.alerts.values() if e["acknowledged_at"] is None]
    return [alert_dict(e) for e in sorted(entries, key=lambda e: (e["raised_at"], e["alert"]))]
