"""The kiosk's window: top bar, offline banner, and one screen per stage of the flow.

It observes the flow (`flow.subscribe`) and shows the screen for the current stage; taps go to
`actions` (the controller). The window takes the size of its screen (`layout.ScreenFit`):
portrait and landscape share the screens, the number of tile columns follows the orientation,
and every size follows the screen's scale and the large-text mode.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from appkit.fonts import cjk_family
from contract.hall import Change

from .checkin import CheckinFlow
from .checkin_screen import CheckinDesk, CheckinScreen
from .flow import KioskFlow, Lane, Stage
from .layout import DESIGN_SIZES, ScreenFit, fit_screen
from .screens import (
    Actions,
    AppointmentScreen,
    CategoryScreen,
    DoneScreen,
    FailedScreen,
    HomeScreen,
    OutOfServiceScreen,
    Page,
    PrintingScreen,
)
from .station import StationScreen, shows_station
from .texts import text
from .theme import stylesheet
from .widgets import TileButton, TopBar, label

#: The design sizes (kept for callers that size a window by orientation).
SIZES = DESIGN_SIZES


class KioskWindow(QWidget):
    def __init__(
        self,
        flow: KioskFlow,
        actions: Actions,
        fit: ScreenFit | None = None,
        tz: ZoneInfo | None = None,
        station: StationScreen | None = None,
        checkin: CheckinDesk | None = None,
    ) -> None:
        """`fit`: the screen to fill; by default a portrait 1080×1920 one. `station`: a
        24-hour station's screen, shown instead of the home screen while windows are closed.
        `checkin`: the 远程取号签到 screen's desk (a third lane on the home screen opens it)."""
        super().__init__()
        self.setObjectName("KioskWindow")
        self.fit = fit or fit_screen("portrait", *DESIGN_SIZES["portrait"])
        self.flow, self.taps, self.orientation = flow, actions, self.fit.orientation
        self.family = cjk_family()
        self.topbar = TopBar(
            actions.tap_language, actions.tap_large_text, tz or ZoneInfo("Asia/Shanghai")
        )
        self.banner = label("banner")
        self.banner.hide()
        self.home = HomeScreen(actions, self.fit)
        self.category = CategoryScreen(actions, self.fit)
        self.appointment = AppointmentScreen(actions, self.fit)
        self.printing = PrintingScreen(self.fit)
        self.done = DoneScreen(actions, self.fit)
        self.failed = FailedScreen(actions, self.fit)
        self.out_of_service = OutOfServiceScreen(self.fit)
        self.stack = QStackedWidget()
        for screen in (
            self.home,
            self.category,
            self.appointment,
            self.printing,
            self.done,
            self.failed,
            self.out_of_service,
        ):
            self.stack.addWidget(screen)
        self.station = station
        if station is not None:
            self.stack.addWidget(station)
            flow.model.observe(lambda change: self._windows_changed(flow, change))
        self.checkin_desk = checkin
        self.checkin: CheckinScreen | None = None
        self.checkin_button: TileButton | None = None
        if checkin is not None:
            self.checkin = CheckinScreen(checkin, self.fit)
            self.stack.addWidget(self.checkin)
            self.checkin_button = TileButton(
                "lane-checkin", "lane-title", "lane-detail", "checkin", lambda _: checkin.open()
            )
            self.home.lanes.addWidget(self.checkin_button)
            checkin.flow.subscribe(lambda _: self.refresh(self.flow))
        self.screens: dict[Stage, Page] = {
            Stage.IDLE: self.home,
            Stage.OFFLINE: self.home,
            Stage.CATEGORY: self.category,
            Stage.APPOINTMENT: self.appointment,
            Stage.TAKING: self.printing,
            Stage.PRINTING: self.printing,
            Stage.DONE: self.done,
            Stage.FAILED: self.failed,
            Stage.OUT_OF_SERVICE: self.out_of_service,
        }
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.topbar)
        column.addWidget(self.banner)
        column.addWidget(self.stack, 1)
        self.resize(*self.fit.size)
        self._look: tuple[bool, str] | None = None  # what the stylesheet was made for
        flow.subscribe(self.refresh)
        self.refresh(flow)
        self.topbar.timer.start()

    @property
    def screen_now(self) -> QWidget | None:
        return self.stack.currentWidget()

    def refresh(self, flow: KioskFlow) -> None:
        look = (flow.large_text, flow.language)
        if look != self._look:
            self._look = look
            self.setStyleSheet(
                stylesheet(self.family, flow.large_text, self.fit.scale, flow.language)
            )
        lang = flow.language
        self.setWindowTitle(text("app_title", lang))
        self.topbar.refresh(flow.hall, lang, flow.large_text)
        self.banner.setVisible(not flow.online)
        self.banner.setText(
            text("offline_banner" if flow.ever_online else "connecting_banner", lang)
        )
        screen = self.screens[flow.stage]
        if self.station is not None and shows_station(flow):
            screen = self.station
        screen.refresh(flow)
        if flow.stage is not Stage.APPOINTMENT:
            self.appointment.reset()
        self._refresh_checkin(flow)
        if self.checkin is not None and self._checking_in.active:
            self.checkin.refresh_checkin(flow, self._checking_in)
            self.stack.setCurrentWidget(self.checkin)
            return
        self.stack.setCurrentWidget(screen)

    def _windows_changed(self, flow: KioskFlow, change: Change) -> None:
        """A station follows the windows: the home screen returns when one opens."""
        if change.windows or change.everything:
            self.refresh(flow)

    @property
    def _checking_in(self) -> CheckinFlow:
        assert self.checkin_desk is not None
        return self.checkin_desk.flow

    def _refresh_checkin(self, flow: KioskFlow) -> None:
        """The home screen's 远程取号签到 lane: beside the others, while the link is up."""
        tile = self.checkin_button
        if tile is None:
            return
        lang = flow.language
        tile.set_content(text("checkin_button", lang), text("checkin_button_hint", lang))
        tile.setMinimumHeight(self.home.sizes(flow).lane_height)
        tile.setVisible(flow.lane is Lane.NORMAL)
        tile.setEnabled(flow.stage in (Stage.IDLE, Stage.OUT_OF_SERVICE) and flow.online)

    def stop(self) -> None:
        """Stop the clock (call before closing)."""
        self.topbar.timer.stop()

    def closeEvent(self, event: object) -> None:
        self.stop()
        super().closeEvent(event)  # type: ignore[arg-type]
