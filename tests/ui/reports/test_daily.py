"""The daily automatic work: a backup when one is due, the purge, and failures shown, never raised."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services import backups, data_rights
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.data_rights.daily import DailyOutcome, DailyWork, DailyWorkBanner
from safespace_desk.ui.tasks import InlineRunner


def test_the_timer_makes_a_backup_when_one_is_due(qtbot: QtBot, desk: DeskContext, clock: FixedClock,
                                                  tmp_path: Path) -> None:
    backups.configure_backups(desk, tmp_path / "usb", keep=5)
    work = DailyWork(desk, InlineRunner(), every_ms=20, first_ms=10)
    with qtbot.waitSignal(work.done, timeout=2000) as first:
        work.start()
    outcome = first.args[0]
    assert isinstance(outcome, DailyOutcome) and outcome.backup is not None and not outcome.problems
    assert outcome.purged == 0 and not data_rights.purge_due(desk)
    # The next check, an hour later by the desk's clock, finds nothing due.
    clock.set(clock.now() + timedelta(hours=1))
    with qtbot.waitSignal(work.done, timeout=2000) as second:
        pass
    assert second.args[0].backup is None and second.args[0].purged is None
    # A day later the next backup is made.
    clock.set(clock.now() + timedelta(days=1))
    with qtbot.waitSignal(work.done, timeout=2000) as third:
        pass
    work.stop()
    assert third.args[0].backup is not None
    assert len(backups.backups_in(desk)) == 2


def test_a_missing_usb_stick_is_a_banner_not_a_crash(qtbot: QtBot, desk: DeskContext, tmp_path: Path) -> None:
    stick = tmp_path / "usb"
    backups.configure_backups(desk, stick, keep=5)
    shutil.rmtree(stick)
    stick.write_text("not a folder")  # the stick's mount point is now something else entirely
    work = DailyWork(desk, InlineRunner(), first_ms=0)
    banner = DailyWorkBanner(work)
    qtbot.addWidget(banner)
    banner.show()
    banner.hide()
    with qtbot.waitSignal(work.problem, timeout=2000) as problem:
        work.check_now()
    assert "automatic backup failed" in problem.args[0]
    assert not banner.isHidden()
    assert "automatic backup failed" in banner.message.text()
    banner.dismiss_button.click()
    assert banner.isHidden()
    work.stop()
