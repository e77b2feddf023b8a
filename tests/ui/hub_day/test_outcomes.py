"""On the Guest tab: where they live now (recorded by hand, with history) and, for a lead, that they have died."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from safespace_desk.domain.destinations import DestinationKind
from safespace_desk.services import messages, outcomes, search, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add


def test_status_by_hand_and_a_death_recorded_from_the_guest_tab(qtbot: QtBot, desk: DeskContext,
                                                                  make_page) -> None:  # type: ignore[no-untyped-def]
    kez = add(desk, "Kez")
    visits.sign_out(desk, visits.sign_in(desk, kez, "self").visit_id, "Hostel")
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    messages.post_message(desk, guest_id=kez, agency_id=gp, body="Appointment Friday")
    page = make_page(desk)
    page.open_guest(kez)
    page.show_tab(3)
    box = page.details.outcome_box
    assert box.current.text().startswith("Hostel")
    box.kind.setCurrentIndex(list(DestinationKind).index(DestinationKind.SETTLED))
    box.record_status()
    assert box.current.text().startswith("Settled accommodation") and "Hostel" in box.history.text()
    assert box.died_button.isVisible()
    box.start_died()
    assert box.confirm.isVisible() and "Kez" in box.confirm_text.text()
    assert not box.date_known.isChecked() and not box.died_on.isEnabled()  # no date unless someone knows it
    box.date_known.setChecked(True)
    assert box.died_on.isEnabled() and box.died_on.maximumDate() == box.died_on.date()  # never in the future
    box.died_on.setDate(box.died_on.date().addDays(-3))
    box.record_died()
    with desk.store.read() as session:
        died_on = session.connection().exec_driver_sql("SELECT died_on FROM guest_death").scalar()
    assert died_on == box.died_on.date().toPython().isoformat()
    assert messages.waiting_for(desk, kez) == []
    assert search.find_guests(desk, "kez") == []
    assert outcomes.status_history(desk, kez)[0].kind is DestinationKind.SETTLED  # the record stays
