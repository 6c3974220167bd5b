"""Between the server link and the wall: the manager's log-in, actions and today's KPIs.

Requests are the contract's typed requests (`contract.requests`), sent through the link; what
they change comes back as events into the link's live model, which the wall shows. The staff
id and PIN of the manager logged in are kept in memory only, to log in again silently after a
reconnect; logging out (or a refused re-login) forgets them. Today's figures (`kpis`) are asked
for every `kpis_s` seconds and shortly after each call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import msgspec
from PySide6.QtCore import QObject, QTimer, Signal

from appkit.link import ServerError, ServerLink
from contract import events as ev
from contract import requests as rq
from contract.hall import Change
from contract.records import Kpis
from wall.texts import Texts

log = logging.getLogger(__name__)

Reply = dict[str, Any]
UNSENT = 0  # a typed request's id before the link numbers it
AFTER_CALL_MS = 2000  # today's figures are asked again this long after a call (or a finish…)
# Events after which today's figures have moved (asked again once, after a short while).
FIGURES_EVENTS = (
    ev.TicketCalled,
    ev.TicketFinished,
    ev.TicketNoShow,
    ev.TicketTransferred,
    ev.RatingRecorded,
)
# A silent re-login refused for one of these will not work by retrying.
FINAL_LOGIN_ERRORS = frozenset({"bad_pin", "unknown_staff", "forbidden", "staff_locked"})


class WallController(QObject):
    """Signals: `notice(level, text)` ("info" | "error"), `login_error(text)`, `manager()`
    (logged in or out), `kpis_changed()`."""

    notice = Signal(str, str)
    login_error = Signal(str)
    manager = Signal()
    kpis_changed = Signal()

    def __init__(
        self,
        link: ServerLink,
        texts: Texts,
        kpis_s: float = 30.0,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.link, self.texts, self.clock = link, texts, clock
        self.staff: str | None = None  # the manager logged in
        self.staff_name: str | None = None
        self.pending_login = False
        self._credentials: tuple[str, str] | None = None  # this session only, never stored
        # While the silent re-login after a reconnect is on its way, actions wait for it (the
        # server answers a log-in after its PIN check, so a later request could overtake it).
        self._relogging = False
        self._held: list[tuple[rq.Request, Callable[[Reply | None, ServerError | None], None]]] = []
        self.kpis: Kpis | None = None
        self.kpis_refused: str | None = None  # why the server gives no figures
        self.offset = 0.0  # the server's clock minus ours
        self.kpis_timer = QTimer(self)
        self.kpis_timer.setInterval(round(kpis_s * 1000))
        self.kpis_timer.timeout.connect(self.refresh_kpis)
        self.after_call = QTimer(self)
        self.after_call.setSingleShot(True)
        self.after_call.setInterval(AFTER_CALL_MS)
        self.after_call.timeout.connect(self.refresh_kpis)
        link.welcomed.connect(self._on_welcomed)
        link.changed.connect(self._on_change)

    def start(self) -> None:
        self.kpis_timer.start()

    def stop(self) -> None:
        self.kpis_timer.stop()
        self.after_call.stop()

    def timers_active(self) -> bool:
        return self.kpis_timer.isActive() or self.after_call.isActive()

    def now(self) -> float:
        """The server's time now (as learned from its `ping`)."""
        return self.clock() + self.offset

    @property
    def remembers_login(self) -> bool:
        """Whether a staff id and PIN are held for a silent re-login after a reconnect."""
        return self._credentials is not None

    @property
    def logged_in(self) -> bool:
        return self.staff is not None

    # -- the manager ---------------------------------------------------------------------------

    def login(self, staff: str, pin: str) -> None:
        staff, pin = staff.strip(), pin.strip()
        if not staff or not pin:
            self.login_error.emit(self.texts("fill_both"))
            return
        try:
            request = rq.ManagerLogin(id=UNSENT, staff=staff, pin=pin)
        except ValueError:  # control characters, or far too long: no such staff id or PIN
            self.login_error.emit(self.texts.error("bad_pin"))
            return
        self.pending_login = True
        self.manager.emit()

        def done(reply: Reply | None, error: ServerError | None) -> None:
            self.pending_login = False
            if error is not None or reply is None:
                self.manager.emit()
                self.login_error.emit(self.error_text(error))
                return
            self._credentials = (staff, pin)
            self._signed_in(staff, reply)
            self.notice.emit("info", self.texts("done_login", name=self.staff_name or staff))

        self._send(request, done)

    def _signed_in(self, staff: str, reply: Reply) -> None:
        self.staff = staff
        name = reply.get("staff_name") or reply.get("name")
        self.staff_name = name if isinstance(name, str) else None
        self.manager.emit()
        self.refresh_kpis()

    def logout(self) -> None:
        """Sign out: the staff id is forgotten here at once, whatever the server answers."""
        was = self.staff
        self._forget()
        if was is not None:
            self._send(rq.ManagerLogout(id=UNSENT), None)
        self.notice.emit("info", self.texts("done_logout"))

    def _forget(self) -> None:
        self.staff = self.staff_name = None
        self._credentials = None
        self._held = []
        self.manager.emit()

    # -- actions -----------------------------------------------------------------------------

    def ack_alert(self, alert: str, note: str = "") -> bool:
        return self._act(rq.AckAlert, "done_ack", {}, alert=alert, note=note or None)

    def manage_window(self, window: int, action: str, reason: str | None = None) -> bool:
        done = "done_pause" if action == "pause" else "done_resume"
        label = self.texts("window_no", n=window)
        return self._act(
            rq.ManageWindow, done, {"window": label}, window=window, action=action, reason=reason
        )

    def post_notice(self, text_zh: str | None, text_en: str | None) -> bool:
        done = "done_notice" if text_zh else "done_notice_cleared"
        return self._act(rq.PostNotice, done, {}, text_zh=text_zh, text_en=text_en)

    def assign(self, followup: str, number: str, owner: str) -> bool:
        fields = {"number": number, "owner": owner}
        return self._act(rq.FollowupAssign, "done_assign", fields, followup=followup, owner=owner)

    def contact(self, followup: str, number: str, channel: str, note: str) -> bool:
        return self._act(
            rq.FollowupContact,
            "done_contact",
            {"number": number},
            followup=followup,
            channel=channel,
            note=note,
        )

    def resolve(self, followup: str, number: str, outcome: str, note: str) -> bool:
        return self._act(
            rq.FollowupResolve,
            "done_resolve",
            {"number": number},
            followup=followup,
            outcome=outcome,
            note=note,
        )

    def _act(self, kind: type[rq.Request], done: str, words: dict[str, Any], **fields: Any) -> bool:
        """Send a manager's action; False (and why, on the status line) if it was not sent."""
        if not self.logged_in:
            self.notice.emit("error", self.texts("need_login"))
            return False
        try:
            request = kind(id=UNSENT, **fields)
        except (TypeError, ValueError) as exc:
            log.error("%s not sent: %s", kind.__name__, exc)
            self.notice.emit("error", self.texts.error("bad_field"))
            return False

        def replied(reply: Reply | None, error: ServerError | None) -> None:
            if error is not None or reply is None:
                self.notice.emit("error", self.error_text(error))
                if error is not None and error.code == "not_logged_in":
                    if self._credentials is not None:
                        self._relogin()  # the server forgot the session: log in again
                    else:
                        self._forget()
                return
            self.notice.emit("info", self.texts(done, **words))

        if self._relogging:
            self._held.append((request, replied))
        else:
            self._send(request, replied)
        return True

    def error_text(self, error: ServerError | None) -> str:
        if error is None:
            return self.texts.error("internal")
        return self.texts.error(error.code, error.message, error.message_en)

    # -- today's figures ---------------------------------------------------------------------

    def refresh_kpis(self) -> None:
        def done(reply: Reply | None, error: ServerError | None) -> None:
            if error is not None or reply is None:
                if error is not None and error.code != "offline":
                    self.kpis_refused = error.code
                    log.info("no KPIs from the server: %s", error)
                return
            try:
                self.kpis = msgspec.convert(reply.get("kpis"), Kpis, strict=False)
            except msgspec.ValidationError as exc:
                log.error("the server's KPIs do not read as the contract's: %s", exc)
                return
            self.kpis_refused = None
            self.kpis_changed.emit()

        if self.link.is_online:
            self._send(rq.Kpis(id=UNSENT), done)

    # -- the link ----------------------------------------------------------------------------

    def _send(
        self,
        request: rq.Request,
        callback: Callable[[Reply | None, ServerError | None], None] | None,
    ) -> None:
        """Send a typed request: the link numbers it; its fields go as the contract names them."""
        fields = msgspec.to_builtins(request)
        kind = fields.pop("type")
        del fields["id"]
        self.link.request(kind, callback, **{k: v for k, v in fields.items() if v is not None})

    def _on_change(self, change: Change) -> None:
        e = change.event
        if isinstance(e, FIGURES_EVENTS) and not self.after_call.isActive():
            self.after_call.start()
        elif (
            isinstance(e, ev.ManagerLoggedIn)
            and e.device == self.link.client.device
            and e.staff_name
            and e.staff == self.staff
        ):
            self.staff_name = e.staff_name
            self.manager.emit()

    def _on_welcomed(self, welcome: Reply) -> None:
        self._calibrate_clock()
        self.refresh_kpis()
        if self._credentials is not None:
            self._relogin()

    def _relogin(self) -> None:
        if self._credentials is None or self._relogging:
            return
        staff, pin = self._credentials
        self._relogging = True

        def done(reply: Reply | None, error: ServerError | None) -> None:
            self._relogging = False
            held, self._held = self._held, []
            if error is not None or reply is None:
                for _request, callback in held:
                    callback(None, error)
                if error is not None and error.code == "offline":
                    return  # the next welcome tries again
                log.warning("silent manager re-login failed: %s", error)
                if error is None or error.code in FINAL_LOGIN_ERRORS:
                    self._forget()
                    self.login_error.emit(
                        self.texts("relogin_failed", reason=self.error_text(error))
                    )
                return
            self._signed_in(staff, reply)
            for request, callback in held:
                self._send(request, callback)

        self._send(rq.ManagerLogin(id=UNSENT, staff=staff, pin=pin), done)

    def _calibrate_clock(self) -> None:
        sent = self.clock()

        def done(reply: Reply | None, error: ServerError | None) -> None:
            if reply is not None and isinstance(reply.get("time"), (int, float)):
                self.offset = reply["time"] - (sent + self.clock()) / 2

        self._send(rq.Ping(id=UNSENT), done)
