"""Site settings (managers): capacity periods, beds, the night staffing ratio, exclusions, idle lock."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.destinations import Destination, DestinationKind
from safespace_desk.domain.errors import DeskError, ValidationError
from safespace_desk.domain.site import CapacityPeriod, SiteSettings
from safespace_desk.services import site
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.kit.forms import PAGE_MARGINS, Banner, FieldRow, FormErrors, primary_button
from safespace_desk.ui.kit.widgets import explanation, heading
from safespace_desk.ui.service_actions import ServiceActions
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.site_rooms_editor import RoomsEditor

PERIOD_COLUMNS = ("Name", "From (HH:MM)", "To (HH:MM)", "Places", "Night (beds)")


class SiteSettingsPage(QWidget):
    def __init__(self, desk: DeskContext, shell: MainShell, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._shell = shell
        # Every call to the services goes through here: errors come back as plain messages.
        self.actions = ServiceActions(desk, self, runner=shell.runner)
        self.actions.changes_made.connect(shell.apply_changes)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(10)
        outer.addWidget(heading("Site settings", "pageTitle"))
        outer.addWidget(explanation("Capacity changes with the time of day. Signing in above the places of "
                                    "the period in force needs a shift lead's override. In a night period "
                                    "every guest needs a bed."))
        self.banner = Banner()
        outer.addWidget(self.banner)

        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(10)

        self.periods = QTableWidget(0, len(PERIOD_COLUMNS))
        self.periods.setObjectName("periodsTable")
        self.periods.setHorizontalHeaderLabels(PERIOD_COLUMNS)
        self.periods.verticalHeader().hide()
        # Tall enough rows for the themed check box (a short row clips it to "[ ]").
        self.periods.verticalHeader().setDefaultSectionSize(40)
        self.periods.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.periods.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.periods.setMinimumHeight(130)
        period_buttons = QHBoxLayout()
        add = QPushButton("Add period")
        add.clicked.connect(lambda: self._add_period_row(CapacityPeriod("", time(8), time(20), 0, False)))
        remove = QPushButton("Remove selected")
        remove.clicked.connect(self._remove_period_row)
        period_buttons.addWidget(add)
        period_buttons.addWidget(remove)
        period_buttons.addStretch(1)
        periods_box = QVBoxLayout()
        periods_box.addWidget(self.periods)
        periods_box.addLayout(period_buttons)
        periods_holder = QWidget()
        periods_holder.setLayout(periods_box)
        self.rows: dict[str, FieldRow] = {
            "periods": FieldRow("Capacity periods", periods_holder,
                                "Together they must cover every minute of the day once, e.g. Day 08:00–20:00 "
                                "and Night 20:00–08:00."),
        }
        self.beds = QPlainTextEdit()
        self.beds.setAccessibleName("Bed names, one per line")
        self.beds.setMinimumHeight(120)
        self.rows["bed_labels"] = FieldRow("Beds (one name per line)", self.beds)
        self.ratio = _spin(1, 20, "guests per staff member")
        self.rows["night_guests_per_staff"] = FieldRow("At night, one staff member for every", self.ratio)
        self.minimum = _spin(1, 20, "staff")
        self.rows["minimum_staff"] = FieldRow("Never fewer than", self.minimum)
        self.exclusion_hours = _spin(1, 168, "hours")
        self.rows["hours"] = FieldRow("A new exclusion lasts", self.exclusion_hours,
                                      "Staff can change it for each exclusion.")
        self.idle = _spin(1, 60, "minutes idle")
        self.rows["idle_lock_minutes"] = FieldRow("Lock the desk after", self.idle,
                                                  "Locking hides everything until a PIN or password is typed.")
        grid.addWidget(self.rows["periods"], 0, 0, 1, 2)
        grid.addWidget(self.rows["bed_labels"], 1, 0, 4, 1)
        for row, key in enumerate(("night_guests_per_staff", "minimum_staff", "hours", "idle_lock_minutes"), start=1):
            grid.addWidget(self.rows[key], row, 1)
        self.places = QTableWidget(0, 2)
        self.places.setObjectName("placesTable")
        self.places.setHorizontalHeaderLabels(("Place", "Kind (how it is counted)"))
        self.places.verticalHeader().hide()
        self.places.verticalHeader().setDefaultSectionSize(40)
        self.places.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.places.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.places.setMinimumHeight(200)
        place_buttons = QHBoxLayout()
        add_place = QPushButton("Add place")
        add_place.clicked.connect(lambda: self._add_place_row(Destination("", DestinationKind.HOSTEL)))
        remove_place = QPushButton("Remove selected place")
        remove_place.clicked.connect(self._remove_place_row)
        place_buttons.addWidget(add_place)
        place_buttons.addWidget(remove_place)
        place_buttons.addStretch(1)
        places_box = QVBoxLayout()
        places_box.addWidget(self.places)
        places_box.addLayout(place_buttons)
        places_holder = QWidget()
        places_holder.setLayout(places_box)
        self.rows["destinations"] = FieldRow(
            "Where people go when they leave", places_holder,
            "The list staff choose from at sign-out. Add named places (a hostel the hub swaps with, say); "
            "the kind decides how the figures count them.")
        grid.addWidget(self.rows["destinations"], 5, 0, 1, 2)
        # Rooms are saved one change at a time (their history is kept), not with "Save settings".
        self.rooms = RoomsEditor(self.actions, self.actions.read(site.get_site).zone)
        self.rows["rooms"] = FieldRow(
            "Rooms for appointments and sessions", self.rooms,
            "Each change is saved at once. A room with bookings is retired rather than removed, and a renamed "
            "room keeps its bookings.")
        grid.addWidget(self.rows["rooms"], 6, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.save_button = primary_button("Save settings   Ctrl+S")
        self.save_button.clicked.connect(self.save)
        revert = QPushButton("Undo my edits")
        revert.clicked.connect(self.load)
        buttons.addWidget(self.save_button)
        buttons.addWidget(revert)
        buttons.addStretch(1)
        outer.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.errors = FormErrors(self.banner, self.rows, aliases={"hours": "hours", "default_exclusion_hours": "hours"})
        self.load()

    def load(self) -> None:
        self.errors.clear()
        settings = self.actions.read(site.get_site).settings
        self.periods.setRowCount(0)
        for period in settings.periods:
            self._add_period_row(period)
        self.beds.setPlainText("\n".join(settings.bed_labels))
        self.ratio.setValue(settings.night_guests_per_staff)
        self.minimum.setValue(settings.minimum_staff)
        self.exclusion_hours.setValue(settings.default_exclusion_hours)
        self.idle.setValue(settings.idle_lock_minutes)
        self.places.setRowCount(0)
        for place in settings.destinations:
            self._add_place_row(place)
        self.rooms.load()

    def settings_from_form(self) -> SiteSettings:
        periods = []
        for row in range(self.periods.rowCount()):
            name = (self._cell(row, 0) or "").strip()
            places_text = (self._cell(row, 3) or "").strip()
            if not places_text.isdigit():
                raise ValidationError(f"Row {row + 1}: places must be a whole number.", field="periods")
            beds = self.periods.cellWidget(row, 4)
            periods.append(CapacityPeriod(name, _time(self._cell(row, 1), row), _time(self._cell(row, 2), row),
                                          int(places_text), isinstance(beds, QCheckBox) and beds.isChecked()))
        labels = tuple(line.strip() for line in self.beds.toPlainText().splitlines() if line.strip())
        current = self.actions.read(site.get_site).settings
        # The service profile (its own page) and the rooms (saved as they change) stay as they are.
        return replace(current, periods=tuple(periods), bed_labels=labels,
                       night_guests_per_staff=self.ratio.value(), minimum_staff=self.minimum.value(),
                       default_exclusion_hours=self.exclusion_hours.value(), idle_lock_minutes=self.idle.value(),
                       destinations=self._places_from_form())

    def save(self) -> bool:
        self.errors.clear()
        try:
            self.actions.run(site.update_settings, self.settings_from_form())
        except DeskError as error:
            self.errors.show(error)
            return False
        self.banner.show_message("Saved. The desk uses the new settings from now on.", "success")
        return True

    def _add_period_row(self, period: CapacityPeriod) -> None:
        row = self.periods.rowCount()
        self.periods.insertRow(row)
        for column, text in enumerate((period.name, period.starts.strftime("%H:%M"), period.ends.strftime("%H:%M"),
                                       str(period.places))):
            self.periods.setItem(row, column, QTableWidgetItem(text))
        beds = QCheckBox()
        beds.setChecked(period.beds)
        beds.setAccessibleName(f"Row {row + 1} is a night period with beds")
        self.periods.setCellWidget(row, 4, beds)

    def _add_place_row(self, place: Destination) -> None:
        row = self.places.rowCount()
        self.places.insertRow(row)
        self.places.setItem(row, 0, QTableWidgetItem(place.name))
        kind = QComboBox()
        kind.setAccessibleName(f"Row {row + 1}: what kind of place")
        for value in DestinationKind:
            kind.addItem(value.label, value.value)
        kind.setCurrentIndex(list(DestinationKind).index(place.kind))
        self.places.setCellWidget(row, 1, kind)

    def _remove_place_row(self) -> None:
        for row in sorted({index.row() for index in self.places.selectedIndexes()}, reverse=True):
            self.places.removeRow(row)

    def _places_from_form(self) -> tuple[Destination, ...]:
        out = []
        for row in range(self.places.rowCount()):
            item = self.places.item(row, 0)
            kind = self.places.cellWidget(row, 1)
            value = kind.currentData() if isinstance(kind, QComboBox) else DestinationKind.NOT_KNOWN.value
            out.append(Destination(item.text() if item else "", DestinationKind(value)))
        return tuple(out)

    def _remove_period_row(self) -> None:
        rows = sorted({index.row() for index in self.periods.selectedIndexes()}, reverse=True)
        for row in rows:
            self.periods.removeRow(row)

    def _cell(self, row: int, column: int) -> str | None:
        item = self.periods.item(row, column)
        return item.text() if item else None


def _spin(low: int, high: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(f"  {suffix}")
    spin.setAccessibleName(suffix)
    return spin


def _time(text: str | None, row: int) -> time:
    try:
        return time.fromisoformat((text or "").strip())
    except ValueError:
        raise ValidationError(f"Row {row + 1}: times are HH:MM, e.g. 20:00.", field="periods") from None
