"""Find a guest and sign them in: the search box, "arrived via", the feedback banner and results.

The whole flow works from the keyboard: type two or three letters (or scan a card), Up/Down to pick,
Enter to sign in. The box is cleared and focused again for the next person.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLineEdit, QListView, QVBoxLayout, QWidget

from safespace_desk.domain.casework import VisitMode
from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.guests import ArrivedVia, arrivals_offered, looks_like_card_code
from safespace_desk.domain.profile import ServiceKind
from safespace_desk.services import search, visits
from safespace_desk.services.frontdesk_common import SignInBlocked
from safespace_desk.services.overrides import Override, OverrideAction
from safespace_desk.services.search import GuestHit
from safespace_desk.services.site import get_site
from safespace_desk.ui.desk.arrival_selector import ArrivalSelector
from safespace_desk.ui.desk.banners import Banner
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.desk.inline_forms import DestinationPromptForm, TextPromptForm
from safespace_desk.ui.desk.mode_selector import ModeSelector
from safespace_desk.ui.desk.override_form import OverrideForm
from safespace_desk.ui.desk.results_delegate import GuestResultDelegate, row_height
from safespace_desk.ui.desk.results_model import GuestResultsModel
from safespace_desk.ui.desk.status_context import StatusContext
from safespace_desk.ui.kit.formatting import hit_badges, messages_text
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import muted_label
from safespace_desk.ui.messages.deliver_dialog import MessagesWaitingBanner

_MOVE_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


class ResultsList(QListView):
    """Never shorter than one whole guest (name and pills), and asking for no more: it takes the
    rest of the column. Qt's default wish (192 px) made the desk's height for its width taller than
    the screen, so the page scrolled when it did not need to; the old 60 px floor showed half a name."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(super().minimumSizeHint().width(), row_height(self.font()) + 2 * self.frameWidth())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(super().sizeHint().width(), self.minimumSizeHint().height())


class SearchPanel(QWidget):
    add_guest_requested = Signal(str)  # the name typed so far
    feedback_requested = Signal()
    details_requested = Signal(str)  # guest id
    signed_in = Signal(str)  # guest id, once their sign-in is saved

    def __init__(self, actions: DeskActions, context: StatusContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self._actions = actions
        self._context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("guestSearch")
        self.search_box.setPlaceholderText("Find: name or card")  # fits half the desk in Large text
        self.search_box.setToolTip("Find a guest (Ctrl+F or F2). Enter signs in the highlighted guest.")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName("Find a guest")
        layout.addWidget(self.search_box)

        is_hub = actions.read(get_site).settings.profile.kind is ServiceKind.HUB
        self.arrival = ArrivalSelector(self, arrivals_offered(is_hub))
        layout.addWidget(self.arrival)

        # Walk-in, online or phone: only at a crisis service or haven (a hub's guests all walk in).
        self.mode = ModeSelector(self, self)
        self.mode.setVisible(not is_hub)
        layout.addWidget(self.mode)

        self.banner = Banner(self, name="deskBanner")
        layout.addWidget(self.banner)

        # "N messages waiting": shown for the highlighted or just-signed-in guest, never blocking.
        self.messages_banner = MessagesWaitingBanner(actions.desk, self)
        self.messages_banner.changes_made.connect(actions.changes_applied)
        layout.addWidget(self.messages_banner)

        # The newcomer's hint gives way when a banner above needs the room (768 px high).
        self.hint_crowded = False
        self.hint = muted_label("Type two or three letters of any name they use. The people seen most "
                                "recently come first. Ctrl+N adds a new guest.", self)
        layout.addWidget(self.hint)

        self.model = GuestResultsModel(self)
        self.results = ResultsList(self)
        self.results.setObjectName("guestResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(GuestResultDelegate(self.results))
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setUniformItemSizes(False)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setAccessibleName("Guests found")
        layout.addWidget(self.results, 1)
        # A guest's own feedback (anonymous) is not about anyone found here: its way in sits apart.
        feedback_row = QHBoxLayout()
        feedback_row.addStretch(1)
        self.feedback_button = shortcut_button("Guest feedback…", "Ctrl+G", self.feedback_requested.emit,
                                               parent=self, kind="quiet",
                                               tooltip="A guest's own short feedback, anonymous")
        feedback_row.addWidget(self.feedback_button)
        layout.addLayout(feedback_row)

        self.search_box.textChanged.connect(self._on_text_changed)
        self.search_box.returnPressed.connect(self.activate_selected)
        self.search_box.installEventFilter(self)
        self.results.activated.connect(lambda _index: self.activate_selected())
        self.results.doubleClicked.connect(lambda index: self._open_details(index.row()))

    # --- searching ------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _on_text_changed(self, text: str) -> None:
        if self.banner.property("tone") in ("danger", "warning", "info") and self.banner.isVisible():
            self.banner.dismiss()  # a new search means the last problem has been dealt with
        self.run_search(text)

    def run_search(self, text: str | None = None, *, keep_selection: bool = False) -> None:
        text = self.search_box.text() if text is None else text
        selected = self.selected_hit().guest_id if keep_selection and self.selected_hit() else None
        typed = text.strip()
        hits = self._actions.read(search.find_guests, typed) if typed else []
        now, zone = self._context.now(), self._context.zone
        badges = [hit_badges(h, zone, now, self._context.bed_of_visit(h.visit_id)) for h in hits]
        add_text = None if not typed or looks_like_card_code(typed) else typed
        self.model.set_results(hits, badges, add_text)
        self.hint.setVisible(not typed and not self.hint_crowded)
        row = self.model.row_of(selected) if selected else None
        if typed and not hits:
            self.messages_banner.show_for(None)  # a new search found nobody: the old count is stale
        self._select_row(row if row is not None else 0)

    def refresh(self) -> None:
        """Time passed or the store changed: re-run the search, keeping the highlighted guest."""
        self.run_search(keep_selection=True)

    def _select_row(self, row: int) -> None:
        if self.model.rowCount() == 0:
            return
        row = max(0, min(row, self.model.rowCount() - 1))
        index = self.model.index(row)
        self.results.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.results.scrollTo(index)
        self._show_waiting_messages(self.model.hit(row))

    def _show_waiting_messages(self, hit: GuestHit | None) -> None:
        if hit is not None and hit.messages_waiting:
            # The counts the search read a moment ago: typing never waits on the messages themselves.
            self.messages_banner.show_counts(hit.guest_id, hit.name, hit.messages_waiting, hit.urgent_messages)
        elif hit is not None or self.messages_banner.guest_id is None:
            self.messages_banner.show_for(None)

    def selected_row(self) -> int:
        index = self.results.currentIndex()
        return index.row() if index.isValid() else -1

    def selected_hit(self) -> GuestHit | None:
        return self.model.hit(self.selected_row())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up/Down in the search box move the highlight, so hands never leave the keyboard row.
        if watched is self.search_box and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in _MOVE_KEYS and self.model.rowCount():
                step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -5,
                        Qt.Key.Key_PageDown: 5}[Qt.Key(event.key())]
                self._select_row(self.selected_row() + step)
                return True
            if event.key() == Qt.Key.Key_Escape:
                if self.search_box.text():
                    self.search_box.clear()
                else:
                    self.banner.dismiss()
                return True
        return super().eventFilter(watched, event)

    # --- Enter: sign in, or offer sign-out, or add ------------------------------------------------

    def activate_selected(self) -> None:
        typed = self.search_box.text().strip()
        if looks_like_card_code(typed):
            self.run_search(typed)  # a scanner types fast: make sure the results match the code
        row = self.selected_row()
        if self.model.rowCount() == 0:
            if typed and looks_like_card_code(typed):
                self.banner.show_message("warning", "No guest has that card.",
                                         "Check the card, or find the guest by name.")
            elif typed:
                self.add_guest_requested.emit(typed)
            return
        if self.model.is_add_row(row):
            self.add_guest_requested.emit(self.model.add_text or typed)
            return
        hit = self.model.hit(row)
        if hit is None:
            return
        if hit.visit_id is not None:
            self.offer_sign_out(hit)
        else:
            self.sign_in(hit)

    def sign_in(self, hit: GuestHit, override: Override | None = None,
                on_error: Callable[[DeskError], None] | None = None) -> bool:
        via = self.arrival.value()
        mode = self.mode.value() if self.mode.isVisibleTo(self) else VisitMode.IN_PERSON
        try:
            result = self._actions.run(visits.sign_in, hit.guest_id, via, override=override, mode=mode)
        except SignInBlocked as blocked:
            if override is not None and on_error is not None:
                on_error(blocked)
            else:
                self.show_blocked(hit, blocked)
            return False
        except DeskError as err:
            if on_error is not None:
                on_error(err)
            else:
                self.banner.show_message("danger", f"{hit.name} was not signed in.", err.message)
            return False
        parts = [f"{result.guest_name} signed in"]
        if result.bed:
            parts.append(result.bed)
        parts.append(f"via {via.label}")
        if mode is not VisitMode.IN_PERSON:
            parts.append(mode.label.lower())
        details = []
        if result.age_warning:
            details.append(result.age_warning)
        if result.expected:
            details.append(result.expected)
        if result.appointments:
            details.append(result.appointments)
        if result.keep_apart:
            details.insert(0, result.keep_apart)
        if result.overridden and override is not None:
            details.append(f"Override recorded (by {override.lead_name}): {override.reason}")
        if hit.messages_waiting:
            details.append(messages_text(hit.messages_waiting, hit.urgent_messages)
                           + ": pass them on now (Ctrl+M).")
        self.banner.show_message("warning" if result.age_warning or result.keep_apart else "success", " · ".join(parts),
                                 "\n".join(details))
        self.banner.add_action("Undo", "Ctrl+Z", lambda: self._undo_sign_in(result.visit_id, result.guest_name),
                               kind="quiet")
        self._ready_for_next()
        # After _ready_for_next (which clears the search): the banner stays for the guest just signed in.
        if hit.messages_waiting:
            self.messages_banner.show_for(result.guest_id)
        self.signed_in.emit(result.guest_id)
        return True

    def _ready_for_next(self) -> None:
        self.arrival.reset()
        self.mode.reset()
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.run_search("")
        self.search_box.setFocus()

    def _undo_sign_in(self, visit_id: str, name: str) -> None:
        try:
            self._actions.run(visits.undo_sign_in, visit_id)
        except DeskError as err:
            self.banner.show_message("danger", "Could not undo the sign-in.", err.message)
            return
        self.banner.show_message("info", f"Sign-in of {name} undone.", "It stays in the record, marked undone.")
        self.search_box.setFocus()

    def show_blocked(self, hit: GuestHit, blocked: SignInBlocked) -> None:
        tone = "danger" if blocked.kind == "excluded" else "warning"
        self.banner.show_message(tone, blocked.message,
                                 "A shift lead can let them in with a reason; it is recorded.")
        self.banner.setProperty("blocked_guest", hit.guest_id)
        self.banner.add_action("Override (lead)…", "Ctrl+O", lambda: self.show_override_form(hit),
                               kind="danger" if tone == "danger" else None)
        # Esc in the search box (where focus stays) clears the name and with it this banner. Not a
        # shortcut of the button's own: Esc is every inline form's Cancel, and Ctrl+Esc is the Start
        # menu on Windows.
        self.banner.add_action("Not now · Esc", None, self._back_to_search, kind="quiet")

    def show_override_form(self, hit: GuestHit) -> OverrideForm:
        form = OverrideForm(self._actions, action=OverrideAction.SIGN_IN, submit_text="Let them in",
                            reason_hint="Why they are let in", parent=self.banner)
        form.authorised.connect(lambda override: self.sign_in(hit, override, on_error=form.show_error))
        form.cancelled.connect(self._back_to_search)
        # The form has its own Cancel: hide the banner's buttons and hint to leave room for it.
        for button in self.banner.buttons():
            button.hide()
        self.banner.detail.hide()
        self.banner.set_body(form)
        form.focus_first()
        return form

    def offer_sign_out(self, hit: GuestHit) -> None:
        when = hit_badges(hit, self._context.zone, self._context.now(),
                          self._context.bed_of_visit(hit.visit_id))
        status = next((b.text for b in when if b.kind == "in"), "In now")
        self.banner.show_message("info", f"{hit.name} is in already ({status[0].lower()}{status[1:]}).",
                                 "Sign them out? Where they are going is optional.")
        form = DestinationPromptForm(self._context.place_names(), label="Where to:", submit_text="Sign out",
                                     cancel_text="Keep in", parent=self.banner, name="signOutPrompt")
        form.submitted.connect(lambda where: self._sign_out(hit, where, form))
        form.cancelled.connect(self._back_to_search)
        self.banner.set_body(form)
        form.start()

    def _sign_out(self, hit: GuestHit, where: str, form: TextPromptForm) -> None:
        assert hit.visit_id is not None
        try:
            self._actions.run(visits.sign_out, hit.visit_id, where or None)
        except DeskError as err:
            form.show_error(err)
            return
        visit_id = hit.visit_id
        self.banner.show_message("success", f"{hit.name} signed out" + (f" · to {where}" if where else ""))
        self.banner.add_action("Undo", "Ctrl+Z", lambda: self._undo_sign_out(visit_id, hit.name), kind="quiet")
        self._ready_for_next()

    def _undo_sign_out(self, visit_id: str, name: str) -> None:
        try:
            self._actions.run(visits.undo_sign_out, visit_id)
        except DeskError as err:
            self.banner.show_message("danger", "Could not undo the sign-out.", err.message)
            return
        self.banner.show_message("info", f"{name} is signed in again.", "The sign-out stays in the record.")
        self.search_box.setFocus()

    def _back_to_search(self) -> None:
        self.banner.dismiss()
        self.search_box.setFocus()

    def _open_details(self, row: int) -> None:
        hit = self.model.hit(row)
        if hit is not None:
            self.details_requested.emit(hit.guest_id)

    def open_selected_details(self) -> None:
        self._open_details(self.selected_row())

    def set_arrival(self, via: ArrivedVia) -> None:
        self.arrival.set_value(via)
