"""Finding and signing in guests from the keyboard, as a tired person at 3am would."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.services import guests, messages, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.view_audit import flush_views
from safespace_desk.ui.kit.formatting import messages_text
from tests.services.frontdesk_helpers import add, at_local


def test_returning_guest_found_and_signed_in_with_three_letters_and_enter(
        qtbot: QtBot, desk: DeskContext, clock: FixedClock, make_page) -> None:
    at_local(clock, 2026, 11, 24, 14, 2)
    kez = add(desk, "Kez")
    add(desk, "Kevin")
    add(desk, "Kerry-Ann")
    visits.sign_out(desk, visits.sign_in(desk, kez, "self").visit_id)  # seen most recently
    page = make_page(desk)
    box = page.search_panel.search_box

    qtbot.keyClick(box, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # arrived via Police
    assert page.search_panel.arrival.value() == ArrivedVia.POLICE
    qtbot.keyClicks(box, "kez")
    qtbot.keyClick(box, Qt.Key.Key_Return)

    inside = visits.who_is_in(desk)
    assert [(g.name, g.arrived_via) for g in inside] == [("Kez", ArrivedVia.POLICE)]
    banner = page.search_panel.banner
    assert banner.isVisible() and banner.message.text() == "Kez signed in · via Police"
    assert box.text() == "" and box.hasFocus()
    assert page.search_panel.arrival.value() == ArrivedVia.SELF
    assert page.tabs.tabText(0) == "In now (1)"


def test_enter_on_a_guest_already_in_offers_sign_out(qtbot: QtBot, desk: DeskContext, make_page) -> None:
    kez = add(desk, "Kez")
    visits.sign_in(desk, kez, "self")
    page = make_page(desk)
    box = page.search_panel.search_box
    qtbot.keyClicks(box, "kez")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    banner = page.search_panel.banner
    assert "is in already" in banner.message.text()
    assert len(visits.who_is_in(desk)) == 1  # nothing happened silently
    where = banner.findChild(type(box), "signOutPromptText")
    assert where.hasFocus()
    qtbot.keyClicks(where, "Hostel")
    qtbot.keyClick(where, Qt.Key.Key_Return)
    assert visits.who_is_in(desk) == []
    assert visits.guest_visits(desk, kez)[0].departed_to == "Hostel"


def test_scanned_card_code_and_enter_signs_the_guest_in(qtbot: QtBot, desk: DeskContext, make_page) -> None:
    add(desk, "Sam")
    jo = add(desk, "Jo")
    code = guests.get_guest(desk, jo).card_code
    page = make_page(desk)
    box = page.search_panel.search_box
    qtbot.keyClicks(box, code)  # a keyboard-wedge scanner types the code, then Enter
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert [g.name for g in visits.who_is_in(desk)] == ["Jo"]
    assert page.search_panel.banner.message.text() == "Jo signed in · via Self"


def test_a_sign_in_leaves_the_duplicates_list_alone_and_a_new_guest_refreshes_it(
        qtbot: QtBot, desk: DeskContext, make_page) -> None:
    # Issue 9: every sign-in re-read and compared every live guest for the lead's duplicates list
    # (two seconds at the bench scale). A sign-in changes no name; adding a guest elsewhere does.
    from safespace_desk.domain.guests import GuestDetails
    from safespace_desk.services.context import Changes

    add(desk, "Jo Bloggs")
    add(desk, "Jo Bloggs")
    page = make_page(desk)
    assert page.duplicates.model.rowCount() == 1
    reviews: list[int] = []
    original = page.duplicates.refresh
    page.duplicates.refresh = lambda: (reviews.append(1), original())[1]  # type: ignore[method-assign]
    qtbot.keyClicks(page.search_panel.search_box, "jo")
    qtbot.keyClick(page.search_panel.search_box, Qt.Key.Key_Return)
    assert len(visits.who_is_in(desk)) == 1 and reviews == []
    guests.add_guest(desk, GuestDetails(preferred_name="Jo Bloggs"))  # on another page, say
    page.apply_changes(Changes(frozenset({"guest"})))
    assert reviews == [1] and page.duplicates.model.rowCount() == 3


def test_highlighted_guest_with_messages_shows_the_search_counts_and_the_view_is_audited(
        qtbot: QtBot, desk: DeskContext, make_page) -> None:
    """The banner for the highlighted guest takes the counts the search has just read (no second
    read of the messages on each keystroke), says what the messages themselves would, and is
    audited as the messages' own list is."""
    from tests.ui.messages.test_passing_messages_on import two_messages_for_kez

    kez, _gp, _housing = two_messages_for_kez(desk)
    add(desk, "Kevin")
    page = make_page(desk)
    head = int(desk.store.raw_connection_sql("SELECT coalesce(max(seq), 0) FROM audit_log")[0][0])
    qtbot.keyClicks(page.search_panel.search_box, "kez")

    banner = page.search_panel.messages_banner
    assert banner.isVisible() and banner.guest_id == kez
    assert banner.text.text() == "2 messages waiting for Kez (1 urgent)"
    flush_views(desk)
    details = [tuple(r) for r in desk.store.raw_connection_sql(
        f"SELECT entity_kind, entity_id, detail FROM audit_log WHERE seq > {head} AND action = 'viewed_list'")]
    assert ("guest", kez, "list=messages_waiting;shown=2") in details
    assert banner.text.text() == messages_text(len(messages.waiting_for(desk, kez)), 1, "Kez")

    page.search_panel.search_box.clear()
    qtbot.keyClicks(page.search_panel.search_box, "kevin")
    assert not banner.isVisible()
