"""Screenshots of the front desk at 1366x768, inside the real shell with its day theme.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.ui.desk.make_screenshots OUT_DIR

Synthetic names only. Not a test (pytest does not collect it).
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestFlag
from safespace_desk.services import auth, beds, duty, exclusions, setup, staff, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.desk.page import FrontDeskPage, build_front_desk_page
from safespace_desk.ui.kit.theme import Theme, ThemeController
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.tasks import InlineRunner
from tests.services.frontdesk_helpers import add, at_local

F = GuestFlag
DAY_GUESTS = [
    ("Kez", (F.DA_RISK,), "police"), ("Marnie", (), "self"), ("Big Dave", (F.SUBSTANCE_USE,), "outreach"),
    ("Tomasz", (F.NRPF,), "self"), ("Shell", (F.MENTAL_HEALTH,), "paramedic"), ("Jonjo", (), "self"),
    ("Aisha", (F.NRM, F.SAFEGUARDING), "police"), ("Paddy", (F.MOBILITY,), "hospital"),
    ("Leanne", (), "housing"), ("Robbie", (F.PRISON_RELEASE,), "probation"), ("Sue", (), "self"),
    ("Mikey", (F.SUBSTANCE_USE,), "outreach"),
]


def _store(folder: Path, clock: FixedClock) -> DeskContext:
    result = setup.initialise_store(folder, site_name="Derby Safe Space", timezone="Europe/London",
                                    manager_name="Mo Manager", manager_password="correct horse battery",
                                    clock=clock)
    return result.desk


def _shell(desk: DeskContext, clock: FixedClock, theme: ThemeController) -> tuple[MainShell, FrontDeskPage]:
    shell = MainShell(desk, get_site(desk), clock, InlineRunner(), theme)
    page = build_front_desk_page(desk, shell)
    shell.add_page("desk", "Front desk", page, "Alt+9")
    shell.resize(1366, 768)
    shell.show()
    shell.show_page("desk")
    shell.activateWindow()
    QApplication.processEvents()
    return shell, page


def _save(shell: MainShell, path: Path) -> None:
    for _ in range(3):
        QApplication.processEvents()
    shell.grab().save(str(path), "PNG", 9)
    print(path, path.stat().st_size // 1024, "KB")


def busy_day(out: Path, theme: ThemeController) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        desk = _store(Path(tmp) / "data", clock)
        staff.add_staff(desk, name="Sam Support", role="desk", password="Sam Support password 1")
        duty.start_duty(desk)
        robin = add(desk, "Robin Hale", aliases=("Rob",))
        at_local(clock, 2026, 11, 24, 9, 30)
        exclusions.issue_exclusion(desk, robin, "Threatened another guest in the kitchen", hours=24)
        for minute, (name, flags, via) in enumerate(DAY_GUESTS):
            at_local(clock, 2026, 11, 24, 10 + minute // 3, 5 + (minute % 3) * 17)
            visits.sign_in(desk, add(desk, name, flags=frozenset(flags)), via)
        at_local(clock, 2026, 11, 24, 14, 10)
        shell, page = _shell(desk, clock, theme)
        QTest.keyClicks(page.search_panel.search_box, "rob")
        _save(shell, out / "desk-busy-day.png")
        shell.close()
        desk.close()


def full_night(out: Path, theme: ThemeController) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 18, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        desk = _store(Path(tmp) / "data", clock)
        duty.start_duty(desk)
        for minute, (name, flags, via) in enumerate(DAY_GUESTS[:9]):
            at_local(clock, 2026, 11, 24, 18, 5 + minute * 6)
            visits.sign_in(desk, add(desk, name, flags=frozenset(flags)), via)
        at_local(clock, 2026, 11, 24, 20, 0)
        for guest in visits.who_is_in(desk)[:8]:
            beds.give_bed(desk, guest.visit_id, f"Bed {visits.who_is_in(desk).index(guest) + 1}")
        at_local(clock, 2026, 11, 24, 20, 4)
        shell, page = _shell(desk, clock, theme)
        page.show_tab(1)
        _save(shell, out / "desk-full-night.png")
        shell.close()
        desk.close()


def excluded_override(out: Path, theme: ThemeController) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        manager = _store(folder, clock)
        staff.add_staff(manager, name="Lee Lead", role="lead", password="Lee Lead password 1")
        staff.add_staff(manager, name="Dee Desk", role="desk", password="Dee Desk password 1")
        robin = add(manager, "Robin Hale", aliases=("Rob",), flags=frozenset({F.MENTAL_HEALTH}))
        at_local(clock, 2026, 11, 24, 9, 30)
        exclusions.issue_exclusion(manager, robin, "Threatened another guest in the kitchen", hours=24)
        for minute, (name, flags, via) in enumerate(DAY_GUESTS[:6]):
            at_local(clock, 2026, 11, 24, 21, minute * 7)  # at night: each gets a bed at sign-in
            visits.sign_in(manager, add(manager, name, flags=frozenset(flags)), via)
        manager.close()
        at_local(clock, 2026, 11, 25, 2, 50)
        desk = auth.sign_in(folder, "Dee Desk", "Dee Desk password 1", clock)
        duty.start_duty(desk)
        shell, page = _shell(desk, clock, theme)
        box = page.search_panel.search_box
        QTest.keyClick(box, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
        QTest.keyClicks(box, "rob")
        QTest.keyClick(box, Qt.Key.Key_Return)
        QTest.keyClick(box, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
        form = page.search_panel.banner.findChild(QLineEdit, "leadName")
        QTest.keyClicks(form, "Lee Lead")
        QTest.keyClicks(page.search_panel.banner.findChild(QLineEdit, "leadSecret"), "4821")
        QTest.keyClicks(page.search_panel.banner.findChild(QLineEdit, "overrideReason"),
                        "Brought in by police at 2:45, nowhere safe tonight")
        _save(shell, out / "desk-excluded-override.png")
        shell.close()
        desk.close()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    theme = ThemeController(app, theme=Theme.NIGHT if "--night" in sys.argv else Theme.DAY)
    busy_day(out, theme)
    full_night(out, theme)
    excluded_override(out, theme)


if __name__ == "__main__":
    main()
