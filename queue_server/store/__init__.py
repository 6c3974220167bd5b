"""Persistence of the hall: an event store interface, and SQLite as its embedded implementation."""

from .base import Event, EventStore, Projection
from .sqlite import RatingsProjection, SQLiteStore

Store = SQLiteStore  # the embedded default

__all__ = ["Event", "EventStore", "Projection", "RatingsProjection", "SQLiteStore", "Store"]
