"""The engine's user-facing texts: they live in the contract's one table (``contract.texts``)."""

from __future__ import annotations

from contract.texts import (
    ALERT_TEXTS,
    APPOINTMENT_ERRORS,
    CHECKIN_TEXTS,
    ENGINE_ERRORS,
    FOLLOWUP_STEP_TEXTS,
    PAUSE_REASON_TEXTS,
    REASON_TEXTS,
)

ERROR_TEXTS = {**ENGINE_ERRORS, **APPOINTMENT_ERRORS}

__all__ = [
    "ALERT_TEXTS",
    "CHECKIN_TEXTS",
    "ERROR_TEXTS",
    "FOLLOWUP_STEP_TEXTS",
    "PAUSE_REASON_TEXTS",
    "REASON_TEXTS",
]
