"""Where a 差评 work order's clocks stand: one rule for the server's alerts and the wall.

The 2110 rule's three clocks (``contact_due``, ``feedback_due``, ``resolve_due``, POSIX
seconds on the hall's working time, set when the work order opens): the first 回访 stops the
contact clock, a second 回访 (telling the citizen what is being done) the feedback clock, the
outcome all three. Pure: the time is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import msgspec

from .records import Followup

__all__ = ["ClockName", "ClockState", "FollowupClock", "clock_states", "followup_clocks"]


class ClockName(StrEnum):
    CONTACT = "contact"  # 联系
    FEEDBACK = "feedback"  # 反馈
    RESOLVE = "resolve"  # 办结


class ClockState(StrEnum):
    MET = "met"  # stopped in time
    LATE = "late"  # stopped after it was due
    RUNNING = "running"  # not stopped, not yet due
    OVERDUE = "overdue"  # not stopped, past due


class FollowupClock(msgspec.Struct, frozen=True):
    name: ClockName
    due: float
    state: ClockState
    stopped_at: float | None = None


def clock_states(
    dues: tuple[float | None, float | None, float | None],
    contacts: Sequence[float],
    resolved_at: float | None,
    now: float,
) -> tuple[FollowupClock, ...]:
    """The clocks a work order has (contact, feedback, resolve dues; ``None``: none), given
    the times of its 回访 records in order and of its outcome."""
    stops = (
        contacts[0] if contacts else None,
        contacts[1] if len(contacts) > 1 else None,
        None,
    )
    result = []
    for name, due, stopped in zip(ClockName, dues, stops, strict=True):
        if due is None:
            continue
        if resolved_at is not None and (stopped is None or resolved_at < stopped):
            stopped = resolved_at
        if stopped is not None:
            state = ClockState.MET if stopped <= due else ClockState.LATE
        else:
            state = ClockState.RUNNING if now < due else ClockState.OVERDUE
        result.append(FollowupClock(name, due, state, stopped))
    return tuple(result)


def followup_clocks(f: Followup, now: float) -> tuple[FollowupClock, ...]:
    """The clocks of a work order as the manager's model holds it."""
    return clock_states(
        (f.contact_due, f.feedback_due, f.resolve_due),
        [c.at for c in f.contacts],
        f.resolved_at,
        now,
    )
