"""Screenshots of the hub's day pages (issue 13) at 1366x768 in day and night colours, in the real
shell with every page installed.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.hub_day.make_screenshots OUT_DIR

Synthetic data only. Not a test (pytest does not collect it).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from safespace_desk.services.context import DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.theme import Theme, ThemeController
from safespace_desk.ui.pages import install_pages, standard_pages
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.tasks import InlineRunner


def _save(widget: QWidget, path: Path) -> None:
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(str(path), "PNG", 9)
    print(path)


SAMPLE: dict[str, str] = {}


def _scroll_to(page: QWidget, widget: QWidget) -> None:
    from PySide6.QtWidgets import QScrollArea

    for area in page.findChildren(QScrollArea):
        if area.isAncestorOf(widget):
            area.ensureWidgetVisible(widget, 0, 0)


def sample_day(desk: DeskContext) -> None:
    from safespace_desk.domain.messages import LogKind
    from safespace_desk.services import arrivals, duty, keep_apart, shiftlog, visits
    from tests.services.frontdesk_helpers import add

    now = desk.clock.now()
    kez, robbie = add(desk, "Kez"), add(desk, "Robbie")
    visits.sign_in(desk, kez, "police")
    duty.start_duty(desk)
    arrivals.expect_arrival(desk, guest_id=robbie, from_whom="HMP Nottingham", via="prison",
                            expected_at=now + timedelta(hours=2), needs="A bed tonight; methadone script to collect")
    arrivals.expect_arrival(desk, description="Woman in her 30s, from the hostel swap", from_whom="Centenary House",
                            via="hostel", expected_at=now - timedelta(hours=3))
    arrivals.expect_arrival(desk, description="Discharge after a fall", from_whom="Royal Derby Hospital",
                            via="hospital", expected_at=now + timedelta(days=2))
    from safespace_desk.services import moves

    moves.add_destination(desk, "Centenary House", "hostel")
    from safespace_desk.services import appointments as rooms_service

    other = next(a.id for a in __import__("safespace_desk.services.messages", fromlist=["x"]).list_agencies(desk)
                 if a.name == "Other")
    rooms_service.book(desk, what="Dentist", agency_id=other, starts_at=now + timedelta(hours=1), minutes=30,
                       room="Appointment room 2", guest_id=kez, with_message=True)
    rooms_service.book(desk, what="Drug service drop-in", agency_id=other, starts_at=now + timedelta(hours=2),
                       minutes=120, room="Clinical room")
    keep_apart.link(desk, kez, robbie, "Bail conditions: no contact with Kez until the hearing")
    SAMPLE["kez"] = kez
    from safespace_desk.services import enquiries, messages
    from safespace_desk.services.overrides import Override, OverrideAction, own_override

    agencies = {a.name: a.id for a in messages.list_agencies(desk)}
    enquiries.log_enquiry(desk, agency_id=agencies["Police"], asker="PC Jones", reference="4521", guest_id=kez,
                          purpose="Checking whereabouts", legal_basis="crime")
    enquiries.log_enquiry(desk, agency_id=agencies["Probation"], asker="Officer Patel", guest_id=robbie,
                          purpose="Licence check", legal_basis="consent", answer="disclosed",
                          said="Robbie is expected here this afternoon",
                          override=Override("Robbie agreed", own_override(desk, OverrideAction.DISCLOSE)))
    visits.sign_out(desk, visits.sign_in(desk, add(desk, "Jo"), "hostel").visit_id, "Centenary House")
    shiftlog.add_entry(desk, LogKind.POLICE_CALLED, "Police called to the door; left calmly.", debrief_offered=True)


SHOTS: list[tuple[str, str, Callable[[QWidget], None]]] = [
    ("desk-expected", "desk", lambda page: page.show_tab(5)),  # type: ignore[attr-defined]
    ("desk-expect-form", "desk", lambda page: page.expected.start_add()),  # type: ignore[attr-defined]
    ("desk-guest-keep-apart", "desk", lambda page: (page.open_guest(SAMPLE["kez"]),  # type: ignore[attr-defined]
                                                    page.show_tab(3))),  # type: ignore[attr-defined]
    ("in-now-swap", "desk", lambda page: (page.show_tab(0), page.in_now.start_swap())),  # type: ignore[attr-defined]
    ("shift-log", "shift_log", lambda page: None),
    ("reports-hub-day", "reports", lambda page: (page.picker.set_month(2026, 11), page.refresh(),  # type: ignore[attr-defined]
                                                 page.count_cohort(),  # type: ignore[attr-defined]
                                                 _scroll_to(page, page.cohort_table))),  # type: ignore[attr-defined]
    ("rooms", "rooms", lambda page: None),
    ("enquiries", "enquiries", lambda page: page.answer.setCurrentIndex(1)),  # type: ignore[attr-defined]
    ("site-places", "site", lambda page: _scroll_to(page, page.places)),  # type: ignore[attr-defined]
]


def main(out: Path) -> None:
    from safespace_desk.domain.clock import FixedClock
    from safespace_desk.services import auth, setup
    from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START

    app = QApplication.instance() or QApplication(sys.argv)
    theme = ThemeController(app, theme=Theme.DAY)  # type: ignore[arg-type]
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(START)
        data = Path(tmp) / "data"
        setup.initialise_store(data, site_name="Derby Safe Space", timezone="Europe/London",
                               manager_name=MANAGER_NAME, manager_password=MANAGER_PASSWORD, clock=clock).desk.close()
        desk = auth.sign_in(data, MANAGER_NAME, MANAGER_PASSWORD, clock)
        sample_day(desk)
        shell = MainShell(desk, get_site(desk), clock, InlineRunner(), theme)
        install_pages(shell, desk, standard_pages())
        shell.resize(1366, 768)
        shell.show()
        for name, key, prepare in SHOTS:
            shell.show_page(key)
            prepare(shell.page(key))
            for scheme in (Theme.DAY, Theme.NIGHT):
                theme.set_theme(scheme)
                _save(shell, out / f"{name}-{scheme.value}.png")
        desk.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
