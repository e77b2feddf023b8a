"""Screenshots of a damaged store's banner on the read-only front desk, and of the Backups page's line
with the last check of every page (sound, then damaged), at 1366x768 in day and night colours.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.ui.make_damage_screenshots OUT_DIR

Synthetic data only (the demo generator). Not a test (pytest does not collect it).
"""

from __future__ import annotations

import random
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from safespace_desk.db import health
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.store import StorePaths
from safespace_desk.demo import DEMO_MANAGER
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.staff import login_key
from safespace_desk.services import backups
from safespace_desk.ui.kit.theme import Theme, ThemeController
from safespace_desk.ui.main_window import MainWindow
from safespace_desk.ui.tasks import InlineRunner
from tests.support.damage import flip_page, pages_of
from tests.ui.reports.demo_month import NOW, build_demo_store


def _save(widget: QWidget, path: Path) -> None:
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(str(path), "PNG", 9)
    print(path, path.stat().st_size // 1024, "KB")


def _window(data_dir: Path, clock: FixedClock, theme: ThemeController) -> MainWindow:
    window = MainWindow(data_dir, clock=clock, runner=InlineRunner(), theme=theme, idle_timeout_ms=3_600_000)
    window.resize(1366, 768)
    window.show()
    window.sign_in.name.setText(DEMO_MANAGER[0])
    window.sign_in.password.setText(DEMO_MANAGER[1])
    window.sign_in.submit()
    return window


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    clock = FixedClock(NOW)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        sound = Path(tmp) / "sound"
        desk = build_demo_store(sound, clock)
        backups.run_backup(desk, Path(tmp) / "usb")
        desk.close()
        damaged = Path(tmp) / "damaged"
        shutil.copytree(sound, damaged)
        slots = KeySlots.load(StorePaths(damaged).keyslots)
        key, _ = slots.unlock_with_password(login_key(DEMO_MANAGER[0]), DEMO_MANAGER[1])
        # A failing disk flips bytes in an old page of the audit log: the check of every page finds it.
        audit_pages = [p for p, name, what in pages_of(StorePaths(damaged).db, key, Path(tmp))
                       if name == "audit_log" and what == "table leaf"]
        flip_page(StorePaths(damaged).db, audit_pages[len(audit_pages) // 2], random.Random(7))
        health.record_backup(damaged, Path(tmp) / "usb" / "safespace-backup-2026-11-24T120000Z", NOW)
        for theme_name in (Theme.DAY, Theme.NIGHT):
            theme = ThemeController(app, theme=theme_name)  # type: ignore[arg-type]
            tag = theme_name.value
            window = _window(sound, clock, theme)
            assert window.shell is not None
            window.shell.show_page("backups")
            _save(window, out / f"damage-{tag}-1-backups-check-sound.png")
            window.close()
            window = _window(damaged, clock, theme)
            assert window.shell is not None and window.shell.damage_banner.isVisible()
            window.shell.show_page("desk")
            _save(window, out / f"damage-{tag}-2-read-only-desk.png")
            window.shell.show_page("backups")
            _save(window, out / f"damage-{tag}-3-backups-check-damaged.png")
            window.close()
            health.health_path(damaged).unlink()  # the night run finds it afresh
            health.record_backup(damaged, Path(tmp) / "usb" / "safespace-backup-2026-11-24T120000Z", NOW)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("screenshots"))
