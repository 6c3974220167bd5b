"""The hall manager's commands: log-in and log-out on the wall, and the boards' notice.

Alerts are :mod:`.alerts`'; pausing and resuming a window from the wall are the windows' own
commands run with the manager as the actor.
"""

from __future__ import annotations

from typing import Any

from . import commands as c
from .errors import refusal
from .handlers import Context, Decision

__all__ = ["manager_log_in", "manager_log_out", "post_notice"]


def manager_log_in(ctx: Context, cmd: c.ManagerLogIn) -> Decision:
    """A staff member with the manager role logs in (the PIN is the server's to check)."""
    staff = ctx.d.staff.get(cmd.staff)
    if staff is None:
        raise refusal("unknown_staff", staff=cmd.staff)
    if not staff.is_manager:
        raise refusal("not_manager", staff=cmd.staff)
    event = ctx.event("manager_logged_in", device=cmd.device, staff=staff.id, staff_name=staff.name)
    return Decision([event], lambda: {"staff": staff.id, "staff_name": staff.name})


def manager_log_out(ctx: Context, cmd: c.ManagerLogOut) -> Decision:
    event = ctx.event("manager_logged_out", device=cmd.device, staff=cmd.staff)
    return Decision([event], lambda: {"staff": None, "staff_name": None})


def post_notice(ctx: Context, cmd: c.PostNotice) -> Decision:
    """The boards' scrolling notice; an empty one clears it."""
    text_zh = cmd.text_zh or None
    text_en = (cmd.text_en or None) if text_zh else None
    event = ctx.event("notice_posted", text_zh=text_zh, text_en=text_en)

    def reply() -> dict[str, Any]:
        return {"notice": dict(ctx.state.notice or {})}

    return Decision([event], reply)
