"""Confirmations (Qt's message box) have room for their sentences in Large text (issue 8)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from safespace_desk.ui.kit.widgets import roomy

TEXT = ("Remove every record older than its retention period now?\n\nThis uses the periods saved (not any "
        "changes you have not saved) and cannot be undone.")


def _lines(box: QMessageBox) -> int:
    text = box.findChild(QLabel, "qt_msgbox_label")
    assert text is not None
    return round(text.height() / text.fontMetrics().lineSpacing())


def test_a_confirmation_is_not_a_thin_column_in_large_text(qtbot: QtBot) -> None:
    app_font = QApplication.font()
    large = QApplication.font()
    large.setPointSize(15)  # Large text
    QApplication.setFont(large)
    try:
        plain = QMessageBox(QMessageBox.Icon.Warning, "Run the purge now", TEXT, QMessageBox.StandardButton.Cancel)
        wide = roomy(QMessageBox(QMessageBox.Icon.Warning, "Run the purge now", TEXT,
                                 QMessageBox.StandardButton.Cancel))
        for box in (plain, wide):
            qtbot.addWidget(box)
            box.show()
            qtbot.waitExposed(box)
        assert _lines(wide) < _lines(plain)  # Qt's own: a tall thin column
        assert _lines(wide) <= 5 and wide.width() <= 760  # two sentences of two lines, a gap
    finally:
        QApplication.setFont(app_font)
