"""The kiosk's flow: a plain state machine that the screens observe. No Qt, no I/O, no clock.

    IDLE ─category─► CATEGORY ─service─► TAKING ─ticket─► PRINTING ─printed─► DONE
     ▲                  │ (appointment lane)   │ refused/offline   │ print failed
     │                  ▼                      ▼                   ▼
     │             APPOINTMENT ─code─► TAKING  FAILED ─retry─► TAKING   FAILED or OUT_OF_SERVICE
     └──── back / home / idle timeout ◄────────┴──────────────────────┘
    resting stages: OUT_OF_SERVICE while the printer cannot print, else OFFLINE while the server
    is unreachable, else IDLE.

Each input method (a tap, a reply, news from the link or the printer) changes the state,
tells the listeners, and returns the effects the app must carry out: `TakeTicket`,
`PrintTicket`, `VoidTicket`, `ReportDevice`. What the hall offers (services, waiting counts,
open or closed) is read from the live hall model (`contract.hall.HallModel`), never copied;
`hall_changed` is told each time it moves. Rules the flow keeps:

- one tap, one ticket: a request id is made per tap and reused when that tap is retried;
  taps while a request is in flight are ignored;
- a ticket whose printing failed is voided; a request whose outcome is unknown (the link
  dropped before the reply) is settled later by asking again with the same request id and
  voiding what comes back, so no number is left that nobody holds.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from contract.hall import Change, HallModel
from contract.records import HallInfo, Service

from .bundles import bundle_services

log = logging.getLogger(__name__)

Ticket = dict[str, Any]


class Stage(StrEnum):
    IDLE = "idle"  # home: categories
    CATEGORY = "category"  # the services of one category
    APPOINTMENT = "appointment"  # entering the appointment code
    TAKING = "taking"  # take_ticket in flight
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"
    OUT_OF_SERVICE = "out_of_service"
    OFFLINE = "offline"


#: Stages where nothing is in flight and the printer or link news may change the screen.
CALM = frozenset(
    {Stage.IDLE, Stage.CATEGORY, Stage.APPOINTMENT, Stage.OFFLINE, Stage.OUT_OF_SERVICE}
)


class Lane(StrEnum):
    """The ticket class the citizen asked for (protocol `class`)."""

    NORMAL = "normal"
    PRIORITY = "priority"  # 绿色通道
    APPOINTMENT = "appointment"  # 预约


class Failure(StrEnum):
    NETWORK = "network"  # no reply: nothing printed; retried, or settled later
    REFUSED = "refused"  # the server said no; `failure_code` says why
    PRINTER = "printer"  # issued, not printed, voided


class PrinterHealth(StrEnum):
    UNCHECKED = "unchecked"  # no status read yet; printing checks it first anyway
    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    ERROR = "error"  # jam, cutter, head
    OFFLINE = "offline"
    UNKNOWN = "unknown"  # no valid answer
    MISSING = "missing"  # the port cannot be opened

    @property
    def can_print(self) -> bool:
        return self in (PrinterHealth.UNCHECKED, PrinterHealth.OK, PrinterHealth.PAPER_NEAR_END)

    @property
    def device_status(self) -> str | None:
        """The protocol's `device_status` for this health (None: nothing to say yet)."""
        return _DEVICE_STATUS[self]

    @property
    def text_key(self) -> str:
        """Key in `kiosk.texts` of the reason shown on the out-of-service screen."""
        return f"printer_{self.value}"


_DEVICE_STATUS: dict[PrinterHealth, str | None] = {
    PrinterHealth.UNCHECKED: None,
    PrinterHealth.OK: "ok",
    PrinterHealth.PAPER_NEAR_END: "printer_paper_near_end",
    PrinterHealth.PAPER_OUT: "printer_paper_out",
    PrinterHealth.COVER_OPEN: "printer_cover_open",
    PrinterHealth.ERROR: "out_of_service",
    PrinterHealth.OFFLINE: "printer_offline",
    PrinterHealth.UNKNOWN: "printer_unknown",
    PrinterHealth.MISSING: "device_missing",
}

#: Error codes after which nothing was issued and the same tap may simply be tried again.
RETRYABLE = frozenset({"offline", "unavailable", "rate_limited", "internal", "timeout"})
#: Error codes that leave the outcome unknown (the request may have been committed).
UNCERTAIN = frozenset({"offline", "timeout"})

APPOINTMENT_CODE = re.compile(r"^[A-Za-z0-9-]{4,32}$")


def service_name(service: Service, lang: str) -> str:
    """A service's name as the citizen reads it in `lang` (its code when the hall gave none)."""
    if lang == "en":
        return service.name_en or service.name_zh or service.code
    return service.name_zh or service.code


def unavailable_reason(service: Service, lane: Lane) -> str | None:
    """Why `service` cannot be taken in `lane` now (a texts key suffix), or None.

    预约 check-in of a service with slots is offered outside its hours and past its quota too
    (预约延时服务): the booking is what counts, and the server checks it."""
    if lane is Lane.APPOINTMENT and service.bookable:
        return None
    if not service.open:
        return service.closed_reason if service.closed_reason in ("closed", "quota") else "unknown"
    if lane is Lane.PRIORITY and not service.priority:
        return "lane_priority"
    if lane is Lane.APPOINTMENT and not service.appointments:
        return "lane_appointment"
    return None


@dataclass(frozen=True)
class TakeRequest:
    request_id: str
    service: str
    ticket_class: str
    appointment_code: str | None = None
    bundle: bool = False  # 一件事: `service` is a bundle's code (take_bundle)


# -- effects -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TakeTicket:
    """Send `take_ticket`; `settle` marks a request asked again only to settle its outcome."""

    request: TakeRequest
    settle: bool = False


@dataclass(frozen=True)
class PrintTicket:
    ticket: Ticket
    language: str


@dataclass(frozen=True)
class VoidTicket:
    ticket_id: str
    reason: str


@dataclass(frozen=True)
class ReportDevice:
    status: str
    detail: str = ""


Effect = TakeTicket | PrintTicket | VoidTicket | ReportDevice


class RequestIds:
    """`{device}-{day}-{boot}-{n}`: unique per tap; `boot` keeps a restarted kiosk from
    reusing the ids of its earlier run on the same day."""

    def __init__(self, device: str, boot: str) -> None:
        self.device, self.boot = device, boot
        self._counter = itertools.count(1)

    def next(self, day: str) -> str:
        return f"{self.device}-{day}-{self.boot}-{next(self._counter)}"


@dataclass
class Settings:
    idle_timeout_s: float = 60.0  # back home after this long without a touch
    done_timeout_s: float = 15.0  # the done screen stays this long
    language: str = "zh"  # the language a new citizen starts with


class KioskFlow:
    """The kiosk's state; see the module docstring."""

    def __init__(
        self, ids: RequestIds, settings: Settings | None = None, hall: HallModel | None = None
    ) -> None:
        """`hall`: the live model the services, the day and the hall's names are read from."""
        self.ids = ids
        self.settings = settings or Settings()
        self.model = hall if hall is not None else HallModel()
        self.stage = Stage.OFFLINE
        self.language = self.settings.language
        self.large_text = False
        self.lane = Lane.NORMAL
        self.category: str | None = None
        self.service_code: str | None = None  # chosen in CATEGORY
        self.online = False
        self.ever_online = False
        self.printer = PrinterHealth.UNCHECKED
        self.printer_detail = ""
        self.request: TakeRequest | None = None  # the current tap's request
        self.ticket: Ticket | None = None  # issued for the current tap
        self.failure: Failure | None = None
        self.failure_code = ""
        self.failure_message: tuple[str, str] = ("", "")  # the server's zh, en
        self.failure_fields: dict[str, Any] = {}
        self.voided_here = False  # the out-of-service screen says a ticket was voided
        self.unsettled: dict[str, TakeRequest] = {}  # outcome unknown, not being retried
        self.settling: set[str] = set()
        self.pending_voids: dict[str, str] = {}  # ticket id -> reason, not yet acknowledged
        self.voiding: set[str] = set()
        self.reported: str | None = None  # last device status sent
        self._listeners: list[Callable[[KioskFlow], None]] = []

    # -- observing ------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[KioskFlow], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener(self)

    # -- what the screens read -------------------------------------------------------------

    @property
    def hall(self) -> HallInfo:
        return self.model.hall

    @property
    def services(self) -> list[Service]:
        """The hall's services in their configured order, as the live model has them now;
        the 一件事 bundles first, as tiles of their own 专区 (`kiosk.bundles`)."""
        return bundle_services(self.model) + list(self.model.services.values())

    @property
    def service(self) -> Service | None:
        """The service chosen in CATEGORY (None once the hall no longer has it)."""
        code = self.service_code
        return next((s for s in self.services if s.code == code), None) if code else None

    @property
    def categories(self) -> list[str]:
        """Categories in the order their first service is configured."""
        return list(dict.fromkeys(s.category for s in self.services))

    def category_name(self, category: str, lang: str) -> str:
        """A category (keyed by its Chinese name) as the citizen reads it in `lang`."""
        if lang == "en":
            english = next((s.category_en for s in self.services_in(category) if s.category_en), "")
            return english or category
        return category

    def services_in(self, category: str | None) -> list[Service]:
        return [s for s in self.services if s.category == category]

    def waiting_in(self, category: str) -> int:
        return sum(s.waiting for s in self.services_in(category))

    def can_take(self, service: Service) -> bool:
        return (
            self.online
            and self.printer.can_print
            and unavailable_reason(service, self.lane) is None
        )

    def timeout_s(self) -> float | None:
        """How long the current screen may sit untouched before going home (None: forever)."""
        if self.stage is Stage.DONE:
            return self.settings.done_timeout_s
        if self.stage in (Stage.CATEGORY, Stage.APPOINTMENT, Stage.FAILED):
            return self.settings.idle_timeout_s
        if self.stage in (Stage.IDLE, Stage.OFFLINE, Stage.OUT_OF_SERVICE) and (
            self._personalised or self.voided_here
        ):
            return self.settings.idle_timeout_s
        return None

    @property
    def _personalised(self) -> bool:
        return (
            self.lane is not Lane.NORMAL
            or self.large_text
            or self.language != self.settings.language
        )

    @property
    def busy(self) -> bool:
        """A request or a print job is in flight: taps are ignored."""
        return self.stage in (Stage.TAKING, Stage.PRINTING)

    # -- news from the server link ---------------------------------------------------------

    def hall_changed(self, change: Change) -> list[Effect]:
        """The live model moved. Only its services (names, counts, open or closed) are shown;
        a screen whose category or service the hall no longer has goes home."""
        if not (change.services or change.everything or change.resync):
            return []
        gone = self.category not in self.categories or (
            self.stage is Stage.APPOINTMENT and self.service is None
        )
        if gone and self.stage in (Stage.CATEGORY, Stage.APPOINTMENT):
            self._rest()
        self._changed()
        return []

    def set_online(self, online: bool) -> list[Effect]:
        self.online = online
        effects: list[Effect] = []
        if online:
            self.ever_online = True
            if self.stage is Stage.OFFLINE:
                self._rest()
            effects += self._report()
            effects += self._settle_all()
            effects += [
                VoidTicket(t, r) for t, r in self.pending_voids.items() if t not in self.voiding
            ]
            self.voiding.update(self.pending_voids)
        else:
            self.settling.clear()  # replies to these will not come: ask again next time
            self.voiding.clear()
            if self.stage in (Stage.IDLE, Stage.CATEGORY, Stage.APPOINTMENT):
                self._rest()
        self._changed()
        return effects

    # -- taps ---------------------------------------------------------------------------------

    def choose_lane(self, lane: Lane) -> list[Effect]:
        if self.stage is Stage.IDLE:
            self.lane = lane
            self._changed()
        return []

    def choose_category(self, category: str) -> list[Effect]:
        if self.stage is Stage.IDLE and category in self.categories:
            self.category = category
            self.stage = Stage.CATEGORY
            self._changed()
        return []

    def choose_service(self, code: str) -> list[Effect]:
        """The second tap. Ignored unless that service can be taken right now."""
        if self.stage is not Stage.CATEGORY:
            return []
        service = next((s for s in self.services_in(self.category) if s.code == code), None)
        if service is None or not self.can_take(service):
            return []
        self.service_code = service.code
        if self.lane is Lane.APPOINTMENT:
            self.stage = Stage.APPOINTMENT
            self._changed()
            return []
        return self._take(service, None)

    def confirm_appointment(self, code: str) -> list[Effect]:
        code, service = code.strip(), self.service
        if self.stage is not Stage.APPOINTMENT or service is None:
            return []
        if not APPOINTMENT_CODE.match(code) or not self.can_take(service):
            return []
        return self._take(service, code)

    def retry(self) -> list[Effect]:
        """Try the failed tap again, with the same request id."""
        if self.stage is not Stage.FAILED or self.request is None or not self.retryable:
            return []
        if not self.online or not self.printer.can_print:
            return []
        self.unsettled.pop(self.request.request_id, None)
        self.stage = Stage.TAKING
        self._clear_failure()
        self._changed()
        return [TakeTicket(self.request)]

    @property
    def can_reenter_code(self) -> bool:
        """A check-in was refused (a wrong or early code): the citizen may type it again."""
        return (
            self.stage is Stage.FAILED
            and self.failure is Failure.REFUSED
            and self.lane is Lane.APPOINTMENT
            and self.service is not None
            and self.failure_code not in ("appointment_used", "too_many_codes")
        )

    def reenter_code(self) -> list[Effect]:
        """Back to the code entry of the same service after a refused check-in."""
        if not self.can_reenter_code:
            return []
        self.request = None
        self._clear_failure()
        self.stage = Stage.APPOINTMENT
        self._changed()
        return []

    @property
    def retryable(self) -> bool:
        return (
            self.stage is Stage.FAILED
            and self.failure is not Failure.PRINTER
            and self.failure_code in RETRYABLE
            and self.request is not None
        )

    def back(self) -> list[Effect]:
        if self.stage is Stage.APPOINTMENT:
            self.stage = Stage.CATEGORY
        elif self.stage is Stage.CATEGORY:
            self.stage = Stage.IDLE
            self.category = None
        elif self.stage is Stage.IDLE and self.lane is not Lane.NORMAL:
            self.lane = Lane.NORMAL
        elif self.stage in (Stage.DONE, Stage.FAILED):
            return self.home()
        else:
            return []
        self._changed()
        return []

    def home(self) -> list[Effect]:
        """Back to the first screen (a tap on 首页 / 完成)."""
        if self.busy:
            return []
        effects = self._leave_tap()
        self.lane = Lane.NORMAL
        self._rest()
        self._changed()
        return effects

    def idle_timeout(self) -> list[Effect]:
        """Nobody touched the screen for `timeout_s()`: home, and a new citizen's defaults."""
        if self.busy:
            return []
        effects = self._leave_tap()
        self.voided_here = False
        self.lane = Lane.NORMAL
        self.language = self.settings.language
        self.large_text = False
        self._rest()
        self._changed()
        return effects

    def set_language(self, language: str) -> list[Effect]:
        if language in ("zh", "en") and language != self.language:
            self.language = language
            self._changed()
        return []

    def toggle_language(self) -> list[Effect]:
        return self.set_language("en" if self.language == "zh" else "zh")

    def toggle_large_text(self) -> list[Effect]:
        self.large_text = not self.large_text
        self._changed()
        return []

    # -- replies -------------------------------------------------------------------------------

    def ticket_taken(self, request_id: str, ticket: Ticket) -> list[Effect]:
        if request_id in self.settling or request_id in self.unsettled:
            return self._settled(request_id, ticket)
        if (
            self.stage is not Stage.TAKING
            or self.request is None
            or request_id != self.request.request_id
        ):
            log.warning("reply to a request no longer current: %s", request_id)
            return []
        self.ticket = ticket
        self.stage = Stage.PRINTING
        self._changed()
        return [PrintTicket(ticket, self.language)]

    def take_failed(
        self, request_id: str, code: str, message_zh: str = "", message_en: str = "", **fields: Any
    ) -> list[Effect]:
        if request_id in self.settling:
            self.settling.discard(request_id)
            if code not in UNCERTAIN:  # refused: nothing was issued
                self.unsettled.pop(request_id, None)
            return []
        if (
            self.stage is not Stage.TAKING
            or self.request is None
            or request_id != self.request.request_id
        ):
            return []
        self.stage = Stage.FAILED
        self.failure = Failure.NETWORK if code in UNCERTAIN else Failure.REFUSED
        self.failure_code = code
        self.failure_message = (message_zh, message_en)
        self.failure_fields = dict(fields)
        self._changed()
        return []

    def voided(self, ticket_id: str) -> list[Effect]:
        self.pending_voids.pop(ticket_id, None)
        self.voiding.discard(ticket_id)
        return []

    def void_failed(self, ticket_id: str, code: str) -> list[Effect]:
        self.voiding.discard(ticket_id)
        if code not in UNCERTAIN and code not in RETRYABLE:
            log.warning("void of %s refused (%s); dropped", ticket_id, code)
            self.pending_voids.pop(ticket_id, None)
        return []

    def report_failed(self, status: str) -> list[Effect]:
        if self.reported == status:
            self.reported = None
        return []

    # -- news from the printer -------------------------------------------------------------

    def printed(
        self, ticket_id: str, health: PrinterHealth = PrinterHealth.OK, detail: str = ""
    ) -> list[Effect]:
        """The ticket came out and was cut. `health` is the printer after the cut: a roll that
        ended just after this ticket is reported and stops the next citizen, not this one."""
        if (
            self.stage is not Stage.PRINTING
            or self.ticket is None
            or self.ticket.get("id") != ticket_id
        ):
            return []
        self.printer, self.printer_detail = health, detail
        self.stage = Stage.DONE
        effects = self._report()
        self._changed()
        return effects

    def print_failed(self, ticket_id: str, health: PrinterHealth, detail: str = "") -> list[Effect]:
        """The ticket did not come out (or maybe only in part): void it, tell the citizen."""
        if (
            self.stage is not Stage.PRINTING
            or self.ticket is None
            or self.ticket.get("id") != ticket_id
        ):
            return []
        self.printer, self.printer_detail = health, detail
        reason = f"printer_{health.value}"
        self.pending_voids[ticket_id] = reason
        effects: list[Effect] = []
        if self.online:
            self.voiding.add(ticket_id)
            effects.append(VoidTicket(ticket_id, reason))
        effects += self._report()
        self.ticket = None
        self.request = None
        if health.can_print:
            self.stage = Stage.FAILED
            self.failure = Failure.PRINTER
            self.failure_code = "printer"
        else:
            self.voided_here = True
            self.stage = Stage.OUT_OF_SERVICE
        self._changed()
        return effects

    def printer_status(self, health: PrinterHealth, detail: str = "") -> list[Effect]:
        """A status read by the supervisor (at start, then now and then)."""
        self.printer, self.printer_detail = health, detail
        effects = self._report()
        if self.stage in CALM:
            if not health.can_print and self.stage is not Stage.OUT_OF_SERVICE:
                self.lane = Lane.NORMAL
                self._rest()
            elif health.can_print and self.stage is Stage.OUT_OF_SERVICE:
                self.voided_here = False
                self._rest()
        self._changed()
        return effects

    # -- inside -----------------------------------------------------------------------------

    def _take(self, service: Service, appointment_code: str | None) -> list[Effect]:
        self.request = TakeRequest(
            self.ids.next(self.model.day or "day"),
            service.code,
            self.lane.value,
            appointment_code,
            bundle=service.code in self.model.bundles,
        )
        self.ticket = None
        self._clear_failure()
        self.stage = Stage.TAKING
        self._changed()
        return [TakeTicket(self.request)]

    def _clear_failure(self) -> None:
        self.failure, self.failure_code = None, ""
        self.failure_message, self.failure_fields = ("", ""), {}

    def _leave_tap(self) -> list[Effect]:
        """The citizen leaves the failed tap: a request of unknown outcome is settled."""
        effects: list[Effect] = []
        if self.stage is Stage.FAILED and self.failure is Failure.NETWORK and self.request:
            self.unsettled[self.request.request_id] = self.request
            effects = self._settle_all()
        self.request = None
        self.ticket = None
        self.service_code = None
        self.category = None
        self._clear_failure()
        return effects

    def _settle_all(self) -> list[Effect]:
        if not self.online:
            return []
        todo = [r for rid, r in self.unsettled.items() if rid not in self.settling]
        self.settling.update(r.request_id for r in todo)
        return [TakeTicket(r, settle=True) for r in todo]

    def _settled(self, request_id: str, ticket: Ticket) -> list[Effect]:
        """A ticket came back for a request nobody is waiting for: void it if it waits."""
        self.settling.discard(request_id)
        self.unsettled.pop(request_id, None)
        ticket_id = str(ticket.get("id"))
        if ticket.get("state") != "waiting" or ticket_id in self.pending_voids:
            return []
        reason = "not_printed"
        self.pending_voids[ticket_id] = reason
        self.voiding.add(ticket_id)
        log.info("voiding %s: issued for %s but never printed", ticket_id, request_id)
        return [VoidTicket(ticket_id, reason)]

    def _status_now(self) -> str | None:
        return self.printer.device_status

    def _report(self) -> list[Effect]:
        status = self._status_now()
        if status is None or not self.online or status == self.reported:
            return []
        self.reported = status
        return [ReportDevice(status, self.printer_detail)]

    def _rest(self) -> None:
        """Go to the stage a kiosk rests in, given the printer and the link."""
        self.category = None
        self.service_code = None
        if not self.printer.can_print:
            self.stage = Stage.OUT_OF_SERVICE
        elif not self.online:
            self.stage = Stage.OFFLINE
        else:
            self.stage = Stage.IDLE


__all__ = [
    "CALM",
    "Effect",
    "Failure",
    "KioskFlow",
    "Lane",
    "PrintTicket",
    "PrinterHealth",
    "ReportDevice",
    "RequestIds",
    "Settings",
    "Stage",
    "TakeRequest",
    "TakeTicket",
    "VoidTicket",
    "service_name",
    "unavailable_reason",
]
