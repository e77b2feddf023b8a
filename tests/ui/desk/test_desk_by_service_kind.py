"""What a crisis service's or haven's front desk leaves out that belongs to a 24/7 hub (issue 11: screens
show only what the profile uses; docs/decisions.md): arriving from prison or a hostel, and the hostel
swap, as the Expected tab. The other arrivals keep their keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.services import visits
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.desk.page import TAB_EXPECTED
from tests.services.casework_helpers import make_service
from tests.services.frontdesk_helpers import add

ALT = Qt.KeyboardModifier.AltModifier


@pytest.mark.parametrize("kind", ["crisis", "haven"])
def test_a_crisis_service_or_haven_is_not_offered_a_hubs_arrivals(qtbot: QtBot, desk: DeskContext, kind: str,
                                                                  make_page) -> None:  # type: ignore[no-untyped-def]
    make_service(desk, kind)
    add(desk, "Kez")
    page = make_page(desk)
    arrival = page.search_panel.arrival
    shown = [via for via in ArrivedVia if arrival.button(via).isVisibleTo(page)]
    assert shown == [v for v in ArrivedVia if v not in (ArrivedVia.PRISON, ArrivedVia.HOSTEL)]
    assert arrival.caption.text().endswith("Alt+1 to Alt+8")
    assert not page.in_now.swap_button.isVisibleTo(page) and not page.tabs.isTabVisible(TAB_EXPECTED)
    box = page.search_panel.search_box
    qtbot.keyClick(box, Qt.Key.Key_9, ALT)  # Prison at a hub: nothing here
    assert arrival.value() is ArrivedVia.SELF and page.isVisible()
    qtbot.keyClick(box, Qt.Key.Key_2, ALT)  # the keys staff know are where they were
    assert arrival.value() is ArrivedVia.POLICE
    qtbot.keyClicks(box, "kez")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    [guest] = visits.who_is_in(desk)
    assert guest.arrived_via is ArrivedVia.POLICE
    page.in_now.start_swap()  # its key (Alt+W) reaches no form either
    assert not page.in_now.swap_form.isVisible()


def test_a_hub_offers_them_all(qtbot: QtBot, desk: DeskContext, make_page) -> None:  # type: ignore[no-untyped-def]
    add(desk, "Kez")
    page = make_page(desk)
    assert all(page.search_panel.arrival.button(via).isVisibleTo(page) for via in ArrivedVia)
    assert page.in_now.swap_button.isVisibleTo(page) and page.tabs.isTabVisible(TAB_EXPECTED)
