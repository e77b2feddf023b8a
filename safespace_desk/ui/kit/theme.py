"""Day and night colours and the "Large text" option, applied to the whole application.

A theme is a whole QPalette (every role, in the Active, Inactive and Disabled groups, placeholder
text included) plus one small stylesheet for shapes and states (resources/themes/desk.qss). The
palette is what makes a form, a scroll area or a dialog read right in both schemes without anyone
styling it; the stylesheet's tokens (``@text@``, ``@base@``, ``@base*1.5@``, ...) are filled in
from the scheme's colours (kit/colours.py) and the chosen text size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from safespace_desk.ui.kit.colours import DAY, NIGHT, Colours

# resources/ sits at the top of the repository, next to the safespace_desk package.
RESOURCES_DIR = Path(__file__).resolve().parents[3] / "resources"
THEMES_DIR = RESOURCES_DIR / "themes"
ICONS_DIR = RESOURCES_DIR / "icons"
STYLESHEET = THEMES_DIR / "desk.qss"
# The app's dynamic property naming the scheme in force, for widgets that paint their own colours.
SCHEME_PROPERTY = "safespaceScheme"


class Theme(StrEnum):
    DAY = "day"
    NIGHT = "night"

    @property
    def colours(self) -> Colours:
        return NIGHT if self is Theme.NIGHT else DAY


@dataclass(frozen=True)
class TextScale:
    small: int
    base: int
    heading: int
    title: int
    key: int  # the recovery key and the lock-screen clock
    search: int  # the front desk's search box: large in both, but it must fit half the desk's width


NORMAL_TEXT = TextScale(small=11, base=12, heading=15, title=20, key=22, search=19)
LARGE_TEXT = TextScale(small=13, base=15, heading=18, title=24, key=26, search=19)


def text_scale(large_text: bool) -> TextScale:
    return LARGE_TEXT if large_text else NORMAL_TEXT


def qpalette(c: Colours) -> QPalette:
    """Every colour role in every group, so nothing falls back to the platform's own colours."""
    roles = QPalette.ColorRole
    active = {
        roles.Window: c.window, roles.WindowText: c.text, roles.Base: c.field,
        roles.AlternateBase: c.alternate, roles.ToolTipBase: c.tooltip, roles.ToolTipText: c.text,
        roles.PlaceholderText: c.muted, roles.Text: c.text, roles.Button: c.button,
        roles.ButtonText: c.text, roles.BrightText: c.strong, roles.Light: c.button_hover,
        roles.Midlight: c.button_hover, roles.Mid: c.line, roles.Dark: c.edge, roles.Shadow: c.edge,
        roles.Highlight: c.selection, roles.HighlightedText: c.selection_text, roles.Link: c.link,
        roles.LinkVisited: c.link, roles.Accent: c.accent,
    }
    disabled = dict(active)
    disabled.update({roles.WindowText: c.disabled_text, roles.Text: c.disabled_text,
                     roles.ButtonText: c.disabled_text, roles.PlaceholderText: c.disabled_text,
                     roles.Button: c.disabled_bg, roles.Base: c.disabled_bg})
    palette = QPalette()
    for group, colours in ((QPalette.ColorGroup.Active, active), (QPalette.ColorGroup.Inactive, active),
                           (QPalette.ColorGroup.Disabled, disabled)):
        for role, colour in colours.items():
            palette.setColor(group, role, QColor(colour))
    return palette


_SIZE_TOKEN = re.compile(r"@(small|base|heading|title|key|search)\*([0-9.]+)@")


def load_stylesheet(theme: Theme, *, large_text: bool = False) -> str:
    """The stylesheet with its colour and size tokens filled in. A missing file is a packaging bug."""
    text = STYLESHEET.read_text(encoding="utf-8")
    scale = text_scale(large_text)
    sizes = {"small": scale.small, "base": scale.base, "heading": scale.heading, "title": scale.title,
             "key": scale.key, "search": scale.search}
    text = _SIZE_TOKEN.sub(lambda m: f"{sizes[m.group(1)] * float(m.group(2)):.1f}pt", text)
    for token, size in sizes.items():
        text = text.replace(f"@{token}@", f"{size:g}pt")
    colours = theme.colours
    for token, value in colours.tokens().items():
        text = text.replace(f"@{token}@", value)
    text += "\n" + _kind_rules(colours)
    # QSS resolves url() against the working directory, so icons get an absolute path.
    return text.replace("@icons@", ICONS_DIR.as_posix()).replace("@check@", "check-dark" if
                                                                  theme is Theme.NIGHT else "check-light")


def _kind_rules(c: Colours) -> str:
    """Pills and banners by kind: ``QLabel[badge=...]``, ``QFrame[tone=...]``, ``QLabel#banner[kind=...]``."""
    rules = []
    for kind, (bg, fg, edge) in c.kinds.items():
        rules.append(f'QLabel[badge="{kind}"] {{ background: {bg}; color: {fg}; border-radius: 10px;'
                     f' padding: 2px 10px; }}')
        rules.append(f'QFrame[tone="{kind}"] {{ background: {bg}; border: 1px solid {edge};'
                     f' border-left: 6px solid {edge}; border-radius: 6px; }}')
        rules.append(f'QFrame[tone="{kind}"] QLabel {{ color: {fg}; }}')
        rules.append(f'QLabel#banner[kind="{kind}"] {{ background: {bg}; color: {fg}; border: 1px solid {edge}; }}')
    urgent_bg, urgent_fg, urgent_edge = c.kind("urgent")
    done_bg, done_fg, _ = c.kind("done")
    rules.append(f'QLabel[urgent="true"] {{ background: {urgent_bg}; color: {urgent_fg}; border-radius: 9px;'
                 f' padding: 1px 8px; font-weight: bold; }}')
    rules.append(f'QLabel[done="true"] {{ background: {done_bg}; color: {done_fg}; border-radius: 9px;'
                 f' padding: 1px 8px; }}')
    rules.append(f'QFrame#messageCard[urgent="true"] {{ border: 2px solid {urgent_edge};'
                 f' border-left: 8px solid {urgent_edge}; }}')
    return "\n".join(rules)


def current_theme() -> Theme:
    """The scheme in force. Without a ThemeController (some tests, the CLI) a dark palette counts as night."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        named = app.property(SCHEME_PROPERTY)
        if named in (Theme.DAY.value, Theme.NIGHT.value):
            return Theme(named)
        if app.palette().color(QPalette.ColorRole.Window).lightness() < 110:
            return Theme.NIGHT
    return Theme.DAY


def current_colours() -> Colours:
    """For the few widgets that paint their own colours (result rows, charts, the handover paper)."""
    return current_theme().colours


def night_colours_in_use(widget: QWidget | None = None) -> bool:
    return current_theme() is Theme.NIGHT


def _fusion_in_force(app: QApplication) -> bool:
    """Under a stylesheet Qt names no base style, so a stylesheet of ours (the scheme's property is
    set with it) means Fusion was set with it."""
    if app.styleSheet() and app.property(SCHEME_PROPERTY) in (Theme.DAY.value, Theme.NIGHT.value):
        return True
    return not app.styleSheet() and app.style().name().lower() == "fusion"


class ThemeController(QObject):
    """Owns the current theme and text size, applies them to the app and remembers them.

    ``settings`` is optional so tests never write to the real user's preferences.
    """

    changed = Signal()

    def __init__(self, app: QApplication, *, theme: Theme = Theme.DAY, large_text: bool = False,
                 settings: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._settings = settings
        if settings is not None:
            theme = Theme(str(settings.value("theme", theme.value)))
            large_text = str(settings.value("large_text", "false")).lower() == "true"
        self._theme = theme
        self._large_text = large_text
        self.apply()

    @property
    def theme(self) -> Theme:
        return self._theme

    @property
    def large_text(self) -> bool:
        return self._large_text

    def set_theme(self, theme: Theme) -> None:
        if theme != self._theme:
            self._theme = theme
            self._save()
            self.apply()

    def set_scheme(self, theme: Theme, *, large_text: bool) -> None:
        """Both choices at once: one restyle of every widget instead of two."""
        if (theme, large_text) != (self._theme, self._large_text):
            self._theme, self._large_text = theme, large_text
            self._save()
            self.apply()

    def set_night(self, night: bool) -> None:
        self.set_theme(Theme.NIGHT if night else Theme.DAY)

    def set_large_text(self, large: bool) -> None:
        if large != self._large_text:
            self._large_text = large
            self._save()
            self.apply()

    def apply(self) -> None:
        # Fusion draws every control from the palette, the same on every platform. Set once: setting
        # it again re-polishes every widget, as long again as the stylesheet's own restyle.
        if not _fusion_in_force(self._app):
            self._app.setStyle("Fusion")
        self._app.setProperty(SCHEME_PROPERTY, self._theme.value)
        font = QFont(self._app.font())
        font.setPointSize(text_scale(self._large_text).base)
        self._app.setFont(font)
        self._app.setPalette(qpalette(self._theme.colours))
        self._app.setStyleSheet(load_stylesheet(self._theme, large_text=self._large_text))
        self.changed.emit()

    def _save(self) -> None:
        if self._settings is not None:
            self._settings.setValue("theme", self._theme.value)
            self._settings.setValue("large_text", "true" if self._large_text else "false")
