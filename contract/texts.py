"""Every user-facing text of the protocol, Simplified Chinese first, English second: one table.

Error messages are templates filled from an error's details (``str.format`` fields), so no
layer builds a sentence itself. The engine's refusals and the protocol layer's own errors share
one table of codes (``ERROR_TEXTS``); a code has one text wherever it is raised.
"""

from __future__ import annotations

# code -> (zh, en); fields come from the error's details.
ENGINE_ERRORS: dict[str, tuple[str, str]] = {
    "unknown_service": ("没有这个事项：{service}", "Unknown service: {service}"),
    "unknown_bundle": ("没有这个一件事：{bundle}", "Unknown bundle: {bundle}"),
    "bad_part": (
        "设备 {device} 不能报告 {part}：{why}",
        "Device {device} may not report {part}: {why}",
    ),
    "not_agent": (
        "工号 {staff} 不是帮办代办员",
        "Staff {staff} is not a 帮办代办 agent",
    ),
    "citizen_required": (
        "代办取号须登记办事群众身份",
        "A ticket taken on behalf of a citizen needs the citizen's identity",
    ),
    "unknown_window": ("没有这个窗口：{window}", "Unknown window: {window}"),
    "unknown_ticket": ("没有这个号：{ticket}", "Unknown ticket: {ticket}"),
    "unknown_staff": ("没有这位工作人员：{staff}", "Unknown staff: {staff}"),
    "unknown_alert": (
        "没有这条待处理的提醒：{alert}",
        "No open alert with this key: {alert}",
    ),
    "not_manager": (
        "工号 {staff} 没有大厅管理员权限",
        "Staff {staff} does not have the hall manager role",
    ),
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
    "bad_moment": (
        "评价时机无效：{moment}（窗口评价为 during 边办边评 或 after 办后再评）",
        "Invalid rating moment: {moment} (a window rates during or after)",
    ),
    "moment_not_used": (
        "本大厅未启用该评价方式：{moment}",
        "This hall does not use the rating moment {moment}",
    ),
    "no_current_ticket": (
        "{window} 号窗口当前没有在办的号可评价",
        "Window {window} is not serving a ticket to rate",
    ),
    "bad_aspect": ("评价项目无效：{aspect}", "Invalid aspect of the hall: {aspect}"),
    "unknown_followup": ("没有这个差评工单：{followup}", "Unknown follow-up: {followup}"),
    "already_resolved": (
        "差评工单 {followup} 已办结",
        "Follow-up {followup} is already resolved",
    ),
    "not_resolved": (
        "差评工单 {followup} 尚未办结，不能复评",
        "Follow-up {followup} is not resolved yet: no re-rating before the fix",
    ),
    "bad_channel": ("回访方式无效：{channel}", "Invalid contact channel: {channel}"),
    "bad_outcome": (
        "办结结果无效：{outcome}（应为 fixed 已整改、explained 已解释、appealed 申诉）",
        "Invalid outcome: {outcome} (fixed, explained or appealed)",
    ),
    "empty_note": ("请填写{what}", "Please write the {what_en}"),
    # 远程取号
    "remote_off": ("本大厅暂未开通远程取号", "This hall does not take numbers by phone"),
    "citizen_limit": (
        "您今天已远程取号 {limit} 次，请到大厅取号机取号",
        "You have taken {limit} numbers by phone today; please use a kiosk in the hall",
    ),
    "remote_hour_cap": (
        "{service_zh}本时段远程号已取完，请稍后再试或到大厅取号",
        "{service_en}: no more numbers by phone this hour; retry later or come to the hall",
    ),
    "checkin_refused": (
        "号码或手机号后四位不正确，请核对后重试",
        "The number or the last 4 digits of the phone do not match; please check",
    ),
    "checkin_late": (
        "{number} 已超过签到时间，号已作废，请重新取号",
        "{number} was not checked in in time and has expired; please take a new number",
    ),
    "not_checked_in": (
        "{number} 是远程取号，尚未到大厅签到",
        "{number} was taken by phone and has not checked in at the hall yet",
    ),
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


# Alerts on the manager's wall: text -> (zh, en). Fields: service_zh, service_en, prefix,
# minutes, left, device, followup, number, step_zh, step_en, due (local HH:MM or date).
ALERT_TEXTS: dict[str, tuple[str, str]] = {
    "wait_long": (
        "{prefix} 类业务（{service_zh}）已有市民等候超过 {minutes} 分钟",
        "{service_en} ({prefix}): a citizen has waited over {minutes} min",
    ),
    "quota_near": (
        "{service_zh}今日号源仅剩 {left} 个",
        "{service_en}: only {left} tickets left today",
    ),
    "quota_reached": (
        "{service_zh}今日号源已取完",
        "{service_en}: today's tickets are all taken",
    ),
    "printer_paper_near_end": (
        "{device} 打印机纸将用尽，请及时换纸",
        "{device}: printer paper running low",
    ),
    "printer_paper_out": ("{device} 打印机缺纸，无法出票", "{device}: printer out of paper"),
    "printer_cover_open": ("{device} 打印机盖未关好", "{device}: printer cover open"),
    "printer_offline": ("{device} 打印机无响应", "{device}: printer not responding"),
    "device_recovered": (
        "{device} 曾故障，已自动重启恢复",
        "{device} failed and was restarted by its watchdog",
    ),
    "device_silent": (
        "{device} 已离线超过 {minutes} 分钟",
        "{device} has been offline for over {minutes} min",
    ),
    "evaluator_silent": (
        "{window}号窗口评价器无响应（{device}）",
        "Window {window}: evaluator not answering ({device})",
    ),
    "keypad_silent": (
        "{window}号窗口呼叫器无响应（{device}）",
        "Window {window}: caller keypad not answering ({device})",
    ),
    "device_never": (
        "{device} 已超过 {minutes} 分钟未连接",
        "{device} has not connected for over {minutes} min",
    ),
    "followup_due": (
        "差评工单 {number} 的{step_zh}期限将至（{due}）",
        "差评 work order {number}: {step_en} due at {due}",
    ),
    "followup_overdue": (
        "差评工单 {number} 的{step_zh}已超期（{due}）",
        "差评 work order {number}: {step_en} overdue since {due}",
    ),
}

# A 差评 work order's steps with deadlines: step -> (zh, en).
FOLLOWUP_STEP_TEXTS: dict[str, tuple[str, str]] = {
    "contact": ("回访联系", "contact"),
    "feedback": ("反馈", "feedback"),
    "resolve": ("整改办结", "resolution"),
}


# Stable error codes of the protocol layer itself (a request refused before the engine sees it).
PROTOCOL_ERRORS: dict[str, tuple[str, str]] = {
    "bad_json": ("消息不是有效的 JSON", "message is not valid JSON"),
    "bad_message": (
        "消息必须是带 type 和 id 的 JSON 对象",
        "message must be a JSON object with type and id",
    ),
    "unknown_type": ("未知的消息类型", "unknown message type"),
    "missing_field": ("缺少字段", "missing field"),
    "bad_field": ("字段取值错误", "bad field value"),
    "too_large": ("消息过大", "message too large"),
    "not_authenticated": ("请先发送 hello 登记设备", "send hello first"),
    "bad_token": ("设备或令牌无效", "unknown device or wrong token"),
    "already_authenticated": ("设备已登记", "already authenticated"),
    "forbidden": ("此设备无权执行该操作", "this device may not do that"),
    "wrong_window": ("此设备不属于该窗口", "this device does not belong to that window"),
    "not_logged_in": (
        "尚未登录，请先输入工号和密码",
        "not logged in: log in with a staff id and PIN first",
    ),
    "bad_pin": ("工号或密码错误", "wrong staff id or PIN"),
    "staff_locked": (
        "密码错误次数过多，该工号已暂时锁定，请稍后再试或联系大厅管理员",
        "too many wrong PINs: this staff id is locked for a while; ask the hall manager",
    ),
    "too_many_connections": (
        "服务器连接数已满，请稍后再试",
        "the server has too many connections; retry later",
    ),
    "rate_limited": ("请求过于频繁，请稍后再试", "too many requests, slow down"),
    "too_many_bookings": (
        "此网络预约次数过多，请稍后再试或致电大厅预约",
        "Too many bookings from this network: try later, or call the hall to book",
    ),
    "too_many_codes": (
        "预约码错误次数过多，请稍后再试或到服务台咨询",
        "Too many wrong codes: please try again later or ask at the help desk",
    ),
    "unavailable": ("服务器暂时无法保存，请稍后重试", "server cannot save right now, retry"),
    "internal": ("服务器内部错误", "internal server error"),
    "address_limit": (
        "此网络取号过于频繁，请稍后再试或到大厅取号",
        "too many numbers taken from this network; retry later or use a kiosk",
    ),
    "bad_phone": ("请输入11位手机号码", "please enter an 11-digit mobile number"),
    "bad_id_number": (
        "身份证号码不正确，请核对（可不填）",
        "the ID card number is not valid; please check it (it may be left out)",
    ),
    "bad_citizen_id": (
        "请输入11位手机号码或18位身份证号码，请核对",
        "enter the citizen's 11-digit mobile number or 18-character ID card number; please check it",
    ),
    "door_code": (
        "签到码无效，请在大厅门口扫描签到二维码",
        "this check-in code is not valid; scan the QR code at the hall door",
    ),
    "checkin_locked": (
        "该号签到错误次数过多，请到咨询台办理",
        "too many wrong check-in attempts for this number; please ask at the help desk",
    ),
}

# 预约: the engine's refusals of a booking, a change or a check-in. An unknown code and someone
# else's get the one text, which does not say whether the code exists.
APPOINTMENT_ERRORS: dict[str, tuple[str, str]] = {
    "no_appointments": ("该事项暂不开放预约", "This service takes no appointments"),
    "slot_unavailable": (
        "该时段不可预约（{day} {slot}），请选择其他时段",
        "This slot cannot be booked ({day} {slot}); please choose another",
    ),
    "slot_full": (
        "该时段已约满（{day} {slot}），请选择其他时段",
        "This slot is fully booked ({day} {slot}); please choose another",
    ),
    "slot_unchanged": (
        "新时段与原预约相同（{day} {slot}）",
        "The new slot is the one already booked ({day} {slot})",
    ),
    "appointment_duplicate": (
        "您已预约该事项 {day} {slot}，如需调整请改约",
        "You already have a booking for this service at {day} {slot}; rebook it instead",
    ),
    "appointment_code_taken": ("预约码生成冲突，请重试", "Code collision; please try again"),
    "appointment_unknown": (
        "预约码或身份信息不正确，请核对后重试",
        "The code or your details do not match a booking; please check them",
    ),
    "appointment_used": (
        "该预约码已签到使用，不能重复签到",
        "This code has already been used to check in",
    ),
    "appointment_early": (
        "您预约的时间是 {slot}，请于 {opens} 后签到",
        "Your slot is at {slot}; please check in from {opens}",
    ),
    "appointment_started": (
        "预约时段（{day} {slot}）已开始，不能取消或改约",
        "The slot ({day} {slot}) has started: it can no longer be cancelled or moved",
    ),
}

# What a kiosk says of a check-in: outcome -> (zh, en); field: slot.
CHECKIN_TEXTS: dict[str, tuple[str, str]] = {
    "on_time": (
        "预约签到成功（{slot}），请留意叫号",
        "Checked in for {slot}: watch for your number",
    ),
    "late": (
        "您已超过预约时间（{slot}），已为您改取普通号，请按顺序等候",
        "You are past your slot ({slot}): this is a walk-in ticket; please wait your turn",
    ),
}

ERROR_TEXTS: dict[str, tuple[str, str]] = {
    **ENGINE_ERRORS,
    **PROTOCOL_ERRORS,
    **APPOINTMENT_ERRORS,
}
assert len(ERROR_TEXTS) == len(ENGINE_ERRORS) + len(PROTOCOL_ERRORS) + len(APPOINTMENT_ERRORS), (
    "a code is in two tables"
)


# 好差评: the five levels, the moments of rating, what a 未办先评 rates, and a 差评 work
# order's words.
RATING_LEVEL_TEXTS: dict[int, tuple[str, str]] = {
    5: ("非常满意", "Very satisfied"),
    4: ("满意", "Satisfied"),
    3: ("基本满意", "Fairly satisfied"),
    2: ("不满意", "Dissatisfied"),
    1: ("非常不满意", "Very dissatisfied"),
}
RATING_MOMENT_TEXTS: dict[str, tuple[str, str]] = {
    "before": ("未办先评", "Rated on arrival"),
    "during": ("边办边评", "Rated during service"),
    "after": ("办后再评", "Rated after service"),
}
HALL_ASPECT_TEXTS: dict[str, tuple[str, str]] = {
    "overall": ("大厅整体", "The hall overall"),
    "environment": ("大厅环境", "Environment"),
    "volunteers": ("志愿服务", "Volunteers"),
    "guidance": ("导办服务", "Guidance"),
}
FOLLOWUP_OUTCOME_TEXTS: dict[str, tuple[str, str]] = {
    "fixed": ("已整改", "Fixed"),
    "explained": ("已解释说明", "Explained"),
    "appealed": ("已申诉", "Appealed"),
}
CONTACT_CHANNEL_TEXTS: dict[str, tuple[str, str]] = {
    "phone": ("电话回访", "By phone"),
    "visit": ("上门回访", "In person"),
    "sms": ("短信回访", "By text message"),
    "other": ("其他方式", "Other"),
}
FOLLOWUP_CLOCK_TEXTS: dict[str, tuple[str, str]] = {
    "contact": ("联系群众", "Contact the citizen"),
    "feedback": ("反馈进展", "Feedback"),
    "resolve": ("整改办结", "Resolved"),
}
CLOCK_STATE_TEXTS: dict[str, tuple[str, str]] = {
    "met": ("按时完成", "Done in time"),
    "late": ("超时完成", "Done late"),
    "running": ("进行中", "Running"),
    "overdue": ("已超时", "Overdue"),
}
