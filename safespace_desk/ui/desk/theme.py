"""The desk's own look: calm colours, generous spacing, urgent states that stand out without shouting.

The page applies this stylesheet to itself unless the shell's theme already styles the desk's
selectors (``FrontDeskPage(..., own_style=False)``). Every hook is an object name or a dynamic
property (``badge``, ``tone``, ``muted``, ``error``, ``invalid``, ``kind``, ``toggle``), so a theme in
resources/themes/*.qss can restyle all of it. Sizes in QSS are spacing only: font sizes follow the
app font so the large-text option keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QPalette


@dataclass(frozen=True)
class Colours:
    window: str
    surface: str
    text: str
    muted: str
    line: str
    accent: str
    accent_text: str
    error: str
    # kind -> (background, text) for status pills; the same names as the "badge" property.
    badges: dict[str, tuple[str, str]]
    # tone -> (background, edge) for banners.
    tones: dict[str, tuple[str, str]]


DAY = Colours(
    window="#eef1f4", surface="#ffffff", text="#1b1f24", muted="#4f5a66", line="#d3d9e0",
    accent="#1f5fa8", accent_text="#ffffff", error="#a3191b",
    badges={"in": ("#dff0e4", "#1d5b36"), "excluded": ("#f9dedb", "#8c1d14"),
            "messages": ("#e2ecfa", "#1d4c8c"), "urgent": ("#fde3c2", "#834500"),
            "flag": ("#ecebe6", "#3f3a33"), "card": ("#e7e4f4", "#3d3370"), "nobed": ("#fde3c2", "#834500")},
    tones={"success": ("#e6f3ea", "#2e7d4f"), "info": ("#e7f0f7", "#2d6a86"),
           "warning": ("#fdf1dc", "#b7791f"), "danger": ("#fbe8e5", "#b3362a")},
)

NIGHT = Colours(
    window="#11151a", surface="#1a2028", text="#e2e6eb", muted="#a3adb8", line="#2c3440",
    accent="#5b9bd5", accent_text="#0b1118", error="#f19a90",
    badges={"in": ("#1f3a2a", "#9fd9b0"), "excluded": ("#4a1f1b", "#f7b4ab"),
            "messages": ("#1e2e47", "#a9c7f1"), "urgent": ("#4a3316", "#f6c98a"),
            "flag": ("#2b2f35", "#d2d0c9"), "card": ("#2d2946", "#c9c1f2"), "nobed": ("#4a3316", "#f6c98a")},
    tones={"success": ("#1c3326", "#4fa36f"), "info": ("#1b2b38", "#5d9cbc"),
           "warning": ("#3b2e17", "#d49a3a"), "danger": ("#3d1d1a", "#d2594c")},
)


def colours_for(palette: QPalette, app_stylesheet: str = "") -> Colours:
    """Night colours under the shell's night theme (its QSS says so in its first line) or a dark
    palette; day colours otherwise."""
    if "night theme" in app_stylesheet[:200].lower():
        return NIGHT
    return NIGHT if palette.color(QPalette.ColorRole.Window).lightness() < 110 else DAY


def desk_stylesheet(c: Colours, base_points: float = 12.0) -> str:
    """``base_points`` is the app's text size: the shell's themes set ``* { font-size }``, which beats
    setFont(), so the desk's larger text is given here, relative to it (Large text keeps working)."""
    def pt(factor: float) -> str:
        return f"{base_points * factor:.1f}pt"

    badge_rules = "\n".join(
        f'QLabel[badge="{kind}"] {{ background: {bg}; color: {fg}; border-radius: 10px; padding: 2px 10px; }}'
        for kind, (bg, fg) in c.badges.items())
    tone_rules = "\n".join(
        f'QFrame[banner="true"][tone="{tone}"] {{ background: {bg}; border: 1px solid {edge};'
        f' border-left: 6px solid {edge}; border-radius: 6px; }}'
        for tone, (bg, edge) in c.tones.items())
    return f"""
QWidget#frontDesk {{ background: {c.window}; color: {c.text}; }}
QLineEdit#guestSearch {{ font-size: {pt(1.6)}; }}
QLabel#periodText {{ font-size: {pt(1.3)}; font-weight: bold; }}
QLabel#bannerMessage {{ font-size: {pt(1.1)}; font-weight: bold; }}
QLabel[heading="true"] {{ font-size: {pt(1.15)}; font-weight: bold; }}
QLabel#guestName {{ font-size: {pt(1.4)}; font-weight: bold; }}
QListView#guestResults {{ font-size: {pt(1.0)}; }}
QWidget#frontDesk QLabel {{ background: transparent; color: {c.text}; }}
QLabel[muted="true"] {{ color: {c.muted}; }}
QLabel[error="true"] {{ color: {c.error}; font-weight: bold; }}
QLabel[heading="true"] {{ color: {c.text}; }}
QFrame#statusStrip {{ background: {c.surface}; border-bottom: 1px solid {c.line}; }}
QLabel#periodText {{ color: {c.text}; }}
QLabel#staffingWarning {{ color: {c.badges["urgent"][1]}; background: {c.badges["urgent"][0]};
    border-radius: 6px; padding: 4px 10px; }}
QLineEdit {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.line}; border-radius: 6px;
    padding: 6px 8px; selection-background-color: {c.accent}; selection-color: {c.accent_text}; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QSpinBox:focus {{ border: 2px solid {c.accent}; }}
QLineEdit#guestSearch {{ border: 2px solid {c.line}; border-radius: 10px; padding: 10px 16px; }}
QLineEdit#guestSearch:focus {{ border: 2px solid {c.accent}; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border: 2px solid {c.error}; }}
QPlainTextEdit, QComboBox, QSpinBox {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.line};
    border-radius: 6px; padding: 4px 6px; }}
QPushButton {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.line}; border-radius: 6px;
    padding: 6px 12px; }}
QPushButton:hover {{ border-color: {c.accent}; }}
QPushButton:focus {{ border: 2px solid {c.accent}; }}
QPushButton:disabled {{ color: {c.muted}; background: {c.window}; }}
QPushButton[kind="primary"] {{ background: {c.accent}; color: {c.accent_text}; border-color: {c.accent};
    font-weight: bold; }}
QPushButton[kind="danger"] {{ color: {c.error}; border-color: {c.error}; }}
QPushButton[kind="quiet"] {{ background: transparent; border-color: transparent; color: {c.muted}; }}
QPushButton[toggle="true"] {{ padding: 5px 8px; border-radius: 14px; }}
QPushButton[toggle="true"]:checked {{ background: {c.accent}; color: {c.accent_text}; border-color: {c.accent}; }}
QListView#guestResults {{ background: {c.surface}; border: 1px solid {c.line}; border-radius: 8px;
    outline: 0; }}
QTableView {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.line}; border-radius: 6px;
    gridline-color: transparent; selection-background-color: {c.badges["messages"][0]};
    selection-color: {c.text}; outline: 0; }}
QHeaderView::section {{ background: {c.window}; color: {c.muted}; border: none;
    border-bottom: 1px solid {c.line}; padding: 6px 8px; }}
QTabWidget::pane {{ border: 1px solid {c.line}; border-radius: 6px; background: {c.surface}; top: -1px; }}
QTabBar::tab {{ background: transparent; color: {c.muted}; padding: 8px 14px; border: none;
    border-bottom: 3px solid transparent; }}
QTabBar::tab:selected {{ color: {c.text}; border-bottom: 3px solid {c.accent}; font-weight: bold; }}
QFrame#addGuestPanel, QFrame#guestDetails, QWidget#sidePanel {{ background: {c.surface}; }}
QFrame#addGuestPanel {{ border: 1px solid {c.line}; border-radius: 8px; }}
QCheckBox {{ color: {c.text}; spacing: 8px; }}
QScrollArea {{ border: none; background: transparent; }}
{badge_rules}
{tone_rules}
"""
