"""Commands the engine executes: what a kiosk, a window or the hall's clock asks for.

Each is a frozen dataclass; ``Engine.execute(command, now, actor)`` turns it into events.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import PauseReason, TicketClass

__all__ = [
    "COMMANDS",
    "AckAlert",
    "AssignFollowup",
    "CallNext",
    "CallNumber",
    "CallParked",
    "CheckAlerts",
    "CheckIn",
    "CloseWindow",
    "Command",
    "ContactFollowup",
    "Finish",
    "InviteRating",
    "ManagerLogIn",
    "ManagerLogOut",
    "MarkPresence",
    "NoShow",
    "OpenWindow",
    "Park",
    "PartReport",
    "PauseWindow",
    "PostNotice",
    "Rate",
    "RateHall",
    "Recall",
    "ReportDeviceStatus",
    "ReportParts",
    "RerateFollowup",
    "ResolveFollowup",
    "ResumeWindow",
    "StartDay",
    "TakeBundle",
    "TakeForCitizen",
    "TakeRemote",
    "TakeTicket",
    "Transfer",
    "VoidTicket",
]


@dataclass(frozen=True)
class TakeTicket:
    """A kiosk issues a ticket; ``request_id`` makes a retry return the same ticket."""

    service: str
    request_id: str
    ticket_class: TicketClass = TicketClass.NORMAL
    citizen_hash: str | None = None
    appointment_code: str | None = None
    token: str | None = None  # unguessable, for the ticket's phone page (made by the server)


@dataclass(frozen=True)
class VoidTicket:
    """Printing failed: the ticket (by id) is voided and never called.

    Only the device that issued a ticket may void it (the actor must be its issuer).
    """

    ticket: str
    reason: str


@dataclass(frozen=True)
class OpenWindow:
    """A clerk logs in at a window (the server has checked the PIN)."""

    window: int
    staff: str


@dataclass(frozen=True)
class CloseWindow:
    """The clerk logs out; refused while a ticket is being served there."""

    window: int


@dataclass(frozen=True)
class PauseWindow:
    window: int
    reason: PauseReason = PauseReason.AWAY


@dataclass(frozen=True)
class ResumeWindow:
    window: int


@dataclass(frozen=True)
class CallNext:
    """Call the next ticket by the call policy."""

    window: int


@dataclass(frozen=True)
class CallNumber:
    """Call a chosen waiting number, e.g. ``"A003"``."""

    window: int
    number: str


@dataclass(frozen=True)
class Recall:
    """Call the window's current ticket again."""

    window: int


@dataclass(frozen=True)
class NoShow:
    """弃号: the current ticket's citizen did not come."""

    window: int


@dataclass(frozen=True)
class Finish:
    """办结: the current ticket is done."""

    window: int


@dataclass(frozen=True)
class Transfer:
    """转办: the current ticket goes back to waiting, keeping its original issue time.

    ``to_service`` moves it to another service's queue; ``to_window`` reserves it for that
    window.
    """

    window: int
    to_service: str | None = None
    to_window: int | None = None


@dataclass(frozen=True)
class Park:
    """挂起: set the current ticket aside at this window."""

    window: int


@dataclass(frozen=True)
class CallParked:
    """Call a ticket parked at this window back."""

    window: int
    number: str


@dataclass(frozen=True)
class InviteRating:
    """Invite the citizen of the ticket this window finished last to rate (好差评)."""

    window: int


@dataclass(frozen=True)
class Rate:
    """A rating of a ticket at this window; ``source`` names the input.

    ``moment`` is ``"after"`` (办后再评: the ticket this window finished last) or
    ``"during"`` (边办边评: the ticket it is serving now).
    """

    window: int
    score: int
    source: str = "evaluator"
    moment: str = "after"


@dataclass(frozen=True)
class RateHall:
    """未办先评: a rating of the hall itself (``aspect``), attached to no ticket."""

    score: int
    aspect: str = "overall"
    source: str = "evaluator"


# -- 差评 work orders: the actor is the acting staff id (a hall manager) ------------------


@dataclass(frozen=True)
class AssignFollowup:
    """Give a 差评 work order to a staff member (by default the clerk who served)."""

    followup: str
    owner: str


@dataclass(frozen=True)
class ContactFollowup:
    """A 回访 record: how the citizen was reached and what they said."""

    followup: str
    note: str
    channel: str = "phone"


@dataclass(frozen=True)
class ResolveFollowup:
    """The outcome of a 差评 work order: fixed, explained or appealed."""

    followup: str
    outcome: str
    note: str


@dataclass(frozen=True)
class RerateFollowup:
    """The citizen's rating after the fix, recorded beside the original."""

    followup: str
    score: int


@dataclass(frozen=True)
class ReportDeviceStatus:
    """A device reports its health (printer out of paper, evaluator missing, all well)."""

    device: str
    role: str
    status: str
    detail: str = ""


@dataclass(frozen=True)
class PartReport:
    """One device behind the reporting one (a bus device of a bridge, a board's announcer)."""

    part: str
    kind: str
    status: str
    online: bool | None = None
    window: int | None = None
    quiet_s: int | None = None  # since it was last heard (None: never, or not a question)
    detail: str = ""


@dataclass(frozen=True)
class ReportParts:
    """A device reports the health of its parts, those that changed."""

    device: str
    role: str
    parts: tuple[PartReport, ...]


@dataclass(frozen=True)
class MarkPresence:
    """A device connected (its first connection) or left (its last): for boards and managers."""

    device: str
    role: str
    online: bool


@dataclass(frozen=True)
class StartDay:
    """Make sure the business day of ``now`` has started (expire and restart numbering)."""


# -- the hall manager -----------------------------------------------------------------------


@dataclass(frozen=True)
class ManagerLogIn:
    """A staff member with the manager role logs in on a manager device (PIN checked)."""

    device: str
    staff: str


@dataclass(frozen=True)
class ManagerLogOut:
    device: str
    staff: str


@dataclass(frozen=True)
class PostNotice:
    """The boards' scrolling notice; no ``text_zh`` clears it (the configured one shows)."""

    text_zh: str | None = None
    text_en: str | None = None


@dataclass(frozen=True)
class AckAlert:
    """A manager has seen an alert; it leaves the wall (the note goes into the log)."""

    alert: str
    note: str | None = None


@dataclass(frozen=True)
class TakeRemote:
    """远程取号 from the phone page; the server hashed the citizen's phone with the hall secret.

    ``phone_check`` is the keyed hash of the ticket and the phone's last four digits, which a
    kiosk check-in must match; ``token`` keys the ticket's phone page (made by the server).
    """

    service: str
    request_id: str
    citizen_hash: str
    phone_check: str
    token: str


@dataclass(frozen=True)
class CheckIn:
    """A remote ticket checks in at the hall: ``via`` the door QR, or a ``kiosk`` with
    ``proof`` (the keyed hash of the ticket and the phone digits typed there)."""

    number: str
    via: str  # "door" or "kiosk"
    proof: str | None = None


@dataclass(frozen=True)
class CheckAlerts:
    """Raise the alerts whose condition holds now; forget acknowledged ones that cleared.

    ``since``: when the server started; a device never seen is silent counting from the later
    of it and the start of the business day.
    """

    since: float = 0.0


@dataclass(frozen=True)
class TakeBundle:
    """A kiosk issues one ticket for a 一件事 bundle (``request_id`` as in ``TakeTicket``)."""

    bundle: str
    request_id: str
    ticket_class: TicketClass = TicketClass.NORMAL
    citizen_hash: str | None = None
    token: str | None = None


@dataclass(frozen=True)
class TakeForCitizen:
    """帮办代办: an agent (staff id, PIN checked by the server) takes a ticket for a citizen.

    Exactly one of ``service`` and ``bundle``; the citizen's hash is required.
    """

    agent: str
    request_id: str
    citizen_hash: str
    service: str | None = None
    bundle: str | None = None
    ticket_class: TicketClass = TicketClass.NORMAL
    token: str | None = None


Command = (
    TakeTicket
    | VoidTicket
    | OpenWindow
    | CloseWindow
    | PauseWindow
    | ResumeWindow
    | CallNext
    | CallNumber
    | Recall
    | NoShow
    | Finish
    | Transfer
    | Park
    | CallParked
    | InviteRating
    | Rate
    | RateHall
    | AssignFollowup
    | ContactFollowup
    | ResolveFollowup
    | RerateFollowup
    | ReportDeviceStatus
    | ReportParts
    | MarkPresence
    | StartDay
    | ManagerLogIn
    | ManagerLogOut
    | PostNotice
    | AckAlert
    | CheckAlerts
    | TakeBundle
    | TakeForCitizen
    | TakeRemote
    | CheckIn
)

COMMANDS: tuple[type[Command], ...] = (
    TakeTicket,
    VoidTicket,
    OpenWindow,
    CloseWindow,
    PauseWindow,
    ResumeWindow,
    CallNext,
    CallNumber,
    Recall,
    NoShow,
    Finish,
    Transfer,
    Park,
    CallParked,
    InviteRating,
    Rate,
    RateHall,
    AssignFollowup,
    ContactFollowup,
    ResolveFollowup,
    RerateFollowup,
    ReportDeviceStatus,
    ReportParts,
    MarkPresence,
    StartDay,
    ManagerLogIn,
    ManagerLogOut,
    PostNotice,
    AckAlert,
    CheckAlerts,
    TakeBundle,
    TakeForCitizen,
    TakeRemote,
    CheckIn,
)
