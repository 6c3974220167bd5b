"""One entry point for the bridge: a frame heard on the bus -> a keypad or evaluator press.

Routing as in the source program: FUNC 0x11 is an evaluator's rating, any other frame is a
keypad's key. A window's keypad and evaluator may share one address (the source looks both
up in one address -> window table), so the evaluator model is looked up by address too.
The source acknowledges every frame at once, before acting on it (`frame.ack`); do the same.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from .evaluator import EvaluatorModel, EvaluatorPress, decode_rating, is_rating
from .frame import Frame
from .keypad import KeypadPress, decode_key

log = logging.getLogger(__name__)

Press = KeypadPress | EvaluatorPress


def decode_press(frame: Frame, evaluator_models: Mapping[int, EvaluatorModel]) -> Press:
    """Decode any device frame. A rating from an address with no configured evaluator model
    gives level None (logged): which key means what is unknown there."""
    if not is_rating(frame):
        return decode_key(frame)
    model = evaluator_models.get(frame.addr)
    if model is None:
        log.warning("rating from 0x%02X, which has no evaluator model configured", frame.addr)
        return EvaluatorPress(frame.addr, None, frame.data[0] if frame.data else None)
    return decode_rating(frame, model)
