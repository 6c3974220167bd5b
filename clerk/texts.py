"""Every user-facing string of the clerk app, Simplified Chinese first, English second.

Texts are templates filled with `str.format` fields, so widgets never build sentences. The
server's own error messages arrive in both languages; `Texts.error` picks one, except for the
few codes the app words itself (wrong PIN, offline).
"""

from __future__ import annotations

from appkit.words import Words

STRINGS: dict[str, tuple[str, str]] = {
    # window and header
    "app_title": ("软件呼叫器 · {window}", "Window caller · {window}"),
    "window_name": ("{number}号窗口", "Window {number}"),
    "hall_unknown": ("政务服务中心", "Government Service Center"),
    "staff_line": ("工作人员：{name}（{staff}）", "Clerk: {name} ({staff})"),
    "compact": ("紧凑模式", "Compact"),
    "expand": ("展开", "Expand"),
    "logout": ("签退", "Sign out"),
    # 电话预约: booking a slot for a caller on the phone
    "booking_open": ("电话预约", "Book for a caller"),
    "booking_title": ("电话预约 · 为来电群众预约", "Book an appointment for a caller"),
    "booking_service": ("办理事项", "Service"),
    "booking_day": ("日期", "Day"),
    "booking_slot": ("时段", "Time"),
    "booking_who": ("身份证号或手机号", "ID or mobile number"),
    "booking_who_hint": ("18 位身份证号或 11 位手机号", "18-digit ID or 11-digit mobile"),
    "booking_left": ("{slot}（余 {n}）", "{slot} ({n} left)"),
    "booking_book": ("预约", "Book"),
    "booking_bad_who": (
        "请填写 18 位身份证号或 11 位手机号",
        "Enter an 18-digit ID number or an 11-digit mobile number",
    ),
    "booking_choose": ("请选择事项、日期和时段", "Choose a service, a day and a time"),
    "booking_done": (
        "预约成功：预约码 {code}，{day} {slot}。请告知群众于 {start}–{end} 到大厅自助机签到。",
        (
            "Booked: code {code}, {day} {slot}. Tell the caller to check in at a kiosk "
            "between {start} and {end}."
        ),
    ),
    "booking_failed": ("预约未成功，请稍后再试", "The booking did not go through; try again"),
    "close": ("关闭", "Close"),
    # connection
    "connecting": ("正在连接服务器…", "Connecting to the server…"),
    "offline": (
        "网络中断，正在重新连接… 期间无法操作",
        "Network down, reconnecting… actions are off",
    ),
    "offline_short": ("网络中断", "Offline"),
    "restoring": ("网络已恢复，正在重新登录…", "Back online, signing in again…"),
    "restored": ("网络已恢复", "Back online"),
    # login
    "login_title": ("窗口登录", "Window sign-in"),
    "login_hint": ("请输入工号和密码开窗服务", "Enter your staff ID and PIN to open the window"),
    "staff_id": ("工号", "Staff ID"),
    "pin": ("密码", "PIN"),
    "login": ("登录", "Sign in"),
    "logging_in": ("正在登录…", "Signing in…"),
    "bad_pin": ("工号或密码错误", "Wrong staff ID or PIN"),
    "fill_both": ("请输入工号和密码", "Enter both staff ID and PIN"),
    "relogin_failed": ("自动重新登录失败：{reason}", "Could not sign in again: {reason}"),
    # window states
    "mode_unknown": ("状态未知", "Unknown"),
    "mode_closed": ("未开窗", "Closed"),
    "mode_idle": ("空闲", "Idle"),
    "mode_serving": ("办理中", "Serving"),
    "mode_paused": ("暂停服务", "Paused"),
    "paused_because": ("暂停中 · {reason}", "Paused · {reason}"),
    "compact_paused_because": ("暂停中 · {reason}", "Paused\n{reason}"),  # the narrow strip
    # console
    "current": ("当前号码", "Current number"),
    "no_current": ("暂无办理", "No one at the window"),
    # 一件事 and 帮办代办 on the current ticket
    "bundle_steps": ("一件事 · {bundle}：{steps}", "One visit · {bundle}: {steps}"),
    "step_done": ("{name}（已办）", "{name} (done)"),
    "step_current": ("{name}（本窗口办理）", "{name} (here, now)"),
    "step_to_come": ("{name}（待办）", "{name} (to come)"),
    "step_finish_hint": (
        "办结本步后，下一步 {name} {where}",
        "Finishing this step: {name} {where}",
    ),
    "step_here": ("继续在本窗口办理", "goes on at this window"),
    "step_elsewhere": (
        "转入相应窗口排队（保留原取号时间）",
        "queues for its windows (keeps its place)",
    ),
    "proxy_mark": ("帮办代办 · 代办员 {staff}", "Taken by a 帮办代办 agent · {staff}"),
    "idle_hint": ("按 F1 叫号", "Press F1 to call the next number"),
    "offline_hint": ("网络恢复后即可继续叫号", "Calling resumes when the network is back"),
    "paused_hint": ("窗口已暂停，按 F9 恢复服务", "Window paused, press F9 to resume"),
    "paused_reason_hint": (
        "暂停原因：{reason}，按 F9 恢复服务",
        "Paused: {reason}. Press F9 to resume",
    ),
    "served_for": ("办理时长", "Serving for"),
    "waiting": ("等候人数", "Waiting"),
    "waiting_unit": ("人", "in queue"),
    "compact_waiting": ("等候 {count} 人", "{count} waiting"),
    "waiting_by_service": ("{name} {count}", "{name} {count}"),
    "nobody_waiting": ("暂无等候", "Nobody waiting"),
    "last_rating": ("最近评价", "Last rating"),
    "no_rating": ("暂无评价", "No rating yet"),
    "rating_line": ("{number}：{level}", "{number}: {level}"),
    "bad_rating": ("差评", "Negative"),
    "parked": ("挂起号", "Parked"),
    "no_parked": ("无", "None"),
    "invited": ("已邀请 {number} 评价", "{number} invited to rate"),
    # actions (label, then the notice on success)
    "act_call_next": ("叫号", "Call next"),
    "act_recall": ("重呼", "Recall"),
    "act_no_show": ("弃号", "No-show"),
    "act_finish": ("办结", "Finish"),
    "act_transfer": ("转移", "Transfer"),
    "act_park": ("挂起", "Park"),
    "act_call_parked": ("回呼", "Call back"),
    "act_call_number": ("选号", "Call number"),
    "act_pause": ("暂停", "Pause"),
    "act_resume": ("恢复", "Resume"),
    "act_invite_rating": ("邀请评价", "Invite rating"),
    "act_logout": ("签退", "Sign out"),
    "short_act_invite_rating": ("邀请评价", "Invite"),  # on the narrow compact strip
    "done_called": ("已呼叫 {number}", "Called {number}"),
    "done_recall": ("已重呼 {number}", "Called {number} again"),
    "done_no_show": ("{number} 已弃号", "{number} marked no-show"),
    "done_finish": ("{number} 已办结", "{number} finished"),
    "done_transfer": ("{number} 已转移至 {target}", "{number} transferred to {target}"),
    "done_park": ("{number} 已挂起", "{number} parked"),
    "done_pause": ("窗口已暂停服务", "Window paused"),
    "done_resume": ("窗口已恢复服务", "Window resumed"),
    "done_invite_rating": ("已邀请 {number} 评价", "{number} invited to rate"),
    "done_logout": ("已签退", "Signed out"),
    "done_login": ("欢迎，{name}", "Welcome, {name}"),
    # dialogs
    "transfer_title": ("转移 {number}", "Transfer {number}"),
    "transfer_hint": ("将 {number} 转到：", "Send {number} to:"),
    "transfer_to_service": ("转到事项", "To a service"),
    "transfer_to_window": ("转到窗口", "To a window"),
    "choose_number_title": ("选号呼叫", "Call a chosen number"),
    "choose_number_hint": ("选择或输入要呼叫的号码", "Pick or type the number to call"),
    "choose_parked_title": ("回呼挂起号", "Call back a parked number"),
    "choose_parked_hint": ("选择要回呼的挂起号", "Pick the parked number to call back"),
    "no_show_title": ("弃号 {number}", "No-show {number}"),
    "no_show_question": (
        "{number} 未到窗口，确认弃号？\n弃号后该号码不再呼叫。",
        "{number} did not come: mark it as a no-show?\nIt will not be called again.",
    ),
    "no_show_confirm": ("确认弃号", "Mark no-show"),
    "pause_title": ("暂停服务", "Pause the window"),
    "pause_hint": ("请选择暂停原因：", "Why is the window pausing?"),
    "ok": ("确定", "OK"),
    "cancel": ("取消", "Cancel"),
    # ticket classes
    "class_normal": ("普通", "Walk-in"),
    "class_priority": ("绿色通道", "Priority lane"),
    "class_appointment": ("预约", "Appointment"),
}

# 政务服务好差评 five levels.
RATING_LEVELS: dict[int, tuple[str, str]] = {
    5: ("非常满意", "Very satisfied"),
    4: ("满意", "Satisfied"),
    3: ("基本满意", "Basically satisfied"),
    2: ("不满意", "Dissatisfied"),
    1: ("非常不满意", "Very dissatisfied"),
}

# Why a window pauses: the codes the server accepts on `pause` (`reason`) and reports back.
PAUSE_REASONS: dict[str, tuple[str, str]] = {
    "lunch": ("午休", "Lunch break"),
    "away": ("临时离开", "Away briefly"),
    "meeting": ("会议", "In a meeting"),
    "fault": ("系统故障", "System fault"),
    "other": ("其他", "Other"),
}
DEFAULT_PAUSE_REASON = "away"

# Error codes the app words itself; every other code shows the server's own message.
OWN_ERRORS: dict[str, tuple[str, str]] = {
    "bad_pin": STRINGS["bad_pin"],
    "offline": ("网络中断，操作未发送", "Offline: nothing was sent"),
    "unavailable": ("服务器暂时无法保存，请稍后重试", "The server cannot save right now; retry"),
    "internal": ("服务器内部错误", "Internal server error"),
}


class Texts(Words):
    """The strings of one language: `texts("key", field=value)`."""

    strings = STRINGS

    def window(self, number: int, name: str = "") -> str:
        """A window's name: the configured (Chinese) one, or "Window 3" in English."""
        return name if name and self._i == 0 else self("window_name", number=number)

    def short(self, key: str) -> str:
        """The short form of a label where there is one (the compact strip)."""
        return self(f"short_{key}") if f"short_{key}" in STRINGS else self(key)

    def rating(self, score: int) -> str:
        pair = RATING_LEVELS.get(score)
        return pair[self._i] if pair else str(score)

    def pause_reason(self, code: str) -> str:
        """The words for a pause reason code; an unknown code shows as it is."""
        pair = PAUSE_REASONS.get(code)
        return pair[self._i] if pair else code

    def ticket_class(self, value: str | None) -> str:
        key = f"class_{value}"
        return self(key) if key in STRINGS else ""

    def error(self, code: str, message: str = "", message_en: str = "") -> str:
        own = OWN_ERRORS.get(code)
        if own is not None:
            return own[self._i]
        return self.pick(message, message_en) or code
