"""The bridge: keypad and evaluator presses -> server requests, server events -> boards.

One asyncio loop. The server side is a `HallClient` kept connected by `run_forever`; the
bus side is a `BusLine` (a reader thread that keeps the port open). The bridge acts on any
window with its `bridge` role; a clerk must have logged in at the window (the window open)
for calls to work: at the counter app, or on the keypad itself (see `signin`):

==============  =============================================================================
工号+确认       at a closed window: the staff number; the keypad shows 10 (enter the PIN)
密码+确认       the PIN: ``login {window, staff, pin}``; the keypad shows 11 signed in, 20
                wrong staff number or PIN, 21 staff number locked, 22 refused otherwise, 23
                server unreachable (2x also beep). The PIN is never shown or logged.
9+确认          ``logout`` (退出); the keypad shows 12
取消            drops a half-typed sign-in
==============  =============================================================================

A code stays on the keypad's display until its next key, or until a number is called at
its window.

Keypad keys (HARDWARE.md; the keypad has no 办结 key, so a call ends the current service):

==============  =============================================================================
呼叫 call       ``call_next``; if the window still serves someone, ``finish`` that first
重呼 recall     ``recall``
6+确认          ``no_show`` (弃号)
0+确认          ``park`` (挂起)
3+确认          ``call_parked`` of the ticket parked last at the window (the keypad cannot
                type a number); ``finish`` first as for a call. After a reconnect "last" is
                the latest issued among the parked, as the snapshot does not say when each was
                parked.
暂停 pause      ``pause``, or ``resume`` when the window is paused: one key toggles
转移 transfer   ``transfer`` to the window whose number was typed before the key (e.g. 3 +
                转移), else to the keypad's ``transfer_to`` window; with neither: refused
评价 rating     ``invite_rating`` (after ``finish`` if still serving), then start the
                window's evaluators. An evaluator at the keypad's own address was already
                started by the ack (the echo of the 评价 frame is the start command).
==============  =============================================================================

A refused request (queue_empty, window_closed, …), a request that cannot reach the server
and an unknown key all beep the keypad (at its own address, not the broadcast one) and are
logged. Every frame is acknowledged as soon as it is read, before any of this.

An evaluator press becomes ``rate {window, score}`` with the level of its model's key map.
A refused rating (already_rated, no_served_ticket, rating_expired) is recorded by the server
and logged here; a press while the server is away is logged and lost, never replayed later
(it could land on another citizen's ticket).

Server events drive the boards: a call shows the number on the window's keypad display and
its window boards ("请A012号到3号窗口"; digit displays show it by its prefix code, A012 ->
1012, see `numbers`); pause, idle (finished, no-show, parked, transferred)
and closed blank the digit boards and show their text on text boards. What the bridge
knows of the hall is a `contract.hall.HallModel`, built from each welcome and moved on by
the events; it names the windows each event changed, and those are redrawn. After every
(re)connect the boards are redrawn from the welcome's snapshot, after a gap in the events
from a fresh ``snapshot``, and after the port comes back from what the model knows.

The line's health is reported to the server as this device's ``device_status``, each
change in order: ``device_missing`` (with the reason) when the port goes away or cannot be
opened, ``ok`` when it is back; and the current state again after every reconnect.

Each keypad, evaluator and board of the config is reported as a part of this device
(``device_parts``: ``keypad-1``, ``evaluator-17``, ``board-33``), as far as the bus lets the
bridge know (see `health`: a keypad or evaluator is heard, silent or not known; a board only
has its line): the changes each `PARTS_TICK`, all of them again after every reconnect.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Coroutine
from typing import Any

import msgspec

from contract.events import TicketCalled
from contract.hall import Change, HallModel
from contract.records import Window, WindowState
from drivers.bus import BusPort, EvaluatorPress, Frame, KeypadAction, KeypadPress, decode_press
from drivers.bus.frame import FUNC_RATING, beep, show_code, show_number, start_evaluation
from drivers.bus.keypad import KEY_CONFIRM
from drivers.leddisplay import BusWindowDisplay, OnbonArea, OnbonWindowDisplay, WindowDisplay
from queue_server.client import HallClient, NotConnected, ServerError

from . import texts
from .config import BridgeConfig, DisplayType, EvaluatorSettings, KeypadSettings
from .health import EVALUATOR, KEYPAD, PartReport, Tracker
from .line import BusLine, LineState
from .numbers import DigitNumbers
from .signin import AskPin, Cancelled, SignIn, SignIns, Step
from .windows import Look, LookKind, look

log = logging.getLogger(__name__)

REQUEST_TIMEOUT = 5.0
#: A login's answer is held back by the server after wrong PINs (up to 8 s, growing with
#: each failure from this device) to slow guessing; wait that long, and the PIN check.
LOGIN_TIMEOUT = 20.0
#: Presses of one window in hand at once (one waiting for its reply, the others for their
#: turn); more are refused with a beep (a stuck key, a server that does not answer).
MAX_PENDING_PRESSES = 4
MAX_DETAIL = 200  # UTF-8 bytes of a device_status detail (the server's text limit)
PARTS_TICK = 5.0  # seconds between looks at the bus devices' health (at most)
PARTS_PER_REQUEST = 64  # the server's limit for one device_parts


class Refused(Exception):
    """A key press the bridge cannot turn into a request (e.g. 转移 with no target)."""


class Bridge:
    """The bridge process's state. `run` until `stop`."""

    def __init__(
        self, config: BridgeConfig, *, min_backoff: float = 0.2, max_backoff: float = 5.0
    ) -> None:
        self.config = config
        s = config.server
        self.client = HallClient(s.url, "bridge", s.device, s.token)
        self.port = BusPort(config.bus.port, config.bus.baudrate, local_echo=config.bus.local_echo)
        self.line = BusLine(
            self.port,
            self._on_frame,
            self._on_line_state,
            min_backoff=min_backoff,
            max_backoff=max_backoff,
        )
        self.max_backoff = max_backoff
        self.hall = HallModel(on_resync=self._on_gap)  # the server's state, as told
        self.hall.observe(self._on_change)
        self.drawn = frozenset(config.windows)  # windows with a keypad or board on this bus
        self.keypads = {k.address: k for k in config.keypads}
        self.evaluators = {e.address: e for e in config.evaluators}
        self.models = {e.address: e.model for e in config.evaluators}
        self.keypad_of: dict[int, list[int]] = defaultdict(list)  # window -> keypad addresses
        for k in config.keypads:
            self.keypad_of[k.window].append(k.address)
        self.evaluators_of: dict[int, list[int]] = defaultdict(list)
        for e in config.evaluators:
            if e.window is not None:
                self.evaluators_of[e.window].append(e.address)
        self.numbers = DigitNumbers(config.prefix_codes)  # A001 -> 1001 on digit displays
        self.displays: dict[int, list[WindowDisplay]] = defaultdict(list)
        for d in config.displays:
            board: WindowDisplay
            if d.type is DisplayType.BUS:
                board = BusWindowDisplay(self.line, {d.window: d.address}, self.numbers.digits)
            else:
                area = OnbonArea(width=d.width, height=d.height)
                board = OnbonWindowDisplay(
                    self.line, {d.window: d.address}, area=area, encoding=d.encoding
                )
            self.displays[d.window].append(board)
        self.online = False
        self.syncs = 0  # welcomes taken as the truth
        self.line_detail = ""
        self.reported: LineState | None = None  # the line state the server last accepted
        self.changed = asyncio.Condition()  # notified when online/syncs/line state change
        self._shown: dict[int, Look] = {}
        self.signins = SignIns(config.keypad_staff)
        # The server checks one login per device at a time; keypads of all windows take turns.
        self._login_lock = asyncio.Lock()
        # Keypad address -> the sign-in code its display shows instead of its window's look.
        self.prompts: dict[int, texts.KeypadCode] = {}
        # Line states still to report, in order; after a reconnect just the current one.
        self._to_report: asyncio.Queue[tuple[LineState, str]] = asyncio.Queue()
        self._stopping = asyncio.Event()
        self._window_locks: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._pending: dict[int, int] = defaultdict(int)  # presses in hand, per window
        self._tasks: set[asyncio.Task[Any]] = set()
        self.health = Tracker(config, config.bus.silent_after_s, time.monotonic)
        self.parts_tick = min(PARTS_TICK, config.bus.silent_after_s / 4)
        self._parts_all = False  # after a (re)connect: every part again
        self.parts_reported = 0  # device_parts the server accepted (tests)

    # -- life cycle ----------------------------------------------------------------------------

    async def run(self) -> None:
        """Connect both sides and serve until `stop`; then close the port and the connection."""
        log.info(
            "bridge %s: server %s, bus %s",
            self.config.server.device,
            self.config.server.url,
            self.config.bus.port,
        )
        self.line.start()
        loops = [
            asyncio.create_task(self._stay_connected()),
            asyncio.create_task(self._follow_events()),
            asyncio.create_task(self._report_status()),
            asyncio.create_task(self._report_parts()),
        ]
        try:
            await self._stopping.wait()
        finally:
            log.info("bridge stopping")
            await self.line.stop()
            await self.client.close()
            for task in [*loops, *self._tasks]:
                task.cancel()
            await asyncio.gather(*loops, *self._tasks, return_exceptions=True)
            log.info("bridge stopped")

    def stop(self) -> None:
        self._stopping.set()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10) -> None:
        """Wait until `predicate()` holds, re-checked after each change of state (tests)."""
        async with asyncio.timeout(timeout), self.changed:
            await self.changed.wait_for(predicate)

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- server side ---------------------------------------------------------------------------

    async def _stay_connected(self) -> None:
        """Connected to the server until stopped: `HallClient.run_forever` reconnects itself."""
        await self.client.run_forever(self._on_server, self.max_backoff)

    async def _on_server(self, online: bool) -> None:
        self.online = online
        try:
            if online:
                self._resync()
            else:
                # The next welcome's snapshot is the truth; a replay of missed events would
                # only redraw old calls.
                self.client.last_seq = None
                log.warning("lost the server %s; reconnecting", self.config.server.url)
        except Exception:
            log.exception("welcome not understood: %r", self.client.welcome)
        await self._notify()

    def _resync(self) -> None:
        self.syncs += 1
        try:
            self.hall.apply_welcome(self.client.welcome or {})  # the model redraws the boards
        except msgspec.ValidationError as exc:
            log.error("welcome not understood (%s): the windows are unknown", exc)
        else:
            url, seq = self.config.server.url, self.hall.seq
            log.info("connected to %s; boards redrawn from the snapshot (seq %d)", url, seq)
            self._check_prefixes()
        for window in self.config.windows:
            if window not in self.hall.windows:
                log.warning("window %d is configured on the bus but unknown to the server", window)
        while not self._to_report.empty():  # older states: the current one says it all
            self._to_report.get_nowait()
        self.reported = None
        self._to_report.put_nowait((self.line.state, self.line_detail))
        self._parts_all = True
        self._watch_windows()

    def _check_prefixes(self) -> None:
        """Say at once if the hall has prefixes the digit displays cannot show."""
        missing = self.numbers.missing(s.prefix for s in self.hall.services.values())
        if missing:
            where = f"[prefix_codes] of {self.config.source}"
            log.error(
                "prefixes %s have no code in %s: their numbers show blank on digit displays",
                ", ".join(missing),
                where,
            )

    async def _follow_events(self) -> None:
        while True:
            event = await self.client.events.get()
            try:
                self.hall.apply_event(event)  # older than the welcome: ignored, in its snapshot
            except Exception:
                log.exception("event not understood: %r", event)

    def _on_change(self, change: Change) -> None:
        """Redraw what the model says changed; a recall shows its number again."""
        if change.everything or change.windows:
            self._watch_windows()
        if change.everything:
            self._redraw_all()
            return
        recall = isinstance(change.event, TicketCalled) and change.event.recall
        for window in change.windows & self.drawn:
            self._draw(window, force=recall)

    def _on_gap(self, last_seq: int) -> None:
        log.warning("events after seq %d missed; asking the server for a snapshot", last_seq)
        self._spawn(self._fetch_snapshot())

    async def _fetch_snapshot(self) -> None:
        """After a gap: the server's snapshot; if it cannot be had, the next welcome."""
        try:
            self.hall.apply_snapshot(await self._request("snapshot"))
        except (ServerError, NotConnected, TimeoutError) as exc:
            log.warning("no snapshot after a gap (%s); boards wait for a reconnect", exc)
        except Exception:
            log.exception("snapshot not understood")

    async def _request(self, kind: str, **fields: Any) -> dict[str, Any]:
        return await self.client.request(kind, timeout=REQUEST_TIMEOUT, **fields)

    async def _report_status(self) -> None:
        """Tell the server each change of the line's health, in order; the current state
        again after every reconnect (changes while the server was away are not replayed)."""
        while True:
            state, detail = await self._to_report.get()
            if state is LineState.UNKNOWN or state is self.reported:
                continue
            if not self.client.connected:
                continue  # the current state is queued again on reconnect
            try:
                extra = {"detail": _clip(detail)} if detail else {}
                await self._request("device_status", status=state.value, **extra)
                log.info("reported %s to the server", state.value)
                self.reported = state
                await self._notify()
            except (ServerError, NotConnected, TimeoutError) as exc:
                log.warning("could not report the bus status %s: %s", state.value, exc)

    def _watch_windows(self) -> None:
        """A keypad's or evaluator's silence counts while its window is open."""
        shut = (WindowState.CLOSED, None)
        self.health.windows(w for w in self.config.windows if self._state(w) not in shut)

    async def _report_parts(self) -> None:
        """Each change of the bus devices' health; all of them after a (re)connect."""
        while True:
            await asyncio.sleep(self.parts_tick)
            if not self.client.connected:
                continue
            if self._parts_all:
                self._parts_all = False
                reports = self.health.everything()
            else:
                reports = self.health.changes()
            for start in range(0, len(reports), PARTS_PER_REQUEST):
                await self._send_parts(reports[start : start + PARTS_PER_REQUEST])

    async def _send_parts(self, reports: list[PartReport]) -> None:
        try:
            await self._request("device_parts", parts=[r.fields() for r in reports])
        except (ServerError, NotConnected, TimeoutError) as exc:
            log.warning("could not report %d bus devices: %s", len(reports), exc)
            self.health.forget(reports)  # said again with the next changes
            return
        for r in reports:
            log.info("bus device %s: %s", r.part, r.status.value)
        self.parts_reported += 1
        await self._notify()

    # -- bus side ------------------------------------------------------------------------------

    def _on_line_state(self, state: LineState, detail: str) -> None:
        if self._stopping.is_set():
            return
        self.line_detail = detail
        self.health.line(state is LineState.OK)
        if state is LineState.OK:
            self._redraw_all()  # the boards may have been restarted, or missed updates
        self._to_report.put_nowait((state, detail))
        self._spawn(self._notify())

    def _on_frame(self, frame: Frame) -> None:
        if self._stopping.is_set():
            return  # read just before the port closed; acknowledged, not acted on
        self.health.heard(EVALUATOR if frame.func == FUNC_RATING else KEYPAD, frame.addr)
        try:
            press = decode_press(frame, self.models)
        except Exception:
            log.exception("bus frame not understood: %s", frame)
            return
        if isinstance(press, EvaluatorPress):
            evaluator = self.evaluators.get(press.addr)
            if evaluator is None or press.level is None:
                return  # logged by the decoder
            self._spawn(self._rate(evaluator, press))
            return
        keypad = self.keypads.get(press.addr)
        if keypad is None:
            log.warning(
                "key %s from 0x%02X, which is no configured keypad", press.action, press.addr
            )
            return
        if self._pending[keypad.window] >= MAX_PENDING_PRESSES:
            log.warning(
                "window %d: %d presses still pending; %s dropped",
                keypad.window,
                self._pending[keypad.window],
                press.action,
            )
            self._beep(keypad)
            return
        self._pending[keypad.window] += 1
        self._spawn(self._press(keypad, press))

    async def _rate(self, evaluator: EvaluatorSettings, press: EvaluatorPress) -> None:
        """A press is a rating: of the hall (an evaluator without a window, 未办先评), or of
        the window's ticket, during (边办边评) or after (办后再评) service."""
        window = evaluator.window
        where = "the hall" if window is None else f"window {window}"
        try:
            if window is None:
                reply = await self._request(
                    "rate_hall", score=press.level, aspect=evaluator.aspect, source="evaluator"
                )
            else:
                moment = evaluator.moment
                if moment == "auto":
                    known = self.hall.windows.get(window)
                    moment = "during" if known is not None and known.current else "after"
                reply = await self._request(
                    "rate", window=window, score=press.level, source="evaluator", moment=moment
                )
        except ServerError as exc:
            log.info("rating %s of %s refused: %s", press.level, where, exc.code)
        except (NotConnected, TimeoutError) as exc:
            log.warning(
                "rating %s of %s lost: server unreachable (%s)",
                press.level,
                where,
                type(exc).__name__,
            )
        except Exception:
            log.exception("rating %s of %s failed", press.level, where)
        else:
            rating = reply.get("rating") or {}
            log.info(
                "rating %s recorded for %s at %s", press.level, rating.get("number", "-"), where
            )

    async def _press(self, keypad: KeypadSettings, press: KeypadPress) -> None:
        window = keypad.window
        try:
            async with self._window_locks[window]:  # one window's presses run in order
                await self._handle(keypad, press)
        finally:
            self._pending[window] -= 1

    async def _handle(self, keypad: KeypadSettings, press: KeypadPress) -> None:
        """Act on a press; anything that goes wrong beeps the keypad and is logged."""
        window = keypad.window
        try:
            await self._act(keypad, press)
        except (ServerError, Refused) as exc:
            log.info("window %d: %s refused: %s", window, press.action, exc)
            self._beep(keypad)
        except (NotConnected, TimeoutError) as exc:
            log.warning(
                "window %d: %s not done, server unreachable (%s)",
                window,
                press.action,
                type(exc).__name__,
            )
            self._beep(keypad)
        except Exception:
            log.exception("window %d: %s failed", window, press.action)
            self._beep(keypad)

    async def _act(self, keypad: KeypadSettings, press: KeypadPress) -> None:
        window = keypad.window
        action = press.action
        if self._signing_in(keypad, press):
            await self._sign_in(keypad, press)
            return
        # Never the digits typed before the key: they may be a PIN ended with the wrong key.
        log.info("window %d: key %s", window, action)
        self.signins.cancel(keypad.address)  # any other key ends a half-typed sign-in
        self._prompt(keypad, None)  # and the display shows the window again
        if action is KeypadAction.CALL_NEXT:
            await self._ending_current(window, "call_next")
        elif action is KeypadAction.RECALL:
            await self._request("recall", window=window)
        elif action is KeypadAction.NO_SHOW:
            await self._request("no_show", window=window)
        elif action is KeypadAction.PARK:
            await self._request("park", window=window)
        elif action is KeypadAction.CALL_BACK:
            parked = self.hall.last_parked(window)
            if parked is None:
                raise Refused("no ticket is parked at this window")
            await self._ending_current(window, "call_parked", number=parked)
        elif action is KeypadAction.PAUSE:
            paused = self._state(window) is WindowState.PAUSED
            await self._request("resume" if paused else "pause", window=window)
        elif action is KeypadAction.TRANSFER:
            target = int(press.digits) if press.digits else keypad.transfer_to
            if target is None:
                raise Refused("no window typed before 转移 and no transfer_to configured")
            await self._request("transfer", window=window, to_window=target)
        elif action is KeypadAction.INVITE_RATING:
            await self._ending_current(window, "invite_rating")
            for addr in self.evaluators_of.get(window, []):
                if addr != keypad.address:  # that one was started by the ack
                    self.line.write_frame(start_evaluation(addr))
        elif action is KeypadAction.SIGN_OUT:
            await self._request("logout", window=window)
            log.info("window %d: signed out on keypad 0x%02X", window, keypad.address)
            self._prompt(keypad, texts.SIGNED_OUT)
        elif action is KeypadAction.CANCEL:
            pass  # nothing half-typed: the display shows the window again
        elif action is KeypadAction.ENTER:
            raise Refused("digits + 确认 sign in at a closed window only")
        else:
            raise Refused(f"unknown key {press.key!r} after {len(press.digits)} digits")

    # -- signing in on the keypad --------------------------------------------------------------

    def _signing_in(self, keypad: KeypadSettings, press: KeypadPress) -> bool:
        """Whether the press belongs to a sign-in: 取消, or any 确认 at a closed window or
        after a staff number (so 6 + 确认 there is the staff number 6, not 弃号)."""
        if self.signins.waiting_for_pin(keypad.address):
            return press.key == KEY_CONFIRM or press.action is KeypadAction.CANCEL
        closed = self._state(keypad.window) is WindowState.CLOSED
        return closed and press.key == KEY_CONFIRM

    async def _sign_in(self, keypad: KeypadSettings, press: KeypadPress) -> None:
        window, addr = keypad.window, keypad.address
        step: Step = (
            self.signins.cancel(addr)
            if press.key != KEY_CONFIRM
            else self.signins.enter(addr, press.digits)
        )
        if isinstance(step, Cancelled):
            log.info("window %d: sign-in on keypad 0x%02X cancelled", window, addr)
            self._prompt(keypad, None)
        elif isinstance(step, AskPin):
            log.info(
                "window %d: staff number typed on keypad 0x%02X; asking for the PIN", window, addr
            )
            self._prompt(keypad, texts.ASK_PIN)
        else:
            code = await self._log_in(window, step)
            self._prompt(keypad, code)
            if code is not texts.SIGNED_IN:
                self._beep(keypad)

    async def _log_in(self, window: int, step: SignIn) -> texts.KeypadCode:
        """Send the ``login``; the code the keypad shows for the answer."""
        try:
            async with self._login_lock:
                await self.client.request(
                    "login", timeout=LOGIN_TIMEOUT, window=window, staff=step.staff, pin=step.pin
                )
        except ServerError as exc:
            code = _SIGN_IN_ERRORS.get(exc.code, texts.REFUSED)
            log.warning("window %d: keypad sign-in refused: %s (%s)", window, exc.code, code.en)
            return code
        except (NotConnected, TimeoutError) as exc:
            log.warning(
                "window %d: keypad sign-in not done, server unreachable (%s)",
                window,
                type(exc).__name__,
            )
            return texts.OFFLINE
        log.info("window %d: staff %s signed in on the keypad", window, step.staff)
        return texts.SIGNED_IN

    def _prompt(self, keypad: KeypadSettings, code: texts.KeypadCode | None) -> None:
        """Show `code` on the keypad's display until its next key, or its window's look."""
        if code is None and keypad.address not in self.prompts:
            return
        if code is None:
            del self.prompts[keypad.address]
        else:
            self.prompts[keypad.address] = code
        self._show_on_keypad(keypad.address, self._look(keypad.window))

    def _show_on_keypad(self, addr: int, look: Look) -> None:
        code = self.prompts.get(addr)
        if code is not None:
            self.line.write_frame(show_code(addr, code.code))
        elif look.kind is not LookKind.UNKNOWN:
            self.line.write_frame(show_number(addr, self.numbers.digits(look.number)))

    async def _ending_current(self, window: int, kind: str, **fields: Any) -> dict[str, Any]:
        """`kind` at `window`; if the window still serves someone, finish that first."""
        try:
            return await self._request(kind, window=window, **fields)
        except ServerError as exc:
            if exc.code != "window_busy":
                raise
        await self._request("finish", window=window)
        return await self._request(kind, window=window, **fields)

    def _beep(self, keypad: KeypadSettings) -> None:
        self.line.write_frame(beep(keypad.address))

    # -- boards --------------------------------------------------------------------------------

    def _state(self, window: int) -> WindowState | None:
        record: Window | None = self.hall.windows.get(window)
        return record.state if record is not None else None

    def _look(self, window: int) -> Look:
        return look(self.hall.windows.get(window))

    def _redraw_all(self) -> None:
        for window in self.drawn:
            self._draw(window, force=True)

    def _draw(self, window: int, *, force: bool = False) -> None:
        """Show the window's look on its keypad display and boards, if it changed."""
        now = self._look(window)
        if now.kind is LookKind.UNKNOWN or (not force and self._shown.get(window) == now):
            return
        self._shown[window] = now
        for addr in self.keypad_of.get(window, []):
            if now.kind is LookKind.CALL:
                self.prompts.pop(addr, None)  # a number called here matters more than a code
            self._show_on_keypad(addr, now)
        for board in self.displays.get(window, []):
            try:
                if now.kind is LookKind.CALL:
                    board.show_call(window, now.number, texts.call_text(now.number, window))
                elif now.kind is LookKind.IDLE:
                    board.show_idle(window, texts.IDLE.zh)
                elif now.kind is LookKind.PAUSED:
                    board.show_paused(window, texts.PAUSED.zh)
                else:  # closed: the interface has no closed state; "not serving" is paused
                    board.show_paused(window, texts.CLOSED.zh)
            except Exception:
                log.exception(
                    "window %d: board %s failed to show %s", window, type(board).__name__, now
                )


_SIGN_IN_ERRORS = {
    "bad_pin": texts.BAD_PIN,
    "unknown_staff": texts.BAD_PIN,
    "staff_locked": texts.LOCKED,
}


def _clip(text: str) -> str:
    """At most MAX_DETAIL UTF-8 bytes; the end of an OS error says the most, keep it."""
    if len(text.encode()) <= MAX_DETAIL:
        return text
    room = MAX_DETAIL - len("…".encode())
    tail = text.encode()[-room:].decode(errors="ignore")  # no half character at the cut
    return "…" + tail
