"""The wall's look: the boards' deep navy, high-contrast text, red/amber/green for states.

One style sheet, built for a scale: 1.0 at 1920×1080, 2.0 at 4K, about 0.7 at 1366×768, so
the wall reads the same from across the hall on any screen.
"""

from __future__ import annotations

GROUND = "#061a33"  # the boards' deep navy
PANEL = "#0c2b52"
PANEL_LINE = "#1d4577"
HEADER = "#0b4a8b"  # 政务蓝
INK = "#ffffff"
SOFT = "#b9cde6"
MUTED = "#7f97b8"
NUMBER = "#ffd23f"  # amber numbers, as on the boards
GREEN = "#5ee08a"
AMBER = "#ffb020"
RED = "#ff5a4f"
RED_GROUND = "#5a1a1f"
AMBER_GROUND = "#4d3a10"
BLUE = "#4aa3ff"

# Series colours of the charts, in order (readable on the navy panels).
SERIES = ("#4aa3ff", "#ffd23f", "#5ee08a", "#ff7eb6", "#b48cff", "#ff9f43", "#3ed6d6", "#d9e36b")

DIGIT_FAMILIES = ("DejaVu Sans", "Noto Sans", "Arial", "Segoe UI")  # bold numbers


def scale_for(width: int, height: int) -> float:
    """1.0 at 1920×1080; the smaller side ratio, within reason."""
    return max(0.6, min(2.5, min(width / 1920, height / 1080)))


def style_sheet(family: str, digits: str | None, s: float) -> str:
    """The whole wall's QSS at scale `s`; `family` is the CJK font."""
    digits = digits or family

    def px(n: float) -> str:
        return f"{max(1, round(n * s))}px"

    return f"""
* {{ font-family: "{family}"; color: {INK}; }}
#wall {{ background: {GROUND}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
QScrollBar:vertical {{ background: {PANEL}; width: {px(10)}; }}
QScrollBar::handle:vertical {{ background: {PANEL_LINE}; border-radius: {px(4)}; }}
#header {{ background: qlineargradient(x1:0, y1:0, x2:1, y2:0, stop:0 #083a75, stop:1 {HEADER}); }}
#hallName {{ font-size: {px(30)}; font-weight: bold; }}
#wallName {{ font-size: {px(20)}; color: {SOFT}; }}
#clock {{ font-size: {px(22)}; color: {SOFT}; }}
#linkPill {{ font-size: {px(18)}; font-weight: bold; padding: {px(3)} {px(12)};
    border-radius: {px(10)}; background: #1e6b3a; }}
#linkPill[state="offline"] {{ background: {RED}; }}
#linkPill[state="connecting"] {{ background: {AMBER}; color: {GROUND}; }}
#managerLine {{ font-size: {px(18)}; color: {SOFT}; }}
#headerButton {{ font-size: {px(18)}; color: white; background: transparent;
    border: 1px solid #8fb1dd; border-radius: {px(6)}; padding: {px(5)} {px(14)}; }}
#headerButton:hover {{ background: rgba(255, 255, 255, 0.12); }}
#banner {{ font-size: {px(22)}; font-weight: bold; padding: {px(8)}; background: {RED};
    color: white; }}
#panel {{ background: {PANEL}; border-radius: {px(12)}; }}
#panelTitle {{ font-size: {px(22)}; font-weight: bold; }}
#panelNote {{ font-size: {px(16)}; color: {SOFT}; }}
#colHead {{ font-size: {px(15)}; color: {MUTED}; }}
#cell {{ font-size: {px(19)}; }}
#cell[tone="soft"] {{ color: {SOFT}; }}
#cell[tone="muted"] {{ color: {MUTED}; }}
#cell[tone="red"] {{ color: {RED}; font-weight: bold; }}
#cell[tone="amber"] {{ color: {AMBER}; font-weight: bold; }}
#cell[tone="green"] {{ color: {GREEN}; }}
#cell[tone="number"] {{ color: {NUMBER}; font-family: "{digits}"; font-weight: bold; }}
#big {{ font-size: {px(30)}; font-weight: bold; color: {NUMBER}; font-family: "{digits}"; }}
#big[tone="red"] {{ color: {RED}; }}
#big[tone="green"] {{ color: {GREEN}; }}
#big[tone="muted"] {{ color: {MUTED}; }}
#cell[tone="big"] {{ font-size: {px(24)}; font-weight: bold; color: {NUMBER};
    font-family: "{digits}"; }}
#cell[tone="bigred"] {{ font-size: {px(24)}; font-weight: bold; color: {RED};
    font-family: "{digits}"; }}
#tile {{ background: {GROUND}; border-radius: {px(8)}; }}
#tileName {{ font-size: {px(16)}; color: {SOFT}; }}
#tileValue {{ font-size: {px(30)}; font-weight: bold; color: {NUMBER}; font-family: "{digits}"; }}
#tileValue[tone="green"] {{ color: {GREEN}; }}
#tileValue[tone="muted"] {{ color: {MUTED}; }}
#row[tone="red"] {{ background: {RED_GROUND}; border-radius: {px(6)}; }}
#row[tone="amber"] {{ background: {AMBER_GROUND}; border-radius: {px(6)}; }}
#rowTitle {{ font-size: {px(19)}; font-weight: bold; }}
#rowText {{ font-size: {px(16)}; color: {SOFT}; }}
#rowText[tone="red"] {{ color: {RED}; font-weight: bold; }}
#rowText[tone="amber"] {{ color: {AMBER}; font-weight: bold; }}
#levelTag {{ font-size: {px(15)}; font-weight: bold; color: {GROUND}; background: {AMBER};
    border-radius: {px(4)}; padding: {px(1)} {px(6)}; }}
#levelTag[level="critical"] {{ background: {RED}; color: white; }}
#rowButton {{ font-size: {px(17)}; font-weight: bold; color: white; background: {HEADER};
    border: 1px solid {BLUE}; border-radius: {px(6)}; padding: {px(3)} {px(12)}; }}
#rowButton:hover {{ background: #0d5cb6; }}
#rowButton:disabled {{ color: {MUTED}; border-color: {PANEL_LINE}; background: {PANEL}; }}
#dot {{ font-size: {px(18)}; }}
#dot[tone="ok"] {{ color: {GREEN}; }}
#dot[tone="warn"] {{ color: {AMBER}; }}
#dot[tone="fault"], #dot[tone="offline"] {{ color: {RED}; }}
#dot[tone="unknown"] {{ color: {MUTED}; }}
#footer {{ background: {PANEL}; }}
#noticeLabel {{ font-size: {px(17)}; color: {SOFT}; }}
#noticeText {{ font-size: {px(19)}; }}
#status {{ font-size: {px(18)}; color: {SOFT}; }}
#status[level="error"] {{ color: {RED}; font-weight: bold; }}
#empty {{ font-size: {px(18)}; color: {MUTED}; }}

#loginShade {{ background: rgba(2, 10, 22, 0.72); }}
#loginCard {{ background: white; border-radius: 12px; }}
#loginCard QLabel {{ color: #1f2d3d; }}
#loginCard #loginTitle {{ font-size: 26px; font-weight: bold; color: {HEADER}; }}
#loginCard #loginHint {{ font-size: 15px; color: #5b6b7f; }}
#fieldLabel {{ font-size: 15px; font-weight: bold; }}
#loginCard QLineEdit {{ font-size: 18px; padding: 8px 10px; border: 1px solid #b9c7d8;
    border-radius: 6px; background: white; color: #1f2d3d; }}
#loginCard #loginError {{ font-size: 15px; font-weight: bold; color: #c62828; }}
#primaryButton {{ font-size: 18px; font-weight: bold; color: white; background: {HEADER};
    border: none; border-radius: 8px; padding: 10px; }}
#primaryButton:disabled {{ background: #eef1f5; color: #a3adba; }}
#plainButton {{ font-size: 16px; color: {HEADER}; background: white; border: 1px solid #9db7d8;
    border-radius: 8px; padding: 8px; }}

QDialog {{ background: white; }}
QDialog QLabel, QDialog QRadioButton {{ color: #1f2d3d; font-size: 16px; }}
QDialog QLineEdit, QDialog QPlainTextEdit, QDialog QComboBox {{ color: #1f2d3d;
    background: white; font-size: 16px; padding: 6px; border: 1px solid #b9c7d8;
    border-radius: 6px; }}
QDialog QPushButton {{ color: {HEADER}; background: white; font-size: 15px; padding: 7px 20px;
    border: 1px solid #9db7d8; border-radius: 6px; }}
QDialog QPushButton:default {{ color: white; background: {HEADER}; }}
"""
