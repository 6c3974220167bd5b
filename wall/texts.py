"""Every user-facing string of the manager's wall, Simplified Chinese first, English second.

`Texts(lang)("key", field=value)` fills a `str.format` template. A refusal shows the server's
own message in the wall's language, else the protocol's one table (`contract.texts`), else the
code; the few codes the wall words itself (offline) come from here.
"""

from __future__ import annotations

from appkit.words import Words
from contract.texts import ERROR_TEXTS, PAUSE_REASON_TEXTS

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("管理大屏", "Manager's wall"),
    "hall_unknown": ("政务服务中心", "Government Service Center"),
    "clock": ("{date} {weekday} {time}", "{weekday} {date} {time}"),
    "weekdays": ("星期一,星期二,星期三,星期四,星期五,星期六,星期日", "Mon,Tue,Wed,Thu,Fri,Sat,Sun"),
    # connection
    "connecting": ("正在连接服务器…", "Connecting to the server…"),
    "stale": (
        "与服务器的连接已断开 · 以下为 {time} 的数据，正在重新连接…",
        "Connection to the server lost · figures as of {time}, reconnecting…",
    ),
    "stale_never": ("无法连接服务器，正在重试…", "Cannot reach the server, retrying…"),
    "link_online": ("在线", "Online"),
    "link_offline": ("离线", "Offline"),
    "link_connecting": ("连接中", "Connecting"),
    "offline_error": ("网络中断，操作未发送", "Offline: nothing was sent"),
    # manager
    "login": ("管理员登录", "Manager sign-in"),
    "logout": ("退出登录", "Sign out"),
    "manager_line": ("值班管理员：{name}（{staff}）", "Manager: {name} ({staff})"),
    "view_only": ("仅查看 · 登录后可操作", "View only · sign in to act"),
    "login_title": ("管理员登录", "Manager sign-in"),
    "login_hint": (
        "请输入管理员工号和密码，登录后可确认告警、管理窗口、发布通知、处理差评",
        "Enter your staff ID and PIN to acknowledge alerts, manage windows, post notices and follow up negative ratings",
    ),
    "staff_id": ("工号", "Staff ID"),
    "pin": ("密码", "PIN"),
    "sign_in": ("登录", "Sign in"),
    "signing_in": ("正在登录…", "Signing in…"),
    "fill_both": ("请输入工号和密码", "Enter both staff ID and PIN"),
    "cancel": ("取消", "Cancel"),
    "ok": ("确定", "OK"),
    "need_login": ("请先登录管理员账号", "Sign in as a manager first"),
    "done_login": ("欢迎，{name}", "Welcome, {name}"),
    "done_logout": ("已退出登录", "Signed out"),
    "relogin_failed": ("自动重新登录失败：{reason}", "Could not sign in again: {reason}"),
    # services
    "services": ("等候情况", "Waiting"),
    "col_service": ("事项", "Service"),
    "col_waiting": ("等候", "Waiting"),
    "col_longest": ("最长等候", "Longest wait"),
    "col_issued": ("今日取号", "Issued"),
    "waiting_total": ("共 {n} 人等候", "{n} waiting in all"),
    "service_closed": ("未开放", "Closed"),
    "service_quota": ("号源已满", "Quota reached"),
    "quota_of": ("{issued}/{quota}", "{issued}/{quota}"),
    "no_services": ("暂无事项", "No services"),
    # windows
    "windows": ("窗口状态", "Windows"),
    "col_window": ("窗口", "Window"),
    "col_state": ("状态", "State"),
    "col_clerk": ("当班人员", "On duty"),
    "col_serving": ("正在办理", "Serving"),
    "col_served": ("今日办结", "Served"),
    "window_no": ("{n}号窗口", "Window {n}"),
    "window_cell": ("{n}号窗口", "W{n}"),  # in the windows table
    "state_open": ("服务中", "Open"),
    "state_idle": ("空闲", "Idle"),
    "state_paused": ("暂停 · {reason}", "Paused · {reason}"),
    "state_closed": ("未开窗", "Closed"),
    "windows_summary": (
        "开放 {open} · 暂停 {paused} · 未开 {closed}",
        "open {open} · paused {paused} · closed {closed}",
    ),
    "pause": ("暂停", "Pause"),
    "resume": ("恢复", "Resume"),
    "pause_title": ("暂停 {window}", "Pause {window}"),
    "pause_hint": ("请选择暂停原因：", "Why is the window pausing?"),
    "done_pause": ("{window}已暂停服务", "{window} paused"),
    "done_resume": ("{window}已恢复服务", "{window} resumed"),
    # today's figures
    "today": ("今日运行", "Today"),
    "issued": ("取号", "Issued"),
    "served": ("办结", "Served"),
    "no_show": ("弃号", "No-show"),
    "transferred": ("转办", "Transferred"),
    "wait_avg": ("平均等候", "Avg wait"),
    "wait_p90": ("90%等候", "90% wait"),
    "service_avg": ("平均办理", "Avg service"),
    "service_p90": ("90%办理", "90% service"),
    "kpis_at": ("更新于 {time}", "as of {time}"),
    "kpis_none": ("统计暂不可用", "Figures not available"),
    "none": ("—", "—"),
    "seconds": ("{n}秒", "{n} s"),
    "minutes": ("{n}分钟", "{n} min"),
    "hours": ("{h}小时{m:02d}分", "{h} h {m:02d} min"),
    # ratings
    "ratings": ("好差评", "Ratings"),
    "satisfaction": ("满意率", "Satisfied"),
    "satisfaction_note": (
        "非常满意+满意 {satisfied}/{rated} 条",
        "very satisfied + satisfied: {satisfied} of {rated}",
    ),
    "no_ratings": ("今日暂无评价", "No ratings yet today"),
    "hall_satisfaction": (
        "大厅环境与引导（未办先评）满意率 {pct}，{rated} 条",
        "The hall itself (rated on entering): {pct} satisfied of {rated}",
    ),
    "followups": ("差评整改 {n} 件", "Negative ratings to follow up: {n}"),
    "no_followups": ("暂无待办差评", "No open negative rating"),
    "followup_line": ("{number} {service} · {window}", "{number} {service} · {window}"),
    "hall_rating": ("大厅评价（未办先评）", "Hall rating (before service)"),
    "owner": ("责任人：{owner}", "Owner: {owner}"),
    "unassigned": ("未指派", "unassigned"),
    "step_contact": ("回访", "contact"),
    "step_feedback": ("反馈", "feedback"),
    "step_resolve": ("办结", "resolve"),
    "due_at": ("{step}期限 {time}", "{step} due {time}"),
    "overdue": ("{step}已超期 {time}", "{step} overdue since {time}"),
    "deadline_day": ("整改期限 {day}", "resolve by {day}"),
    "contacts": ("已回访 {n} 次", "{n} contact(s)"),
    "assign": ("指派", "Assign"),
    "contact": ("回访", "Contact"),
    "resolve": ("办结", "Resolve"),
    "assign_title": ("指派差评 {number}", "Assign negative rating {number}"),
    "assign_hint": ("责任人工号：", "Owner's staff ID:"),
    "contact_title": ("回访记录 {number}", "Contact record {number}"),
    "contact_channel": ("回访方式：", "Channel:"),
    "contact_note": ("群众意见：", "What the citizen said:"),
    "resolve_title": ("办结差评 {number}", "Resolve negative rating {number}"),
    "resolve_outcome": ("处理结果：", "Outcome:"),
    "resolve_note": ("情况说明：", "Note:"),
    "done_assign": ("已指派 {number} 给 {owner}", "{number} assigned to {owner}"),
    "done_contact": ("已记录 {number} 的回访", "Contact with {number} recorded"),
    "done_resolve": ("{number} 已办结", "{number} resolved"),
    "channel_phone": ("电话", "Phone"),
    "channel_visit": ("上门", "Visit"),
    "channel_sms": ("短信", "SMS"),
    "channel_other": ("其他", "Other"),
    "outcome_fixed": ("已整改", "Fixed"),
    "outcome_explained": ("已解释说明", "Explained"),
    "outcome_appealed": ("申诉", "Appealed"),
    # devices
    "devices": ("设备状态", "Devices"),
    "devices_summary": ("在线 {online}/{total}", "online {online}/{total}"),
    "devices_all_ok": ("共 {n} 台", "{n} devices"),
    "no_devices": ("暂无设备上报", "No device has reported"),
    "role_kiosk": ("取号机", "Kiosk"),
    "role_clerk": ("窗口软件", "Window PC"),
    "role_display": ("显示屏", "Board"),
    "role_bridge": ("评价器/呼叫器总线", "Evaluator/keypad bus"),
    "role_manager": ("管理大屏", "Manager's wall"),
    "role_announcer": ("语音播报", "Announcer"),
    "role_agent": ("帮办代办终端", "Agent tablet"),
    "role_unknown": ("设备", "Device"),
    "role_evaluator": ("评价器", "Evaluator"),
    "role_keypad": ("呼叫器", "Caller keypad"),
    "role_board": ("窗口屏", "Window board"),
    "hall_part": ("大厅", "Hall"),
    "zone_part": ("{zone}区", "zone {zone}"),
    "status_heard": ("正常", "OK"),
    "status_silent": ("无响应", "Not answering"),
    "status_unheard": ("未用过", "Not used yet"),
    "status_line_down": ("总线断开", "Bus down"),
    "status_line_ok": ("线路正常", "Line OK"),
    "status_speaking": ("播报中", "Speaking"),
    "status_standby": ("备用", "Standing by"),
    "status_no_sound": ("无声音输出", "No sound"),
    "last_heard": ("最后响应 {time}", "last heard {time}"),
    "stale_part": ("状态未知", "Unknown"),  # its device (a bridge, a board) is away
    "health_ok": ("正常", "OK"),
    "health_offline": ("离线", "Offline"),
    "health_unknown": ("状态未知", "Unknown"),
    "status_printer_paper_near_end": ("打印纸将尽", "Paper low"),
    "status_printer_paper_out": ("打印机缺纸", "Out of paper"),
    "status_printer_cover_open": ("打印机仓盖未关", "Cover open"),
    "status_printer_offline": ("打印机离线", "Printer offline"),
    "status_printer_unknown": ("打印机状态未知", "Printer unknown"),
    "status_out_of_service": ("暂停使用", "Out of service"),
    "status_device_missing": ("外接设备未连接", "Device missing"),
    "status_recovered": ("已自动重启恢复", "Restarted, working"),
    "last_seen": ("最后在线 {time}", "seen {time}"),
    "online_since": ("上线于 {time}", "since {time}"),
    # alerts
    "alerts": ("告警 {n} 条", "Alerts: {n}"),
    "no_alerts": ("暂无告警", "No alerts"),
    "ack": ("确认", "Acknowledge"),
    "raised": ("{time} 发出", "raised {time}"),
    "ago": ("已 {span}", "{span} ago"),
    "ack_title": ("确认告警", "Acknowledge the alert"),
    "ack_hint": ("处理说明（可不填）：", "Note (optional):"),
    "done_ack": ("已确认告警", "Alert acknowledged"),
    "level_critical": ("严重", "Critical"),
    "level_warning": ("注意", "Warning"),
    # notice
    "notice_label": ("大厅通知：", "Hall notice:"),
    "notice_none": ("未发布通知（显示屏显示默认通知）", "No notice posted (boards show their own)"),
    "post_notice": ("发布通知", "Post notice"),
    "notice_title": ("发布大厅滚动通知", "Post the boards' scrolling notice"),
    "notice_zh": ("中文内容（留空则清除通知）：", "Chinese text (empty clears the notice):"),
    "notice_en": ("英文内容（可不填）：", "English text (optional):"),
    "done_notice": ("通知已发布", "Notice posted"),
    "done_notice_cleared": ("通知已清除", "Notice cleared"),
    # charts
    "chart_waiting": ("今日各事项等候人数", "Waiting per service today"),
    "chart_calls": ("各窗口每小时叫号", "Calls per window per hour"),
    "chart_hour": ("{h}时", "{h}:00"),
    "chart_empty": ("暂无数据", "No data yet"),
    "chart_top": ("当前等候最多的 {n} 个事项", "the {n} services where most wait now"),
    "window_short": ("{n}号", "W{n}"),
    "more_rows": ("另有 {n} 项…", "{n} more…"),
}

# 政务服务好差评 five levels.
RATING_LEVELS: dict[int, tuple[str, str]] = {
    5: ("非常满意", "Very satisfied"),
    4: ("满意", "Satisfied"),
    3: ("基本满意", "Basically satisfied"),
    2: ("不满意", "Dissatisfied"),
    1: ("非常不满意", "Very dissatisfied"),
}

CONTACT_CHANNELS = ("phone", "visit", "sms", "other")
OUTCOMES = ("fixed", "explained", "appealed")

# Codes the wall words itself (a wrong PIN as the protocol's table has it, without the staff id
# the server adds); every other code shows the server's message.
OWN_ERRORS: dict[str, str] = {"offline": "offline_error"}
TABLE_ONLY = frozenset({"bad_pin"})


class Texts(Words):
    """The strings of one language: `texts("key", field=value)`."""

    strings = STRINGS

    def has(self, key: str) -> bool:
        return key in STRINGS

    def rating(self, score: int) -> str:
        pair = RATING_LEVELS.get(score)
        return pair[self._i] if pair else str(score)

    def pause_reason(self, code: str | None) -> str:
        pair = PAUSE_REASON_TEXTS.get(code or "other")
        return pair[self._i] if pair else str(code)

    def error(self, code: str, message: str = "", message_en: str = "") -> str:
        """A refusal's text: the wall's own words, the server's, the protocol's table, the code."""
        own = OWN_ERRORS.get(code)
        if own is not None:
            return self(own)
        said = "" if code in TABLE_ONLY else self.pick(message, message_en)
        if said:
            return said
        pair = ERROR_TEXTS.get(code)
        return pair[self._i] if pair else code

    def duration(self, seconds: float | None) -> str:
        """A wait or service time as a person says it: 45秒, 12分钟, 1小时05分."""
        if seconds is None:
            return self("none")
        s = max(0, round(seconds))
        if s < 60:
            return self("seconds", n=s)
        minutes = s // 60
        if minutes < 60:
            return self("minutes", n=minutes)
        return self("hours", h=minutes // 60, m=minutes % 60)
