"""The websockets adapter: authenticate, validate, queue for the writer, answer plain HTTP.

Thin on purpose: the rules live in the engine, durability in the service. Every outgoing
message goes through `websockets.broadcast`, which writes without awaiting, so replies and
events reach each connection in the order the writer produced them; a connection whose
output backs up past a limit is closed and must resync from its last `seq`.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import logging
import time
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.protocol import State

from queue_server import dispatch
from queue_server.core import Engine
from queue_server.core.model import Device, Hall, Role
from queue_server.pins import verify_pin
from queue_server.protocol import (
    MAX_MESSAGE_BYTES,
    PERMISSIONS,
    PROTOCOL_VERSION,
    ProtocolError,
    encode,
    event_message,
    parse_request,
)
from queue_server.service import HallService, Job, Shared

log = logging.getLogger(__name__)

MAX_OUTPUT_BUFFER = 8 * 1024 * 1024  # a subscriber this far behind is cut off
MAX_PENDING = 256  # requests a connection may have queued at once
RATE = 400.0  # requests per second a connection may sustain …
BURST = 800.0  # … with this burst
MAX_REFUSED = 2000  # refused requests in a row before the connection is closed
MAX_MISSED_REPLAY = 50_000  # past this a reconnecting client gets the snapshot only


class Session:
    """One connection: who it is, what it may do, and its request budget."""

    def __init__(self, ws: ServerConnection) -> None:
        self.ws = ws
        self.device: Device | None = None
        self.staff: dict[int, str] = {}  # window -> staff logged in through this connection
        self.pending = 0
        self.tokens = BURST
        self.stamp = time.monotonic()
        self.refused = 0
        self.bad_hellos = 0

    def send(self, message: dict[str, Any]) -> None:
        self.send_frames([encode(message).encode()])

    def settled(self) -> None:
        """One of this connection's queued requests has been answered."""
        self.pending -= 1

    def send_frames(self, frames: list[bytes], shared: Shared | None = None) -> None:
        """Write text frames without waiting, in one write; cut off a backed-up client.

        The server's frames are neither masked nor compressed, so a batch's events have the
        same bytes on every connection: they are framed once (`shared.wire`) and only
        written per connection. The library's own frames (pings, close) are written whole
        by the library, so frame boundaries never interleave.
        """
        ws = self.ws
        if ws.protocol.state is not State.OPEN or ws.send_in_progress is not None:
            return
        transport = ws.transport
        if transport.get_write_buffer_size() > MAX_OUTPUT_BUFFER:
            log.warning("closing %s: output backed up (slow consumer)", self.name)
            asyncio.ensure_future(ws.close(1008, "too slow: reconnect with last_seq"))
            return
        data = b"".join(_frame(payload) for payload in frames)
        if shared is not None and shared.payloads:
            if shared.wire is None:
                shared.wire = b"".join(_frame(payload) for payload in shared.payloads)
            data += shared.wire
        if data:
            transport.write(data)

    @property
    def name(self) -> str:
        return self.device.id if self.device else str(self.ws.remote_address)

    def allow(self) -> bool:
        """Token bucket: RATE per second, BURST at once."""
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.stamp) * RATE)
        self.stamp = now
        if self.tokens >= 1 and self.pending < MAX_PENDING:
            self.tokens -= 1
            self.refused = 0
            return True
        self.refused += 1
        return False


class HallServer:
    def __init__(self, service: HallService) -> None:
        self.service = service
        self.hall: Hall = service.hall
        self.devices = {d.id: d for d in self.hall.devices}
        self.server: Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, host: str, port: int) -> int:
        self.service.start()
        self.server = await serve(
            self.handle,
            host,
            port,
            process_request=self.http,
            max_size=1024 * 1024,  # hard cap; requests over MAX_MESSAGE_BYTES get `too_large`
            compression=None,  # LAN, small messages; and frames can be shared (send_frames)
            ping_interval=20,
            ping_timeout=20,
        )
        sock = next(iter(self.server.sockets))
        return int(sock.getsockname()[1])

    async def stop(self) -> None:
        """Close every connection (going away), finish queued work, close the store."""
        if self.server is not None:
            self.server.close(close_connections=True)
            await self.server.wait_closed()
        await self.service.stop()

    # -- WebSocket -----------------------------------------------------------------------

    async def handle(self, ws: ServerConnection) -> None:
        session = Session(ws)
        try:
            async for raw in ws:
                self.receive(session, raw)
                if session.refused > MAX_REFUSED:
                    log.warning("closing %s: flooding", session.name)
                    await ws.close(1008, "too many requests")
                    break
        except ConnectionClosed:
            pass
        finally:
            self.service.subscribers.discard(session)
            log.info("disconnected: %s", session.name)

    def receive(self, session: Session, raw: str | bytes) -> None:
        try:
            msg = parse_request(raw)
        except ProtocolError as exc:
            log.warning("bad request from %s: %s", session.name, exc)
            session.send(exc.to_message())
            return
        re, kind = msg["id"], msg["type"]
        try:
            if not session.allow():
                raise ProtocolError("rate_limited", re=re)
            if kind == "hello":
                self.hello(session, msg)
                return
            if session.device is None:
                raise ProtocolError("not_authenticated", re=re)
            if kind not in PERMISSIONS[session.device.role]:
                raise ProtocolError("forbidden", f"{session.device.role.value} → {kind}", re)
            self.route(session, msg)
        except ProtocolError as exc:
            if exc.code != "rate_limited" or session.refused == 1:
                log.warning("refused %s from %s: %s", kind, session.name, exc)
            session.send(exc.to_message())

    def hello(self, session: Session, msg: dict[str, Any]) -> None:
        re = msg["id"]
        if session.device is not None:
            raise ProtocolError("already_authenticated", re=re)
        device = self.devices.get(msg["device"])
        if (
            device is None
            or device.role.value != msg["role"]
            or not hmac.compare_digest(device.token.encode(), msg["token"].encode())
        ):
            session.bad_hellos += 1
            if session.bad_hellos >= 5:
                asyncio.ensure_future(session.ws.close(1008, "authentication failed"))
            raise ProtocolError("bad_token", msg["device"][:40], re)
        session.device = device
        last_seq = msg.get("last_seq")
        log.info("hello from %s (%s)", device.id, device.role.value)

        def welcome(engine: Engine, now: float) -> dict[str, Any]:
            reply: dict[str, Any] = {
                "type": "welcome", "protocol": PROTOCOL_VERSION, "seq": self.service.seq,
                "device": device.id, "role": device.role.value, "window": device.window,
                "hall": {"name_zh": self.hall.name_zh, "name_en": self.hall.name_en,
                         "timezone": self.hall.policy.timezone},
                "snapshot": self.service.snapshot(now),
            }  # fmt: skip
            if last_seq is not None:
                missed = self.service.seq - last_seq
                reply["missed"] = missed
                if 0 < missed <= MAX_MISSED_REPLAY and last_seq >= 0:
                    reply["replay"] = True
            return reply

        def subscribe(reply: dict[str, Any]) -> None:
            # Runs in the writer right after the welcome is sent: missed events first, then live.
            if reply.get("replay"):
                for event in self.service.store.events_after(last_seq or 0):
                    session.send(event_message(event))
            self.service.subscribers.add(session)

        session.pending += 1
        self.service.submit(Job(session, re, read=welcome, after=subscribe))

    def route(self, session: Session, msg: dict[str, Any]) -> None:
        assert session.device is not None
        device, re, kind = session.device, msg["id"], msg["type"]
        window = msg.get("window")
        if window is not None and device.window is not None and window != device.window:
            raise ProtocolError("wrong_window", f"{device.id} → {window}", re)
        actor = device.id
        if device.role is Role.CLERK and window is not None:
            if kind == "login":
                self.login(session, msg)
                return
            if window not in session.staff:
                raise ProtocolError("not_logged_in", str(window), re)
            actor = session.staff[window]
        elif kind == "login":
            self.login(session, msg)
            return
        session.pending += 1
        if kind == "snapshot":
            self.service.submit(
                Job(
                    session,
                    re,
                    read=lambda e, now: {
                        "type": "snapshot",
                        "seq": self.service.seq,
                        **self.service.snapshot(now),
                    },
                )
            )
        elif kind == "ping":
            self.service.submit(
                Job(
                    session,
                    re,
                    read=lambda e, now: {"type": "pong", "seq": self.service.seq, "time": now},
                )
            )
        elif kind == "position":
            self.service.submit(Job(session, re, read=lambda e, now: self.position(e, msg, now)))
        elif kind == "device_status":
            self.service.record_device_status(device.id, device.role.value, msg["status"],
                                              msg.get("detail") or "", re, session)  # fmt: skip
        else:
            self.service.submit(Job(session, re, command=dispatch.command_job(msg, actor)))

    def login(self, session: Session, msg: dict[str, Any]) -> None:
        """Check the PIN on a thread (scrypt takes tens of ms), then open the window."""
        session.pending += 1
        task = asyncio.get_running_loop().create_task(self._login(session, msg))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _login(self, session: Session, msg: dict[str, Any]) -> None:
        re, window, staff_id = msg["id"], msg["window"], msg["staff"]
        staff = next((s for s in self.hall.staff if s.id == staff_id), None)
        ok = staff is not None and await asyncio.to_thread(verify_pin, msg["pin"], staff.pin_hash)
        if not ok:
            log.warning(
                "refused login at window %s for staff %r: wrong id or PIN", window, staff_id[:40]
            )
            session.settled()
            session.send(ProtocolError("bad_pin", staff_id[:40], re).to_message())
            return

        def remember(reply: dict[str, Any]) -> None:
            if reply.get("type") != "error":
                session.staff[window] = staff_id

        self.service.submit(Job(session, re, command=dispatch.open_window_job(window, staff_id),
                                after=remember))  # fmt: skip

    @staticmethod
    def position(engine: Engine, msg: dict[str, Any], now: float) -> dict[str, Any]:
        ticket = engine.ticket(msg["ticket"])
        if ticket is None:
            return {"type": "error", "code": "unknown_ticket", "message": "没有这张票",
                    "message_en": "no such ticket"}  # fmt: skip
        return {"type": "position", "ticket": ticket, **engine.position(msg["ticket"], now)}

    # -- plain HTTP ----------------------------------------------------------------------

    def http(self, connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/ws":
            return None
        if path == "/health":
            body = {
                "status": "ok", "seq": self.service.seq, "day": self.service.engine.day,
                "connections": len(self.service.subscribers), "queued": self.service.queue.qsize(),
            }  # fmt: skip
            return _response(HTTPStatus.OK, json.dumps(body), "application/json")
        if path.startswith("/t/"):
            return self.ticket_page(path[3:])
        return _response(HTTPStatus.NOT_FOUND, "404 未找到 / Not Found\n", "text/plain")

    def ticket_page(self, ticket_id: str) -> Response:
        """The page a citizen's phone opens from the ticket's QR code."""
        engine = self.service.engine
        ticket = engine.ticket(ticket_id)
        if ticket is None:
            return _response(HTTPStatus.NOT_FOUND, _page("没有找到这张票 / Ticket not found", ""),
                             "text/html")  # fmt: skip
        pos = engine.position(ticket_id, self.service.clock())
        state = {
            "waiting": (
                "等候中",
                f"前面还有 {pos.get('ahead', 0)} 人，预计等候约 "
                f"{max(1, round((pos.get('estimated_wait_s') or 0) / 60))} 分钟",
            ),
            "called": ("请到窗口办理", f"请到 {ticket.get('window')} 号窗口办理"),
            "parked": ("已挂起", "请留意叫号"),
            "done": ("已办结", "感谢您的耐心等候，欢迎评价"),
            "no_show": ("已过号", "过号请重新取号"),
            "voided": ("已作废", "请重新取号"),
            "expired": ("已过期", "请重新取号"),
        }.get(str(ticket["state"]), (str(ticket["state"]), ""))
        body = (f"<p class=number>{html.escape(ticket['number'])}</p>"
                f"<p>{html.escape(ticket.get('service_name_zh') or ticket['service'])}</p>"
                f"<p class=state>{html.escape(state[0])}</p><p>{html.escape(state[1])}</p>")  # fmt: skip
        return _response(HTTPStatus.OK, _page(self.hall.name_zh, body), "text/html")


def _frame(payload: bytes) -> bytes:
    """One unmasked, uncompressed text frame (RFC 6455 §5.2), as a server sends it."""
    return Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=zh-CN><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        "<meta http-equiv=refresh content=15>"
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;text-align:center;"
        "margin:2em}.number{font-size:4em;font-weight:bold;margin:.2em}.state{font-size:1.6em}"
        f"</style><h3>{html.escape(title)}</h3>{body}</html>"
    )


def _response(status: HTTPStatus, body: str, content_type: str) -> Response:
    data = body.encode()
    headers = Headers(
        [("Content-Type", f"{content_type}; charset=utf-8"), ("Content-Length", str(len(data))),
         ("Cache-Control", "no-store")]
    )  # fmt: skip
    return Response(status.value, status.phrase, headers, data)


__all__ = ["MAX_MESSAGE_BYTES", "HallServer"]
