"""Every user-facing string of the queue engine, Simplified Chinese first, English second.

Error messages and call reasons are templates filled from structured attributes
(``str.format`` fields), so the engine never builds a sentence itself.
"""

from __future__ import annotations

# code -> (zh, en); fields come from the error's details.
ERROR_TEXTS: dict[str, tuple[str, str]] = {
    "unknown_service": ("没有这个事项：{service}", "Unknown service: {service}"),
    "unknown_window": ("没有这个窗口：{window}", "Unknown window: {window}"),
    "unknown_ticket": ("没有这个号：{ticket}", "Unknown ticket: {ticket}"),
    "unknown_staff": ("没有这位工作人员：{staff}", "Unknown staff: {staff}"),
    "service_closed": (
        "该事项当前不在办理时间",
        "This service is not open at this time",
    ),
    "quota_reached": (
        "该事项今日号源已取完",
        "Today's tickets for this service are all taken",
    ),
    "class_not_allowed": (
        "该事项不支持此取号方式（{ticket_class}）",
        "This service does not take {ticket_class} tickets",
    ),
    "already_holding": (
        "您已有该事项的号：{number}",
        "You already hold a ticket for this service: {number}",
    ),
    "window_closed": ("{window} 号窗口未开窗", "Window {window} is closed"),
    "window_paused": ("{window} 号窗口暂停服务中", "Window {window} is paused"),
    "window_busy": (
        "{window} 号窗口正在办理 {number}，请先办结、弃号、挂起或转办",
        "Window {window} is serving {number}; finish, no-show, park or transfer it first",
    ),
    "window_idle": ("{window} 号窗口当前没有在办的号", "Window {window} is not serving a ticket"),
    "already_open": (
        "{window} 号窗口已由其他工作人员登录",
        "Window {window} is already open for another clerk",
    ),
    "staff_busy_elsewhere": (
        "工号 {staff} 正在 {window} 号窗口办理 {number}，请先在该窗口办结或签退",
        "Staff {staff} is serving {number} at window {window}; finish or log out there first",
    ),
    "unstorable_value": (
        "请求含有无法保存的内容：{field}",
        "The request holds a value that cannot be stored: {field}",
    ),
    "not_serving_service": (
        "{window} 号窗口不办理 {number} 所属事项",
        "Window {window} does not serve the service of {number}",
    ),
    "queue_empty": ("{window} 号窗口没有等候的号", "No ticket is waiting for window {window}"),
    "ticket_not_waiting": ("{number} 不在等候中", "{number} is not waiting"),
    "ticket_not_parked": (
        "{number} 没有挂起在 {window} 号窗口",
        "{number} is not parked at window {window}",
    ),
    "no_served_ticket": (
        "{window} 号窗口没有可评价的办结号",
        "Window {window} has no finished ticket to rate",
    ),
    "already_rated": ("{number} 已评价（一次一评）", "{number} has already been rated"),
    "rating_expired": ("{number} 的评价时间已过", "The time to rate {number} has passed"),
    "bad_score": ("评价分值无效：{score}（应为 1–5）", "Invalid score: {score} (must be 1–5)"),
}

# pause reason code -> (zh, en), as the boards and the clerk app show it.
PAUSE_REASON_TEXTS: dict[str, tuple[str, str]] = {
    "lunch": ("午休", "Lunch break"),
    "away": ("临时离开", "Away briefly"),
    "meeting": ("会议", "In a meeting"),
    "fault": ("系统故障", "System fault"),
    "other": ("其他", "Other"),
}

# rule -> (zh, en); fields: waited_min, ratio.
REASON_TEXTS: dict[str, tuple[str, str]] = {
    "max_wait": (
        "已等候 {waited_min} 分钟，超过最长等候时间，优先呼叫",
        "Waited {waited_min} min, over the maximum wait: called first",
    ),
    "appointment": ("预约号优先呼叫", "Appointment check-ins are called first"),
    "transfer": (
        "转办号，按原取号时间排队",
        "Transferred ticket keeps its place by original issue time",
    ),
    "priority": (
        "绿色通道：每 {ratio} 个普通号后呼叫 1 个优先号",
        "Priority lane: one priority ticket after every {ratio} normal tickets",
    ),
    "normal": ("按取号先后顺序呼叫", "Called in order of arrival"),
    "chosen": ("窗口选号呼叫", "Chosen by the window"),
    "parked": ("挂起号回呼", "Parked ticket called back"),
}
