"""The audit's own checks can fail: each is shown a screen with the fault it looks for."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.audit.inspect import audit
from tests.ui.layout_items import held_item_wrappers


def _window(qtbot: QtBot, *widgets: QWidget, width: int = 400, height: int = 200) -> QWidget:
    window = QWidget()
    window.setStyleSheet("QWidget { background: #ffffff; color: #111111; font-size: 12pt; }")
    layout = QVBoxLayout(window)
    for widget in widgets:
        layout.addWidget(widget)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_clean_screen_passes(qtbot: QtBot) -> None:
    window = _window(qtbot, QLabel("Readable text"), QPushButton("Save"))
    assert audit(window, (1366, 768)) == []


def test_pale_text_is_caught_on_its_pixels(qtbot: QtBot) -> None:
    pale = QLabel("Pale grey on white")
    pale.setStyleSheet("color: #b0b0b0;")
    placeholder = QLineEdit()
    placeholder.setPlaceholderText("A pale placeholder")
    placeholder.setStyleSheet("QLineEdit { color: #111111; } ")
    palette = placeholder.palette()
    from PySide6.QtGui import QColor, QPalette

    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#d0d0d0"))
    placeholder.setPalette(palette)
    problems = audit(_window(qtbot, pale, placeholder), (1366, 768))
    assert any("contrast" in p and "Pale grey" in p for p in problems), problems
    assert any("contrast" in p and "A pale placeholder" in p for p in problems), problems


def test_cut_text_narrow_buttons_and_overlap_are_caught(qtbot: QtBot) -> None:
    cut = QLabel("A label far too long for the little box it was given")
    cut.setFixedWidth(120)
    button = QPushButton("Keep without a bed (lead)")
    button.setFixedWidth(90)
    row = QWidget()
    line = QHBoxLayout(row)
    first, second = QLabel("One"), QLabel("Two")
    line.addWidget(first)
    line.addWidget(second)
    window = _window(qtbot, cut, button, row)
    second.setGeometry(first.geometry())  # what a squashed layout does
    problems = audit(window, (1366, 768))
    assert any("text cut short" in p and "far too long" in p for p in problems), problems
    assert any("button text wider than the button" in p for p in problems), problems
    assert any("overlap" in p for p in problems), problems


def test_sideways_scrolling_and_an_oversized_window_are_caught(qtbot: QtBot) -> None:
    table = QTableWidget(3, 12)
    window = _window(qtbot, table, width=300)
    wide = QWidget()
    wide.setMinimumWidth(1500)
    problems = audit(window, (1366, 768))
    assert any("horizontal scroll bar" in p for p in problems), problems
    assert any("1500" in p or "width" in p for p in audit(_window(qtbot, wide), (1366, 768)))


def test_a_shortcut_letter_takes_no_room_but_a_cut_label_with_one_is_still_caught(qtbot: QtBot) -> None:
    fits, cut, edit = QLabel("&Meeting on"), QLabel("&Period from the last meeting"), QLineEdit()
    for label in (fits, cut):
        label.setBuddy(edit)
    row = QWidget()
    line = QHBoxLayout(row)
    line.addWidget(fits)
    line.addWidget(cut)
    line.addWidget(edit, 1)
    window = _window(qtbot, row)
    fits.setFixedWidth(fits.sizeHint().width())  # exactly what Qt asks for the shown text
    cut.setFixedWidth(60)
    problems = [p for p in audit(window, (1366, 768)) if "text cut short" in p]
    assert len(problems) == 1 and "Period from" in problems[0], problems


def test_overlap_in_a_nested_layout_is_caught_without_wrapping_layout_items(qtbot: QtBot) -> None:
    """The audit finds a layout's widgets without itemAt: PySide would keep a wrapper of every item
    it returned, stale once Qt deletes the item (tests/ui/layout_items.py); walking every screen so
    crashed later tests."""
    window = QWidget()
    outer = QVBoxLayout(window)
    inner = QHBoxLayout()
    outer.addLayout(inner)  # joined empty, then filled: PySide wraps none of its items
    first, second = QLabel("One"), QLabel("Two")
    inner.addWidget(first)
    inner.addWidget(second)
    qtbot.addWidget(window)
    window.resize(400, 200)
    window.show()
    qtbot.waitExposed(window)
    second.setGeometry(first.geometry())
    held = len(held_item_wrappers())
    problems = audit(window, (1366, 768))
    assert any("overlap" in p and "One" in p and "Two" in p for p in problems), problems
    assert len(held_item_wrappers()) == held
