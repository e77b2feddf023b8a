"""The handover page: write one from the automatic snapshot plus notes and follow-ups, and browse,
acknowledge, print or save past handovers as PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.services import audit, handover, shiftlog
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.handover import HandoverView
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.colours import DAY, NIGHT
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.formatting import full_date_time
from safespace_desk.ui.kit.forms import PAGE_MARGINS, FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.theme import night_colours_in_use
from safespace_desk.ui.kit.widgets import (
    InlineBanner,
    WordingHints,
    apply_page_style,
    label,
    page_title,
    panel,
    plain_text_edit,
    section_title,
)
from safespace_desk.ui.messages.actions import HANDOVER_KINDS, LOG_KINDS, MESSAGE_KINDS, ServiceActions
from safespace_desk.ui.messages.handover_render import draft_html, handover_html
from safespace_desk.ui.messages.printing import document_for, print_html, screen_html, write_pdf

_HANDOVER_ID = Qt.ItemDataRole.UserRole + 1


class HandoverBrowser(QTextBrowser):
    """The handover as a document: print colours on paper by day, the night theme's colours at night
    (the PDF and print-outs always use the print colours)."""

    @staticmethod
    def paper(night: bool) -> str:
        # By day the print colours (dark ink on white); at night the scheme's own.
        if not night:
            return f"background-color: {DAY.surface}; color: #1f2328;"
        return f"background-color: {NIGHT.field}; color: {NIGHT.text}; border: 1px solid {NIGHT.line};"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("handoverPaper")
        self._html = ""
        self._night: bool | None = None
        self._follow_theme()

    def setHtml(self, html: str) -> None:  # noqa: N802 (Qt's name)
        self._html = html
        super().setHtml(screen_html(html, bool(self._night)))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.StyleChange:
            self._follow_theme()

    def _follow_theme(self) -> None:
        night = night_colours_in_use(self)
        if night == self._night:
            return
        self._night = night
        self.setStyleSheet(f"QTextBrowser#handoverPaper {{ {self.paper(night)} }}")
        if self._html:
            super().setHtml(screen_html(self._html, night))


def handover_browser() -> QTextBrowser:
    browser = HandoverBrowser()
    browser.setOpenLinks(False)
    browser.setAccessibleName("Handover")
    browser.document().setDefaultFont(document_for("").defaultFont())
    return browser


class HandoverPage(QWidget):
    changes_made = Signal(object)  # Changes

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.actions = ServiceActions(desk, self)
        self.actions.changes_made.connect(self._after_own_change)
        self.site = self.actions.read(get_site)
        self.shown: HandoverView | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(8)
        self.title = page_title("Handover")
        outer.addWidget(self.title)
        self.banner = InlineBanner()
        outer.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_write(), "&Write handover")
        self.tabs.addTab(self._build_history(), "&Past handovers")
        self.tabs.currentChanged.connect(lambda _i: self._tab_changed())
        outer.addWidget(self.tabs, 1)
        self.refresh_snapshot()

    # --- write --------------------------------------------------------------------------------

    def _build_write(self) -> QWidget:
        tab = QWidget()
        row = QHBoxLayout(tab)
        row.setContentsMargins(0, 8, 0, 0)
        row.setSpacing(12)
        left = QVBoxLayout()
        head = QHBoxLayout()
        self.snapshot_title = section_title("What the next shift will see")
        head.addWidget(self.snapshot_title, 1)
        head.addWidget(shortcut_button("Refresh", "Ctrl+R", self.refresh_snapshot, kind="quiet", page=self))
        left.addLayout(head)
        self.snapshot_view = handover_browser()
        left.addWidget(self.snapshot_view, 1)
        row.addLayout(left, 1)

        frame, form = panel()
        frame.setFixedWidth(430)
        form.addWidget(section_title("Your notes"))
        general = label()
        self.errors = FieldErrors(general)
        self.notes = plain_text_edit("How the shift went, who needs what, what worked. Speak of people as "
                                     "you would like to be spoken of.", "Handover notes", height=150)
        form.addWidget(self.notes, 2)
        form.addWidget(self.errors.bind("text", self.notes))
        self.hints = WordingHints(self.notes)
        form.addWidget(self.hints)
        form.addWidget(section_title("Follow-ups"))
        self.follow_up_entry = QLineEdit()
        self.follow_up_entry.setPlaceholderText("Add a follow-up and press Enter")
        self.follow_up_entry.setAccessibleName("New follow-up")
        self.follow_up_entry.returnPressed.connect(self.add_follow_up)
        form.addWidget(self.follow_up_entry)
        self.follow_ups = QListWidget()
        self.follow_ups.setAccessibleName("Follow-ups (Delete removes one)")
        self.follow_ups.setMinimumHeight(70)
        add_shortcut(self.follow_ups, "Delete", self.remove_follow_up)
        form.addWidget(self.follow_ups, 1)
        form.addWidget(self.errors.bind("follow_ups", self.follow_up_entry))
        form.addWidget(general)
        self.save_button = shortcut_button("Save handover", "Ctrl+S", self.save, kind="primary", page=self)
        form.addWidget(self.save_button)
        row.addWidget(frame)
        return tab

    def add_follow_up(self) -> None:
        text = self.follow_up_entry.text().strip()
        if text:
            self.follow_ups.addItem(text)
            self.follow_up_entry.clear()

    def remove_follow_up(self) -> None:
        row = self.follow_ups.currentRow()
        if row >= 0:
            self.follow_ups.takeItem(row)

    def follow_up_items(self) -> list[str]:
        return [self.follow_ups.item(i).text() for i in range(self.follow_ups.count())]

    def refresh_snapshot(self) -> None:
        window = self.actions.read(shiftlog.current_shift)
        now = self.actions.desk.clock.now()
        self.title.setText(f"Handover · {window.period.name} shift, ends {full_date_time(window.ends_at, self.site.zone)}")
        snapshot = self.actions.read(handover.build_snapshot)
        scroll = self.snapshot_view.verticalScrollBar().value()
        self.snapshot_view.setHtml(draft_html(snapshot, self.site.zone, now))
        self.snapshot_view.verticalScrollBar().setValue(scroll)

    def save(self) -> str | None:
        self.errors.clear()
        self.add_follow_up()  # a follow-up typed but not yet added is not lost
        try:
            handover_id, _ = self.actions.run(handover.write_handover, self.notes.toPlainText(),
                                              self.follow_up_items())
        except DeskError as err:
            self.errors.show(err)
            return None
        self.notes.clear()
        self.follow_ups.clear()
        self.banner.show_message("success", "Handover saved.",
                                 "The next shift sees it on every page until they acknowledge it. "
                                 "Print it or save it as PDF from Past handovers.")
        return handover_id

    # --- history ------------------------------------------------------------------------------

    def _build_history(self) -> QWidget:
        tab = QWidget()
        row = QHBoxLayout(tab)
        row.setContentsMargins(0, 8, 0, 0)
        row.setSpacing(12)
        self.history = QListWidget()
        self.history.setFixedWidth(330)
        self.history.setAccessibleName("Past handovers")
        self.history.currentItemChanged.connect(lambda item, _prev: self._open_item(item))
        row.addWidget(self.history)
        right = QVBoxLayout()
        buttons = FlowLayout()  # wraps in Large text
        self.ack_button = shortcut_button("Acknowledge", "Ctrl+Shift+A", self.acknowledge_shown, kind="primary",
                                          page=self)
        self.print_button = shortcut_button("Print", "Ctrl+P", self.print_shown, page=self)
        self.pdf_button = shortcut_button("Save as PDF…", "Ctrl+Shift+S", self._ask_pdf, page=self)
        for button in (self.ack_button, self.print_button, self.pdf_button):
            buttons.addWidget(button)
        right.addLayout(buttons)
        self.reader = handover_browser()
        right.addWidget(self.reader, 1)
        row.addLayout(right, 1)
        return tab

    def load_history(self) -> None:
        current = self.shown.id if self.shown else None
        self.history.blockSignals(True)
        self.history.clear()
        zone = self.site.zone
        for view in self.actions.read(handover.history):
            state = (f"Acknowledged by {view.acknowledged_by_name}" if view.acknowledged_at
                     else "Not yet acknowledged")
            item = QListWidgetItem(f"{full_date_time(view.created_at, zone)}\n{view.shift_name} shift · "
                                   f"by {view.author_name}\n{state}")
            item.setData(_HANDOVER_ID, view.id)
            self.history.addItem(item)
        self.history.blockSignals(False)
        row = next((i for i in range(self.history.count())
                    if self.history.item(i).data(_HANDOVER_ID) == current), 0)
        if self.history.count():
            self.history.setCurrentRow(row)
            self._open_item(self.history.currentItem())
        else:
            self.show_handover(None)

    def _open_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            self.show_handover(None)
            return
        # Reading a handover is audited by get_handover, so it is fetched when chosen.
        self.show_handover(self.actions.read(handover.get_handover, str(item.data(_HANDOVER_ID))))

    def show_handover(self, view: HandoverView | None) -> None:
        self.shown = view
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(view is not None)
        me = self.actions.desk.actor.staff_id if self.actions.desk.actor else None
        self.ack_button.setEnabled(view is not None and view.acknowledged_at is None and view.author_id != me)
        if view is None:
            self.reader.setPlainText("No handovers yet.")
            return
        self.reader.setHtml(handover_html(view, self.site.zone, self.site.name))

    def acknowledge_shown(self) -> None:
        if self.shown is None:
            return
        try:
            self.actions.run(handover.acknowledge, self.shown.id)
        except DeskError as err:
            self.banner.show_message("warning", "Not acknowledged.", err.message)
            return
        self.banner.show_message("success", "Handover acknowledged. Thank you.")

    def shown_html(self) -> str:
        """For printing and PDF: ends with the audit log's head now, an anchor on paper."""
        assert self.shown is not None
        head = self.actions.read(audit.audit_head)
        return handover_html(self.shown, self.site.zone, self.site.name, head.printed if head else None)

    def save_pdf(self, path: str | Path) -> Path:
        assert self.shown is not None
        return write_pdf(self.shown_html(), path, f"Handover {self.shown.shift_name} shift")

    def print_shown(self) -> None:
        if self.shown is not None and print_html(self, self.shown_html(), "Handover"):
            self.banner.show_message("success", "Sent to the printer.")

    def _ask_pdf(self) -> None:
        if self.shown is None:
            return
        local = self.shown.created_at.astimezone(self.site.zone)
        name = f"handover-{local:%Y-%m-%d-%H%M}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Save handover as PDF", name, "PDF (*.pdf)")
        if path:
            self.save_pdf(path)
            self.banner.show_message("success", f"Saved {Path(path).name}.")

    # --- refresh ------------------------------------------------------------------------------

    def _tab_changed(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.load_history()
        else:
            self.refresh_snapshot()

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches(*HANDOVER_KINDS) and self.tabs.currentIndex() == 1:
            self.load_history()
        if changes.touches(*MESSAGE_KINDS, *LOG_KINDS, "exclusion", "bed") and self.tabs.currentIndex() == 0:
            self.refresh_snapshot()

    def _after_own_change(self, changes: Changes) -> None:
        if self.tabs.currentIndex() == 1:
            self.load_history()
        else:
            self.refresh_snapshot()
        self.changes_made.emit(changes)

    def focus_first(self) -> None:
        self.notes.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._tab_changed()
