"""预约 check-in at the kiosk against a real server: accepted, late (a walk-in ticket), an
unknown code, a code used twice, and guessing limited per kiosk. Screenshots of each screen
go to artifacts/screenshots/kiosk/ (git-ignored) to be looked at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fitcheck import check
from kioskkit import HallThread, KioskRig

from kiosk.flow import Stage

OUT = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "kiosk"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def today_at(hour: int, minute: int = 0) -> float:
    """POSIX seconds of today's (the hall's) ``hour:minute``."""
    day = dt.datetime.now(SHANGHAI).date()
    return dt.datetime.combine(day, dt.time(hour, minute), SHANGHAI).timestamp()


@pytest.fixture
def at_ten(hall_server: HallThread) -> HallThread:
    """The server's clock at 10:00 today (the kiosk's hello has started the day already)."""
    hall_server.now = today_at(10)
    return hall_server


def check_in(rig: KioskRig, code: str) -> None:
    window = rig.window
    window.home.appointment_button.click()
    window.home.category_buttons["社会保障"].click()
    window.category.service_buttons["SB"].click()
    assert window.screen_now is window.appointment
    for key in code:
        window.appointment.keys[key].click()
    window.appointment.confirm_button.click()
    rig.qtbot.waitUntil(lambda: rig.flow.stage in (Stage.DONE, Stage.FAILED), timeout=5000)


def shot(rig: KioskRig, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    check(rig.qtbot, rig.window, name)  # settled, nothing cut off
    assert rig.window.grab().save(str(OUT / f"checkin-{name}.png"))


def test_a_booked_citizen_checks_in_and_is_told_so(kiosk: KioskRig, at_ten: HallThread) -> None:
    code = at_ten.book("SB", slot="10:15", day=dt.datetime.now(SHANGHAI).date().isoformat())
    check_in(kiosk, code)
    done = kiosk.window.done
    assert kiosk.flow.stage is Stage.DONE and kiosk.window.screen_now is done
    assert done.chip.text() == "预约"
    assert done.checkin.isVisible()
    assert done.checkin.text() == "预约签到成功（10:15），请留意叫号"
    [issued] = at_ten.events("ticket_issued")
    assert (issued["class"], issued["due_at"]) == ("appointment", today_at(10, 15))
    shot(kiosk, "accepted")
    done.done_button.click()

    check_in(kiosk, code)  # the same code again
    failed = kiosk.window.failed
    assert kiosk.flow.stage is Stage.FAILED
    assert failed.title.text() == "未能签到"
    assert failed.message.text() == "该预约码已签到使用，不能重复签到"
    assert not failed.retry_button.isVisible() and not failed.reenter_button.isVisible()
    shot(kiosk, "used-twice")
    assert len(at_ten.tickets()) == 1


def test_a_late_citizen_gets_a_walk_in_ticket(kiosk: KioskRig, at_ten: HallThread) -> None:
    code = at_ten.book("SB", slot="10:15", day=dt.datetime.now(SHANGHAI).date().isoformat())
    at_ten.now = today_at(10, 31)  # the slot's 15 minutes of grace are over
    check_in(kiosk, code)
    done = kiosk.window.done
    assert kiosk.flow.stage is Stage.DONE
    assert not done.chip.isVisible()  # a walk-in ticket: no 预约 mark
    assert done.checkin.text() == "您已超过预约时间（10:15），已为您改取普通号，请按顺序等候"
    assert done.checkin.property("late") is True
    [ticket] = at_ten.tickets()
    assert ticket["class"] == "normal"
    shot(kiosk, "late")


def test_unknown_codes_say_nothing_of_what_exists_and_guessing_stops(
    kiosk: KioskRig, at_ten: HallThread
) -> None:
    tomorrow = (dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=1)).isoformat()
    someone_elses = at_ten.book("SB", day=tomorrow, slot="10:15")  # exists, not today
    messages = []
    for code in ("12345678", someone_elses):
        check_in(kiosk, code)
        messages.append(kiosk.window.failed.message.text())
        if code == "12345678":
            shot(kiosk, "unknown")
        kiosk.window.failed.home_button.click()
    check_in(kiosk, "12345679")  # a typing slip: the citizen types it again at once
    failed = kiosk.window.failed
    assert failed.reenter_button.isVisible() and failed.reenter_button.text() == "重新输入预约码"
    failed.reenter_button.click()
    assert kiosk.window.screen_now is kiosk.window.appointment
    assert kiosk.window.appointment.code.text() == ""  # the wrong code is not shown again
    assert kiosk.window.appointment.subtitle.text() == "预约事项：社保"
    kiosk.window.appointment.home_button.click()
    assert messages == ["未找到今天可签到的预约，请核对预约码，或到服务台咨询"] * 2
    for n in range(2):  # five unknown codes in ten minutes: this kiosk is stopped a while
        check_in(kiosk, f"5555000{n}")
        kiosk.window.failed.home_button.click()
    code = at_ten.book("SB", slot="10:15", day=dt.datetime.now(SHANGHAI).date().isoformat())
    check_in(kiosk, code)
    assert kiosk.window.failed.message.text() == ("预约码错误次数过多，请稍后再试或到服务台咨询")
    assert at_ten.tickets() == []


@pytest.mark.parametrize("hall_server", ["booked_only"], indirect=True)
def test_the_home_screen_says_which_window_serves_bookings_only(kiosk: KioskRig) -> None:
    note = kiosk.window.home.booked_only
    kiosk.qtbot.waitUntil(note.isVisible, timeout=3000)
    assert note.text() == "2号窗口 00:00–23:59 仅办理预约业务"
    shot(kiosk, "home-booked-only")
    kiosk.window.topbar.language_button.click()
    assert note.text() == "Window 2: appointments only, 00:00–23:59"


@pytest.mark.parametrize("hall_server", ["office_hours"], indirect=True)
def test_a_booking_checks_in_after_hours(
    make_kiosk: Callable[..., KioskRig], hall_server: HallThread
) -> None:
    """预约延时服务: 社保 is open 09:00–17:00, a booked citizen checks in at 18:00 all the same."""
    hall_server.now = today_at(18)
    rig = make_kiosk()
    rig.wait_ready()
    assert not rig.flow.model.services["SB"].open  # no walk-in tickets for 社保 now
    code = hall_server.book("SB", slot="18:15", day=dt.datetime.now(SHANGHAI).date().isoformat())
    check_in(rig, code)
    assert rig.flow.stage is Stage.DONE
    [issued] = hall_server.events("ticket_issued")
    assert (issued["class"], issued["due_at"]) == ("appointment", today_at(18, 15))
