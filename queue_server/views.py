"""What each role may see of the hall: the same messages, with private fields taken out.

The engine's events and dicts carry everything (who did it, the citizen's hash, the ticket's
phone token); a board on a corridor wall or a kiosk must not receive those. Each connection
gets its role's view of every reply and event: boards and kiosks see numbers, windows and
services and the clerks' names, never staff ids, citizen hashes, request ids or phone tokens;
clerks and bridges see staff ids; the manager sees staff and devices. A phone token only
ever reaches the kiosk that issued its ticket. The 差评 work orders in a snapshot
(``followups``) are the manager's alone; the notes of a 回访 or an outcome (what a citizen
said) never reach the public view.

Some events are the manager's alone (``PRIVATE_KINDS``: 差评 work orders and their notes,
hall ratings, alerts, manager log-ins). Devices' streams leave them out (``fanout``: chained
by ``prev``); the public ``watch``, which follows ``seq`` one by one, gets a stand-in in their
place, ``{"type": "event", "kind": "private", "seq", "at", "day"}``, so that a live page never
sees a gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from queue_server.core.model import Role
from queue_server.protocol import event_message

__all__ = ["PRIVATE_KINDS", "VIEWS", "View"]

# Whose ticket it is, and the key to its phone page: for its issuing kiosk alone.
_OWN_ONLY = frozenset({"token", "status_url"})
_CITIZEN = frozenset({"citizen_hash", "request_id", "appointment_code", "phone_check"})
_STAFF_IDS = frozenset({"staff", "actor", "issuer", "owner", "proxy"})  # proxy: a 代办 agent
_MANAGERS_ONLY = frozenset({"followups"})  # the snapshot's 差评 work orders
_CITIZEN_WORDS = frozenset({"note"})  # a 回访's or an outcome's note

# Parts of a snapshot only a manager receives.
_MANAGERS_PARTS = frozenset({"followups", "alerts", "lockouts"})

# Event types only a manager receives; the other views get a stand-in (kind "private").
PRIVATE_KINDS = frozenset(
    {
        "followup_opened",
        "followup_assigned",
        "followup_contacted",
        "followup_resolved",
        "followup_rerated",
        "hall_rated",
        "alert_raised",
        "alert_acknowledged",
        "alert_cleared",
        "manager_logged_in",
        "manager_logged_out",
        # 预约: bookings carry the citizen's hash and code; boards and kiosks need none
        "appointment_booked",
        "appointment_cancelled",
        "appointment_rebooked",
        "appointment_checked_in",
        "appointment_missed",
    }
)


@dataclass(frozen=True)
class View:
    """Keys a role never receives; ``_OWN_ONLY`` keys only on tickets it issued itself."""

    name: str
    hidden: frozenset[str]
    private: bool = False  # receives the events of PRIVATE_KINDS

    def of(self, message: Any, own: str | None = None) -> Any:
        """``message`` without the hidden keys (a copy; the original is not changed)."""
        return _scrub(message, self.hidden, own)

    def snapshot(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        """A snapshot as this view receives it: the manager's lists only for managers."""
        if not self.private:
            snapshot = {k: v for k, v in snapshot.items() if k not in _MANAGERS_PARTS}
        picture: dict[str, Any] = self.of(snapshot)
        return picture

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        """A stored event as this view receives it: its message, or a private stand-in."""
        if not self.private and event.get("type") in PRIVATE_KINDS:
            return {
                "type": "event",
                "kind": "private",
                "seq": event.get("seq"),
                "at": event.get("at"),
                "day": event.get("day"),
            }
        message: dict[str, Any] = self.of(event_message(event))
        return message


def _scrub(value: Any, hidden: frozenset[str], own: str | None) -> Any:
    if isinstance(value, dict):
        mine = own is not None and value.get("issuer") == own
        return {
            k: _scrub(v, hidden, own) if isinstance(v, (dict, list)) else v  # leaves as they are
            for k, v in value.items()
            if k not in hidden and (mine or k not in _OWN_ONLY)
        }
    if isinstance(value, list):
        return [_scrub(v, hidden, own) if isinstance(v, (dict, list)) else v for v in value]
    return value


PUBLIC = View("public", _CITIZEN | _STAFF_IDS | _MANAGERS_ONLY | _CITIZEN_WORDS)
STAFF = View("staff", _CITIZEN | frozenset({"issuer"}) | _MANAGERS_ONLY)
MANAGER = View("manager", frozenset(), private=True)

VIEWS: dict[Role, View] = {
    Role.KIOSK: PUBLIC,
    Role.DISPLAY: PUBLIC,
    Role.CLERK: STAFF,
    Role.BRIDGE: STAFF,
    Role.MANAGER: MANAGER,
    Role.AGENT: STAFF,  # a 帮办代办员 sees staff ids, never citizens' hashes
}
