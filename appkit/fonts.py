"""The CJK font the apps name explicitly, so Chinese never renders as boxes."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase

log = logging.getLogger(__name__)

# In order of preference; the setup script installs WenQuanYi Micro Hei.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei")


def cjk_family() -> str:
    """The first installed CJK family (needs a QGuiApplication)."""
    installed = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    log.warning("no CJK font installed (tried %s); Chinese may render as boxes", CJK_FAMILIES)
    return QFont().defaultFamily()


def cjk_font(point_size: int = 16, bold: bool = False) -> QFont:
    font = QFont(cjk_family(), point_size)
    font.setBold(bold)
    return font
