"""A person's staying-well and crisis plans, written with them in their own words: six sections, every
save a new version (who and when kept), older versions to look back at, a PDF or print-out they can
take away with the helpline on it, and sealed if they ask."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.plans import PLAN_SECTIONS, PlanKind
from safespace_desk.services import guests, plans
from safespace_desk.services.plans import PlanView
from safespace_desk.services.site import get_site
from safespace_desk.ui.casework.common import wrapping_list
from safespace_desk.ui.casework.dialogs import CaseworkDialog
from safespace_desk.ui.kit.formatting import full_date_time
from safespace_desk.ui.kit.shortcuts import add_shortcut, native_keys, shortcut_button
from safespace_desk.ui.kit.widgets import label, plain_text_edit, section_title
from safespace_desk.ui.messages.printing import escape, print_html, wrap_html, write_pdf
from safespace_desk.ui.service_actions import ServiceActions


def plan_html(view: PlanView, zone: ZoneInfo) -> str:
    """The plan as the person takes it away: their words under each heading, and where to turn."""
    written = full_date_time(view.written_at, zone)
    sections = "".join(f"<h2>{escape(title)}</h2><p class='notes'>{escape(view.sections[key])}</p>"
                       for key, title in PLAN_SECTIONS if view.sections.get(key))
    helpline = (f"<h2>When we are closed</h2><p>{escape(view.helpline)}</p><p>In an emergency call 999.</p>"
                if view.helpline else "<h2>In an emergency</h2><p>Call 999.</p>")
    return wrap_html(f"{view.kind.label}: {escape(view.guest_name)}",
                     f"<h1>{escape(view.kind.label)} · {escape(view.guest_name)}</h1>"
                     f"<p class='muted'>Version {view.version}, written"
                     f"{' with ' + escape(view.guest_name) if view.with_person else ''} on {escape(written)}.</p>"
                     f"{sections}{helpline}")


class PlanDialog(CaseworkDialog):
    def __init__(self, actions: ServiceActions, guest_id: str, parent: QWidget | None) -> None:
        name = actions.read(guests.get_guest, guest_id).preferred_name
        self._name = name
        super().__init__(f"Plans · {name}", "Written with them, in their words. Each save keeps the "
                         "version before it.", parent)
        self.setMinimumWidth(1000)
        self._actions = actions
        self._guest_id = guest_id
        self.zone = actions.read(get_site).zone
        self.view: PlanView | None = None
        kinds = QHBoxLayout()
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[PlanKind, QPushButton] = {}
        for number, kind in enumerate(PlanKind, start=1):
            chip = QPushButton(f"{kind.label} · {native_keys(f'Ctrl+{number}')}")
            chip.setCheckable(True)
            chip.setProperty("chip", True)
            chip.clicked.connect(lambda _c=False, k=kind: self.show_kind(k))
            self.kind_group.addButton(chip)
            self.kind_buttons[kind] = chip
            kinds.addWidget(chip)
            add_shortcut(self, f"Ctrl+{number}", lambda k=kind: self.show_kind(k))
        kinds.addStretch(1)
        self.body.addLayout(kinds)
        self.state = label(muted=True)
        self.body.addWidget(self.state)
        columns = QHBoxLayout()
        grid = QGridLayout()
        grid.setSpacing(8)
        self.editors: dict[str, QPlainTextEdit] = {}
        for index, (key, title) in enumerate(PLAN_SECTIONS):
            box = QVBoxLayout()
            box.addWidget(label(title))
            editor = plain_text_edit("In their words", title, height=64)
            self.editors[key] = editor
            box.addWidget(editor)
            box.addWidget(self.errors.bind(key, editor))
            grid.addLayout(box, index // 2, index % 2)
        columns.addLayout(grid, 3)
        history = QVBoxLayout()
        history.addWidget(section_title("Versions"))
        self.versions = wrapping_list("Versions")
        self.versions.itemActivated.connect(self._open_version)
        history.addWidget(self.versions, 1)
        columns.addLayout(history, 1)
        self.body.addLayout(columns, 1)
        # Who reads it: a choice made with the person each time a version is saved, never a default
        # hidden in a tick box. A sealed plan's words are sealed to the clinical key (managers only).
        self.opens_sealed = actions.read(plans.opens_sealed)
        readers = QHBoxLayout()
        self.readers_note = label(muted=True)
        readers.addWidget(label("Who reads it:"))
        self.reader_group = QButtonGroup(self)
        self.open_choice = QPushButton("Staff doing casework here")
        self.sealed = QPushButton("Sealed: only managers (they asked)")
        for chip in (self.open_choice, self.sealed):
            chip.setCheckable(True)
            chip.setProperty("chip", True)
            self.reader_group.addButton(chip)
            readers.addWidget(chip)
        self.open_choice.setChecked(True)
        self.sealed.toggled.connect(self._explain_readers)
        readers.addStretch(1)
        self.with_person = QCheckBox("Written with them")
        self.with_person.setChecked(True)
        readers.addWidget(self.with_person)
        self.body.addLayout(readers)
        self.body.addWidget(self.readers_note)
        self.pdf_button = shortcut_button("PDF", "Ctrl+Shift+S", self.choose_pdf, page=self,
                                          tooltip="Save the plan as a PDF they can take away")
        self.print_button = shortcut_button("Print", "Ctrl+Shift+P", self.print_plan, page=self)
        self.buttons.addWidget(self.pdf_button)
        self.buttons.addWidget(self.print_button)
        self.save_button = self.add_action("Save version", "Ctrl+S", self.save)
        self.show_kind(PlanKind.CRISIS if self._has(PlanKind.CRISIS) else PlanKind.STAYING_WELL)

    def _explain_readers(self) -> None:
        if not self.sealed.isChecked():
            self.readers_note.setText("Colleagues doing casework here can read it (volunteers only if a manager "
                                      "allowed them).")
        elif self.opens_sealed:
            self.readers_note.setText("Sealed: only managers can open it, and only they can write the next version.")
        else:
            self.readers_note.setText("Sealed: only managers can open it. Once saved you cannot open it again, so "
                                      "print or save their copy before you close this.")

    def _has(self, kind: PlanKind) -> bool:
        return any(p.kind is kind for p in self._actions.read(plans.plans_of, self._guest_id))

    # --- showing ------------------------------------------------------------------------------

    def show_kind(self, kind: PlanKind, version: int | None = None) -> None:
        self.kind = kind
        self.kind_buttons[kind].setChecked(True)
        self.errors.clear()
        summary = next((p for p in self._actions.read(plans.plans_of, self._guest_id) if p.kind is kind), None)
        self.view = None
        self.versions.clear()
        if summary is not None and summary.readable:
            self.view = self._actions.read(plans.read_plan, summary.plan_id, version)
            for info in self._actions.read(plans.plan_history, summary.plan_id):
                item = QListWidgetItem(f"Version {info.version}: {full_date_time(info.written_at, self.zone)}, "
                                       f"{info.written_by_name or 'unknown'}" + (" (sealed)" if info.sealed else ""))
                item.setData(256, info.version)
                self.versions.addItem(item)
        latest = self.view is None or self.view.version == self.view.latest_version
        for key, editor in self.editors.items():
            editor.setPlainText(self.view.sections.get(key, "") if self.view else "")
            editor.setReadOnly(not latest or (summary is not None and not summary.readable))
        if summary is None:
            self.state.setText(f"No {kind.label.lower()} yet: write one with them and save.")
        elif not summary.readable:
            self.state.setText(f"This {kind.label.lower()} is sealed at their request: a manager opens it."
                               if summary.sealed else "Your account does not read plans: ask a manager.")
        elif not latest and self.view is not None:
            self.state.setText(f"Showing version {self.view.version} of {self.view.latest_version} (read only). "
                               f"{native_keys('Ctrl+1')} or {native_keys('Ctrl+2')} goes back to the latest.")
        elif self.view is not None:
            self.state.setText(f"Version {self.view.version}, {full_date_time(self.view.written_at, self.zone)}, "
                               f"by {self.view.written_by_name or 'unknown'}.")
        sealed_now = self.view.sealed if self.view else bool(summary and summary.sealed)
        (self.sealed if sealed_now else self.open_choice).setChecked(True)
        self._explain_readers()
        self.save_button.setEnabled(latest and (summary is None or summary.readable))
        for chip in (self.open_choice, self.sealed, self.with_person):
            chip.setEnabled(self.save_button.isEnabled())
        for button in (self.pdf_button, self.print_button):
            button.setEnabled(self.view is not None)
        first = next(iter(self.editors.values()))
        first.setFocus()

    def _open_version(self, item: QListWidgetItem) -> None:
        self.show_kind(self.kind, int(item.data(256)))

    # --- actions ------------------------------------------------------------------------------

    def save(self) -> int | None:
        sections = {key: editor.toPlainText() for key, editor in self.editors.items()}
        try:
            written = self._actions.run(plans.write_plan, self._guest_id, self.kind, sections,
                                        sealed=self.sealed.isChecked(), with_person=self.with_person.isChecked())
        except DeskError as error:
            self.errors.show(error)
            return None
        sealed = self.sealed.isChecked()
        self.show_kind(self.kind)
        if sealed and self.view is None:
            # Saved sealed by someone who cannot open it: their copy to print is what was just written.
            self.view = plans.PlanView(written.plan_id, self._guest_id, self._name, self.kind, written.version,
                                       written.version, {k: v.strip() for k, v in sections.items() if v.strip()},
                                       True, self.with_person.isChecked(), written.written_at, None,
                                       self._actions.read(get_site).settings.profile.helpline)
            for button in (self.pdf_button, self.print_button):
                button.setEnabled(True)
            self.banner.show_message("success", f"Saved sealed as version {written.version}. Print or save their "
                                     "copy now: after you close this, only managers can open it.")
            return written.version
        self.banner.show_message("success", f"Saved as version {written.version}.")
        return written.version

    def choose_pdf(self) -> None:
        if self.view is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save the plan as a PDF", f"{self.kind.value}-plan.pdf",
                                              "PDF (*.pdf)")
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, path: Path) -> Path | None:
        if self.view is None:
            return None
        written = write_pdf(plan_html(self.view, self.zone), path, f"{self.view.kind.label}")
        self.banner.show_message("success", f"Saved {written.name}. Give it to them or print it.")
        return written

    def print_plan(self) -> None:
        if self.view is not None and print_html(self, plan_html(self.view, self.zone), self.view.kind.label):
            self.banner.show_message("success", "Sent to the printer.")
