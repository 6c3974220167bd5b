"""Plain HTTP on the server's port: a table of routes, pages rendered from Jinja2 templates.

Pages read the hall through the writer, as a read job answered after the batch in progress has
committed: a page never shows state that a failed commit could still undo. The health check
reads the writer's and the store's own flags and answers at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import jinja2
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from queue_server.core import Engine
from queue_server.core.errors import refusal
from queue_server.service import HallService, Job, Shared
from queue_server.views import MANAGER, View
from queue_server.wording import wait_phrase

log = logging.getLogger(__name__)

__all__ = ["Web"]

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("queue_server", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)

STATE_TEXTS: dict[str, tuple[str, str]] = {
    "waiting": ("等候中", "Waiting"),
    "called": ("请到窗口办理", "Your number is called"),
    "parked": ("已挂起", "Set aside"),
    "done": ("已办结", "Done"),
    "no_show": ("已过号", "Missed"),
    "voided": ("已作废", "Cancelled"),
    "expired": ("已过期", "Expired"),
}
STATE_DETAILS: dict[str, tuple[str, str]] = {
    "parked": ("请留意叫号", "Please watch the board: you will be called back"),
    "done": ("感谢您的耐心等候，欢迎评价", "Thank you; please rate our service"),
    "no_show": ("过号请重新取号", "Please take a new number"),
    "voided": ("请重新取号", "Please take a new number"),
    "expired": ("请重新取号", "Please take a new number"),
}

Handler = Callable[["Web", str], Awaitable[Response]]


@dataclass(frozen=True)
class Route:
    """``path`` exactly, or every path under it when ``prefix``; the rest goes to ``handler``."""

    path: str
    handler: Handler
    prefix: bool = False


class _Answer:
    """The outbox of a page's read job: its reply resolves a future."""

    view: View = MANAGER
    own: str | None = None

    def __init__(self, future: asyncio.Future[dict[str, Any]]) -> None:
        self.future = future

    def send(self, message: dict[str, Any]) -> None:
        if not self.future.done():
            self.future.set_result(message)

    def send_frames(self, frames: list[bytes], shared: Shared | None = None) -> None:
        pass

    def settled(self) -> None:
        pass


class Web:
    def __init__(self, service: HallService) -> None:
        self.service = service
        self.hall = service.hall

    async def respond(self, request: Request) -> Response | None:
        """The response to a plain HTTP request, or None for the WebSocket upgrade."""
        path = request.path.split("?", 1)[0]
        for route in ROUTES:
            if path == route.path or (route.prefix and path.startswith(route.path)):
                return await route.handler(self, path.removeprefix(route.path))
        return response(HTTPStatus.NOT_FOUND, "404 未找到 / Not Found\n", "text/plain")

    async def read(self, read: Callable[[Engine, float], dict[str, Any]]) -> dict[str, Any]:
        """Run ``read`` in the writer after the batch in progress has committed."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.service.submit(Job(_Answer(future), None, read=read))
        return await asyncio.wait_for(future, 10)

    # -- routes --------------------------------------------------------------------------

    async def health(self, rest: str) -> Response:
        """What a supervisor or a load balancer checks: 503 unless the hall can commit."""
        service = self.service
        body = {
            "status": "ok" if service.healthy else "unavailable",
            "writer": "running" if service.writer_alive else "stopped",
            "store": "ok" if service.store_ok else "failing",
            "seq": service.seq,
            "day": service.engine.day,
            "connections": self.connections(),
            "subscribers": len(service.subscribers),
            "queued": service.queue.qsize(),
        }
        status = HTTPStatus.OK if service.healthy else HTTPStatus.SERVICE_UNAVAILABLE
        return response(status, json.dumps(body), "application/json")

    connections: Callable[[], int] = staticmethod(lambda: 0)  # set by the server

    async def ticket_page(self, token: str) -> Response:
        """The page a citizen's phone opens from the ticket's QR code, by its unguessable token.

        A wrong, old or guessed token gets the same plain page as any other: it never says
        whether such a ticket exists.
        """
        if not TOKEN.fullmatch(token) or not self.service.writer_alive:
            return self.page(HTTPStatus.NOT_FOUND, "not_found.html")
        try:
            found = await self.read(lambda engine, now: _ticket_view(engine, token, now))
        except TimeoutError:
            return response(HTTPStatus.SERVICE_UNAVAILABLE, "请稍后再试 / Retry later\n",
                            "text/plain")  # fmt: skip
        if not found.get("number"):
            return self.page(HTTPStatus.NOT_FOUND, "not_found.html")
        return self.page(HTTPStatus.OK, "ticket.html", refresh=15, **found)

    def page(self, status: HTTPStatus, template: str, **context: Any) -> Response:
        context.setdefault("refresh", None)
        body = _TEMPLATES.get_template(template).render(
            hall_zh=self.hall.name_zh, hall_en=self.hall.name_en, **context
        )
        return response(status, body, "text/html")


def _ticket_view(engine: Engine, token: str, now: float) -> dict[str, Any]:
    """What the phone page shows of the ticket with ``token``, or ``{}`` if there is none."""
    ticket_id = engine.state.tokens.get(token)
    ticket = engine.ticket(ticket_id) if ticket_id else None
    if ticket_id is None or ticket is None:
        return {}
    pos = engine.position(ticket_id, now)
    state = str(ticket["state"])
    window = ticket.get("window")
    if state == "waiting":
        detail = wait_phrase(pos.get("ahead"), pos.get("estimated_wait_s"),
                             int(pos.get("open_windows") or 0))  # fmt: skip
    elif state == "called":
        detail = (f"请到 {window} 号窗口办理", f"Please go to window {window}")
    else:
        detail = STATE_DETAILS.get(state, ("", ""))
    where = state in ("waiting", "parked")
    return {
        "number": ticket["number"],
        "state": state,
        "service_zh": ticket.get("service_name_zh") or "",
        "service_en": ticket.get("service_name_en") or "",
        "headline": STATE_TEXTS.get(state, (state, state)),
        "detail": detail,
        "where_zh": ticket.get("location_zh") if where else "",
        "where_en": (ticket.get("location_en") or ticket.get("location_zh")) if where else "",
    }


def ticket_status(engine: Engine, token: str, now: float) -> dict[str, Any]:
    """The live phone page's answer about the ticket with ``token``: the public view of it.

    An unknown or malformed token is `unknown_ticket`, worded the same whether or not a
    ticket of that day and number exists: a token reveals one ticket and nothing else.
    """
    ticket_id = engine.state.tokens.get(token) if TOKEN.fullmatch(token) else None
    ticket = engine.ticket(ticket_id) if ticket_id else None
    if ticket_id is None or ticket is None:
        raise refusal("unknown_ticket", ticket="?")
    pos = engine.position(ticket_id, now)
    view = _ticket_view(engine, token, now)
    return {
        "type": "ticket_status",
        "ticket": {k: ticket[k] for k in _PUBLIC_TICKET},
        "ahead": pos["ahead"],
        "estimated_wait_s": pos["estimated_wait_s"],
        "open_windows": pos["open_windows"],
        "headline": list(view["headline"]),
        "detail": list(view["detail"]),
    }


_PUBLIC_TICKET = (
    "id", "number", "service", "service_name_zh", "service_name_en", "class", "state",
    "window", "location_zh", "location_en", "issued_at", "called_at",
)  # fmt: skip


def response(status: HTTPStatus, body: str, content_type: str) -> Response:
    data = body.encode()
    headers = Headers(
        [
            ("Content-Type", f"{content_type}; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
        ]
    )
    return Response(status.value, status.phrase, headers, data)


ROUTES: tuple[Route, ...] = (
    Route("/health", Web.health),
    Route("/t/", Web.ticket_page, prefix=True),
)
