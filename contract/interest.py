"""What each role is sent of the hall: its events, its snapshot, and what its model shows.

A kiosk shows the services (their counts, open or closed, and whether any window serving
them is open); a board shows the windows (calls, states) and the services' counts; a clerk's
window, a bus bridge and the manager's wall show the hall. Sending every event to every
connection made the hall slower the more kiosks it had (each ticket reached every kiosk), so
each role is sent only the kinds it shows, and a kiosk or board gets one ``counts`` event per
batch in place of the ticket events it does not follow (see ``docs/protocol.md``, "Events").

Such a stream skips ``seq`` numbers, so each of its events carries ``prev``, the ``seq`` of the
message sent before it on that stream; ``HallModel`` applies an event when ``prev`` is at most
its own ``seq`` and sees a gap when it is past it. ``shown`` is the part of a snapshot that a
role's live model keeps up to date: its model equals a fresh snapshot there.

A board of a zone (a display device with ``zone`` in the hall's configuration) is sent less
again: ``zoned`` keeps its zone's ``windows``, and an event naming a ``window`` outside them is
not sent (calls, recalls, window states, a finish, a transfer or park from there...). A ticket
leaves a window only by an event naming that window, so a zone's board never keeps a stale
ticket; events naming no window (the day, the notice, ``counts``, devices) reach it. Its
snapshot lists its zone's windows, their latest calls, and each service's open windows among
them, as its model counts them. Boards of one zone share one stream (``board:<zone>``).

A clerk's window W (a clerk device with a ``window``) is sent what concerns W and its services
S (``at_window``, one stream per window, ``staff:w<W>``): an event naming W (as ``window`` or
``to_window``) or a service of S (``service``, ``from_service``, ``to_service``,
``next_service``, and a 一件事 ticket's issue when one of its ``steps`` is), a waiting ticket's
expiry (its service is not said), every window's state changes (the services' open windows),
and the events naming no window and no ticket. The stream (``queue_server.fanout.Stream``) also
sends every later event about a ticket it has sent, in an event or a snapshot, until the
ticket ends, so a ticket that leaves W's picture by an event naming neither W nor S (one
reserved for W, of another service, called at another window once W closed) is never kept
stale. A ticket that comes into W's picture without the window having been sent it (a transfer
or a 一件事 step from another service to W or to S) is not known whole from the event: the
model asks for a snapshot (``HallModel``). Its snapshot keeps the waiting tickets of S or
reserved for W (``callable_here`` picks from these), W's own current and parked tickets and
ratings, every window's state, and the counts of S only (the others are 0). Pure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from .records import Service, Snapshot, Ticket, Window, WindowState

__all__ = ["COUNT_KINDS", "INTERESTS", "Interest", "interest_of"]

# Ticket events whose only effect on a kiosk's or board's picture is a service's counts.
COUNT_KINDS = frozenset({"ticket_issued", "ticket_voided"})

_WINDOW_STATES = frozenset({"window_opened", "window_closed", "window_paused", "window_resumed"})
_NOT_SHOWN_ON_BOARDS = COUNT_KINDS | {"staff_locked"}
_SERVICE_KEYS = ("service", "from_service", "to_service", "next_service")


@dataclass(frozen=True)
class Interest:
    """The events a role is sent (``kinds``: only these; ``skip``: all but these), and what of
    the snapshot it is sent and keeps live."""

    name: str
    kinds: frozenset[str] | None = None
    skip: frozenset[str] = frozenset()
    counts: bool = False  # a ``counts`` event after each batch that changed a service's counts
    waiting: bool = True  # the waiting tickets
    window_tickets: bool = True  # each window's current and parked tickets, last served/rated
    devices: bool = True
    notice: bool = True
    calls: bool = True  # the day's recent calls (boards list them)
    windows: frozenset[int] | None = None  # a zone's: only these windows (None: every window)
    window: int | None = None  # a clerk window's: what concerns this window ...
    services: frozenset[str] = frozenset()  # ... and the services it serves

    def wants(self, kind: str) -> bool:
        if self.kinds is not None:
            return kind in self.kinds
        return kind not in self.skip

    def covers(self, event: Mapping[str, Any]) -> bool:
        """Whether an event of a kind it wants concerns this stream's windows: one that names
        a ``window`` outside a zone does not."""
        if self.window is not None:
            return self._concerns(event)
        window = event.get("window")
        return self.windows is None or window is None or window in self.windows

    def _concerns(self, event: Mapping[str, Any]) -> bool:
        """Whether an event may change a clerk window's picture by what it says (the stream
        adds the events about tickets it has sent)."""
        window = event.get("window")
        if window == self.window or event.get("to_window") == self.window:
            return True
        if event.get("ticket") is None:  # the day, window states, devices; not another's lock
            return window is None or event.get("type") in _WINDOW_STATES
        if any(event.get(key) in self.services for key in _SERVICE_KEYS):
            return True
        if any(step in self.services for step in event.get("steps") or ()):
            return True  # a 一件事 ticket that has a step here (its issue: known whole then)
        return event.get("type") == "ticket_expired" and window is None  # a waiting ticket

    def at_window(self, window: int, services: Collection[str]) -> Interest:
        """This interest kept to a clerk's window and its services (``staff:w3``)."""
        return dataclasses.replace(
            self,
            name=f"{self.name}:w{window}",
            window=window,
            services=frozenset(services),
            calls=False,
        )

    def zoned(self, zone: str, windows: Collection[int]) -> Interest:
        """This interest kept to a zone's windows, as a stream of its own (``board:floor1``)."""
        return dataclasses.replace(self, name=f"{self.name}:{zone}", windows=frozenset(windows))

    def trim(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        """A snapshot (JSON) as this role is sent it: only what its events keep live."""
        out = dict(snapshot)
        if self.windows is not None:
            out = self._zone(out)
        if self.window is not None:
            out = self._window(out)
        if not self.waiting:
            out["waiting"] = []
        if not self.window_tickets and isinstance(out.get("windows"), list):
            out["windows"] = [
                {**w, "current": None, "parked": [], "last_rating": None, "last_served": None}
                for w in out["windows"]
            ]
        if not self.devices:
            out["devices"] = []
        if not self.notice:
            out["notice"] = None
        if not self.calls:
            out["recent_calls"] = []
        return out

    def _zone(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        """Its zone's windows and their calls (the server sends the zone's own latest calls,
        so they are not cut short by other zones'), and each service's open windows there."""
        zone = self.windows or frozenset()
        windows = [w for w in snapshot.get("windows") or [] if w.get("number") in zone]
        calls = [c for c in snapshot.get("recent_calls") or [] if c.get("window") in zone]
        services = [
            {
                **s,
                "open_windows": sum(
                    1
                    for w in windows
                    if w.get("state") == WindowState.OPEN and s.get("code") in w.get("services", ())
                ),
            }
            for s in snapshot.get("services") or []
        ]
        return {**snapshot, "windows": windows, "recent_calls": calls, "services": services}

    def _window(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        """A clerk window's part: the waiting tickets of its services or reserved for it, its
        own tickets and ratings, the other windows' states, its services' counts."""
        here, services = self.window, self.services
        waiting = [
            t
            for t in snapshot.get("waiting") or []
            if t.get("service") in services or t.get("target_window") == here
        ]
        windows = [
            w
            if w.get("number") == here
            else {**w, "current": None, "parked": [], "last_rating": None, "last_served": None}
            for w in snapshot.get("windows") or []
        ]
        counts = [
            s if s.get("code") in services else {**s, "waiting": 0, "issued_today": 0}
            for s in snapshot.get("services") or []
        ]
        return {**snapshot, "waiting": waiting, "windows": windows, "services": counts}

    def shown(self, snapshot: Snapshot) -> Snapshot:
        """The part of a snapshot record this role's model keeps live (to compare models)."""
        replace = msgspec.structs.replace
        if self.windows is not None:
            snapshot = _zone_part(snapshot, self.windows)
        if self.window is not None:
            snapshot = _window_part(snapshot, self.window, self.services)
        if self.waiting:
            return snapshot
        windows = tuple(replace(w, current=_called(w.current)) for w in snapshot.windows)
        if not self.window_tickets:
            windows = tuple(_window_state(w) for w in snapshot.windows)
        return replace(
            snapshot,
            waiting=(),
            windows=windows,
            devices=snapshot.devices if self.devices else (),
            notice=snapshot.notice if self.notice else None,
            recent_calls=snapshot.recent_calls if self.calls else (),
        )


def _zone_part(snapshot: Snapshot, zone: frozenset[int]) -> Snapshot:
    """A zone's windows, their calls, each service's open windows there. A called ticket's
    ``calls`` is left out: a zone's model counts only the calls it was sent, a snapshot every
    call of the ticket (一件事 steps or a transfer from another zone's window)."""
    windows = tuple(
        msgspec.structs.replace(w, current=_uncounted(w.current))
        for w in snapshot.windows
        if w.number in zone
    )

    def counted(s: Service) -> Service:
        open_here = sum(1 for w in windows if w.state is WindowState.OPEN and s.code in w.services)
        return msgspec.structs.replace(s, open_windows=open_here)

    return msgspec.structs.replace(
        snapshot,
        windows=windows,
        services=tuple(counted(s) for s in snapshot.services),
        recent_calls=tuple(c for c in snapshot.recent_calls if c.window in zone),
    )


def _window_part(snapshot: Snapshot, here: int, services: frozenset[str]) -> Snapshot:
    """A clerk window's part (as ``Interest._window``); the day's recent calls are not kept."""
    replace = msgspec.structs.replace
    return replace(
        snapshot,
        waiting=tuple(
            t for t in snapshot.waiting if t.service in services or t.target_window == here
        ),
        windows=tuple(w if w.number == here else _window_state(w) for w in snapshot.windows),
        services=tuple(
            s if s.code in services else replace(s, waiting=0, issued_today=0)
            for s in snapshot.services
        ),
        recent_calls=(),
    )


def _uncounted(t: Ticket | None) -> Ticket | None:
    return None if t is None else msgspec.structs.replace(t, calls=0)


def _called(t: Ticket | None) -> Ticket | None:
    """A called ticket as its call tells it (a model that never saw it waiting)."""
    if t is None:
        return None
    return Ticket(
        id=t.id,
        number=t.number,
        service=t.service,
        service_name_zh=t.service_name_zh,
        service_name_en=t.service_name_en,
        state=t.state,
        window=t.window,
        called_at=t.called_at,
        location_zh=t.location_zh,
        location_en=t.location_en,
        rating_during=t.rating_during,
        calls=t.calls,
        reason=t.reason,
        staff=t.staff,
    )


def _window_state(w: Window) -> Window:
    return msgspec.structs.replace(w, current=None, parked=(), last_rating=None, last_served=None)


INTERESTS: dict[str, Interest] = {
    "manager": Interest("manager"),
    "clerk": Interest("staff"),
    "bridge": Interest("staff"),
    "display": Interest("board", skip=_NOT_SHOWN_ON_BOARDS, counts=True, waiting=False),
    "kiosk": Interest(
        "kiosk",
        kinds=frozenset({"day_started"}) | _WINDOW_STATES,
        counts=True,
        waiting=False,
        window_tickets=False,
        devices=False,
        notice=False,
        calls=False,
    ),
}
"""Per role. Private kinds (差评 work orders, alerts, manager log-ins) are the manager's alone
whatever the interest; the public ``watch`` keeps the whole public stream without ``prev``."""


def interest_of(role: str) -> Interest:
    """A role's interest; a role this contract does not know gets everything."""
    return INTERESTS.get(role, Interest(role))
