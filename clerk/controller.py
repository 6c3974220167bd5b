"""Between the server link and the model: sends the clerk's requests, says how they went.

Requests are the contract's typed requests (`contract.requests`), sent through the link. The
window's state comes from the link's live model, never from a reply: a reply settles its action
once the live model has seen the server's events up to the reply's `seq` (a `ping`'s, for a
server that does not send one).

It keeps the staff id and PIN of the current session in memory only, so that after a reconnect
the window is logged in again without asking. It forgets them as soon as the session ends,
however it ends (签退, a keypad or a manager closing the window, a refused re-login), so the next
person cannot be logged in as the last clerk. While the link is down nothing is sent (the model
disables every action).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import msgspec
from PySide6.QtCore import QObject, QTimer, Signal

from appkit.link import ServerError, ServerLink
from clerk.model import Action, ClerkModel, LinkState
from clerk.texts import Texts
from contract import requests as rq

log = logging.getLogger(__name__)

Reply = dict[str, Any]

# A silent re-login refused for one of these will not work by retrying: back to the login page.
FINAL_LOGIN_ERRORS = frozenset(
    {"bad_pin", "already_open", "unknown_staff", "unknown_window", "wrong_window", "forbidden"}
)
RELOGIN_RETRY_MS = 3000  # after a passing failure (server busy, could not save)
UNSENT = 0  # a typed request's id before the link numbers it

# The request each action sends; the ones with fields of their own are built by the caller.
REQUESTS: dict[Action, type[rq.WindowRequest]] = {
    Action.CALL_NEXT: rq.CallNext,
    Action.RECALL: rq.Recall,
    Action.NO_SHOW: rq.NoShow,
    Action.FINISH: rq.Finish,
    Action.TRANSFER: rq.Transfer,
    Action.PARK: rq.Park,
    Action.CALL_PARKED: rq.CallParked,
    Action.CALL_NUMBER: rq.CallNumber,
    Action.PAUSE: rq.Pause,
    Action.RESUME: rq.Resume,
    Action.INVITE_RATING: rq.InviteRating,
    Action.LOGOUT: rq.Logout,
}

# What to say when an action succeeded.
DONE_TEXT = {
    Action.CALL_NEXT: "done_called",
    Action.CALL_NUMBER: "done_called",
    Action.CALL_PARKED: "done_called",
    Action.RECALL: "done_recall",
    Action.NO_SHOW: "done_no_show",
    Action.FINISH: "done_finish",
    Action.TRANSFER: "done_transfer",
    Action.PARK: "done_park",
    Action.PAUSE: "done_pause",
    Action.RESUME: "done_resume",
    Action.INVITE_RATING: "done_invite_rating",
    Action.LOGOUT: "done_logout",
}


class Controller(QObject):
    """Signals: `notice(level, text)` with level "info" or "error"; `login_error(text)`."""

    notice = Signal(str, str)
    login_error = Signal(str)

    def __init__(
        self,
        link: ServerLink,
        model: ClerkModel,
        texts: Texts,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.link, self.model, self.texts, self.clock = link, model, texts, clock
        self._credentials: tuple[str, str] | None = None  # this session only, never stored
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(RELOGIN_RETRY_MS)
        self.retry.timeout.connect(self._relogin)
        link.online.connect(self._on_online)
        link.welcomed.connect(self._on_welcomed)
        link.changed.connect(model.hall_changed)
        model.subscribe(self._on_model)

    def stop(self) -> None:
        self.retry.stop()

    @property
    def remembers_login(self) -> bool:
        """Whether a staff id and PIN are held for a silent re-login after a reconnect."""
        return self._credentials is not None

    # -- the clerk ---------------------------------------------------------------------------

    def login(self, staff: str, pin: str) -> None:
        staff, pin = staff.strip(), pin.strip()
        if not staff or not pin:
            self.login_error.emit(self.texts("fill_both"))
            return
        if self.model.link in (LinkState.UNKNOWN, LinkState.OFFLINE):
            self.login_error.emit(self.texts.error("offline"))
            return
        try:
            request = rq.Login(id=UNSENT, window=self.model.window, staff=staff, pin=pin)
        except ValueError:  # control characters, or far too long: no such staff id or PIN
            self.login_error.emit(self.texts.error("bad_pin"))
            return
        self.model.set_pending("login")

        def done(reply: Reply | None, error: ServerError | None) -> None:
            if error is not None or reply is None:
                self.model.set_pending(None)
                self.login_error.emit(self._error_text(error))
                return
            self._settle(lambda: self._signed_in(staff, pin), reply)

        self._send(request, done)

    def _signed_in(self, staff: str, pin: str) -> None:
        self._credentials = (staff, pin)
        self.model.pending = None
        self.model.signed_in(staff)
        self.notice.emit("info", self.texts("done_login", name=self.model.staff_name or staff))

    def act(self, action: Action, **fields: Any) -> bool:
        """Send `action` if it makes sense now; the live model shows what it did. False if not."""
        if not self.model.enabled(action):
            log.debug("%s ignored in mode %s", action, self.model.mode)
            return False
        try:
            request = REQUESTS[action](id=UNSENT, window=self.model.window, **fields)
        except (TypeError, ValueError) as exc:
            log.error("%s not sent: %s", action, exc)
            return False
        self.model.set_pending(action)
        target = self._target_text(fields)
        self._send(request, lambda r, e: self._acted(action, target, r, e))
        return True

    # -- replies -----------------------------------------------------------------------------

    def _acted(
        self, action: Action, target: str, reply: Reply | None, error: ServerError | None
    ) -> None:
        if error is not None or reply is None:
            self.model.set_pending(None)
            self.notice.emit("error", self._error_text(error))
            if error is not None and error.code == "not_logged_in":
                self.model.set_link(LinkState.ONLINE)  # the server forgot this session's login
                self._relogin()
            elif error is not None and error.code != "offline":
                self._refresh()  # the screen may have been wrong about the window: resync
            return
        ticket = reply.get("ticket")
        number = ticket.get("number", "") if isinstance(ticket, dict) else ""

        def settled() -> None:
            if action is Action.LOGOUT:
                self._credentials = None
                self.model.signed_out()
            else:
                self.model.set_pending(None)
            self.notice.emit("info", self.texts(DONE_TEXT[action], number=number, target=target))

        self._settle(settled, reply)

    def _error_text(self, error: ServerError | None) -> str:
        if error is None:
            return self.texts.error("internal")
        return self.texts.error(error.code, error.message, error.message_en)

    def _target_text(self, fields: dict[str, Any]) -> str:
        if fields.get("to_window") is not None:
            number = fields["to_window"]
            return self.texts.window(number, self.model.window_names().get(number, ""))
        if fields.get("to_service") is not None:
            return self.model.service_name(fields["to_service"], self.texts.lang)
        return ""

    def _on_model(self) -> None:
        if not self.model.logged_in:
            self._credentials = None  # the session is over: nothing of it stays

    # -- the link ----------------------------------------------------------------------------

    def send(
        self, request: rq.Request, callback: Callable[[Reply | None, ServerError | None], None]
    ) -> None:
        """Send a typed request for a dialog of the app (电话预约)."""
        self._send(request, callback)

    def _send(
        self, request: rq.Request, callback: Callable[[Reply | None, ServerError | None], None]
    ) -> None:
        """Send a typed request: the link numbers it; its fields go as the contract names them."""
        fields = msgspec.to_builtins(request)
        kind = fields.pop("type")
        del fields["id"]
        self.link.request(kind, callback, **{k: v for k, v in fields.items() if v is not None})

    def _settle(self, then: Callable[[], None], reply: Reply | None = None) -> None:
        """Call `then` once the live model has caught up with the server as of now.

        A reply leaves before the events it caused and names the `seq` they reach; the model
        reaches it once it has applied them. Without one, a `ping` sent after the reply is
        answered with the server's `seq`.
        """
        seq = reply.get("seq") if reply is not None else None
        if isinstance(seq, int) and not isinstance(seq, bool):
            self.model.when_seen(seq, then)
            return

        def done(reply: Reply | None, error: ServerError | None) -> None:
            seq = reply.get("seq") if reply is not None else None
            if isinstance(seq, int):
                self.model.when_seen(seq, then)
            else:
                then()

        self._send(rq.Ping(id=UNSENT), done)

    def _on_online(self, online: bool) -> None:
        if not online:
            self.model.set_link(LinkState.OFFLINE)
            self.notice.emit("error", self.texts("offline_short"))

    def _on_welcomed(self, welcome: Reply) -> None:
        self.model.welcomed()
        self._calibrate_clock()
        if self._credentials is not None:
            self._relogin()

    def _relogin(self) -> None:
        """Log in again silently with the session's credentials."""
        if self._credentials is None or self.model.link in (LinkState.UNKNOWN, LinkState.OFFLINE):
            return
        staff, pin = self._credentials
        self.notice.emit("info", self.texts("restoring"))

        def done(reply: Reply | None, error: ServerError | None) -> None:
            if error is not None or reply is None:
                if error is not None and error.code == "offline":
                    return  # the next welcome tries again
                log.warning("silent re-login failed: %s", error)
                if error is not None and error.code not in FINAL_LOGIN_ERRORS:
                    self.notice.emit("error", self._error_text(error))
                    self.retry.start()
                    return
                self._credentials = None
                self.model.signed_out()
                self.login_error.emit(self.texts("relogin_failed", reason=self._error_text(error)))
                return

            def restored() -> None:
                self.model.signed_in(staff)
                self.notice.emit("info", self.texts("restored"))

            self._settle(restored)

        self._send(rq.Login(id=UNSENT, window=self.model.window, staff=staff, pin=pin), done)

    def _refresh(self) -> None:
        """Read a snapshot into the live model (after a refusal the screen may be stale)."""

        def done(reply: Reply | None, error: ServerError | None) -> None:
            try:
                if reply is not None:
                    self.link.model.apply_snapshot(reply)
            except ValueError as exc:  # a server bug, not the network: keep the model
                log.error("the server's snapshot does not read as the contract's: %s", exc)

        self._send(rq.Snapshot(id=UNSENT), done)

    def _calibrate_clock(self) -> None:
        """Learn the server's clock, so the serving time counts from the server's call time."""
        sent = self.clock()

        def done(reply: Reply | None, error: ServerError | None) -> None:
            if reply is not None and isinstance(reply.get("time"), (int, float)):
                self.model.set_server_time(reply["time"], (sent + self.clock()) / 2)

        self._send(rq.Ping(id=UNSENT), done)
