"""Every user-facing word of the reports and exports, Simplified Chinese first, English second."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "Lang", "Message", "label"]

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

_LABELS: dict[str, tuple[str, str]] = {
    # report title and parts
    "title": ("运行报表", "Service report"),
    "period": ("统计期间", "Period"),
    "generated": ("生成时间", "Generated"),
    "hall": ("大厅", "Hall"),
    "summary": ("总览", "Summary"),
    "by_service": ("按事项", "By service"),
    "by_window": ("按窗口", "By window"),
    "by_staff": ("按工作人员", "By clerk"),
    "by_hour": ("按取号时段", "By hour of arrival"),
    "by_day": ("按日", "By day"),
    "by_moment": ("按评价环节", "By rating moment"),
    "hall_ratings": ("未办先评（对大厅的评价）", "Hall ratings (before service)"),
    "how_counted": ("统计口径", "How it is counted"),
    "no_data": ("无数据", "no data"),
    # sections of the CSV
    "section": ("分组", "section"),
    "key": ("代码", "key"),
    "name": ("名称", "name"),
    "total": ("合计", "total"),
    "service": ("事项", "service"),
    "window": ("窗口", "window"),
    "staff": ("工作人员", "clerk"),
    "hour": ("时段", "hour"),
    "day": ("日期", "day"),
    "moment": ("评价环节", "moment"),
    "hall_rating": ("未办先评", "hall rating"),
    # columns
    "issued": ("取号", "issued"),
    "called": ("叫号", "called"),
    "served": ("办结", "served"),
    "no_show": ("过号", "no-show"),
    "transferred": ("转办", "transferred"),
    "voided": ("作废", "voided"),
    "expired": ("过期", "expired"),
    "wait_avg_s": ("平均等候(秒)", "wait avg (s)"),
    "wait_median_s": ("等候中位数(秒)", "wait median (s)"),
    "wait_p90_s": ("等候90分位(秒)", "wait p90 (s)"),
    "service_avg_s": ("平均办理(秒)", "service avg (s)"),
    "service_median_s": ("办理中位数(秒)", "service median (s)"),
    "service_p90_s": ("办理90分位(秒)", "service p90 (s)"),
    "rated": ("评价数", "rated"),
    "level_5": ("非常满意", "very satisfied"),
    "level_4": ("满意", "satisfied"),
    "level_3": ("基本满意", "basically satisfied"),
    "level_2": ("不满意", "dissatisfied"),
    "level_1": ("非常不满意", "very dissatisfied"),
    "satisfaction_pct": ("满意率(%)", "satisfaction (%)"),
    "wait_min": ("等候(分钟)", "wait (min)"),
    "service_min": ("办理(分钟)", "service (min)"),
    "median": ("中位数", "median"),
    "p90": ("90分位", "p90"),
    "moment_during": ("边办边评", "during service"),
    "moment_after": ("办后再评", "after service"),
    # charts
    "chart_hours": ("各时段取号与办结", "Tickets issued and served by hour of arrival"),
    "chart_hour_waits": ("各时段等候时间（分钟）", "Wait by hour of arrival (minutes)"),
    "chart_waiting": (
        "各事项排队人数（按时刻，日均）",
        "People waiting by time of day, per service (average day)",
    ),
    "waiting_people": ("排队人数", "waiting"),
    "chart_days": ("每日取号与办结", "Tickets issued and served per day"),
    "chart_services": ("各事项评价", "Ratings by service"),
    "chart_windows": ("各窗口办结与平均办理时间", "Served and service time by window"),
    "tickets": ("票数", "tickets"),
    "ratings": ("评价数", "ratings"),
    "minutes": ("分钟", "minutes"),
    # the counting rules, printed under the tables
    "rule_wait": (
        "等候时间：取号至首次叫号；办理时间：在办结窗口叫号至办结。中位数与90分位（最近秩法）。",
        (
            "Wait: issue to first call; service time: the call at the finishing window to "
            "finish. Median and 90th percentile (nearest rank)."
        ),
    ),
    "rule_rating": (
        "满意率 =（非常满意 + 满意）/ 评价数；未办先评单独统计，不计入事项与窗口。",
        "Satisfaction = (very satisfied + satisfied) / ratings; hall ratings are counted apart.",
    ),
    "rule_day": (
        "票据归属于取号当日及取号时段；转办计入转出事项与窗口。",
        (
            "A ticket belongs to the day and hour it was issued; a transfer counts for the "
            "service and window it left."
        ),
    ),
}


def label(key: str, lang: Lang = "zh") -> str:
    zh, en = _LABELS[key]
    return zh if lang == "zh" else en


class Message:
    """A message for stderr: Chinese and English on one line."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"
