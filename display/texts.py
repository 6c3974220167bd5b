"""Every user-facing string of the boards, Simplified Chinese first, English second.

The boards take their words from here only: `text(key, lang, **fields)` fills a `str.format`
template in the board's language, `other(key, lang, **fields)` in the other one (the second
line a bilingual board shows where there is room). Pause reasons come from the protocol's one
table (`contract.texts.PAUSE_REASON_TEXTS`).
"""

from __future__ import annotations

from typing import Literal

from contract.texts import PAUSE_REASON_TEXTS

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

# key -> (zh, en)
TEXTS: dict[str, tuple[str, str]] = {
    "app_title": ("叫号显示屏", "Hall board"),
    "board_title": ("叫号信息", "Now calling"),
    "calls": ("呼叫信息", "Now calling"),
    "col_number": ("号码", "Number"),
    "col_window": ("窗口", "Window"),
    "col_service": ("办理事项", "Service"),
    "window_no": ("{n}号窗口", "Window {n}"),
    "window_short": ("{n}号", "W{n}"),
    "please_go": ("请到 {n} 号窗口", "Please go to window {n}"),
    "recall": ("再次呼叫", "Recall"),
    "no_calls": ("暂无呼叫，请留意叫号", "No calls yet, please watch for your number"),
    "waiting": ("等候人数", "Waiting"),
    "waiting_n": ("{n} 人", "{n}"),
    "no_services": ("暂无事项", "No services"),
    "windows": ("窗口状态", "Windows"),
    "all_open": ("各窗口正常服务", "All windows serving"),
    "paused": ("暂停服务", "Paused"),
    "closed": ("未开放", "Closed"),
    "closed_list": ("未开放：{list}", "Closed: {list}"),
    "booked_only": ("{start}–{end} 仅办理预约业务", "{start}–{end} appointments only"),
    "list_sep": ("、", ", "),
    "clock_date": ("{year}年{month}月{day}日 {weekday}", "{weekday} {year}-{month:02d}-{day:02d}"),
    "weekdays": ("星期一,星期二,星期三,星期四,星期五,星期六,星期日", "Mon,Tue,Wed,Thu,Fri,Sat,Sun"),
    "offline": (
        "与服务器的连接已断开 · 最后更新 {time}",
        "Connection to the server lost · last update {time}",
    ),
    "connecting": ("正在连接服务器…", "Connecting to the server..."),
    # window mode
    "serves": ("办理事项：{list}", "Services: {list}"),
    "clerk_on_duty": ("当班工作人员", "Clerk on duty"),
    "photo": ("照片", "Photo"),
    "no_clerk": ("暂无工作人员", "No clerk"),
    "now_serving": ("正在办理", "Now serving"),
    "please_wait": ("请留意叫号", "Please wait for your number"),
    "window_paused": ("暂停服务", "Service paused"),
    "window_closed": ("本窗口暂停服务", "This window is closed"),
    "go_to": ("请到 {n} 号窗口办理", "Please go to window {n}"),
    "go_elsewhere": ("请到其他窗口办理", "Please go to another window"),
}


def text(key: str, lang: str, **fields: object) -> str:
    zh, en = TEXTS[key]
    return (en if lang == "en" else zh).format(**fields)


def other(key: str, lang: str, **fields: object) -> str:
    """The same text in the other language (a bilingual board's second line)."""
    return text(key, "zh" if lang == "en" else "en", **fields)


def pause_reason(code: str | None, lang: str) -> str:
    zh, en = PAUSE_REASON_TEXTS.get(code or "other", PAUSE_REASON_TEXTS["other"])
    return en if lang == "en" else zh


def other_lang(lang: str) -> Language:
    return "zh" if lang == "en" else "en"
