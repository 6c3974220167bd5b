"""Window displays (窗口屏) behind one interface, `WindowDisplay`.

`BusWindowDisplay`: digit boards on the keypad bus. `OnbonWindowDisplay`: Onbon BX text
boards. Another board type plugs in by implementing `WindowDisplay`.
"""

from .base import ByteSink, FrameSink, WindowDisplay
from .bus import BusWindowDisplay
from .exceptions import DisplayError, OnbonFrameError
from .onbon import OnbonArea, OnbonWindowDisplay

__all__ = [
    "BusWindowDisplay",
    "ByteSink",
    "DisplayError",
    "FrameSink",
    "OnbonArea",
    "OnbonFrameError",
    "OnbonWindowDisplay",
    "WindowDisplay",
]
