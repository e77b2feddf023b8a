"""A guest's data (UK GDPR): export everything held about them, or erase it by anonymising.

Both are for managers, both are audited by the services. Erasing asks for a reason first and
then for a confirmation that names the guest, with Cancel as the default button.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.private_files import write_private
from safespace_desk.services import data_rights, search
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.search import GuestHit
from safespace_desk.ui.data_rights.backup_tab import local_time
from safespace_desk.ui.data_rights.subject_pdf import write_subject_access_pdf
from safespace_desk.ui.kit.forms import Banner, FieldRow, FormErrors, primary_button
from safespace_desk.ui.kit.widgets import explanation, heading, roomy
from safespace_desk.ui.shell import MainShell


def export_subject_access(desk: DeskContext, guest_id: str, json_path: Path) -> tuple[Path, Path]:
    """Write everything held about a guest as JSON at ``json_path`` and a PDF beside it."""
    export = data_rights.export_guest(desk, guest_id)
    json_path = json_path if json_path.suffix.lower() == ".json" else json_path.with_name(json_path.name + ".json")
    pdf_path = json_path.with_suffix(".pdf")
    try:
        # Everything held about a guest: readable by this OS account only (0600), like the store.
        write_private(json_path, (json.dumps(export, indent=2, ensure_ascii=False, default=str)
                                       + "\n").encode("utf-8"))
        write_subject_access_pdf(export, pdf_path)
    except OSError as error:
        raise DeskError(f"The export could not be saved in {json_path.parent} ({error.strerror or error}). "
                        "Check the folder exists and the USB stick is in, then try again.",
                        field="export") from None
    return json_path, pdf_path


class GuestDataTab(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, zone: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        self._zone = zone
        self.hits: list[GuestHit] = []
        self.confirm_box: QMessageBox | None = None
        self.export_dir = Path.home()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addWidget(explanation(
            "When a guest asks for their data, export everything held about them, including who has viewed "
            "their record. When they ask for it to be erased, anonymise the record: names, notes, flags and "
            "message texts go; the dates of visits stay, without a name, so past figures do not change."))
        self.banner = Banner()
        layout.addWidget(self.banner)
        columns = QHBoxLayout()
        columns.setSpacing(20)

        left = QVBoxLayout()
        self.guest_search = QLineEdit()
        self.guest_search.setAccessibleName("Find a guest")
        self.guest_search.setPlaceholderText("Type a name, alias or card code")
        self.guest_search.textChanged.connect(self.search)
        self.guest_search.returnPressed.connect(lambda: self.results.setFocus())
        left.addWidget(FieldRow("&Find the guest", self.guest_search))
        self.results = QListWidget()
        self.results.setAccessibleName("Guests found")
        self.results.currentRowChanged.connect(self._selected)
        left.addWidget(self.results, 1)
        columns.addLayout(left, 2)

        right = QVBoxLayout()
        self.chosen = heading("No guest chosen")
        right.addWidget(self.chosen)
        self.chosen_detail = QLabel("Find the guest on the left, then choose what to do.")
        self.chosen_detail.setObjectName("hint")
        self.chosen_detail.setWordWrap(True)
        right.addWidget(self.chosen_detail)
        right.addSpacing(6)
        self.export_button = primary_button("&Export everything (JSON + PDF)…")
        self.export_button.clicked.connect(self.export_with_dialog)
        right.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        right.addSpacing(14)
        right.addWidget(heading("Erase (anonymise)"))
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason for erasing")
        self.reason.setMaxLength(200)
        self.reason_row = FieldRow("&Reason (required, kept with the erased record)", self.reason,
                                   "e.g. “Guest asked for erasure in person, 24 Nov”. Never the guest's details.")
        right.addWidget(self.reason_row)
        self.erase_button = QPushButton("E&rase (anonymise)…")
        self.erase_button.setObjectName("danger")
        self.erase_button.clicked.connect(self.ask_to_erase)
        right.addWidget(self.erase_button, 0, Qt.AlignmentFlag.AlignLeft)
        right.addStretch(1)
        columns.addLayout(right, 3)
        layout.addLayout(columns, 1)
        self.errors = FormErrors(self.banner, {"reason": self.reason_row})
        self._selected(-1)

    def focus_first(self) -> None:
        self.guest_search.setFocus()

    # -- choosing the guest ---------------------------------------------------------------------
    def search(self, text: str) -> None:
        self.results.clear()
        self.hits = []
        if len(text.strip()) < 2:
            self._selected(-1)
            return
        try:
            self.hits = search.find_guests(self._desk, text)
        except Exception as error:
            self.errors.show(error)
            return
        for hit in self.hits:
            seen = f"last seen {local_time(hit.last_seen_at, self._zone)}" if hit.last_seen_at else "never seen"
            aka = f" (also {hit.also_known_as})" if hit.also_known_as else ""
            QListWidgetItem(f"{hit.name}{aka} · {seen}", self.results)
        self._selected(self.results.currentRow())

    def selected(self) -> GuestHit | None:
        row = self.results.currentRow()
        return self.hits[row] if 0 <= row < len(self.hits) else None

    def _selected(self, row: int) -> None:
        hit = self.selected()
        self.export_button.setEnabled(hit is not None)
        self.erase_button.setEnabled(hit is not None)
        if hit is None:
            self.chosen.setText("No guest chosen")
            self.chosen_detail.setText("Find the guest on the left, then choose what to do.")
            return
        self.chosen.setText(hit.name)
        self.chosen_detail.setText("Check this is the right person before you export or erase: look at the "
                                   "record on the front desk if two guests share a name.")

    # -- export ---------------------------------------------------------------------------------
    def export_with_dialog(self) -> None:
        hit = self.selected()
        if hit is None:
            return
        start = str(self.export_dir / f"subject-access-{date.today().isoformat()}.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save everything held about this guest", start, "JSON (*.json)")
        if path:
            self.export(hit, Path(path))

    def export(self, hit: GuestHit, json_path: Path) -> None:
        self.errors.clear()
        desk = self._desk
        self._shell.runner.run(lambda: export_subject_access(desk, hit.guest_id, json_path),
                               lambda paths: self._exported(hit, paths), self.errors.show)

    def _exported(self, hit: GuestHit, paths: tuple[Path, Path]) -> None:
        json_path, pdf_path = paths
        self.export_dir = json_path.parent
        self.banner.show_message(f"Everything held about {hit.name} is saved as {json_path.name} and "
                                 f"{pdf_path.name} in {json_path.parent}. Hand it over securely.", "success")

    # -- erase ----------------------------------------------------------------------------------
    def ask_to_erase(self) -> None:
        hit = self.selected()
        if hit is None:
            return
        self.errors.clear()
        if not self.reason.text().strip():
            self.errors.show_field("reason", "Give the reason for erasing: it is kept with the erased record.")
            return
        box = roomy(QMessageBox(QMessageBox.Icon.Warning, "Erase a guest's data",
                          f"Erase everything that identifies {hit.name}?\n\nTheir names, aliases, notes, flags, "
                          "card and message texts are removed for good. Visit dates stay, without a name. "
                          "This cannot be undone.", QMessageBox.StandardButton.Cancel, self))
        confirm = box.addButton(f"Erase {hit.name}", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter alone never erases
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def decided() -> None:
            self.confirm_box = None
            if box.clickedButton() is confirm:
                self.erase(hit, self.reason.text())

        box.finished.connect(decided)
        self.confirm_box = box
        box.open()

    def erase(self, hit: GuestHit, reason: str) -> None:
        desk = self._desk
        self._shell.runner.run(lambda: data_rights.erase_guest(desk, hit.guest_id, reason),
                               lambda changes: self._erased(hit, changes), self.errors.show)

    def _erased(self, hit: GuestHit, changes: Changes) -> None:
        self._shell.apply_changes(changes)
        self.reason.clear()
        self.guest_search.clear()
        self.banner.show_message(f"{hit.name}'s record is anonymised. Their visits stay counted, without a name.",
                                 "success")

