"""The rows of the wall's lists, built from the figures: an alert, a 差评 work order, a device's
state. The view places them and wires their buttons."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout

from contract.records import Alert, Service
from wall import figures as fig
from wall.texts import Texts
from wall.widgets import button, label

FOLLOWUP_ACTIONS = ("assign", "contact", "resolve")
HEALTH_TONES = {
    fig.Health.OK: "green",
    fig.Health.WARN: "amber",
    fig.Health.FAULT: "red",
    fig.Health.OFFLINE: "red",
    fig.Health.UNKNOWN: "muted",
}


def _row(tone: str | None, scale: float) -> tuple[QFrame, QHBoxLayout]:
    row = QFrame()
    row.setObjectName("row")
    row.setProperty("tone", tone)
    line = QHBoxLayout(row)
    m = round(8 * scale)
    line.setContentsMargins(m, m // 2, m, m // 2)
    line.setSpacing(m)
    return row, line


def alert_row(
    a: Alert, texts: Texts, when: Callable[[float], str], now: float, scale: float
) -> tuple[QFrame, QPushButton]:
    """An alert: its level, its words, since when; and its 确认 button."""
    critical = a.level == "critical"
    row, line = _row("red" if critical else "amber", scale)
    tag = label(texts("level_critical" if critical else "level_warning"), "levelTag")
    tag.setProperty("level", a.level)
    tag.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    words = QVBoxLayout()
    words.setSpacing(0)
    title = label(texts.pick(a.text_zh, a.text_en) or a.alert, "rowTitle")
    title.setWordWrap(True)
    words.addWidget(title)
    since = texts("raised", time=when(a.raised_at))
    if now - a.raised_at >= 60:
        since += " · " + texts("ago", span=texts.duration(now - a.raised_at))
    words.addWidget(label(since, "rowText"))
    ack = button(texts("ack"))
    line.addWidget(tag, 0, Qt.AlignmentFlag.AlignTop)
    line.addLayout(words, 1)
    line.addWidget(ack, 0, Qt.AlignmentFlag.AlignVCenter)
    return row, ack


def followup_row(
    r: fig.FollowupRow,
    texts: Texts,
    services: Mapping[str, Service],
    when: Callable[[float], str],
    scale: float,
) -> tuple[QFrame, dict[str, QPushButton]]:
    """A 差评 work order: which ticket, how bad, its owner and next deadline (amber when near,
    red when past); and its 指派, 回访 and 办结 buttons."""
    f = r.followup
    tone = {fig.Due.PAST: "red", fig.Due.NEAR: "amber", fig.Due.OK: None}[r.urgency]
    row, line = _row(tone, scale)
    words = QVBoxLayout()
    words.setSpacing(0)
    if f.ticket is None:
        what = texts("hall_rating")
    else:
        service = services.get(f.service or "")
        name = texts.pick(service.name_zh, service.name_en) if service else (f.service or "")
        where = texts("window_no", n=f.window) if f.window is not None else ""
        what = texts("followup_line", number=f.number or "", service=name, window=where)
    title = label(f"{what}  {texts.rating(f.score)}", "rowTitle")
    title.setWordWrap(True)
    words.addWidget(title)
    owner = texts("owner", owner=f.owner or texts("unassigned"))
    step = texts(f"step_{r.step}")
    if r.due is None:
        due = texts("deadline_day", day=f.deadline)
    elif r.urgency is fig.Due.PAST:
        due = texts("overdue", step=step, time=when(r.due))
    else:
        due = texts("due_at", step=step, time=when(r.due))
    parts = [owner, due] + ([texts("contacts", n=len(f.contacts))] if f.contacts else [])
    detail = label(" · ".join(parts), "rowText", tone)
    detail.setWordWrap(True)
    words.addWidget(detail)
    line.addLayout(words, 1)
    acts = {}
    for what_key in FOLLOWUP_ACTIONS:
        act = button(texts(what_key))
        act.setToolTip(f.number or texts("hall_rating"))
        line.addWidget(act, 0, Qt.AlignmentFlag.AlignVCenter)
        acts[what_key] = act
    return row, acts


# What a part said before its device went away: not known now.
_SAID_WELL = frozenset({"heard", "silent", "line_ok", "speaking", "standby"})


def device_state(r: fig.DeviceRow, texts: Texts) -> tuple[str, str]:
    """A device's state in words and its tone."""
    if r.parent is not None:
        if r.online is None and r.status in _SAID_WELL:
            state = texts("stale_part")
        elif r.status is not None and texts.has(f"status_{r.status}"):
            state = texts(f"status_{r.status}")
        else:
            state = texts("health_unknown")
        return state, HEALTH_TONES[r.health]
    if r.health is fig.Health.OFFLINE:
        state = texts("health_offline")
    elif r.status is not None and texts.has(f"status_{r.status}"):
        state = texts(f"status_{r.status}")
    elif r.health is fig.Health.UNKNOWN:
        state = texts("health_unknown")
    else:
        state = texts("health_ok")
    return state, HEALTH_TONES[r.health]


def device_name(r: fig.DeviceRow, texts: Texts) -> str:
    """A device by its id; a part by where it is and its bus address (its kind is the next
    column; its whole id the tooltip): "1号窗口 #17", "大厅 #40" (a hall evaluator),
    "floor1区 display-1f" (a zone's announcer)."""
    if r.parent is None or r.part is None:
        return r.device
    if r.role == "announcer":
        zone = texts("zone_part", zone=r.detail) if r.detail else ""
        return f"{zone} {r.parent}".strip()
    where = texts("window_no", n=r.window) if r.window is not None else texts("hall_part")
    return f"{where} #{r.part.rsplit('-', 1)[-1]}"


def role_name(role: str, texts: Texts) -> str:
    key = f"role_{role}"
    return texts(key) if texts.has(key) else texts("role_unknown")
