"""The call order (叫号规则): which waiting ticket a window calls next, and why.

Rules, in order, for the candidates of a window — the waiting tickets of the services the
window serves, plus tickets a transfer reserved for this window (tickets reserved for another
window are not candidates, nor are 远程取号 tickets that have not checked in: ``remote.py``):

1. ``max_wait``: a candidate that has waited ``policy.max_wait_s`` or longer goes first; of
   several, the one issued earliest.
2. ``appointment``: appointment check-ins (预约) that are due (their slot has started), before
   walk-ins; of several, the slot that starts first (after the weight of the service).
3. ``priority`` / ``normal``: the 绿色通道 lane against the walk-in lane at
   ``normal_per_priority : 1``. Each window counts its normal calls since its last priority
   call; when the count has reached the ratio and a priority ticket waits, the priority lane is
   called. When only one lane has tickets, that lane is called.

4. An appointment ticket checked in before its slot is called early only when no walk-in
   waits for the window (its reason says ``appointment`` too).

预约延时服务: while a window is in one of its ``booked_only`` periods, its candidates are
appointment tickets alone.

Within a lane: a ticket reserved for this window first, then the service with the higher
window weight, then the earliest issue time. A transfer keeps the original issue time, so a
transferred ticket keeps its place; its reason then says ``transfer``. Equal issue times are
broken by the daily issue order, so the order is total and deterministic.

A reason is ``{"rule", "text_zh", "text_en", "waited_s", "lane"}``: ``rule`` is one of
``max_wait``, ``appointment``, ``transfer``, ``priority``, ``normal``, ``chosen`` (a number
the window picked) or ``parked`` (called back); ``lane`` is ``"normal"`` or ``"priority"``
when the ratio rule chose the ticket (it moves the window's counter), else ``None``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .model import CallPolicy, TicketClass, Window
from .slots import booked_only_at
from .state import State, Ticket, due_time
from .texts import REASON_TEXTS

__all__ = ["Choice", "candidates", "choose_next", "choose_next_scan", "queue_order", "reason"]


@dataclass(frozen=True)
class Choice:
    ticket: Ticket
    reason: dict[str, Any]


def reason(
    rule: str, ticket: Ticket, now: float, policy: CallPolicy, lane: str | None = None
) -> dict[str, Any]:
    """The JSON-able why of a call: rule, texts, seconds waited since issue, ratio lane."""
    waited = now - ticket.issued_at
    zh, en = REASON_TEXTS[rule]
    fields = {"waited_min": int(waited // 60), "ratio": policy.normal_per_priority}
    return {
        "rule": rule,
        "text_zh": zh.format(**fields),
        "text_en": en.format(**fields),
        "waited_s": round(waited, 3),
        "lane": lane,
    }


def candidates(window: Window, waiting: Iterable[Ticket]) -> list[Ticket]:
    """Waiting tickets this window may call by the policy (a remote ticket once checked in)."""
    return [
        t
        for t in waiting
        if not t.awaiting_checkin
        and (
            t.target_window == window.number
            or (t.target_window is None and t.service in window.services)
        )
    ]


def _issue_key(t: Ticket) -> tuple[float, int]:
    return (t.issued_at, t.order)


def _lane_key(window: Window, t: Ticket) -> tuple[int, int, float, int]:
    reserved = 0 if t.target_window == window.number else 1
    return (reserved, -window.services.get(t.service, 0), t.issued_at, t.order)


def _due_key(window: Window, t: Ticket) -> tuple[int, int, float, int]:
    reserved = 0 if t.target_window == window.number else 1
    return (reserved, -window.services.get(t.service, 0), due_time(t), t.order)


def choose_next(
    window: Window, normal_since_priority: int, state: State, policy: CallPolicy, now: float
) -> Choice | None:
    """The ticket ``window`` calls next at ``now`` and why; ``None`` when none waits.

    Reads only the heads of the window's lanes (per service and class, by issue time) and the
    tickets reserved for it, so its cost does not grow with the queue: the same choice as
    :func:`choose_next_scan` over every waiting ticket (checked by the property tests).
    """
    booked_only = booked_only_at(window, now, policy.timezone) is not None
    classes = [TicketClass.APPOINTMENT] if booked_only else list(TicketClass)
    reserved = [
        t for t in state.reserved.get(window.number, {}).values() if t.ticket_class in classes
    ]
    heads: dict[TicketClass, list[Ticket]] = {cls: [] for cls in TicketClass}
    for service in window.services:
        for cls in classes:
            head = state.lane_head(service, cls)
            if head is not None:
                heads[cls].append(head)
    everyone = reserved + [t for lane in heads.values() for t in lane]
    if not everyone:
        return None
    earliest = min(everyone, key=_issue_key)
    if now - earliest.issued_at >= policy.max_wait_s:
        return Choice(earliest, reason("max_wait", earliest, now, policy))

    def first(cls: TicketClass) -> Ticket | None:
        mine = [t for t in reserved if t.ticket_class is cls]
        pool = mine or heads[cls]
        return min(pool, key=lambda t: _lane_key(window, t)) if pool else None

    def due(early: bool) -> Ticket | None:
        mine = [
            t
            for t in reserved
            if t.ticket_class is TicketClass.APPOINTMENT and (early or due_time(t) <= now)
        ]
        if mine:
            return min(mine, key=lambda t: _due_key(window, t))
        pool = [
            head
            for service in window.services
            if (head := state.due_head(service)) is not None and (early or due_time(head) <= now)
        ]
        return min(pool, key=lambda t: _due_key(window, t)) if pool else None

    appointment = due(early=False)
    if appointment is not None:
        return Choice(appointment, reason("appointment", appointment, now, policy))
    priority, normal = first(TicketClass.PRIORITY), first(TicketClass.NORMAL)
    if priority is None and normal is None:
        early = due(early=True)
        assert early is not None
        return Choice(early, reason("appointment", early, now, policy))
    if priority is not None and (
        normal is None or normal_since_priority >= policy.normal_per_priority
    ):
        chosen, rule = priority, "priority"
    else:
        assert normal is not None
        chosen, rule = normal, "normal"
    shown = "transfer" if chosen.transfers else rule
    return Choice(chosen, reason(shown, chosen, now, policy, lane=rule))


def choose_next_scan(
    window: Window,
    normal_since_priority: int,
    waiting: Iterable[Ticket],
    policy: CallPolicy,
    now: float,
) -> Choice | None:
    """:func:`choose_next` by a full scan of ``waiting``: the reference the index must match."""
    pool = candidates(window, waiting)
    if booked_only_at(window, now, policy.timezone) is not None:
        pool = [t for t in pool if t.ticket_class is TicketClass.APPOINTMENT]
    if not pool:
        return None
    overdue = [t for t in pool if now - t.issued_at >= policy.max_wait_s]
    if overdue:
        chosen = min(overdue, key=_issue_key)
        return Choice(chosen, reason("max_wait", chosen, now, policy))
    appointments = [t for t in pool if t.ticket_class is TicketClass.APPOINTMENT]
    due = [t for t in appointments if due_time(t) <= now]
    if due:
        chosen = min(due, key=lambda t: _due_key(window, t))
        return Choice(chosen, reason("appointment", chosen, now, policy))
    priority = [t for t in pool if t.ticket_class is TicketClass.PRIORITY]
    normal = [t for t in pool if t.ticket_class is TicketClass.NORMAL]
    if not priority and not normal:
        chosen = min(appointments, key=lambda t: _due_key(window, t))
        return Choice(chosen, reason("appointment", chosen, now, policy))
    if priority and (not normal or normal_since_priority >= policy.normal_per_priority):
        lane, rule = priority, "priority"
    else:
        lane, rule = normal, "normal"
    chosen = min(lane, key=lambda t: _lane_key(window, t))
    shown = "transfer" if chosen.transfers else rule
    return Choice(chosen, reason(shown, chosen, now, policy, lane=rule))


def queue_order(
    tickets: Iterable[Ticket], policy: CallPolicy, now: float, normal_since_priority: int = 0
) -> list[Ticket]:
    """The order one window would call ``tickets`` in, if nothing else arrived.

    Used for "people ahead" estimates of one service, so weights play no part.
    """
    pending = sorted(tickets, key=_issue_key)
    overdue = [t for t in pending if now - t.issued_at >= policy.max_wait_s]
    rest = [t for t in pending if now - t.issued_at < policy.max_wait_s]
    order = overdue + [t for t in rest if t.ticket_class is TicketClass.APPOINTMENT]
    priority = deque(t for t in rest if t.ticket_class is TicketClass.PRIORITY)
    normal = deque(t for t in rest if t.ticket_class is TicketClass.NORMAL)
    count = normal_since_priority
    while priority or normal:
        if priority and (not normal or count >= policy.normal_per_priority):
            order.append(priority.popleft())
            count = 0
        else:
            order.append(normal.popleft())
            count += 1
    return order
