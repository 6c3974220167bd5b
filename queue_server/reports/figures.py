"""The hall's figures, folded from the event log one event at a time.

:class:`Tally` reads stored event dicts (the fields of each kind are in
:mod:`queue_server.core.state`) and keeps counts and times per service, window, clerk, local
hour of arrival and business day. It is pure (no I/O, no clock): the server feeds it each
committed event for the wall's :class:`~contract.records.Kpis`, and the reports feed it a
range of the log for their :class:`Breakdown`.

How each figure is counted (the reports' documentation repeats it):

- ``issued``: ``ticket_issued``, by the service taken. ``voided`` and ``expired`` by the
  ticket's service then. Windows and clerks issue nothing: their ``issued`` is 0 and
  :attr:`Breakdown.calls` counts the tickets they called.
- ``served`` (``ticket_finished``), ``no_show`` and ``transferred`` (out of ``from_service``):
  by the service, window and clerk of the event.
- wait: issue → the ticket's first call (a recall or a second call after a transfer or a park
  is not a new wait), by the service, window and clerk of that call. Service time: the call at
  the finishing window → finish.
- Median: the middle value (the mean of the two middle ones); 90th percentile: nearest rank,
  the ``ceil(0.9 n)``-th smallest.
- Ratings (``rating_recorded``, both moments: 边办边评 ``during`` and 办后再评 ``after``) by
  the service, window and clerk the event names; ``satisfaction`` = (非常满意 + 满意) / rated.
  未办先评 (``hall_rated``) are apart, in ``hall_ratings``. A re-rating after a 差评's fix
  (``followup_rerated``) is not a new rating.
- Per hour: every figure of a ticket goes to the local hour (hall's timezone) it was issued,
  so "9" reads "the citizens who came between 9 and 10". ``calls_by_hour`` counts calls (first
  calls and recalls) in the hour they were made.
- 一件事 (``bundles``): a bundle's ticket is counted once (``issued``, ``completed`` when its
  last step is finished, ``no_show``, ``expired``) and each of its steps by its service
  (``steps``: the steps finished, ``ticket_step_done`` and the last ``ticket_finished``). In
  the service, window and clerk figures a step finished is a ticket served there (with its
  service time); in the total, hour and day figures the ticket is served once, at its last
  step, so the services' ``served`` add up to more than the total's.
- 帮办代办 (``proxy``): tickets an agent took for a citizen, in all and by agent (staff id).
- A ticket belongs to the business day it was issued: with a range, an event about a ticket
  issued outside it (or before the tally started) is not counted (see :attr:`Tally.unmatched`).
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from contract.records import Figures, Kpis

__all__ = [
    "LEVELS",
    "SATISFIED_SCORES",
    "Breakdown",
    "BundleFigures",
    "Tally",
    "median",
    "percentile",
]

Event = Mapping[str, Any]

PROFILE_STEP_S = 1800  # the waiting profile's sampling step: every half hour
PROFILE_SLOTS = 48
LEVELS = (5, 4, 3, 2, 1)  # 非常满意, 满意, 基本满意, 不满意, 非常不满意
SATISFIED_SCORES = frozenset({5, 4})  # 非常满意 + 满意


def median(values: Iterable[float]) -> float | None:
    ordered = sorted(values)
    return statistics.median(ordered) if ordered else None


def percentile(values: Iterable[float], p: float) -> float | None:
    """Nearest rank: the ``ceil(p/100 * n)``-th smallest value (None for no values)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class _Group:
    """The running counts and times of one set of tickets."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    transferred: int = 0
    voided: int = 0
    expired: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    levels: dict[int, int] = field(default_factory=dict)

    def rate(self, score: int) -> None:
        self.levels[score] = self.levels.get(score, 0) + 1

    def figures(self, waiting: int = 0, longest_wait_s: float = 0.0) -> Figures:
        rated = sum(self.levels.values())
        satisfied = sum(n for s, n in self.levels.items() if s in SATISFIED_SCORES)
        return Figures(
            issued=self.issued,
            served=self.served,
            no_show=self.no_show,
            transferred=self.transferred,
            voided=self.voided,
            expired=self.expired,
            waiting=waiting,
            longest_wait_s=longest_wait_s,
            wait_avg_s=statistics.fmean(self.waits) if self.waits else None,
            wait_median_s=median(self.waits),
            wait_p90_s=percentile(self.waits, 90),
            service_avg_s=statistics.fmean(self.services) if self.services else None,
            service_median_s=median(self.services),
            service_p90_s=percentile(self.services, 90),
            rated=rated,
            by_level={s: self.levels.get(s, 0) for s in LEVELS},
            satisfied=satisfied,
            satisfaction=satisfied / rated if rated else None,
        )


@dataclass(frozen=True)
class BundleFigures:
    """一件事: the bundle's tickets counted once, and its steps finished by service."""

    issued: int = 0
    completed: int = 0  # every step finished
    no_show: int = 0
    expired: int = 0
    steps: dict[str, int] = field(default_factory=dict)  # service → steps finished

    @property
    def steps_done(self) -> int:
        return sum(self.steps.values())


@dataclass
class _Bundle:
    issued: int = 0
    completed: int = 0
    no_show: int = 0
    expired: int = 0
    steps: dict[str, int] = field(default_factory=dict)

    def figures(self) -> BundleFigures:
        return BundleFigures(
            self.issued,
            self.completed,
            self.no_show,
            self.expired,
            dict(sorted(self.steps.items())),
        )


@dataclass
class _Ticket:
    """What the tally remembers of a ticket it saw issued."""

    day: str
    service: str
    issued_at: float
    hour: int
    called: bool = False  # called at least once (its wait is counted)
    called_at: float | None = None  # the current window's call
    staff: str | None = None
    waiting: bool = True
    bundle: str | None = None  # 一件事


@dataclass(frozen=True)
class Breakdown:
    """Everything a tally knows, as records: the reports' input."""

    days: tuple[str, ...]  # the business days with events, in order
    total: Figures
    services: dict[str, Figures]  # by service code
    windows: dict[int, Figures]  # by window number
    staff: dict[str, Figures]  # by staff id
    hours: dict[int, Figures]  # by local hour of issue (0–23)
    by_day: dict[str, Figures]  # by business day
    moments: dict[str, Figures]  # ticket ratings by moment (during, after)
    calls: dict[str, dict[str, int]]  # "windows"/"staff" → key → tickets called (first calls)
    calls_by_hour: dict[int, dict[int, int]]  # window → local hour → calls (recalls included)
    hall_ratings: Figures  # 未办先评
    hall_aspects: dict[str, Figures]  # 未办先评 by aspect (environment, guidance, …)
    waiting_series: dict[str, tuple[tuple[float, int], ...]]  # last day: service → (at, waiting)
    # Over the days: service → (minute of the local day, average waiting then), every half hour.
    waiting_profile: dict[str, tuple[tuple[int, float], ...]] = field(default_factory=dict)
    bundles: dict[str, BundleFigures] = field(default_factory=dict)  # 一件事, by bundle code
    proxy: int = 0  # 帮办代办: tickets taken by an agent for a citizen
    proxy_by_agent: dict[str, int] = field(default_factory=dict)  # agent staff id → tickets


class Tally:
    """An incremental fold of stored events into figures.

    ``Tally(timezone)`` counts every day it is given; ``first_day``/``last_day`` limit it to
    the tickets issued (and other events) on those business days; ``rolling=True`` starts
    afresh at each ``day_started`` (the wall's "today"; the engine starts a day at its first
    command, so until then the figures are the previous day's, with ``kpis().day`` saying so).
    """

    def __init__(
        self,
        timezone: str = "Asia/Shanghai",
        *,
        first_day: str | None = None,
        last_day: str | None = None,
        rolling: bool = False,
    ) -> None:
        self.zone = ZoneInfo(timezone)
        self.first_day = first_day
        self.last_day = last_day
        self.rolling = rolling
        self.unmatched = 0  # events about tickets not seen issued in range
        self.events = 0  # events counted
        self._reset()

    def _reset(self) -> None:
        self.day: str | None = None
        self._days: list[str] = []
        self._tickets: dict[str, _Ticket] = {}
        self._total = _Group()
        self._services: dict[str, _Group] = {}
        self._windows: dict[int, _Group] = {}
        self._staff: dict[str, _Group] = {}
        self._hours: dict[int, _Group] = {}
        self._by_day: dict[str, _Group] = {}
        self._moments: dict[str, _Group] = {}
        self._calls: dict[str, dict[str, int]] = {"windows": {}, "staff": {}}
        self._calls_by_hour: dict[int, dict[int, int]] = {}
        self._hall = _Group()
        self._aspects: dict[str, _Group] = {}
        self._waiting: dict[str, dict[str, float]] = {}  # service → ticket → issued_at
        self._series: dict[str, list[tuple[float, int]]] = {}
        self._series_day: str | None = None
        self._profile: dict[str, dict[int, float]] = {}  # service → slot → sum over days
        self._profile_days = 0
        self._bundles: dict[str, _Bundle] = {}
        self._proxy: dict[str, int] = {}

    # -- feeding -------------------------------------------------------------------------

    def in_range(self, day: str | None) -> bool:
        if day is None:
            return False
        if self.first_day is not None and day < self.first_day:
            return False
        return self.last_day is None or day <= self.last_day

    def hour_of(self, at: float) -> int:
        return datetime.fromtimestamp(at, self.zone).hour

    def add_all(self, events: Iterable[Event]) -> Tally:
        for event in events:
            self.add(event)
        return self

    def add(self, event: Event) -> None:
        """Count one stored event (kinds the figures do not use are ignored)."""
        kind = event.get("type")
        if kind == "day_started":
            self._day_started(event)
            return
        if kind == "hall_rated":
            if self.in_range(event.get("day")):
                self._note_day(event["day"])
                if self.day is None or event["day"] > self.day:
                    self.day = event["day"]
                self._hall_rated(event)
            return
        if kind == "ticket_issued":
            if not self.in_range(event.get("day")):
                return
            self._note_day(event["day"])
            self._issued(event)
            self.events += 1
            return
        handler = _TICKET_HANDLERS.get(str(kind))
        if handler is None:
            return
        ticket = self._tickets.get(event.get("ticket") or "")
        if ticket is None:
            self.unmatched += 1
            return
        handler(self, event, ticket)
        self.events += 1

    def _note_day(self, day: str) -> None:
        if day not in self._days:
            self._days.append(day)
            self._days.sort()

    def _day_started(self, event: Event) -> None:
        day = event.get("day")
        if self.rolling:
            self._reset()
        if self.in_range(day):
            assert day is not None
            self.day = day
            self._note_day(day)
            self._fold_series(self._profile)
            self._series, self._series_day = {}, day

    def _groups(
        self, t: _Ticket, service: str | None, window: int | None, staff: str | None
    ) -> list[_Group]:
        groups = [self._total, self._hour(t.hour), self._day(t.day)]
        if service is not None:
            groups.append(self._services.setdefault(service, _Group()))
        if window is not None:
            groups.append(self._windows.setdefault(int(window), _Group()))
        if staff is not None:
            groups.append(self._staff.setdefault(staff, _Group()))
        return groups

    def _hour(self, hour: int) -> _Group:
        return self._hours.setdefault(hour, _Group())

    def _day(self, day: str) -> _Group:
        return self._by_day.setdefault(day, _Group())

    def _set_waiting(
        self, service: str, ticket: str, issued_at: float | None, at: float, *, plot: bool = True
    ) -> None:
        queue = self._waiting.setdefault(service, {})
        if issued_at is None:
            if queue.pop(ticket, None) is None:
                return
        else:
            queue[ticket] = issued_at
        if plot:
            if self._series_day is None:
                self._series_day = self.day
            self._series.setdefault(service, []).append((at, len(queue)))

    def _issued(self, e: Event) -> None:
        at = float(e["at"])
        t = _Ticket(day=e["day"], service=e["service"], issued_at=at, hour=self.hour_of(at))
        self._tickets[e["ticket"]] = t
        if self.day is None or e["day"] > self.day:
            self.day = e["day"]
        for g in self._groups(t, t.service, None, None):
            g.issued += 1
        self._set_waiting(t.service, e["ticket"], at, at)
        if e.get("bundle"):
            t.bundle = str(e["bundle"])
            self._bundles.setdefault(t.bundle, _Bundle()).issued += 1
        if e.get("proxy"):
            agent = str(e["proxy"])
            self._proxy[agent] = self._proxy.get(agent, 0) + 1

    def _voided(self, e: Event, t: _Ticket) -> None:
        for g in self._groups(t, t.service, None, None):
            g.voided += 1
        t.waiting = False
        self._set_waiting(t.service, e["ticket"], None, float(e["at"]))

    def _expired(self, e: Event, t: _Ticket) -> None:
        for g in self._groups(t, t.service, None, None):
            g.expired += 1
        t.waiting = False
        if t.bundle is not None:
            self._bundles.setdefault(t.bundle, _Bundle()).expired += 1
        # Expiry happens as the next day starts: not a point of that day's waiting curve.
        self._set_waiting(t.service, e["ticket"], None, float(e["at"]), plot=False)

    def _called(self, e: Event, t: _Ticket) -> None:
        at, window, staff = float(e["at"]), int(e["window"]), e.get("staff")
        hours = self._calls_by_hour.setdefault(window, {})
        hour = self.hour_of(at)
        hours[hour] = hours.get(hour, 0) + 1
        if e.get("recall"):
            return
        service = e.get("service") or t.service
        if t.waiting:
            t.waiting = False
            self._set_waiting(t.service, e["ticket"], None, at)
        t.called_at, t.staff = at, staff
        calls = self._calls
        calls["windows"][str(window)] = calls["windows"].get(str(window), 0) + 1
        if staff is not None:
            calls["staff"][staff] = calls["staff"].get(staff, 0) + 1
        if not t.called:
            t.called = True
            for g in self._groups(t, service, window, staff):
                g.waits.append(at - t.issued_at)

    def _finished(self, e: Event, t: _Ticket) -> None:
        at = float(e["at"])
        duration = at - t.called_at if t.called_at is not None else float(e["duration_s"])
        staff = e.get("staff") or t.staff
        for g in self._groups(t, e.get("service") or t.service, e.get("window"), staff):
            g.served += 1
            g.services.append(duration)
        t.called_at = None
        if t.bundle is not None:
            bundle = self._bundles.setdefault(t.bundle, _Bundle())
            bundle.completed += 1
            self._step(bundle, e.get("service") or t.service)

    def _step_done(self, e: Event, t: _Ticket) -> None:
        """一件事: a step finished is served by its service, window and clerk (not the total)."""
        at = float(e["at"])
        duration = at - t.called_at if t.called_at is not None else float(e["duration_s"])
        staff = e.get("staff") or t.staff
        service = e.get("service") or t.service
        groups = [self._services.setdefault(service, _Group())]
        groups.append(self._windows.setdefault(int(e["window"]), _Group()))
        if staff is not None:
            groups.append(self._staff.setdefault(staff, _Group()))
        for g in groups:
            g.served += 1
            g.services.append(duration)
        if t.bundle is not None:
            self._step(self._bundles.setdefault(t.bundle, _Bundle()), service)
        t.service = str(e["next_service"])
        if e.get("stay"):
            t.called_at = at
        else:
            t.called_at = None
            t.waiting = True
            self._set_waiting(t.service, e["ticket"], t.issued_at, at)

    @staticmethod
    def _step(bundle: _Bundle, service: str) -> None:
        bundle.steps[service] = bundle.steps.get(service, 0) + 1

    def _no_show(self, e: Event, t: _Ticket) -> None:
        for g in self._groups(t, e.get("service") or t.service, e.get("window"), t.staff):
            g.no_show += 1
        t.called_at = None
        if t.bundle is not None:
            self._bundles.setdefault(t.bundle, _Bundle()).no_show += 1

    def _transferred(self, e: Event, t: _Ticket) -> None:
        for g in self._groups(t, e.get("from_service") or t.service, e.get("window"), t.staff):
            g.transferred += 1
        t.service = e.get("to_service") or t.service
        t.called_at = None
        t.waiting = True
        self._set_waiting(t.service, e["ticket"], t.issued_at, float(e["at"]))

    def _parked(self, e: Event, t: _Ticket) -> None:
        t.called_at = None

    def _rated(self, e: Event, t: _Ticket) -> None:
        score = int(e["score"])
        for g in self._groups(t, e.get("service"), e.get("window"), e.get("staff")):
            g.rate(score)
        self._moments.setdefault(str(e.get("moment") or "after"), _Group()).rate(score)

    def _hall_rated(self, e: Event) -> None:
        score = int(e["score"])
        self._hall.rate(score)
        self._aspects.setdefault(str(e.get("aspect") or ""), _Group()).rate(score)
        self.events += 1

    def _fold_series(self, profile: dict[str, dict[int, float]]) -> int:
        """Add the current day's waiting, sampled every half hour, to ``profile``; return the
        number of days it then holds."""
        if self._series_day is None or not self._series:
            return self._profile_days
        midnight = datetime.fromisoformat(self._series_day).replace(tzinfo=self.zone).timestamp()
        # After the day's last change the hall is closed: those left wait for the next day's
        # expiry, which is no part of the day's curve.
        closed = max(points[-1][0] for points in self._series.values() if points) + PROFILE_STEP_S
        for service, points in self._series.items():
            times = [at for at, _ in points]
            sums = profile.setdefault(service, {})
            for slot in range(PROFILE_SLOTS):
                if midnight + slot * PROFILE_STEP_S > closed:
                    break
                i = bisect.bisect_right(times, midnight + slot * PROFILE_STEP_S)
                if i:
                    sums[slot] = sums.get(slot, 0.0) + points[i - 1][1]
        if profile is self._profile:
            self._profile_days += 1
            return self._profile_days
        return self._profile_days + 1

    def _waiting_profile(self) -> dict[str, tuple[tuple[int, float], ...]]:
        profile = {k: dict(v) for k, v in self._profile.items()}
        days = self._fold_series(profile)
        out: dict[str, tuple[tuple[int, float], ...]] = {}
        busy = [slot for sums in profile.values() for slot, total in sums.items() if total > 0]
        if not busy or not days:
            return out
        for service, sums in sorted(profile.items()):
            out[service] = tuple(
                (slot * PROFILE_STEP_S // 60, sums.get(slot, 0.0) / days)
                for slot in range(min(busy), max(busy) + 1)
            )
        return out

    # -- reading -------------------------------------------------------------------------

    def figures(self) -> Breakdown:
        return Breakdown(
            days=tuple(self._days),
            total=self._total.figures(),
            services={k: g.figures() for k, g in sorted(self._services.items())},
            windows={k: g.figures() for k, g in sorted(self._windows.items())},
            staff={k: g.figures() for k, g in sorted(self._staff.items())},
            hours={k: g.figures() for k, g in sorted(self._hours.items())},
            by_day={k: g.figures() for k, g in sorted(self._by_day.items())},
            moments={k: g.figures() for k, g in sorted(self._moments.items())},
            calls={k: dict(sorted(v.items())) for k, v in self._calls.items()},
            calls_by_hour={
                w: dict(sorted(h.items())) for w, h in sorted(self._calls_by_hour.items())
            },
            hall_ratings=self._hall.figures(),
            hall_aspects={k: g.figures() for k, g in sorted(self._aspects.items())},
            waiting_series={k: tuple(v) for k, v in sorted(self._series.items())},
            waiting_profile=self._waiting_profile(),
            bundles={k: b.figures() for k, b in sorted(self._bundles.items())},
            proxy=sum(self._proxy.values()),
            proxy_by_agent=dict(sorted(self._proxy.items())),
        )

    def waiting(self, service: str | None = None) -> int:
        """Tickets waiting now (of one service, or all)."""
        if service is not None:
            return len(self._waiting.get(service, {}))
        return sum(len(q) for q in self._waiting.values())

    def longest_wait_s(self, now: float, service: str | None = None) -> float:
        queues = [self._waiting.get(service, {})] if service else self._waiting.values()
        oldest = [min(q.values()) for q in queues if q]
        return max(0.0, now - min(oldest)) if oldest else 0.0

    def kpis(self, now: float) -> Kpis:
        """The wall's figures at ``now``: today's counts and times, waiting now."""
        b = self.figures()
        services = dict(b.services)
        for code in self._waiting:
            f = services.get(code, Figures(by_level=dict.fromkeys(LEVELS, 0)))
            services[code] = msgspec.structs.replace(
                f, waiting=self.waiting(code), longest_wait_s=self.longest_wait_s(now, code)
            )
        total = msgspec.structs.replace(
            b.total, waiting=self.waiting(), longest_wait_s=self.longest_wait_s(now)
        )
        return Kpis(
            day=self.day,
            at=now,
            total=total,
            services=dict(sorted(services.items())),
            windows=b.windows,
            staff=b.staff,
            calls_by_hour=b.calls_by_hour,
            waiting_series=b.waiting_series,
            hall_ratings=b.hall_ratings,
        )


_TICKET_HANDLERS: dict[str, Callable[[Tally, Event, _Ticket], None]] = {
    "ticket_voided": Tally._voided,
    "ticket_expired": Tally._expired,
    "ticket_called": Tally._called,
    "ticket_finished": Tally._finished,
    "ticket_no_show": Tally._no_show,
    "ticket_transferred": Tally._transferred,
    "ticket_parked": Tally._parked,
    "ticket_step_done": Tally._step_done,
    "rating_recorded": Tally._rated,
}
