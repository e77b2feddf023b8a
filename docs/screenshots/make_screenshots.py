"""Take the GUI screenshots in this folder (run under Xvfb at the front-desk size, 1366x768):

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots/make_screenshots.py

Builds a throw-away store in a temporary folder; nothing real is touched.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.roles import Role
from safespace_desk.services import staff
from safespace_desk.ui.kit.theme import Theme, ThemeController
from safespace_desk.ui.main_window import MainWindow
from safespace_desk.ui.tasks import InlineRunner

OUT = Path(__file__).resolve().parent
NIGHT = datetime(2026, 11, 25, 3, 12, tzinfo=UTC)


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def shoot(app: QApplication, window: MainWindow, name: str) -> None:
    settle(app)
    target = window.grab()
    image = target.toImage()
    image.save(str(OUT / f"{name}.png"), "PNG", 9)
    print("saved", name)


def main() -> int:
    app = QApplication(sys.argv)
    theme = ThemeController(app)
    for mode in (Theme.DAY, Theme.NIGHT):
        theme.set_theme(mode)
        folder = Path(tempfile.mkdtemp()) / "data"
        window = MainWindow(folder, clock=FixedClock(NIGHT), runner=InlineRunner(), theme=theme,
                            idle_timeout_ms=3_600_000)
        window.resize(1366, 768)
        window.showMaximized()
        wizard = window.wizard
        assert wizard is not None
        shoot(app, window, f"{mode}-1-setup-site")
        wizard.site_name.setText("Derby Safe Space")
        wizard.next_button.click()
        wizard.manager_name.setText("Mo Manager")
        wizard.manager_password.setText("short")
        wizard.manager_confirm.setText("short")
        wizard.create_button.click()
        shoot(app, window, f"{mode}-2-setup-manager-error")
        wizard.manager_password.setText("correct horse battery")
        wizard.manager_confirm.setText("correct horse battery")
        wizard.create_button.click()
        shoot(app, window, f"{mode}-3-setup-recovery-key")
        wizard.written_down.setChecked(True)
        wizard.finish_button.click()
        desk = window.desk
        assert desk is not None
        for name, role in (("Sam Desk", Role.DESK), ("Lee Lead", Role.LEAD), ("Pat Paramedic", Role.PARAMEDIC)):
            staff.add_staff(desk, name=name, role=role, password="a long enough password",
                            pin="2580" if role == Role.DESK else None)
        window.shell.apply_changes(staff.deactivate_staff(desk, staff.list_staff(desk)[-1].id))
        window.shell.show_page("admin")  # a manager starts on the front desk
        shoot(app, window, f"{mode}-4-admin")
        if mode == Theme.DAY:
            theme.set_large_text(True)
            shoot(app, window, "day-4-admin-large-text")
            theme.set_large_text(False)
        window.shell.page("admin").add_staff()
        dialog = window.shell.page("admin").dialog
        dialog.name.setText("Sam Desk")
        dialog.password.setText("a long enough password")
        dialog.confirm.setText("a long enough password")
        dialog.submit()
        settle(app)
        dialog.grab().save(str(OUT / f"{mode}-5-add-staff-error.png"), "PNG", 9)
        dialog.reject()
        window.shell.show_page("account")
        shoot(app, window, f"{mode}-6-my-account")
        staff.set_own_pin(desk, "2468")
        window.lock("manual")
        window.lock_screen.pin.setText("9999")
        window.lock_screen.submit_pin()
        shoot(app, window, f"{mode}-7-lock-screen")
        window.sign_out()
        window.sign_in.name.setText("Mo Manager")
        window.sign_in.password.setText("wrong password here")
        window.sign_in.submit()
        shoot(app, window, f"{mode}-8-sign-in-error")
        if mode == Theme.NIGHT:
            theme.set_large_text(True)
            shoot(app, window, "night-8-sign-in-large-text")
            theme.set_large_text(False)
        window.sign_in.show_recovery()
        shoot(app, window, f"{mode}-9-recovery")
        window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
