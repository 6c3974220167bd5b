"""The engine's user-facing texts: they live in the contract's one table (``contract.texts``)."""

from __future__ import annotations

from contract.texts import ENGINE_ERRORS as ERROR_TEXTS
from contract.texts import PAUSE_REASON_TEXTS, REASON_TEXTS

__all__ = ["ERROR_TEXTS", "PAUSE_REASON_TEXTS", "REASON_TEXTS"]
