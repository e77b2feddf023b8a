"""The two colour schemes, day and night, as one set of named colours each.

Everything on screen takes its colours from here: the QPalette every widget inherits, the small
stylesheet (resources/themes/desk.qss) and the few widgets that paint for themselves. A widget
never names a colour of its own, so a fix to the night colours is one fix, here.

Every text colour is chosen for at least 4.5:1 contrast (WCAG AA) on the backgrounds it is drawn
on; tests/ui/audit measures that on the rendered pixels of every screen.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Colours:
    name: str
    window: str          # page background
    surface: str         # panels, cards, tables
    field: str           # text boxes and lists
    alternate: str       # every other table row
    button: str
    button_hover: str
    text: str
    strong: str          # titles
    muted: str           # hints, secondary text (still 4.5:1 on window, surface and field)
    line: str            # quiet borders and rules
    edge: str            # borders of things you type into or press
    accent: str          # primary buttons, checked states, links on dark
    accent_hover: str
    accent_text: str     # text on the accent colour
    focus: str           # the focus ring
    link: str
    error: str           # error text on window, surface and field
    selection: str       # selected rows and text
    selection_text: str
    disabled_text: str
    disabled_bg: str
    nav: str             # the navigation column
    nav_hover: str
    nav_checked: str
    status_bar: str
    status_text: str
    lock: str            # the Lock button: amber on both schemes
    lock_text: str
    scroll_handle: str
    scroll_hover: str
    tooltip: str
    # kind -> (background, text, edge) for banners and status pills (in, excluded, messages, urgent,
    # flag, card, nobed, success, info, warning, danger, error, done)
    kinds: dict[str, tuple[str, str, str]]

    def kind(self, name: str) -> tuple[str, str, str]:
        return self.kinds.get(name, self.kinds["flag"])

    def tokens(self) -> dict[str, str]:
        """``@name@`` tokens for the stylesheet template."""
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), str)}


DAY = Colours(
    name="day",
    window="#eef1f4", surface="#ffffff", field="#ffffff", alternate="#f5f7f9", button="#ffffff",
    button_hover="#f0f3f6", text="#1b1f24", strong="#14181d", muted="#4a5561", line="#d3d9e0",
    edge="#7d8996", accent="#1f5fa8", accent_hover="#1a5293", accent_text="#ffffff", focus="#1f5fa8",
    link="#1a4f8c", error="#a3191b", selection="#cfe0f5", selection_text="#14181d",
    disabled_text="#6b7580", disabled_bg="#e6eaee", nav="#e3e8ed", nav_hover="#d6dde4",
    nav_checked="#c7d7ea", status_bar="#dde3e9", status_text="#1b1f24", lock="#f0b849",
    lock_text="#1b1f24", scroll_handle="#b4bdc7", scroll_hover="#8d98a5", tooltip="#ffffff",
    kinds={
        "in": ("#dff0e4", "#1d5b36", "#2e7d4f"), "done": ("#dff0e4", "#1d5b36", "#2e7d4f"),
        "success": ("#e6f3ea", "#185c2a", "#2e7d4f"),
        "excluded": ("#f9dedb", "#8c1d14", "#b3362a"), "danger": ("#fbe8e5", "#86191a", "#b3362a"),
        "error": ("#fdecea", "#86191a", "#b3362a"),
        "messages": ("#e2ecfa", "#1d4c8c", "#1f5fa8"), "info": ("#e8f1fb", "#163f6b", "#2d6a86"),
        "urgent": ("#fde3c2", "#713700", "#b7791f"), "nobed": ("#fde3c2", "#713700", "#b7791f"),
        "warning": ("#fdf1dc", "#5c3a00", "#b7791f"),
        "flag": ("#ecebe6", "#3f3a33", "#8d8677"), "card": ("#e7e4f4", "#3d3370", "#6b5ca5"),
    },
)

NIGHT = Colours(
    name="night",
    window="#11151a", surface="#1a2028", field="#0f1318", alternate="#1b2129", button="#232a34",
    button_hover="#2b3440", text="#e2e6eb", strong="#f3f5f7", muted="#a7b1bc", line="#2c3440",
    edge="#6b7685", accent="#5b9bd5", accent_hover="#6ea8dc", accent_text="#0b1118", focus="#7fb5e3",
    link="#8fc0ea", error="#ffa49c", selection="#345d86", selection_text="#f3f5f7",
    disabled_text="#8a95a1", disabled_bg="#1b2129", nav="#161b22", nav_hover="#1f262f",
    nav_checked="#233447", status_bar="#0b0e12", status_text="#d5dbe2", lock="#c99a3c",
    lock_text="#0b1118", scroll_handle="#3a4452", scroll_hover="#566273", tooltip="#232a34",
    kinds={
        "in": ("#1f3a2a", "#9fd9b0", "#4fa36f"), "done": ("#1f3a2a", "#9fd9b0", "#4fa36f"),
        "success": ("#15301f", "#c8ecd2", "#4fa36f"),
        "excluded": ("#4a1f1b", "#f7b4ab", "#d2594c"), "danger": ("#3d1d1a", "#ffcdc8", "#d2594c"),
        "error": ("#3a1d1f", "#ffcdc8", "#d2594c"),
        "messages": ("#1e2e47", "#a9c7f1", "#5b9bd5"), "info": ("#172a3d", "#cfe4f7", "#5d9cbc"),
        "urgent": ("#4a3316", "#f6c98a", "#d49a3a"), "nobed": ("#4a3316", "#f6c98a", "#d49a3a"),
        "warning": ("#3b2e17", "#f6dca8", "#d49a3a"),
        "flag": ("#2b2f35", "#d2d0c9", "#6b6f76"), "card": ("#2d2946", "#c9c1f2", "#7d70c0"),
    },
)

SCHEMES = {"day": DAY, "night": NIGHT}
