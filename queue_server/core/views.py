"""Read-only views of the state: ticket, window and service dicts, estimates, the snapshot.

Every function here is pure and returns JSON-able data; none changes the state.
"""

from __future__ import annotations

from collections.abc import Collection
from statistics import fmean
from typing import Any

from .days import is_open
from .model import CallPolicy, Hall, Service, TicketClass, TicketState, Window, WindowState
from .opening import opens_at
from .policy import queue_order
from .state import RECENT_CALLS_KEPT, Followup, State, Ticket

__all__ = [
    "DEFAULT_SERVICE_S",
    "Directory",
    "ahead_of",
    "bundle_fields",
    "estimated_wait",
    "followup_dict",
    "followups_shown",
    "position",
    "recent_calls",
    "snapshot",
    "ticket_dict",
    "window_dict",
]

DEFAULT_SERVICE_S = 300.0  # assumed service time when nothing has been served yet


class Directory:
    """Fast look-ups into the configured hall."""

    def __init__(self, hall: Hall) -> None:
        self.hall = hall
        self.services = {s.code: s for s in hall.services}
        self.windows = {w.number: w for w in hall.windows}
        self.staff = {s.id: s for s in hall.staff}
        self.bundles = {b.code: b for b in hall.bundles}
        self.public_base = hall.public_url.rstrip("/")

    def windows_serving(self, service: str) -> list[Window]:
        return [w for w in self.hall.windows if service in w.services]


def ticket_dict(d: Directory, t: Ticket) -> dict[str, Any]:
    service = d.services.get(t.service)
    return {
        "id": t.id,
        "number": t.number,
        "service": t.service,
        "service_name_zh": service.name_zh if service else t.service,
        "service_name_en": service.name_en if service else t.service,
        "class": t.ticket_class.value,
        "state": t.state.value,
        "issued_at": t.issued_at,
        "request_id": t.request_id,
        "window": t.window,
        "staff": t.staff,
        "called_at": t.called_at,
        "finished_at": t.finished_at,
        "target_window": t.target_window,
        "ahead": t.ahead,
        "estimated_wait_s": t.estimated_wait_s,
        "location_zh": service.location_zh if service else "",
        "location_en": service.location_en if service else "",
        "issuer": t.issuer,
        "token": t.token,
        "status_url": f"{d.public_base}/t/{t.token}" if t.token else None,
        "rating": t.rating,
        "rating_during": t.rating_during,
        "calls": t.calls,
        "reason": t.reason,
        **bundle_fields(d, t),
        # 远程取号 only: whether and when it checked in, its deadline once held
        **(
            {
                "remote": True,
                "checked_in_at": t.checked_in_at,
                "checkin_deadline": t.checkin_deadline,
            }
            if t.remote
            else {}
        ),
    }


def bundle_fields(d: Directory, t: Ticket) -> dict[str, Any]:
    """一件事 and 帮办代办 keys of a ticket: none for a plain ticket.

    ``steps``: each step's service, names and ``state`` (done, current, to_come); ``proxy``:
    the agent's staff id (a private field, left out of public views).
    """
    found: dict[str, Any] = {}
    if t.bundle:
        bundle = d.bundles.get(t.bundle)
        found["bundle"] = t.bundle
        found["bundle_name_zh"] = bundle.name_zh if bundle else t.bundle
        found["bundle_name_en"] = bundle.name_en if bundle else t.bundle
        found["step"] = t.step
        finished = t.state is TicketState.DONE
        steps = []
        for index, code in enumerate(t.steps):
            service = d.services.get(code)
            if index < t.step or finished:
                step_state = "done"
            elif index == t.step:
                step_state = "current"
            else:
                step_state = "to_come"
            steps.append(
                {
                    "service": code,
                    "name_zh": service.name_zh if service else code,
                    "name_en": service.name_en if service else code,
                    "state": step_state,
                }
            )
        found["steps"] = steps
    if t.proxy:
        found["proxy"] = t.proxy
    return found


def mean_duration(d: Directory, state: State, service: str) -> float:
    """Mean of the service's recent durations, else of its windows', else the default."""
    recent = state.durations.get(service)
    if recent:
        return fmean(recent)
    pooled = [
        value
        for w in d.windows_serving(service)
        if (status := state.windows.get(w.number)) is not None
        for value in status.durations
    ]
    return fmean(pooled) if pooled else DEFAULT_SERVICE_S


def open_windows(d: Directory, state: State, service: str) -> int:
    return sum(
        1
        for w in d.windows_serving(service)
        if (status := state.windows.get(w.number)) is not None and status.state is WindowState.OPEN
    )


def open_windows_for(d: Directory, state: State, t: Ticket) -> int:
    """Open windows that could call ``t`` now: its reserved window, else its service's."""
    if t.target_window is not None:
        status = state.windows.get(t.target_window)
        return int(status is not None and status.state is WindowState.OPEN)
    return open_windows(d, state, t.service)


def ahead_of(d: Directory, state: State, ticket: Ticket, now: float) -> int:
    """People a window would serve before ``ticket`` among its peers.

    Peers are the waiting tickets of its service, or, for a ticket reserved for a window, the
    tickets reserved for that window. ``ticket`` itself need not be in the state yet.
    """
    policy = d.hall.policy
    new = ticket.id not in state.tickets
    if new and ticket.target_window is None:
        # A ticket being issued is the youngest of its peers: the kept counts by class, less
        # the overdue (found by bisection in each lane), give its place at once.
        late = {
            cls: state.overdue_in(ticket.service, cls, now, policy.max_wait_s)
            for cls in TicketClass
        }
        if now - ticket.issued_at >= policy.max_wait_s:
            return sum(late.values())
        counts = state.lane_counts.get(ticket.service, {})
        return place_of_youngest(
            ticket.ticket_class,
            sum(late.values()),
            counts.get(TicketClass.APPOINTMENT, 0) - late[TicketClass.APPOINTMENT],
            counts.get(TicketClass.PRIORITY, 0) - late[TicketClass.PRIORITY],
            counts.get(TicketClass.NORMAL, 0) - late[TicketClass.NORMAL],
            policy,
        )
    if ticket.target_window is not None:
        peers = list(state.reserved.get(ticket.target_window, {}).values())
    else:
        peers = [t for t in state.waiting_in(ticket.service) if t.target_window is None]
    if new:
        return ahead_of_youngest(peers, ticket, policy, now)
    if all(p.id != ticket.id for p in peers):
        peers.append(ticket)
    order = queue_order(peers, d.hall.policy, now)
    return next(i for i, p in enumerate(order) if p.id == ticket.id)


def ahead_of_youngest(peers: list[Ticket], ticket: Ticket, policy: CallPolicy, now: float) -> int:
    """``ahead_of`` for a ticket issued after all ``peers``, in one pass over them.

    Same answer as its index in ``queue_order(peers + [ticket])``: the overdue and the
    appointments go first; in the ratio lanes (``r`` normal : 1 priority, counting from 0) the
    (k+1)-th normal follows min(P, k // r) priority tickets, and the (p+1)-th priority follows
    min(N, (p+1) · r) normal tickets.
    """
    overdue = appointments = priority = normal = 0
    for t in peers:
        if now - t.issued_at >= policy.max_wait_s:
            overdue += 1
        elif t.ticket_class is TicketClass.APPOINTMENT:
            appointments += 1
        elif t.ticket_class is TicketClass.PRIORITY:
            priority += 1
        else:
            normal += 1
    if now - ticket.issued_at >= policy.max_wait_s:
        return overdue
    return place_of_youngest(ticket.ticket_class, overdue, appointments, priority, normal, policy)


def place_of_youngest(
    cls: TicketClass,
    overdue: int,
    appointments: int,
    priority: int,
    normal: int,
    policy: CallPolicy,
) -> int:
    """The place of a new ticket of class ``cls`` behind peers counted by lane."""
    first = overdue + appointments
    if cls is TicketClass.APPOINTMENT:
        return first
    ratio = policy.normal_per_priority
    if cls is TicketClass.PRIORITY:
        return first + priority + min(normal, (priority + 1) * ratio)
    return first + normal + min(priority, normal // ratio)


def estimated_wait(d: Directory, state: State, ticket: Ticket, ahead: int) -> int:
    """ahead × mean service time / open windows that can serve it (at least one)."""
    if ticket.target_window is not None:
        windows = 1
    else:
        windows = max(1, open_windows(d, state, ticket.service))
    return round(ahead * mean_duration(d, state, ticket.service) / windows)


def position(d: Directory, state: State, t: Ticket, now: float) -> dict[str, Any]:
    """Where a ticket stands now: ``state``, ``ahead``, ``estimated_wait_s``, ``window``.

    ``ahead`` and the estimate are live for a waiting ticket, 0 for a called one, else None;
    ``window`` is set while the ticket is called or parked there.
    """
    ahead: int | None = None
    wait: int | None = None
    if t.state is TicketState.WAITING:
        ahead = ahead_of(d, state, t, now)
        wait = estimated_wait(d, state, t, ahead)
    elif t.state is TicketState.CALLED:
        ahead, wait = 0, 0
    return {
        "state": t.state.value,
        "ahead": ahead,
        "estimated_wait_s": wait,
        "open_windows": open_windows_for(d, state, t),
        "window": t.window if t.state in (TicketState.CALLED, TicketState.PARKED) else None,
    }


def window_dict(d: Directory, state: State, w: Window) -> dict[str, Any]:
    status = state.windows.get(w.number)
    current = state.tickets.get(status.current) if status and status.current else None
    staff = d.staff.get(status.staff) if status and status.staff else None
    parked = [t.number for t in state.parked_at(w.number)]
    last = state.tickets.get(status.last_served) if status and status.last_served else None
    return {
        "number": w.number,
        "name": w.name,
        "state": (status.state if status else WindowState.CLOSED).value,
        "pause_reason": status.pause_reason if status else None,
        "staff": status.staff if status else None,
        "staff_name": staff.name if staff else None,
        "current": ticket_dict(d, current) if current else None,
        "services": list(w.services),
        # 预约延时服务: when the window calls booked tickets only (boards and kiosks say so)
        "booked_only": [
            {"days": sorted(p.weekdays), "start": f"{p.start:%H:%M}", "end": f"{p.end:%H:%M}"}
            for p in sorted(w.booked_only, key=lambda p: p.start)
        ],
        "parked": parked,
        "last_rating": dict(status.last_rating) if status and status.last_rating else None,
        # The ticket a rating would attach to now (一次一评: `rated` once it has one).
        "last_served": {
            "id": last.id,
            "number": last.number,
            "finished_at": last.finished_at,
            "rated": last.rating is not None,
            "invited": status is not None and status.invited == last.id,
        }
        if last
        else None,
    }


def closed_reason(d: Directory, state: State, s: Service, now: float) -> str | None:
    """Why a kiosk cannot issue for ``s`` now: ``"closed"``, ``"quota"`` or ``None``."""
    if not is_open(s, now, d.hall.policy.timezone):
        return "closed"
    if s.daily_quota is not None and state.issued.get(s.code, 0) >= s.daily_quota:
        return "quota"
    return None


def service_dict(d: Directory, state: State, s: Service, now: float) -> dict[str, Any]:
    waiting = state.waiting_in(s.code)
    reason = closed_reason(d, state, s, now)
    untargeted = sum(1 for t in waiting if t.target_window is None)
    open_count = max(1, open_windows(d, state, s.code))
    return {
        "code": s.code,
        "name_zh": s.name_zh,
        "name_en": s.name_en,
        "prefix": s.prefix,
        "category": s.category,
        "category_en": s.category_en or s.category,
        "location_zh": s.location_zh,
        "location_en": s.location_en,
        "waiting": len(waiting),
        "open": reason is None,
        "closed_reason": reason,
        "issued_today": state.issued.get(s.code, 0),
        "quota": s.daily_quota,
        "priority": s.priority,
        "appointments": s.appointments,
        "bookable": s.appointments and bool(s.appointment_slots),  # 预约 slots to book
        "open_windows": open_windows(d, state, s.code),
        "estimated_wait_s": round(untargeted * mean_duration(d, state, s.code) / open_count),
        "opens_at": opens_at(s, now, d.hall.policy.timezone),  # closed by its hours: next start
    }


def followup_dict(f: Followup) -> dict[str, Any]:
    """A 差评 work order as the manager sees it (``contract.records.Followup``)."""
    return {
        "followup": f.id,
        "day": f.day,
        "score": f.score,
        "opened_at": f.opened_at,
        "deadline": f.deadline,
        "ticket": f.ticket,
        "number": f.number,
        "service": f.service,
        "window": f.window,
        "staff": f.staff,
        "moment": f.moment,
        "aspect": f.aspect,
        "owner": f.owner,
        "contact_due": f.contact_due,
        "feedback_due": f.feedback_due,
        "resolve_due": f.resolve_due,
        "contacts": [dict(entry) for entry in f.contacts],
        "outcome": f.outcome,
        "outcome_note": f.outcome_note,
        "resolved_at": f.resolved_at,
        "rerating": f.rerating,
        "rerated_at": f.rerated_at,
    }


def followups_shown(state: State) -> list[Followup]:
    """The work orders a manager's snapshot lists: the open ones and those resolved today."""
    return sorted(
        (f for f in state.followups.values() if f.resolved_day in (None, state.day)),
        key=lambda f: (f.opened_at, f.id),
    )


def recent_calls(state: State, windows: Collection[int] | None = None) -> list[dict[str, Any]]:
    """The day's latest calls, newest first, each ticket's latest only, at most
    ``RECENT_CALLS_KEPT``: at ``windows`` (a zone's board), else anywhere in the hall."""
    shown: list[dict[str, Any]] = []
    tickets: set[str] = set()
    for c in state.recent_calls:
        if (windows is None or c["window"] in windows) and c["ticket"] not in tickets:
            tickets.add(c["ticket"])
            shown.append(dict(c))
            if len(shown) == RECENT_CALLS_KEPT:
                break
    return shown


def snapshot(d: Directory, state: State, now: float) -> dict[str, Any]:
    """The picture of the hall; ``followups`` is for managers only (the server's views drop
    it for every other role)."""
    return {
        "day": state.day,
        "waiting": [ticket_dict(d, t) for t in state.waiting()],
        "windows": [window_dict(d, state, w) for w in d.hall.windows],
        "services": [service_dict(d, state, s, now) for s in d.hall.services],
        "devices": [dict(state.devices[k]) for k in sorted(state.devices)],
        "notice": dict(state.notice) if state.notice else None,
        "followups": [followup_dict(f) for f in followups_shown(state)],
        "recent_calls": recent_calls(state),
        **bundles_part(d, state, now),
    }


def bundles_part(d: Directory, state: State, now: float) -> dict[str, Any]:
    """The snapshot's ``bundles`` (一件事), only in a hall that has some: each bundle is open
    while its first step's service takes tickets."""
    if not d.hall.bundles:
        return {}
    bundles = []
    for b in d.hall.bundles:
        first = d.services.get(b.services[0])
        bundles.append(
            {
                "code": b.code,
                "name_zh": b.name_zh,
                "name_en": b.name_en,
                "prefix": b.prefix,
                "services": list(b.services),
                "open": first is not None and closed_reason(d, state, first, now) is None,
            }
        )
    return {"bundles": bundles}
