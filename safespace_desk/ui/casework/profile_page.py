"""The service profile (managers): what kind of service this is, the parts it uses, opening hours per
weekday with a season (PFG's winter hours), the minimum age, the 24/7 helpline and the escalation
contacts. Saved with Ctrl+S; a 24/7 hub's profile is the default and changes nothing it did before."""

from __future__ import annotations

from dataclasses import replace
from datetime import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError, ValidationError
from safespace_desk.domain.opening import WEEKDAYS, OpeningHours, OpeningSpan, Season, WeeklyHours
from safespace_desk.domain.profile import EscalationContact, Part, ServiceKind, SiteProfile
from safespace_desk.services import site
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.ui.casework.common import line_edit
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import PAGE_MARGINS, FieldErrors
from safespace_desk.ui.kit.shortcuts import shortcut_button
from safespace_desk.ui.kit.widgets import (
    InlineBanner,
    apply_page_style,
    label,
    page_title,
    panel,
    section_title,
)
from safespace_desk.ui.service_actions import ServiceActions

ESCALATION_ROWS = 5
_HOURS_HEADERS = ("Day", "Opens", "Closes", "Season\nopens", "Season\ncloses")


def _span(opens: str, closes: str, where: str) -> OpeningSpan | None:
    opens, closes = opens.strip(), closes.strip()
    if not opens and not closes:
        return None
    try:
        return OpeningSpan(time.fromisoformat(opens.zfill(5)), time.fromisoformat(closes.zfill(5)))
    except ValueError:
        raise ValidationError(f"{where}: give both times as HH:MM (e.g. 18:00 and 23:00), or leave both empty "
                              "for a closed day.", field="hours") from None


def _day_month(text: str, where: str) -> tuple[int, int]:
    try:
        day, month = (int(part) for part in text.strip().split("/"))
        return month, day
    except ValueError:
        raise ValidationError(f"{where}: write the date as DD/MM, e.g. 01/12.", field="hours") from None


class ProfilePage(QWidget):
    changes_made = Signal(object)

    def __init__(self, desk: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        apply_page_style(self)
        self.actions = ServiceActions(desk, self)
        self.actions.changes_made.connect(self.changes_made)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PAGE_MARGINS)
        outer.setSpacing(8)
        outer.addWidget(page_title("Service profile"))
        outer.addWidget(label("What kind of service this site is and what it uses. Pages and reports show only "
                              "the parts switched on.", muted=True))
        self.banner = InlineBanner()
        outer.addWidget(self.banner)
        general = label()
        self.errors = FieldErrors(general)
        columns = QHBoxLayout()
        columns.setSpacing(14)
        columns.addWidget(self._build_kind(), 2)
        columns.addWidget(self._build_hours(), 3)
        outer.addLayout(columns)
        outer.addWidget(self._build_contacts())
        outer.addWidget(general)
        self.save_button = shortcut_button("Save profile", "Ctrl+S", self.save, kind="primary", page=self)
        outer.addWidget(self.save_button)
        outer.addStretch(1)
        self.load()

    def _build_kind(self) -> QWidget:
        frame, layout = panel()
        layout.addWidget(section_title("The service"))
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of service")
        for kind in ServiceKind:
            self.kind.addItem(kind.label, kind.value)
        layout.addWidget(self.kind)
        self.parts: dict[Part, QCheckBox] = {}
        for part in Part:
            box = QCheckBox(part.label)
            self.parts[part] = box
            layout.addWidget(box)
        layout.addWidget(self.errors.bind("parts", self.parts[Part.REFERRALS]))
        grid = QGridLayout()
        self.minimum_age = QSpinBox()
        self.minimum_age.setRange(0, 25)
        self.minimum_age.setSpecialValueText("none")
        self.minimum_age.setAccessibleName("Minimum age")
        self.no_contact = QSpinBox()
        self.no_contact.setRange(1, 90)
        self.no_contact.setSuffix(" days")
        self.no_contact.setAccessibleName("No contact in")
        grid.addWidget(label("Minimum age"), 0, 0)
        grid.addWidget(self.minimum_age, 0, 1)
        grid.addWidget(label("“No contact lately” after"), 1, 0)
        grid.addWidget(self.no_contact, 1, 1)
        layout.addLayout(grid)
        layout.addWidget(self.errors.bind("minimum_age", self.minimum_age))
        self.helpline = line_edit("e.g. NHS 111, option 2", "Helpline")
        layout.addWidget(label("Helpline (on printed plans and in the age warning)"))
        layout.addWidget(self.helpline)
        layout.addWidget(self.errors.bind("helpline", self.helpline))
        return frame

    def _build_hours(self) -> QWidget:
        frame, layout = panel()
        layout.addWidget(section_title("Opening hours"))
        self.always = QCheckBox("Open 24 hours, every day")
        self.always.toggled.connect(lambda on: self.hours.setEnabled(not on))
        layout.addWidget(self.always)
        self.hours = QTableWidget(7, len(_HOURS_HEADERS))
        self.hours.setAccessibleName("Opening hours")
        self.hours.setHorizontalHeaderLabels(_HOURS_HEADERS)
        self.hours.verticalHeader().hide()
        header = self.hours.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in range(1, len(_HOURS_HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        for row, day in enumerate(WEEKDAYS):
            item = QTableWidgetItem(day)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.hours.setItem(row, 0, item)
        self.hours.resizeRowsToContents()
        height = self.hours.horizontalHeader().sizeHint().height() + sum(self.hours.rowHeight(r) for r in range(7)) + 4
        self.hours.setFixedHeight(height)
        layout.addWidget(self.hours)
        layout.addWidget(label("A time that closes before it opens runs past midnight (20:00 to 02:00). "
                               "Leave a day empty when closed.", muted=True))
        layout.addWidget(label("A season: other hours (the right-hand columns) between two dates of every year"))
        season = FlowLayout(spacing=6)
        self.season_name = line_edit("Name, e.g. Winter hours", "Season name")
        self.season_from = line_edit("from DD/MM", "Season from")
        self.season_to = line_edit("to DD/MM", "Season to")
        for widget in (self.season_name, self.season_from, self.season_to):
            season.addWidget(widget)
        layout.addLayout(season)
        layout.addWidget(self.errors.bind("hours", self.hours))
        return frame

    def _build_contacts(self) -> QWidget:
        frame, layout = panel()
        layout.addWidget(section_title("Escalation contacts (Ctrl+E in the diary)"))
        self.contacts = QTableWidget(ESCALATION_ROWS, 3)
        self.contacts.setAccessibleName("Escalation contacts")
        self.contacts.setHorizontalHeaderLabels(("Name", "Number", "Note"))
        self.contacts.verticalHeader().hide()
        header = self.contacts.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.contacts.setMinimumHeight(190)
        layout.addWidget(self.contacts)
        layout.addWidget(self.errors.bind("escalation", self.contacts))
        return frame

    # --- load and save ------------------------------------------------------------------------

    def load(self) -> None:
        profile = self.actions.read(site.get_site).settings.profile
        self.kind.setCurrentIndex(self.kind.findData(profile.kind.value))
        for part, box in self.parts.items():
            box.setChecked(profile.uses(part))
        self.minimum_age.setValue(profile.minimum_age or 0)
        self.no_contact.setValue(profile.no_contact_days)
        self.helpline.setText(profile.helpline)
        self.helpline.setCursorPosition(0)
        self.always.setChecked(profile.hours.always_open)
        season = profile.hours.seasons[0] if profile.hours.seasons else None
        for row in range(7):
            for column, span in ((1, profile.hours.usual.days[row]), (3, season.hours.days[row] if season else None)):
                self.hours.setItem(row, column, QTableWidgetItem(span.opens.strftime("%H:%M") if span else ""))
                self.hours.setItem(row, column + 1, QTableWidgetItem(span.closes.strftime("%H:%M") if span else ""))
        self.season_name.setText(season.name if season else "")
        self.season_from.setText(f"{season.starts[1]:02d}/{season.starts[0]:02d}" if season else "")
        self.season_to.setText(f"{season.ends[1]:02d}/{season.ends[0]:02d}" if season else "")
        for row in range(ESCALATION_ROWS):
            contact = profile.escalation[row] if row < len(profile.escalation) else None
            for column, text in enumerate((contact.name, contact.number, contact.note) if contact else ("", "", "")):
                self.contacts.setItem(row, column, QTableWidgetItem(text))
        self.hours.setEnabled(not profile.hours.always_open)

    def _cell(self, table: QTableWidget, row: int, column: int) -> str:
        item = table.item(row, column)
        return item.text() if item else ""

    def profile_from_form(self) -> SiteProfile:
        usual = WeeklyHours(tuple(_span(self._cell(self.hours, r, 1), self._cell(self.hours, r, 2), WEEKDAYS[r])
                                  for r in range(7)))
        seasons: tuple[Season, ...] = ()
        if self.season_name.text().strip():
            season_hours = WeeklyHours(tuple(_span(self._cell(self.hours, r, 3), self._cell(self.hours, r, 4),
                                                   f"{self.season_name.text().strip()}, {WEEKDAYS[r]}")
                                             for r in range(7)))
            seasons = (Season(self.season_name.text().strip(), _day_month(self.season_from.text(), "Season from"),
                              _day_month(self.season_to.text(), "Season to"), season_hours),)
        contacts = tuple(EscalationContact(self._cell(self.contacts, r, 0), self._cell(self.contacts, r, 1),
                                           self._cell(self.contacts, r, 2))
                         for r in range(ESCALATION_ROWS) if self._cell(self.contacts, r, 0).strip()
                         or self._cell(self.contacts, r, 1).strip())
        return SiteProfile(kind=ServiceKind(self.kind.currentData()),
                           parts=frozenset(p for p, box in self.parts.items() if box.isChecked()),
                           hours=OpeningHours(self.always.isChecked(), usual, seasons),
                           minimum_age=self.minimum_age.value() or None, helpline=self.helpline.text(),
                           escalation=contacts, no_contact_days=self.no_contact.value())

    def save(self) -> bool:
        self.errors.clear()
        try:
            settings = self.actions.read(site.get_site).settings
            self.actions.run(site.update_settings, replace(settings, profile=self.profile_from_form()))
        except DeskError as error:
            self.errors.show(error)
            return False
        self.banner.show_message("success", "Saved. Pages follow the new profile the next time someone signs in.")
        return True

    def focus_first(self) -> None:
        self.kind.setFocus()

    def apply_changes(self, changes: Changes) -> None:
        if changes.touches("site"):
            self.load()
