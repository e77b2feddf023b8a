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

from PySide6.QtWidgets import QApplication, QWidget
from safespace_desk.ui.theme import Theme, ThemeController

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestFlag
from safespace_desk.domain.messages import TriageOutcome
from safespace_desk.services import auth, setup, staff, triage, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.messages.paramedic_page import ParamedicPage
from tests.services.frontdesk_helpers import add, at_local
from tests.ui.messages.sample_hub import fill_hub

SIZE = (1366 - 200, 768 - 40)  # the shell's navigation and status bar take the rest


def grab(widget: QWidget, path: Path, size: tuple[int, int] = SIZE) -> None:
    widget.resize(*size)
    widget.show()
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(str(path), "PNG", 9)
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
        staff.add_staff(desk, name="Pat Paramedic", role="paramedic", password="Pat Paramedic password 123")
        at_local(clock, 2026, 11, 24, 10, 20)
        medic = auth.sign_in(folder, "Pat Paramedic", "Pat Paramedic password 123", clock)
        triage.record_triage(medic, hub.guests["Jojo"], presenting_need="Felt faint overnight",
                             outcome=TriageOutcome.ADVICE, notes="BP 104/66; advised fluids.")
        page = ParamedicPage(medic)
        row = next(i for i, p in enumerate(page.in_now) if p.name == "Pip")
        page.people.setCurrentCell(row, 0)
        grab(page, out / f"security-paramedic-{suffix}.png")
        page.close()
        medic.close()
        desk.close()


SHOTS: list[Callable[[Path, str], None]] = [paramedic]


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    theme = ThemeController(app)
    for name in ("day", "night"):
        theme.set_theme(Theme(name))
        for shot in SHOTS:
            shot(out, name)


if __name__ == "__main__":
    main()
