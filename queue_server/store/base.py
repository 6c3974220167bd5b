"""What the hall needs of a store, as a `typing.Protocol`: SQLite is one implementation.

A central store (a city's PostgreSQL, fed by a shipper) or a test double implements the same
methods; nothing outside `queue_server/store/sqlite.py` speaks SQLite's SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

__all__ = ["Event", "EventStore", "Projection"]

Event = dict[str, Any]


class EventStore(Protocol):
    """An append-only event log with a `seq` per event, beside the tickets' current rows."""

    hall: str  # the hall's id, carried by every stored event

    def append(
        self, events: Sequence[Event], tickets: Mapping[str, Mapping[str, Any]]
    ) -> list[Event]:
        """Commit events and ticket rows atomically; return copies with `seq` and `hall`."""
        ...

    def last_seq(self) -> int: ...

    def events_after(self, seq: int, limit: int | None = None) -> list[Event]: ...

    def iter_events(
        self, after: int = 0, chunk: int = 5000, kinds: frozenset[str] | None = None
    ) -> Iterator[Event]:
        """Every event after `after` in order, or only those of `kinds`."""
        ...

    def ticket(self, ticket_id: str) -> dict[str, Any] | None: ...

    def tickets(self, day: str) -> list[dict[str, Any]]: ...

    def save_checkpoint(self, seq: int, code_version: str, state: bytes) -> None: ...

    def checkpoints(self, code_version: str) -> Iterable[tuple[int, bytes]]: ...

    def probe(self) -> None:
        """Raise if the store cannot take a write now."""
        ...

    def close(self) -> None: ...


class Projection(Protocol):
    """An in-process consumer of committed events (reports, KPIs, the announcer, a shipper).

    The writer calls `apply` after each commit with the batch's stored events of its `kinds`,
    in order (a batch with none of them costs nothing); at start-up, and after a failed
    `apply`, it first catches the projection up from `position`.
    """

    name: str
    kinds: frozenset[str] | None  # the event types it reads; None: every event

    def position(self) -> int:
        """The `seq` of the last event applied (durable where the projection is)."""
        ...

    def apply(self, events: Sequence[Event]) -> None: ...
