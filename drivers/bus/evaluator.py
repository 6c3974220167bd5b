"""Hardware evaluator (评价器) keys -> 好差评 levels, per evaluator model.

HARDWARE.md: "Evaluator -> host: FUNC 0x11, DATA[0] = the key pressed. The key->level map
differs between models: make it configurable per device." Levels are the five 政务服务好差评
levels as in `queue_server.core.model.RatingLevel`: 5 非常满意, 4 满意, 3 基本满意,
2 不满意, 1 非常不满意 (2 and 1 are 差评).

Built-in models:

* ``4-key`` - the unit the source program (JackQChen/QueueSystem) drives. It stores
  ``key 0 -> 1, key 1 -> 0, key 2 -> 3, else -> 4`` on its own scale, documented in its
  `B_Evaluate.evaluateResult` as "0 默认, 1 不满意, 3 满意, 4 非常满意". The keys rise from
  worst to best, so we read them as 0 不满意 (2), 1 基本满意 (3), 2 满意 (4), 3 非常满意 (5).
  Key 1 is our reading: the source stores its "default" value there (its scale has no
  基本满意), which would lose the citizen's press; the middle key between 不满意 and 满意 is
  基本满意. Keys above 3 are *unmapped* here, where the source counted them as 非常满意: a key
  we do not know must not turn into a top rating. Check both on a real unit.
* ``5-key`` - keys 0..4 -> levels 1..5, worst first like the 4-key unit. No unit was
  checked; a hall with another layout configures its own map.

Pure: frames in, presses out.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .frame import FUNC_RATING, Frame

log = logging.getLogger(__name__)

LEVELS = range(1, 6)


@dataclass(frozen=True, slots=True)
class EvaluatorModel:
    """An evaluator type: its name and which key means which level (5 = 非常满意)."""

    name: str
    keys: Mapping[int, int]

    def __post_init__(self) -> None:
        keys = dict(self.keys)
        for key, level in keys.items():
            if not isinstance(key, int) or not 0 <= key <= 0xFF:
                raise ValueError(f"evaluator model {self.name!r}: key {key!r} is not a byte")
            if level not in LEVELS:
                raise ValueError(
                    f"evaluator model {self.name!r}: key {key} maps to {level!r}, not a level 1-5"
                )
        object.__setattr__(self, "keys", MappingProxyType(keys))

    @classmethod
    def from_config(cls, name: str, keys: Mapping[str, int] | Mapping[int, int]) -> EvaluatorModel:
        """Build a model from a config table; TOML keys are strings ("0" = 5)."""
        try:
            parsed = {int(k): v for k, v in keys.items()}
        except ValueError as exc:
            raise ValueError(f"evaluator model {name!r}: keys must be numbers: {exc}") from exc
        return cls(name, parsed)

    def level(self, key: int) -> int | None:
        return self.keys.get(key)


FOUR_KEY = EvaluatorModel("4-key", {0: 2, 1: 3, 2: 4, 3: 5})
FIVE_KEY = EvaluatorModel("5-key", {0: 1, 1: 2, 2: 3, 3: 4, 4: 5})
BUILTIN_MODELS: Mapping[str, EvaluatorModel] = MappingProxyType(
    {m.name: m for m in (FOUR_KEY, FIVE_KEY)}
)


@dataclass(frozen=True, slots=True)
class EvaluatorPress:
    """A decoded evaluator press: address, level 1-5 (None: key not in the model's map) and
    the raw key (None for a frame with no DATA)."""

    addr: int
    level: int | None
    key: int | None


def is_rating(frame: Frame) -> bool:
    """Whether a frame came from an evaluator (FUNC 0x11) rather than a keypad."""
    return frame.func == FUNC_RATING


def decode_rating(frame: Frame, model: EvaluatorModel) -> EvaluatorPress:
    """Decode an evaluator frame with the device's model. Raises ValueError if the frame is
    not FUNC 0x11 (route with `is_rating`); an unmapped key gives level None and a log line."""
    if not is_rating(frame):
        raise ValueError(f"not an evaluator frame (FUNC 0x11): {frame}")
    if not frame.data:
        log.warning("evaluator 0x%02X sent a rating with no key: %s", frame.addr, frame)
        return EvaluatorPress(frame.addr, None, None)
    key = frame.data[0]
    level = model.level(key)
    if level is None:
        log.warning(
            "evaluator 0x%02X (%s): key %d is not in the model's map", frame.addr, model.name, key
        )
    return EvaluatorPress(frame.addr, level, key)


def rating_frame(addr: int, key: int) -> Frame:
    """The frame an evaluator sends when `key` is pressed."""
    return Frame(addr, FUNC_RATING, bytes((key,)))
