"""The guard that keeps True/False/None alive under a PySide6 that loses references to them."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from kiosk.refguard import GUARD, LOW_WATER, SINGLETONS, RefGuard, emit_loss


class Chatty(QObject):
    said = Signal(dict)


def test_probe_measures_once_and_top_up_keeps_a_reserve(qapp):
    guard = RefGuard()
    active = guard.probe()
    assert guard.probe() is active  # measured once
    if not active:  # a PySide6 without the leak, or Python >= 3.12: nothing to do
        assert guard.reserved == 0
        return
    assert all(sys.getrefcount(s) >= LOW_WATER for s in SINGLETONS)
    held = guard.reserved
    guard.top_up()
    assert guard.reserved == held  # nothing more while the counts are high


def test_many_emits_and_event_loop_turns_do_not_abort_the_process(qapp):
    GUARD.probe()
    chatty = Chatty()
    got = []
    chatty.said.connect(got.append)
    losses = emit_loss()
    for batch in range(5):
        GUARD.top_up()  # what the controller's timer does every 10 s
        for n in range(20_000):
            chatty.said.emit({"n": n, "window": None, "ok": True})
        QApplication.processEvents()
    assert len(got) == 100_000
    assert all(sys.getrefcount(s) > 1000 for s in SINGLETONS), losses
