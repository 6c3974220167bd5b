"""The server's side of the protocol: which role may send what, errors and outgoing messages.

Requests are typed and validated by the contract (``contract.requests``); this module says who
may send them, builds the error and event messages, and encodes what goes out. The full
protocol, with examples, is `docs/protocol.md`. Pure: no I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import msgspec

from contract.requests import MAX_MESSAGE_BYTES
from contract.texts import PAUSE_REASON_TEXTS, PROTOCOL_ERRORS
from queue_server.core.model import Role

PAUSE_REASONS: dict[str, tuple[str, str]] = PAUSE_REASON_TEXTS  # code -> (zh, en)

PROTOCOL_VERSION = 1

_READ = {"ping", "snapshot", "position"}
_WINDOW_OPS = {
    "login",
    "logout",
    "call_next",
    "call_number",
    "recall",
    "no_show",
    "finish",
    "transfer",
    "park",
    "call_parked",
    "pause",
    "resume",
    "invite_rating",
}

# What a manager device may do only with a manager logged in (every one is in the log under
# that staff id); it may read (snapshot, kpis) before.
MANAGER_ACTIONS = frozenset(
    {
        "ack_alert",
        "manage_window",
        "post_notice",
        "followup_assign",
        "followup_contact",
        "followup_resolve",
        "followup_rerate",
    }
)

# What a 帮办代办 agent device may do once a staff member with the agent role has logged in.
AGENT_ACTIONS = frozenset({"take_for_citizen", "agent_tickets"})

# 预约 from the phone page: slots, book, cancel, rebook (docs/protocol.md, "Appointments").
_BOOKING = {
    "appointment_slots",
    "book_appointment",
    "find_appointment",
    "cancel_appointment",
    "rebook_appointment",
}

# What a connection may ask without saying hello: watch the public view, one ticket by token,
# rate the hall (未办先评, from the phone page; a few per address, see guard.RatingGuard),
# 远程取号 from the phone page with its check-in by the door's QR, and 预约.
PUBLIC_REQUESTS = frozenset(
    {"watch", "ticket_status", "ping", "rate_hall", "take_remote", "door_checkin"} | _BOOKING
)

PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.KIOSK: frozenset(
        _READ
        | {"take_ticket", "take_bundle", "void_ticket", "device_status", "kiosk_checkin"}
        | {"door_code"}
    ),
    Role.CLERK: frozenset(_READ | _WINDOW_OPS | _BOOKING),
    Role.BRIDGE: frozenset(
        _READ | _WINDOW_OPS | {"rate", "rate_hall", "device_status", "device_parts"}
    ),
    Role.DISPLAY: frozenset(_READ | {"device_status", "device_parts"}),
    Role.MANAGER: frozenset(
        _READ | {"kpis", "appointments", "manager_login", "manager_logout"} | MANAGER_ACTIONS
    ),
    Role.AGENT: frozenset(_READ | {"device_status", "agent_login", "agent_logout"} | AGENT_ACTIONS),
}

# Stable error codes of the protocol layer with their texts, from the contract's one table.
ERRORS = PROTOCOL_ERRORS


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
    return {
        "type": "error",
        "re": re,
        "code": code,
        "message": message,
        "message_en": message_en,
        **extra,
    }


def event_message(event: dict[str, Any]) -> dict[str, Any]:
    """A stored event as pushed to clients: `type` is "event", the event's own type is `kind`."""
    message = {"type": "event", "kind": event["type"]}
    message.update((k, v) for k, v in event.items() if k != "type")
    return message


_ENCODE = msgspec.json.Encoder(enc_hook=str).encode


def encode_bytes(message: dict[str, Any]) -> bytes:
    """A message as UTF-8 JSON, as it is written to a connection (what ``json.dumps`` gives,
    but encoded several times faster; a text with a lone surrogate is sent ``\\u``-escaped)."""
    try:
        return _ENCODE(message)
    except (UnicodeEncodeError, TypeError, ValueError):
        text = json.dumps(message, ensure_ascii=True, separators=(",", ":"), default=str)
        return text.encode()


__all__ = [
    "ERRORS",
    "MANAGER_ACTIONS",
    "MAX_MESSAGE_BYTES",
    "PAUSE_REASONS",
    "PERMISSIONS",
    "PROTOCOL_VERSION",
    "PUBLIC_REQUESTS",
    "ProtocolError",
    "encode_bytes",
    "error_message",
    "event_message",
]
