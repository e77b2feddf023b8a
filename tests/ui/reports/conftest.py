"""Fixtures for the Reports, Import and Backups & data pages: the real shell, offscreen, with an
InlineRunner so background work runs at once and tests stay deterministic."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services.context import DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.tasks import InlineRunner


@pytest.fixture
def shell(qtbot: QtBot, desk: DeskContext, clock: FixedClock) -> Iterator[MainShell]:
    """A manager's shell; pages are added by each test."""
    main = MainShell(desk, get_site(desk), clock, InlineRunner())
    qtbot.addWidget(main)
    main.resize(1366, 768)
    yield main
    main.stop()
