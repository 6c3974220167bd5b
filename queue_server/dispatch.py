"""From a decoded request (``contract.requests``) to an engine command, and its reply type."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from contract import requests as rq
from queue_server import core
from queue_server.core.model import PauseReason, TicketClass


def _take(r: rq.TakeTicket) -> core.TakeTicket:
    return core.TakeTicket(
        service=r.service,
        request_id=r.request_id,
        ticket_class=TicketClass(r.ticket_class or TicketClass.NORMAL),
        citizen_hash=r.citizen_hash,
        appointment_code=r.appointment_code,
        token=_phone_token(),  # the phone page's key: unguessable
    )


_TOKEN_BYTES = 16
_pool = bytearray()


def _phone_token() -> str:
    """As ``secrets.token_urlsafe(16)``, from os.urandom read 4 KiB at a time: one system call
    per 256 tickets instead of one per ticket (a busy kiosk bank spent 9 % of the server's
    samples in it)."""
    global _pool
    if len(_pool) < _TOKEN_BYTES:
        _pool = bytearray(os.urandom(_TOKEN_BYTES * 256))
    chunk = bytes(_pool[-_TOKEN_BYTES:])
    del _pool[-_TOKEN_BYTES:]
    return base64.urlsafe_b64encode(chunk).rstrip(b"=").decode("ascii")


def _take_bundle(r: rq.TakeBundle) -> core.TakeBundle:
    return core.TakeBundle(
        bundle=r.bundle,
        request_id=r.request_id,
        ticket_class=TicketClass(r.ticket_class or TicketClass.NORMAL),
        citizen_hash=r.citizen_hash,
        token=_phone_token(),
    )


# request type -> (reply type, builder of the engine command)
COMMANDS: dict[type[rq.Request], tuple[str, Callable[[Any], Any]]] = {
    rq.TakeTicket: ("ticket", _take),
    rq.TakeBundle: ("ticket", _take_bundle),
    rq.VoidTicket: ("voided", lambda r: core.VoidTicket(ticket=r.ticket, reason=r.reason)),
    rq.Logout: ("window", lambda r: core.CloseWindow(window=r.window)),
    rq.CallNext: ("called", lambda r: core.CallNext(window=r.window)),
    rq.CallNumber: ("called", lambda r: core.CallNumber(window=r.window, number=r.number)),
    rq.Recall: ("called", lambda r: core.Recall(window=r.window)),
    rq.NoShow: ("no_show", lambda r: core.NoShow(window=r.window)),
    rq.Finish: ("finished", lambda r: core.Finish(window=r.window)),
    rq.Transfer: (
        "transferred",
        lambda r: core.Transfer(window=r.window, to_service=r.to_service, to_window=r.to_window),
    ),
    rq.Park: ("parked", lambda r: core.Park(window=r.window)),
    rq.CallParked: ("called", lambda r: core.CallParked(window=r.window, number=r.number)),
    rq.Pause: (
        "window",
        lambda r: core.PauseWindow(window=r.window, reason=PauseReason(r.reason or "away")),
    ),
    rq.Resume: ("window", lambda r: core.ResumeWindow(window=r.window)),
    rq.InviteRating: ("rating_invited", lambda r: core.InviteRating(window=r.window)),
    rq.Rate: (
        "rating",
        lambda r: core.Rate(
            window=r.window,
            score=r.score,
            source=r.source or "evaluator",
            moment=r.moment or "after",
        ),
    ),
    rq.RateHall: (
        "rating",
        lambda r: core.RateHall(
            score=r.score, aspect=r.aspect or "overall", source=r.source or "evaluator"
        ),
    ),
    # 差评 work orders: the actor is the acting manager's staff id (the server checks that a
    # manager is logged in and passes their staff id).
    rq.FollowupAssign: (
        "followup",
        lambda r: core.AssignFollowup(followup=r.followup, owner=r.owner),
    ),
    rq.FollowupContact: (
        "followup",
        lambda r: core.ContactFollowup(followup=r.followup, note=r.note, channel=r.channel),
    ),
    rq.FollowupResolve: (
        "followup",
        lambda r: core.ResolveFollowup(followup=r.followup, outcome=r.outcome, note=r.note),
    ),
    rq.FollowupRerate: (
        "followup",
        lambda r: core.RerateFollowup(followup=r.followup, score=r.score),
    ),
    # the hall manager's (the actor is the manager logged in)
    rq.ManageWindow: ("window", lambda r: _manage_window(r)),
    rq.PostNotice: ("notice", lambda r: core.PostNotice(text_zh=r.text_zh, text_en=r.text_en)),
    rq.AckAlert: ("alert", lambda r: core.AckAlert(alert=r.alert, note=r.note)),
}

# The requests that change a 差评 work order: a manager's, run with the manager's staff id as
# the actor (`command_job(request, staff_id)`).
FOLLOWUP_REQUESTS: frozenset[str] = frozenset(
    {"followup_assign", "followup_contact", "followup_resolve", "followup_rerate"}
)


def _manage_window(r: rq.ManageWindow) -> core.PauseWindow | core.ResumeWindow:
    if r.action == "pause":
        return core.PauseWindow(window=r.window, reason=PauseReason(r.reason or "other"))
    return core.ResumeWindow(window=r.window)


def command_job(request: rq.Request, actor: str) -> Callable[[core.Engine, float], core.Result]:
    """The function the writer runs for this request: execute, then name the reply."""
    reply_type, build = COMMANDS[type(request)]
    return _job(build(request), actor, reply_type)


def public_hall_rating_job(request: rq.RateHall) -> Callable[[core.Engine, float], core.Result]:
    """未办先评 from the phone page (no device): recorded as from a phone, whatever it says."""
    command = core.RateHall(score=request.score, aspect=request.aspect or "overall", source="phone")
    return _job(command, "public", "rating")


def device_status_job(
    request: rq.ReportStatus, device: str, role: str
) -> Callable[[core.Engine, float], core.Result]:
    command = core.ReportDeviceStatus(
        device=device, role=role, status=request.status, detail=request.detail or ""
    )
    return _job(command, device, "device_status")


def device_parts_job(
    request: rq.ReportParts, device: str, role: str
) -> Callable[[core.Engine, float], core.Result]:
    parts = tuple(
        core.PartReport(
            part=p.part,
            kind=p.kind,
            status=p.status,
            online=p.online,
            window=p.window,
            quiet_s=p.quiet_s,
            detail=p.detail or "",
        )
        for p in request.parts
    )
    return _job(core.ReportParts(device=device, role=role, parts=parts), device, "device_parts")


def open_window_job(window: int, staff: str) -> Callable[[core.Engine, float], core.Result]:
    """A clerk's login (PIN already checked) opens the window."""
    return _job(core.OpenWindow(window=window, staff=staff), staff, "logged_in")


def manager_job(
    command: core.ManagerLogIn | core.ManagerLogOut, staff: str
) -> Callable[[core.Engine, float], core.Result]:
    """A manager's log-in (PIN already checked) or log-out, under that staff id."""
    return _job(command, staff, "manager")


def ticket_job(command: core.Command, actor: str) -> Callable[[core.Engine, float], core.Result]:
    """A ticket taken another way than ``take_ticket`` (帮办代办), replied to as a ``ticket``."""
    return _job(command, actor, "ticket")


def _job(command: Any, actor: str, reply_type: str) -> Callable[[core.Engine, float], core.Result]:
    def run(engine: core.Engine, now: float) -> core.Result:
        result = engine.execute(command, now, actor)
        return replace(result, reply={"type": reply_type, **result.reply})

    return run
