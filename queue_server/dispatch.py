"""From a validated protocol request to an engine command, and the reply type it answers with."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from queue_server import core
from queue_server.core.model import PauseReason, TicketClass

Message = dict[str, Any]


def _w(msg: Message) -> int:
    return int(msg["window"])


# request type -> (reply type, builder of the engine command)
COMMANDS: dict[str, tuple[str, Callable[[Message], Any]]] = {
    "take_ticket": ("ticket", lambda m: core.TakeTicket(
        service=m["service"], request_id=m["request_id"],
        ticket_class=TicketClass(m.get("class") or TicketClass.NORMAL),
        citizen_hash=m.get("citizen_hash"), appointment_code=m.get("appointment_code"),
        token=secrets.token_urlsafe(16))),
    "void_ticket": ("voided", lambda m: core.VoidTicket(ticket=m["ticket"], reason=m["reason"])),
    "logout": ("window", lambda m: core.CloseWindow(window=_w(m))),
    "call_next": ("called", lambda m: core.CallNext(window=_w(m))),
    "call_number": ("called", lambda m: core.CallNumber(window=_w(m), number=m["number"])),
    "recall": ("called", lambda m: core.Recall(window=_w(m))),
    "no_show": ("no_show", lambda m: core.NoShow(window=_w(m))),
    "finish": ("finished", lambda m: core.Finish(window=_w(m))),
    "transfer": ("transferred", lambda m: core.Transfer(
        window=_w(m), to_service=m.get("to_service"), to_window=m.get("to_window"))),
    "park": ("parked", lambda m: core.Park(window=_w(m))),
    "call_parked": ("called", lambda m: core.CallParked(window=_w(m), number=m["number"])),
    "pause": ("window", lambda m: core.PauseWindow(
        window=_w(m), reason=PauseReason(m.get("reason") or PauseReason.AWAY))),
    "resume": ("window", lambda m: core.ResumeWindow(window=_w(m))),
    "invite_rating": ("rating_invited", lambda m: core.InviteRating(window=_w(m))),
    "device_status": ("device_status", lambda m: core.ReportDeviceStatus(
        device=m["device"], role=m["role"], status=m["status"], detail=m.get("detail") or "")),
    "rate": ("rating", lambda m: core.Rate(
        window=_w(m), score=m["score"], source=m.get("source") or "evaluator")),
}  # fmt: skip


def command_job(msg: Message, actor: str) -> Callable[[core.Engine, float], core.Result]:
    """The function the writer runs for this request: execute, then name the reply."""
    reply_type, build = COMMANDS[msg["type"]]
    command = build(msg)

    def run(engine: core.Engine, now: float) -> core.Result:
        result = engine.execute(command, now, actor)
        return replace(result, reply={"type": reply_type, **result.reply})

    return run


def open_window_job(window: int, staff: str) -> Callable[[core.Engine, float], core.Result]:
    """A clerk's login (PIN already checked) opens the window."""

    def run(engine: core.Engine, now: float) -> core.Result:
        result = engine.execute(core.OpenWindow(window=window, staff=staff), now, staff)
        return replace(result, reply={"type": "logged_in", **result.reply})

    return run
