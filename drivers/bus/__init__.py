"""The window serial bus: caller keypads (呼叫器), evaluators (评价器), number boards.

`frame` is the pure codec (frames <-> bytes, a stream decoder), `keypad` and `evaluator`
turn frames into the clerk's and the citizen's presses (`press.decode_press` routes between
them), `transport.BusPort` is the serial line and `fake` puts fake devices on a pty for tests.
"""

from .evaluator import (
    BUILTIN_MODELS,
    FIVE_KEY,
    FOUR_KEY,
    EvaluatorModel,
    EvaluatorPress,
    decode_rating,
    is_rating,
    rating_frame,
)
from .exceptions import BusError, PortClosedError, PortIOError
from .frame import (
    DecodeErrors,
    Frame,
    FrameDecoder,
    ack,
    beep,
    number_cells,
    read_number,
    show_code,
    show_number,
    show_waiting,
    start_evaluation,
)
from .keypad import KeypadAction, KeypadPress, decode_key, key_frame
from .press import Press, decode_press
from .transport import BusPort

__all__ = [
    "BUILTIN_MODELS",
    "FIVE_KEY",
    "FOUR_KEY",
    "BusError",
    "BusPort",
    "DecodeErrors",
    "EvaluatorModel",
    "EvaluatorPress",
    "Frame",
    "FrameDecoder",
    "KeypadAction",
    "KeypadPress",
    "PortClosedError",
    "PortIOError",
    "Press",
    "ack",
    "beep",
    "decode_key",
    "decode_press",
    "decode_rating",
    "is_rating",
    "key_frame",
    "number_cells",
    "rating_frame",
    "read_number",
    "show_code",
    "show_number",
    "show_waiting",
    "start_evaluation",
]
