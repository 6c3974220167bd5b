"""Wall test kit: hallkit's real server on its own thread, walls on the test's Qt thread, what a
wall shows as text, and events and figures the server side does not make yet."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from hallkit import HallThread as HallThread  # the tests import it from here
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from contract.hall import HallModel
from contract.records import Kpis
from queue_server.core.model import (
    CallPolicy,
    Device,
    Hall,
    RatingPolicy,
    Role,
    Service,
    Staff,
    StaffRole,
    Window,
)
from queue_server.pins import hash_pin
from wall.app import WallApp
from wall.config import WallConfig

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "wall"

#: The `make_wall` fixture: a started wall (`size`, settings overriding the test's).
MakeWall = Callable[..., WallApp]


def wall_config(hall: HallThread, **overrides: Any) -> WallConfig:
    values: dict[str, Any] = {
        "server": hall.url,
        "device": "manager-1",
        "token": hall.token("manager-1"),
    }
    values.update(overrides)
    return dataclasses.replace(WallConfig(), **values).check()


def screenshot(widget: QWidget, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


def texts_of(widget: QWidget) -> list[str]:
    """Every text the wall shows now: its visible labels' and buttons'."""
    QApplication.processEvents()  # rows added to a shown panel show on the next turn
    found = [w.text() for w in widget.findChildren(QLabel) if w.isVisibleTo(widget) and w.text()]
    found += [
        b.text() for b in widget.findChildren(QAbstractButton) if b.isVisibleTo(widget) and b.text()
    ]
    return found


def shows(wall: WallApp, *texts: str) -> bool:
    """Whether every one of `texts` is (within) a text the wall shows now."""
    shown = texts_of(wall.view)
    return all(any(t in s for s in shown) for t in texts)


def inject(model: HallModel, kind: str, **fields: Any) -> None:
    """Apply an event as the server would send it next (for what the server does not make yet)."""
    event = {"kind": kind, "seq": model.seq + 1, "at": time.time(), "day": model.day or ""}
    event.update(fields)
    assert model.apply_event(event), event


def morning_kpis(services: dict[str, int], windows: tuple[int, ...], tz: str) -> Kpis:
    """Today's figures of a busy morning from 08:30 to now, as a `kpis` reply carries them:
    waiting per service rising to `services[code]` people, calls per window per hour."""
    zone = ZoneInfo(tz)
    now = dt.datetime.now(zone)
    start = now.replace(hour=8, minute=30, second=0, microsecond=0)
    if start >= now:
        start = now - dt.timedelta(hours=2)
    steps = max(1, int((now - start).total_seconds() // 600))
    series = {}
    for i, (code, peak) in enumerate(services.items()):
        points = []
        for k in range(steps + 1):
            at = start + dt.timedelta(minutes=10 * k)
            rise = min(1.0, k / max(1, steps * 0.6))
            points.append([at.timestamp(), round(peak * rise * (0.8 + 0.2 * ((k + i) % 3) / 2))])
        series[code] = points
    calls: dict[str, dict[str, int]] = {}
    for w in windows:
        calls[str(w)] = {str(h): 6 + (w * 3 + h) % 7 for h in range(start.hour, now.hour + 1)}
    served = sum(sum(c.values()) for c in calls.values())
    message = {
        "day": now.date().isoformat(),
        "at": time.time(),
        "total": {
            "issued": served + sum(services.values()) + 9,
            "served": served,
            "no_show": 7,
            "transferred": 4,
            "wait_avg_s": 14 * 60 + 20,
            "wait_p90_s": 38 * 60,
            "service_avg_s": 8 * 60 + 40,
            "service_p90_s": 19 * 60,
            "rated": 64,
            "by_level": {"5": 41, "4": 17, "3": 3, "2": 2, "1": 1},
            "satisfied": 58,
            "satisfaction": 58 / 64,
        },
        "windows": {w: {"served": sum(c.values())} for w, c in calls.items()},
        "hall_ratings": {"rated": 23, "satisfied": 22, "satisfaction": 22 / 23},
        "calls_by_hour": calls,
        "waiting_series": series,
    }
    return msgspec.convert(message, Kpis, strict=False)


BIG_SERVICES = (
    ("BDC", "不动产登记", "Real Estate Registration"),
    ("GJJ", "住房公积金", "Housing Provident Fund"),
    ("QYKB", "企业开办", "Business Start-up"),
    ("SW", "税务办理", "Taxation"),
    ("SB", "社会保险", "Social Insurance"),
    ("YB", "医疗保障", "Medical Insurance"),
    ("HJ", "户籍办理", "Household Registration"),
    ("JJ", "交通违法处理", "Traffic Violations"),
    ("CRJ", "出入境业务", "Exit and Entry"),
    ("HY", "婚姻登记", "Marriage Registration"),
    ("SDQ", "水电气报装", "Utilities"),
    ("ZX", "综合咨询", "Enquiries"),
)
BIG_WINDOWS = 15
BIG_PINS = {f"m{n}": f"{2000 + n}" for n in range(1, BIG_WINDOWS + 2)}  # m16: the manager


def big_hall() -> Hall:
    """A county centre: twelve services, fifteen comprehensive windows, four kiosks, two boards."""
    services = tuple(
        Service(code, zh, en, chr(ord("A") + i), "综合", f"{1 + i % 2}楼")
        for i, (code, zh, en) in enumerate(BIG_SERVICES)
    )
    windows = tuple(
        Window(w, f"{w}号窗口", {BIG_SERVICES[(w + k) % len(BIG_SERVICES)][0]: 1 for k in range(3)})
        for w in range(1, BIG_WINDOWS + 1)
    )
    staff = tuple(
        Staff(sid, f"工作人员{sid[1:]}", hash_pin(pin), frozenset(StaffRole))
        for sid, pin in BIG_PINS.items()
    )
    devices = (
        *(Device(f"kiosk-{i}", Role.KIOSK, f"kiosk-token-{i:04d}-abcdef") for i in range(1, 5)),
        *(
            Device(f"clerk-{w}", Role.CLERK, f"clerk-token-{w:04d}-abcdef", window=w)
            for w in range(1, BIG_WINDOWS + 1)
        ),
        Device("board-1f", Role.DISPLAY, "board-token-0001-abcdef"),
        Device("board-2f", Role.DISPLAY, "board-token-0002-abcdef"),
        Device("bridge-1", Role.BRIDGE, "bridge-token-0001-abcdef"),
        Device("manager-1", Role.MANAGER, "manager-token-0001-abcdef"),
    )
    return Hall(
        name_zh="某某县政务服务中心",
        name_en="County Government Service Centre",
        services=services,
        windows=windows,
        staff=staff,
        devices=devices,
        policy=CallPolicy(normal_per_priority=2, max_wait_s=3600),
        ratings=RatingPolicy(invite_window_s=120, resolve_days=3),
    )
