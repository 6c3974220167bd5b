"""The websockets adapter: authenticate, validate, queue for the writer, answer plain HTTP.

Thin on purpose: the rules live in the engine, durability in the service. Every outgoing
message goes through `websockets.broadcast`, which writes without awaiting, so replies and
events reach each connection in the order the writer produced them; a connection whose
output backs up past a limit is closed and must resync from its last `seq`.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.protocol import State

from contract import requests as rq
from contract.requests import ContractError, decode_request, request_type, show
from queue_server import agents, core, dispatch
from queue_server.bookings import (
    BOOKING_REQUESTS,
    BookingGuard,
    CodeGuard,
    appointments_report,
    command_for,
    find_reply,
    secret_of,
    slots_reply,
)
from queue_server.core import Engine
from queue_server.core.errors import refusal
from queue_server.core.model import Device, Hall, Role
from queue_server.core.views import recent_calls
from queue_server.dispatch import manager_job
from queue_server.fanout import device_interest
from queue_server.guard import AddressGuard, PinGuard, RatingGuard
from queue_server.phone import PhoneDesk
from queue_server.pins import verify_pin
from queue_server.protocol import (
    ERRORS,
    MANAGER_ACTIONS,
    MAX_MESSAGE_BYTES,
    PERMISSIONS,
    PROTOCOL_VERSION,
    PUBLIC_REQUESTS,
    ProtocolError,
    encode_bytes,
)
from queue_server.service import NOBODY, HallService, Job, Shared
from queue_server.views import PUBLIC, VIEWS, View
from queue_server.web import Web, response, ticket_status

log = logging.getLogger(__name__)

MAX_OUTPUT_BUFFER = 8 * 1024 * 1024  # a subscriber this far behind is cut off
MAX_PENDING = 256  # requests a connection may have queued at once
RATE = 400.0  # requests per second a connection may sustain …
BURST = 800.0  # … with this burst
FLOOD_WINDOW_S = 10.0  # a connection refused more than MAX_REFUSED times in this window …
MAX_REFUSED = 1000  # … is closed: every frame counts, bad JSON included
MAX_MISSED_REPLAY = 50_000  # past this a reconnecting client gets the snapshot only
HELLO_DEADLINE_S = 10.0  # a connection that has not said hello by then is closed
MAX_BAD_HELLOS_PER_CONNECTION = 3
MAX_CONNECTIONS = 2000


class Session:
    """One connection: who it is, what it may see and do, and its request budget."""

    def __init__(self, ws: ServerConnection, max_output: int = MAX_OUTPUT_BUFFER) -> None:
        self.ws = ws
        self.max_output = max_output
        self.device: Device | None = None
        self.view: View = PUBLIC  # until hello says who it is
        self.own: str | None = None
        self.stream: str | None = None  # the events it is sent (fanout.Stream), by name
        self.staff: dict[int, str] = {}  # window -> staff logged in through this connection
        self.manager: str | None = None  # the manager (staff id) logged in on this connection
        self.agent: str | None = None  # the 帮办代办员 (staff id) logged in on this connection
        self.pending = 0
        self.tokens = BURST
        self.stamp = time.monotonic()
        self.refused = 0  # refusals in the current flood window
        self.refused_since = self.stamp
        self.bad_hellos = 0
        self.logging_in = False
        self.watching = False  # follows the public view without a device (web board, phone)

    def send(self, message: dict[str, Any]) -> None:
        self.send_frames([encode_bytes(message)])

    def settled(self) -> None:
        """One of this connection's queued requests has been answered."""
        self.pending -= 1

    def send_frames(self, frames: list[bytes], shared: Shared | None = None) -> None:
        """Write text frames without waiting, in one write; cut off a backed-up client.

        Why not websockets' own `send` or `broadcast`: both frame every message once per
        connection and write it on its own, and `send` awaits; at 200 boards a call's frames
        would be built 200 times and written in 200 × N pieces. This writes only in the
        OPEN state and never while the library itself is sending a fragmented message, so
        the library's framing stays intact; the dependency's upper bound in pyproject.toml is
        the version this was tested with.

        The server's frames are neither masked nor compressed, so a batch's events have the
        same bytes on every connection of a view: they are framed once (`shared.wire`) and
        only written per connection. The library's own frames (pings, close) are written
        whole by the library, so frame boundaries never interleave.
        """
        ws = self.ws
        if ws.protocol.state is not State.OPEN or ws.send_in_progress is not None:
            return
        transport = ws.transport
        if transport.get_write_buffer_size() > self.max_output:
            # A close frame could not get through a full pipe: drop the connection at once and
            # free what it held; the client reconnects with its last seq and catches up.
            log.warning(
                "cutting off %s: %d bytes not read (slow consumer)",
                self.name,
                transport.get_write_buffer_size(),
            )
            transport.abort()
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
        return self.device.id if self.device else _address(self.ws)

    def allow(self) -> bool:
        """Token bucket: RATE per second, BURST at once, MAX_PENDING queued."""
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.stamp) * RATE)
        self.stamp = now
        if self.tokens >= 1 and self.pending < MAX_PENDING:
            self.tokens -= 1
            return True
        return False

    def refuse(self) -> int:
        """Count a refused frame; return the refusals in the current window (1: the first)."""
        now = time.monotonic()
        if now - self.refused_since >= FLOOD_WINDOW_S:
            if self.refused > 1:
                log.warning(
                    "%s: %d refused requests in %.0f s",
                    self.name,
                    self.refused,
                    now - self.refused_since,
                )
            self.refused, self.refused_since = 0, now
        self.refused += 1
        return self.refused


class HallServer:
    def __init__(
        self,
        service: HallService,
        max_connections: int = MAX_CONNECTIONS,
        hello_deadline_s: float = HELLO_DEADLINE_S,
        pin_delay_s: float = 0.25,
        max_output_buffer: int = MAX_OUTPUT_BUFFER,
    ) -> None:
        self.service = service
        self.hall: Hall = service.hall
        self.devices = {d.id: d for d in self.hall.devices}
        self.staff = {s.id: s for s in self.hall.staff}
        self.server: Server | None = None
        self.sessions: set[Session] = set()
        self.present: dict[str, int] = {}  # device id -> its open, authenticated connections
        self.max_connections = max_connections
        self.hello_deadline_s = hello_deadline_s
        self.max_output_buffer = max_output_buffer
        self.pins = PinGuard(service.clock, pin_delay_s)
        self.addresses = AddressGuard(time.monotonic)
        self.public_ratings = RatingGuard(time.monotonic)
        self.codes = CodeGuard(time.monotonic)  # 预约 codes guessed per kiosk or address
        self.bookings = BookingGuard(time.monotonic)  # 预约 from one address
        self.citizen_secret = secret_of(self.hall)
        self._tasks: set[asyncio.Task[None]] = set()
        # PIN checks run one at a time on their own thread: scrypt takes 16 MiB per check, and
        # one thread keeps one allocation arena, so memory stays bounded however many log in.
        self._pin_checker = ThreadPoolExecutor(1, thread_name_prefix="pin-check")
        self.web = Web(service)
        self.phone = PhoneDesk(self.hall, service.clock)  # 远程取号
        self.web.connections = lambda: len(self.sessions)

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
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._pin_checker.shutdown(wait=True)
        await self.service.stop()

    # -- WebSocket -----------------------------------------------------------------------

    async def handle(self, ws: ServerConnection) -> None:
        session = Session(ws, self.max_output_buffer)
        self.sessions.add(session)
        deadline = asyncio.get_running_loop().call_later(
            self.hello_deadline_s, self._hello_overdue, session
        )
        try:
            async for raw in ws:
                try:
                    self.receive(session, raw)
                except Exception:  # a fault of ours in one request ends neither it nor us
                    log.exception("unexpected fault handling a request from %s", session.name)
                    session.send(ProtocolError("internal").to_message())
                if session.refused > MAX_REFUSED:
                    log.warning(
                        "closing %s: flooding (%d refused in %.0f s)",
                        session.name,
                        session.refused,
                        FLOOD_WINDOW_S,
                    )
                    await ws.close(1008, "too many requests")
                    break
        except ConnectionClosed:
            pass
        finally:
            deadline.cancel()
            self.sessions.discard(session)
            self.service.subscribers.discard(session)
            device = session.device
            self._log_out_manager(session)
            if device is not None:
                left = self.present.get(device.id, 1) - 1
                if left <= 0:
                    self.present.pop(device.id, None)
                    self.service.mark_presence(device.id, device.role.value, online=False)
                else:
                    self.present[device.id] = left
            log.info("disconnected: %s", session.name)

    def _hello_overdue(self, session: Session) -> None:
        if session.device is None and not session.watching:
            log.info("closing %s: no hello within %.0f s", session.name, self.hello_deadline_s)
            self._background(session.ws.close(1008, "hello expected"))

    def receive(self, session: Session, raw: str | bytes) -> None:
        if not session.allow():  # every frame counts, a malformed one too
            if session.refuse() == 1:
                log.warning("refused requests from %s: rate limited", session.name)
            session.send(ProtocolError("rate_limited").to_message())
            return
        try:
            msg = decode_request(raw)
        except ContractError as exc:
            refused = ProtocolError(exc.code, exc.detail, exc.re)
            if session.refuse() == 1:
                log.warning("bad request from %s: %s", session.name, refused)
            session.send(refused.to_message())
            return
        re, kind = msg.id, request_type(msg)
        try:
            if isinstance(msg, rq.Hello):
                self.hello(session, msg)
                return
            if session.device is None:
                if kind in PUBLIC_REQUESTS:
                    self.public(session, msg)
                    return
                raise ProtocolError("not_authenticated", re=re)
            if kind not in PERMISSIONS[session.device.role]:
                raise ProtocolError("forbidden", f"{session.device.role.value} → {kind}", re)
            self.route(session, msg)
        except ProtocolError as exc:
            if session.refuse() == 1:
                log.warning("refused %s from %s: %s", kind, session.name, exc)
            session.send(exc.to_message())

    def hello(self, session: Session, msg: rq.Hello) -> None:
        re = msg.id
        if session.device is not None:
            raise ProtocolError("already_authenticated", re=re)
        device = self.devices.get(msg.device)
        if (
            device is None
            or device.role.value != msg.role
            or not hmac.compare_digest(device.token.encode(), msg.token.encode())
        ):
            self._bad_hello(session)
            raise ProtocolError("bad_token", show(msg.device, 40), re)
        session.device = device
        session.view = VIEWS[device.role]
        session.own = device.id
        session.stream = device_interest(self.hall, device).name
        self.present[device.id] = self.present.get(device.id, 0) + 1
        if self.present[device.id] == 1:
            self.service.mark_presence(device.id, device.role.value, online=True)
        last_seq = msg.last_seq
        log.info("hello from %s (%s)", device.id, device.role.value)

        def welcome(engine: Engine, now: float) -> dict[str, Any]:
            snapshot = self.role_snapshot(device, now)
            reply: dict[str, Any] = {
                "type": "welcome",
                "protocol": PROTOCOL_VERSION,
                "seq": self.service.seq,
                "device": device.id,
                "role": device.role.value,
                "window": device.window,
                "hall": {
                    "name_zh": self.hall.name_zh,
                    "name_en": self.hall.name_en,
                    "timezone": self.hall.policy.timezone,
                },
                "snapshot": snapshot,
            }
            if last_seq is not None:
                missed = self.service.seq - last_seq
                reply["missed"] = missed
                if 0 < missed <= MAX_MISSED_REPLAY and last_seq >= 0:
                    reply["replay"] = True
            return reply

        def subscribe(reply: dict[str, Any]) -> None:
            # Runs in the writer right after the welcome is sent: missed events first, then live.
            if reply.get("replay") and session.stream is not None:
                stream = self.service.streams[session.stream]
                after = last_seq or 0
                for message in stream.messages(self.service.store.events_after(after), after):
                    session.send(message)
            self.service.follow(session)

        session.pending += 1
        self.service.submit(Job(session, re, read=welcome, after=subscribe))

    def public(self, session: Session, msg: rq.Request) -> None:
        """What anyone may do without a device: watch the public view, ask about one ticket."""
        re = msg.id
        if request_type(msg) in BOOKING_REQUESTS:
            self.booking(session, msg, None, "phone")
            return
        session.pending += 1
        if isinstance(msg, rq.Watch):
            if session.watching:
                session.settled()
                raise ProtocolError("already_authenticated", re=re)
            session.watching = True
            session.stream = "public"

            def welcome(engine: Engine, now: float) -> dict[str, Any]:
                return {
                    "type": "welcome",
                    "protocol": PROTOCOL_VERSION,
                    "seq": self.service.seq,
                    "device": None,
                    "role": "public",
                    "window": None,
                    "hall": {
                        "name_zh": self.hall.name_zh,
                        "name_en": self.hall.name_en,
                        "timezone": self.hall.policy.timezone,
                    },
                    "snapshot": PUBLIC.snapshot(self.service.snapshot(now)),
                }

            def subscribe(reply: dict[str, Any]) -> None:
                self.service.follow(session)

            self.service.submit(Job(session, re, read=welcome, after=subscribe))
        elif isinstance(msg, rq.TicketStatus):
            token = msg.token
            self.service.submit(Job(session, re, read=lambda e, now: ticket_status(e, token, now)))
        elif isinstance(msg, rq.RateHall):
            if not self.public_ratings.allow(_host(session.ws)):
                session.settled()
                raise ProtocolError("rate_limited", "rate_hall", re)
            self.service.submit(Job(session, re, command=dispatch.public_hall_rating_job(msg)))
        elif isinstance(msg, rq.TakeRemote | rq.DoorCheckin):
            try:
                job = (
                    self.phone.take(msg, _host(session.ws))
                    if isinstance(msg, rq.TakeRemote)
                    else self.phone.door(msg, _host(session.ws))
                )
            except ProtocolError:
                session.settled()
                raise
            self.service.submit(Job(session, re, command=job, after=self._log_refusal(session)))
        else:
            self.service.submit(
                Job(
                    session,
                    re,
                    read=lambda e, now: {
                        "type": "pong",
                        "seq": self.stream_seq(session),
                        "time": now,
                    },
                )
            )

    def booking(self, session: Session, msg: rq.Request, actor: str | None, channel: str) -> None:
        """预约: slots, book, cancel, rebook; unknown codes count against the address."""
        re, address = msg.id, _host(session.ws)
        if isinstance(msg, rq.AppointmentSlotsRequest):
            session.pending += 1
            read = slots_reply(self.hall, msg.service)
            self.service.submit(Job(session, re, read=read))
            return
        if self.codes.blocked(address):
            raise ProtocolError("too_many_codes", re=re)
        if isinstance(msg, rq.FindAppointment):
            session.pending += 1
            read = find_reply(self.hall, self.citizen_secret, msg)
            self.service.submit(Job(session, re, read=read, after=self.codes.after(address)))
            return
        counted = [self.codes.after(address)]
        if actor is None and isinstance(msg, rq.BookAppointment):
            if self.bookings.full(address):
                raise ProtocolError("too_many_bookings", re=re)
            counted.append(self.bookings.after(address))
        run = command_for(msg, self.citizen_secret, channel)
        who = actor or "phone"  # a citizen's own page: no address in the log

        def after(reply: dict[str, Any]) -> None:
            for count in counted:
                count(reply)

        session.pending += 1
        self.service.submit(
            Job(session, re, command=lambda engine, now: run(engine, now, who), after=after)
        )

    def _bad_hello(self, session: Session) -> None:
        """A wrong token: bounded logging, and an address that keeps guessing is blocked."""
        session.bad_hellos += 1
        address = _host(session.ws)
        first, unlogged = self.addresses.failed(address)
        if first:
            log.warning(
                "wrong device token from %s%s",
                address,
                f" ({unlogged} more in the last minute)" if unlogged else "",
            )
        if session.bad_hellos >= MAX_BAD_HELLOS_PER_CONNECTION or self.addresses.blocked(address):
            self._background(session.ws.close(1008, "authentication failed"))

    def route(self, session: Session, msg: rq.Request) -> None:
        assert session.device is not None
        device, re = session.device, msg.id
        window = msg.window if isinstance(msg, rq.WindowRequest) else None
        if window is not None and device.window is not None and window != device.window:
            raise ProtocolError("wrong_window", f"{device.id} → {window}", re)
        if isinstance(msg, rq.Login):
            self.login(session, msg)
            return
        if isinstance(msg, rq.ManagerLogin):
            self.manager_login(session, msg)
            return
        if isinstance(msg, agents.AGENT_REQUESTS):
            agents.route(self, session, msg)
            return
        actor = device.id
        if request_type(msg) in MANAGER_ACTIONS:
            if session.manager is None:
                raise ProtocolError("not_logged_in", device.id, re)
            actor = session.manager
        if window is not None and device.role is Role.CLERK:
            staff = self._staff_at(session, window)
            if staff is None:
                raise ProtocolError("not_logged_in", str(window), re)
            actor = staff
        elif window is not None and device.role is Role.BRIDGE:
            # A bridge serves keypads: it acts for whoever is on duty at the window (signed in
            # on the keypad, or before a reconnect), and as itself at a closed window.
            status = self.service.engine.state.windows.get(window)
            actor = (status.staff if status is not None else None) or device.id
        if request_type(msg) in BOOKING_REQUESTS:
            self.booking(session, msg, actor, "clerk")
            return
        if isinstance(msg, rq.TakeTicket) and msg.ticket_class == "appointment":
            if self.codes.blocked(device.id):  # 预约 check-in: guessing codes is limited
                raise ProtocolError("too_many_codes", re=re)
            session.pending += 1
            job = dispatch.command_job(msg, actor)
            self.service.submit(Job(session, re, command=job, after=self.codes.after(device.id)))
            return
        session.pending += 1
        if isinstance(msg, rq.Snapshot):
            self.service.submit(Job(session, re, read=self.snapshot_reply(device)))
        elif isinstance(msg, rq.Appointments):
            self.service.submit(Job(session, re, read=appointments_report))
        elif isinstance(msg, rq.Kpis):
            self.service.submit(
                Job(
                    session,
                    re,
                    read=lambda e, now: {"type": "kpis", "kpis": self.service.kpis(now)},
                )
            )
        elif isinstance(msg, rq.ManagerLogout):
            self.manager_logout(session, re)
        elif isinstance(msg, rq.Ping):
            self.service.submit(
                Job(
                    session,
                    re,
                    read=lambda e, now: {
                        "type": "pong",
                        "seq": self.stream_seq(session),
                        "time": now,
                    },
                )
            )
        elif isinstance(msg, rq.Position):
            ticket = msg.ticket
            self.service.submit(Job(session, re, read=lambda e, now: self.position(e, ticket, now)))
        elif isinstance(msg, rq.ReportStatus):
            job = dispatch.device_status_job(msg, device.id, device.role.value)
            self.service.submit(Job(session, re, command=job))
        elif isinstance(msg, rq.ReportParts):
            job = dispatch.device_parts_job(msg, device.id, device.role.value)
            self.service.submit(Job(session, re, command=job))
        elif isinstance(msg, rq.KioskCheckin):
            try:
                checkin = self.phone.kiosk(msg, device.id)
            except ProtocolError:
                session.settled()
                raise
            self.service.submit(Job(session, re, command=checkin, after=self._log_refusal(session)))
        elif isinstance(msg, rq.DoorCode):
            self.service.submit(Job(session, re, read=lambda e, now: self.phone.door_code_reply()))
        else:
            self.service.submit(Job(session, re, command=dispatch.command_job(msg, actor)))

    @staticmethod
    def _log_refusal(session: Session) -> Callable[[dict[str, Any]], None]:
        """One log line for the first refusal of a connection in its window (远程取号)."""

        def after(reply: dict[str, Any]) -> None:
            if reply.get("type") == "error" and session.refuse() == 1:
                log.warning("refused a remote request from %s: %s", session.name, reply["code"])

        return after

    def _staff_at(self, session: Session, window: int) -> str | None:
        """The clerk this connection logged in at ``window``, while still the one there.

        A clerk who has since logged in at another window (and so left this one), or been
        replaced, no longer acts here through this connection.
        """
        staff = session.staff.get(window)
        if staff is None:
            return None
        status = self.service.engine.state.windows.get(window)
        if status is None or status.staff != staff:
            del session.staff[window]
            return None
        return staff

    def role_snapshot(self, device: Device, now: float) -> dict[str, Any]:
        """The snapshot a device's role sees; the manager's has the lockouts and alerts too."""
        snapshot = self.service.snapshot(now)
        if device.role is Role.MANAGER:
            snapshot["lockouts"] = self.pins.lockouts()
            snapshot["alerts"] = self.service.engine.open_alerts()
        interest = device_interest(self.hall, device)
        if interest.windows is not None:  # a zone's board: its windows' latest calls
            snapshot["recent_calls"] = recent_calls(self.service.engine.state, interest.windows)
        # Only what the role's events keep live (a kiosk is sent no waiting list).
        trimmed = interest.trim(VIEWS[device.role].snapshot(snapshot))
        stream = self.service.streams.get(interest.name)
        if stream is not None and stream.tickets is not None:  # a clerk window's: follow them
            stream.seed(t["id"] for t in _tickets(trimmed))
        return trimmed

    def stream_seq(self, session: Session) -> int:
        """The seq a connection's model reaches with what it has been sent: its stream's last
        (a filtered stream may skip the log's last events: a ``ping`` must not name them)."""
        stream = self.service.streams.get(session.stream or "")
        if stream is None or stream.interest is None:
            return self.service.seq
        return stream.last

    def snapshot_reply(self, device: Device) -> Callable[[Engine, float], dict[str, Any]]:
        def read(engine: Engine, now: float) -> dict[str, Any]:
            return {"type": "snapshot", "seq": self.service.seq, **self.role_snapshot(device, now)}

        return read

    def login(self, session: Session, msg: rq.Login) -> None:
        """Check the PIN on a thread (scrypt takes tens of ms), then open the window."""
        if session.logging_in:  # one attempt at a time per device: no parallel guessing
            raise ProtocolError("rate_limited", "one login at a time", msg.id)
        session.logging_in = True
        session.pending += 1
        self._background(self._login(session, msg))

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` as a task the server holds (a task nobody holds may be collected before it
        ends) and cancels at stop."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pin_ok(
        self, session: Session, staff_id: str, pin: str, device: str, window: int | None, re: Any
    ) -> bool:
        """Check a staff PIN as the lock-out rules say; on failure the refusal is sent."""
        try:
            staff = self.staff.get(staff_id)
            until = self.pins.locked_until(staff_id)
            if until is not None:
                await asyncio.sleep(self.pins.delay(device))  # deliberate: slows guessing
                self._refuse_login(session, "staff_locked", staff_id, re, until=until)
                return False
            ok = staff is not None and await asyncio.get_running_loop().run_in_executor(
                self._pin_checker, verify_pin, pin, staff.pin_hash
            )
            if not ok:
                locked = self.pins.failed(staff_id if staff else "", device)
                if locked is not None and staff is not None:
                    log.warning(
                        "staff %s locked until %s after wrong PINs at %s",
                        staff_id,
                        time.strftime("%H:%M", time.localtime(locked)),
                        device,
                    )
                    self.service.record_staff_locked(staff_id, device, window, locked)
                await asyncio.sleep(self.pins.delay(device))  # deliberate: slows guessing
                if locked is not None and staff is not None:
                    self._refuse_login(session, "staff_locked", staff_id, re, until=locked)
                else:
                    self._refuse_login(session, "bad_pin", staff_id, re)
                return False
            self.pins.succeeded(staff_id, device)
            return True
        except asyncio.CancelledError:
            session.settled()
            raise
        except Exception:
            log.exception("PIN check failed for %s", session.name)
            self._refuse_login(session, "internal", "", re)
            return False
        finally:
            session.logging_in = False

    async def _login(self, session: Session, msg: rq.Login) -> None:
        re, window, staff_id = msg.id, msg.window, msg.staff
        assert session.device is not None
        # Wrong PINs slow the device; a bridge's keypads each count as a device of their own.
        device = session.device.id
        if session.device.role is Role.BRIDGE:
            device = f"{device}#{window}"
        if not await self._pin_ok(session, staff_id, msg.pin, device, window, re):
            return

        def remember(reply: dict[str, Any]) -> None:
            if reply.get("type") != "error":
                session.staff[window] = staff_id

        self.service.submit(
            Job(session, re, command=dispatch.open_window_job(window, staff_id), after=remember)
        )

    def manager_login(self, session: Session, msg: rq.ManagerLogin) -> None:
        """The manager's PIN, checked as a clerk's is; the staff must have the manager role."""
        if session.logging_in:  # one attempt at a time per device: no parallel guessing
            raise ProtocolError("rate_limited", "one login at a time", msg.id)
        session.logging_in = True
        session.pending += 1
        self._background(self._manager_login(session, msg))

    async def _manager_login(self, session: Session, msg: rq.ManagerLogin) -> None:
        re, staff_id = msg.id, msg.staff
        assert session.device is not None
        device = session.device.id
        if not await self._pin_ok(session, staff_id, msg.pin, device, None, re):
            return
        previous = session.manager

        def remember(reply: dict[str, Any]) -> None:
            if reply.get("type") != "error":
                session.manager = staff_id
                if session not in self.sessions:  # it closed meanwhile: log the manager out
                    self._log_out_manager(session)
            elif reply.get("code") == "not_manager" and session.refuse() == 1:
                log.warning("refused manager login from %s for staff %s", session.name, staff_id)

        staff = self.staff.get(staff_id)
        if staff is not None and staff.is_manager and previous not in (None, staff_id):
            self._log_out_manager(session)  # another manager takes over this device
        login = core.ManagerLogIn(device=device, staff=staff_id)
        self.service.submit(Job(session, re, command=manager_job(login, staff_id), after=remember))

    def _log_out_manager(self, session: Session) -> None:
        """Log out the manager of a connection that closed or changed hands (in the log)."""
        staff, device = session.manager, session.device
        if staff is None or device is None:
            return
        session.manager = None
        logout = core.ManagerLogOut(device=device.id, staff=staff)
        self.service.submit(Job(NOBODY, None, command=manager_job(logout, staff)))

    def manager_logout(self, session: Session, re: Any) -> None:
        assert session.device is not None
        staff = session.manager
        if staff is None:  # nobody to log out: say so, write nothing
            self.service.submit(
                Job(session, re, read=lambda e, now: {"type": "manager", "staff": None})
            )
            return
        session.manager = None
        logout = core.ManagerLogOut(device=session.device.id, staff=staff)
        self.service.submit(Job(session, re, command=manager_job(logout, staff)))

    @staticmethod
    def _refuse_login(session: Session, code: str, staff: str, re: Any, **extra: Any) -> None:
        if code == "bad_pin" and session.refuse() == 1:
            log.warning("refused login from %s for staff %s", session.name, show(staff, 40))
        session.settled()
        message = ProtocolError(code, show(staff, 40), re).to_message()
        session.send({**message, **extra})

    @staticmethod
    def position(engine: Engine, ticket_id: str, now: float) -> dict[str, Any]:
        ticket = engine.ticket(ticket_id)
        if ticket is None:
            raise refusal("unknown_ticket", ticket=ticket_id)
        return {"type": "position", "ticket": ticket, **engine.position(ticket_id, now)}

    # -- plain HTTP ----------------------------------------------------------------------

    async def http(self, connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path != "/ws":
            return await self.web.respond(request)
        if self.addresses.blocked(_host(connection)):
            return response(
                HTTPStatus.TOO_MANY_REQUESTS,
                "设备令牌错误次数过多，请稍后再试 / too many wrong tokens, retry later\n",
                "text/plain",
            )
        if len(self.sessions) >= self.max_connections:
            log.warning(
                "refused a connection from %s: %d open", _host(connection), len(self.sessions)
            )
            zh, en = ERRORS["too_many_connections"]
            return response(HTTPStatus.SERVICE_UNAVAILABLE, f"{zh} / {en}\n", "text/plain")
        return None


def _tickets(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The tickets a snapshot (JSON) holds: the waiting ones and the windows' current."""
    found = list(snapshot.get("waiting") or [])
    found += [w["current"] for w in snapshot.get("windows") or [] if w.get("current")]
    return found


def _host(ws: ServerConnection) -> str:
    address = ws.remote_address
    return str(address[0]) if isinstance(address, tuple) and address else str(address)


def _address(ws: ServerConnection) -> str:
    address = ws.remote_address
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return str(address)


def _frame(payload: bytes) -> bytes:
    """One unmasked, uncompressed text frame (RFC 6455 §5.2), as a server sends it."""
    return Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])


__all__ = ["MAX_MESSAGE_BYTES", "HallServer"]
