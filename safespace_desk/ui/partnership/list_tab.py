"""The by-name list tab: the meeting day and period, the filters, the list, the person beside it with
the "action agreed" line, adding someone the list should hold, and print, PDF or CSV.

Every read of the list goes through the service, which audits it (which list, how many); printing
and saving are audited the same way. Focus comes back to the list, on the same person, after each
action, so a meeting can go down the list with the keyboard.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelectionModel, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.partnership import ActionInput, ByNameList, ListFilter, ListRow
from safespace_desk.reports.partnership_export import list_file_name, list_summary, list_to_csv
from safespace_desk.services import partnership
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import Banner, describe_error, set_state
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import muted_label, section_title
from safespace_desk.ui.messages.guest_picker import GuestPicker
from safespace_desk.ui.messages.printing import choose_printer, new_printer
from safespace_desk.ui.partnership import documents
from safespace_desk.ui.partnership.list_model import GUEST_ID_ROLE, ByNameListModel
from safespace_desk.ui.partnership.person_panel import PersonPanel
from safespace_desk.ui.service_actions import ServiceActions
from safespace_desk.ui.shell import MainShell

# Share of the table's width per column (name, last seen, visits); the action agreed takes the rest.
COLUMN_SHARES = (0.36, 0.22, 0.15)
PANEL_WIDTH = 440
CELL_PADDING = 18  # the theme's cell padding and grid line, with room to spare


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setAccessibleName(name)
    return edit


class ListTable(QTableView):
    """Columns share the width (never wider than the box), text wraps, rows grow to fit."""

    def resizeEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)  # type: ignore[arg-type]
        self.fit()

    def fit(self) -> None:
        share_columns(self, COLUMN_SHARES)


def share_columns(table: QTableView, shares: tuple[float, ...]) -> None:
    """Set every column's width from the viewport's: the listed shares, and the rest to the last column
    (set here, not stretched by the header, so rows are measured at the widths they are shown at);
    then make each row as tall as its tallest wrapped cell, so nothing is cut short."""
    model = table.model()
    if model is None:
        return
    width = table.viewport().width()
    font = QFont(table.horizontalHeader().font())
    font.setBold(True)  # the theme draws headings in bold
    heading = QFontMetrics(font)
    least = [heading.horizontalAdvance(str(model.headerData(c, Qt.Orientation.Horizontal) or "")) + CELL_PADDING
             for c in range(model.columnCount())]
    widths = [max(int(width * share), least[c]) for c, share in enumerate(shares)]
    widths.append(width - sum(widths))
    # Large text: the last column gives up nothing below its heading; the others make room for it.
    short = least[-1] - widths[-1]
    spare = [max(0, w - least[c]) for c, w in enumerate(widths[:-1])]
    if short > 0 and sum(spare):
        for c, room in enumerate(spare):
            widths[c] -= min(room, round(short * room / sum(spare)))
        widths[-1] = width - sum(widths[:-1])
    for column, column_width in enumerate(widths):
        table.setColumnWidth(column, max(20, column_width))
    metrics = table.fontMetrics()
    flags = int(Qt.TextFlag.TextWordWrap)
    for row in range(model.rowCount()):
        tallest = 0
        for column in range(model.columnCount()):
            text = str(model.index(row, column).data() or "")
            box = QRect(0, 0, max(10, table.columnWidth(column) - CELL_PADDING), 10_000)
            tallest = max(tallest, metrics.boundingRect(box, flags, text).height())
        table.setRowHeight(row, tallest + CELL_PADDING)


class ByNameListTab(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        self._actions = ServiceActions(desk, self)
        self._zone = get_site(desk).zone
        self.listing: ByNameList | None = None
        self.export_dir = Path.home()
        self._loading = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(8)
        top = FlowLayout(spacing=8)
        self.meeting = _date_edit("Meeting on")
        self.first_day = _date_edit("Period from")
        self.last_day = _date_edit("Period to")
        for text, edit in (("&Meeting on", self.meeting), ("Period &from", self.first_day), ("&to", self.last_day)):
            caption = QLabel(text)
            caption.setBuddy(edit)
            top.addWidget(caption)
            top.addWidget(edit)
        self.since_last = QPushButton("Since the last meeting")
        self.since_last.setToolTip("Set the period back to the one since the last meeting")
        self.since_last.clicked.connect(lambda: self.plan_for(self.meeting.date().toPython()))
        top.addWidget(self.since_last)
        layout.addLayout(top)
        self.meeting.dateChanged.connect(lambda _d: self._meeting_changed())
        self.first_day.dateChanged.connect(lambda _d: self.refresh())
        self.last_day.dateChanged.connect(lambda _d: self.refresh())

        filters = FlowLayout(spacing=8)
        self.filter_buttons: dict[ListFilter, QPushButton] = {}
        for chosen in ListFilter:
            button = QPushButton(chosen.label)
            button.setCheckable(True)
            button.setProperty("chip", True)
            button.setAccessibleName(f"Show only: {chosen.label}")
            button.setToolTip(f"Show only the people who are: {chosen.label.lower()} (with the other filters chosen)")
            button.toggled.connect(lambda _on: self.refresh())
            filters.addWidget(button)
            self.filter_buttons[chosen] = button
        self.print_button = shortcut_button("Print…", "Ctrl+P", self.print_with_dialog, parent=self, page=self)
        self.pdf_button = QPushButton("&PDF…")  # Alt+F is the period's "from"
        self.csv_button = QPushButton("CS&V…")
        self.pdf_button.clicked.connect(lambda: self.save_with_dialog("pdf"))
        self.csv_button.clicked.connect(lambda: self.save_with_dialog("csv"))
        for button in (self.print_button, self.pdf_button, self.csv_button):
            filters.addWidget(button)
        layout.addLayout(filters)
        self.status = muted_label()
        self.status.setObjectName("listStatus")
        layout.addWidget(self.status)
        self.banner = Banner()
        layout.addWidget(self.banner)

        body = QHBoxLayout()
        body.setSpacing(12)
        left = QVBoxLayout()
        self.model = ByNameListModel(self._zone, self)
        self.table = ListTable()
        self.table.setObjectName("byNameList")
        self.table.setModel(self.model)
        self.table.setAccessibleName("By-name list")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.table.verticalHeader().hide()
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setMinimumHeight(200)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _prev: self._show_person(current.row()))
        left.addWidget(self.table, 1)
        left.addWidget(section_title("Add someone the meeting agreed to add"))
        adding = QHBoxLayout()
        self.picker = GuestPicker(self._actions, allow_free_text=False,
                                  placeholder="Their name (someone outreach knows is fine)")
        self.add_button = shortcut_button("Add to the list", None, self._add_picked, parent=self)
        adding.addWidget(self.picker, 1)
        adding.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        left.addLayout(adding)
        body.addLayout(left, 1)
        self.person = PersonPanel(self._zone)
        self.person.save_requested.connect(self._save_action)
        self.person.done_requested.connect(self._mark_done)
        self.person.join_requested.connect(lambda guest_id: self._membership(partnership.join_list, guest_id, "added to"))
        self.person.leave_requested.connect(lambda guest_id: self._membership(partnership.leave_list, guest_id,
                                                                              "taken off"))
        # The panel scrolls on its own, so the page fits the screen and the list keeps its height.
        self.person_scroll = QScrollArea()
        self.person_scroll.setObjectName("personScroll")
        self.person_scroll.setWidget(self.person)
        self.person_scroll.setWidgetResizable(True)
        self.person_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.person_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.person_scroll.setMaximumWidth(PANEL_WIDTH)
        self.person_scroll.setMinimumWidth(PANEL_WIDTH - 60)
        self.person_scroll.setMinimumHeight(200)
        body.addWidget(self.person_scroll, 0)
        layout.addLayout(body, 1)
        shell.changes_applied.connect(self._on_changes)

    # -- the meeting and the period ----------------------------------------------------------------
    def start(self) -> None:
        """Open on the meeting being prepared (read when the tab is first looked at)."""
        self.plan_for(None)

    def plan_for(self, meeting_day: date | None) -> None:
        try:
            plan = partnership.meeting_plan(self._desk, meeting_day)
        except DeskError as error:
            self.banner.show_message(describe_error(error))
            return
        self._loading = True
        try:
            self.meeting.setDate(_qdate(plan.meeting_day))
            self.first_day.setDate(_qdate(plan.first_day))
            self.last_day.setDate(_qdate(plan.last_day))
        finally:
            self._loading = False
        self.refresh()

    def _meeting_changed(self) -> None:
        if not self._loading:
            self.plan_for(self.meeting.date().toPython())

    @property
    def chosen_filters(self) -> set[ListFilter]:
        return {f for f, button in self.filter_buttons.items() if button.isChecked()}

    def refresh(self, keep: str | None = None) -> None:
        if self._loading:
            return
        keep = keep or self.selected_guest()
        meeting, first, last = (edit.date().toPython() for edit in (self.meeting, self.first_day, self.last_day))
        chosen = self.chosen_filters
        self._shell.runner.run(lambda: partnership.by_name_list(self._desk, meeting, first, last, chosen),
                               lambda listing: self._show(listing, keep),
                               lambda error: self.banner.show_message(describe_error(error)))

    def _show(self, listing: ByNameList, keep: str | None) -> None:
        self.listing = listing
        self.model.set_rows(listing.rows, listing.meeting_day, listing.as_of)
        self.table.fit()
        since = (f"since the meeting on {listing.previous_meeting.day} {listing.previous_meeting:%b %Y}"
                 if listing.previous_meeting else "no earlier meeting recorded")
        due = listing.actions_due()
        overdue = sum(1 for a in due if a.overdue_on(listing.meeting_day))
        actions = f" · {len(due)} action{'s' if len(due) != 1 else ''} from earlier meetings due" + (
            f" ({overdue} overdue)" if overdue else "") if due else ""
        self.status.setText(f"{list_summary(listing)} · {since}{actions}")
        set_state(self.status, "muted", not listing.left_off)
        row = self.model.index_of(keep) if keep else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self._show_person(row if row is not None else -1)

    def _show_person(self, index: int) -> None:
        row = self.model.row_at(index)
        self.person.show_row(row, self.listing.meeting_day if self.listing else date.today())

    def selected_guest(self) -> str | None:
        index = self.table.currentIndex()
        return str(index.data(GUEST_ID_ROLE)) if index.isValid() else None

    def selected_row(self) -> ListRow | None:
        return self.model.row_at(self.table.currentIndex().row())

    def select_guest(self, guest_id: str) -> None:
        row = self.model.index_of(guest_id)
        if row is not None:
            self.table.selectRow(row)

    def _on_changes(self, changes: Changes) -> None:
        if self.listing is not None and changes.touches("guest", "visit", "message", "exclusion", "triage", "partnership"):
            self.refresh()

    # -- the meeting's decisions ------------------------------------------------------------------
    def _meeting_day(self) -> date:
        return self.meeting.date().toPython()

    def _save_action(self, guest_id: str, entry: ActionInput) -> None:
        try:
            self._actions.run(partnership.agree_action, guest_id, self._meeting_day(), entry)
        except DeskError as error:
            self.person.show_error(error)
            return
        self._done(guest_id, f"The action agreed for {self._name(guest_id)} is saved with this meeting.")

    def _mark_done(self, action_id: str) -> None:
        guest_id = self.selected_guest()
        try:
            self._actions.run(partnership.mark_action_done, action_id, self._meeting_day())
        except DeskError as error:
            self.person.show_error(error)
            return
        self._done(guest_id, "The last action is marked done at this meeting.")

    def _membership(self, call: object, guest_id: str, what: str) -> None:
        name = self._name(guest_id)
        try:
            self._actions.run(call, guest_id, self._meeting_day())  # type: ignore[arg-type]
        except DeskError as error:
            self.banner.show_message(describe_error(error))
            return
        self._done(guest_id, f"{name} is {what} the list, as agreed at this meeting.")

    def _add_picked(self) -> None:
        guest_id = self.picker.guest_id
        if guest_id is None:
            self.banner.show_message("Choose the person first: type two or three letters of their name.")
            self.picker.setFocus()
            return
        self._membership(partnership.join_list, guest_id, "added to")
        self.picker.reset()

    def _done(self, guest_id: str | None, message: str) -> None:
        self.banner.show_message(message, "success")
        self.refresh(keep=guest_id)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _name(self, guest_id: str) -> str:
        index = self.model.index_of(guest_id)
        row = self.model.row_at(index) if index is not None else None
        return row.name if row else (self.picker.typed_name or "They")

    # -- paper and files -------------------------------------------------------------------------
    def html(self) -> str:
        assert self.listing is not None
        actor = self._desk.require_actor()
        return documents.list_html(self.listing, get_site(self._desk).name, self._zone, actor.name,
                                   self._desk.clock.now())

    def print_with_dialog(self) -> None:
        if self.listing is None:
            return
        printer = new_printer(documents.list_title(self.listing), landscape=True)
        if choose_printer(self, printer):
            self.print_to(printer)

    def print_to(self, printer: object) -> None:
        """Print the list shown (audited as printed: which list, how many)."""
        if self.listing is None:
            return
        try:
            partnership.record_output(self._desk, self.listing, "print")
            documents.print_list_to(printer, self.html())  # type: ignore[arg-type]
        except DeskError as error:
            self.banner.show_message(describe_error(error))
            return
        self.banner.show_message(f"Sent the list for the meeting on {self.listing.meeting_day:%-d %b} to the "
                                 "printer.", "success")

    def save_with_dialog(self, kind: str) -> None:
        if self.listing is None:
            return
        start = str(self.export_dir / list_file_name(self.listing, kind))
        chosen = "PDF (*.pdf)" if kind == "pdf" else "CSV spreadsheet (*.csv)"
        path, _ = QFileDialog.getSaveFileName(self, f"Save the by-name list as {kind.upper()}", start, chosen)
        if path:
            self.save(kind, Path(path))

    def save(self, kind: str, path: Path) -> Path | None:
        """Save the list shown as PDF or CSV (audited as exported: which list, how many)."""
        if self.listing is None:
            return None
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
        try:
            partnership.record_output(self._desk, self.listing, kind)
            if kind == "pdf":
                documents.write_list_pdf(self.html(), path, documents.list_title(self.listing))
            else:
                path.write_text(list_to_csv(self.listing, self._zone), encoding="utf-8", newline="")
        except DeskError as error:
            self.banner.show_message(describe_error(error))
            return None
        except OSError as error:
            self.banner.show_message(f"The list could not be saved to {path.name} ({error.strerror or error}). "
                                     "Check the folder exists and the USB stick is in, then try again.")
            return None
        self.export_dir = path.parent
        self.banner.show_message(f"Saved {path.name} in {path.parent}.", "success")
        return path
