"""The 24-hour self-service station (24小时便民服务站): while every window is closed the
kiosk says what the self-service machines there do and when the hall opens next; a window
that opens brings the ticket screens back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fitcheck import check
from kioskkit import HallThread, KioskRig
from PySide6.QtCore import QSize

from kiosk.config import SelfService
from kiosk.station import after_hours, next_opening, opening_text
from kiosk.window import SIZES

OUT = Path(__file__).resolve().parents[2] / "artifacts" / "kiosk"
SHANGHAI = ZoneInfo("Asia/Shanghai")
EVENING = dt.datetime(2026, 12, 2, 20, 0, tzinfo=SHANGHAI).timestamp()  # a Wednesday
SELF_SERVICE = (
    SelfService("社保缴费证明打印", "Social insurance certificates"),
    SelfService("公积金查询", "Housing fund balance"),
    SelfService("不动产登记信息查询", "Real estate records"),
    SelfService("个人所得税申报", "Individual income tax"),
    SelfService("交通违法处理", "Traffic fines"),
)


@pytest.mark.parametrize("hall_server", ["office_hours"], indirect=True)
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_after_hours_the_station_says_what_it_does_and_when_the_hall_opens(
    make_kiosk: Callable[..., KioskRig], hall_server: HallThread, orientation: str, lang: str
) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    hall_server.now = EVENING  # 社保 is open 09:00–17:00
    rig = make_kiosk(orientation=orientation, lang=lang, mode="station", self_service=SELF_SERVICE)
    window, qtbot = rig.window, rig.qtbot
    station = window.station
    assert station is not None
    station.clock = lambda: EVENING
    qtbot.waitUntil(lambda: window.stack.currentWidget() is station, timeout=5000)
    assert after_hours(rig.flow.model)
    opens = next_opening(rig.flow.model)
    assert opens == dt.datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI).timestamp()
    words = {"zh": "大厅明天（星期四）09:00 开放", "en": "The hall opens tomorrow (Thu) at 09:00"}
    qtbot.waitUntil(lambda: station.opens.text() == words[lang], timeout=3000)
    shown = [tile.text() for tile in station.tiles]
    assert shown == [s.zh if lang == "zh" else s.en for s in SELF_SERVICE]
    qtbot.waitUntil(lambda: window.size() == QSize(*SIZES[orientation]), timeout=1000)
    check(qtbot, window, "station")  # settled, all on the glass, nothing cut off
    assert window.grab().save(str(OUT / f"station-{orientation}-{lang}.png"))

    hall_server.open_window(1, "s1")  # a clerk logs in: tickets again
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home, timeout=5000)
    assert window.home.category_buttons


def test_the_hall_opening_in_words() -> None:
    now = EVENING
    friday = dt.datetime(2026, 12, 4, 18, 0, tzinfo=SHANGHAI).timestamp()
    monday = dt.datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI).timestamp()
    later = dt.datetime(2026, 12, 2, 21, 30, tzinfo=SHANGHAI).timestamp()
    assert opening_text(later, now, SHANGHAI, "zh") == "大厅今天 21:30 开放"
    assert opening_text(monday, friday, SHANGHAI, "zh") == "大厅下次开放：12月7日（星期一）09:00"
    assert opening_text(monday, friday, SHANGHAI, "en") == (
        "The hall opens next on Mon 12/7 at 09:00"
    )
    assert opening_text(None, now, SHANGHAI, "zh") == "请在工作日办公时间前来大厅取号"
