"""The kiosk's look: a government-blue stylesheet, sizes in pixels scaled for the screen and
for large text.

Widgets say what they are with a `role` property; the stylesheet gives each role its size and
colours. The font family is named explicitly so Chinese never falls back to boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

BLUE = "#0b4a8b"  # 政务蓝
BLUE_DARK = "#083a6e"
BLUE_LIGHT = "#e8f0fa"
INK = "#10263f"
MUTED = "#5b6b7f"
PAPER = "#f3f6fa"
LINE = "#c8d6e8"
GREEN = "#1b7f3b"
GREEN_DARK = "#146430"
AMBER = "#b8620a"
AMBER_DARK = "#924d06"
RED = "#b3261e"
DISABLED_BG = "#e6e9ee"
DISABLED_INK = "#8d97a5"

LARGE_TEXT_SCALE = 1.3


@dataclass(frozen=True)
class Sizes:
    """Pixel sizes for one scale; the layouts read these too.

    `screen` scales the design (1080×1920 or 1920×1080) to the screen; `scale` is `screen`
    times the large-text factor. `screen_px` is for what large text leaves alone (the top
    bar, so its switches stay where they were, and the ticket number, already huge).
    """

    scale: float
    screen: float = 1.0

    def px(self, base: float) -> int:
        return round(base * self.scale)

    def screen_px(self, base: float) -> int:
        return round(base * self.screen)

    def tile_height(self, orientation: str) -> int:
        return self.px(260 if orientation == "portrait" else 190)

    def service_height(self, orientation: str) -> int:
        return self.px(220 if orientation == "portrait" else 170)

    @property
    def lane_height(self) -> int:
        return self.px(150)

    @property
    def nav_height(self) -> int:
        return self.px(110)

    @property
    def key_height(self) -> int:
        return self.px(112)

    @property
    def key_width(self) -> int:
        return self.px(220)


def sizes(large_text: bool, screen: float = 1.0) -> Sizes:
    return Sizes((LARGE_TEXT_SCALE if large_text else 1.0) * screen, screen)


def stylesheet(family: str, large_text: bool, screen: float = 1.0, lang: str = "zh") -> str:
    """The whole stylesheet; the top bar keeps its size so the switches stay where they were.
    English tile titles are a size smaller: a Latin name is many times as wide as a Chinese one."""
    s = sizes(large_text, screen)
    px, fixed = s.px, s.screen_px
    tile_title = 42 if lang == "en" else 50
    return f"""
* {{ font-family: "{family}"; color: {INK}; }}
QWidget#KioskWindow, QStackedWidget, QScrollArea, QWidget[role="page"] {{ background: {PAPER}; }}
QScrollArea {{ border: none; }}
QScrollBar:vertical {{ background: {BLUE_LIGHT}; width: {px(20)}px; border-radius: {px(10)}px; }}
QScrollBar::handle:vertical {{ background: {LINE}; min-height: {px(80)}px; border-radius: {px(10)}px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}

QWidget[role="topbar"] {{ background: {BLUE}; }}
QLabel[role="hall"] {{ color: white; font-size: {fixed(40)}px; font-weight: bold; }}
QLabel[role="clock"] {{ color: #d6e4f5; font-size: {fixed(30)}px; }}
QPushButton[role="toggle"] {{
    color: white; background: transparent; border: 2px solid #7fa6d3; border-radius: 12px;
    font-size: {fixed(30)}px; padding: {fixed(10)}px {fixed(24)}px; min-height: {fixed(64)}px;
}}
QPushButton[role="toggle"]:checked {{ background: white; color: {BLUE}; border-color: white; }}

QLabel[role="banner"] {{
    background: {RED}; color: white; font-size: {px(34)}px; font-weight: bold;
    padding: {px(18)}px;
}}
QLabel[role="title"] {{ font-size: {px(52)}px; font-weight: bold; color: {BLUE_DARK}; }}
QLabel[role="subtitle"] {{ font-size: {px(32)}px; color: {MUTED}; }}
QLabel[role="note"] {{ font-size: {px(30)}px; color: {MUTED}; }}

QPushButton[role="tile"] {{
    background: white; border: 2px solid {LINE}; border-radius: {px(18)}px;
}}
QPushButton[role="tile"]:pressed {{ background: {BLUE_LIGHT}; border-color: {BLUE}; }}
QPushButton[role="tile"]:disabled {{ background: {DISABLED_BG}; }}
QLabel[role="tile-title"] {{ font-size: {px(tile_title)}px; font-weight: bold; color: {BLUE_DARK}; }}
QLabel[role="tile-detail"] {{ font-size: {px(30)}px; color: {MUTED}; }}
QLabel[role="tile-badge"] {{ font-size: {px(30)}px; font-weight: bold; color: {BLUE}; }}
QLabel[role="tile-title"]:disabled, QLabel[role="tile-detail"]:disabled {{ color: {DISABLED_INK}; }}
QLabel[role="tile-badge"]:disabled {{ color: {DISABLED_INK}; }}
QLabel[role="tile-badge"][closed="true"] {{ color: {RED}; }}

QPushButton[role="lane-priority"], QPushButton[role="lane-appointment"] {{
    border: none; border-radius: {px(18)}px;
}}
QPushButton[role="lane-priority"] {{ background: {GREEN}; }}
QPushButton[role="lane-priority"]:pressed {{ background: {GREEN_DARK}; }}
QPushButton[role="lane-appointment"] {{ background: {AMBER}; }}
QPushButton[role="lane-appointment"]:pressed {{ background: {AMBER_DARK}; }}
QPushButton[role="lane-priority"]:disabled, QPushButton[role="lane-appointment"]:disabled {{
    background: {DISABLED_BG};
}}
QLabel[role="lane-title"] {{ color: white; font-size: {px(44)}px; font-weight: bold; }}
QLabel[role="lane-detail"] {{ color: #f2f7f2; font-size: {px(26)}px; }}
QLabel[role="lane-title"]:disabled, QLabel[role="lane-detail"]:disabled {{ color: {DISABLED_INK}; }}

QLabel[role="lane-chip-priority"], QLabel[role="lane-chip-appointment"] {{
    color: white; font-size: {px(30)}px; font-weight: bold; border-radius: {px(10)}px;
    padding: {px(8)}px {px(20)}px;
}}
QLabel[role="lane-chip-priority"] {{ background: {GREEN}; }}
QLabel[role="lane-chip-appointment"] {{ background: {AMBER}; }}

QPushButton[role="nav"], QPushButton[role="primary"], QPushButton[role="key"] {{
    font-size: {px(36)}px; border-radius: {px(16)}px; padding: {px(8)}px {px(16)}px;
}}
QPushButton[role="nav"] {{ background: white; color: {BLUE}; border: 2px solid {BLUE}; }}
QPushButton[role="nav"]:pressed {{ background: {BLUE_LIGHT}; }}
QPushButton[role="primary"] {{ background: {BLUE}; color: white; border: none; font-weight: bold; }}
QPushButton[role="primary"]:pressed {{ background: {BLUE_DARK}; }}
QPushButton[role="primary"]:disabled {{ background: {DISABLED_BG}; color: {DISABLED_INK}; }}
QPushButton[role="key"] {{
    background: white; border: 2px solid {LINE}; font-size: {px(48)}px; font-weight: bold;
}}
QPushButton[role="key"]:pressed {{ background: {BLUE_LIGHT}; }}
QLineEdit[role="code"] {{
    font-size: {px(60)}px; font-weight: bold; letter-spacing: 4px; color: {BLUE_DARK};
    background: white; border: 3px solid {BLUE}; border-radius: {px(16)}px; padding: {px(14)}px;
}}
QLabel[role="error"] {{ font-size: {px(30)}px; color: {RED}; }}

QWidget[role="card"] {{ background: white; border: 2px solid {LINE}; border-radius: {px(24)}px; }}
QLabel[role="big-title"] {{ font-size: {px(72)}px; font-weight: bold; color: {BLUE_DARK}; }}
QLabel[role="number"] {{ font-size: {fixed(210)}px; font-weight: bold; color: {BLUE}; }}
QLabel[role="service"] {{ font-size: {px(48)}px; font-weight: bold; }}
QLabel[role="fact"] {{ font-size: {px(38)}px; }}
QLabel[role="station-item"] {{
    font-size: {px(36)}px; font-weight: bold; color: {BLUE_DARK}; background: white;
    border: 2px solid #c9d6e8; border-radius: {px(16)}px; padding: {px(26)}px {px(16)}px;
}}
QLabel[role="booked-only"] {{
    font-size: {px(30)}px; font-weight: bold; color: #7a4a00; background: #ffe9c2;
    border-radius: {px(12)}px; padding: {px(10)}px {px(16)}px;
}}
QLabel[role="checkin"] {{
    font-size: {px(36)}px; font-weight: bold; color: {BLUE_DARK}; background: {BLUE_LIGHT};
    border-radius: {px(12)}px; padding: {px(12)}px {px(18)}px;
}}
QLabel[role="checkin"][late="true"] {{ color: #7a4a00; background: #ffe9c2; }}
QLabel[role="fail-title"] {{ font-size: {px(72)}px; font-weight: bold; color: {RED}; }}
QLabel[role="message"] {{ font-size: {px(40)}px; }}
QWidget[role="oos"] {{ background: #4a5566; }}
QLabel[role="oos-icon"] {{
    color: #4a5566; background: #ffd9a8; border-radius: {fixed(90)}px; font-size: {fixed(120)}px;
    font-weight: bold;
}}
QLabel[role="oos-title"] {{ color: white; font-size: {px(110)}px; font-weight: bold; }}
QLabel[role="oos-reason"] {{ color: #ffd9a8; font-size: {px(48)}px; font-weight: bold; }}
QLabel[role="oos-message"] {{ color: white; font-size: {px(38)}px; }}

QPushButton[role="lane-checkin"] {{ background: {BLUE}; border: none; border-radius: {px(18)}px; }}
QPushButton[role="lane-checkin"]:pressed {{ background: {BLUE_DARK}; }}
QPushButton[role="lane-checkin"]:disabled {{ background: {DISABLED_BG}; }}
QPushButton[role="checkin-box"] {{
    font-size: {px(64)}px; font-weight: bold; letter-spacing: 4px; color: {BLUE_DARK};
    background: white; border: 3px solid {LINE}; border-radius: {px(16)}px;
}}
QPushButton[role="checkin-box"][empty="true"] {{ color: {DISABLED_INK}; font-weight: normal; }}
QPushButton[role="checkin-box"][chosen="true"] {{ border: 5px solid {BLUE}; background: {BLUE_LIGHT}; }}
"""
