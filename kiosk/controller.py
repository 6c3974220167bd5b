"""Wires the flow to the world: taps in, server requests and print jobs out.

The controller lives on the app's thread. It feeds the flow what the `ServerLink` and the
`PrinterService` report, and carries out the effects the flow returns. The hall's services come
from the link's live model, moved by the server's events; the controller tells the flow when
they change. Its timers: going home after idle time, a slow snapshot refresh for what events
do not carry (a service closing or opening with the hall's hours), and the printer status check.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from appkit.link import ServerError, ServerLink
from contract.hall import Change

from .checkin import CheckinFlow
from .checkin_screen import CheckinDesk
from .config import KioskConfig
from .flow import (
    Effect,
    KioskFlow,
    Lane,
    PrinterHealth,
    PrintTicket,
    ReportDevice,
    RequestIds,
    Settings,
    Stage,
    TakeRequest,
    TakeTicket,
    VoidTicket,
)
from .printing import PrinterService
from .ticket import printable_ticket
from .widgets import hall_zone

log = logging.getLogger(__name__)

TOUCH_EVENTS = frozenset(
    {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress}
)


def boot_tag() -> str:
    """A short tag for this run of the kiosk (seconds since 2020, base 36)."""
    n, digits = int(time.time()) - 1_577_836_800, "0123456789abcdefghijklmnopqrstuvwxyz"
    tag = ""
    while n:
        n, r = divmod(n, 36)
        tag = digits[r] + tag
    return tag or "0"


class KioskController(QObject):
    """Implements the screens' `Actions`; owns the flow, the link and the printer service."""

    def __init__(
        self,
        config: KioskConfig,
        link: ServerLink,
        printer: PrinterService,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config, self.link, self.printer = config, link, printer
        self.tz = ZoneInfo(config.timezone)
        settings = Settings(
            idle_timeout_s=config.idle_timeout_s,
            done_timeout_s=config.done_timeout_s,
            language=config.lang,
        )
        self.flow = KioskFlow(RequestIds(config.device, boot_tag()), settings, link.model)
        self.checkin = CheckinFlow()  # 远程取号签到, over the home screen
        self.checkin_desk = CheckinDesk(self.checkin, link, self.touched)
        self.idle_timer = self._timer(single=True, slot=self._on_idle)
        self.refresh_timer = self._timer(single=False, slot=self._refresh)
        self.refresh_timer.setInterval(round(config.snapshot_refresh_s * 1000))
        self.poll_timer = self._timer(single=False, slot=self._poll_printer)
        self._idle_key: tuple[Stage, float | None] | None = None
        self._refreshing = False  # a snapshot request is in flight
        self._started = False
        link.online.connect(self._on_online)
        link.changed.connect(self._on_hall_change)
        printer.printed.connect(self._on_printed)
        printer.print_failed.connect(self._on_print_failed)
        printer.status_read.connect(self._on_status)
        self.flow.subscribe(self._after_change)

    def _timer(self, single: bool, slot: Any) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(single)
        timer.timeout.connect(slot)
        return timer

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._started = True
        self.printer.start()
        self.printer.check()
        self.link.start()
        self.refresh_timer.start()
        self._after_change(self.flow)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def stop(self) -> None:
        """Stop timers, the link and the printer thread (before the app quits)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        for timer in (self.idle_timer, self.refresh_timer, self.poll_timer):
            timer.stop()
        self.link.stop()
        self.printer.stop()
        self._started = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in TOUCH_EVENTS:
            self.touched()
        return False

    # -- taps (the screens' Actions) -------------------------------------------------------

    def touched(self) -> None:
        """Any touch: the idle countdown starts again."""
        self._restart_idle()

    def tap_lane(self, lane: Lane) -> None:
        self._tap(self.flow.choose_lane(lane))

    def tap_category(self, category: str) -> None:
        self._tap(self.flow.choose_category(category))

    def tap_service(self, code: str) -> None:
        self._tap(self.flow.choose_service(code))

    def tap_appointment(self, code: str) -> None:
        self._tap(self.flow.confirm_appointment(code))

    def tap_retry(self) -> None:
        self._tap(self.flow.retry())

    def tap_reenter_code(self) -> None:
        self._tap(self.flow.reenter_code())

    def tap_back(self) -> None:
        self._tap(self.flow.back())

    def tap_home(self) -> None:
        self._tap(self.flow.home())

    def tap_language(self) -> None:
        self._tap(self.flow.toggle_language())

    def tap_large_text(self) -> None:
        self._tap(self.flow.toggle_large_text())

    def _tap(self, effects: list[Effect]) -> None:
        self._restart_idle()
        self.run(effects)

    # -- effects ---------------------------------------------------------------------------

    def run(self, effects: list[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, TakeTicket):
                self._take(effect.request)
            elif isinstance(effect, PrintTicket):
                self._print(effect)
            elif isinstance(effect, VoidTicket):
                self._void(effect)
            elif isinstance(effect, ReportDevice):
                self._report(effect)

    def _take(self, request: TakeRequest) -> None:
        fields: dict[str, Any] = {
            "service": request.service,
            "request_id": request.request_id,
            "class": request.ticket_class,
        }
        if request.appointment_code is not None:
            fields["appointment_code"] = request.appointment_code
        kind = "take_ticket"
        if request.bundle:  # 一件事: one ticket for the bundle
            kind, fields["bundle"] = "take_bundle", fields.pop("service")

        def done(reply: dict[str, Any] | None, error: ServerError | None) -> None:
            if reply is not None:
                self.run(self.flow.ticket_taken(request.request_id, reply["ticket"]))
            else:
                assert error is not None
                extra = {
                    k: v
                    for k, v in error.reply.items()
                    if k not in ("type", "re", "code", "message", "message_en")
                }
                self.run(
                    self.flow.take_failed(
                        request.request_id, error.code, error.message, error.message_en, **extra
                    )
                )

        self.link.request(kind, done, **fields)

    def _print(self, effect: PrintTicket) -> None:
        ticket = effect.ticket
        try:
            printable = printable_ticket(
                ticket, self.flow.hall, effect.language, self.config.public_base, self.tz
            )
        except (KeyError, TypeError, ValueError) as exc:
            log.exception("ticket %s cannot be printed", ticket.get("id"))
            health = self.flow.printer if self.flow.printer.can_print else PrinterHealth.OK
            self.run(self.flow.print_failed(str(ticket.get("id")), health, str(exc)))
            return
        self.printer.print_ticket(str(ticket["id"]), printable)

    def _void(self, effect: VoidTicket) -> None:
        def done(reply: dict[str, Any] | None, error: ServerError | None) -> None:
            if error is None:
                self.run(self.flow.voided(effect.ticket_id))
            else:
                log.warning("void of %s failed: %s", effect.ticket_id, error)
                self.run(self.flow.void_failed(effect.ticket_id, error.code))

        log.info("voiding %s: %s", effect.ticket_id, effect.reason)
        self.link.request("void_ticket", done, ticket=effect.ticket_id, reason=effect.reason)

    def _report(self, effect: ReportDevice) -> None:
        def done(reply: dict[str, Any] | None, error: ServerError | None) -> None:
            if error is not None:
                log.warning("device status %s not sent: %s", effect.status, error)
                self.run(self.flow.report_failed(effect.status))

        self.link.request("device_status", done, status=effect.status, detail=effect.detail[:200])

    # -- news from the link and the printer ------------------------------------------------

    def _on_online(self, online: bool) -> None:
        log.info("server link %s", "online" if online else "offline")
        self.run(self.flow.set_online(online))

    def _on_hall_change(self, change: Change) -> None:
        if change.everything:  # a welcome: the hall's time zone, for the printed ticket
            self.tz = hall_zone(self.link.model.hall, self.tz)
        self.run(self.flow.hall_changed(change))

    def _refresh(self) -> None:
        """Read the snapshot into the live model, for what events do not carry."""
        if not self.flow.online or self._refreshing:
            return
        self._refreshing = True

        def done(reply: dict[str, Any] | None, error: ServerError | None) -> None:
            self._refreshing = False
            try:
                if reply is not None:
                    self.link.model.apply_snapshot(reply)
            except ValueError as exc:  # a server bug, not the network: keep the model
                log.error("the server's snapshot does not read as the contract's: %s", exc)

        self.link.request("snapshot", done)

    def _on_printed(self, ticket_id: str, health: PrinterHealth, detail: str = "") -> None:
        self.run(self.flow.printed(ticket_id, health, detail))

    def _on_print_failed(self, ticket_id: str, health: PrinterHealth, detail: str) -> None:
        log.warning("ticket %s not printed: %s", ticket_id, detail)
        self.run(self.flow.print_failed(ticket_id, health, detail))

    def _on_status(self, health: PrinterHealth, detail: str) -> None:
        self.run(self.flow.printer_status(health, detail))

    def _poll_printer(self) -> None:
        if not self.flow.busy:
            self.printer.check()

    # -- timers ----------------------------------------------------------------------------

    def _after_change(self, flow: KioskFlow) -> None:
        key = (flow.stage, flow.timeout_s())
        if key != self._idle_key:  # not on every count: a busy hall must not keep it awake
            self._idle_key = key
            self._restart_idle()
        if self._started:
            poll_s = (
                self.config.out_of_service_poll_s
                if flow.stage is Stage.OUT_OF_SERVICE
                else self.config.printer_poll_s
            )
            interval = round(poll_s * 1000)
            if self.poll_timer.interval() != interval or not self.poll_timer.isActive():
                self.poll_timer.start(interval)

    def _restart_idle(self) -> None:
        timeout = self.flow.timeout_s()
        if timeout is None and self.checkin.active:  # 远程取号签到 goes home when left alone
            timeout = self.config.idle_timeout_s
        if timeout is None:
            self.idle_timer.stop()
        else:
            self.idle_timer.start(round(timeout * 1000))

    def _on_idle(self) -> None:
        self.checkin.close()
        self.run(self.flow.idle_timeout())
