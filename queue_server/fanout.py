"""Fan-out by interest: which of a batch's events each connection is sent, encoded once.

Connections of one role share a stream (``contract.interest``): the role's view of the events
it shows, in order, each carrying ``prev``, the ``seq`` of the message sent before it on the
stream, so a client sees a gap although the stream skips numbers. A kiosk's or board's stream
gets ``counts`` events (absolute values) instead of ticket events: after the events of a write
it gets anyway (a call on the boards), else at most every ``COUNTS_EVERY_S`` in a write of its
own, so that taking tickets never writes to every board per ticket. A batch is encoded once per
stream, whatever the number of its connections; boards of one zone share the zone's stream
(``board:<zone>``: its windows' events only, ``Interest.zoned``), so a call is encoded once per
zone whatever the number of boards. A clerk's window has a stream of its own (``staff:w<W>``,
``Interest.at_window``): the events naming the window or its services, and every later event
about a ticket it was sent (in an event or a snapshot, ``seed``) until the ticket ends. The
public ``watch`` stream (web board, phone page) keeps the older rule: every event in the public
view, ``private`` stand-ins included, ``seq`` by one, no ``prev``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from contract.interest import Interest, interest_of
from queue_server.core.model import Device, Hall, Role
from queue_server.protocol import encode_bytes
from queue_server.views import PRIVATE_KINDS, PUBLIC, VIEWS, View

__all__ = [
    "COUNTS_EVERY_S",
    "Counts",
    "Stream",
    "device_interest",
    "stream_name",
    "streams",
    "window_streams",
    "zone_streams",
]

Counts = dict[str, tuple[int, int]]  # service -> (waiting, issued today)

COUNTS_EVERY_S = 0.1  # kiosks and boards: counts at most this often (a hall does not see less)

# A ticket's last event: a window's stream stops following it.
ENDED = frozenset({"ticket_finished", "ticket_no_show", "ticket_voided", "ticket_expired"})


class Stream:
    """The messages one kind of connection is sent; ``last`` is the next message's ``prev``."""

    def __init__(
        self, view: View, interest: Interest | None, last: int, counts: Counts | None = None
    ) -> None:
        self.view = view
        self.interest = interest  # None: every event of the view, by seq (the public watch)
        self.name = interest.name if interest is not None else view.name
        self.last = last  # at most any welcome's seq: a fresh stream starts at the log's end
        self._counts = counts  # as of the last batch (what a welcome read then has)
        # A window's stream: the open tickets it has sent (in events or snapshots), whose every
        # event it sends until they end. A superset does no harm: only more events are sent
        # (a ticket that ends while nobody follows the stream stays in it until ``idle`` is
        # told of a later day).
        windowed = interest is not None and interest.window is not None
        self.tickets: set[str] | None = set() if windowed else None
        self._day: str | None = None  # the day ``idle`` last kept the tickets to

    def wants(self, event: dict[str, Any], tickets: set[str] | None = None) -> bool:
        kind = str(event.get("type"))
        if self.interest is None:
            return True
        if kind in PRIVATE_KINDS and not self.view.private:
            return False
        if not self.interest.wants(kind):
            return False
        if self.interest.covers(event):
            return True
        return tickets is not None and event.get("ticket") in tickets

    def seed(self, tickets: Iterable[str]) -> None:
        """A snapshot of this stream's was sent with these tickets: follow them too."""
        if self.tickets is not None:
            self.tickets.update(tickets)

    def messages(
        self,
        events: Iterable[dict[str, Any]],
        after: int,
        tickets: set[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Stored events as this stream sends them, chained from ``prev`` = ``after`` (a
        replay: a window's stream follows a copy of the tickets it follows now, the live chain
        and tickets are left alone; ``batch`` passes its own). A replay may so leave out an
        event about a ticket that has ended since; a model skips replayed events its welcome
        already holds, so its picture does not depend on them."""
        if tickets is None and self.tickets is not None:
            tickets = set(self.tickets)
        prev = after
        for event in events:
            if self.wants(event, tickets):
                message = self.view.event(event)
                if self.interest is not None:
                    message["prev"] = prev
                prev = int(event["seq"])
                ticket = event.get("ticket")
                if tickets is not None and isinstance(ticket, str):
                    if event.get("type") in ENDED:
                        tickets.discard(ticket)
                    else:
                        tickets.add(ticket)
                yield message

    def batch(self, events: list[dict[str, Any]]) -> list[bytes]:
        """A committed batch's frames for this stream, moving ``last``."""
        sent = list(self.messages(events, self.last, self.tickets))
        frames = [encode_bytes(m) for m in sent]
        if self.interest is None:
            self.last = int(events[-1]["seq"]) if events else self.last
            return frames
        if sent:
            self.last = int(sent[-1]["seq"])
        if self.counted and any(e.get("type") == "day_started" for e in events):
            # Its models set every service's day counts to zero: the next counts tells all,
            # even one whose counts are yesterday's last again (a ticket left and one taken).
            self._counts = None
        return frames

    @property
    def counted(self) -> bool:
        """Sent ``counts`` events (kiosks, boards)."""
        return self.interest is not None and self.interest.counts

    def counts(self, counts: Counts, seq: int, at: float, day: str | None) -> list[bytes]:
        """A ``counts`` event with the services whose counts changed since the last one (all of
        them after ``rejoined``), as of ``seq``; none if nothing changed."""
        if not self.counted:
            return []
        changed = {
            code: {"waiting": w, "issued_today": i}
            for code, (w, i) in counts.items()
            if self._counts is None or self._counts.get(code) != (w, i)
        }
        self._counts = counts
        if not changed:
            return []
        message = {
            "type": "event",
            "kind": "counts",
            "seq": seq,
            "prev": self.last,
            "at": at,
            "day": day,
            "services": changed,
        }
        self.last = seq
        return [encode_bytes(message)]

    def idle(self, day: str | None = None) -> None:
        """Nobody follows the stream: whoever follows it next is sent every service's counts
        (as after ``rejoined``). Tickets of days before ``day`` have all ended (a new day
        expires what is left): a window's stream stops following them, though it was not
        there to see them end."""
        self._counts = None
        if self.tickets and day is not None and day != self._day:  # once a day
            self.tickets = {t for t in self.tickets if t.startswith(day)}
            self._day = day

    def rejoined(self) -> None:
        """A connection starts following the stream: its welcome may be newer than the last
        ``counts`` sent, so the next one tells every service."""
        self._counts = None


def streams(last: int, counts: Counts, hall: Hall | None = None) -> dict[str, Stream]:
    """One stream per interest of the roles, and the public one, from the log's ``last`` seq
    and the services' ``counts`` now; with the ``hall``, its zones' and windows' too (every
    name ``device_interest`` gives one of its devices)."""
    found: dict[str, Stream] = {"public": Stream(PUBLIC, None, last)}
    for role, view in VIEWS.items():
        interest = interest_of(role.value)
        found.setdefault(interest.name, Stream(view, interest, last, counts))
    if hall is not None:
        found |= zone_streams(hall, last, counts) | window_streams(hall, last, counts)
    return found


def zone_streams(hall: Hall, last: int, counts: Counts) -> dict[str, Stream]:
    """One stream per zone for the boards kept to it (``device_interest``), as ``streams``."""
    view = VIEWS[Role.DISPLAY]
    found: dict[str, Stream] = {}
    for zone in hall.zones:
        interest = interest_of(Role.DISPLAY.value).zoned(zone.name, zone.windows)
        found[interest.name] = Stream(view, interest, last, counts)
    return found


def window_streams(hall: Hall, last: int, counts: Counts) -> dict[str, Stream]:
    """One stream per window for the clerk devices bound to it (``device_interest``)."""
    view = VIEWS[Role.CLERK]
    base = interest_of(Role.CLERK.value)
    found: dict[str, Stream] = {}
    for window in hall.windows:
        interest = base.at_window(window.number, window.services)
        found[interest.name] = Stream(view, interest, last, counts)
    return found


def device_interest(hall: Hall, device: Device) -> Interest:
    """What a device is sent: its role's interest, kept to its zone's windows if it has one,
    a clerk's to its window and the window's services."""
    interest = interest_of(device.role.value)
    if device.role is Role.CLERK and device.window is not None:
        window = hall.window(device.window)
        if window is not None:
            return interest.at_window(window.number, window.services)
        return interest
    zone = next((z for z in hall.zones if z.name == device.zone), None)
    if device.zone is None or zone is None:
        return interest
    return interest.zoned(zone.name, zone.windows)


def stream_name(role: Role) -> str:
    return interest_of(role.value).name
