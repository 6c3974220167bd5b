"""``sqlite_utils``, imported without numpy and pandas.

sqlite_utils imports numpy and pandas whenever they are installed, only to give their number
types a column type; the hall never stores them. They are installed (the reports draw charts
with matplotlib), and numpy alone is about 15 MB of the server's memory: a third of it when
idle. So sqlite_utils is imported here with both hidden (``None`` in ``sys.modules`` makes an
import fail, the documented way), and they are visible again afterwards: the report tools in
the same process import them as usual.
"""

from __future__ import annotations

import sys

_HIDDEN = [name for name in ("numpy", "pandas") if name not in sys.modules]
for _name in _HIDDEN:
    sys.modules[_name] = None  # type: ignore[assignment]
try:
    import sqlite_utils
finally:
    for _name in _HIDDEN:
        if _name in sys.modules and sys.modules[_name] is None:
            del sys.modules[_name]

__all__ = ["sqlite_utils"]
