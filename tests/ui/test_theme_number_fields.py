"""Number fields must show their number in both themes (a stylesheet once left the box 1 px wide)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from safespace_desk.ui.kit.theme import Theme, load_stylesheet


@pytest.mark.parametrize("theme", [Theme.DAY, Theme.NIGHT])
def test_spin_box_text_is_visible(qtbot: QtBot, theme: Theme) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.styleSheet()
    app.setStyleSheet(load_stylesheet(theme))
    try:
        spin = QSpinBox()
        qtbot.addWidget(spin)
        spin.setRange(2000, 2100)
        spin.setValue(2026)
        spin.resize(180, 44)
        spin.show()
        qtbot.waitExposed(spin)
        editor = spin.findChild(QLineEdit)
        assert editor is not None and editor.text() == "2026"
        assert editor.width() > 60
    finally:
        app.setStyleSheet(before)


def test_changing_colours_or_text_size_keeps_the_apps_style(qtbot: QtBot) -> None:
    """The Fusion style is set once: replacing it on every change deletes the style in use under
    widgets still polished with it (a full test run crashed there)."""
    from safespace_desk.ui.kit.theme import ThemeController

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    controller = ThemeController(app, theme=Theme.DAY)
    styles_set: list[str] = []
    app.setStyle = styles_set.append  # type: ignore[method-assign]  (records any replacement)
    try:
        controller.set_theme(Theme.NIGHT)
        controller.set_large_text(True)
        controller.set_scheme(Theme.DAY, large_text=False)
        assert styles_set == []
    finally:
        del app.setStyle
        app.setStyleSheet("")
        app.setPalette(app.style().standardPalette())
        app.setProperty("safespaceScheme", None)
        app.setFont(font)
