"""The engine's user-facing texts: they live in the contract's one table (``contract.texts``)."""

from __future__ import annotations

from contract.texts import ALERT_TEXTS, FOLLOWUP_STEP_TEXTS, PAUSE_REASON_TEXTS, REASON_TEXTS
from contract.texts import ENGINE_ERRORS as ERROR_TEXTS

__all__ = [
    "ALERT_TEXTS",
    "ERROR_TEXTS",
    "FOLLOWUP_STEP_TEXTS",
    "PAUSE_REASON_TEXTS",
    "REASON_TEXTS",
]
