"""The clerk's buttons: which action each one sends, its shortcut key and its look."""

from __future__ import annotations

from dataclasses import dataclass

from clerk.model import Action, ClerkModel, WindowMode


@dataclass(frozen=True)
class Command:
    id: str
    key: str  # the shortcut, also printed on the button
    role: str = "normal"  # "primary" | "danger" | "normal": how the button looks
    compact: bool = False  # also on the compact strip


COMMANDS: tuple[Command, ...] = (
    Command("call_next", "F1", "primary", compact=True),
    Command("recall", "F2", compact=True),
    Command("no_show", "F3", "danger", compact=True),
    Command("finish", "F4", "primary", compact=True),
    Command("transfer", "F5"),
    Command("park", "F6"),
    Command("call_parked", "F7"),
    Command("call_number", "F8"),
    Command("pause_resume", "F9", compact=True),
    Command("invite_rating", "F10", compact=True),
)
COMPACT_KEY = "F12"  # toggles the compact always-on-top strip


def action_for(command: str, model: ClerkModel) -> Action:
    """The action a button sends now: F9 resumes a paused window and pauses any other."""
    if command == "pause_resume":
        return Action.RESUME if model.mode is WindowMode.PAUSED else Action.PAUSE
    return Action(command)


def label_key(command: str, model: ClerkModel) -> str:
    """The `clerk.texts` key of the button's label now."""
    return f"act_{action_for(command, model).value}"
