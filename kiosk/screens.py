"""The kiosk's screens. Each reads the flow in `refresh(flow)` and reports taps to `Actions`.

Screens hold no state of their own beyond the appointment code being typed; what they show
follows from the flow alone, so a test sets the flow up and looks at the widgets.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from contract.records import Service

from .bundles import BUNDLE_CATEGORY, step_lines
from .flow import (
    APPOINTMENT_CODE,
    Failure,
    KioskFlow,
    Lane,
    Stage,
    service_name,
    unavailable_reason,
)
from .layout import ScreenFit
from .texts import error_text, text
from .theme import Sizes, sizes
from .ticket import wait_text
from .widgets import TileButton, TileGrid, button, label, repolish, styled

MARGIN = 48


class Actions(Protocol):
    def tap_lane(self, lane: Lane) -> None: ...
    def tap_category(self, category: str) -> None: ...
    def tap_service(self, code: str) -> None: ...
    def tap_appointment(self, code: str) -> None: ...
    def tap_retry(self) -> None: ...
    def tap_reenter_code(self) -> None: ...
    def tap_back(self) -> None: ...
    def tap_home(self) -> None: ...
    def tap_language(self) -> None: ...
    def tap_large_text(self) -> None: ...
    def touched(self) -> None: ...


def columns(orientation: str, large_text: bool) -> int:
    """Tile columns; large text keeps them (one long column would need scrolling)."""
    return 3 if orientation == "landscape" else 2


def lane_chip(lane: Lane, lang: str) -> tuple[str, str]:
    """(role, text) of the chip that marks a priority or appointment ticket."""
    if lane is Lane.PRIORITY:
        return "lane-chip-priority", text("mark_priority", lang)
    if lane is Lane.APPOINTMENT:
        return "lane-chip-appointment", text("mark_appointment", lang)
    return "", ""


class Page(QWidget):
    """A screen: a column with page margins, drawn for `fit` (the screen's size)."""

    def __init__(self, fit: ScreenFit, role: str = "page") -> None:
        super().__init__()
        styled(self, role)
        self.fit, self.orientation = fit, fit.orientation
        px = sizes(False, fit.scale).px
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(px(MARGIN), px(36), px(MARGIN), px(36))
        self.column.setSpacing(px(24))

    def sizes(self, flow: KioskFlow) -> Sizes:
        return sizes(flow.large_text, self.fit.scale)

    def refresh(self, flow: KioskFlow) -> None:
        """Show what `flow` says."""
        raise NotImplementedError


def nav_row(actions: Actions) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    back = button("nav", "", actions.tap_back)
    home = button("nav", "", actions.tap_home)
    row = QHBoxLayout()
    row.setSpacing(24)
    row.addWidget(back, 1)
    row.addWidget(home, 1)
    return row, back, home


def scrolling(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    holder = QWidget()
    styled(holder, "page")
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(content)
    box.addStretch(1)
    area.setWidget(holder)
    return area


def booked_only_notes(flow: KioskFlow, lang: str, now: dt.datetime | None = None) -> list[str]:
    """预约延时服务 of today not yet over: 「2号窗口 12:00–13:30 仅办理预约业务」 per period."""
    try:
        zone = ZoneInfo(flow.hall.timezone or "Asia/Shanghai")
    except (ValueError, ZoneInfoNotFoundError):
        zone = ZoneInfo("Asia/Shanghai")
    local = now.astimezone(zone) if now else dt.datetime.now(zone)
    clock = f"{local:%H:%M}"
    return [
        text("booked_only_note", lang, window=w.number, start=p.start, end=p.end)
        for w in sorted(flow.model.windows.values(), key=lambda w: w.number)
        for p in w.booked_only
        if local.isoweekday() in p.days and clock < p.end
    ]


class HomeScreen(Page):
    """Categories as big tiles, then the 绿色通道 and 预约签到 lanes."""

    def __init__(self, actions: Actions, fit: ScreenFit) -> None:
        super().__init__(fit)
        self.taps = actions
        self.title = label("title")
        self.chip = label("lane-chip-priority", wrap=False)
        self.cancel_lane = button("nav", "", lambda: actions.tap_back())
        chips = QHBoxLayout()
        chips.addStretch(1)
        chips.addWidget(self.chip)
        chips.addWidget(self.cancel_lane)
        chips.addStretch(1)
        self.grid = TileGrid()
        self.empty = label("subtitle")
        self.priority_button = TileButton(
            "lane-priority", "lane-title", "lane-detail", Lane.PRIORITY.value, self._lane
        )
        self.appointment_button = TileButton(
            "lane-appointment", "lane-title", "lane-detail", Lane.APPOINTMENT.value, self._lane
        )
        self.lanes = lanes = QHBoxLayout()  # the window may add a lane (远程取号签到)
        lanes.setSpacing(24)
        lanes.addWidget(self.priority_button)
        lanes.addWidget(self.appointment_button)
        self.column.addWidget(self.title)
        self.column.addLayout(chips)
        self.column.addWidget(self.empty)
        self.column.addWidget(scrolling(self.grid), 1)
        self.column.addLayout(lanes)
        self.booked_only = label("booked-only")  # 预约延时服务: which windows, when
        self.column.addWidget(self.booked_only)

    @property
    def category_buttons(self) -> dict[str, TileButton]:
        return self.grid.tiles

    def _lane(self, key: str) -> None:
        self.taps.tap_lane(Lane(key))

    def refresh(self, flow: KioskFlow) -> None:
        lang, s = flow.language, self.sizes(flow)
        titles = {Lane.PRIORITY: "home_title_priority", Lane.APPOINTMENT: "home_title_appointment"}
        self.title.setText(text(titles.get(flow.lane, "home_title"), lang))
        role, chip = lane_chip(flow.lane, lang)
        self.chip.setVisible(bool(chip))
        self.cancel_lane.setVisible(bool(chip))
        if chip:
            self.chip.setProperty("role", role)
            self.chip.setText(chip)
            repolish(self.chip)
            self.cancel_lane.setText(text("cancel_lane", lang))
        categories = flow.categories
        self.empty.setText(text("no_services", lang))
        self.empty.setVisible(flow.online and not categories)
        tiles = self.grid.ensure(
            categories,
            columns(self.orientation, flow.large_text),
            s.tile_height(self.orientation),
            self._tile,
        )
        calm = flow.stage is Stage.IDLE
        for name, tile in tiles.items():
            services = flow.services_in(name)
            takeable = [x for x in services if unavailable_reason(x, flow.lane) is None]
            title = flow.category_name(name, lang)
            if name == BUNDLE_CATEGORY:  # 一件事一次办: the bundles by name
                detail = " · ".join(service_name(x, lang) for x in services)
            elif lang == "en" and title == name:  # no English name: say what is inside
                detail = " · ".join(x.name_en for x in services)
            else:
                many = len(services) != 1
                detail = text(
                    "category_services" if many else "category_one_service", lang, n=len(services)
                )
            if takeable:
                badge = text("category_waiting", lang, n=sum(x.waiting for x in takeable))
            else:
                badge = _reason_text(services[0], flow.lane, lang) if services else ""
            tile.set_content(title, detail, badge, closed=not takeable)
            tile.setEnabled(calm and bool(takeable) and flow.can_take(takeable[0]))
        notes = booked_only_notes(flow, lang)
        self.booked_only.setVisible(bool(notes))
        self.booked_only.setText("\n".join(notes))
        lane_normal = flow.lane is Lane.NORMAL
        for tile, key in (
            (self.priority_button, "priority"),
            (self.appointment_button, "appointment"),
        ):
            tile.set_content(text(f"{key}_button", lang), text(f"{key}_hint", lang))
            tile.setMinimumHeight(s.lane_height)
            tile.setVisible(lane_normal)
            tile.setEnabled(calm and flow.online and flow.printer.can_print)

    def _tile(self, key: str) -> TileButton:
        return TileButton("tile", "tile-title", "tile-detail", key, self.taps.tap_category)


def _reason_text(service: Service, lane: Lane, lang: str) -> str:
    reason = unavailable_reason(service, lane)
    return text(f"closed_{reason}", lang) if reason else ""


class CategoryScreen(Page):
    """The services of the chosen category, with waiting counts or why they are closed."""

    def __init__(self, actions: Actions, fit: ScreenFit) -> None:
        super().__init__(fit)
        self.taps = actions
        self.title = label("title")
        self.subtitle = label("subtitle")
        self.chip = label("lane-chip-priority", wrap=False)
        head = QHBoxLayout()
        head.addStretch(1)
        head.addWidget(self.subtitle)
        head.addWidget(self.chip)
        head.addStretch(1)
        self.grid = TileGrid()
        row, self.back_button, self.home_button = nav_row(actions)
        self.column.addWidget(self.title)
        self.column.addLayout(head)
        self.column.addWidget(scrolling(self.grid), 1)
        self.column.addLayout(row)

    @property
    def service_buttons(self) -> dict[str, TileButton]:
        return self.grid.tiles

    def refresh(self, flow: KioskFlow) -> None:
        lang, s = flow.language, self.sizes(flow)
        self.title.setText(text("services_title", lang))
        self.subtitle.setText(flow.category_name(flow.category, lang) if flow.category else "")
        role, chip = lane_chip(flow.lane, lang)
        self.chip.setVisible(bool(chip))
        if chip:
            self.chip.setProperty("role", role)
            self.chip.setText(chip)
            repolish(self.chip)
        services = flow.services_in(flow.category)
        tiles = self.grid.ensure(
            [x.code for x in services],
            columns(self.orientation, flow.large_text),
            s.service_height(self.orientation),
            self._tile,
        )
        for service in services:
            tile = tiles[service.code]
            reason = _reason_text(service, flow.lane, lang)
            detail = service.name_zh if lang == "en" else service.location_zh
            badge = reason or text("service_waiting", lang, n=service.waiting)
            tile.set_content(service_name(service, lang), detail, badge, closed=bool(reason))
            tile.setEnabled(flow.stage is Stage.CATEGORY and flow.can_take(service))
        for nav in (self.back_button, self.home_button):
            nav.setFixedHeight(s.nav_height)
        self.back_button.setText(text("back", lang))
        self.home_button.setText(text("home", lang))

    def _tile(self, key: str) -> TileButton:
        return TileButton("tile", "tile-title", "tile-detail", key, self.taps.tap_service)


class AppointmentScreen(Page):
    """Type the appointment code on the keypad, or scan it (a scanner types and presses Enter)."""

    KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "delete")

    def __init__(self, actions: Actions, fit: ScreenFit) -> None:
        super().__init__(fit)
        self.taps = actions
        self._lang = "zh"
        self.title = label("title")
        self.subtitle = label("subtitle")
        self.code = QLineEdit()
        self.code.setProperty("role", "code")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setMaxLength(32)
        self.code.textChanged.connect(self._typed)
        self.code.returnPressed.connect(self.confirm)
        self.error = label("error")
        self.keys: dict[str, QPushButton] = {}
        self.keypad = QWidget()
        styled(self.keypad, "page")
        pad = QGridLayout(self.keypad)
        pad.setContentsMargins(0, 0, 0, 0)
        pad.setSpacing(18)
        for i, key in enumerate(self.KEYS):
            self.keys[key] = button("key", key, partial(self.press, key))
            pad.addWidget(self.keys[key], i // 3, i % 3)
        self.confirm_button = button("primary", "", self.confirm)
        row, self.back_button, self.home_button = nav_row(actions)
        entry = QVBoxLayout()
        entry.setSpacing(20)
        entry.addWidget(self.title)
        entry.addWidget(self.subtitle)
        entry.addWidget(self.code)
        entry.addWidget(self.error)
        if fit.orientation == "landscape":  # code on the left, keypad on the right
            entry.addStretch(1)
            entry.addWidget(self.confirm_button)
            body = QHBoxLayout()
            body.setSpacing(56)
            body.addLayout(entry, 1)
            body.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignVCenter)
            self.column.addLayout(body, 1)
        else:
            self.column.addLayout(entry)
            self.column.addStretch(1)
            self.column.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
            self.column.addStretch(1)
            self.column.addWidget(self.confirm_button)
        self.column.addLayout(row)

    def reset(self) -> None:
        """Forget the code typed by the last citizen."""
        if self.code.text() or self.error.text():
            self.code.clear()
            self.error.setText("")

    def press(self, key: str) -> None:
        self.taps.touched()
        if key == "clear":
            self.code.clear()
        elif key == "delete":
            self.code.backspace()
        else:
            self.code.insert(key)

    def _typed(self, _: str) -> None:
        self.error.setText("")
        self.confirm_button.setEnabled(bool(self.code.text().strip()))

    def confirm(self) -> None:
        code = self.code.text().strip()
        if not APPOINTMENT_CODE.match(code):
            self.error.setText(text("appointment_bad_code", self._lang))
            self.taps.touched()
            return
        self.taps.tap_appointment(code)

    def refresh(self, flow: KioskFlow) -> None:
        lang, s = flow.language, self.sizes(flow)
        self._lang = lang
        self.title.setText(text("appointment_title", lang))
        service = service_name(flow.service, lang) if flow.service else ""
        self.subtitle.setText(text("appointment_for", lang, service=service))
        self.code.setPlaceholderText(text("appointment_placeholder", lang))
        self.keys["clear"].setText(text("key_clear", lang))
        self.keys["delete"].setText(text("key_delete", lang))
        for key in self.keys.values():
            key.setFixedSize(s.key_width, s.key_height)
        self.confirm_button.setText(text("confirm", lang))
        self.confirm_button.setFixedHeight(s.nav_height)
        self.confirm_button.setEnabled(bool(self.code.text().strip()))
        for nav in (self.back_button, self.home_button):
            nav.setFixedHeight(s.nav_height)
        self.back_button.setText(text("back", lang))
        self.home_button.setText(text("home", lang))
        if flow.stage is Stage.APPOINTMENT:
            self.code.setFocus()  # a scanner types into the focused field


class Card(QWidget):
    """A white card in the middle of the page."""

    def __init__(self, fit: ScreenFit) -> None:
        super().__init__()
        styled(self, "card")
        px = sizes(False, fit.scale).px
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(px(56), px(48), px(56), px(48))
        self.column.setSpacing(px(22))


def centered(page: Page, card: QWidget) -> None:
    page.column.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card, 8)
    row.addStretch(1)
    page.column.addLayout(row)
    page.column.addStretch(1)


class PrintingScreen(Page):
    def __init__(self, fit: ScreenFit) -> None:
        super().__init__(fit)
        card = Card(fit)
        self.title = label("big-title")
        self.service = label("service")
        self.hint = label("subtitle")
        for part in (self.title, self.service, self.hint):
            card.column.addWidget(part)
        centered(self, card)

    def refresh(self, flow: KioskFlow) -> None:
        lang = flow.language
        self.title.setText(text("printing_title", lang))
        code = flow.request.service if flow.request else None
        service = next((x for x in flow.services if x.code == code), None) if code else None
        self.service.setText(service_name(service, lang) if service else "")
        self.hint.setText(text("printing_hint", lang))


class DoneScreen(Page):
    """请取走您的票, the number big, and what the ticket says."""

    def __init__(self, actions: Actions, fit: ScreenFit) -> None:
        super().__init__(fit)
        card = Card(fit)
        self.title = label("big-title")
        self.number = label("number", wrap=False)
        self.service = label("service")
        self.chip = label("lane-chip-priority", wrap=False)
        self.checkin = label("checkin")  # 预约: checked in, or late and so a walk-in ticket
        self.wait = label("fact")  # people ahead and the estimate, in the hall's wording
        self.location = label("fact")
        self.steps = label("fact")  # 一件事: the steps done and to come
        self.hint = label("note")
        chip_row = QHBoxLayout()
        chip_row.addStretch(1)
        chip_row.addWidget(self.chip)
        chip_row.addStretch(1)
        self.done_button = button("primary", "", actions.tap_home)
        for part in (self.title, self.number, self.service):
            card.column.addWidget(part)
        card.column.addLayout(chip_row)
        card.column.addWidget(self.checkin)
        if fit.orientation == "landscape":  # the number on the left, what to do next on the right
            facts = Card(fit)
            facts.column.addStretch(1)
            for part in (self.wait, self.location, self.steps, self.hint):
                facts.column.addWidget(part)
            facts.column.addStretch(1)
            row = QHBoxLayout()
            row.setSpacing(40)
            row.addWidget(card, 1)
            row.addWidget(facts, 1)
            self.column.addStretch(1)
            self.column.addLayout(row)
            self.column.addStretch(1)
        else:
            for part in (self.wait, self.location, self.steps, self.hint):
                card.column.addWidget(part)
            centered(self, card)
        self.column.addWidget(self.done_button)

    def refresh(self, flow: KioskFlow) -> None:
        lang, t = flow.language, flow.ticket or {}
        self.title.setText(text("done_title", lang))
        self.number.setText(str(t.get("number", "")))
        name = t.get("service_name_en") if lang == "en" else t.get("service_name_zh")
        bundle = t.get("bundle_name_en") if lang == "en" else t.get("bundle_name_zh")
        self.service.setText(str(bundle or name or t.get("service") or ""))
        steps = step_lines(t, lang)
        self.steps.setVisible(bool(steps))
        self.steps.setText(text("steps_intro", lang) + "\n" + "\n".join(steps) if steps else "")
        role, chip = lane_chip(
            Lane(t.get("class", "normal"))
            if t.get("class") in ("normal", "priority", "appointment")
            else Lane.NORMAL,
            lang,
        )
        self.chip.setVisible(bool(chip))
        if chip:
            self.chip.setProperty("role", role)
            self.chip.setText(chip)
            repolish(self.chip)
        checkin = t.get("checkin") if isinstance(t.get("checkin"), dict) else None
        self.checkin.setVisible(checkin is not None)
        if checkin is not None:
            said = checkin.get("text_en" if lang == "en" else "text_zh")
            self.checkin.setText(str(said or ""))
            self.checkin.setProperty("late", checkin.get("outcome") == "late")
            repolish(self.checkin)
        self.wait.setText(wait_text(t, lang) if t else "")
        place = (
            t.get("location_en") if lang == "en" and t.get("location_en") else t.get("location_zh")
        )
        self.location.setVisible(bool(place))
        self.location.setText(text("done_location", lang, location=place or ""))
        self.hint.setText(text("bundle_hint" if steps else "done_hint", lang))
        self.done_button.setText(text("done_again", lang))
        self.done_button.setFixedHeight(self.sizes(flow).nav_height)


class FailedScreen(Page):
    """Why no ticket was issued, in plain words, with 重试 when trying again can help."""

    def __init__(self, actions: Actions, fit: ScreenFit) -> None:
        super().__init__(fit)
        card = Card(fit)
        self.title = label("fail-title")
        self.message = label("message")
        card.column.addWidget(self.title)
        card.column.addWidget(self.message)
        self.retry_button = button("primary", "", actions.tap_retry)
        self.reenter_button = button("primary", "", actions.tap_reenter_code)  # 预约 code again
        self.home_button = button("nav", "", actions.tap_home)
        centered(self, card)
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self.retry_button, 1)
        row.addWidget(self.reenter_button, 1)
        row.addWidget(self.home_button, 1)
        self.column.addLayout(row)

    def refresh(self, flow: KioskFlow) -> None:
        lang = flow.language
        checking_in = flow.lane is Lane.APPOINTMENT and flow.failure is Failure.REFUSED
        self.title.setText(text("failed_title_checkin" if checking_in else "failed_title", lang))
        if flow.failure is Failure.PRINTER:
            message = text("failed_printer", lang)
        elif flow.failure is Failure.NETWORK:
            message = text("failed_network", lang)
        else:
            zh, en = flow.failure_message
            message = error_text(flow.failure_code, lang, zh, en, **_fields(flow))
        self.message.setText(message)
        self.retry_button.setText(text("retry", lang))
        self.retry_button.setVisible(flow.retryable)
        self.retry_button.setEnabled(flow.online)
        self.reenter_button.setText(text("reenter_code", lang))
        self.reenter_button.setVisible(flow.can_reenter_code)
        self.home_button.setText(text("home", lang))
        for b in (self.retry_button, self.reenter_button, self.home_button):
            b.setFixedHeight(self.sizes(flow).nav_height)


def _fields(flow: KioskFlow) -> dict[str, object]:
    fields = dict(flow.failure_fields)
    held = fields.get("ticket")
    if isinstance(held, dict) and "number" not in fields:
        fields["number"] = held.get("number", "")
    return fields


class OutOfServiceScreen(Page):
    """暂停服务: the printer needs staff. Says why, and whether a ticket was voided."""

    def __init__(self, fit: ScreenFit) -> None:
        super().__init__(fit, "oos")
        self.icon = label("oos-icon", "!", wrap=False)
        icon = sizes(False, fit.scale).px(180)
        self.icon.setFixedSize(icon, icon)
        self.title = label("oos-title")
        self.reason = label("oos-reason")
        self.voided = label("oos-message")
        self.hint = label("oos-message")
        self.column.addStretch(2)
        self.column.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        self.column.addSpacing(24)
        for part in (self.title, self.reason):
            self.column.addWidget(part)
        self.column.addSpacing(48)
        for part in (self.voided, self.hint):
            self.column.addWidget(part)
        self.column.addStretch(3)

    def refresh(self, flow: KioskFlow) -> None:
        lang = flow.language
        self.title.setText(text("oos_title", lang))
        key = flow.printer.text_key
        self.reason.setText(text(key, lang) if not flow.printer.can_print else "")
        self.voided.setVisible(flow.voided_here)
        self.voided.setText(text("oos_voided", lang))
        self.hint.setText(text("oos_hint", lang))


__all__ = [
    "Actions",
    "AppointmentScreen",
    "CategoryScreen",
    "DoneScreen",
    "FailedScreen",
    "HomeScreen",
    "OutOfServiceScreen",
    "PrintingScreen",
    "booked_only_notes",
]
