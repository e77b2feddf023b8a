"""Fixtures for the front-desk page: the real widget over a real (encrypted) store, time held still."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from safespace_desk.services.context import DeskContext
from safespace_desk.ui.desk import FrontDeskPage


@pytest.fixture
def make_page(qtbot: QtBot) -> Iterator:
    """Build the page for a desk once the test has set up its data. The timer is never started:
    tests move the clock and call ``page.tick()`` themselves."""

    def build(desk: DeskContext) -> FrontDeskPage:
        page = FrontDeskPage(desk, ticker=QTimer())
        qtbot.addWidget(page)
        page.resize(1366, 768)
        page.show()
        qtbot.waitExposed(page)
        page.activateWindow()
        qtbot.waitUntil(lambda: page.search_panel.search_box.hasFocus())
        return page

    yield build
