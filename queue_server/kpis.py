"""The wall's live figures: today's events folded as they are committed (a projection).

The fold is the reports' (`queue_server.reports.figures.Tally`, rolling: it starts afresh at
each ``day_started``), so the wall and the reports count alike. At start-up it catches up
from the store beginning at today's ``day_started``; it lives in memory only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import msgspec

from contract.records import Kpis
from queue_server.reports.figures import Tally
from queue_server.store import Event, EventStore

__all__ = ["LiveKpis"]

log = logging.getLogger(__name__)


class LiveKpis:
    """A projection of every committed event into today's :class:`~contract.records.Kpis`."""

    name = "live-kpis"
    kinds: frozenset[str] | None = None

    def __init__(self, store: EventStore, timezone: str) -> None:
        self.tally = Tally(timezone, rolling=True)
        self.day: str | None = None
        # Only today matters: start just before the last day_started in the log.
        self._seq = 0
        for event in store.iter_events(0, kinds=frozenset({"day_started"})):
            self._seq = int(event["seq"]) - 1

    def position(self) -> int:
        return self._seq

    def apply(self, events: Sequence[Event]) -> None:
        for event in events:
            if event["seq"] <= self._seq:
                continue
            self.tally.add(event)
            if event["type"] == "day_started":
                self.day = event.get("day")
            self._seq = int(event["seq"])

    def kpis(self, now: float, day: str | None) -> Kpis:
        kpis = self.tally.kpis(now)
        if kpis.day is None:
            kpis = msgspec.structs.replace(kpis, day=self.day or day)
        return kpis
