"""The queue engine: pure, deterministic, commands in and events out, the clock passed in."""

from __future__ import annotations

from .commands import (
    COMMANDS,
    CallNext,
    CallNumber,
    CallParked,
    CloseWindow,
    Command,
    Finish,
    InviteRating,
    NoShow,
    OpenWindow,
    Park,
    PauseWindow,
    Rate,
    Recall,
    ResumeWindow,
    StartDay,
    TakeTicket,
    Transfer,
    VoidTicket,
)
from .engine import Engine, Result
from .errors import (
    CODES,
    DomainError,
    NotFound,
    RatingRejected,
    ServiceUnavailable,
    TicketStateError,
    WindowStateError,
)
from .state import Event

__all__ = [
    "CODES",
    "COMMANDS",
    "CallNext",
    "CallNumber",
    "CallParked",
    "CloseWindow",
    "Command",
    "DomainError",
    "Engine",
    "Event",
    "Finish",
    "InviteRating",
    "NoShow",
    "NotFound",
    "OpenWindow",
    "Park",
    "PauseWindow",
    "Rate",
    "RatingRejected",
    "Recall",
    "Result",
    "ResumeWindow",
    "ServiceUnavailable",
    "StartDay",
    "TakeTicket",
    "TicketStateError",
    "Transfer",
    "VoidTicket",
    "WindowStateError",
]
