"""Add a guest with only a name (or edit one): optional details, and possible duplicates shown live.

An inline panel in place of the results, not a dialog: the door may open again at any moment and
Esc puts staff straight back in the search box.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError, ValidationError
from safespace_desk.domain.guests import GuestDetails, GuestFlag
from safespace_desk.services import guests
from safespace_desk.services.guests import GuestRecord
from safespace_desk.ui.desk.desk_actions import DeskActions
from safespace_desk.ui.kit.flow import FlowLayout
from safespace_desk.ui.kit.forms import FieldErrors
from safespace_desk.ui.kit.shortcuts import add_shortcut, shortcut_button
from safespace_desk.ui.kit.widgets import clear_layout, heading, muted_label, scrolled_body

# A check box does not wrap: the longest flag's own words (475 px in Large text) are said shorter here.
_BOX_TEXT = {GuestFlag.NOT_DISCUSSED: "Not discussed at meetings"}
_DATE_FORMS = (r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_birth(text: str) -> tuple[int | None, date | None]:
    """'1987' is a year; '14/03/1987' or '1987-03-14' a date; empty is fine (never forced)."""
    text = text.strip()
    if not text:
        return None, None
    if re.fullmatch(r"\d{4}", text):
        return int(text), None
    try:
        if m := re.fullmatch(_DATE_FORMS[0], text):
            return None, date(int(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(_DATE_FORMS[1], text):
            return None, date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        pass
    raise ValidationError("Type a year such as 1987, or a date such as 14/03/1987.", field="birth")


class AddGuestPanel(QFrame):
    guest_saved = Signal(object)  # GuestRecord (added) or str (the id of an edited guest)
    existing_chosen = Signal(str, str)  # "This is them": guest id, name
    closed = Signal()

    def __init__(self, actions: DeskActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addGuestPanel")
        self._actions = actions
        self._editing: str | None = None
        body = scrolled_body(self, "addGuestBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 12, 8, 12)  # the widest flag, "No recourse to public funds", fits Large text
        layout.setSpacing(10)
        self.title = heading("Add a guest", parent=body)
        layout.addWidget(self.title)
        layout.addWidget(muted_label("Only a name is needed; a nickname is fine. Everything else is optional "
                                     "and can wait for another day.", body))

        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Each caption above its box: the form shares the search column (a third of the screen in
        # Large text beside a lead's six tabs), where boxes beside captions cut their placeholders.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        general = QLabel(body)
        general.setWordWrap(True)  # errors wrap in the narrow column rather than widen the form
        self.errors = FieldErrors(general)
        self.name = self._line(form, "preferred_name", "Name", "What they like to be called")
        self.duplicates_box = QVBoxLayout()
        self.duplicates_box.setSpacing(4)
        form.addRow("", self.duplicates_box)
        self.aliases = self._line(form, "aliases", "Other names", "Separated by commas")
        self.legal_name = self._line(form, "legal_name", "Legal name", "Only if they want to give it")
        self.birth = self._line(form, "birth", "Born", "1987, or 14/03/1987")
        self.gender = self._line(form, "gender", "Gender", "In their own words")
        layout.addLayout(form)

        layout.addWidget(QLabel("Flags", body))
        # The flags wrap to the column's width (two fixed columns needed 760 px in Large text, and the
        # form scrolled sideways in the search column).
        flags_flow = FlowLayout(spacing=10)
        self.flag_boxes: dict[GuestFlag, QCheckBox] = {}
        for flag in GuestFlag:
            box = QCheckBox(_BOX_TEXT.get(flag, flag.label), body)
            box.setToolTip(flag.label)
            box.setObjectName(f"flag_{flag.value}")
            self.flag_boxes[flag] = box
            flags_flow.addWidget(box)
        layout.addLayout(flags_flow)

        notes_label = QLabel("Support notes", body)
        self.notes = QPlainTextEdit(body)
        self.notes.setObjectName("supportNotes")
        self.notes.setPlaceholderText("What helps them; no diagnoses or gossip (they may ask to see it)")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 20)
        notes_label.setBuddy(self.notes)
        notes_error = QLabel(body)
        notes_error.setWordWrap(True)
        self.errors.bind("support_notes", self.notes, notes_error)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes)
        layout.addWidget(notes_error)
        layout.addWidget(general)

        buttons = FlowLayout(spacing=8)  # one under the other when the column is narrow (Large text)
        self.save_button = shortcut_button("Add guest · Enter", None, self.save, parent=body, kind="primary")
        self.cancel_button = shortcut_button("Cancel · Esc", None, self.close_panel, parent=body, kind="quiet")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        add_shortcut(self, "Esc", self.close_panel)
        add_shortcut(self, "Ctrl+Return", self.save)
        add_shortcut(self, "Ctrl+Enter", self.save)
        self.name.textChanged.connect(self._update_duplicates)

    def _line(self, form: QFormLayout, field: str, label: str, placeholder: str) -> QLineEdit:
        editor = QLineEdit(self)
        editor.setObjectName(f"guest_{field}")
        editor.setPlaceholderText(placeholder)
        error = QLabel(self)
        error.setWordWrap(True)
        self.errors.bind(field, editor, error)
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(editor)
        box.addWidget(error)
        caption = QLabel(label, self)
        caption.setBuddy(editor)
        form.addRow(caption, box)
        editor.returnPressed.connect(self.save)  # Enter saves: "add with only a name" is one keystroke
        return editor

    # --- opening ----------------------------------------------------------------------------------

    def start_add(self, name: str = "") -> None:
        self._editing = None
        self.title.setText("Add a guest")
        self.save_button.setText("Add guest · Enter")
        self._fill(GuestDetails(preferred_name=name))
        self.name.setFocus()
        self.name.end(False)

    def start_edit(self, record: GuestRecord) -> None:
        self._editing = record.id
        self.title.setText(f"Edit {record.preferred_name}")
        self.save_button.setText("Save changes · Enter")
        self._fill(record.details())
        self.name.setFocus()

    def _fill(self, details: GuestDetails) -> None:
        self.errors.clear()
        self.name.setText(details.preferred_name)
        self.aliases.setText(", ".join(details.aliases))
        self.legal_name.setText(details.legal_name or "")
        born = details.birth_date.strftime("%d/%m/%Y") if details.birth_date else (
            str(details.birth_year) if details.birth_year else "")
        self.birth.setText(born)
        self.gender.setText(details.gender or "")
        for flag, box in self.flag_boxes.items():
            box.setChecked(flag in details.flags)
        self.notes.setPlainText(details.support_notes or "")
        self._update_duplicates()

    # --- duplicates -------------------------------------------------------------------------------

    def _update_duplicates(self) -> None:
        clear_layout(self.duplicates_box)
        found = self._actions.read(guests.possible_duplicates, self.name.text(), exclude_id=self._editing)
        if not found:
            return
        self.duplicates_box.addWidget(muted_label("Already known? Check before adding:", self))
        for number, (guest_id, name) in enumerate(found[:3], start=1):
            row = QWidget(self)
            row.setObjectName("duplicateSuggestion")
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            label = QLabel(name, row)
            label.setProperty("badge", "card")
            line.addWidget(label)
            button = shortcut_button("This is them", "Alt+T" if number == 1 else None,
                                     lambda _=False, gid=guest_id, n=name: self.existing_chosen.emit(gid, n),
                                     parent=row, kind="quiet")
            button.setObjectName("thisIsThem")
            line.addWidget(button)
            line.addStretch(1)
            self.duplicates_box.addWidget(row)
            row.show()

    def duplicate_names(self) -> list[str]:
        return [w.findChild(QLabel).text() for w in self.findChildren(QWidget, "duplicateSuggestion")
                if not w.isHidden() and w.findChild(QLabel) is not None]

    # --- saving -----------------------------------------------------------------------------------

    def details(self) -> GuestDetails:
        birth_year, birth_date = parse_birth(self.birth.text())
        aliases = tuple(a.strip() for a in self.aliases.text().split(",") if a.strip())
        return GuestDetails(
            preferred_name=self.name.text(), aliases=aliases, legal_name=self.legal_name.text() or None,
            birth_year=birth_year, birth_date=birth_date, gender=self.gender.text() or None,
            flags=frozenset(f for f, box in self.flag_boxes.items() if box.isChecked()),
            support_notes=self.notes.toPlainText() or None)

    def save(self) -> None:
        if not self.isVisible():
            return
        self.errors.clear()
        try:
            details = self.details()
            if self._editing is None:
                record, _ = self._actions.run(guests.add_guest, details)
                self.guest_saved.emit(record)
            else:
                self._actions.run(guests.update_guest, self._editing, details)
                self.guest_saved.emit(self._editing)
        except DeskError as err:
            field = "birth" if err.field in ("birth_date", "birth_year") else None
            self.errors.show(err, field=field)

    def close_panel(self) -> None:
        self.closed.emit()


