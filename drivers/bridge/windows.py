"""What a window's boards and keypad display show, from the hall model's record of it. Pure.

The bridge keeps no copy of the server's state: `contract.hall.HallModel` follows the
welcome and the events, and `look` turns one of its windows into what the boards show now.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from contract.records import Window, WindowState


class LookKind(StrEnum):
    CALL = "call"  # a ticket is being served: show its number
    IDLE = "idle"  # open, nobody at the window
    PAUSED = "paused"
    CLOSED = "closed"
    UNKNOWN = "unknown"  # nothing known: leave the boards as they are


@dataclass(frozen=True, slots=True)
class Look:
    kind: LookKind
    number: str = ""


def look(window: Window | None) -> Look:
    """What the boards of ``window`` show; None (not heard of from the server) is unknown."""
    if window is None:
        return Look(LookKind.UNKNOWN)
    if window.state is WindowState.CLOSED:
        return Look(LookKind.CLOSED)
    # A window paused while it still serves someone keeps showing that number.
    if window.current is not None:
        return Look(LookKind.CALL, window.current.number)
    if window.state is WindowState.PAUSED:
        return Look(LookKind.PAUSED)
    return Look(LookKind.IDLE)
