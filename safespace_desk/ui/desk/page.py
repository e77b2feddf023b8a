"""The front desk page: status strip, night check, search and sign-in on the left, and the
In now / Beds / Exclusions / Guest / Duplicates / Expected tabs on the right. A guest's feedback
(anonymous) takes the left column when asked for.

Every mutation goes through DeskActions, whose Changes refresh the page and are re-emitted for the
shell (``changes_applied``); the shell's own Changes come in through ``apply_changes``. A timer
re-evaluates time-based state (period, time left, the night check), because exclusions expire and
nights begin without anyone pressing a key.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from safespace_desk.domain.profile import Part, ServiceKind
from safespace_desk.services.arrivals import EXPECTED
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.frontdesk_common import BED, VISIT
from safespace_desk.services.guests import GUEST, GuestRecord
from safespace_desk.services.site import SITE, get_site
from safespace_desk.ui.desk.add_guest_panel import AddGuestPanel
from safespace_desk.ui.desk.arrival_selector import arrival_for_key
from safespace_desk.ui.desk.bed_board import BedBoardPanel
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.duplicates_panel import DuplicatesPanel
from safespace_desk.ui.desk.exclusions_panel import ExclusionsPanel
from safespace_desk.ui.desk.expected_panel import ExpectedPanel
from safespace_desk.ui.desk.feedback_panel import FeedbackPanel
from safespace_desk.ui.desk.guest_details import GuestDetailsPanel
from safespace_desk.ui.desk.in_now import InNowPanel
from safespace_desk.ui.desk.night_banner import NightCheckBanner
from safespace_desk.ui.desk.search_panel import SearchPanel
from safespace_desk.ui.desk.status_context import StatusContext
from safespace_desk.ui.desk.status_strip import StatusStrip
from safespace_desk.ui.kit.shortcuts import add_shortcut

TICK_MS = 30_000
TAB_IN_NOW, TAB_BEDS, TAB_EXCLUSIONS, TAB_GUEST, TAB_DUPLICATES, TAB_EXPECTED = range(6)


class SidePanel(QTabWidget):
    """The desk's tabs, never narrower than the tabs themselves (six for a lead): a tab bar that
    scrolls hides a tab behind its arrows. The search column gives way (its buttons wrap)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        bar = self.tabBar()
        tabs = sum(bar.tabSizeHint(i).width() for i in range(bar.count()) if bar.isTabVisible(i))
        return QSize(max(hint.width(), tabs + 4), hint.height())


class FrontDeskPage(QWidget):
    changes_applied = Signal(object)  # Changes made on this page, for the shell to pass to other pages

    def __init__(self, desk: DeskContext, *, ticker: QTimer | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("frontDesk")
        self.actions = DeskActions(desk, self)
        self.context = StatusContext(self.actions)
        self._last_emitted: Changes | None = None
        self._filtered: QWidget | None = None  # the focus widget carrying the Alt+number filter
        self._following_focus = False
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        self.status_strip = StatusStrip(self.actions, self.context, self)
        self.night_banner = NightCheckBanner(self.actions, self)
        self.search_panel = SearchPanel(self.actions, self.context, self)
        self.add_guest = AddGuestPanel(self.actions, self)
        self.left = QStackedWidget(self)
        self.left.addWidget(self.search_panel)
        self.left.addWidget(self.add_guest)
        # A guest's feedback takes the column (not a seventh tab: six already fill the tab bar's width).
        self.feedback = FeedbackPanel(self.actions, self)
        self.left.addWidget(self.feedback)

        self.tabs = SidePanel(self)
        self.tabs.setObjectName("sidePanel")
        self.tabs.setDocumentMode(False)
        self.in_now = InNowPanel(self.actions, self.context, self.tabs)
        self.bed_board = BedBoardPanel(self.actions, self.context, self.tabs)
        self.exclusions = ExclusionsPanel(self.actions, self.context, self.tabs)
        self.details = GuestDetailsPanel(self.actions, self.context, self.tabs)
        self.duplicates = DuplicatesPanel(self.actions, self.tabs)
        self.expected = ExpectedPanel(self.actions, self.context, self.tabs)
        for panel, title, keys in ((self.in_now, "In now", "Ctrl+1"), (self.bed_board, "Beds", "Ctrl+2"),
                                   (self.exclusions, "Exclusions", "Ctrl+3"), (self.details, "Guest", "Ctrl+4"),
                                   (self.duplicates, "Duplicates", "Ctrl+5"), (self.expected, "Expected", "Ctrl+6")):
            index = self.tabs.addTab(panel, title)
            self.tabs.setTabToolTip(index, f"{title} ({keys})")
            add_shortcut(self, keys, lambda i=index: self.show_tab(i))
        self.tabs.setTabVisible(TAB_DUPLICATES, self.actions.is_lead)
        # A crisis service or haven shows only what its profile uses: beds with a bed period,
        # exclusions where they are switched on (a hub has both).
        settings = self.actions.read(get_site).settings
        self.tabs.setTabVisible(TAB_BEDS, settings.uses_beds)
        self.tabs.setTabVisible(TAB_EXCLUSIONS, settings.profile.uses(Part.EXCLUSIONS))
        # Expected arrivals (prison releases, hospital discharges, hostel swaps) are a hub's.
        self.tabs.setTabVisible(TAB_EXPECTED, settings.profile.kind is ServiceKind.HUB)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.status_strip)
        content = QVBoxLayout()
        content.setContentsMargins(16, 12, 16, 12)
        content.setSpacing(10)
        content.addWidget(self.night_banner)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addWidget(self.left, 1)
        columns.addWidget(self.tabs, 1)
        content.addLayout(columns, 1)
        layout.addLayout(content, 1)

        add_shortcut(self, "Ctrl+F", self.focus_search)  # F2 is the shell's: it works from every page
        add_shortcut(self, "Ctrl+N", self.start_add_guest)
        add_shortcut(self, "Ctrl+I", self.search_panel.open_selected_details)

        self.actions.changes_applied.connect(self._on_own_changes)
        self.search_panel.add_guest_requested.connect(self.start_add_guest)
        self.search_panel.details_requested.connect(self.open_guest)
        self.search_panel.signed_in.connect(self._follow_signed_in)
        self.add_guest.guest_saved.connect(self._guest_saved)
        self.add_guest.existing_chosen.connect(self._existing_chosen)
        self.add_guest.closed.connect(self.focus_search)
        self.feedback.closed.connect(self.focus_search)
        self.search_panel.feedback_requested.connect(self.start_feedback)
        self.details.edit_requested.connect(self.start_edit_guest)
        for panel in (self.in_now, self.bed_board, self.exclusions, self.details, self.duplicates, self.expected,
                      self.feedback):
            panel.message.connect(self._action_done)
        self.night_banner.message_for_page.connect(self._action_done)
        self.night_banner.visibility_changed.connect(self._make_room)
        for panel in (self.in_now, self.exclusions, self.duplicates):
            panel.details_requested.connect(self.open_guest)

        self._own_ticker = ticker is None
        self.ticker = ticker if ticker is not None else QTimer(self)
        if self._own_ticker:
            self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self.tick)
        self.refresh()

    # --- refreshing ------------------------------------------------------------------------------

    def _on_own_changes(self, changes: Changes) -> None:
        self.refresh(changes, own=True)
        self._last_emitted = changes
        self.changes_applied.emit(changes)
        self._last_emitted = None

    def apply_changes(self, changes: Changes) -> None:
        """Changes made elsewhere (another page, a sync pull): bring every panel up to date.
        Our own Changes coming back through the shell were applied already."""
        if changes is not self._last_emitted:
            self.refresh(changes)

    def refresh(self, changes: Changes | None = None, *, own: bool = False) -> None:
        # This page's own sign-ins, sign-outs, undos and beds re-read only what they can change (the
        # sign-in's path from Enter to the In now list painted, issue 9): never the exclusions or the
        # duplicates, the expected arrivals when one was linked, the bed board's beds when a bed moved
        # (its list of guests in follows who is in). Anything else, and changes from elsewhere, re-read all.
        visits_only = own and changes is not None and _only_visits(changes)
        if changes is not None and changes.touches(SITE):
            self.context.reload_site()
        self.context.reload_in_now()
        self.status_strip.refresh()
        self.night_banner.refresh()
        self.in_now.refresh()
        if visits_only and changes is not None and not changes.touches(BED):
            self.bed_board.guests_changed()
        else:
            self.bed_board.refresh()
        if not visits_only:
            self.exclusions.refresh()
        self.details.refresh()
        if not visits_only:
            self.duplicates.refresh()
        if not visits_only or (changes is not None and changes.touches(EXPECTED)):
            self.expected.refresh()
        self.search_panel.refresh()
        self._update_tab_titles()

    def stop(self) -> None:
        """The session is ending (sign-out, switch user): no more ticks against this desk."""
        self.ticker.stop()
        self._own_ticker = False

    def tick(self) -> None:
        """Time moved on: the period may have changed, exclusions may have ended, a night may begin."""
        if self.actions.desk.actor is None:
            return  # signed out while a tick was already queued
        self.context.reload_in_now()
        self.status_strip.refresh()
        self.night_banner.refresh(force=False)
        self.in_now.tick()
        self.bed_board.refresh()
        self.exclusions.tick()
        self.expected.model.refresh_text()  # "later" becomes due, due becomes late
        self.search_panel.refresh()
        self._update_tab_titles()

    def _update_tab_titles(self) -> None:
        self.tabs.setTabText(TAB_IN_NOW, f"In now ({len(self.context.in_now)})")
        count = self.exclusions.model.rowCount()
        self.tabs.setTabText(TAB_EXCLUSIONS, f"Exclusions ({count})" if count else "Exclusions")
        dupes = self.duplicates.model.rowCount()
        self.tabs.setTabText(TAB_DUPLICATES, f"Duplicates ({dupes})" if dupes else "Duplicates")
        due = self.expected.due_count()
        self.tabs.setTabText(TAB_EXPECTED, f"Expected ({due})" if due else "Expected")
        self.tabs.updateGeometry()  # a count in a title changes the tabs' width

    # --- keys and style ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Alt+1..8 choose "arrived via" while focus is anywhere on the desk. They are filtered on the
        # widget that has the focus (only while this page is shown, only for its own widgets: a key
        # goes to the focus widget first) because they must beat both the shell's Alt+number page
        # shortcuts (hence accepting the ShortcutOverride) and the search box, which would otherwise
        # type the digit. Not at the application: every event of every widget (each paint of each
        # keystroke) would pass through Python for it.
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) \
                and isinstance(watched, QWidget) and (watched is self or self.isAncestorOf(watched)):
            assert isinstance(event, QKeyEvent)
            via = arrival_for_key(event.key(), event.modifiers())
            if via is not None and self.left.currentWidget() is self.search_panel:
                # A key for an arrival this site does not offer does nothing (and opens no page).
                if event.type() == QEvent.Type.KeyPress and via in self.search_panel.arrival.offered:
                    self.search_panel.set_arrival(via)
                event.accept()
                return True
        return super().eventFilter(watched, event)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        app = QApplication.instance()
        if isinstance(app, QApplication) and self._following_focus:
            app.focusChanged.disconnect(self._filter_focus_widget)
            self._following_focus = False
        self._filter_focus_widget(None, None)

    def _filter_focus_widget(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Keep this page's key filter on the focus widget, when it is one of the page's own."""
        if self._filtered is not None and shiboken6.isValid(self._filtered):
            self._filtered.removeEventFilter(self)
        self._filtered = None
        if new is not None and (new is self or self.isAncestorOf(new)):
            new.installEventFilter(self)
            self._filtered = new

    def _action_done(self, tone: str, text: str) -> None:
        """An action finished (sign out, exclude, give bed, ...): say so, and put the cursor back in
        the search box, where the next person is looked up (finding 3)."""
        self.show_message(tone, text)
        self.focus_search()
        QTimer.singleShot(0, self, self._refocus_if_lost)  # with self: dropped if the page goes first

    def _refocus_if_lost(self) -> None:
        focused = QApplication.focusWidget()
        if focused is None or not self.isAncestorOf(focused) or not focused.isVisible():
            self.focus_search()

    def _follow_signed_in(self, guest_id: str) -> None:
        """The Guest tab shows the guest just signed in, never the one before (finding 2)."""
        if self.details.record is not None and self.details.record.id != guest_id:
            self.details.open_guest(guest_id)

    def _make_room(self, banner_shown: bool) -> None:
        panel = self.search_panel
        panel.hint_crowded = banner_shown
        panel.hint.setVisible(not banner_shown and not panel.search_box.text().strip())

    def focus_first(self) -> None:
        """The shell calls this when it shows the page."""
        self.focus_search()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        app = QApplication.instance()
        if isinstance(app, QApplication) and not self._following_focus:
            app.focusChanged.connect(self._filter_focus_widget)
            self._following_focus = True
            self._filter_focus_widget(None, app.focusWidget())
        if self._own_ticker and not self.ticker.isActive():
            self.ticker.start()
        self.focus_search()

    # --- navigation ------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.left.setCurrentWidget(self.search_panel)
        self.search_panel.focus_search()

    def show_tab(self, index: int) -> None:
        if self.tabs.isTabVisible(index):
            self.tabs.setCurrentIndex(index)
            self.tabs.currentWidget().setFocus()

    def show_message(self, tone: str, text: str) -> None:
        self.search_panel.banner.show_message(tone, text)

    def start_feedback(self) -> None:
        self.left.setCurrentWidget(self.feedback)
        self.feedback.start()

    def start_add_guest(self, name: str | None = None) -> None:
        typed = self.search_panel.search_box.text().strip() if name is None else name
        self.add_guest.start_add(typed)
        self.left.setCurrentWidget(self.add_guest)
        self.add_guest.name.setFocus()

    def start_edit_guest(self, record: GuestRecord) -> None:
        self.add_guest.start_edit(record)
        self.left.setCurrentWidget(self.add_guest)
        self.add_guest.name.setFocus()

    def open_guest(self, guest_id: str) -> None:
        self.details.open_guest(guest_id)
        self.tabs.setCurrentIndex(TAB_GUEST)

    def _show_guest_in_search(self, guest_id: str, name: str) -> None:
        """Put the guest in the results, highlighted, so Enter signs them in."""
        self.left.setCurrentWidget(self.search_panel)
        box = self.search_panel.search_box
        box.blockSignals(True)
        box.setText(name)
        box.blockSignals(False)
        self.search_panel.run_search(name)
        row = self.search_panel.model.row_of(guest_id)
        if row is not None:
            self.search_panel.results.setCurrentIndex(self.search_panel.model.index(row))
        box.setFocus()

    def _guest_saved(self, saved: object) -> None:
        if isinstance(saved, GuestRecord):
            self._show_guest_in_search(saved.id, saved.preferred_name)
            self.show_message("success", f"{saved.preferred_name} added. Press Enter to sign them in.")
        else:
            self.focus_search()
            self.show_message("success", "Changes saved.")

    def _existing_chosen(self, guest_id: str, name: str) -> None:
        self._show_guest_in_search(guest_id, name)


def build_front_desk_page(desk: DeskContext, shell: QWidget) -> FrontDeskPage:
    """The factory for the shell's page list: Changes flow both ways between page and shell."""
    page = FrontDeskPage(desk)
    apply_elsewhere = getattr(shell, "apply_changes", None)
    if callable(apply_elsewhere):
        page.changes_applied.connect(apply_elsewhere)
    changes_signal = getattr(shell, "changes_applied", None)
    if changes_signal is not None:
        changes_signal.connect(page.apply_changes)
    return page


def _only_visits(changes: Changes) -> bool:
    """This page's own sign-in (which may link an expected arrival), sign-out, undo or bed: they move
    a guest's last visit, never a name, so the duplicates list (every live guest read and compared:
    two seconds of each sign-in at the bench scale, issue 9) stays as it is, and so do the exclusions.
    Changes from elsewhere (an import, a sync pull) refresh them."""
    return changes.touches(VISIT) and changes.kinds <= {VISIT, GUEST, BED, EXPECTED}
