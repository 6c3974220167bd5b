"""Keep `True`/`False`/`None` alive despite PySide6 6.12 losing references to them.

On Python 3.11 (before PEP 683 made these objects immortal) PySide6 6.12.0 returns borrowed
singletons as new references in a few places, so each call takes one reference away:

- `SignalInstance.emit()` takes one from `True` (every emit made from Python: the server
  link's, the printer worker's);
- emitting a `Signal(dict)` takes one from `None` per `None` value in the dict (the server
  link's `event` and `welcomed`);
- `QCoreApplication.processEvents()` takes one from `None`.

After some thousands of these the singleton is "deallocated" and the process aborts with
"Fatal Python error: bool_dealloc" (or none_dealloc). A kiosk does them a few times per ticket
and per server event: it would die within a working day.

`RefGuard.probe()` measures the losses once; when there are any, `RefGuard.top_up()` (run now
and then) holds a reserve of references so no count reaches zero. Extra references to these
singletons cost 8 bytes each and are harmless; with a fixed PySide6 the probe finds no loss
and the guard does nothing.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QObject, Signal

log = logging.getLogger(__name__)

SINGLETONS = (True, False, None)
LOW_WATER = 200_000  # top up below this many references ...
BATCH = 1_000_000  # ... by this many (8 MB of list slots, once per million emits)


class _Probe(QObject):
    ping = Signal(int)
    record = Signal(dict)


def emit_loss(rounds: int = 64) -> dict[object, int]:
    """References each singleton loses per round of the calls above, over `rounds` rounds."""
    probe = _Probe()
    probe.ping.connect(lambda _: None)
    probe.record.connect(lambda _: None)
    app = QCoreApplication.instance()
    before = {s: sys.getrefcount(s) for s in SINGLETONS}
    for n in range(rounds):
        probe.ping.emit(n)
        probe.record.emit({"n": None})
        if app is not None:
            app.processEvents()
    after = {s: sys.getrefcount(s) for s in SINGLETONS}
    probe.deleteLater()
    return {s: max(0, round((before[s] - after[s]) / rounds)) for s in SINGLETONS}


class RefGuard:
    def __init__(self) -> None:
        self._reserve: dict[object, list[list[object]]] = {s: [] for s in SINGLETONS}
        self._losing: tuple[object, ...] = ()
        self.probed = False

    def probe(self) -> bool:
        """Measure once; True when this PySide6 loses references and the guard is needed."""
        if self.probed:
            return self.active
        loss = emit_loss()
        self.probed = True
        self._losing = SINGLETONS if any(loss.values()) else ()
        if self.active:
            log.warning(
                "PySide6 %s on Python %d.%d loses references (%s per round); "
                "keeping a reserve so the process does not abort",
                pyside_version,
                *sys.version_info[:2],
                ", ".join(f"{s!r}: {n}" for s, n in loss.items() if n),
            )
        self.top_up()
        return self.active

    @property
    def active(self) -> bool:
        return bool(self._losing)

    def top_up(self) -> None:
        for singleton in self._losing:
            if sys.getrefcount(singleton) < LOW_WATER:
                batch = [singleton] * BATCH
                # The references in `batch` replace ones already lost, so they must never be
                # released, not even when the interpreter shuts down: the list itself is given
                # one reference nobody owns.
                ctypes.pythonapi.Py_IncRef(ctypes.py_object(batch))
                self._reserve[singleton].append(batch)

    @property
    def reserved(self) -> int:
        return sum(len(batch) for r in self._reserve.values() for batch in r)


#: One per process: the loss is a property of the installed PySide6.
GUARD = RefGuard()
