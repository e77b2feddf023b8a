"""Starting the desktop app: the QApplication, the theme, the main window and the event loop."""

from __future__ import annotations

import logging
import sys
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import cast

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from safespace_desk.clock import SystemClock
from safespace_desk.ui.kit.theme import Theme, ThemeController
from safespace_desk.ui.main_window import MainWindow
from safespace_desk.ui.service_actions import escaped_error_hook
from safespace_desk.ui.tasks import ThreadPoolRunner

APP_NAME = "SafeSpace Desk"


def default_theme(local_hour: int) -> Theme:
    """Before anyone has chosen, start in night colours between 8pm and 8am (the night shift)."""
    return Theme.DAY if 8 <= local_hour < 20 else Theme.NIGHT


def log_to_file() -> Path | None:
    """Errors the desk met (their type and stack, never their text: see services/failures.py) go to
    ``desk.log`` in the platform's log folder, kept to four files of 1 MB."""
    from platformdirs import user_log_dir

    folder = Path(user_log_dir(APP_NAME, appauthor=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(folder / "desk.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:  # a log that cannot be written must never stop the desk
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("safespace_desk").addHandler(handler)
    return folder / "desk.log"


def run_gui(data_dir: Path, last_exit: str | None = None) -> int:
    """Open the desk on ``data_dir`` (set-up wizard if there is no store yet). Returns the exit code.
    ``last_exit`` says the last desk did not close properly (see db/desk_lock.py)."""
    log_to_file()
    app = cast(QApplication, QApplication.instance()) or QApplication(sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("SafeSpace")
    # Only display preferences are kept here (theme, text size): nothing personal.
    settings = QSettings()
    theme = ThemeController(app, theme=default_theme(datetime.now().hour), settings=settings)
    runner = ThreadPoolRunner()
    window = MainWindow(data_dir, clock=SystemClock(), runner=runner, theme=theme, last_exit=last_exit)
    screen = app.primaryScreen()
    if screen is not None:
        # Fill the screen even where no window manager honours "maximised" (kiosk set-ups).
        window.resize(screen.availableGeometry().size())
    window.showMaximized()
    # An error that escapes a page is shown plainly and logged without personal data; the desk goes on.
    sys.excepthook = escaped_error_hook(window.show_problem)
    code = app.exec()
    # No background job may outlive the window (the store is closed at sign-out).
    runner.wait_for_done()
    return code
