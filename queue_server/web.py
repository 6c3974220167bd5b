"""Plain HTTP on the server's port: a table of routes, pages rendered from Jinja2 templates.

Pages read the hall through the writer, as a read job answered after the batch in progress has
committed: a page never shows state that a failed commit could still undo. The health check
reads the writer's and the store's own flags and answers at once.

The web board (``/board``) and the phone page (``/t/<token>``) are live: their scripts
(``static/``) open the WebSocket and use the two requests that need no device, ``watch`` and
``ticket_status`` (docs/protocol.md), so nothing on a public page can change the hall. The
exceptions are the hall's rating page (``/rate``, 未办先评, from a QR code at the entrance),
which sends ``rate_hall``, a few per address, recorded as from a phone, and the 远程取号 pages
(``/take``, ``/door/<code>``: ``take.py``), which send ``take_remote`` and ``door_checkin``,
limited per address by the server. Pages carry a strict Content-Security-Policy: scripts and
styles from this server only, no inline code, connections to this server only, and no
referrer (a phone page's address is its key).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.resources
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

import jinja2
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from contract.texts import HALL_ASPECT_TEXTS, PAUSE_REASON_TEXTS, RATING_LEVEL_TEXTS
from queue_server.book_page import book_page
from queue_server.core import Engine
from queue_server.core.errors import refusal
from queue_server.core.model import RatingMoment, Zone
from queue_server.service import HallService, Job, Shared
from queue_server.take import checkin_words, door_page, take_page
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

# Pages run only this server's scripts and styles and talk only to this server.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_PAGE_HEADERS = (
    ("Content-Security-Policy", PAGE_POLICY),
    ("Referrer-Policy", "no-referrer"),  # the phone page's address is the ticket's key
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
)
STATIC_NAME = re.compile(r"[a-z0-9_-]{1,64}\.(js|css)")
_STATIC_TYPES = {"js": "text/javascript", "css": "text/css"}

# Every text of the web pages, Simplified Chinese first, English second (key -> (zh, en)).
# Templates show both (`pair`); scripts get the ones they need as JSON in the page.
PAGE_TEXTS: dict[str, tuple[str, str]] = {
    "board_title": ("叫号信息", "Now calling"),
    "col_number": ("号码", "Number"),
    "col_window": ("窗口", "Window"),
    "col_service": ("办理事项", "Service"),
    "window_no": ("{n}号窗口", "Window {n}"),
    "window_short": ("{n}号", "W{n}"),
    "recall": ("再次呼叫", "Recall"),
    "no_calls": ("暂无呼叫，请留意叫号", "No calls yet, please watch for your number"),
    "waiting": ("等候人数", "Waiting"),
    "waiting_n": ("{n} 人", "{n}"),
    "windows": ("窗口状态", "Windows"),
    "serving": ("正在办理 {number}", "Serving {number}"),
    "idle": ("空闲", "Free"),
    "paused": ("暂停服务 · {reason}", "Paused · {reason}"),
    "closed": ("未开放", "Closed"),
    "booked_only": ("{start}–{end} 仅办理预约业务", "{start}–{end} appointments only"),
    "offline": (
        "与服务器的连接已断开 · 最后更新 {time}",
        "Connection to the server lost · last update {time}",
    ),
    "connecting": ("正在连接服务器…", "Connecting to the server…"),
    "voice_hint": ("点击屏幕开启语音", "Tap the screen to turn on voice"),
    "voice_call": ("请 {number} 号到 {window} 号窗口办理", "Number {number}, window {window}"),
    "voice_recall": ("再次呼叫，请 {number} 号到 {window} 号窗口办理", "Again: {number}"),
    "zone_unknown": ("没有这个区域", "Unknown zone"),
    "zone_list": ("本大厅的区域：", "Zones of this hall:"),
    "whole_hall": ("全部窗口", "All windows"),
    # the phone page
    "language": ("English", "中文"),  # the toggle names the other language
    "large_text": ("大字", "Large text"),
    "where": ("办理地点：{where}", "Where: {where}"),
    # 一件事: a bundle's steps on its ticket's page
    "steps": ("办理步骤", "Steps"),
    "step_done": ("已办", "done"),
    "step_current": ("当前", "now"),
    "step_to_come": ("待办", "to come"),
    "live": ("实时更新", "Live"),
    "reconnecting": ("连接中断，正在重新连接…", "Connection lost, reconnecting…"),
    "updated": ("更新于 {time}", "Updated {time}"),
    "not_found": ("没有找到这个号", "Ticket not found"),
    "not_found_hint": (
        "请核对小票上的二维码，或到取号机重新取号",
        "Check the QR code on your ticket, or take a new number at the kiosk",
    ),
    "ended": ("本号已结束，页面不再更新", "This ticket is over; the page no longer updates"),
    # the hall's rating page (未办先评)
    "rate_title": ("请您评价本大厅", "Please rate this service hall"),
    "rate_hint": (
        "评价大厅的环境、志愿服务和导办服务，匿名，不关联任何号码",
        "The hall's environment, volunteers and guidance; anonymous, tied to no ticket",
    ),
    "rate_aspect": ("评价内容", "What you rate"),
    "rate_thanks": ("感谢您的评价！", "Thank you for your rating!"),
    "rate_sorry": (
        "感谢您的评价，我们会尽快整改",
        "Thank you: we will look into it and put it right",
    ),
    "rate_again": ("再评一项", "Rate another aspect"),
    "rate_enough": (
        "您已评价多次，感谢您的参与",
        "You have rated several times already: thank you",
    ),
    "rate_failed": ("评价未能提交，请稍后再试", "Your rating could not be sent; please retry"),
    "rate_off": ("本大厅暂未开通此项评价", "This hall does not take ratings here"),
}

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

Query = dict[str, str]  # the first value of each query parameter
Handler = Callable[["Web", str, Query], Awaitable[Response]]


@dataclass(frozen=True)
class Route:
    """``path`` exactly, or every path under it when ``prefix``; the rest (and the query)
    go to ``handler``."""

    path: str
    handler: Handler
    prefix: bool = False


class _Answer:
    """The outbox of a page's read job: its reply resolves a future."""

    view: View = MANAGER
    own: str | None = None
    stream: str | None = None

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
        path, _, query = request.path.partition("?")
        for route in ROUTES:
            if path == route.path or (route.prefix and path.startswith(route.path)):
                return await route.handler(self, path.removeprefix(route.path), _query(query))
        return response(HTTPStatus.NOT_FOUND, "404 未找到 / Not Found\n", "text/plain")

    async def read(self, read: Callable[[Engine, float], dict[str, Any]]) -> dict[str, Any]:
        """Run ``read`` in the writer after the batch in progress has committed."""
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.service.submit(Job(_Answer(future), None, read=read))
        return await asyncio.wait_for(future, 10)

    # -- routes --------------------------------------------------------------------------

    async def health(self, rest: str, query: Query) -> Response:
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

    async def ticket_page(self, token: str, query: Query) -> Response:
        """The page a citizen's phone opens from the ticket's QR code, by its unguessable token.

        Rendered with the ticket's state now, then kept live by ``static/ticket.js``
        (``ticket_status`` by token after each event that could change it). A wrong, old or
        guessed token gets the same plain page as any other: it never says whether such a
        ticket exists.
        """
        if not TOKEN.fullmatch(token) or not self.service.writer_alive:
            return self.page(HTTPStatus.NOT_FOUND, "not_found.html")
        try:
            found = await self.read(lambda engine, now: _ticket_view(engine, token, now))
        except TimeoutError:
            return response(
                HTTPStatus.SERVICE_UNAVAILABLE, "请稍后再试 / Retry later\n", "text/plain"
            )
        if not found.get("number"):
            return self.page(HTTPStatus.NOT_FOUND, "not_found.html")
        texts = _texts("where", "live", "reconnecting", "updated", "not_found", "ended", *_STEPS)
        return self.page(HTTPStatus.OK, "ticket.html", texts=texts, **found)

    async def board(self, rest: str, query: Query) -> Response:
        """The hall board for a smart TV's browser: the whole hall, or ``?zone=<name>``.

        The page holds no key: its script watches the public view (``static/board.js``).
        ``?voice=1`` speaks the calls in the browser (off by default: a zone's announcer
        speaks each call once).
        """
        zone: Zone | None = None
        if "zone" in query:
            zone = next((z for z in self.hall.zones if z.name == query["zone"]), None)
            if zone is None:
                return self.page(HTTPStatus.NOT_FOUND, "zone_not_found.html", zones=self.hall.zones)
        config = {
            "zone": {
                "name": zone.name,
                "name_zh": zone.name_zh,
                "name_en": zone.name_en or zone.name_zh,
                "windows": list(zone.windows),
            }
            if zone
            else None,
            "rows": 8,
            "voice": query.get("voice") in ("1", "on", "true"),
            "timezone": self.hall.policy.timezone,
            "pause_reasons": PAUSE_REASON_TEXTS,
            "texts": _texts(*_BOARD_TEXTS),
        }
        return self.page(HTTPStatus.OK, "board.html", zone=zone, config=config)

    async def rate_page(self, rest: str, query: Query) -> Response:
        """未办先评: the page a QR code at the entrance opens, to rate the hall itself.

        Five levels and what is rated (the hall overall, its environment, volunteers or
        guidance); ``static/rate.js`` sends ``rate_hall``. A hall that does not use the
        ``before`` moment shows a plain page saying so.
        """
        if RatingMoment.BEFORE not in self.hall.ratings.moments:
            return self.page(HTTPStatus.NOT_FOUND, "rate_off.html")
        texts = _texts(
            "rate_thanks", "rate_sorry", "rate_enough", "rate_failed", "connecting", "reconnecting"
        )
        return self.page(
            HTTPStatus.OK,
            "rate.html",
            texts=texts,
            levels=[(score, RATING_LEVEL_TEXTS[score]) for score in (5, 4, 3, 2, 1)],
            aspects=list(HALL_ASPECT_TEXTS.items()),
        )

    async def static(self, name: str, query: Query) -> Response:
        """A script or style sheet of the pages; cached for long when asked by its version."""
        found = STATIC.get(name)
        if found is None:
            return response(HTTPStatus.NOT_FOUND, "404 未找到 / Not Found\n", "text/plain")
        data, content_type, version = found
        cache = "public, max-age=31536000, immutable" if query.get("v") == version else "no-cache"
        headers = Headers(
            [
                ("Content-Type", f"{content_type}; charset=utf-8"),
                ("Content-Length", str(len(data))),
                ("Cache-Control", cache),
                ("X-Content-Type-Options", "nosniff"),
            ]
        )
        return Response(HTTPStatus.OK.value, HTTPStatus.OK.phrase, headers, data)

    def page(self, status: HTTPStatus, template: str, **context: Any) -> Response:
        body = _TEMPLATES.get_template(template).render(
            hall_zh=self.hall.name_zh, hall_en=self.hall.name_en, **context
        )
        return response(status, body, "text/html", _PAGE_HEADERS)


def _query(query: str) -> Query:
    try:
        parsed = parse_qs(query, max_num_fields=20)
    except ValueError:  # too many fields
        return {}
    return {k: v[0] for k, v in parsed.items()}


_STEPS = ("steps", "step_done", "step_current", "step_to_come")


def _texts(*keys: str) -> dict[str, tuple[str, str]]:
    return {k: PAGE_TEXTS[k] for k in keys}


_BOARD_TEXTS = (
    "col_number",
    "col_window",
    "col_service",
    "window_no",
    "window_short",
    "recall",
    "no_calls",
    "waiting_n",
    "serving",
    "idle",
    "paused",
    "closed",
    "booked_only",
    "offline",
    "connecting",
    "voice_call",
    "voice_recall",
)


def pair(key: str, **fields: object) -> tuple[str, str]:
    """A page text in both languages, its ``str.format`` fields filled."""
    zh, en = PAGE_TEXTS[key]
    return zh.format(**fields), en.format(**fields)


def _load_static() -> dict[str, tuple[bytes, str, str]]:
    """The files of ``static/``: name -> (bytes, content type, version)."""
    found: dict[str, tuple[bytes, str, str]] = {}
    folder = importlib.resources.files("queue_server") / "static"
    for entry in folder.iterdir():
        match = STATIC_NAME.fullmatch(entry.name)
        if match and entry.is_file():
            data = entry.read_bytes()
            version = hashlib.sha256(data).hexdigest()[:12]
            found[entry.name] = (data, _STATIC_TYPES[match[1]], version)
    return found


STATIC = _load_static()


def static_url(name: str) -> str:
    """The address of a static file with its version, so that browsers cache it safely."""
    return f"/static/{name}?v={STATIC[name][2]}"


_TEMPLATES.globals.update(static_url=static_url, pair=pair)


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
        detail = wait_phrase(
            pos.get("ahead"), pos.get("estimated_wait_s"), int(pos.get("open_windows") or 0)
        )
    elif state == "called":
        detail = (f"请到 {window} 号窗口办理", f"Please go to window {window}")
    else:
        detail = STATE_DETAILS.get(state, ("", ""))
    where = state in ("waiting", "parked")
    remote = checkin_words(engine.hall, engine.state.tickets[ticket_id], pos.get("ahead"), now)
    headline = STATE_TEXTS.get(state, (state, state))
    if remote is not None:
        headline = remote.get("headline", headline)
        detail = remote.get("detail", detail)
    return {
        "number": ticket["number"],
        "window": window,
        "state": state,
        "service_zh": ticket.get("service_name_zh") or "",
        "service_en": ticket.get("service_name_en") or "",
        "headline": headline,
        "detail": detail,
        "where_zh": ticket.get("location_zh") if where else "",
        "where_en": (ticket.get("location_en") or ticket.get("location_zh")) if where else "",
        "checkin": remote["checkin"] if remote is not None else None,
        **_bundle_view(ticket),
    }


def _bundle_view(ticket: dict[str, Any]) -> dict[str, Any]:
    """一件事: the bundle's name in place of the service's, and its steps (none: no bundle)."""
    if not ticket.get("steps"):
        return {"steps": []}
    return {
        "service_zh": ticket.get("bundle_name_zh") or "",
        "service_en": ticket.get("bundle_name_en") or "",
        "steps": [
            {"zh": s["name_zh"], "en": s["name_en"], "state": s["state"]} for s in ticket["steps"]
        ],
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
    reply = {
        "type": "ticket_status",
        "ticket": {
            **{k: ticket[k] for k in _PUBLIC_TICKET if k in ticket},
            **{k: ticket[k] for k in _BUNDLE_TICKET if k in ticket},  # 一件事
        },
        "ahead": pos["ahead"],
        "estimated_wait_s": pos["estimated_wait_s"],
        "open_windows": pos["open_windows"],
        "headline": list(view["headline"]),
        "detail": list(view["detail"]),
    }
    if view["checkin"] is not None:  # 远程取号
        reply["checkin"] = view["checkin"]
    return reply


_PUBLIC_TICKET = (
    "id",
    "number",
    "service",
    "service_name_zh",
    "service_name_en",
    "class",
    "state",
    "window",
    "location_zh",
    "location_en",
    "issued_at",
    "called_at",
    "remote",  # 远程取号 only, like the two after it
    "checked_in_at",
    "checkin_deadline",
)
_BUNDLE_TICKET = ("bundle", "bundle_name_zh", "bundle_name_en", "step", "steps")


def response(
    status: HTTPStatus, body: str, content_type: str, extra: tuple[tuple[str, str], ...] = ()
) -> Response:
    data = body.encode()
    headers = Headers(
        [
            ("Content-Type", f"{content_type}; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            *extra,
        ]
    )
    return Response(status.value, status.phrase, headers, data)


ROUTES: tuple[Route, ...] = (
    Route("/health", Web.health),
    Route("/book", book_page),  # 预约 from a phone (queue_server.book_page)
    Route("/t/", Web.ticket_page, prefix=True),
    Route("/board", Web.board),
    Route("/rate", Web.rate_page),
    Route("/take", take_page),  # 远程取号
    Route("/door/", door_page, prefix=True),  # 远程取号签到 with the door's QR
    Route("/static/", Web.static, prefix=True),
)
