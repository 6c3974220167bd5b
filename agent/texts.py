"""Every string of the agent app, Simplified Chinese first, English second."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "title": ("帮办代办", "帮办代办 agent"),
    "staff": ("工号", "Staff id"),
    "pin": ("密码", "PIN"),
    "log_in": ("登录", "Log in"),
    "log_out": ("退出", "Log out"),
    "agent": ("帮办代办员：{name}（{staff}）", "Agent: {name} ({staff})"),
    "what": ("代办事项", "For"),
    "bundle_item": ("一件事 · {name}", "One visit · {name}"),
    "citizen": ("办事群众身份证号或手机号", "The citizen's ID card or phone number"),
    "citizen_hint": ("服务器只保存其加密摘要", "The server keeps only a keyed hash of it"),
    "take": ("代办取号", "Take a number for them"),
    "taken": ("已取号 {number}", "Number {number} taken"),
    "held": ("我代办的号", "Numbers I hold"),
    "none_held": ("暂无", "None"),
    "refresh": ("刷新", "Refresh"),
    "ticket_line": ("{number}  {name}  · {state}", "{number}  {name}  · {state}"),
    "steps": ("步骤 {step}/{count}", "step {step}/{count}"),
    "state_waiting": ("等候中", "waiting"),
    "state_called": ("请到 {window} 号窗口", "go to window {window}"),
    "state_parked": ("挂起", "on hold"),
    "offline": ("网络中断，正在重新连接…", "Offline, reconnecting…"),
    "citizen_missing": ("请填写办事群众身份", "Enter the citizen's identity first"),
    "citizen_bad": (
        "请输入11位手机号码或18位身份证号码，请核对",
        "Enter an 11-digit mobile number or an 18-character ID card number; please check it",
    ),
}


def text(key: str, lang: str = "zh", **fields: object) -> str:
    zh, en = STRINGS[key]
    template = en if lang == "en" else zh
    return template.format(**fields) if fields else template
