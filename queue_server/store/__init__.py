"""Persistence of the hall: SQLite through sqlite-utils, one writer, an append-only event log."""

from .store import Event, Store

__all__ = ["Event", "Store"]
