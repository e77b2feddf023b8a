"""Day and night themes (QSS files in resources/themes/) and the "Large text" option.

QSS has no variables, so the theme files use a few size tokens (``@base@``, ``@title@``, ...)
that the loader replaces with point sizes from the chosen text scale, and ``@icons@`` for the
icon folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

# resources/ sits at the top of the repository, next to the safespace_desk package.
RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources"
THEMES_DIR = RESOURCES_DIR / "themes"
ICONS_DIR = RESOURCES_DIR / "icons"


class Theme(StrEnum):
    DAY = "day"
    NIGHT = "night"


@dataclass(frozen=True)
class TextScale:
    small: int
    base: int
    heading: int
    title: int
    key: int  # the recovery key and the lock-screen clock

    @property
    def page(self) -> float:
        """Page titles: 1.5 times the body text, as the message pages' own style has them."""
        return self.base * 1.5


NORMAL_TEXT = TextScale(small=11, base=12, heading=15, title=20, key=22)
LARGE_TEXT = TextScale(small=13, base=15, heading=18, title=24, key=26)


def theme_path(theme: Theme) -> Path:
    return THEMES_DIR / f"{theme.value}.qss"


def load_stylesheet(theme: Theme, *, large_text: bool = False) -> str:
    """The theme's QSS with its size tokens filled in. A missing file is a packaging bug."""
    text = theme_path(theme).read_text(encoding="utf-8")
    scale = LARGE_TEXT if large_text else NORMAL_TEXT
    for token, size in (("@small@", scale.small), ("@base@", scale.base), ("@heading@", scale.heading),
                        ("@title@", scale.title), ("@key@", scale.key), ("@page@", scale.page)):
        text = text.replace(token, f"{size:g}pt")
    # QSS resolves url() against the working directory, so icons get an absolute path.
    return text.replace("@icons@", ICONS_DIR.as_posix())


def night_colours_in_use(widget: QWidget | None = None) -> bool:
    """Whether the app is in night colours: the shell's theme says so in its first line; without a
    theme (tests, the CLI) a dark palette counts as night. For widgets that paint their own colours."""
    app = QApplication.instance()
    sheet = app.styleSheet()[:200].lower() if isinstance(app, QApplication) else ""
    if "night theme" in sheet:
        return True
    if "day theme" in sheet:
        return False
    palette = widget.palette() if widget is not None else QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 110


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

    def set_night(self, night: bool) -> None:
        self.set_theme(Theme.NIGHT if night else Theme.DAY)

    def set_large_text(self, large: bool) -> None:
        if large != self._large_text:
            self._large_text = large
            self._save()
            self.apply()

    def apply(self) -> None:
        # Fusion renders the same on every platform, so QSS looks as designed everywhere.
        self._app.setStyle("Fusion")
        font = QFont(self._app.font())
        font.setPointSize((LARGE_TEXT if self._large_text else NORMAL_TEXT).base)
        self._app.setFont(font)
        self._app.setStyleSheet(load_stylesheet(self._theme, large_text=self._large_text))
        self.changed.emit()

    def _save(self) -> None:
        if self._settings is not None:
            self._settings.setValue("theme", self._theme.value)
            self._settings.setValue("large_text", "true" if self._large_text else "false")
