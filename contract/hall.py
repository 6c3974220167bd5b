"""One live model of the hall for every client, built from ``welcome`` and moved on by events.

``HallModel`` keeps what the server's snapshot has (``contract.records``): the day, the waiting
tickets in issue order, the tickets at windows (called or parked, when it saw them), every
window (state, pause reason, clerk, current ticket, parked numbers, last served and rated),
every service with its counts (waiting, issued today, open windows, quota reached), the
devices' health, the day's latest calls (``recent_calls``, newest first, for boards) and, for
managers, the staff ids locked out. It applies each event as the
server's ``queue_server.core.state.apply_event`` does, so a model fed a welcome and the events
after it equals one built from a ``snapshot`` of the same moment, except for what events do
not carry:

- ``Service.estimated_wait_s`` (the server's recent service times) and ``Service.open`` /
  ``closed_reason == "closed"`` (opening hours on the server's clock) stay as the last
  snapshot said; reaching or freeing a daily quota is followed.
- ``Window.staff_name`` of a clerk who logs in after the snapshot is known only when an
  earlier snapshot named that staff id (public views carry no staff ids) or the event
  carries ``staff_name``.
- ``Ticket.status_url`` of newly issued tickets (the hall's public URL is the server's), and
  the issue time and names of a parked ticket the model never saw waiting.
- Lockouts end at ``until`` on the server's clock: ask ``lockouts_at(now)``.

A client that shows these sends ``snapshot`` now and then (a board showing waits: every
minute or so) and hands the reply to ``apply_snapshot``; ``position`` answers for one ticket.

Events must follow each other by ``seq``, or, on a stream filtered for the role
(``contract.interest``), by ``prev``: the ``seq`` of the message sent before it, which must be
at most the model's. A replayed event with ``seq`` at or below the last one is ignored (a
``counts`` at the same ``seq`` is applied: its values are absolute); an event past a gap (or
one that does not read as its kind) stops the model: ``needs_resync`` is set, observers get
a ``Change`` with ``resync``, and ``on_resync(last_seq)`` asks the client to send ``snapshot``
(to ``apply_snapshot``) or to reconnect with ``hello`` and ``last_seq`` (to ``apply_welcome``).
Events that arrive meanwhile are held and applied after the snapshot if they follow it.
Unknown kinds move ``seq`` on and change nothing.

Observers (``observe``) get one ``Change`` per step naming what changed — windows, services,
tickets, devices, the day, the recent calls, lockouts, or everything — so a board redraws one
window, not the hall (the napari split: the model knows no Qt, views observe it). Pure and
deterministic: no Qt, no asyncio, no I/O; call it from one thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec

from . import events as ev
from .records import (
    Alert,
    Bundle,
    BundleStep,
    Device,
    Followup,
    FollowupContact,
    HallInfo,
    LastRating,
    LastServed,
    Lockout,
    Notice,
    RecentCall,
    Service,
    Snapshot,
    Ticket,
    TicketClass,
    TicketState,
    Welcome,
    Window,
    WindowState,
    decode_snapshot,
    decode_welcome,
)

__all__ = ["MAX_HELD_EVENTS", "RECENT_CALLS", "Change", "HallModel", "Observer"]

log = logging.getLogger(__name__)

MAX_HELD_EVENTS = 10_000  # events held while waiting for a resync; past that, dropped
RECENT_CALLS = 20  # calls kept in `recent_calls`, as the server's snapshot keeps them
_AT_WINDOW = (TicketState.WAITING, TicketState.CALLED, TicketState.PARKED)  # still kept


@dataclass(frozen=True, slots=True)
class Change:
    """What one step changed; ``event`` is the event applied (None for a welcome/snapshot)."""

    seq: int
    event: ev.AnyEvent | ev.UnknownEvent | None = None
    windows: frozenset[int] = frozenset()
    services: frozenset[str] = frozenset()
    tickets: frozenset[str] = frozenset()  # ticket ids
    devices: frozenset[str] = frozenset()
    day: bool = False
    calls: bool = False  # `recent_calls` changed
    lockouts: bool = False
    alerts: frozenset[str] = frozenset()  # alert keys raised or acknowledged
    followups: frozenset[str] = frozenset()  # follow-up (差评 work order) ids
    notice: bool = False
    everything: bool = False  # a welcome or snapshot replaced the model: redraw it all
    resync: bool = False  # a gap: the model is stale until the next welcome or snapshot


Observer = Callable[[Change], object]  # what it returns is ignored


@dataclass(slots=True)
class _Touched:
    windows: set[int] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    tickets: set[str] = field(default_factory=set)
    devices: set[str] = field(default_factory=set)
    day: bool = False
    calls: bool = False
    lockouts: bool = False
    alerts: set[str] = field(default_factory=set)
    followups: set[str] = field(default_factory=set)
    notice: bool = False


class HallModel:
    """The hall as this client knows it: ``apply_welcome``, then ``apply_event`` each event."""

    def __init__(self, on_resync: Callable[[int], None] | None = None) -> None:
        self.on_resync = on_resync
        self.welcome: Welcome | None = None
        self.seq = 0  # the last event applied (or the seq of the welcome/snapshot)
        self.synced = False  # a welcome or snapshot has been applied
        self.needs_resync = False
        self.day: str | None = None
        self.windows: dict[int, Window] = {}
        self.services: dict[str, Service] = {}
        self.bundles: dict[str, Bundle] = {}  # 一件事, from the snapshot
        self.tickets: dict[str, Ticket] = {}  # open tickets by id: waiting, called, parked
        self.devices: dict[str, Device] = {}
        self.lockouts: dict[str, Lockout] = {}
        self.alerts: dict[str, Alert] = {}  # managers only: open alerts by key
        self.followups: dict[str, Followup] = {}  # managers only: 差评 work orders by id
        self.notice: Notice | None = None
        self.recent_calls: tuple[RecentCall, ...] = ()  # the day's latest calls, newest first
        self._observers: list[Observer] = []
        self._rank: dict[str, tuple[float, int]] = {}  # ticket id -> issue order key
        self._ranks = 0
        self._parked_at: dict[str, int] = {}  # ticket number -> seq of its ticket_parked
        self._staff_names: dict[str, str] = {}  # staff id -> name, from snapshots
        self._held: list[dict[str, Any]] = []
        self._partial: set[str] = set()  # ticket ids kept as events told them, not whole

    @classmethod
    def from_welcome(
        cls, message: dict[str, Any], on_resync: Callable[[int], None] | None = None
    ) -> HallModel:
        model = cls(on_resync)
        model.apply_welcome(message)
        return model

    # -- what it knows ---------------------------------------------------------------------

    @property
    def hall(self) -> HallInfo:
        return self.welcome.hall if self.welcome is not None else HallInfo()

    def waiting(self, service: str | None = None) -> list[Ticket]:
        """The waiting tickets (of one service) in issue order, as the snapshot lists them."""
        found = [
            t
            for t in self.tickets.values()
            if t.state is TicketState.WAITING and (service is None or t.service == service)
        ]
        return sorted(found, key=lambda t: self._rank.get(t.id, (t.issued_at, 0)))

    def ticket_by_number(self, number: str) -> Ticket | None:
        return next((t for t in self.tickets.values() if t.number == number), None)

    def last_parked(self, window: int) -> str | None:
        """The number parked last at ``window`` (before the snapshot: the latest issued)."""
        w = self.windows.get(window)
        if w is None or not w.parked:
            return None
        order = {n: (self._parked_at.get(n, -1), i) for i, n in enumerate(w.parked)}
        return max(w.parked, key=order.__getitem__)

    def lockouts_at(self, now: float) -> list[Lockout]:
        return [lock for _, lock in sorted(self.lockouts.items()) if lock.until > now]

    def snapshot(self) -> Snapshot:
        """The model as a snapshot record (with its ``seq``), e.g. to compare with the server."""
        return Snapshot(
            day=self.day,
            waiting=tuple(self.waiting()),
            windows=tuple(self.windows.values()),
            services=tuple(self.services.values()),
            bundles=tuple(self.bundles.values()),
            devices=tuple(self.devices[k] for k in sorted(self.devices)),
            recent_calls=self.recent_calls,
            lockouts=tuple(lock for _, lock in sorted(self.lockouts.items())),
            alerts=tuple(self.alerts.values()),
            followups=tuple(self.followups.values()),
            notice=self.notice,
            seq=self.seq,
        )

    def observe(self, callback: Observer) -> Callable[[], None]:
        """Call ``callback(change)`` after every step; returns the function that stops it."""
        self._observers.append(callback)

        def stop() -> None:
            if callback in self._observers:
                self._observers.remove(callback)

        return stop

    # -- what it is told -------------------------------------------------------------------

    def apply_welcome(self, message: dict[str, Any]) -> Welcome:
        """Take a ``welcome`` as the truth at its ``seq`` (after every (re)connect).

        Replayed events that follow it are already in its snapshot and are ignored. A welcome
        that does not read leaves the model empty and raises ``msgspec.ValidationError``.
        """
        try:
            welcome = decode_welcome(message)
        except msgspec.ValidationError:
            self.welcome, self._held = None, []
            self._load(Snapshot(), 0)
            self.synced = False
            raise
        self.welcome = welcome
        self._load(welcome.snapshot, welcome.seq)
        return welcome

    def apply_snapshot(self, message: dict[str, Any]) -> bool:
        """Take a ``snapshot`` reply as the truth at its ``seq``; False if older than the model."""
        snapshot = decode_snapshot(message)
        if snapshot.seq is None:
            raise ValueError("a snapshot reply without seq")
        if self.synced and not self.needs_resync and snapshot.seq < self.seq:
            return False
        self._load(snapshot, snapshot.seq)
        return True

    def apply_event(self, message: dict[str, Any]) -> bool:
        """Apply one event message (decoded JSON); False if it was not applied.

        Not applied: a replay at or below ``seq`` (ignored), and anything while the model is
        not in step (before a welcome, past a gap; held for the next snapshot).
        """
        seq = message.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool):
            log.warning("event without seq skipped: %.200r", message)
            return False
        # A ``counts`` shares the seq of its batch's last event, which may have come first.
        again = message.get("kind") == "counts"
        if self.synced and (seq < self.seq or (seq == self.seq and not again)):
            return False
        if not self.synced or self.needs_resync:
            self._hold(message)
            return False
        if self._beyond(message):
            log.warning("events after %d missed (next: %d): resync", self.seq, seq)
            self._hold(message)
            self._lost()
            return False
        touched = _Touched()
        try:
            event = ev.decode_event(message)
            if not isinstance(event, ev.UnknownEvent):
                self._apply(event, message, touched)
        except ValueError as exc:  # msgspec.ValidationError, or a value of a newer server
            log.warning("event %d not understood (%s): resync", seq, exc)
            self._lost()
            return False
        self.seq = seq
        self._notify(
            Change(
                seq=seq,
                event=event,
                windows=frozenset(touched.windows),
                services=frozenset(touched.services),
                tickets=frozenset(touched.tickets),
                devices=frozenset(touched.devices),
                day=touched.day,
                calls=touched.calls,
                lockouts=touched.lockouts,
                alerts=frozenset(touched.alerts),
                followups=frozenset(touched.followups),
                notice=touched.notice,
            )
        )
        return True

    # -- inside ----------------------------------------------------------------------------

    def _notify(self, change: Change) -> None:
        for callback in list(self._observers):
            try:
                callback(change)
            except Exception:
                log.exception("hall model observer %r failed on %r", callback, change)

    def _beyond(self, message: dict[str, Any]) -> bool:
        """True when events were lost before ``message``: a filtered stream says which came
        before it (``prev``), the whole log follows ``seq`` one by one."""
        prev = message.get("prev")
        if isinstance(prev, int) and not isinstance(prev, bool):
            return prev > self.seq
        return int(message["seq"]) != self.seq + 1

    def _hold(self, message: dict[str, Any]) -> None:
        if len(self._held) < MAX_HELD_EVENTS:
            self._held.append(message)

    def _lost(self) -> None:
        """Out of step with the server: say so once, until a welcome or snapshot."""
        if self.needs_resync:
            return
        self.needs_resync = True
        self._notify(Change(seq=self.seq, resync=True))
        if self.on_resync is not None:
            self.on_resync(self.seq)

    def _load(self, snapshot: Snapshot, seq: int) -> None:
        self.seq, self.synced, self.needs_resync = seq, True, False
        self.day = snapshot.day
        self.windows = {w.number: w for w in snapshot.windows}
        self.services = {s.code: s for s in snapshot.services}
        self.bundles = {b.code: b for b in snapshot.bundles}
        self.devices = {d.device: d for d in snapshot.devices}
        self.lockouts = {lock.staff: lock for lock in snapshot.lockouts if lock.staff}
        self.alerts = {a.alert: a for a in snapshot.alerts}
        self.followups = {f.followup: f for f in snapshot.followups}
        self.notice = snapshot.notice
        self.recent_calls = snapshot.recent_calls
        self.tickets, self._rank, self._parked_at = {}, {}, {}
        self._partial = set()
        for i, t in enumerate(snapshot.waiting):
            self.tickets[t.id] = t
            self._rank[t.id] = (t.issued_at, i)
        for w in snapshot.windows:
            if w.current is not None:
                self.tickets[w.current.id] = w.current
                self._rank[w.current.id] = (w.current.issued_at, len(self._rank))
            if w.staff is not None and w.staff_name is not None:
                self._staff_names[w.staff] = w.staff_name
        self._ranks = len(self._rank)
        self._notify(Change(seq=seq, everything=True))
        # Held events that follow on are applied; one that does not means events were lost
        # for good (they arrive in order): it is dropped, and the model asks again.
        held, self._held = sorted(self._held, key=lambda m: int(m["seq"])), []
        for message in held:
            if message["seq"] > self.seq and self._beyond(message):
                self._lost()
                break
            self.apply_event(message)

    # Windows and services.

    def _set_window(self, number: int, touched: _Touched, **changes: Any) -> Window | None:
        w = self.windows.get(number)
        if w is None:
            return None
        new = msgspec.structs.replace(w, **changes)
        if new == w:
            return w
        self.windows[number] = new
        touched.windows.add(number)
        if new.state is not w.state:
            for code in new.services:
                count = sum(
                    1
                    for x in self.windows.values()
                    if x.state is WindowState.OPEN and code in x.services
                )
                self._set_service(code, touched, open_windows=count)
        return new

    def _set_service(self, code: str, touched: _Touched, **changes: Any) -> None:
        s = self.services.get(code)
        if s is None:
            return
        new = msgspec.structs.replace(s, **changes)
        quota = new.quota
        if quota is not None:  # a reached daily quota closes the service to kiosks
            if new.issued_today >= quota and new.closed_reason is None:
                new = msgspec.structs.replace(new, open=False, closed_reason="quota")
            elif new.issued_today < quota and new.closed_reason == "quota":
                new = msgspec.structs.replace(new, open=True, closed_reason=None)
        if new != s:
            self.services[code] = new
            touched.services.add(code)

    def _count(self, code: str, touched: _Touched, waiting: int = 0, issued: int = 0) -> None:
        s = self.services.get(code)
        if s is not None:
            self._set_service(
                code, touched, waiting=s.waiting + waiting, issued_today=s.issued_today + issued
            )

    # Tickets.

    def _named(self, t: Ticket, code: str) -> Ticket:
        """``t`` in service ``code``, with that service's names and place."""
        s = self.services.get(code)
        if s is None:
            return msgspec.structs.replace(t, service=code)
        return msgspec.structs.replace(
            t,
            service=code,
            service_name_zh=s.name_zh,
            service_name_en=s.name_en,
            location_zh=s.location_zh,
            location_en=s.location_en,
        )

    def _known(self, ticket: str, number: str, service: str | None = None) -> Ticket:
        """The ticket as kept, or as much as an event says of one never seen."""
        t = self.tickets.get(ticket)
        if t is not None:
            return t
        self._partial.add(ticket)  # not known whole (``_unseen``)
        return self._named(Ticket(id=ticket, number=number, service=service or ""), service or "")

    def _put(self, before: Ticket | None, after: Ticket, touched: _Touched) -> None:
        """``after`` replaces ``before``: waiting counts, windows' current, kept or dropped."""
        if before is not None and before.state is TicketState.WAITING:
            self._count(before.service, touched, waiting=-1)
        if after.state is TicketState.WAITING:
            self._count(after.service, touched, waiting=+1)
        touched.tickets.add(after.id)
        if after.state in _AT_WINDOW:
            self.tickets[after.id] = after
            if after.id not in self._rank:
                self._rank[after.id] = (after.issued_at, self._ranks)
                self._ranks += 1
        else:
            self.tickets.pop(after.id, None)
            self._rank.pop(after.id, None)
            self._partial.discard(after.id)
        numbers = {after.window, before.window if before is not None else None}
        for w in [self.windows[n] for n in numbers if n is not None and n in self.windows]:
            if after.state is TicketState.CALLED and after.window == w.number:
                self._set_window(w.number, touched, current=after)
            elif w.current is not None and w.current.id == after.id:
                self._set_window(w.number, touched, current=None)

    def _unpark(self, window: int | None, number: str, touched: _Touched) -> None:
        w = self.windows.get(window) if window is not None else None
        self._parked_at.pop(number, None)
        if w is not None and number in w.parked:
            parked = tuple(n for n in w.parked if n != number)
            self._set_window(w.number, touched, parked=parked)

    def _park(self, window: int, t: Ticket, touched: _Touched) -> None:
        w = self.windows.get(window)
        if w is None:
            return
        self._parked_at[t.number] = self.seq

        def key(n: str) -> tuple[float, int]:
            kept = self.ticket_by_number(n)
            return self._rank.get(kept.id, (kept.issued_at, 0)) if kept else (float("-inf"), 0)

        parked = tuple(sorted((*(n for n in w.parked if n != t.number), t.number), key=key))
        self._set_window(window, touched, parked=parked)

    def _bundled(
        self,
        t: Ticket,
        bundle: str | None,
        steps: Sequence[str],
        step: int,
        proxy: str | None,
    ) -> Ticket:
        """``t`` at ``step`` of its 一件事 (``-1``: every step done), as ``bundle_fields``."""
        if bundle is None:
            return msgspec.structs.replace(t, proxy=proxy)
        b = self.bundles.get(bundle)
        shown = []
        for index, code in enumerate(steps):
            service = self.services.get(code)
            state = "done" if step < 0 or index < step else "current" if index == step else ""
            shown.append(
                BundleStep(
                    service=code,
                    name_zh=service.name_zh if service else code,
                    name_en=service.name_en if service else code,
                    state=state or "to_come",
                )
            )
        return msgspec.structs.replace(
            t,
            bundle=bundle,
            bundle_name_zh=b.name_zh if b else bundle,
            bundle_name_en=b.name_en if b else bundle,
            step=len(steps) - 1 if step < 0 else step,
            steps=tuple(shown),
            proxy=proxy,
        )

    # Events.

    def _apply(self, e: ev.AnyEvent, raw: dict[str, Any], touched: _Touched) -> None:
        """Change the model by one event, as ``queue_server.core.state`` does."""
        if isinstance(e, ev.DayStarted):
            self.day = e.day
            touched.day = True
            if self.recent_calls:
                self.recent_calls, touched.calls = (), True
            for code in list(self.services):
                self._set_service(code, touched, issued_today=0)
            for w in list(self.windows.values()):
                if w.last_served is not None:
                    self._set_window(w.number, touched, last_served=None)
            # A manager's list keeps the open work orders and those resolved today.
            for key in [k for k, f in self.followups.items() if f.resolved_at is not None]:
                del self.followups[key]
                touched.followups.add(key)
        elif isinstance(e, ev.TicketIssued):
            t = Ticket(
                id=e.ticket,
                number=e.number,
                service=e.service,
                ticket_class=TicketClass(e.ticket_class),
                issued_at=e.at,
                ahead=e.ahead,
                estimated_wait_s=e.estimated_wait_s,
                request_id=e.request_id,
                token=e.token,
                # who issued it: hidden from exactly the views that lose request ids
                issuer=e.actor if e.request_id is not None else None,
                remote=e.remote,
            )
            if e.bundle is not None or e.proxy is not None:
                t = self._bundled(t, e.bundle, e.steps or (), 0, e.proxy)
            self._count(e.service, touched, issued=+1)
            self._put(None, self._named(t, e.service), touched)
        elif isinstance(e, ev.TicketVoided):
            before = self._known(e.ticket, e.number, e.service)
            self._count(before.service, touched, issued=-1)
            self._put(self.tickets.get(e.ticket), _as(before, TicketState.VOIDED), touched)
        elif isinstance(e, ev.WindowOpened):
            name = raw.get("staff_name")
            if not isinstance(name, str):
                name = self._staff_names.get(e.staff) if e.staff else None
            self._set_window(
                e.window, touched, state=WindowState.OPEN, staff=e.staff, staff_name=name
            )
        elif isinstance(e, ev.WindowClosed):
            self._set_window(
                e.window,
                touched,
                state=WindowState.CLOSED,
                staff=None,
                staff_name=None,
                pause_reason=None,
            )
        elif isinstance(e, ev.WindowPaused):
            self._set_window(
                e.window, touched, state=WindowState.PAUSED, pause_reason=e.reason or "other"
            )
        elif isinstance(e, ev.WindowResumed):
            self._set_window(e.window, touched, state=WindowState.OPEN, pause_reason=None)
        elif isinstance(e, ev.TicketCalled):
            self._called(e, touched)
        elif isinstance(e, ev.TicketNoShow | ev.TicketFinished):
            before = self._known(e.ticket, e.number, e.service)
            done = isinstance(e, ev.TicketFinished)
            after = _as(
                before,
                TicketState.DONE if done else TicketState.NO_SHOW,
                finished_at=e.at,
                window=e.window,
            )
            if done and before.steps:
                after = self._bundled(
                    after, before.bundle, [x.service for x in before.steps], -1, before.proxy
                )
            self._put(self.tickets.get(e.ticket), after, touched)
            if done:
                served = LastServed(id=e.ticket, number=e.number, finished_at=e.at)
                self._set_window(e.window, touched, last_served=served)
        elif isinstance(e, ev.TicketTransferred):
            before = self._known(e.ticket, e.number, e.from_service)
            after = _as(
                self._named(before, e.to_service),
                TicketState.WAITING,
                target_window=e.to_window,
                called_at=None,
            )
            self._unseen(e.ticket, after)
            self._put(self.tickets.get(e.ticket), after, touched)
        elif isinstance(e, ev.TicketStepDone):
            before = self._known(e.ticket, e.number, e.service)
            steps = [x.service for x in before.steps]
            moved = self._bundled(
                self._named(before, e.next_service), before.bundle, steps, e.step + 1, before.proxy
            )
            if e.stay:
                after = _as(moved, TicketState.CALLED, called_at=e.at)
            else:
                after = _as(moved, TicketState.WAITING, called_at=None, target_window=None)
            self._unseen(e.ticket, after)
            self._put(self.tickets.get(e.ticket), after, touched)
        elif isinstance(e, ev.TicketParked):
            before = self._known(e.ticket, e.number, e.service)
            after = _as(before, TicketState.PARKED, window=e.window)
            self._put(self.tickets.get(e.ticket), after, touched)
            self._park(e.window, after, touched)
        elif isinstance(e, ev.TicketHeld | ev.TicketCheckedIn):  # 远程取号
            # A stream that was not sent the ticket's issue (a board's) shows nothing of it.
            mine = self.tickets.get(e.ticket)
            if mine is not None:
                if isinstance(e, ev.TicketHeld):
                    after = msgspec.structs.replace(mine, checkin_deadline=e.deadline)
                else:
                    after = msgspec.structs.replace(mine, checked_in_at=e.at)
                self._put(mine, after, touched)
        elif isinstance(e, ev.TicketExpired):
            before = self._known(e.ticket, e.number)
            self._put(self.tickets.get(e.ticket), _as(before, TicketState.EXPIRED), touched)
            self._unpark(e.window, e.number, touched)
        elif isinstance(e, ev.RatingInvited):
            self._last_served(e.window, e.ticket, touched, invited=True)
        elif isinstance(e, ev.RatingRecorded):
            rating = LastRating(
                ticket=e.ticket,
                number=e.number,
                score=e.score,
                level=e.level,
                bad=e.bad,
                at=e.at,
                moment=e.moment,
            )
            self._set_window(e.window, touched, last_rating=rating)
            if e.moment == "during":  # 边办边评: the ticket being served
                serving = self.tickets.get(e.ticket)
                if serving is not None:
                    rated = msgspec.structs.replace(serving, rating_during=e.score)
                    self._put(serving, rated, touched)
            else:
                self._last_served(e.window, e.ticket, touched, rated=True)
        elif isinstance(e, ev.DeviceStatus):
            known = self.devices.get(e.device) or Device(device=e.device)
            self.devices[e.device] = msgspec.structs.replace(
                known, role=e.role, status=e.status, detail=e.detail, at=e.at
            )
            touched.devices.add(e.device)
        elif isinstance(e, ev.DevicePresence):
            known = self.devices.get(e.device) or Device(device=e.device)
            self.devices[e.device] = msgspec.structs.replace(
                known, role=e.role, online=e.online, seen_at=e.at
            )
            touched.devices.add(e.device)
            if not e.online:  # what it said of its parts is stale now
                for key, part in list(self.devices.items()):
                    if part.parent == e.device and part.online is not None:
                        self.devices[key] = msgspec.structs.replace(part, online=None)
                        touched.devices.add(key)
        elif isinstance(e, ev.DeviceParts):
            for p in e.parts:
                key = f"{e.device}/{p.part}"
                known = self.devices.get(key) or Device(device=key)
                self.devices[key] = msgspec.structs.replace(
                    known,
                    role=p.kind,
                    status=p.status,
                    detail=p.detail,
                    at=e.at,
                    online=p.online,
                    seen_at=p.seen_at if p.seen_at is not None else known.seen_at,
                    parent=e.device,
                    window=p.window,
                )
                touched.devices.add(key)
        elif isinstance(e, ev.StaffLocked) and e.staff is not None:  # managers only
            self.lockouts[e.staff] = Lockout(staff=e.staff, until=e.until)
            touched.lockouts = True
        elif isinstance(e, ev.AlertRaised | ev.AlertAcknowledged):
            self._alert(e, touched)
        elif isinstance(e, ev.NoticePosted):
            self.notice = Notice(text_zh=e.text_zh, text_en=e.text_en, at=e.at)
            touched.notice = True
        elif isinstance(e, _FOLLOWUP_EVENTS):
            self._followup(e, touched)
        elif isinstance(e, ev.Counts):
            for code, c in e.services.items():
                self._set_service(code, touched, waiting=c.waiting, issued_today=c.issued_today)
        # rating_rejected, hall_rated and manager log-ins change nothing a snapshot shows.

    def _alert(self, e: ev.AlertRaised | ev.AlertAcknowledged, touched: _Touched) -> None:
        """An alert is kept until acknowledged; the snapshot lists the open ones."""
        if isinstance(e, ev.AlertRaised):
            self.alerts[e.alert] = Alert(
                alert=e.alert,
                alert_kind=e.alert_kind,
                subject=e.subject,
                level=e.level,
                text_zh=e.text_zh,
                text_en=e.text_en,
                raised_at=e.at,
            )
        elif self.alerts.pop(e.alert, None) is None:
            return
        touched.alerts.add(e.alert)

    def _followup(self, e: _FollowupEvent, touched: _Touched) -> None:
        if self.welcome is not None and self.welcome.role != "manager":
            return  # 差评 work orders are the manager's list
        if isinstance(e, ev.FollowupOpened):
            key = e.followup or e.ticket
            if key is None:
                return
            self.followups[key] = Followup(
                followup=key,
                score=e.score,
                opened_at=e.at,
                deadline=e.deadline,
                ticket=e.ticket,
                number=e.number,
                service=e.service,
                window=e.window,
                staff=e.staff,
                moment=e.moment,
                owner=e.owner,
                contact_due=e.contact_due,
                feedback_due=e.feedback_due,
                resolve_due=e.resolve_due,
                aspect=e.aspect,
                day=e.day,
            )
            touched.followups.add(key)
            return
        known = self.followups.get(e.followup)
        if known is None:  # not in this view (or older than the snapshot's list)
            return
        if isinstance(e, ev.FollowupAssigned):
            new = msgspec.structs.replace(known, owner=e.owner)
        elif isinstance(e, ev.FollowupContacted):
            contact = FollowupContact(at=e.at, channel=e.channel, note=e.note or "", staff=e.actor)
            new = msgspec.structs.replace(known, contacts=(*known.contacts, contact))
        elif isinstance(e, ev.FollowupResolved):
            new = msgspec.structs.replace(
                known, outcome=e.outcome, outcome_note=e.note, resolved_at=e.at
            )
        else:
            new = msgspec.structs.replace(known, rerating=e.score, rerated_at=e.at)
        self.followups[e.followup] = new
        touched.followups.add(e.followup)

    def _unseen(self, ticket: str, after: Ticket) -> None:
        """A clerk window's stream (``contract.interest``) is not sent the issue of a ticket
        of another service: one that comes into its picture unseen (a transfer or a 一件事
        step to it or its services) is not known whole from the event (its issue time, class,
        steps): raise, so that the model asks for a snapshot. A model sent every ticket never
        meets one (its snapshot holds every open ticket but parked ones)."""
        welcome = self.welcome
        known = ticket in self.tickets and ticket not in self._partial
        if known or welcome is None or welcome.role != "clerk":
            return
        here = self.windows.get(welcome.window) if welcome.window is not None else None
        if here is None:
            return
        if after.state is TicketState.CALLED:
            mine = after.window == here.number and after.number not in here.parked
        else:
            mine = after.target_window == here.number or after.service in here.services
        if mine:
            raise ValueError(f"ticket {after.number} comes to window {here.number} unseen")

    def _called(self, e: ev.TicketCalled, touched: _Touched) -> None:
        before = self.tickets.get(e.ticket)
        if not e.recall:
            seen = self._known(e.ticket, e.number, e.service)
            self._unseen(e.ticket, _as(seen, TicketState.CALLED, window=e.window))
        t = self._known(e.ticket, e.number, e.service)
        if t.service != e.service:
            # It moved on where this stream was not sent (a zone's board: a transfer at another
            # zone's window). The call tells its service; ``counts`` told where it waited.
            t, before = self._named(t, e.service), None
        if e.recall and before is not None and before.state is TicketState.CALLED:
            after = msgspec.structs.replace(t, calls=t.calls + 1, reason=e.reason)
        else:
            after = _as(
                t,
                TicketState.CALLED,
                window=e.window,
                staff=e.staff,
                called_at=e.at,
                target_window=None,
                calls=t.calls + 1,
                reason=e.reason,
            )
            self._unpark(t.window, e.number, touched)
            self._unpark(e.window, e.number, touched)
        self._put(before, after, touched)
        self._last_served(e.window, None, touched, invited=False)  # an invitation lapses
        call = RecentCall(
            ticket=e.ticket,
            number=e.number,
            window=e.window,
            service=e.service,
            at=e.at,
            recall=e.recall,
        )
        others = (c for c in self.recent_calls if c.ticket != e.ticket)
        self.recent_calls = (call, *others)[:RECENT_CALLS]
        touched.calls = True

    def _last_served(
        self, window: int, ticket: str | None, touched: _Touched, **changes: bool
    ) -> None:
        w = self.windows.get(window)
        last = w.last_served if w is not None else None
        if last is None or (ticket is not None and last.id != ticket):
            return
        new = msgspec.structs.replace(last, **changes)
        if new != last:
            self._set_window(window, touched, last_served=new)


_FollowupEvent = (
    ev.FollowupOpened
    | ev.FollowupAssigned
    | ev.FollowupContacted
    | ev.FollowupResolved
    | ev.FollowupRerated
)
_FOLLOWUP_EVENTS = (
    ev.FollowupOpened,
    ev.FollowupAssigned,
    ev.FollowupContacted,
    ev.FollowupResolved,
    ev.FollowupRerated,
)


def _as(t: Ticket, state: TicketState, **changes: Any) -> Ticket:
    return msgspec.structs.replace(t, state=state, **changes)
