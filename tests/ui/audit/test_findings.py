"""Issue 8's findings, each driven through the real window at 1366x768 at 20:10 on the audit hub:
the night colours, the guest panel, focus after every action, banners, and what the screens say."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit
from pytestqt.qtbot import QtBot

from safespace_desk.domain.roles import Role
from safespace_desk.services import search, visits
from safespace_desk.ui.kit.theme import Theme
from safespace_desk.ui.main_window import MainWindow
from safespace_desk.ui.messages.handover_banner import HandoverBanner
from tests.ui.audit.conftest import OpenWindow
from tests.ui.audit.hub import AuditHub
from tests.ui.audit.inspect import Rendered, contrast_problems, layout_problems, scroll_problems

# The morning after the audit's night: day places free, so sign-ins need no override.
MORNING = (2026, 11, 25, 10, 0)


def _focus() -> object:
    return QApplication.focusWidget()


def _guest(window: MainWindow, name: str) -> str:
    assert window.desk is not None
    return search.find_guests(window.desk, name)[0].guest_id


def test_night_colours_forms_read_on_their_pixels(hub_copy: AuditHub, open_window: OpenWindow,
                                                 qtbot: QtBot) -> None:
    """Finding 1: the add-guest form, the guest card and Site settings in night colours."""
    window = open_window(hub_copy, Role.MANAGER, theme=Theme.NIGHT)
    shell = window.shell
    assert shell is not None
    desk = shell.page("desk")
    qtbot.keyClick(desk.search_panel.search_box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    desk.add_guest.save()  # no name: the field error shows too
    assert desk.add_guest.name.property("invalid")
    assert contrast_problems(Rendered.of(window)) == []
    qtbot.keyClick(desk.add_guest.name, Qt.Key.Key_Escape)
    desk.open_guest(_guest(window, "Kez"))
    assert contrast_problems(Rendered.of(window)) == []
    shell.show_page("site")
    assert contrast_problems(Rendered.of(window)) == []


def test_guest_panel_fits_and_follows_the_guest_signed_in(hub_copy: AuditHub, open_window: OpenWindow,
                                                          qtbot: QtBot) -> None:
    """Finding 2: the exclude form fits beside the search at 1366 wide with no sideways scrolling,
    and the Guest tab shows the guest just signed in, not the one before."""
    window = open_window(hub_copy, Role.LEAD, at=MORNING)
    desk = window.shell.page("desk")  # type: ignore[union-attr]
    desk.open_guest(_guest(window, "Dee"))
    form = desk.details.start_exclude()
    assert form is not None
    qtbot.wait(20)
    assert scroll_problems(window) == [] and layout_problems(window) == []
    submit = next(b for b in form.findChildren(type(desk.details.edit_button)) if b.text().startswith("Exclude Dee"))
    assert submit.visibleRegion().boundingRect().width() == submit.width()  # the whole button on screen
    qtbot.keyClick(form.reason, Qt.Key.Key_Escape)

    box = desk.search_panel.search_box
    qtbot.keyClicks(box, "Big Col")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert desk.details.record is not None and desk.details.record.preferred_name == "Big Col"


def test_focus_is_on_the_search_box_after_every_desk_action(hub_copy: AuditHub, open_window: OpenWindow,
                                                            qtbot: QtBot) -> None:
    """Finding 3: after sign in, exclude, give bed, sign out, cancel and acknowledging the handover,
    typing a name goes straight into the search; F2 finds it from anywhere."""
    window = open_window(hub_copy, Role.LEAD, at=MORNING)
    shell = window.shell
    assert shell is not None and window.desk is not None
    desk = shell.page("desk")
    box = desk.search_panel.search_box

    qtbot.keyClicks(box, "Big Col")  # sign in
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert "Big Col signed in" in desk.search_panel.banner.message.text()
    assert _focus() is box

    desk.open_guest(_guest(window, "Dee"))  # exclude
    form = desk.details.start_exclude()
    assert form is not None
    qtbot.keyClicks(form.reason, "Threatened another guest at 20:05")
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    assert "excluded" in desk.search_panel.banner.message.text()
    assert _focus() is box

    desk.show_tab(0)  # give a bed from In now
    in_now = desk.in_now
    qtbot.keyClick(in_now.table, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    assert _focus() is box

    desk.show_tab(0)  # sign out, through its form
    qtbot.keyClick(in_now.table, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(in_now.sign_out_form.editor, Qt.Key.Key_Return)
    assert "signed out" in desk.search_panel.banner.message.text()
    assert _focus() is box

    qtbot.keyClick(box, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # cancel a form
    qtbot.keyClick(desk.add_guest.name, Qt.Key.Key_Escape)
    assert _focus() is box

    banner = shell.findChild(HandoverBanner)  # it lives in the shell, above every page
    assert banner is not None and banner.waiting is not None
    qtbot.keyClick(box, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert _focus() is banner.ack_button
    qtbot.keyClick(banner.ack_button, Qt.Key.Key_A,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert "acknowledged" in banner.text.text() and banner.isVisible()  # it says so
    assert _focus() is box

    night = shell.findChild(QCheckBox, "navOption")
    assert night is not None and night.focusPolicy() == Qt.FocusPolicy.ClickFocus
    shell.show_page("messages")
    qtbot.keyClick(QApplication.focusWidget() or shell, Qt.Key.Key_F2)
    assert shell.current_page_key == "desk" and _focus() is box
    assert visits.who_is_in(window.desk)


def test_banners_leave_the_desk_its_room(hub_copy: AuditHub, open_window: OpenWindow) -> None:
    """Finding 6: with the handover banner and the 20:10 night check both up, nothing overlaps, in
    either text size (in Large text the desk scrolls up and down rather than squash)."""
    for large in (False, True):
        window = open_window(hub_copy, Role.DESK, large_text=large)
        desk = window.shell.page("desk")  # type: ignore[union-attr]
        assert desk.night_banner.isVisible()
        assert layout_problems(window) == [] and scroll_problems(window) == []
        arrival = desk.search_panel.arrival
        buttons = [arrival.button(v) for v in type(arrival.value())]
        assert all(b.visibleRegion().boundingRect().size() == b.size() for b in buttons)
        window.close()


def test_a_form_opened_below_the_fold_is_scrolled_into_view(hub_copy: AuditHub, open_window: OpenWindow,
                                                            qtbot: QtBot) -> None:
    """In Large text at night the desk is taller than the screen: the lead's override form, opened
    in the banner under the arrival buttons, is scrolled to so its first box is seen and typed in."""
    window = open_window(hub_copy, Role.DESK, large_text=True)
    desk = window.shell.page("desk")  # type: ignore[union-attr]
    box = desk.search_panel.search_box
    qtbot.keyClicks(box, "Sam")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.keyClick(box, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    lead_name = desk.search_panel.banner.findChild(QLineEdit, "leadName")
    assert lead_name is not None and lead_name.hasFocus()
    qtbot.wait(20)
    assert lead_name.visibleRegion().boundingRect().size() == lead_name.size()
    window.close()


def test_the_screens_say_what_is_so(hub_copy: AuditHub, open_window: OpenWindow) -> None:
    """Findings 9 and 11: the night header agrees with the night check; staff on duty by full name;
    an empty In now speaks of guests."""
    window = open_window(hub_copy, Role.LEAD)
    desk = window.shell.page("desk")  # type: ignore[union-attr]
    header = desk.status_strip.period.text()
    free = desk.night_banner.check.free_beds  # type: ignore[union-attr]
    assert header.startswith(f"Night · {len(free)} of 8 beds free · 11 in")
    assert f"{len(free)} beds free" in desk.night_banner.detail.text()
    desk.status_strip.toggle_duty()
    assert "Demo Lead" in desk.status_strip.on_duty_names.text()
    assert desk.in_now.empty.text() == "No guests are in right now."


def test_every_page_has_one_key_for_every_role(hub_copy: AuditHub, open_window: OpenWindow) -> None:
    """Finding 12: F5 is the front desk and F12 My account whoever signs in; a page a role cannot
    use leaves a gap rather than moving the others; every key is shown in the navigation."""
    from safespace_desk.ui.pages import standard_pages
    from safespace_desk.ui.shell import NavButton

    expected = {spec.key: spec.shortcut for spec in standard_pages()}
    assert all(expected.values()) and len(set(expected.values())) == len(expected)
    for role in (Role.MANAGER, Role.PARAMEDIC):
        window = open_window(hub_copy, role)
        shell = window.shell
        assert shell is not None
        for key in shell.visible_page_keys():
            button = shell._pages[key].button
            assert isinstance(button, NavButton)
            assert button.accessibleName().endswith(f"({expected[key]})")
        window.close()
