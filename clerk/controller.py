"""Between the server link and the model: sends the clerk's requests, feeds back what comes.

It keeps the staff id and PIN of the current session in memory only, so that after a reconnect
the window is logged in again without asking, and the screen is re-rendered from a fresh
snapshot. It forgets them as soon as the session ends, however it ends (签退, a keypad or a
manager closing the window, a refused re-login), so the next person cannot be logged in as the
last clerk. While the link is down nothing is sent (the model disables every action).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from appkit.link import ServerLink
from clerk.model import Action, ClerkModel, LinkState
from clerk.texts import Texts
from queue_server.client import ServerError

log = logging.getLogger(__name__)

Reply = dict[str, Any]

# A silent re-login refused for one of these will not work by retrying: back to the login page.
FINAL_LOGIN_ERRORS = frozenset(
    {"bad_pin", "already_open", "unknown_staff", "unknown_window", "wrong_window", "forbidden"}
)
RELOGIN_RETRY_MS = 3000  # after a passing failure (server busy, could not save)

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

    def __init__(self, link: ServerLink, model: ClerkModel, texts: Texts,
                 clock: Callable[[], float] = time.time, parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.link, self.model, self.texts, self.clock = link, model, texts, clock
        self._credentials: tuple[str, str] | None = None  # this session only, never stored
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.setInterval(RELOGIN_RETRY_MS)
        self.retry.timeout.connect(self._relogin)
        link.online.connect(self._on_online)
        link.welcomed.connect(self._on_welcomed)
        link.pushed.connect(self._on_event)
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
        self.model.set_busy(True)

        def done(reply: Reply | None, error: ServerError | None) -> None:
            self.model.busy = False
            if error is not None or reply is None:
                self.model.changed()
                self.login_error.emit(self._error_text(error))
                return
            self._credentials = (staff, pin)
            self.model.signed_in(staff, reply["window"])
            self.notice.emit("info", self.texts("done_login", name=self.model.staff_name or staff))

        self.link.request("login", done, window=self.model.window, staff=staff, pin=pin)

    def act(self, action: Action, **fields: Any) -> bool:
        """Send `action` if it makes sense now; the reply updates the model. False if not sent."""
        if not self.model.enabled(action):
            log.debug("%s ignored in mode %s", action, self.model.mode)
            return False
        self.model.set_busy(True)
        target = self._target_text(fields)
        self.link.request(action.value, lambda r, e: self._acted(action, target, r, e),
                          window=self.model.window, **fields)  # fmt: skip
        return True

    # -- replies -----------------------------------------------------------------------------

    def _acted(self, action: Action, target: str, reply: Reply | None,
               error: ServerError | None) -> None:  # fmt: skip
        self.model.busy = False
        if error is not None or reply is None:
            self.model.changed()
            self.notice.emit("error", self._error_text(error))
            if error is not None and error.code == "not_logged_in":
                self.model.set_link(LinkState.ONLINE)  # the server forgot this session's login
                self._relogin()
            elif error is not None and error.code != "offline":
                self._refresh()  # the screen may have been wrong about the window: resync
            return
        self.model.apply_reply(reply)
        if action is Action.LOGOUT:
            self._credentials = None
            self.model.signed_out()
        ticket = reply.get("ticket") or {}
        self.notice.emit("info", self.texts(DONE_TEXT[action], number=ticket.get("number", ""),
                                            target=target))  # fmt: skip

    def _error_text(self, error: ServerError | None) -> str:
        if error is None:
            return self.texts.error("internal")
        return self.texts.error(error.code, error.message, error.message_en)

    def _target_text(self, fields: dict[str, Any]) -> str:
        if fields.get("to_window") is not None:
            number = fields["to_window"]
            return self.texts.window(number, self.model.windows.get(number, ""))
        if fields.get("to_service") is not None:
            return self.model.service_name(fields["to_service"], self.texts.lang)
        return ""

    def _on_model(self) -> None:
        if not self.model.logged_in:
            self._credentials = None  # the session is over: nothing of it stays

    # -- the link ----------------------------------------------------------------------------

    def _on_online(self, online: bool) -> None:
        if not online:
            self.model.set_link(LinkState.OFFLINE)
            self.notice.emit("error", self.texts("offline_short"))

    def _on_welcomed(self, welcome: Reply) -> None:
        self.model.apply_welcome(welcome)
        self._calibrate_clock()
        if self._credentials is not None:
            self._relogin()

    def _on_event(self, event: Reply) -> None:
        if not self.model.apply_event(event):
            log.info("event gap before seq %s; fetching a snapshot", event.get("seq"))
            self._refresh()

    def _relogin(self) -> None:
        """Log in again silently with the session's credentials, then re-render from a snapshot."""
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
            self.model.signed_in(staff, reply["window"])
            self._refresh()
            self.notice.emit("info", self.texts("restored"))

        self.link.request("login", done, window=self.model.window, staff=staff, pin=pin)

    def _refresh(self) -> None:
        def done(reply: Reply | None, error: ServerError | None) -> None:
            if reply is not None:
                self.model.apply_snapshot(reply, reply["seq"])

        self.link.request("snapshot", done)

    def _calibrate_clock(self) -> None:
        """Learn the server's clock, so the serving time counts from the server's call time."""
        sent = self.clock()

        def done(reply: Reply | None, error: ServerError | None) -> None:
            if reply is not None and isinstance(reply.get("time"), (int, float)):
                self.model.set_server_time(reply["time"], (sent + self.clock()) / 2)

        self.link.request("ping", done)
