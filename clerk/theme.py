"""The clerk app's look: a government-blue palette and one style sheet for every widget."""

from __future__ import annotations

BLUE = "#0b4f9c"  # 政务蓝: header, the current number, primary buttons
BLUE_DARK = "#083a75"
BLUE_LIGHT = "#e8f0fa"
INK = "#1f2d3d"
MUTED = "#5b6b7f"
LINE = "#d5dee9"
PAGE = "#f2f5f9"
GREEN = "#2e7d32"
RED = "#c62828"
RED_LIGHT = "#fdecea"
AMBER = "#b26a00"
AMBER_LIGHT = "#fff4e0"
DISABLED_BG = "#eef1f5"
DISABLED_INK = "#a3adba"

# Mode -> (pill background, pill text)
MODE_COLOURS = {
    "idle": ("#e3f2e5", GREEN),
    "serving": (BLUE_LIGHT, BLUE),
    "paused": (AMBER_LIGHT, AMBER),
    "closed": (DISABLED_BG, MUTED),
    "unknown": (DISABLED_BG, MUTED),
}


DIGIT_FAMILIES = ("Noto Sans", "DejaVu Sans", "Segoe UI", "Arial")  # bold digits for numbers


def style_sheet(family: str, digits: str | None = None) -> str:
    """The whole app's QSS; `family` is the CJK font, `digits` a family with a real bold."""
    digits = digits or family
    pills = "\n".join(
        f'#modePill[mode="{mode}"] {{ background: {bg}; color: {ink}; }}'
        for mode, (bg, ink) in MODE_COLOURS.items()
    )
    return f"""
* {{ font-family: "{family}"; color: {INK}; }}
#page, #console, #loginPage {{ background: {PAGE}; }}
#header {{ background: qlineargradient(x1:0, y1:0, x2:1, y2:0, stop:0 {BLUE_DARK}, stop:1 {BLUE}); }}
#header QLabel {{ color: white; }}
#hallName {{ font-size: 13px; color: #c9d9ee; }}
#windowName {{ font-size: 24px; font-weight: bold; }}
#staffLine {{ font-size: 14px; }}
#modePill {{ font-size: 14px; font-weight: bold; padding: 3px 14px; border-radius: 10px; }}
{pills}
#headerButton {{ background: transparent; color: white; border: 1px solid #8fb1dd;
    border-radius: 6px; padding: 6px 14px; font-size: 14px; }}
#headerButton:hover {{ background: rgba(255, 255, 255, 0.12); }}
#headerButton:disabled {{ color: #7f9cc4; border-color: #5577a6; }}
#banner {{ font-size: 16px; font-weight: bold; padding: 9px; color: white; }}
#banner[level="offline"] {{ background: {RED}; }}
#banner[level="connecting"] {{ background: {AMBER}; }}
#card {{ background: white; border: 1px solid {LINE}; border-radius: 10px; }}
#cardTitle {{ font-size: 15px; color: {MUTED}; font-weight: bold; }}
#bigNumber {{ font-family: "{digits}"; font-size: 128px; font-weight: bold; color: {BLUE}; }}
#bigNumber[empty="true"], #bigNumber[empty="paused"] {{ font-family: "{family}";
    font-size: 56px; font-weight: normal; color: {DISABLED_INK}; }}
#bigNumber[empty="paused"] {{ color: {AMBER}; }}
#serviceLine {{ font-size: 22px; font-weight: bold; }}
#classTag {{ font-size: 14px; font-weight: bold; color: white; background: {GREEN};
    border-radius: 4px; padding: 2px 8px; }}
#classTag[lane="appointment"] {{ background: #6a4fb3; }}
#timerTitle {{ font-size: 15px; color: {MUTED}; }}
#timer {{ font-family: "{digits}"; font-size: 30px; font-weight: bold; color: {INK}; }}
#reason {{ font-size: 14px; color: {MUTED}; }}
#hint {{ font-size: 18px; color: {MUTED}; }}
#waitingCount {{ font-family: "{digits}"; font-size: 56px; font-weight: bold; color: {BLUE}; }}
#waitingUnit {{ font-size: 18px; color: {MUTED}; }}
#breakdown {{ font-size: 14px; color: {MUTED}; }}
#rating {{ font-size: 20px; font-weight: bold; color: {GREEN}; }}
#rating[bad="true"] {{ color: {RED}; }}
#rating[none="true"] {{ font-size: 16px; font-weight: normal; color: {DISABLED_INK}; }}
#badTag {{ font-size: 14px; font-weight: bold; color: white; background: {RED};
    border-radius: 4px; padding: 2px 8px; }}
#card[bad="true"] {{ background: {RED_LIGHT}; border: 1px solid #f1b0ab; }}
#parked {{ font-size: 18px; font-weight: bold; color: {AMBER}; }}
#parked[none="true"] {{ font-size: 16px; font-weight: normal; color: {DISABLED_INK}; }}
#statusBar {{ background: white; border-top: 1px solid {LINE}; }}
#notice {{ font-size: 14px; color: {MUTED}; }}
#notice[level="error"] {{ color: {RED}; font-weight: bold; }}
#clock {{ font-size: 14px; color: {MUTED}; }}

ActionButton {{ background: white; border: 1px solid #9db7d8; border-radius: 8px; }}
ActionButton:hover {{ background: {BLUE_LIGHT}; }}
ActionButton:pressed {{ background: #d3e2f5; }}
ActionButton:disabled {{ background: {DISABLED_BG}; border-color: {LINE}; }}
ActionButton[role="primary"] {{ background: {BLUE}; border-color: {BLUE}; }}
ActionButton[role="primary"]:hover {{ background: #0d5cb6; }}
ActionButton[role="primary"]:disabled {{ background: {DISABLED_BG}; border-color: {LINE}; }}
ActionButton[role="danger"] {{ border-color: #e0a3a3; }}
ActionButton[role="danger"]:disabled {{ border-color: {LINE}; }}
ActionButton QLabel {{ background: transparent; border: none; }}
#actionName {{ font-size: 18px; font-weight: bold; color: {BLUE}; }}
#actionKey {{ font-size: 12px; color: {MUTED}; }}
ActionButton[role="primary"] #actionName, ActionButton[role="primary"] #actionKey {{ color: white; }}
ActionButton[role="danger"] #actionName {{ color: {RED}; }}
#actionName:disabled, #actionKey:disabled {{ color: {DISABLED_INK}; }}
ActionButton[role="primary"] #actionName:disabled,
ActionButton[role="primary"] #actionKey:disabled,
ActionButton[role="danger"] #actionName:disabled {{ color: {DISABLED_INK}; }}
ActionButton[size="small"] #actionName {{ font-size: 15px; }}
ActionButton[size="small"] #actionKey {{ font-size: 11px; }}

#loginCard {{ background: white; border: 1px solid {LINE}; border-radius: 12px; }}
#loginTitle {{ font-size: 26px; font-weight: bold; color: {BLUE}; }}
#loginSubtitle {{ font-size: 15px; color: {MUTED}; }}
#fieldLabel {{ font-size: 15px; font-weight: bold; }}
QLineEdit {{ font-size: 18px; padding: 8px 10px; border: 1px solid #b9c7d8; border-radius: 6px;
    background: white; }}
QLineEdit:focus {{ border: 2px solid {BLUE}; }}
#loginError {{ font-size: 15px; color: {RED}; font-weight: bold; }}
#primaryButton {{ font-size: 18px; font-weight: bold; color: white; background: {BLUE};
    border: none; border-radius: 8px; padding: 11px; }}
#primaryButton:hover {{ background: #0d5cb6; }}
#primaryButton:disabled {{ background: {DISABLED_BG}; color: {DISABLED_INK}; }}

#compact {{ background: white; border: 2px solid {BLUE}; border-radius: 10px; }}
#compact[offline="true"] {{ border-color: {RED}; }}
#compactNumber {{ font-family: "{digits}"; font-size: 34px; font-weight: bold; color: {BLUE}; }}
#compactNumber[empty="true"] {{ font-family: "{family}"; color: {DISABLED_INK}; }}
#compactWindow {{ font-size: 12px; color: {MUTED}; }}
#compactInfo {{ font-size: 13px; color: {INK}; }}
#compactOffline {{ font-size: 14px; font-weight: bold; color: white; background: {RED};
    border-radius: 4px; padding: 3px 8px; }}
#expandButton {{ font-size: 13px; color: {BLUE}; background: {BLUE_LIGHT}; border: none;
    border-radius: 6px; padding: 6px 10px; }}

QDialog {{ background: white; }}
QDialog QLabel {{ font-size: 15px; }}
QRadioButton {{ font-size: 16px; }}
QComboBox {{ font-size: 16px; padding: 6px 8px; border: 1px solid #b9c7d8; border-radius: 6px; }}
QListWidget {{ font-size: 20px; font-weight: bold; border: 1px solid #b9c7d8; border-radius: 6px; }}
QListWidget::item {{ padding: 6px; }}
QListWidget::item:selected {{ background: {BLUE}; color: white; }}
QDialogButtonBox QPushButton {{ font-size: 15px; padding: 7px 20px; min-width: 72px;
    color: {BLUE}; background: white; border: 1px solid #9db7d8; border-radius: 6px; }}
QDialogButtonBox QPushButton:default {{ color: white; background: {BLUE}; border-color: {BLUE}; }}
QDialogButtonBox QPushButton#dangerButton {{ color: white; background: {RED};
    border-color: {RED}; }}
QDialog #dialogQuestion {{ font-size: 17px; }}
#reasonButton {{ font-size: 17px; padding: 10px; color: {INK}; background: white;
    border: 1px solid #9db7d8; border-radius: 8px; }}
#reasonButton:hover {{ background: {BLUE_LIGHT}; }}
#reasonButton:default {{ color: white; background: {BLUE}; border-color: {BLUE}; }}
"""
