"""The look of the message, shift log, handover and paramedic pages.

Each page applies this to itself (object name ``messagesPage``) so the pages read well before the
shell's QSS themes exist; every hook is an object name or a dynamic property (``tone``, ``urgent``,
``chip``, ``error``, ``muted``, ``kind``), so a theme in resources/themes/ can restyle all of it.
Font sizes are left to the app font so the large-text option keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette


@dataclass(frozen=True)
class Palette:
    window: str
    surface: str
    text: str
    muted: str
    line: str
    accent: str
    accent_text: str
    error: str
    urgent_bg: str
    urgent_text: str
    done_bg: str
    done_text: str
    # tone -> (background, edge) for inline banners
    tones: dict[str, tuple[str, str]]
    selection_bg: str = "#cfe0f5"
    selection_text: str = "#1b1f24"


DAY = Palette(
    window="#eef1f4", surface="#ffffff", text="#1b1f24", muted="#4f5a66", line="#d3d9e0",
    accent="#1f5fa8", accent_text="#ffffff", error="#a3191b",
    urgent_bg="#fde3c2", urgent_text="#7a3f00", done_bg="#dff0e4", done_text="#1d5b36",
    tones={"success": ("#e6f3ea", "#2e7d4f"), "info": ("#e8f1fb", "#1f5fa8"),
           "warning": ("#fdf1dc", "#b7791f"), "danger": ("#fbe8e5", "#b3362a")},
)

NIGHT = Palette(
    window="#11151a", surface="#1a2028", text="#e2e6eb", muted="#a3adb8", line="#2c3440",
    accent="#5b9bd5", accent_text="#0b1118", error="#f19a90",
    urgent_bg="#4a3316", urgent_text="#f6c98a", done_bg="#1f3a2a", done_text="#9fd9b0",
    tones={"success": ("#1c3326", "#4fa36f"), "info": ("#172a3d", "#5b9bd5"),
           "warning": ("#3b2e17", "#d49a3a"), "danger": ("#3d1d1a", "#d2594c")},
    selection_bg="#345d86", selection_text="#f3f5f7",
)


# Page titles across the app are 1.5 times the body text (the shell's theme says the same for the
# other pages), so every page opens with a title of one size.
PAGE_TITLE_SCALE = 1.5


def palette_for(qt_palette: QPalette, app_stylesheet: str = "") -> Palette:
    """Night colours under the shell's night theme (its QSS says so in its first line) or a dark
    palette; day colours otherwise."""
    if "night theme" in app_stylesheet[:200].lower():
        return NIGHT
    return NIGHT if qt_palette.color(QPalette.ColorRole.Window).lightness() < 110 else DAY


def urgent_colours(p: Palette) -> tuple[QColor, QColor]:
    return QColor(p.urgent_bg), QColor(p.urgent_text)


def stylesheet(p: Palette, base_points: float = 0.0) -> str:
    """``base_points`` is the app's text size. The shell's themes set ``* { font-size }``, which beats
    setFont(), so titles get their larger size here, relative to it (Large text keeps working)."""
    sizes = ""
    if base_points > 0:
        sizes = (f"QLabel#pageTitle {{ font-size: {base_points * PAGE_TITLE_SCALE:.1f}pt; font-weight: bold; }}\n"
                 f'QLabel[sectionTitle="true"] {{ font-size: {base_points * 1.1:.1f}pt; font-weight: bold; }}\n'
                 f'QLabel[bodyLarge="true"] {{ font-size: {base_points * 1.15:.1f}pt; }}\n')
    tones = "\n".join(
        f'QFrame[tone="{tone}"] {{ background: {bg}; border: 1px solid {edge}; border-left: 6px solid {edge};'
        f' border-radius: 6px; }}'
        for tone, (bg, edge) in p.tones.items())
    return f"""
QWidget#messagesPage, QDialog#messagesPage {{ background: {p.window}; color: {p.text}; }}
QWidget#messagesPage QLabel {{ background: transparent; color: {p.text}; }}
QLabel[muted="true"] {{ color: {p.muted}; }}
QLabel[error="true"] {{ color: {p.error}; font-weight: bold; }}
QLabel[prompt="true"] {{ color: {p.muted}; font-style: italic; }}
QLabel#pageTitle {{ font-weight: bold; }}
QLabel[urgent="true"] {{ background: {p.urgent_bg}; color: {p.urgent_text}; border-radius: 9px;
    padding: 1px 8px; font-weight: bold; }}
QLabel[done="true"] {{ background: {p.done_bg}; color: {p.done_text}; border-radius: 9px; padding: 1px 8px; }}
QFrame#panel {{ background: {p.surface}; border: 1px solid {p.line}; border-radius: 8px; }}
QFrame#messageCard {{ background: {p.surface}; border: 1px solid {p.line}; border-radius: 8px; }}
QFrame#messageCard[urgent="true"] {{ border: 2px solid {p.urgent_text}; border-left: 8px solid {p.urgent_text}; }}
QFrame#messageCard[done="true"] {{ background: {p.window}; }}
QLineEdit, QPlainTextEdit, QComboBox, QDateEdit, QTimeEdit, QDateTimeEdit, QListWidget, QTextBrowser {{
    background: {p.surface}; color: {p.text}; border: 1px solid {p.line}; border-radius: 6px; padding: 4px 6px;
    selection-background-color: {p.accent}; selection-color: {p.accent_text}; }}
QComboBox::drop-down, QDateTimeEdit::drop-down {{ border: none; background: transparent; width: 24px; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QDateEdit:focus, QTimeEdit:focus,
QListWidget:focus, QTableView:focus, QTextBrowser:focus {{ border: 2px solid {p.accent}; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {{
    border: 2px solid {p.error}; }}
QPushButton {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.line}; border-radius: 6px;
    padding: 5px 10px; }}
QPushButton:hover {{ border-color: {p.accent}; }}
QPushButton:focus {{ border: 2px solid {p.accent}; }}
QPushButton:disabled {{ color: {p.muted}; background: {p.window}; }}
QPushButton[kind="primary"] {{ background: {p.accent}; color: {p.accent_text}; border-color: {p.accent};
    font-weight: bold; }}
QPushButton[kind="danger"] {{ color: {p.error}; border-color: {p.error}; }}
QPushButton[kind="primary"]:disabled, QPushButton[kind="danger"]:disabled {{ color: {p.muted};
    background: {p.window}; border-color: {p.line}; font-weight: normal; }}
QPushButton[kind="quiet"] {{ background: transparent; border-color: transparent; color: {p.muted}; }}
QPushButton[chip="true"] {{ padding: 4px 10px; border-radius: 13px; }}
QPushButton[chip="true"]:checked {{ background: {p.accent}; color: {p.accent_text}; border-color: {p.accent}; }}
QTableView {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.line}; border-radius: 6px;
    gridline-color: transparent; selection-background-color: {p.selection_bg};
    selection-color: {p.selection_text}; outline: 0; }}
QTableView::item {{ padding: 3px 4px; }}
QHeaderView::section {{ background: {p.window}; color: {p.muted}; border: none;
    border-bottom: 1px solid {p.line}; padding: 5px 6px; font-weight: bold; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{ background: transparent; color: {p.muted}; padding: 7px 14px; border: none;
    border-bottom: 3px solid transparent; }}
QTabBar::tab:selected {{ color: {p.text}; border-bottom: 3px solid {p.accent}; font-weight: bold; }}
QCheckBox {{ color: {p.text}; spacing: 6px; }}
QScrollArea {{ border: none; background: transparent; }}
QWidget#scrollBody {{ background: transparent; }}
{tones}
{sizes}"""

