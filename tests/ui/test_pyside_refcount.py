"""Guard against a PySide6 build that loses references to None (6.12.0 on Python 3.11 does).

Every Qt call that returns nothing took a reference to None it never had; after some thousands of
calls the interpreter aborts. A desk runs all day, so that would be a crash mid-shift.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot


def test_qt_calls_do_not_leak_references_to_none(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.setObjectName("probe")
        widget.setToolTip("probe")
    # Other code may take a few references meanwhile; a buggy build loses about 4000.
    assert sys.getrefcount(None) - before > -50
