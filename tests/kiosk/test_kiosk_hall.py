"""The kiosk shows the link's live hall model: counts move with the server's events, with no
snapshot request per event; what events do not carry (opening hours) comes with the slow
snapshot refresh. Against a real server that counts each device's `snapshot` requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
from kioskkit import HallThread, KioskRig

from kiosk.flow import Stage


def test_other_kiosks_tickets_move_the_counts_with_no_snapshot_per_event(kiosk: KioskRig) -> None:
    home = kiosk.window.home
    social, police = (home.category_buttons[c].badge for c in ("社会保障", "公安服务"))
    for n, service in enumerate(["SB", "YB", "SB", "HJ", "SB", "YB"], start=1):
        kiosk.server.take("kiosk-2", service, f"k2-{n}")
    kiosk.qtbot.waitUntil(lambda: social.text() == "5 人等候", timeout=3000)
    assert police.text() == "1 人等候"
    home.category_buttons["社会保障"].click()
    tiles = kiosk.window.category.service_buttons
    kiosk.server.take("kiosk-3", "SB", "k3-1")
    kiosk.qtbot.waitUntil(lambda: tiles["SB"].badge.text() == "当前等候 4 人", timeout=3000)
    assert tiles["YB"].badge.text() == "当前等候 2 人"
    model, hall = kiosk.controller.link.model, kiosk.server.service
    kiosk_stream = hall.streams["kiosk"]  # all events sent to kiosks applied
    kiosk.qtbot.waitUntil(lambda: model.seq == kiosk_stream.last, timeout=3000)
    assert kiosk.server.snapshots["kiosk-1"] == 0  # the welcome's was the only one it read


@pytest.mark.parametrize("hall_server", ["office_hours"], indirect=True)
def test_a_service_closing_with_the_halls_hours_is_seen_at_the_slow_refresh(
    hall_server: HallThread, make_kiosk: Callable[..., KioskRig]
) -> None:
    tz = ZoneInfo(hall_server.hall.policy.timezone)
    hall_server.now = dt.datetime(2026, 11, 23, 16, 50, tzinfo=tz).timestamp()
    rig = make_kiosk(snapshot_refresh_s=0.2)
    rig.wait_ready()
    rig.window.home.category_buttons["社会保障"].click()
    sb = rig.window.category.service_buttons["SB"]
    assert sb.isEnabled() and sb.badge.text() == "当前等候 0 人"
    hall_server.now += 20 * 60  # 17:10: 社保 has closed, and no event says so
    rig.qtbot.waitUntil(lambda: sb.badge.text() == "休息中", timeout=3000)
    assert not sb.isEnabled() and rig.flow.stage is Stage.CATEGORY
    assert hall_server.snapshots["kiosk-1"] >= 1
