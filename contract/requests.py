"""Every request a client may send, as a msgspec tagged union on ``type``.

``decode_request`` turns the bytes of a WebSocket frame into one of these or raises
:class:`ContractError` with a stable code (``bad_json``, ``bad_message``, ``unknown_type``,
``missing_field``, ``bad_field``, ``too_large``) and the request's ``id`` when it could be read.
Everything is checked here, at the edge: sizes in bytes, text that is valid UTF-8 without
control characters (normalised to NFC), integers within their field's bounds, enumerations.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Annotated, Any, ClassVar, Literal

import msgspec

__all__ = [
    "MAX_ID_BYTES",
    "MAX_LONG_TEXT_BYTES",
    "MAX_MESSAGE_BYTES",
    "MAX_PARTS",
    "MAX_TEXT_BYTES",
    "REQUEST_TYPES",
    "ContractError",
    "Request",
    "decode_request",
    "encode_request",
    "normal_citizen_id",
    "normal_id_number",
    "normal_phone",
    "request_type",
    "show",
    "text_fault",
]

MAX_MESSAGE_BYTES = 8 * 1024  # larger requests are refused with `too_large` (bytes)
MAX_TEXT_BYTES = 200  # a text field's UTF-8 length
MAX_LONG_TEXT_BYTES = 1200  # notes and notices (about 400 Chinese characters)
MAX_ID_BYTES = 64  # a request id's
MAX_SAFE_INT = 2**53  # integers a JSON client can hold exactly
PHONE = re.compile(r"1[3-9][0-9]{9}")  # a mainland mobile number
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

Id = str | Annotated[int, msgspec.Meta(ge=-MAX_SAFE_INT, le=MAX_SAFE_INT)]
WindowNo = Annotated[int, msgspec.Meta(ge=1, le=9999)]
Text = Annotated[str, msgspec.Meta(min_length=1)]
Role = Literal["kiosk", "clerk", "display", "bridge", "manager", "agent"]
TicketClass = Literal["normal", "priority", "appointment"]
DeviceStatus = Literal[
    "ok",
    "out_of_service",
    "printer_paper_out",
    "printer_paper_near_end",
    "printer_cover_open",
    "printer_offline",
    "printer_unknown",
    "device_missing",
    "recovered",  # started again by its watchdog (24小时便民服务站), working again
]
PauseReason = Literal["lunch", "away", "meeting", "fault", "other"]
RatingMoment = Literal["before", "during", "after"]  # 未办先评, 边办边评, 办后再评
HallAspect = Literal["overall", "environment", "volunteers", "guidance"]  # 未办先评 of the hall
Score = Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31)]  # 1–5 is checked by the engine
FollowupOutcome = Literal["fixed", "explained", "appealed"]
ContactChannel = Literal["phone", "visit", "sms", "other"]


class ContractError(Exception):
    """A request refused by the contract: ``code`` is stable, ``detail`` names what is wrong."""

    def __init__(self, code: str, detail: str = "", re: Any = None) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail, self.re = code, detail, re


class Request(msgspec.Struct, tag_field="type", kw_only=True, frozen=True):
    """Every request has a ``type`` (its tag) and an ``id`` its reply carries back as ``re``."""

    id: Id
    window_op: ClassVar[bool] = False  # acts on a window (carries `window`)
    long_texts: ClassVar[frozenset[str]] = frozenset()  # fields of up to MAX_LONG_TEXT_BYTES

    def __post_init__(self) -> None:
        if isinstance(self.id, str):
            fault = text_fault(self.id, MAX_ID_BYTES)
            if fault is not None:
                raise ValueError(f"id: {fault}")
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if isinstance(value, str) and name != "id":
                limit = MAX_LONG_TEXT_BYTES if name in self.long_texts else MAX_TEXT_BYTES
                fault = text_fault(value, limit)
                if fault is not None:
                    raise ValueError(f"{name}: {fault}")
                normal = unicodedata.normalize("NFC", value)
                if normal != value:
                    msgspec.structs.force_setattr(self, name, normal)


class WindowRequest(Request, frozen=True):
    window: WindowNo
    window_op: ClassVar[bool] = True


# -- every role -------------------------------------------------------------------------


class Hello(Request, tag="hello", frozen=True):
    role: Role
    device: Text
    token: Text
    last_seq: Annotated[int, msgspec.Meta(ge=0, le=2**62)] | None = None


class Ping(Request, tag="ping", frozen=True):
    pass


class Snapshot(Request, tag="snapshot", frozen=True):
    pass


class Position(Request, tag="position", frozen=True):
    ticket: Text


class ReportStatus(Request, tag="device_status", frozen=True):
    status: DeviceStatus
    detail: str | None = None


MAX_PARTS = 64  # parts in one ``device_parts`` request
PartKind = Literal["keypad", "evaluator", "board", "announcer"]
PartStatus = Literal[
    "heard",  # a keypad or evaluator sent a frame within the bridge's silence limit
    "silent",  # nothing heard from it that long while its window was open
    "unheard",  # not heard yet (or its window closed since): not known
    "line_down",  # the bridge's bus line is away: not reachable, not known
    "line_ok",  # a board (no answers on its protocol): the line it is written on is up
    "speaking",  # the zone's announcer, its sound output works
    "standby",  # a board of the zone ready to speak; another speaks now
    "no_sound",  # its sound output or voice does not work
]
#: ``keypad-3`` (bus address), ``evaluator-3``, ``board-12`` (bus or screen address), or
#: ``announcer`` (the board's own voice).
PART_ID = r"^((keypad|evaluator)-[0-9]{1,3}|board-[0-9]{1,5}|announcer)$"


class Part(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True):
    """One device behind the reporting one: a bridge's bus device, a board's announcer."""

    part: Annotated[str, msgspec.Meta(pattern=PART_ID)]
    kind: PartKind
    status: PartStatus
    online: bool | None = None  # None: not known
    window: WindowNo | None = None
    quiet_s: Annotated[int, msgspec.Meta(ge=0, le=10**7)] | None = None  # since last heard
    detail: str | None = None

    def __post_init__(self) -> None:
        if self.part.split("-")[0] != self.kind:
            raise ValueError(f"part {self.part} is not a {self.kind}")
        if self.detail is not None:
            fault = text_fault(self.detail, MAX_TEXT_BYTES)
            if fault is not None:
                raise ValueError(f"detail: {fault}")


class ReportParts(Request, tag="device_parts", frozen=True):
    """The health of the devices behind this one, those that changed (at most 64 a time)."""

    parts: Annotated[tuple[Part, ...], msgspec.Meta(min_length=1, max_length=MAX_PARTS)]

    def __post_init__(self) -> None:
        super().__post_init__()
        names = [p.part for p in self.parts]
        if len(set(names)) != len(names):
            raise ValueError("parts: a part is named twice")


# -- anyone, without hello (the web board, the phone page) -------------------------------


class Watch(Request, tag="watch", frozen=True):
    """Follow the hall read-only, in the public view (a web board on a smart TV)."""

    zone: str | None = None


class TicketStatus(Request, tag="ticket_status", frozen=True):
    """One ticket's standing, by its phone-page token (the phone page)."""

    token: Text


class TakeRemote(Request, tag="take_remote", frozen=True):
    """远程取号 from the phone page: the citizen's mobile number, never stored in clear."""

    service: Text
    phone: Text
    request_id: Text
    id_number: str | None = None  # 身份证号, optional: then the citizen is the ID, not the phone


class DoorCheckin(Request, tag="door_checkin", frozen=True):
    """A remote ticket (by its phone token) checks in with the hall door's QR code."""

    token: Text
    door: Text


# -- kiosk ------------------------------------------------------------------------------


class TakeTicket(Request, tag="take_ticket", frozen=True):
    service: Text
    request_id: Text
    ticket_class: TicketClass | None = msgspec.field(default=None, name="class")
    citizen_hash: str | None = None
    appointment_code: str | None = None


class TakeBundle(Request, tag="take_bundle", frozen=True):
    """一件事: one ticket for a configured bundle of services, served in its order."""

    bundle: Text
    request_id: Text
    ticket_class: TicketClass | None = msgspec.field(default=None, name="class")
    citizen_hash: str | None = None


class VoidTicket(Request, tag="void_ticket", frozen=True):
    ticket: Text
    reason: Text


class KioskCheckin(Request, tag="kiosk_checkin", frozen=True):
    """远程取号签到 at a kiosk: the ticket's number and the last four digits of the phone."""

    number: Text
    phone_last4: Text


class DoorCode(Request, tag="door_code", frozen=True):
    """Today's door QR address, for a kiosk's 远程取号签到 screen."""


# -- windows (clerk app, bus bridge) ----------------------------------------------------


class Login(WindowRequest, tag="login", frozen=True):
    staff: Text
    pin: Text


class Logout(WindowRequest, tag="logout", frozen=True):
    pass


class CallNext(WindowRequest, tag="call_next", frozen=True):
    pass


class CallNumber(WindowRequest, tag="call_number", frozen=True):
    number: Text


class Recall(WindowRequest, tag="recall", frozen=True):
    pass


class NoShow(WindowRequest, tag="no_show", frozen=True):
    pass


class Finish(WindowRequest, tag="finish", frozen=True):
    pass


class Transfer(WindowRequest, tag="transfer", frozen=True):
    to_service: str | None = None
    to_window: WindowNo | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.to_service is None and self.to_window is None:
            raise ValueError("missing to_service or to_window")


class Park(WindowRequest, tag="park", frozen=True):
    pass


class CallParked(WindowRequest, tag="call_parked", frozen=True):
    number: Text


class Pause(WindowRequest, tag="pause", frozen=True):
    reason: PauseReason | None = None


class Resume(WindowRequest, tag="resume", frozen=True):
    pass


class InviteRating(WindowRequest, tag="invite_rating", frozen=True):
    pass


class Rate(WindowRequest, tag="rate", frozen=True):
    """A rating of the window's ticket: 边办边评 (``during``, the ticket being served) or
    办后再评 (``after``, the ticket finished last; the default)."""

    score: Score
    source: str | None = None
    moment: RatingMoment | None = None


class RateHall(Request, tag="rate_hall", frozen=True):
    """未办先评: a rating of the hall itself (environment, volunteers, guidance), attached to
    no ticket; from a hall evaluator (a bridge) or the phone page (public, no hello)."""

    score: Score
    aspect: HallAspect | None = None
    source: str | None = None


# -- the hall manager (a `manager` device; actions need a manager staff logged in) -------


class ManagerLogin(Request, tag="manager_login", frozen=True):
    staff: Text
    pin: Text


class ManagerLogout(Request, tag="manager_logout", frozen=True):
    pass


# -- 帮办代办 agent (a device of role ``agent``) -------------------------------------------


class AgentLogin(Request, tag="agent_login", frozen=True):
    """A 帮办代办员 logs in on the agent device (PIN checked as a clerk's; the agent role)."""

    staff: Text
    pin: Text


class AgentLogout(Request, tag="agent_logout", frozen=True):
    pass


class TakeForCitizen(Request, tag="take_for_citizen", frozen=True):
    """The agent logged in takes a ticket for a citizen: a service's or a bundle's. The
    citizen's mobile number or 身份证号 is checked here and hashed by the server at once."""

    request_id: Text
    citizen_id: Text
    service: str | None = None
    bundle: str | None = None
    ticket_class: TicketClass | None = msgspec.field(default=None, name="class")

    def __post_init__(self) -> None:
        super().__post_init__()
        normal = normal_citizen_id(self.citizen_id)
        if normal is None:  # the message never repeats the number
            raise ValueError(f"{BAD_CITIZEN_ID}: not a mobile number nor a valid 身份证号")
        msgspec.structs.force_setattr(self, "citizen_id", normal)


class AgentTickets(Request, tag="agent_tickets", frozen=True):
    """The open tickets the agent logged in holds for citizens today."""


class Kpis(Request, tag="kpis", frozen=True):
    """Today's figures (``contract.records.Kpis``)."""


class AckAlert(Request, tag="ack_alert", frozen=True):
    alert: Text
    note: str | None = None
    long_texts: ClassVar[frozenset[str]] = frozenset({"note"})


class ManageWindow(Request, tag="manage_window", frozen=True):
    """Pause (with a reason) or resume any window from the manager's wall."""

    window: WindowNo
    action: Literal["pause", "resume"]
    reason: PauseReason | None = None


class PostNotice(Request, tag="post_notice", frozen=True):
    """The boards' scrolling notice; no ``text_zh`` clears it."""

    text_zh: str | None = None
    text_en: str | None = None
    long_texts: ClassVar[frozenset[str]] = frozenset({"text_zh", "text_en"})


class FollowupAssign(Request, tag="followup_assign", frozen=True):
    followup: Text
    owner: Text  # a staff id


class FollowupContact(Request, tag="followup_contact", frozen=True):
    """A 回访 record: who (the manager logged in), how, and what the citizen said."""

    followup: Text
    note: Text
    channel: ContactChannel = "phone"
    long_texts: ClassVar[frozenset[str]] = frozenset({"note"})


class FollowupResolve(Request, tag="followup_resolve", frozen=True):
    followup: Text
    outcome: FollowupOutcome
    note: Text
    long_texts: ClassVar[frozenset[str]] = frozenset({"note"})


class FollowupRerate(Request, tag="followup_rerate", frozen=True):
    """The citizen's rating after the fix, recorded beside the original."""

    followup: Text
    score: Score


# -- 预约 (the phone page without hello; a clerk for a caller on the phone) ----------------

Day = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]
SlotStart = Annotated[str, msgspec.Meta(pattern=r"^\d{2}:\d{2}$")]
BookingCode = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4,16}$")]
# A resident ID number (18: 17 digits and a digit or X) or a mobile number (11 digits); the
# server hashes it with the hall's secret at once and never keeps it.
CitizenId = Annotated[str, msgspec.Meta(pattern=r"^(\d{17}[\dXx]|1\d{10})$")]


class AppointmentSlotsRequest(Request, tag="appointment_slots", frozen=True):
    service: Text


class BookAppointment(Request, tag="book_appointment", frozen=True):
    service: Text
    day: Day
    slot: SlotStart
    citizen_id: CitizenId


class FindAppointment(Request, tag="find_appointment", frozen=True):
    """A citizen's own booking, by its code and their ID or phone number."""

    code: BookingCode
    citizen_id: CitizenId


class CancelAppointment(Request, tag="cancel_appointment", frozen=True):
    code: BookingCode
    citizen_id: CitizenId


class RebookAppointment(Request, tag="rebook_appointment", frozen=True):
    code: BookingCode
    citizen_id: CitizenId
    day: Day
    slot: SlotStart


class Appointments(Request, tag="appointments", frozen=True):
    """The manager's view of today's bookings and no-shows."""


AnyRequest = (
    Hello
    | Ping
    | Snapshot
    | Position
    | ReportStatus
    | ReportParts
    | Watch
    | TicketStatus
    | TakeTicket
    | TakeBundle
    | VoidTicket
    | TakeRemote
    | DoorCheckin
    | KioskCheckin
    | DoorCode
    | Login
    | Logout
    | CallNext
    | CallNumber
    | Recall
    | NoShow
    | Finish
    | Transfer
    | Park
    | CallParked
    | Pause
    | Resume
    | InviteRating
    | Rate
    | RateHall
    | ManagerLogin
    | ManagerLogout
    | Kpis
    | AckAlert
    | ManageWindow
    | PostNotice
    | FollowupAssign
    | FollowupContact
    | FollowupResolve
    | FollowupRerate
    | AgentLogin
    | AgentLogout
    | TakeForCitizen
    | AgentTickets
    | AppointmentSlotsRequest
    | BookAppointment
    | FindAppointment
    | CancelAppointment
    | RebookAppointment
    | Appointments
)

REQUEST_TYPES: dict[str, type[Request]] = {
    str(cls.__struct_config__.tag): cls
    for cls in (
        Hello,
        Ping,
        Snapshot,
        Position,
        ReportStatus,
        ReportParts,
        Watch,
        TicketStatus,
        TakeTicket,
        TakeBundle,
        VoidTicket,
        TakeRemote,
        DoorCheckin,
        KioskCheckin,
        DoorCode,
        Login,
        Logout,
        CallNext,
        CallNumber,
        Recall,
        NoShow,
        Finish,
        Transfer,
        Park,
        CallParked,
        Pause,
        Resume,
        InviteRating,
        Rate,
        RateHall,
        ManagerLogin,
        ManagerLogout,
        Kpis,
        AckAlert,
        ManageWindow,
        PostNotice,
        FollowupAssign,
        FollowupContact,
        FollowupResolve,
        FollowupRerate,
        AgentLogin,
        AgentLogout,
        TakeForCitizen,
        AgentTickets,
        AppointmentSlotsRequest,
        BookAppointment,
        FindAppointment,
        CancelAppointment,
        RebookAppointment,
        Appointments,
    )
}

_DECODER = msgspec.json.Decoder(AnyRequest)
_ENCODER = msgspec.json.Encoder()
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text_fault(value: str, max_bytes: int) -> str | None:
    """Why ``value`` is not acceptable text, or ``None``."""
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        return "not valid UTF-8 text"
    if size == 0:
        return "must not be empty"
    if size > max_bytes:
        return f"longer than {max_bytes} bytes"
    if _CONTROL.search(value) or any(unicodedata.category(ch) == "Cc" for ch in value):
        return "holds control characters"
    return None


def request_type(request: Request) -> str:
    """The ``type`` of a request (its tag)."""
    return str(request.__struct_config__.tag)


BAD_CITIZEN_ID = "bad_citizen_id"


def normal_phone(text: str) -> str | None:
    """The 11 digits of a mainland mobile number typed any usual way, else None."""
    digits = re.sub(r"[\s\-()]", "", text)
    digits = re.sub(r"^(\+?86)", "", digits)
    return digits if PHONE.fullmatch(digits) else None


def normal_id_number(text: str) -> str | None:
    """An 18-character 居民身份证 number with a valid check digit (GB 11643), else None."""
    value = re.sub(r"\s", "", text).upper()
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        return None
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return value if ID_CHECK[total % 11] == value[17] else None


def normal_citizen_id(text: str) -> str | None:
    """A citizen's mobile number or 身份证号, as 预约 and 远程取号 check them, else None."""
    return normal_phone(text) or normal_id_number(text)


def encode_request(request: Request) -> bytes:
    """A request as a client sends it."""
    return _ENCODER.encode(request)


def decode_request(raw: str | bytes) -> AnyRequest:
    """Decode and validate one request, or raise :class:`ContractError`."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if len(data) > MAX_MESSAGE_BYTES:
        raise ContractError("too_large", f"{len(data)} > {MAX_MESSAGE_BYTES} bytes")
    try:
        return _DECODER.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        pass  # find out why, with the request's id where it has one
    try:
        message = json.loads(data)  # Python's reader keeps lone surrogates to name the field
    except (ValueError, RecursionError) as exc:
        raise ContractError("bad_json", show(str(exc), 80)) from None
    if not isinstance(message, dict):
        raise ContractError("bad_message", "not an object")
    re_ = message.get("id")
    if isinstance(re_, bool) or not isinstance(re_, (str, int)):
        raise ContractError("bad_message", "id must be a string or an integer")
    if isinstance(re_, int) and abs(re_) > MAX_SAFE_INT:
        raise ContractError("bad_message", "id must be a safe integer")
    if isinstance(re_, str) and text_fault(re_, MAX_ID_BYTES) is not None:
        raise ContractError("bad_message", f"id: {text_fault(re_, MAX_ID_BYTES)}")
    kind = message.get("type")
    if not isinstance(kind, str) or text_fault(kind, 40) is not None:
        raise ContractError("bad_message", "type must be a short text", re_)
    cls = REQUEST_TYPES.get(kind)
    if cls is None:
        raise ContractError("unknown_type", show(kind, 40), re_)
    for name in cls.__struct_encode_fields__:
        value = message.get(name)
        if isinstance(value, str) and text_fault(value, 1 << 20) == "not valid UTF-8 text":
            raise ContractError("bad_field", f"{name}: not valid UTF-8 text", re_)
    try:
        request: AnyRequest = msgspec.convert(message, cls)  # type: ignore[assignment]
    except msgspec.ValidationError as exc:
        raise _refusal(str(exc), re_) from None
    except UnicodeEncodeError:  # a lone surrogate deeper inside a field
        raise ContractError("bad_field", "text that is not valid UTF-8", re_) from None
    return request


def _refusal(text: str, re_: Any) -> ContractError:
    if text.startswith(f"{BAD_CITIZEN_ID}:"):
        return ContractError(BAD_CITIZEN_ID, "", re_)  # never the number itself
    missing = re.match(r"Object missing required field `(\w+)`", text)
    if missing:
        return ContractError("missing_field", missing.group(1), re_)
    if text.startswith("missing "):
        return ContractError("missing_field", text.removeprefix("missing "), re_)
    field = re.search(r"at `\$\.(\w+)`", text)
    if field:
        return ContractError("bad_field", f"{field.group(1)}: {text.split(' - at ')[0]}", re_)
    return ContractError("bad_field", show(text, 120), re_)


def show(text: str, limit: int) -> str:
    """A bounded, always encodable rendering of untrusted text for messages and logs."""
    shown = text[:limit].encode("utf-8", "backslashreplace").decode("utf-8")
    return shown + ("…" if len(text) > limit else "")
