"""The hall protocol: JSON messages over `ws://HOST:PORT/ws`, shared by the server and clients.

Every request is an object with `"type"` and `"id"`; its reply carries `"re": <id>`. A failure
is `{"type": "error", "re", "code", "message", "message_en"}` with a stable `code`. The full
contract, with examples, is `docs/protocol.md`. This module is pure: it validates and builds
messages and says which role may send what; it does no I/O.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from queue_server.core.model import Role, TicketClass
from queue_server.core.texts import PAUSE_REASON_TEXTS

PAUSE_REASONS: dict[str, tuple[str, str]] = PAUSE_REASON_TEXTS  # code -> (zh, en)

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 8 * 1024  # larger requests are refused with `too_large` (bytes, not characters)
MAX_TEXT_BYTES = 200  # a text field's UTF-8 length
MAX_ID_BYTES = 64  # a request id's
MAX_SAFE_INT = 2**53  # integers a JSON client can hold exactly

# Field specs: name -> (type, required). `int` excludes bool.
_STR, _INT = str, int
Spec = dict[str, tuple[type, bool]]

_WINDOW: Spec = {"window": (_INT, True)}

# Inclusive bounds of integer fields; a value outside is `bad_field` before anything runs.
INT_BOUNDS: dict[str, tuple[int, int]] = {
    "window": (1, 9999),
    "to_window": (1, 9999),
    "last_seq": (0, 2**62),
    "score": (-(2**31), 2**31),
}

REQUESTS: dict[str, Spec] = {
    "hello": {
        "role": (_STR, True),
        "device": (_STR, True),
        "token": (_STR, True),
        "last_seq": (_INT, False),
    },
    "ping": {},
    "snapshot": {},
    "position": {"ticket": (_STR, True)},
    "take_ticket": {
        "service": (_STR, True),
        "request_id": (_STR, True),
        "class": (_STR, False),
        "citizen_hash": (_STR, False),
        "appointment_code": (_STR, False),
    },
    "void_ticket": {"ticket": (_STR, True), "reason": (_STR, True)},
    "device_status": {"status": (_STR, True), "detail": (_STR, False)},
    "login": {"window": (_INT, True), "staff": (_STR, True), "pin": (_STR, True)},
    "logout": _WINDOW,
    "call_next": _WINDOW,
    "call_number": {"window": (_INT, True), "number": (_STR, True)},
    "recall": _WINDOW,
    "no_show": _WINDOW,
    "finish": _WINDOW,
    "transfer": {"window": (_INT, True), "to_service": (_STR, False), "to_window": (_INT, False)},
    "park": _WINDOW,
    "call_parked": {"window": (_INT, True), "number": (_STR, True)},
    "pause": {"window": (_INT, True), "reason": (_STR, False)},
    "resume": _WINDOW,
    "invite_rating": _WINDOW,
    "rate": {"window": (_INT, True), "score": (_INT, True), "source": (_STR, False)},
}

_READ = {"ping", "snapshot", "position"}
_WINDOW_OPS = {
    "login", "logout", "call_next", "call_number", "recall", "no_show", "finish", "transfer",
    "park", "call_parked", "pause", "resume", "invite_rating",
}  # fmt: skip

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.KIOSK: frozenset(_READ | {"take_ticket", "void_ticket", "device_status"}),
    Role.CLERK: frozenset(_READ | _WINDOW_OPS),
    Role.BRIDGE: frozenset(_READ | _WINDOW_OPS | {"rate", "device_status"}),
    Role.DISPLAY: frozenset(_READ | {"device_status"}),
    Role.MANAGER: frozenset(_READ),
}

DEVICE_STATUSES = ("ok", "out_of_service", "printer_paper_out", "printer_paper_near_end",
                   "printer_cover_open", "printer_offline", "printer_unknown", "device_missing")  # fmt: skip

# Stable error codes of the protocol layer, with their Chinese and English texts. The
# engine's own codes (queue_empty, window_busy, …) come with their texts from the engine.
ERRORS: dict[str, tuple[str, str]] = {
    "bad_json": ("消息不是有效的 JSON", "message is not valid JSON"),
    "bad_message": ("消息必须是带 type 和 id 的 JSON 对象", "message must be a JSON object with type and id"),
    "unknown_type": ("未知的消息类型", "unknown message type"),
    "missing_field": ("缺少字段", "missing field"),
    "bad_field": ("字段取值错误", "bad field value"),
    "too_large": ("消息过大", "message too large"),
    "not_authenticated": ("请先发送 hello 登记设备", "send hello first"),
    "bad_token": ("设备或令牌无效", "unknown device or wrong token"),
    "already_authenticated": ("设备已登记", "already authenticated"),
    "forbidden": ("此设备无权执行该操作", "this device may not do that"),
    "wrong_window": ("此设备不属于该窗口", "this device does not belong to that window"),
    "not_logged_in": ("窗口尚未登录", "no clerk is logged in at this window"),
    "bad_pin": ("工号或密码错误", "wrong staff id or PIN"),
    "staff_locked": ("密码错误次数过多，该工号已暂时锁定，请稍后再试或联系大厅管理员",
                     "too many wrong PINs: this staff id is locked for a while; ask the hall manager"),
    "too_many_connections": ("服务器连接数已满，请稍后再试", "the server has too many connections; retry later"),
    "rate_limited": ("请求过于频繁，请稍后再试", "too many requests, slow down"),
    "unavailable": ("服务器暂时无法保存，请稍后重试", "server cannot save right now, retry"),
    "internal": ("服务器内部错误", "internal server error"),
}  # fmt: skip


@dataclass
class ProtocolError(Exception):
    """A request the protocol layer refuses; `code` is one of ERRORS."""

    code: str
    detail: str = ""
    re: Any = None

    def __str__(self) -> str:
        en = ERRORS[self.code][1]
        return f"{self.code}: {en}{': ' + self.detail if self.detail else ''}"

    def to_message(self) -> dict[str, Any]:
        zh, en = ERRORS[self.code]
        suffix = f"：{self.detail}" if self.detail else ""
        return error_message(
            self.re, self.code, zh + suffix, en + (f": {self.detail}" if self.detail else "")
        )


def error_message(
    re: Any, code: str, message: str, message_en: str, **extra: Any
) -> dict[str, Any]:
    return {"type": "error", "re": re, "code": code, "message": message,
            "message_en": message_en, **extra}  # fmt: skip


def parse_request(raw: str | bytes) -> dict[str, Any]:
    """Decode and validate one request; raise ProtocolError with a stable code if it is wrong.

    Everything is checked at this edge, so nothing past it meets a value it cannot handle:
    the size in bytes, JSON that is too deep, text that is not valid UTF-8 (lone surrogates)
    or holds control characters, integers out of their field's bounds. Texts are returned in
    NFC; fields the request type does not have are dropped.
    """
    size = len(raw) if isinstance(raw, bytes) else _utf8_length(raw)
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_large", f"{size} > {MAX_MESSAGE_BYTES} bytes")
    try:
        msg = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ProtocolError("bad_json", _show(str(exc), 80)) from None
    if not isinstance(msg, dict):
        raise ProtocolError("bad_message", "not an object")
    re = msg.get("id")
    if isinstance(re, str):
        if _text_fault(re, MAX_ID_BYTES) is not None:
            raise ProtocolError("bad_message", f"id: {_text_fault(re, MAX_ID_BYTES)}")
    elif not isinstance(re, int) or isinstance(re, bool) or abs(re) > MAX_SAFE_INT:
        raise ProtocolError("bad_message", "id must be a string or a safe integer")
    kind = msg.get("type")
    if not isinstance(kind, str) or _text_fault(kind, 40) is not None:
        raise ProtocolError("bad_message", "type must be a short text", re)
    spec = REQUESTS.get(kind)
    if spec is None:
        raise ProtocolError("unknown_type", _show(kind, 40), re)
    clean: dict[str, Any] = {"type": kind, "id": re}
    for name, (typ, required) in spec.items():
        value = msg.get(name)
        if value is None:
            if required:
                raise ProtocolError("missing_field", name, re)
            continue
        if typ is int:
            if not isinstance(value, int) or isinstance(value, bool):
                raise ProtocolError("bad_field", f"{name} must be an integer", re)
            low, high = INT_BOUNDS.get(name, (-MAX_SAFE_INT, MAX_SAFE_INT))
            if not low <= value <= high:
                raise ProtocolError("bad_field", f"{name} must be {low}–{high}", re)
        else:
            if not isinstance(value, str):
                raise ProtocolError("bad_field", f"{name} must be a string", re)
            fault = _text_fault(value, MAX_TEXT_BYTES)
            if fault is not None:
                raise ProtocolError("bad_field", f"{name}: {fault}", re)
            value = unicodedata.normalize("NFC", value)
        clean[name] = value
    _check_choices(clean, re)
    return clean


def _check_choices(msg: dict[str, Any], re: Any) -> None:
    kind = msg["type"]
    for name, choices in _CHOICES.get(kind, {}).items():
        if name in msg and msg[name] not in choices:
            raise ProtocolError("bad_field", f"{name} must be one of " + ", ".join(choices), re)
    if kind == "transfer" and msg.get("to_service") is None and msg.get("to_window") is None:
        raise ProtocolError("missing_field", "to_service or to_window", re)


_CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "take_ticket": {"class": tuple(c.value for c in TicketClass)},
    "hello": {"role": tuple(r.value for r in Role)},
    "device_status": {"status": DEVICE_STATUSES},
    "pause": {"reason": tuple(PAUSE_REASONS)},
}


def _utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _text_fault(value: str, max_bytes: int) -> str | None:
    """Why ``value`` is not acceptable text, or ``None``."""
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        return "not valid UTF-8 text"
    if size == 0:
        return "must not be empty"
    if size > max_bytes:
        return f"longer than {max_bytes} bytes"
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        return "holds control characters"
    return None


def _show(text: str, limit: int) -> str:
    """A bounded, always encodable rendering of untrusted text for messages and logs."""
    shown = text[:limit].encode("utf-8", "backslashreplace").decode("utf-8")
    return shown + ("…" if len(text) > limit else "")


def event_message(event: dict[str, Any]) -> dict[str, Any]:
    """A stored event as pushed to clients: `type` is "event", the event's own type is `kind`."""
    message = {"type": "event", "kind": event["type"]}
    message.update((k, v) for k, v in event.items() if k != "type")
    return message


def encode(message: dict[str, Any]) -> str:
    """A message as JSON text that is always valid UTF-8 (lone surrogates are escaped)."""
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(message, ensure_ascii=True, separators=(",", ":"), default=str)
    return text
