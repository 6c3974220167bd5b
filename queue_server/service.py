"""The hall service: one writer that runs every request against the engine and commits it.

Requests from all connections go into one queue. The writer takes everything that is queued
(a batch), runs each command on the engine, commits all their events to SQLite in one
transaction (group commit: durable and fast), and only then sends the replies and broadcasts
the events. Reads in a batch are answered after the commit, from the committed state. If the
commit fails, the engine is rebuilt from the store and every request of the batch is told
`unavailable`: nothing is acknowledged that is not on disk.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import pickle
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from queue_server import core
from queue_server.core import DomainError, Engine
from queue_server.core.model import Hall
from queue_server.protocol import encode, event_message
from queue_server.store import Event, Store

log = logging.getLogger(__name__)

# Events the server itself writes; the engine does not replay them.
SERVER_EVENTS = frozenset({"device_status"})
MAX_BATCH = 1024
CHECKPOINT_EVERY = 20_000  # events between state checkpoints (fast start-up)
DAY_CHECK_S = 30.0  # how often an idle hall checks whether the business day has changed


class Shared:
    """The frames every subscriber gets from one batch (its events).

    Encoded once; an outbox may keep its wire form in `wire` for the next subscriber.
    """

    __slots__ = ("payloads", "wire")

    def __init__(self, payloads: list[bytes]) -> None:
        self.payloads = payloads
        self.wire: bytes | None = None


class Outbox(Protocol):
    """Where a job's reply goes: a connection session (see server.py)."""

    def send(self, message: dict[str, Any]) -> None: ...

    def send_frames(self, frames: list[bytes], shared: Shared | None = None) -> None:
        """Send `frames` (text payloads), then the batch's `shared` frames, in one write."""

    def settled(self) -> None:
        """A request of this outbox has been answered (flow control)."""


Command = Callable[[Engine, float], "core.Result"]
Read = Callable[[Engine, float], dict[str, Any]]


@dataclass
class Job:
    """One request: a command for the engine, or a read answered after the batch commits."""

    outbox: Outbox
    re: Any
    command: Command | None = None
    read: Read | None = None
    after: Callable[[dict[str, Any]], None] | None = None  # runs once the reply is known
    events: list[Event] = field(default_factory=list)
    reply: dict[str, Any] | None = None
    settled: bool = False


class HallService:
    def __init__(self, hall: Hall, store: Store, clock: Callable[[], float] = time.time,
                 day_check_s: float = DAY_CHECK_S) -> None:  # fmt: skip
        self.hall = hall
        self.day_check_s = day_check_s
        self.store = store
        self.clock = clock
        self.devices: dict[str, dict[str, Any]] = {}  # device id -> last reported status
        self.subscribers: set[Outbox] = set()
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._version = _code_version(hall)
        self.engine = self._rebuild()
        self.seq = store.last_seq()
        self._since_checkpoint = 0
        self._writer: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None

    # -- start-up ------------------------------------------------------------------------

    def _rebuild(self) -> Engine:
        """The engine state after every stored event: from the newest usable checkpoint on.

        Device health is read from the log itself (each device's last status, however old),
        so a status whose commit failed is forgotten and one before a checkpoint is not.
        """
        engine, after = Engine(self.hall), 0
        self.devices = {e["device"]: _device_entry(e) for e in self.store.latest("device_status")}
        for seq, blob in self.store.checkpoints(self._version):
            try:
                engine, after = pickle.loads(blob), seq
                break
            except Exception:  # an unreadable checkpoint only costs a longer replay
                log.warning("checkpoint at seq %d unreadable; trying an older one", seq)
        count = 0
        for event in self.store.iter_events(after):
            if event["type"] not in SERVER_EVENTS:
                engine.apply(event)
            count += 1
        log.info("state rebuilt from checkpoint seq %d and %d events", after, count)
        return engine

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._writer = loop.create_task(self._run(), name="hall-writer")
        self._ticker = loop.create_task(self._tick(), name="hall-day-ticker")

    async def _tick(self) -> None:
        """Start the new business day on time even when the hall is idle (boards update)."""
        while True:
            await asyncio.sleep(self.day_check_s)  # a timer, not a wait for an event
            if self.engine.day is not None and self.engine.day != self.engine.day_of(self.clock()):
                self.submit(Job(_NOBODY, None, read=lambda engine, now: {}))

    async def stop(self) -> None:
        """Finish what is queued, then stop the writer and close the store."""
        if self._ticker is not None:
            self._ticker.cancel()
        await self.queue.join()
        for task in (self._writer, self._ticker):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._executor.shutdown(wait=True)
        self.store.close()

    # -- the writer ----------------------------------------------------------------------

    def submit(self, job: Job) -> None:
        self.queue.put_nowait(job)

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while len(batch) < MAX_BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            try:
                await self._process(batch)
            except Exception:  # never let one bad batch stop the hall
                log.exception("batch of %d requests failed", len(batch))
                for job in batch:
                    if not job.settled:
                        job.outbox.send(_error(job.re, "internal", "服务器内部错误",
                                               "internal server error"))  # fmt: skip
                        _settle(job)
            finally:
                for _ in batch:
                    self.queue.task_done()

    async def _process(self, batch: list[Job]) -> None:
        now = self.clock()
        events: list[Event] = []
        events += self._roll_day(now)
        for job in batch:
            if job.command is None:
                continue
            try:
                result = job.command(self.engine, now)
            except DomainError as exc:
                job.reply = _domain_error(job.re, exc)
                continue
            except Exception:
                log.exception("command failed: %r", job.re)
                job.reply = _error(job.re, "internal", "服务器内部错误", "internal server error")
                continue
            job.events = list(result.events)
            events += job.events
            if result.error is not None:
                job.reply = _domain_error(job.re, result.error)
            else:
                job.reply = {"re": job.re, **result.reply}
        if events and not await self._commit(events):
            for job in batch:
                job.outbox.send(_error(job.re, "unavailable", "服务器暂时无法保存，请稍后重试",
                                       "server cannot save right now, retry"))  # fmt: skip
                _settle(job)
            return
        # Order matters: command replies, then this batch's events to the subscribers, then
        # reads. A read (a welcome's snapshot) already includes the batch, so a connection that
        # subscribes there must not get the batch's events again. Each connection's replies and
        # events of the batch leave in one write.
        out: dict[Outbox, list[bytes]] = {}
        for job in batch:
            if job.read is None:
                assert job.reply is not None
                job.reply.setdefault("type", "ok")
                out.setdefault(job.outbox, []).append(encode(job.reply).encode())
        shared = Shared([encode(event_message(event)).encode() for event in events])
        if events:
            for subscriber in self.subscribers:
                out.setdefault(subscriber, [])
        for outbox, frames in out.items():
            outbox.send_frames(frames, shared)
        for job in batch:
            if job.read is None:
                _settle(job)
            else:
                try:
                    job.reply = {"re": job.re, **job.read(self.engine, now)}
                except DomainError as exc:
                    job.reply = _domain_error(job.re, exc)
                job.reply.setdefault("type", "ok")
                job.outbox.send(job.reply)
                _settle(job)

    async def _commit(self, events: list[Event]) -> bool:
        tickets = {}
        for event in events:
            ticket_id = event.get("ticket")
            if ticket_id and ticket_id not in tickets:
                ticket = self.engine.ticket(ticket_id)
                if ticket is not None:
                    tickets[ticket_id] = ticket
        loop = asyncio.get_running_loop()
        try:
            self.seq = await loop.run_in_executor(
                self._executor, self.store.append, events, tickets
            )
        except Exception:
            log.exception(
                "could not commit %d events; rebuilding state from the store", len(events)
            )
            self.engine = self._rebuild()
            self.seq = self.store.last_seq()
            return False
        self._since_checkpoint += len(events)
        if self._since_checkpoint >= CHECKPOINT_EVERY or any(
            e["type"] == "day_started" for e in events
        ):
            self._checkpoint()
        return True

    def _checkpoint(self) -> None:
        try:
            blob = pickle.dumps(self.engine, protocol=pickle.HIGHEST_PROTOCOL)
            self.store.save_checkpoint(self.seq, self._version, blob)
            self._since_checkpoint = 0
        except Exception:
            log.exception("checkpoint at seq %d failed; start-up will replay more", self.seq)

    def _roll_day(self, now: float) -> list[Event]:
        """Start the business day when it has changed: numbering restarts, leftovers expire."""
        if self.engine.day == self.engine.day_of(now):
            return []
        result = self.engine.execute(core.StartDay(), now, "system")
        return list(result.events)

    # -- outside world -------------------------------------------------------------------

    def record_device_status(self, device: str, role: str, status: str, detail: str, re: Any,
                             outbox: Outbox) -> None:  # fmt: skip
        """A device's health (printer out of paper, kiosk out of service) goes into the log."""

        def command(engine: Engine, now: float) -> Any:
            event = {"type": "device_status", "at": now, "day": engine.day_of(now),
                     "actor": device, "device": device, "role": role, "status": status,
                     "detail": detail}  # fmt: skip
            self.devices[device] = _device_entry(event)
            return core.Result(events=[event], reply={"type": "device_status"}, error=None)

        self.submit(Job(outbox, re, command=command))

    def snapshot(self, now: float | None = None) -> dict[str, Any]:
        snap = dict(self.engine.snapshot(self.clock() if now is None else now))
        snap["devices"] = sorted(self.devices.values(), key=lambda d: d["device"])
        return snap

    def broadcast(self, message: dict[str, Any]) -> None:
        shared = Shared([encode(message).encode()])  # once, for every subscriber
        for subscriber in list(self.subscribers):
            subscriber.send_frames([], shared)


class _Nobody:
    """The outbox of the server's own jobs: their replies go nowhere."""

    def send(self, message: dict[str, Any]) -> None:
        pass

    def send_frames(self, frames: list[bytes], shared: Shared | None = None) -> None:
        pass

    def settled(self) -> None:
        pass


_NOBODY = _Nobody()


def _settle(job: Job) -> None:
    """A job's reply has gone out: release its place and run what waits for it."""
    if job.settled:
        return
    job.settled = True
    job.outbox.settled()
    if job.after is not None and job.reply is not None:
        job.after(job.reply)


def _device_entry(event: Event) -> dict[str, Any]:
    return {k: event.get(k) for k in ("device", "role", "status", "detail", "at")}


def _domain_error(re: Any, exc: DomainError) -> dict[str, Any]:
    extra = dict(getattr(exc, "details", {}) or {})
    return _error(re, exc.code, exc.message_zh, exc.message_en, **extra)


def _error(re: Any, code: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    return {"type": "error", "re": re, "code": code, "message": zh, "message_en": en, **extra}


def _code_version(hall: Hall) -> str:
    """Checkpoints are only valid for the same engine code and hall configuration."""
    digest = hashlib.sha256(repr(hall).encode())
    for path in sorted(Path(core.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
