"""How long a citizen will wait, in one wording for the kiosk, the printed ticket and the phone.

One function, so the kiosk's done screen, the paper ticket and the phone page never disagree
about the same ticket. Pure: the numbers come from the server's ticket or position reply.
"""

from __future__ import annotations

__all__ = ["wait_minutes", "wait_phrase"]


def wait_minutes(estimated_wait_s: int | None) -> int:
    """The estimate in whole minutes, at least one (a wait is never promised as zero)."""
    return max(1, round((estimated_wait_s or 0) / 60))


def wait_phrase(
    ahead: int | None, estimated_wait_s: int | None, open_windows: int
) -> tuple[str, str]:
    """(zh, en) telling a waiting citizen where they stand.

    No window serving the ticket is open: no estimate can be honest, so say so. Nobody ahead:
    the next call is theirs. Otherwise people ahead and the estimate in minutes.
    """
    if open_windows <= 0:
        return (
            "暂无窗口开放，开放后按顺序叫号",
            "No window is open yet; numbers are called in order once one opens",
        )
    if not ahead:
        return ("前面没有人，请留意叫号", "You are next: please watch the board")
    m = wait_minutes(estimated_wait_s)
    return (
        f"前面还有 {ahead} 人，预计等候约 {m} 分钟",
        f"{ahead} ahead of you, about {m} min",
    )
