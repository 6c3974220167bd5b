"""The engine's state and how each event changes it.

:func:`apply_event` is the only code that mutates a :class:`State`. The engine applies the
events it has just decided with it, and a restarting server replays the stored log through the
same function, so a live state and a replayed one are equal (``==``).

Every event is a JSON-able dict with ``type``, ``at`` (POSIX seconds), ``actor`` and ``day``
(the business day), plus ``ticket`` (id) when about a ticket and ``window`` when about a
window. Keys a store adds (such as its ``seq``) are ignored. The types and their own fields:

======================  ===================================================================
day_started             previous (the day before, or None)
ticket_expired          ticket, number, was (its state), window, reason (``checkin_late``: a
                        remote ticket held past its check-in deadline; absent: the day ended)
ticket_held             ticket, number, service, deadline (a remote ticket near the front that
                        has not checked in: skipped by every call until it does)
ticket_checked_in       ticket, number, service, via (``door`` QR or ``kiosk``)
ticket_issued           ticket, number, prefix, sequence, order, service, class, request_id
                        (scoped to the issuing device, the event's actor), citizen_hash,
                        appointment_code, ahead, estimated_wait_s, token (for the phone page),
                        bundle and steps (一件事: its code and service codes; absent: one
                        service), proxy (帮办代办: the agent's staff id; absent: none),
                        remote and phone_check (远程取号; absent: taken in the hall)
ticket_voided           ticket, number, service, reason
window_opened           window, staff, staff_name (shown on boards, which get no staff ids)
window_closed           window, staff, moved_to (the window the clerk moved to, or absent)
window_paused           window, staff, reason (a PauseReason code)
window_resumed          window, staff
ticket_called           ticket, number, window, staff, service, reason (dict), recall (bool)
ticket_no_show          ticket, number, window, service
ticket_finished         ticket, number, window, staff, service, duration_s
ticket_transferred      ticket, number, window, from_service, to_service, to_window
ticket_step_done        ticket, number, window, staff, service, step (its index), next_service,
                        duration_s, stay (一件事: the next step is served at the same window;
                        else the ticket waits for it, keeping its issue time)
ticket_parked           ticket, number, window, service
rating_invited          ticket, number, window
rating_recorded         ticket, number, service, window, staff, score, level, bad, source,
                        moment (``during`` 边办边评 or ``after`` 办后再评; absent: after)
rating_rejected         reason (code), ticket (or None), window, score, source, moment
hall_rated              score, level, bad, aspect, source (未办先评: no ticket)
followup_opened         followup (its id; absent in older logs: the ticket id), ticket, number,
                        service, window, staff (all None for a hall rating), score, moment,
                        aspect, owner, deadline (the resolution's date), contact_due,
                        feedback_due, resolve_due (POSIX seconds on working time)
followup_assigned       followup, owner (a staff id)
followup_contacted      followup, channel, note (a 回访; the actor is who made it)
followup_resolved       followup, outcome (fixed | explained | appealed), note
followup_rerated        followup, score, level, bad (the citizen's rating after the fix)
device_status           device, role, status, detail (a device's health; the last one of
                        each device is kept across days)
staff_locked            staff, device, window, until (wrong PINs; for the log and managers)
device_presence         device, role, online (its first connection opened / its last closed;
                        when closed, its parts' online becomes unknown)
device_parts            device, role, parts (each: part, kind, status, online, window,
                        detail, seen_at?): kept as the devices ``<device>/<part>``
alert_raised            alert (its key), alert_kind, subject, level, text_zh, text_en
alert_acknowledged      alert, note (the manager, a staff id, is the actor)
alert_cleared           alert (an acknowledged alert whose condition has gone: it may come back)
notice_posted           text_zh, text_en (the boards' notice; None clears it)
manager_logged_in       device, staff, staff_name
manager_logged_out      device, staff
======================  ===================================================================

The ``appointment_*`` events (预约) change the appointment book: see ``booking.py``. A ticket
of an appointment's check-in has ``due_at`` on its ``ticket_issued`` (the slot's start).
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .booking import AppointmentBook
from .model import TicketClass, TicketState, WindowState

__all__ = [
    "DURATIONS_KEPT",
    "OPEN_STATES",
    "RECENT_CALLS_KEPT",
    "RERATE_DAYS",
    "Event",
    "Followup",
    "State",
    "Ticket",
    "WindowStatus",
    "apply_event",
    "due_time",
]

logger = logging.getLogger(__name__)

Event = dict[str, Any]

OPEN_STATES = frozenset({TicketState.WAITING, TicketState.CALLED, TicketState.PARKED})
DURATIONS_KEPT = 20  # service durations kept per service and per window for estimates
RERATE_DAYS = 30  # a resolved work order can be re-rated for this many days
# The day's latest calls kept for boards that start (or come back) after them: enough for a
# board's rows (at most 20). Kept per window, each ticket's latest call there, so that a zone's
# board (its windows only) finds its latest 20 as well as a board of the whole hall.
RECENT_CALLS_KEPT = 20


@dataclass
class Ticket:
    id: str
    number: str
    day: str
    seq: int  # daily sequence within the service prefix
    order: int  # daily issue order across all services; breaks ties of equal issue times
    service: str  # the current service; a transfer may change it
    ticket_class: TicketClass
    issued_at: float
    request_id: str
    citizen_hash: str | None = None
    appointment_code: str | None = None
    issuer: str = ""  # the device that issued it (the only one that may void it)
    token: str | None = None  # unguessable key of its phone page
    ahead: int = 0  # at issue
    estimated_wait_s: int = 0  # at issue
    state: TicketState = TicketState.WAITING
    window: int | None = None  # the current or last window
    staff: str | None = None  # the clerk of the current or last call
    called_at: float | None = None  # first call at the current window
    finished_at: float | None = None
    target_window: int | None = None  # reserved for this window by a transfer
    transfers: int = 0
    calls: int = 0
    reason: dict[str, Any] | None = None  # why it was last called
    rating: int | None = None  # 办后再评
    rating_during: int | None = None  # 边办边评
    followup_deadline: str | None = None
    bundle: str | None = None  # 一件事: the bundle's code
    steps: tuple[str, ...] = ()  # 一件事: its services in order; ``service`` is steps[step]
    step: int = 0
    proxy: str | None = None  # 帮办代办: the agent (staff id) who took it for the citizen
    remote: bool = False  # 远程取号: taken on a phone, called only once checked in
    phone_check: str | None = None  # keyed hash of the phone's last 4 digits (kiosk check-in)
    checked_in_at: float | None = None
    checkin_deadline: float | None = None  # set when held near the front unchecked

    @property
    def awaiting_checkin(self) -> bool:
        """A remote ticket not yet checked in: it waits, but no window may call it."""
        return self.remote and self.checked_in_at is None

    due_at: float | None = None  # an appointment's slot start: called as due from then


@dataclass
class Followup:
    """A 差评 work order: who owns it, its clocks, its 回访 records, outcome and re-rating."""

    id: str
    day: str  # the business day it was opened
    opened_at: float
    score: int
    moment: str
    deadline: str  # the resolution's date
    ticket: str | None = None  # None: a rating of the hall (未办先评)
    number: str | None = None
    service: str | None = None
    window: int | None = None
    staff: str | None = None  # who served the ticket
    aspect: str | None = None  # of the hall, for 未办先评
    owner: str | None = None
    contact_due: float | None = None
    feedback_due: float | None = None
    resolve_due: float | None = None
    contacts: list[dict[str, Any]] = field(default_factory=list)  # at, channel, note, staff
    outcome: str | None = None
    outcome_note: str | None = None
    resolved_at: float | None = None
    resolved_day: str | None = None
    rerating: int | None = None
    rerated_at: float | None = None
    rerated_day: str | None = None


@dataclass
class WindowStatus:
    number: int
    state: WindowState = WindowState.CLOSED
    staff: str | None = None
    pause_reason: str | None = None  # a PauseReason code while paused
    current: str | None = None  # ticket id being served
    normal_since_priority: int = 0  # normal calls since the last priority call (ratio rule)
    last_served: str | None = None  # ticket id finished last, for ratings
    last_finished_at: float | None = None
    invited: str | None = None  # ticket id with a pending rating invitation
    last_rating: dict[str, Any] | None = None
    durations: list[float] = field(default_factory=list)


@dataclass
class State:
    day: str | None = None
    tickets: dict[str, Ticket] = field(default_factory=dict)
    windows: dict[int, WindowStatus] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)  # prefix -> last seq today
    issued: dict[str, int] = field(default_factory=dict)  # service -> non-voided today
    # (issuing device, request id) -> ticket id today: a request id is the device's own.
    requests: dict[tuple[str, str], str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # phone-page token -> ticket id
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)  # device -> last status
    issue_order: int = 0
    durations: dict[str, list[float]] = field(default_factory=dict)  # service -> recent
    # The day's latest calls, newest first: ticket, number, window, service, at, recall.
    recent_calls: list[dict[str, Any]] = field(default_factory=list)
    # Index of the waiting tickets by service, kept by `apply_event` alone, so that taking a
    # ticket or calling one never scans the whole day's tickets.
    queues: dict[str, dict[str, Ticket]] = field(default_factory=dict)
    # Per service, the waiting tickets not reserved for a window: counts by class, and per
    # service and class their (issue time, order, id) in issue order. Calling next reads the
    # lanes' heads; a new ticket's place counts the overdue by bisection: neither walks the
    # queue. Per window, the tickets a transfer reserved for it, and its parked tickets.
    lane_counts: dict[str, dict[TicketClass, int]] = field(default_factory=dict)
    lanes: dict[tuple[str, TicketClass], list[tuple[float, int, str]]] = field(default_factory=dict)
    reserved: dict[int, dict[str, Ticket]] = field(default_factory=dict)
    parked: dict[int, dict[str, Ticket]] = field(default_factory=dict)
    # The manager's alerts by key, from raised until cleared: open until acknowledged, then
    # kept (so not raised again) until their condition has gone.
    alerts: dict[str, dict[str, Any]] = field(default_factory=dict)
    notice: dict[str, Any] | None = None  # the boards' notice a manager posted last
    # 差评 work orders: the open ones, and resolved ones until re-rated or RERATE_DAYS old.
    followups: dict[str, Followup] = field(default_factory=dict)
    followups_opened: int = 0  # today's, numbering the ids
    # Remote tickets waiting to check in: in `queues` (they count as waiting) but in no lane.
    unchecked: dict[str, Ticket] = field(default_factory=dict)
    # 预约: the appointment book, and per service the unreserved appointment tickets by their
    # slot (due time, order, id), so that calling reads the heads of these lanes too.
    book: AppointmentBook = field(default_factory=AppointmentBook)
    due_lanes: dict[str, list[tuple[float, int, str]]] = field(default_factory=dict)

    def window(self, number: int) -> WindowStatus:
        status = self.windows.get(number)
        if status is None:
            status = self.windows[number] = WindowStatus(number)
        return status

    def waiting(self) -> list[Ticket]:
        """Today's waiting tickets in issue order."""
        return sorted(self.waiting_any_order(), key=lambda t: (t.issued_at, t.order))

    def waiting_any_order(self) -> list[Ticket]:
        return [t for queue in self.queues.values() for t in queue.values()]

    def oldest_waiting_at(self, service: str) -> float | None:
        """Issue time of the longest-waiting unreserved ticket of a service."""
        heads = [lane[0][0] for cls in TicketClass if (lane := self.lanes.get((service, cls)))]
        return min(heads) if heads else None

    def lane_head(self, service: str, cls: TicketClass) -> Ticket | None:
        """The earliest unreserved waiting ticket of a service and class."""
        lane = self.lanes.get((service, cls))
        return self.queues[service][lane[0][2]] if lane else None

    def overdue_in(self, service: str, cls: TicketClass, now: float, max_wait_s: float) -> int:
        """How many unreserved tickets of a service and class have waited ``max_wait_s``."""
        lane = self.lanes.get((service, cls))
        if not lane:
            return 0
        return bisect.bisect_left(lane, True, key=lambda e: not now - e[0] >= max_wait_s)

    def due_head(self, service: str) -> Ticket | None:
        """The unreserved appointment ticket of a service whose slot comes first."""
        lane = self.due_lanes.get(service)
        return self.queues[service][lane[0][2]] if lane else None

    def parked_at(self, window: int) -> list[Ticket]:
        """The tickets parked at a window, in issue order."""
        parked = self.parked.get(window)
        if not parked:
            return []
        return sorted(parked.values(), key=lambda t: (t.issued_at, t.order))

    def waiting_in(self, service: str) -> list[Ticket]:
        """The waiting tickets of one service, in no particular order."""
        queue = self.queues.get(service)
        return list(queue.values()) if queue else []


def _keep_recent(values: list[float], value: float) -> None:
    values.append(value)
    del values[:-DURATIONS_KEPT]


def _leave_window(state: State, ticket: Ticket) -> None:
    if ticket.window is not None:
        status = state.window(ticket.window)
        if status.current == ticket.id:
            status.current = None


def _day_started(state: State, e: Event) -> None:
    previous = state.day
    state.day = e["day"]
    # Keep the day that just ended (its open tickets are expired next), forget older ones.
    state.tickets = {
        k: t for k, t in state.tickets.items() if t.day == previous or t.state in OPEN_STATES
    }
    state.tokens = {t.token: k for k, t in state.tickets.items() if t.token}
    state.sequences.clear()
    state.issued.clear()
    state.requests.clear()
    state.recent_calls = []
    state.issue_order = 0
    state.followups_opened = 0
    state.followups = {
        k: f
        for k, f in state.followups.items()
        if f.resolved_day is None
        or (f.rerating is None and _days_between(f.resolved_day, state.day) <= RERATE_DAYS)
    }
    state.book.day_started(state.day)
    for status in state.windows.values():
        status.normal_since_priority = 0
        status.last_served = None
        status.last_finished_at = None
        status.invited = None


def _ticket_issued(state: State, e: Event) -> None:
    t = Ticket(
        id=e["ticket"],
        number=e["number"],
        day=e["day"],
        seq=e["sequence"],
        order=e["order"],
        service=e["service"],
        ticket_class=TicketClass(e["class"]),
        issued_at=e["at"],
        request_id=e["request_id"],
        citizen_hash=e.get("citizen_hash"),
        appointment_code=e.get("appointment_code"),
        issuer=e.get("actor", ""),
        token=e.get("token"),
        ahead=e["ahead"],
        estimated_wait_s=e["estimated_wait_s"],
        bundle=e.get("bundle"),
        steps=tuple(e.get("steps") or ()),
        proxy=e.get("proxy"),
        remote=bool(e.get("remote")),
        phone_check=e.get("phone_check"),
        due_at=e.get("due_at"),
    )
    state.tickets[t.id] = t
    prefix = e["prefix"]
    state.sequences[prefix] = max(state.sequences.get(prefix, 0), e["sequence"])
    state.issued[t.service] = state.issued.get(t.service, 0) + 1
    state.requests[(t.issuer, t.request_id)] = t.id
    if t.token:
        state.tokens[t.token] = t.id
    state.issue_order = max(state.issue_order, t.order)


def _ticket_voided(state: State, e: Event) -> None:
    t = state.tickets[e["ticket"]]
    t.state = TicketState.VOIDED
    state.issued[t.service] = state.issued.get(t.service, 1) - 1


def _window_opened(state: State, e: Event) -> None:
    status = state.window(e["window"])
    status.state = WindowState.OPEN
    status.staff = e["staff"]


def _window_closed(state: State, e: Event) -> None:
    status = state.window(e["window"])
    status.state = WindowState.CLOSED
    status.staff = None
    status.pause_reason = None


def _window_paused(state: State, e: Event) -> None:
    status = state.window(e["window"])
    status.state = WindowState.PAUSED
    status.pause_reason = e.get("reason") or "other"


def _window_resumed(state: State, e: Event) -> None:
    status = state.window(e["window"])
    status.state = WindowState.OPEN
    status.pause_reason = None


def _kept_calls(call: dict[str, Any], calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``call`` first, then ``calls`` but the older one of its ticket at its window and any
    past ``RECENT_CALLS_KEPT`` at its window (``views.recent_calls`` picks what a board shows)."""
    kept, here = [call], 1
    for c in calls:
        if c["window"] == call["window"]:
            if c["ticket"] == call["ticket"] or here >= RECENT_CALLS_KEPT:
                continue
            here += 1
        kept.append(c)
    return kept


def _ticket_called(state: State, e: Event) -> None:
    t = state.tickets[e["ticket"]]
    status = state.window(e["window"])
    t.calls += 1
    t.reason = e["reason"]
    status.invited = None  # a pending rating invitation lapses at the next call
    call = {
        "ticket": t.id,
        "number": e["number"],
        "window": status.number,
        "service": e["service"],
        "at": e["at"],
        "recall": bool(e["recall"]),
    }
    state.recent_calls = _kept_calls(call, state.recent_calls)
    if e["recall"]:
        return
    t.state = TicketState.CALLED
    t.window = status.number
    t.staff = e.get("staff")
    t.called_at = e["at"]
    t.target_window = None
    status.current = t.id
    lane = e["reason"].get("lane")  # set only for calls made by the ratio rule
    if lane == "normal":
        status.normal_since_priority += 1
    elif lane == "priority":
        status.normal_since_priority = 0


def _ticket_no_show(state: State, e: Event) -> None:
    t = state.tickets[e["ticket"]]
    _leave_window(state, t)
    t.state = TicketState.NO_SHOW
    t.finished_at = e["at"]


def _ticket_finished(state: State, e: Event) -> None:
    t = state.tickets[e["ticket"]]
    status = state.window(e["window"])
    _leave_window(state, t)
    t.state = TicketState.DONE
    t.finished_at = e["at"]
    status.last_served = t.id
    status.last_finished_at = e["at"]
    status.invited = None
    duration = float(e["duration_s"])
    _keep_recent(state.durations.setdefault(t.service, []), duration)
    _keep_recent(status.durations, duration)


def _ticket_transferred(state: State, e: Event) -> None:
    t = state.tickets[e["ticket"]]
    _leave_window(state, t)
    t.state = TicketState.WAITING
    t.service = e["to_service"]
    t.target_window = e.get("to_window")
    t.called_at = None
    t.transfers += 1


def _ticket_step_done(state: State, e: Event) -> None:
    """一件事: a step is done; the next one is served here, or waits by the issue time."""
    t = state.tickets[e["ticket"]]
    status = state.window(e["window"])
    duration = float(e["duration_s"])
    _keep_recent(state.durations.setdefault(t.service, []), duration)
    _keep_recent(status.durations, duration)
    t.step = e["step"] + 1
    t.service = e["next_service"]
    if e["stay"]:
        t.called_at = e["at"]
        return
    _leave_window(state, t)
    t.state = TicketState.WAITING
    t.called_at = None
    t.target_window = None


def _ticket_parked(state: State, e: Event) -> None:
    t = state.tickets[e["ticket"]]
    _leave_window(state, t)
    t.state = TicketState.PARKED


def _rating_invited(state: State, e: Event) -> None:
    state.window(e["window"]).invited = e["ticket"]


def _days_between(first: str, last: str | None) -> int:
    if last is None:
        return 0
    return (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days


def _rating_recorded(state: State, e: Event) -> None:
    t = state.tickets[e["ticket"]]
    if e.get("moment", "after") == "during":
        t.rating_during = e["score"]
    else:
        t.rating = e["score"]
    state.window(e["window"]).last_rating = {
        "ticket": t.id,
        "number": t.number,
        "score": e["score"],
        "level": e["level"],
        "bad": e["bad"],
        "at": e["at"],
        "moment": e.get("moment", "after"),
    }


def _rating_rejected(state: State, e: Event) -> None:
    """Recorded for the log and reports; the state does not change."""


def _hall_rated(state: State, e: Event) -> None:
    """未办先评 is recorded for the log and reports; a bad one opens a work order next."""


def _followup_opened(state: State, e: Event) -> None:
    ticket = e.get("ticket")
    key = e.get("followup") or ticket
    if ticket is not None and ticket in state.tickets:
        state.tickets[ticket].followup_deadline = e["deadline"]
    if key is None:
        return
    state.followups[key] = Followup(
        id=key,
        day=e["day"],
        opened_at=e["at"],
        score=e["score"],
        moment=e.get("moment", "after"),
        deadline=e["deadline"],
        ticket=ticket,
        number=e.get("number"),
        service=e.get("service"),
        window=e.get("window"),
        staff=e.get("staff"),
        aspect=e.get("aspect"),
        owner=e.get("owner"),
        contact_due=e.get("contact_due"),
        feedback_due=e.get("feedback_due"),
        resolve_due=e.get("resolve_due"),
    )
    if e["day"] == state.day:
        state.followups_opened += 1


def _followup_assigned(state: State, e: Event) -> None:
    state.followups[e["followup"]].owner = e["owner"]


def _followup_contacted(state: State, e: Event) -> None:
    contact = {"at": e["at"], "channel": e["channel"], "note": e["note"], "staff": e["actor"]}
    state.followups[e["followup"]].contacts.append(contact)


def _followup_resolved(state: State, e: Event) -> None:
    f = state.followups[e["followup"]]
    f.outcome, f.outcome_note = e["outcome"], e["note"]
    f.resolved_at, f.resolved_day = e["at"], e["day"]


def _followup_rerated(state: State, e: Event) -> None:
    f = state.followups[e["followup"]]
    f.rerating, f.rerated_at, f.rerated_day = e["score"], e["at"], e["day"]


def _ticket_expired(state: State, e: Event) -> None:
    t = state.tickets[e["ticket"]]
    _leave_window(state, t)
    t.state = TicketState.EXPIRED


def _ticket_held(state: State, e: Event) -> None:
    state.tickets[e["ticket"]].checkin_deadline = e["deadline"]


def _ticket_checked_in(state: State, e: Event) -> None:
    state.tickets[e["ticket"]].checked_in_at = e["at"]


def _device_status(state: State, e: Event) -> None:
    entry = state.devices.setdefault(e["device"], {"device": e["device"]})
    entry.update(role=e.get("role"), status=e.get("status"), detail=e.get("detail"), at=e["at"])


def _device_presence(state: State, e: Event) -> None:
    entry = state.devices.setdefault(
        e["device"], {"device": e["device"], "status": None, "detail": None, "at": None}
    )
    entry.update(role=e.get("role"), online=bool(e["online"]), seen_at=e["at"])
    if not e["online"]:  # what it said of its parts is stale now: not known
        for part in state.devices.values():
            if part.get("parent") == e["device"]:
                part["online"] = None


def _device_parts(state: State, e: Event) -> None:
    for p in e["parts"]:
        key = f"{e['device']}/{p['part']}"
        entry = state.devices.setdefault(key, {"device": key, "seen_at": None})
        entry.update(
            role=p["kind"],
            status=p["status"],
            online=p["online"],
            window=p["window"],
            detail=p["detail"],
            parent=e["device"],
            at=e["at"],
        )
        if p.get("seen_at") is not None:
            entry["seen_at"] = p["seen_at"]


def _staff_locked(state: State, e: Event) -> None:
    """Recorded for the log and the manager; the lock itself is the server's to time."""


def _alert_raised(state: State, e: Event) -> None:
    state.alerts[e["alert"]] = {
        "alert": e["alert"],
        "alert_kind": e["alert_kind"],
        "subject": e["subject"],
        "level": e["level"],
        "text_zh": e["text_zh"],
        "text_en": e["text_en"],
        "raised_at": e["at"],
        "acknowledged_at": None,
        "acknowledged_by": None,
    }


def _alert_acknowledged(state: State, e: Event) -> None:
    entry = state.alerts.get(e["alert"])
    if entry is not None:
        entry.update(acknowledged_at=e["at"], acknowledged_by=e.get("actor"))


def _alert_cleared(state: State, e: Event) -> None:
    state.alerts.pop(e["alert"], None)


def _notice_posted(state: State, e: Event) -> None:
    text_zh = e.get("text_zh")
    state.notice = {"text_zh": text_zh, "text_en": e.get("text_en") if text_zh else None}
    state.notice["at"] = e["at"]


def _manager_logged(state: State, e: Event) -> None:
    """Recorded for the log: who acted on the manager's wall; sessions are the server's."""


APPLIERS: dict[str, Callable[[State, Event], None]] = {
    "day_started": _day_started,
    "ticket_issued": _ticket_issued,
    "ticket_voided": _ticket_voided,
    "window_opened": _window_opened,
    "window_closed": _window_closed,
    "window_paused": _window_paused,
    "window_resumed": _window_resumed,
    "ticket_called": _ticket_called,
    "ticket_no_show": _ticket_no_show,
    "ticket_finished": _ticket_finished,
    "ticket_transferred": _ticket_transferred,
    "ticket_parked": _ticket_parked,
    "ticket_step_done": _ticket_step_done,
    "rating_invited": _rating_invited,
    "rating_recorded": _rating_recorded,
    "rating_rejected": _rating_rejected,
    "hall_rated": _hall_rated,
    "followup_opened": _followup_opened,
    "followup_assigned": _followup_assigned,
    "followup_contacted": _followup_contacted,
    "followup_resolved": _followup_resolved,
    "followup_rerated": _followup_rerated,
    "ticket_expired": _ticket_expired,
    "ticket_held": _ticket_held,
    "ticket_checked_in": _ticket_checked_in,
    "device_status": _device_status,
    "staff_locked": _staff_locked,
    "device_presence": _device_presence,
    "device_parts": _device_parts,
    "alert_raised": _alert_raised,
    "alert_acknowledged": _alert_acknowledged,
    "alert_cleared": _alert_cleared,
    "notice_posted": _notice_posted,
    "manager_logged_in": _manager_logged,
    "manager_logged_out": _manager_logged,
    "appointment_booked": lambda state, e: state.book.booked(e),
    "appointment_cancelled": lambda state, e: state.book.cancelled(e),
    "appointment_rebooked": lambda state, e: state.book.rebooked(e),
    "appointment_checked_in": lambda state, e: state.book.checked_in(e),
    "appointment_missed": lambda state, e: state.book.missed_slot(e),
}


def apply_event(state: State, event: Event) -> None:
    """Change ``state`` by one event; raises ``ValueError`` for an unknown event type."""
    try:
        applier = APPLIERS[event["type"]]
    except KeyError:
        raise ValueError(f"unknown event type: {event.get('type')!r}") from None
    ticket_id = event.get("ticket")
    before = state.tickets.get(ticket_id) if ticket_id else None
    if before is not None:
        _unqueue(state, before)
        if before.state is TicketState.PARKED and before.window is not None:
            state.parked.get(before.window, {}).pop(before.id, None)
    applier(state, event)
    if event["type"] == "day_started":
        _rebuild_queues(state)
    elif ticket_id:
        after = state.tickets.get(ticket_id)
        if after is not None and after.state is TicketState.WAITING:
            _enqueue(state, after)
        elif after is not None and after.state is TicketState.PARKED and after.window is not None:
            state.parked.setdefault(after.window, {})[after.id] = after


def _enqueue(state: State, t: Ticket) -> None:
    state.queues.setdefault(t.service, {})[t.id] = t
    if t.awaiting_checkin:
        state.unchecked[t.id] = t
    elif t.target_window is None:
        counts = state.lane_counts.setdefault(t.service, {})
        counts[t.ticket_class] = counts.get(t.ticket_class, 0) + 1
        lane = state.lanes.setdefault((t.service, t.ticket_class), [])
        bisect.insort(lane, (t.issued_at, t.order, t.id))
        if t.ticket_class is TicketClass.APPOINTMENT:
            due = state.due_lanes.setdefault(t.service, [])
            bisect.insort(due, (due_time(t), t.order, t.id))
    else:
        state.reserved.setdefault(t.target_window, {})[t.id] = t


def _unqueue(state: State, t: Ticket) -> None:
    """Take a ticket out of the index, as it is before the event changes it."""
    if state.queues.get(t.service, {}).pop(t.id, None) is not None:
        if t.awaiting_checkin:
            state.unchecked.pop(t.id, None)
        elif t.target_window is None:
            state.lane_counts[t.service][t.ticket_class] -= 1
            lane = state.lanes[(t.service, t.ticket_class)]
            entry = (t.issued_at, t.order, t.id)
            at = bisect.bisect_left(lane, entry)
            if at < len(lane) and lane[at] == entry:
                del lane[at]
            if t.ticket_class is TicketClass.APPOINTMENT:
                due, entry = state.due_lanes[t.service], (due_time(t), t.order, t.id)
                at = bisect.bisect_left(due, entry)
                if at < len(due) and due[at] == entry:
                    del due[at]
        else:
            state.reserved.get(t.target_window, {}).pop(t.id, None)


def due_time(t: Ticket) -> float:
    """When an appointment ticket is due: its slot's start (its issue time if it has none)."""
    return t.issued_at if t.due_at is None else t.due_at


def _rebuild_queues(state: State) -> None:
    state.queues, state.lane_counts, state.due_lanes = {}, {}, {}
    state.lanes, state.reserved, state.parked = {}, {}, {}
    state.unchecked = {}
    for t in state.tickets.values():
        if t.state is TicketState.WAITING:
            _enqueue(state, t)
        elif t.state is TicketState.PARKED and t.window is not None:
            state.parked.setdefault(t.window, {})[t.id] = t
