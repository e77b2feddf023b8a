"""Screenshots of the screens issue 14 (security rules) changed, in day and night colours, 1366x768.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.security.make_screenshots OUT_DIR

The paramedic page (names, other names and flags; nothing else of the record), the override form at
a colleague's desk (the lead's name completed from the leads on duty), and the waiting message after
too many wrong passwords on the sign-in screen, the lock screen and the override form. Synthetic
names only. Not a test (pytest does not collect it).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestFlag
from safespace_desk.domain.messages import TriageOutcome
from safespace_desk.domain.pin_lock import PinAttempts
from safespace_desk.services import auth, exclusions, setup, staff, triage, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.desk.page import build_front_desk_page
from safespace_desk.ui.kit.theme import Theme, ThemeController
from safespace_desk.ui.lock_screen import LockScreen
from safespace_desk.ui.messages.paramedic_page import ParamedicPage
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.sign_in import SignInScreen
from safespace_desk.ui.tasks import InlineRunner
from tests.services.frontdesk_helpers import add, at_local
from tests.ui.messages.sample_hub import fill_hub

SIZE = (1366 - 200, 768 - 40)  # the shell's navigation and status bar take the rest


def grab(widget: QWidget, path: Path, size: tuple[int, int] = SIZE) -> None:
    widget.resize(*size)
    widget.show()
    for _ in range(5):
        QApplication.processEvents()
    saved = widget.grab().save(str(path), "PNG", 9)
    assert saved, f"could not save {path} ({widget.size()})"
    print(path, path.stat().st_size // 1024, "KB")


def _hub(folder: Path, clock: FixedClock) -> DeskContext:
    return setup.initialise_store(folder, site_name="Derby Road Safe Space", timezone="Europe/London",
                                  manager_name="Mo Manager", manager_password="correct horse battery",
                                  clock=clock).desk


def paramedic(out: Path, suffix: str) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        desk = _hub(folder, clock)
        hub = fill_hub(desk, clock)
        pip = add(desk, "Pip", aliases=("Pipster", "Little P"), legal_name="Philippa Quarrington",
                  flags=frozenset({GuestFlag.DA_RISK, GuestFlag.MOBILITY}), support_notes="Never shown to the medic")
        visits.sign_in(desk, pip, "police")
        staff.add_staff(desk, name="Pat Paramedic", role="paramedic", password="Pat Paramedic lantern quartz meadow 7")
        at_local(clock, 2026, 11, 24, 10, 20)
        medic = auth.sign_in(folder, "Pat Paramedic", "Pat Paramedic lantern quartz meadow 7", clock)
        triage.record_triage(medic, hub.guests["Jojo"], presenting_need="Felt faint overnight",
                             outcome=TriageOutcome.ADVICE, notes="BP 104/66; advised fluids.")
        page = ParamedicPage(medic)
        row = next(i for i, p in enumerate(page.in_now) if p.name == "Pip")
        page.people.setCurrentCell(row, 0)
        grab(page, out / f"security-paramedic-{suffix}.png")
        page.close()
        medic.close()
        desk.close()


def sign_in_wait(out: Path, suffix: str) -> None:
    clock = FixedClock(datetime(2026, 11, 25, 2, 50, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        _hub(folder, clock).close()
        screen = SignInScreen(folder, clock, InlineRunner())
        for _ in range(4):
            screen.name.setText("Mo Manager")
            screen.password.setText("not the password")
            screen.submit()
            clock.advance(seconds=6)
        screen.countdown.tick()
        screen.name.setText("Mo Manager")
        grab(screen, out / f"security-sign-in-wait-{suffix}.png", (1366, 768))
        screen.countdown.stop()
        screen.close()


def lock_wait(out: Path, suffix: str) -> None:
    clock = FixedClock(datetime(2026, 11, 25, 2, 50, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        desk = _hub(Path(tmp) / "data", clock)
        lock = LockScreen(clock, InlineRunner())
        lock.prepare(desk, PinAttempts(), has_pin=False, zone=ZoneInfo("Europe/London"))
        for _ in range(3):
            lock.password.setText("not the password")
            lock.submit_password()
        grab(lock, out / f"security-lock-wait-{suffix}.png", (1366, 768))
        lock.countdown.stop()
        lock.release()
        lock.close()
        desk.close()


def override_wait(out: Path, suffix: str, theme: ThemeController) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        manager = _hub(folder, clock)
        staff.add_staff(manager, name="Lee Lead", role="lead", password="Lee Lead lantern quartz meadow 1", pin="4821")
        staff.add_staff(manager, name="Dee Desk", role="desk", password="Dee Desk lantern quartz meadow 1")
        robin = add(manager, "Robin Hale", aliases=("Rob",))
        exclusions.issue_exclusion(manager, robin, "Threatened another guest in the kitchen", hours=24)
        manager.close()
        at_local(clock, 2026, 11, 24, 23, 50)
        desk = auth.sign_in(folder, "Dee Desk", "Dee Desk lantern quartz meadow 1", clock)
        shell = MainShell(desk, get_site(desk), clock, InlineRunner(), theme)
        page = build_front_desk_page(desk, shell)
        shell.add_page("desk", "Front desk", page, "Alt+9")
        shell.resize(1366, 768)
        shell.show()
        shell.show_page("desk")
        shell.activateWindow()
        QApplication.processEvents()
        box = page.search_panel.search_box
        QTest.keyClicks(box, "rob")
        QTest.keyClick(box, Qt.Key.Key_Return)
        QTest.keyClick(box, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
        banner = page.search_panel.banner
        QTest.keyClicks(banner.findChild(QLineEdit, "leadName"), "Le")  # completed inline to Lee Lead
        QTest.keyClicks(banner.findChild(QLineEdit, "overrideReason"), "Brought in by police, nowhere safe tonight")
        secret = banner.findChild(QLineEdit, "leadSecret")
        for guess in ("1111", "2222", "3333"):
            QTest.keyClicks(secret, guess)
            QTest.keyClick(secret, Qt.Key.Key_Return)
        for _ in range(5):
            QApplication.processEvents()
        shell.grab().save(str(out / f"security-override-wait-{suffix}.png"), "PNG", 9)
        print(out / f"security-override-wait-{suffix}.png")
        shell.close()
        desk.close()


SHOTS: list[Callable[[Path, str], None]] = [paramedic, sign_in_wait, lock_wait]


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    theme = ThemeController(app)
    for name in ("day", "night"):
        theme.set_theme(Theme(name))
        for shot in SHOTS:
            shot(out, name)
        override_wait(out, name, theme)


if __name__ == "__main__":
    main()
