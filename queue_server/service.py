"""The hall service: one writer that runs every request against the engine and commits it.

Requests from all connections go into one queue. The writer takes everything that is queued
(a batch), runs each command on the engine, commits all their events to SQLite in one
transaction (group commit: durable and fast), and only then sends the replies and broadcasts
the events. Reads in a batch are answered after the commit, from the committed state. If the
commit fails, the engine is rebuilt from the store (on the store's thread, not the event
loop) and every request of the batch is told `unavailable`: nothing is acknowledged that is
not on disk. Until a commit succeeds again the service reports itself unhealthy, and a probe
retries the store every second.

The writer must never end while the hall runs: a fault in one request is that request's
error, a fault in a batch is the batch's. Should it end all the same, `fatal` is set, the
health check says so, and the process exits non-zero so that its supervisor restarts it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import pickle
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import msgspec

from queue_server import core
from queue_server.core import DomainError, Engine
from queue_server.core.appointments import SweepAppointments
from queue_server.core.model import Hall
from queue_server.fanout import COUNTS_EVERY_S, Counts, Stream, streams
from queue_server.kpis import LiveKpis
from queue_server.protocol import encode_bytes
from queue_server.store import Event, EventStore, Projection, RatingsProjection, SQLiteStore
from queue_server.views import MANAGER, View

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_BATCH = 1024
CHECKPOINT_EVERY = 20_000  # events between state checkpoints (fast start-up)
DAY_CHECK_S = 30.0  # how often an idle hall checks whether the business day has changed
PROBE_S = 1.0  # how often a store that failed to commit is tried again
ALERT_CHECK_S = 15.0  # how often the manager's alerts are checked (waits grow with time)
# Events after which the alerts are checked at once, in the same commit. Not a call: it only
# shortens a wait, so it raises nothing, and what it clears goes at the next timed check.
ALERT_TRIGGERS = frozenset(
    {
        "day_started",
        "ticket_issued",
        "ticket_voided",
        "ticket_transferred",
        "ticket_expired",
        "device_status",
        "device_presence",
        "device_parts",
        "alert_acknowledged",
        "followup_opened",
        "followup_contacted",
        "followup_resolved",
    }
)


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

    view: View  # what of the hall this connection may see
    own: str | None  # its device id: its own tickets keep their phone token
    stream: str | None  # the events it is sent (fanout.Stream by name), once subscribed

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
    def __init__(
        self,
        hall: Hall,
        store: EventStore,
        clock: Callable[[], float] = time.time,
        day_check_s: float = DAY_CHECK_S,
        projections: Sequence[Projection] | None = None,
        alert_check_s: float = ALERT_CHECK_S,
    ) -> None:
        self.hall = hall
        self.alert_check_s = alert_check_s
        self.started_at = clock()  # a device never seen is silent counting from here
        self.day_check_s = day_check_s
        self.store = store
        self.clock = clock
        self.subscribers: set[Outbox] = set()
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._version = _code_version(hall)
        self.engine, replayed = self._rebuild()
        self.seq = store.last_seq()
        self.streams: dict[str, Stream] = streams(self.seq, self.counts(), hall)
        self._counts_due = False  # the next batch sends the kiosks' and boards' counts
        self._counts_timer: asyncio.TimerHandle | None = None
        if projections is None:
            projections = [RatingsProjection(store)] if isinstance(store, SQLiteStore) else []
        self.live_kpis = LiveKpis(store, hall.policy.timezone)
        self.projections = [*projections, self.live_kpis]
        for projection in self.projections:
            self._catch_up(projection)
        # Events since the newest checkpoint, counted across restarts: a long replay at
        # start-up is made short for the next one at once.
        self._since_checkpoint = replayed
        if replayed >= CHECKPOINT_EVERY:
            self._checkpoint_now()
        self._writer: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._alerter: asyncio.Task[None] | None = None
        self._prober: asyncio.Task[None] | None = None
        self.store_ok = True  # False from a failed commit until the store takes one again
        self.fatal: asyncio.Event | None = None  # set if the writer ever ends

    @property
    def writer_alive(self) -> bool:
        return self._writer is not None and not self._writer.done()

    @property
    def healthy(self) -> bool:
        return self.writer_alive and self.store_ok

    # -- start-up ------------------------------------------------------------------------

    def _rebuild(self) -> tuple[Engine, int]:
        """The engine state after every stored event, from the newest usable checkpoint on,
        and how many events had to be replayed after it."""
        engine, after = Engine(self.hall), 0
        for seq, blob in self.store.checkpoints(self._version):
            try:
                engine, after = pickle.loads(blob), seq
                break
            except Exception:  # noqa: BLE001 - an unreadable checkpoint costs a longer replay
                log.warning("checkpoint at seq %d unreadable; trying an older one", seq)
        count = 0
        for event in self.store.iter_events(after):
            engine.apply(event)
            count += 1
        log.info("state rebuilt from checkpoint seq %d and %d events", after, count)
        return engine, count

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.fatal = asyncio.Event()
        self._writer = loop.create_task(self._run(), name="hall-writer")
        self._writer.add_done_callback(self._writer_ended)
        self._ticker = loop.create_task(self._tick(), name="hall-day-ticker")
        self._alerter = loop.create_task(self._alert_tick(), name="hall-alert-ticker")
        self.started_at = self.clock()
        # Nobody is connected to a server that has just started: say so for those who were.
        for device, entry in sorted(self.engine.state.devices.items()):
            if entry.get("online"):
                self.mark_presence(device, str(entry.get("role") or ""), online=False)

    def mark_presence(self, device: str, role: str, online: bool) -> None:
        """Record that a device's first connection opened, or its last one closed."""
        command = core.MarkPresence(device=device, role=role, online=online)
        self.submit(
            Job(_NOBODY, None, command=lambda engine, now: engine.execute(command, now, device))
        )

    def _writer_ended(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() and self._stopping:
            return
        error = None if task.cancelled() else task.exception()
        log.critical("the writer has stopped (%r): the hall cannot serve; exiting", error)
        if self.fatal is not None:
            self.fatal.set()

    _stopping = False

    async def _tick(self) -> None:
        """Start the new business day on time even when the hall is idle (boards update)."""
        while True:
            await asyncio.sleep(self.day_check_s)  # a timer, not a wait for an event
            if self.engine.day is not None and self.engine.day != self.engine.day_of(self.clock()):
                self.submit(Job(_NOBODY, None, read=lambda engine, now: {}))

    async def _alert_tick(self) -> None:
        """Check the manager's alerts every ALERT_CHECK_S: a wait grows with the clock alone."""
        while True:
            await asyncio.sleep(self.alert_check_s)  # a timer, not a wait for an event
            if self.engine.day is not None:  # a hall that has never run has nothing to check
                self.submit(Job(_NOBODY, None, command=self._check_alerts))

    def _check_alerts(self, engine: Engine, now: float) -> core.Result:
        missed = engine.execute(SweepAppointments(), now, "system").events  # 预约 no-shows
        result = engine.execute(core.CheckAlerts(since=self.started_at), now, "system")
        return replace(result, events=[*missed, *result.events])

    async def stop(self) -> None:
        """Finish what is queued, then stop the writer and close the store."""
        self._stopping = True
        if self._counts_timer is not None:
            self._counts_timer.cancel()
        for task in (self._ticker, self._alerter, self._prober):
            if task is not None:
                task.cancel()
        if self.writer_alive:
            await self.queue.join()
        for task in (self._writer, self._ticker, self._alerter, self._prober):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        self._executor.shutdown(wait=True)
        if self._since_checkpoint and self.store_ok:  # the next start replays nothing
            self._checkpoint_now()
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
            except asyncio.CancelledError:
                raise
            except Exception:  # never let one bad batch stop the hall
                log.exception("batch of %d requests failed", len(batch))
                for job in batch:
                    if not job.settled:
                        _reply(
                            job,
                            _error(job.re, "internal", "服务器内部错误", "internal server error"),
                        )
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
        if any(event["type"] in ALERT_TRIGGERS for event in events):
            try:  # in the same commit: the wall learns of a problem with its cause
                events += self._check_alerts(self.engine, now).events
            except Exception:
                log.exception("checking the alerts failed")
        stored = await self._commit(events, lone=len(batch) == 1) if events else []
        if stored is None:
            for job in batch:
                _reply(
                    job,
                    _error(
                        job.re,
                        "unavailable",
                        "服务器暂时无法保存，请稍后重试",
                        "server cannot save right now, retry",
                    ),
                )
            return
        # Order matters: command replies, then this batch's events to the subscribers, then
        # reads. A read (a welcome's snapshot) already includes the batch, so a connection that
        # subscribes there must not get the batch's events again. Each connection's replies and
        # events of the batch leave in one write.
        shared = self._fan_out(stored, now)
        out: dict[Outbox, list[bytes]] = {}
        for job in batch:
            if job.read is None:
                assert job.reply is not None
                job.reply.setdefault("type", "ok")
                # The seq this connection's model reaches with this batch: once there, it has
                # every event the command caused that it is sent (they follow in the same write).
                stream = self.streams.get(job.outbox.stream or "")
                job.reply.setdefault("seq", stream.last if stream is not None else self.seq)
                view = job.outbox.view.of(job.reply, job.outbox.own)
                out.setdefault(job.outbox, []).append(encode_bytes(view))
        if shared:
            for subscriber in self.subscribers:
                out.setdefault(subscriber, [])
        for outbox, frames in out.items():
            try:
                outbox.send_frames(frames, shared.get(outbox.stream or ""))
            except Exception:
                log.exception("could not write to a connection")
        for job in batch:
            if job.read is None:
                _settle(job)
            else:
                try:
                    job.reply = {"re": job.re, **job.read(self.engine, now)}
                except DomainError as exc:
                    job.reply = _domain_error(job.re, exc)
                except Exception:
                    log.exception("read failed: %r", job.re)
                    job.reply = _error(
                        job.re, "internal", "服务器内部错误", "internal server error"
                    )
                job.reply.setdefault("type", "ok")
                _reply(job, job.outbox.view.of(job.reply, job.outbox.own))

    def _fan_out(self, stored: list[Event], now: float) -> dict[str, Shared]:
        """The batch's frames per stream that someone follows, encoded once per stream; and,
        when due, the kiosks' and boards' ``counts`` (as of the committed ``seq``)."""
        due, self._counts_due = self._counts_due, False
        if not stored and not due:
            return {}
        followed = {subscriber.stream for subscriber in self.subscribers}
        counts: Counts | None = None
        shared: dict[str, Shared] = {}
        for name, stream in self.streams.items():
            if name not in followed:
                stream.idle(self.engine.day)
                continue
            frames = stream.batch(stored)
            if stream.counted and (due or frames):
                # Counts that changed ride along with a write the stream gets anyway (a call
                # on the boards), after its events; …
                counts = self.counts() if counts is None else counts
                frames += stream.counts(counts, self.seq, now, self.engine.day)
            elif stored and stream.counted and self._counts_timer is None:
                # … else they go out a little later, in a write of their own: one per interval
                # however many tickets (kiosks get no ticket events).
                self._counts_timer = asyncio.get_running_loop().call_later(
                    COUNTS_EVERY_S, self._counts_now
                )
            if frames:
                shared[name] = Shared(frames)
        return shared

    def _counts_now(self) -> None:
        self._counts_timer = None
        self._counts_due = True
        self.submit(Job(_NOBODY, None, read=lambda engine, now: {}))

    def follow(self, outbox: Outbox) -> None:
        """``outbox`` is sent the events of its stream from now on (after its welcome)."""
        stream = self.streams.get(outbox.stream or "")
        if stream is not None:
            stream.rejoined()
        self.subscribers.add(outbox)

    def counts(self) -> Counts:
        """Each service's waiting tickets and tickets issued today, now."""
        state = self.engine.state
        return {
            s.code: (len(state.queues.get(s.code) or ()), state.issued.get(s.code, 0))
            for s in self.hall.services
        }

    async def _commit(self, events: list[Event], lone: bool = False) -> list[Event] | None:
        """Commit a batch's events; return them as stored (with `seq`), or None if it failed.

        A batch of several requests is committed on the store's thread, so that the loop reads
        the next requests meanwhile. A lone request (a quiet hall: a clerk's call) is committed
        here when the store's thread is idle: nothing is queued behind it, and it is spared two
        thread switches (a fifth of a call's CPU)."""
        tickets = {}
        for event in events:
            ticket_id = event.get("ticket")
            if ticket_id and ticket_id not in tickets:
                ticket = self.engine.ticket(ticket_id)
                if ticket is not None:
                    tickets[ticket_id] = ticket
        loop = asyncio.get_running_loop()
        try:
            if lone and self._on_store_thread == 0:
                stored = self._store(events, tickets)
            else:  # one trip to the store's thread: the commit, then the projections
                stored = await self._store_thread(self._store, events, tickets)
        except Exception:
            log.exception(
                "could not commit %d events; rebuilding state from the store", len(events)
            )
            self.store_ok = False
            self.engine, _ = await self._store_thread(self._rebuild)
            self.seq = await self._store_thread(self.store.last_seq)
            if self._prober is None or self._prober.done():
                self._prober = loop.create_task(self._probe(), name="hall-store-probe")
            return None
        self.store_ok = True
        self.seq = stored[-1]["seq"]
        self._since_checkpoint += len(events)
        if self._since_checkpoint >= CHECKPOINT_EVERY or any(
            e["type"] == "day_started" for e in events
        ):
            await self._checkpoint()
        return stored

    async def _store_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the store's thread; counted, so the loop never uses the store's
        connection while that thread does."""
        self._on_store_thread += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)
        finally:
            self._on_store_thread -= 1

    _on_store_thread = 0

    def _store(self, events: list[Event], tickets: dict[str, Any]) -> list[Event]:
        """Commit a batch and feed it to the projections (on the store's thread)."""
        stored = self.store.append(events, tickets)
        self._project(stored)
        return stored

    def _project(self, stored: list[Event]) -> None:
        """Feed the committed batch to each projection, in order (on the store's thread)."""
        for projection in self.projections:
            kinds = projection.kinds
            mine = stored if kinds is None else [e for e in stored if e["type"] in kinds]
            if not mine:
                continue
            try:
                self._catch_up(projection, until=mine[0]["seq"] - 1)
                projection.apply(mine)
            except Exception:  # it catches up from its position after the next commit
                log.exception("projection %s failed at seq %d", projection.name, mine[-1]["seq"])

    def _catch_up(self, projection: Projection, until: int | None = None) -> None:
        """Apply to a projection the committed events (of its kinds) it has not seen yet."""
        after = projection.position()
        if until is not None and after >= until:
            return
        chunk: list[Event] = []
        for event in self.store.iter_events(after, kinds=projection.kinds):
            if until is not None and event["seq"] > until:
                break
            chunk.append(event)
            if len(chunk) >= 5000:
                projection.apply(chunk)
                chunk = []
        if chunk:
            projection.apply(chunk)
        if projection.position() > after:
            log.info(
                "projection %s caught up from seq %d to %d",
                projection.name,
                after,
                projection.position(),
            )

    async def _probe(self) -> None:
        """Try the store every PROBE_S until it takes a write again; then report healthy."""
        while not self.store_ok:
            await asyncio.sleep(PROBE_S)  # a retry timer, not a wait for an event
            try:
                await self._store_thread(self.store.probe)
            except Exception as exc:  # noqa: BLE001 - still failing: the next probe tries again
                log.warning("store still cannot commit: %s", exc)
                continue
            log.info("store commits again")
            self.store_ok = True

    async def _checkpoint(self) -> None:
        """Save the state as of now: pickled here (consistent), written on the store's thread."""
        try:
            blob = pickle.dumps(self.engine, protocol=pickle.HIGHEST_PROTOCOL)
            await self._store_thread(self.store.save_checkpoint, self.seq, self._version, blob)
            self._since_checkpoint = 0
        except Exception:
            log.exception("checkpoint at seq %d failed; start-up will replay more", self.seq)

    def _checkpoint_now(self) -> None:
        """Save the state when nothing else runs (start-up, shutdown)."""
        try:
            blob = pickle.dumps(self.engine, protocol=pickle.HIGHEST_PROTOCOL)
            self.store.save_checkpoint(self.seq, self._version, blob)
            self._since_checkpoint = 0
            log.info("checkpoint at seq %d", self.seq)
        except Exception:
            log.exception("checkpoint at seq %d failed; start-up will replay more", self.seq)

    def _roll_day(self, now: float) -> list[Event]:
        """Start the business day when it has changed: numbering restarts, leftovers expire."""
        if self.engine.day == self.engine.day_of(now):
            return []
        result = self.engine.execute(core.StartDay(), now, "system")
        return list(result.events)

    # -- outside world -------------------------------------------------------------------

    def record_staff_locked(
        self, staff: str, device: str, window: int | None, until: float
    ) -> None:
        """Too many wrong PINs locked a staff id: in the log, and live on the manager's wall."""

        def command(engine: Engine, now: float) -> Any:
            event = {
                "type": "staff_locked",
                "at": now,
                "day": engine.day_of(now),
                "actor": device,
                "staff": staff,
                "device": device,
                "window": window,
                "until": until,
            }
            return core.Result(events=[event], reply={}, error=None)

        self.submit(Job(_NOBODY, None, command=command))

    def kpis(self, now: float) -> dict[str, Any]:
        """Today's figures for the manager's wall (``contract.records.Kpis`` as JSON)."""
        figures: dict[str, Any] = msgspec.to_builtins(self.live_kpis.kpis(now, self.engine.day))
        return figures

    def snapshot(self, now: float | None = None) -> dict[str, Any]:
        return self.engine.snapshot(self.clock() if now is None else now)

    def broadcast(self, message: dict[str, Any]) -> None:
        shared: dict[str, Shared] = {}
        for subscriber in list(self.subscribers):
            frames = shared.get(subscriber.view.name)
            if frames is None:
                frames = shared[subscriber.view.name] = Shared(
                    [encode_bytes(subscriber.view.of(message))]
                )
            subscriber.send_frames([], frames)


class _Nobody:
    """The outbox of the server's own jobs: their replies go nowhere."""

    view: View = MANAGER
    own: str | None = None
    stream: str | None = None

    def send(self, message: dict[str, Any]) -> None:
        pass

    def send_frames(self, frames: list[bytes], shared: Shared | None = None) -> None:
        pass

    def settled(self) -> None:
        pass


NOBODY = _NOBODY = _Nobody()


def _reply(job: Job, message: dict[str, Any]) -> None:
    """Send a job's reply and settle it; a failing connection never stops the writer."""
    try:
        job.outbox.send(message)
    except Exception:
        log.exception("could not send a reply to %r", job.re)
    _settle(job)


def _settle(job: Job) -> None:
    """A job's reply has gone out: release its place and run what waits for it."""
    if job.settled:
        return
    job.settled = True
    job.outbox.settled()
    if job.after is not None and job.reply is not None:
        try:
            job.after(job.reply)
        except Exception:
            log.exception("after-reply step failed for %r", job.re)


def _domain_error(re: Any, exc: DomainError) -> dict[str, Any]:
    extra = dict(getattr(exc, "details", {}) or {})
    return _error(re, exc.code, exc.message_zh, exc.message_en, **extra)


def _error(re: Any, code: str, zh: str, en: str, **extra: Any) -> dict[str, Any]:
    return {"type": "error", "re": re, "code": code, "message": zh, "message_en": en, **extra}


def _code_version(hall: Hall) -> str:
    """Checkpoints are only valid for the same engine code and hall configuration.

    The configuration is written with its sets sorted: ``repr`` of a set of texts follows the
    process's string hashing, which changes from one start to the next, so no start found the
    last one's checkpoint and each replayed the whole log."""
    digest = hashlib.sha256(msgspec.json.encode(hall, order="deterministic"))
    for path in sorted(Path(core.__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
