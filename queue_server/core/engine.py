"""The queue engine: a deterministic state machine, commands in, events out.

``execute`` decides the events of a command, applies them and returns them for the caller to
persist; ``apply`` replays a stored event. Both go through :func:`.state.apply_event`, so a
state rebuilt from the log equals the live one. No I/O and no wall clock: ``now`` is passed in.

The business day starts by itself: when a command arrives on a later business day than the
state's, the engine first emits ``day_started`` and one ``ticket_expired`` per ticket left
waiting, called or parked, then the command's own events.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import bundles as b
from . import commands as c
from . import handlers as h
from .alerts import ack_alert, check_alerts, open_alerts
from .appointments import (
    AppointmentCommand,
    BookAppointment,
    CancelAppointment,
    RebookAppointment,
    SweepAppointments,
    book_appointment,
    cancel_appointment,
    rebook_appointment,
    sweep_appointments,
    take_or_check_in,
)
from .commands import Command
from .days import business_day
from .errors import DomainError, refusal
from .followups import (
    FollowupClock,
    assign_followup,
    clocks,
    contact_followup,
    rerate_followup,
    resolve_followup,
)
from .handlers import Context, Decision, day_start_events
from .manager import manager_log_in, manager_log_out, post_notice
from .model import Hall
from .ratings import invite_rating, rate, rate_hall
from .remote import check_in, sweep, take_remote
from .state import Event, State, apply_event
from .storable import unstorable
from .views import Directory, followup_dict, position, snapshot, ticket_dict

__all__ = ["HANDLERS", "Engine", "Result"]

logger = logging.getLogger(__name__)

HANDLERS: dict[type[Any], Callable[[Context, Any], Decision]] = {
    c.TakeTicket: take_or_check_in,
    c.VoidTicket: h.void_ticket,
    c.OpenWindow: h.open_window,
    c.CloseWindow: h.close_window,
    c.PauseWindow: h.pause_window,
    c.ResumeWindow: h.resume_window,
    c.CallNext: h.call_next,
    c.CallNumber: h.call_number,
    c.Recall: h.recall,
    c.NoShow: h.no_show,
    c.Finish: b.finish,
    c.Transfer: h.transfer,
    c.Park: h.park,
    c.CallParked: h.call_parked,
    c.InviteRating: invite_rating,
    c.Rate: rate,
    c.RateHall: rate_hall,
    c.AssignFollowup: assign_followup,
    c.ContactFollowup: contact_followup,
    c.ResolveFollowup: resolve_followup,
    c.RerateFollowup: rerate_followup,
    c.ReportDeviceStatus: h.report_device_status,
    c.ReportParts: h.report_parts,
    c.MarkPresence: h.mark_presence,
    c.StartDay: h.start_day,
    c.ManagerLogIn: manager_log_in,
    c.ManagerLogOut: manager_log_out,
    c.PostNotice: post_notice,
    c.AckAlert: ack_alert,
    c.CheckAlerts: check_alerts,
    c.TakeBundle: b.take_bundle,
    c.TakeForCitizen: b.take_for_citizen,
    c.TakeRemote: take_remote,
    c.CheckIn: check_in,
    BookAppointment: book_appointment,
    CancelAppointment: cancel_appointment,
    RebookAppointment: rebook_appointment,
    SweepAppointments: sweep_appointments,
}


@dataclass
class Result:
    """What ``execute`` did: events (already applied), the reply, a recorded rejection."""

    events: list[Event]
    reply: dict[str, Any]
    error: DomainError | None = field(default=None)


class Engine:
    def __init__(self, hall: Hall) -> None:
        self.hall = hall
        self._directory = Directory(hall)
        self._state = State()

    @property
    def state(self) -> State:
        """The live state; read it, never change it."""
        return self._state

    @property
    def day(self) -> str | None:
        """The business day of the state, ``None`` before the first event."""
        return self._state.day

    def day_of(self, now: float) -> str:
        """The business day ``YYYY-MM-DD`` of ``now`` (``policy.day_start``, hall timezone)."""
        return business_day(now, self.hall.policy)

    def execute(self, command: Command | AppointmentCommand, now: float, actor: str) -> Result:
        """Run a command at ``now`` for ``actor`` (a device or staff id).

        Raises :class:`DomainError` for a refused command, leaving the state unchanged.
        """
        handler = HANDLERS.get(type(command))
        if handler is None:
            raise TypeError(f"not a command: {command!r}")
        backup: State | None = None
        events: list[Event] = []
        day = self.day_of(now)
        current = self._state.day
        if current is None or day > current:
            backup = copy.deepcopy(self._state)
            ctx = Context(self._directory, self._state, now, actor, day)
            events = day_start_events(self._state, day, ctx.event)
            for event in events:
                apply_event(self._state, event)
        else:
            if day < current:
                logger.warning("clock before the current business day %s: %s", current, day)
            day = current
        ctx = Context(self._directory, self._state, now, actor, day)
        try:
            decision = handler(ctx, command)
            for event in decision.events:
                bad = unstorable(event)
                if bad is not None:
                    raise refusal("unstorable_value", field=bad.lstrip("."))
        except Exception:  # a refusal (or a fault) leaves the state as it was
            if backup is not None:
                self._state = backup
            raise
        for event in decision.events:
            apply_event(self._state, event)
        events.extend(decision.events)
        if self._state.unchecked:  # 远程取号: hold the unchecked near the front, expire the late
            for event in sweep(self._state, self.hall.remote, now, ctx.event):
                apply_event(self._state, event)
                events.append(event)
        return Result(events, decision.reply(), decision.error)

    def apply(self, event: Event) -> None:
        """Replay one stored event (start-up rebuild)."""
        apply_event(self._state, event)

    def snapshot(self, now: float) -> dict[str, Any]:
        """The JSON-able picture of the hall for boards, windows and managers."""
        return snapshot(self._directory, self._state, now)

    def open_alerts(self) -> list[dict[str, Any]]:
        """The manager's alerts not yet acknowledged, oldest first."""
        return open_alerts(self._state)

    def ticket(self, ticket_id: str) -> dict[str, Any] | None:
        t = self._state.tickets.get(ticket_id)
        return ticket_dict(self._directory, t) if t else None

    def find(self, number: str) -> dict[str, Any] | None:
        """Today's ticket by number, e.g. ``"A001"``."""
        if self._state.day is None:
            return None
        return self.ticket(f"{self._state.day}-{number}")

    def followup(self, followup_id: str) -> dict[str, Any] | None:
        """A 差评 work order by id (open, or resolved and not yet re-rated or too old)."""
        f = self._state.followups.get(followup_id)
        return followup_dict(f) if f else None

    def followup_clocks(self, now: float) -> dict[str, tuple[FollowupClock, ...]]:
        """Where each kept work order's clocks stand at ``now`` (for alerts and the wall)."""
        return {key: clocks(f, now) for key, f in sorted(self._state.followups.items())}

    def position(self, ticket_id: str, now: float) -> dict[str, Any]:
        """State, people ahead and estimated wait of a ticket; raises ``unknown_ticket``."""
        t = self._state.tickets.get(ticket_id)
        if t is None:
            raise refusal("unknown_ticket", ticket=ticket_id)
        return position(self._directory, self._state, t, now)
