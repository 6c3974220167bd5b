"""How the kiosk fits its screen: orientation and scale from the screen's size. Pure: no Qt.

The screens are drawn for 1080×1920 (portrait) or 1920×1080 (landscape). On another screen the
kiosk takes the whole screen, picks the orientation of the glass (unless the settings name
one) and scales every size by how much smaller or larger the screen is, so a 1366×768 panel
shows all of a screen, buttons included, and nothing is pushed off the glass.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The screen sizes the layouts are drawn for.
DESIGN_SIZES: dict[str, tuple[int, int]] = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
MIN_SCALE, MAX_SCALE = 0.5, 2.0


@dataclass(frozen=True)
class ScreenFit:
    """The window's size and the layout to draw in it."""

    orientation: str  # "portrait" or "landscape"
    width: int
    height: int
    scale: float  # every pixel size of the design is multiplied by this

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height


def fit_screen(setting: str, width: int, height: int) -> ScreenFit:
    """`setting` is "auto" (follow the screen), "portrait" or "landscape"."""
    if width <= 0 or height <= 0:  # no screen known: the design size of the setting
        width, height = DESIGN_SIZES["landscape" if setting == "landscape" else "portrait"]
    if setting in DESIGN_SIZES:
        orientation = setting
    else:
        orientation = "landscape" if width > height else "portrait"
    design_w, design_h = DESIGN_SIZES[orientation]
    scale = min(width / design_w, height / design_h)
    return ScreenFit(orientation, width, height, round(min(MAX_SCALE, max(MIN_SCALE, scale)), 3))
