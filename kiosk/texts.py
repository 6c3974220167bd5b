"""Every user-facing string of the kiosk, Simplified Chinese first, English second.

Screens and the printed ticket take their words from here only: `text(key, lang, **fields)`
fills a `str.format` template. The one exception is where a ticket stands in the queue: the
hall words it once (`queue_server.wording.wait_phrase`) for the screen, the paper and the
phone. Server errors are shown by their stable `code`; a code not listed here falls back to the
server's own message.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

# key -> (zh, en)
TEXTS: dict[str, tuple[str, str]] = {
    # top bar and banner
    "app_title": ("自助取号", "Self-service tickets"),
    "switch_language": ("English", "中文"),
    "large_text": ("长者模式 · 大字", "Large text"),
    "large_text_on": ("长者模式 · 已开启", "Large text · on"),
    "offline_banner": (
        "网络连接中断，暂停取号 / Offline",
        "Offline · network lost, no tickets now / 网络连接中断",
    ),
    "clock": (
        "{year}年{month}月{day}日  {weekday}  {time}",
        "{weekday} {year}-{month:02d}-{day:02d}  {time}",
    ),
    "weekdays": ("星期一,星期二,星期三,星期四,星期五,星期六,星期日", "Mon,Tue,Wed,Thu,Fri,Sat,Sun"),
    "connecting_banner": (
        "正在连接服务器… / Connecting...",
        "Connecting to the server... / 正在连接服务器…",
    ),
    # home
    "home_title": ("请选择办理类别", "Choose a category"),
    "home_title_priority": ("绿色通道 · 请选择办理类别", "Priority lane · choose a category"),
    "home_title_appointment": (
        "预约签到 · 请选择预约的类别",
        "Appointment check-in · choose a category",
    ),
    "category_waiting": ("{n} 人等候", "{n} waiting"),
    "category_services": ("{n} 项业务", "{n} services"),
    "category_one_service": ("1 项业务", "1 service"),
    "priority_button": ("绿色通道", "Priority lane"),
    "priority_hint": ("老年人 · 残疾人 · 孕妇 · 军人", "Seniors · disabled · pregnant · military"),
    "appointment_button": ("预约签到", "Appointment"),
    "booked_only_note": (
        "{window}号窗口 {start}–{end} 仅办理预约业务",
        "Window {window}: appointments only, {start}–{end}",
    ),
    "appointment_hint": ("输入或扫描预约码", "Enter or scan your code"),
    "cancel_lane": ("取消", "Cancel"),
    "no_services": ("暂无可办理的事项", "No services available"),
    # services
    "services_title": ("请选择办理事项", "Choose a service"),
    "service_waiting": ("当前等候 {n} 人", "{n} waiting"),
    "closed_closed": ("休息中", "Closed now"),
    "closed_quota": ("今日号已取完", "No tickets left today"),
    "closed_lane_priority": ("不设绿色通道", "No priority lane"),
    "closed_lane_appointment": ("不支持预约", "No appointments"),
    "closed_unknown": ("暂停取号", "Not available"),
    "back": ("返回", "Back"),
    "home": ("首页", "Home"),
    # appointment code
    "appointment_title": ("请输入或扫描预约码", "Enter or scan your appointment code"),
    "appointment_for": ("预约事项：{service}", "Appointment for: {service}"),
    "appointment_placeholder": ("预约码", "Appointment code"),
    "appointment_bad_code": ("预约码应为 4–32 位数字或字母", "The code has 4–32 digits or letters"),
    "key_delete": ("删除", "Delete"),
    "key_clear": ("清空", "Clear"),
    "confirm": ("确认取号", "Get ticket"),
    # printing and done
    "printing_title": ("正在出票…", "Printing..."),
    "printing_hint": ("请稍候，不要离开", "Please wait a moment"),
    "done_title": ("请取走您的票", "Please take your ticket"),
    "done_location": ("请到：{location}", "Please go to: {location}"),
    "done_hint": ("请留意大厅屏幕和语音叫号", "Watch the hall screens and listen for your number"),
    "done_again": ("完成", "Done"),
    "mark_priority": ("绿色通道", "Priority lane"),
    "mark_appointment": ("预约", "Appointment"),
    # failures
    "failed_title": ("未能取号", "No ticket was issued"),
    "failed_title_checkin": ("未能签到", "Check-in did not succeed"),
    "reenter_code": ("重新输入预约码", "Enter the code again"),
    "failed_network": (
        "网络连接中断，本次未能取号\n请稍后重试",
        "The network is down; no ticket was issued.\nPlease try again shortly.",
    ),
    "failed_printer": (
        "出票失败，本次取号已作废\n请重新取号",
        "The ticket could not be printed and was cancelled.\nPlease take a new one.",
    ),
    "failed_unknown": ("系统繁忙，请稍后重试", "The system is busy; please try again."),
    "retry": ("重试", "Try again"),
    # 远程取号签到 (a number taken on the phone checks in here)
    "checkin_button": ("远程取号签到", "Phone ticket check-in"),
    "checkin_button_hint": ("手机取号 · 到厅签到", "Number taken by phone"),
    "checkin_title": ("远程取号签到", "Phone ticket check-in"),
    "checkin_hint": (
        "请输入手机上的号码和取号手机号的后四位",
        "Enter your number and the last 4 digits of your phone",
    ),
    "checkin_number": ("号码", "Number"),
    "checkin_digits": ("手机号后四位", "Last 4 digits of the phone"),
    "checkin_incomplete": (
        "请输入号码（如 A005）和手机号后四位",
        "Enter the number (like A005) and the last 4 digits",
    ),
    "checkin_confirm": ("签到", "Check in"),
    "checkin_door_hint": (
        "也可用取号的手机扫此二维码签到",
        "Or scan this code with the phone that took the number",
    ),
    "checkin_sending": ("正在签到…", "Checking in…"),
    "checkin_done": ("签到成功", "Checked in"),
    "checkin_done_hint": (
        "请留意叫号屏，叫到您的号后到窗口办理",
        "Watch the board: go to the window when your number is called",
    ),
    "checkin_finish": ("完成", "Done"),
    "error_checkin_refused": (
        "号码或手机号后四位不正确，请核对后重试",
        "The number or the last 4 digits do not match; please check",
    ),
    "error_checkin_late": (
        "已超过签到时间，号已作废，请重新取号",
        "Too late to check in: the number has expired; please take a new one",
    ),
    "error_checkin_locked": (
        "该号签到错误次数过多，请到咨询台办理",
        "Too many wrong tries for this number; please ask at the help desk",
    ),
    "error_service_closed": ("该事项当前不在办理时间", "This service is not open at this time"),
    "error_quota_reached": ("该事项今日号已取完", "Today's tickets for this service are all taken"),
    "error_class_not_allowed": (
        "该事项不支持此取号方式",
        "This service does not take this kind of ticket",
    ),
    "error_already_holding": (
        "您已有该事项的号：{number}",
        "You already hold a ticket for this service: {number}",
    ),
    "error_unknown_service": ("该事项暂不可办理", "This service is not available"),
    # 预约 check-in: an unknown code is never said to exist elsewhere (another day, someone's)
    "error_appointment_unknown": (
        "未找到今天可签到的预约，请核对预约码，或到服务台咨询",
        "No booking to check in today under this code; check it, or ask at the help desk",
    ),
    "error_unavailable": (
        "系统繁忙，本次未能取号\n请重试",
        "The system is busy; no ticket was issued.\nPlease try again.",
    ),
    "error_rate_limited": (
        "系统繁忙，本次未能取号\n请重试",
        "The system is busy; no ticket was issued.\nPlease try again.",
    ),
    "error_offline": (
        "网络连接中断，本次未能取号\n请稍后重试",
        "The network is down; no ticket was issued.\nPlease try again shortly.",
    ),
    # out of service
    "oos_title": ("暂停服务", "Out of service"),
    "oos_hint": (
        "请到其他取号机取号，或联系大厅工作人员",
        "Please use another kiosk or ask the hall staff",
    ),
    "oos_voided": (
        "您刚才的号未能打印，已作废",
        "Your ticket could not be printed and has been cancelled",
    ),
    "printer_paper_out": ("打印机缺纸", "The printer is out of paper"),
    "printer_cover_open": ("打印机纸仓盖未关好", "The printer cover is open"),
    "printer_error": ("打印机故障（卡纸或切刀故障）", "Printer fault (paper jam or cutter)"),
    "printer_offline": ("打印机离线", "The printer is offline"),
    "printer_unknown": ("打印机无响应", "The printer does not answer"),
    "printer_missing": ("未连接打印机", "No printer connected"),
    # 一件事一次办 bundles
    "bundle_category": ("一件事一次办", "One visit, all done"),
    "steps_intro": ("办理步骤：", "Steps: "),
    "step_done": ("{n}. {name}（已办）", "{n}. {name} (done)"),
    "step_current": ("{n}. {name}（当前）", "{n}. {name} (now)"),
    "step_to_come": ("{n}. {name}（待办）", "{n}. {name} (to come)"),
    "bundle_hint": (
        "一个号办完全部事项，办完一项后请按叫号到下一窗口",
        "One number for every step; after each step wait to be called for the next",
    ),
    # 24小时便民服务站 (a kiosk in station mode, while every window is closed)
    "station_title": ("24小时自助服务区", "24-hour self-service"),
    "station_closed": (
        "人工窗口已下班，以下业务可在自助终端办理",
        "The staffed windows are closed; the self-service machines here can do these",
    ),
    "station_self_service": ("自助终端可办理", "Self-service machines here"),
    "station_no_self_service": ("本站暂无自助终端业务", "No self-service machines here"),
    "station_opens_today": ("大厅今天 {time} 开放", "The hall opens today at {time}"),
    "station_opens_tomorrow": (
        "大厅明天（{weekday}）{time} 开放",
        "The hall opens tomorrow ({weekday}) at {time}",
    ),
    "station_opens_on": (
        "大厅下次开放：{month}月{day}日（{weekday}）{time}",
        "The hall opens next on {weekday} {month}/{day} at {time}",
    ),
    "station_opens_unknown": (
        "请在工作日办公时间前来大厅取号",
        "Please come back during the hall's working hours",
    ),
    "station_hint": (
        "窗口开放后，本机自动恢复取号",
        "Tickets are back on this machine as soon as a window opens",
    ),
    "station_restarted": ("已自动重启恢复（第 {n} 次：{reason}）", "restarted ({n}: {reason})"),
    # printed ticket
    "ticket_footer": (
        "过号请重新取号",
        "过号请重新取号 / If you miss your call, please take a new ticket",
    ),
}


def text(key: str, lang: str = "zh", **fields: object) -> str:
    """The string for `key` in `lang` ("zh" or "en"), with `fields` filled in."""
    zh, en = TEXTS[key]
    template = en if lang == "en" else zh
    return template.format(**fields) if fields else template


def has_text(key: str) -> bool:
    return key in TEXTS


def error_text(
    code: str, lang: str, fallback_zh: str = "", fallback_en: str = "", **fields: object
) -> str:
    """A server error for the citizen: our words for known codes, else the server's."""
    key = f"error_{code}"
    if key in TEXTS:
        try:
            return text(key, lang, **fields)
        except (KeyError, IndexError):
            pass
    fallback = fallback_en if lang == "en" else fallback_zh
    return fallback or text("failed_unknown", lang)
