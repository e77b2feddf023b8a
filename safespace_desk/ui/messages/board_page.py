"""The message board page: every message left for guests, urgent first, with filters, a search,
the side panel for one message, new/link/withdraw forms, and outcomes for agencies."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.messages import MessageState, MessageView, outcome_line
from safespace_desk.services import messages
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.messages import BoardFilter
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.formatting import for_whom, full_date_time, state_text, until_text
from safespace_desk.ui.kit.forms import PAGE_MARGINS
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import (
    InlineBanner,
    apply_page_style,
    label,
    page_title,
    panel,
    section_title,
)
from safespace_desk.ui.messages.actions import MESSAGE_KINDS, ServiceActions
from safespace_desk.ui.messages.board_model import Column, MessageBoardModel
from safespace_desk.ui.messages.deliver_dialog import DeliverDialog
from safespace_desk.ui.messages.message_form import LinkForm, NewMessageForm, WithdrawForm
from safespace_desk.ui.messages.outcomes_view import AgencyOutcomesView
from safespace_desk.ui.messages.printing import escape, print_html, wrap_html

# Chip text with a mnemonic: Alt+letter picks the filter.
_FILTER_CHIPS = ((BoardFilter.WAITING, "&Waiting"), (BoardFilter.URGENT, "&Urgent"),
                 (BoardFilter.IN_NOW, "For guests &in now"), (BoardFilter.UNLINKED, "Not yet &linked"),
                 (BoardFilter.DELIVERED, "Deli&vered"), (BoardFilter.NOT_PASSED_ON, "Not &passed on"),
                 (BoardFilter.EXPIRED, "E&xpired"), (BoardFilter.ALL, "&All"))
_DETAIL, _NEW, _LINK, _WITHDRAW = range(4)


class MessageBoardPage(QWidget):
    changes_made = Signal(object)  # Changes: forward to the shell's apply_changes

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.actions = ServiceActions(desk, self)
        self.actions.changes_made.connect(self._after_own_change)
        self.site = self.actions.read(get_site)
        self.filter = BoardFilter.WAITING
        self.deliver_dialog: DeliverDialog | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(page_title("Messages for guests"))
        top.addStretch(1)
        self.new_button = shortcut_button("New message", "Ctrl+N", self.start_new_message, kind="primary",
                                          page=self)
        top.addWidget(self.new_button)
        outer.addLayout(top)
        self.banner = InlineBanner()
        outer.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_board(), "&Board")
        self.outcomes = AgencyOutcomesView(self.actions)
        self.tabs.addTab(self.outcomes, "Agency &outcomes")
        self.tabs.currentChanged.connect(self._tab_changed)
        outer.addWidget(self.tabs, 1)
        add_shortcut(self, "Ctrl+F", self.focus_search)
        self.refresh()

    # --- building -----------------------------------------------------------------------------

    def _build_board(self) -> QWidget:
        board = QWidget()
        layout = QVBoxLayout(board)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        chips = QHBoxLayout()
        chips.setSpacing(6)
        self.filter_group = QButtonGroup(self)
        self.filter_buttons: dict[BoardFilter, QPushButton] = {}
        for which, text in _FILTER_CHIPS:
            chip = QPushButton(text)
            chip.setCheckable(True)
            chip.setProperty("chip", True)
            chip.setToolTip(f"Show: {which.label}")
            chip.clicked.connect(lambda _checked=False, w=which: self.set_filter(w))
            self.filter_group.addButton(chip)
            self.filter_buttons[which] = chip
            chips.addWidget(chip)
        self.filter_buttons[self.filter].setChecked(True)
        chips.addStretch(1)
        layout.addLayout(chips)

        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search names, agencies and text (Ctrl+F)")
        self.search.setAccessibleName("Search messages")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self.refresh())
        self.agency = QComboBox()
        self.agency.setAccessibleName("Agency")
        self.agency.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.agency.addItem("All agencies", None)
        for agency in self.actions.read(messages.list_agencies, include_inactive=True):
            self.agency.addItem(agency.name, agency.id)
        self.agency.currentIndexChanged.connect(lambda _i: self.refresh())
        row.addWidget(self.search, 3)
        row.addWidget(self.agency, 1)
        layout.addLayout(row)

        body = QHBoxLayout()
        body.setSpacing(12)
        self.model = MessageBoardModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Messages")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        # Who the message is for matters most: it takes the width left over, and long agency names
        # ("Drug and alcohol treatment") are elided rather than squeezing it.
        header.setSectionResizeMode(Column.FOR_WHOM, QHeaderView.ResizeMode.Stretch)
        for column, width in ((Column.AGENCY, 130), (Column.CATEGORY, 110)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Never sideways scrolling at 1366 wide: when the columns do not all fit, "Received" (also in
        # the detail beside the table) gives way first.
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.installEventFilter(self)
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        body.addWidget(self.table, 3)
        self.side = QStackedWidget()
        # 320 wide, or wider where a button needs it (Large text): its words and keys stay whole.
        self.side.setMinimumWidth(320)
        self.side.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.side.addWidget(self._build_detail())
        self.new_form = NewMessageForm(self.actions)
        self.new_form.saved.connect(self._message_saved)
        self.link_form = LinkForm(self.actions)
        self.link_form.linked.connect(lambda mid: self._side_done(mid, "Linked. It now waits for that guest."))
        self.withdraw_form = WithdrawForm(self.actions)
        self.withdraw_form.withdrawn.connect(lambda mid: self._side_done(mid, "Withdrawn. It has left the board."))
        for form in (self.new_form, self.link_form, self.withdraw_form):
            frame, frame_layout = panel()
            frame_layout.addWidget(form)
            form.cancelled.connect(self._back_to_detail)
            self.side.addWidget(frame)
        body.addWidget(self.side)
        layout.addLayout(body, 1)
        return board

    def _build_detail(self) -> QWidget:
        frame, layout = panel()
        self.detail_title = section_title("")
        self.detail_title.setWordWrap(True)
        self.detail_meta = label(muted=True)
        self.detail_body = label()
        self.detail_body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_outcome = label(muted=True)
        # The text scrolls, the buttons never move: with Large text a long message still fits.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        text = QWidget()
        text.setObjectName("scrollBody")
        text_layout = QVBoxLayout(text)
        text_layout.setContentsMargins(0, 0, 4, 0)
        text_layout.setSpacing(8)
        for widget in (self.detail_title, self.detail_meta, self.detail_body, self.detail_outcome):
            text_layout.addWidget(widget)
        text_layout.addStretch(1)
        scroll.setWidget(text)
        layout.addWidget(scroll, 1)
        # Enter works through the table's "activated"; no window-wide Return shortcut to steal it.
        self.open_button = shortcut_button("Pass on…", None, self.open_selected, kind="primary")
        self.open_button.setText("Pass on… · Enter")
        self.open_button.setToolTip("Open this guest's waiting messages to pass them on (Enter)")
        self.link_button = shortcut_button("Link to guest", "Ctrl+K", self.start_link, page=self)
        self.withdraw_button = shortcut_button("Withdraw", "Ctrl+Shift+W", self.start_withdraw, page=self)
        self.copy_button = shortcut_button("Copy outcome", "Ctrl+Shift+C", self.copy_outcome, page=self)
        self.print_button = shortcut_button("Print outcome", "Ctrl+P", self.print_outcome, page=self)
        for button in (self.open_button, self.link_button, self.withdraw_button, self.copy_button,
                       self.print_button):
            layout.addWidget(button)
        return frame

    # --- data ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected_message()
        views = self.actions.read(messages.board, self.filter, agency_id=self.agency.currentData(),
                                  text=self.search.text())
        self.model.set_messages(views, self.site.zone, self.actions.desk.clock.now())
        row = self.model.row_of(selected.id) if selected else None
        if self.model.rowCount():
            self.table.selectRow(row if row is not None else 0)
        self._show_detail(self.selected_message())

    def apply_changes(self, changes: Changes) -> None:
        """The shell's ``changes_applied``: refresh when messages, guests or visits changed."""
        if changes.touches(*MESSAGE_KINDS):
            self.refresh()

    def _after_own_change(self, changes: Changes) -> None:
        self.refresh()
        self.changes_made.emit(changes)

    def set_filter(self, which: BoardFilter) -> None:
        self.filter = which
        self.filter_buttons[which].setChecked(True)
        self.refresh()

    def selected_message(self) -> MessageView | None:
        index = self.table.currentIndex() if hasattr(self, "table") else QModelIndex()
        return self.model.message(index.row()) if index.isValid() else None

    def select_message(self, message_id: str) -> bool:
        row = self.model.row_of(message_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Hide "Received", "About", then "Relevant until" (all in the detail beside the table) while the columns
        would not fit with a readable "For": never sideways scrolling at 1366 wide."""
        header = self.table.horizontalHeader()
        fixed = {Column.AGENCY: 130, Column.CATEGORY: 110, Column.FOR_WHOM: 160}

        def width(column: Column) -> int:
            return fixed.get(column) or max(header.sectionSizeHint(column), self.table.sizeHintForColumn(column))

        room = self.table.viewport().width() - 2
        shown = list(Column)
        for optional in (Column.RECEIVED, Column.CATEGORY, Column.RELEVANT_UNTIL):
            if sum(width(c) for c in shown) > room:
                shown.remove(optional)
        for column in (Column.RECEIVED, Column.CATEGORY, Column.RELEVANT_UNTIL):
            hide = column not in shown
            if header.isSectionHidden(column) != hide:
                header.setSectionHidden(column, hide)

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus()
        self.search.selectAll()

    def focus_first(self) -> None:
        """Called by the shell when the page is shown: keys go to the table."""
        self.table.setFocus()

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_detail(self.model.message(current.row()) if current.isValid() else None)

    def _show_detail(self, view: MessageView | None) -> None:
        has = view is not None
        for button in (self.copy_button, self.print_button):
            button.setEnabled(has)
        if view is None:
            self.detail_title.setText("No message chosen")
            self.detail_meta.setText("Nothing matches these filters." if not self.model.rowCount() else "")
            self.detail_body.clear()
            self.detail_outcome.clear()
            for button in (self.open_button, self.link_button, self.withdraw_button):
                button.setEnabled(False)
            return
        now = self.actions.desk.clock.now()
        zone = self.site.zone
        waiting = view.state_at(now) is MessageState.WAITING
        self.detail_title.setText(("URGENT · " if view.urgent and waiting else "") + for_whom(view))
        by = f" by {view.created_by_name}" if view.created_by_name else ""
        self.detail_meta.setText(
            f"From {view.agency}" + (f" · {view.contact}" if view.contact else "") + f" · {view.category.label}\n"
            f"Received {full_date_time(view.created_at, zone)}{by}\n"
            f"Relevant until: {until_text(view.relevant_until, zone, now)} · {state_text(view, zone, now)}")
        self.detail_body.setText(view.body)
        self.detail_outcome.setText(f"For the agency: {outcome_line(view, zone, now)}")
        self.open_button.setEnabled(waiting and view.linked)
        self.link_button.setEnabled(waiting and not view.linked)
        self.withdraw_button.setEnabled(view.state_at(now) not in (MessageState.DELIVERED, MessageState.WITHDRAWN))

    # --- actions ------------------------------------------------------------------------------

    def open_selected(self) -> DeliverDialog | None:
        """Enter on a waiting message: open that guest's waiting messages to pass them on."""
        view = self.selected_message()
        if view is None:
            return None
        if not view.linked:
            self.banner.show_message("info", "This message is not linked to a guest yet.",
                                     "Link it first (Ctrl+K); then it can be passed on when they come in.")
            return None
        if view.state_at(self.actions.desk.clock.now()) is not MessageState.WAITING or view.guest_id is None:
            return None
        dialog = DeliverDialog(self.actions.desk, view.guest_id, self)
        dialog.changes_made.connect(self._after_own_change)
        dialog.finished.connect(lambda _r: self.table.setFocus())
        self.deliver_dialog = dialog
        dialog.open()
        return dialog

    def start_new_message(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.banner.clear()
        self.side.setCurrentIndex(_NEW)
        now = self.actions.desk.clock.now()
        self.new_form.start(self.site.zone, now.astimezone(self.site.zone).date())

    def start_link(self) -> None:
        view = self.selected_message()
        if view is not None and not view.linked:
            self.side.setCurrentIndex(_LINK)
            self.link_form.start(view)

    def start_withdraw(self) -> None:
        view = self.selected_message()
        if view is not None and self.withdraw_button.isEnabled():
            self.side.setCurrentIndex(_WITHDRAW)
            self.withdraw_form.start(view)

    def copy_outcome(self) -> str:
        view = self.selected_message()
        if view is None:
            return ""
        line = self.actions.read(messages.describe_outcome, view.id)
        QGuiApplication.clipboard().setText(line)
        self.banner.show_message("success", "Outcome copied. Paste it into an email or note to the agency.", line)
        return line

    def print_outcome(self) -> None:
        view = self.selected_message()
        if view is None:
            return
        line = self.actions.read(messages.describe_outcome, view.id)
        html = wrap_html("Message outcome", f"<h1>Message outcome</h1><p>{escape(line)}</p>"
                                            f"<p class='muted'>{escape(self.site.name)}</p>")
        if print_html(self, html, "Message outcome"):
            self.banner.show_message("success", "Sent to the printer.")

    def _message_saved(self, message_id: str) -> None:
        # Show the new message even if the filter in force would hide it.
        if not self.select_message(message_id):
            self.set_filter(BoardFilter.ALL if self.filter is not BoardFilter.WAITING else self.filter)
            self.select_message(message_id)
        self._side_done(message_id, "Message saved. It will show at the desk when they come in.")

    def _side_done(self, message_id: str, text: str) -> None:
        self.banner.show_message("success", text)
        self.select_message(message_id)
        self._back_to_detail()

    def _back_to_detail(self) -> None:
        self.side.setCurrentIndex(_DETAIL)
        self._show_detail(self.selected_message())
        self.table.setFocus()

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.outcomes:
            now = self.actions.desk.clock.now()
            self.outcomes.prepare(now.astimezone(self.site.zone).date())

    def showEvent(self, event: QShowEvent) -> None:
        # Messages expire with time, so the board is re-read whenever it comes into view.
        super().showEvent(event)
        self.refresh()
