"""First start: name the hub, create the first manager, then show the recovery key once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safespace_desk.domain.clock import Clock
from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.profile import ServiceKind
from safespace_desk.domain.site import check_timezone, known_timezones, starting_settings
from safespace_desk.domain.text import clean_text
from safespace_desk.services import setup
from safespace_desk.ui.kit.forms import (
    Banner,
    Card,
    FieldRow,
    FormErrors,
    centred,
    password_edit,
    primary_button,
    text_edit,
)
from safespace_desk.ui.kit.secrets import PassphraseOffer, copy_secret, secret_clipboard
from safespace_desk.ui.kit.widgets import explanation, heading
from safespace_desk.ui.sync.join_step import JoinStep
from safespace_desk.ui.tasks import TaskRunner

DEFAULT_TIMEZONE = "Europe/London"
STEP_TITLES = ("About this service", "First manager", "Recovery key")
# The three services this program is for (shared DOMAIN.md), as starting points.
STARTING_POINTS = ((ServiceKind.HUB, "24/7 hub (like Derby's Safe Space)"),
                   (ServiceKind.CRISIS, "Crisis service by referral (like PFG Doncaster's Safe Space)"),
                   (ServiceKind.HAVEN, "Walk-in haven (like the Coventry and Warwickshire Safe Havens)"))
KIND_HINTS = {
    ServiceKind.HUB: "Open day and night: places by day, beds at night, short exclusions, agencies' messages.",
    ServiceKind.CRISIS: "Referrals that open and re-open cases, a diary of calls and visits with follow-ups, "
                        "plans, practical support. Open 16:30–21:00, longer in winter.",
    ServiceKind.HAVEN: "Walk-in or online every night 18:00–23:00, no referral needed, 18+; one-to-one "
                       "support, plans, sessions.",
}

RECOVERY_KEY_EXPLAINED = (
    "If every manager forgets their password, this recovery key is the only way back into the "
    "records. Without it nobody can open them, not even the people who made this program.\n\n"
    "Write it on paper now and keep it somewhere locked, away from this computer (for example in "
    "the manager's safe). It is shown only this once.")


class SetupWizard(QWidget):
    """Emits ``completed(DeskContext)`` once the store exists and the key has been written down."""

    completed = Signal(object)

    def __init__(self, data_dir: Path, clock: Clock, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._clock = clock
        self._runner = runner
        self._result: setup.SetupResult | None = None
        self._recovery_key = ""
        self.steps = QStackedWidget()
        self.steps.addWidget(self._build_site_step())
        self.steps.addWidget(self._build_manager_step())
        self.steps.addWidget(self._build_key_step())
        # A desk for a hub that already has one: join it instead of making a new store.
        self.join_step = JoinStep(data_dir, clock, runner)
        self.join_step.back.connect(lambda: self.steps.setCurrentIndex(0))
        self.join_step.joined.connect(self.completed)
        self.steps.addWidget(self.join_step)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.steps)

    # -- step 1: the hub ---------------------------------------------------------------------
    def _build_site_step(self) -> QWidget:
        card = Card(620)
        card.body.addWidget(_step_label(0))
        card.body.addWidget(heading("Welcome to SafeSpace Desk", "title"))
        card.body.addWidget(explanation(
            "This sets up the desk on this computer. Everything staff record about guests is kept in "
            "an encrypted store that only staff passwords can open."))
        self.site_banner = Banner()
        card.body.addWidget(self.site_banner)
        self.site_name = text_edit("Name of this service")
        self.site_name.setPlaceholderText("e.g. Derby Safe Space")
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.addItems(known_timezones())
        self.timezone.setCurrentText(DEFAULT_TIMEZONE)
        self.timezone.setAccessibleName("Time zone")
        self.timezone.setMaxVisibleItems(12)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of service")
        for kind, text in STARTING_POINTS:
            self.kind.addItem(text, kind.value)
        rows = {"site_name": FieldRow("&Name of this service", self.site_name),
                "kind": FieldRow("&Kind of service (a starting point: a manager can change it later)", self.kind,
                                 KIND_HINTS[ServiceKind.HUB]),
                "timezone": FieldRow("&Time zone", self.timezone,
                                     "Times on screen follow this zone, including summer time.")}
        # The hint under the choice says what that kind of service gets.
        self.kind_hint = rows["kind"].findChild(QLabel, "hint")
        self.kind.currentIndexChanged.connect(self._show_kind_hint)
        for row in rows.values():
            card.body.addWidget(row)
        self.site_errors = FormErrors(self.site_banner, rows)
        self.next_button = primary_button("&Next")
        self.next_button.clicked.connect(self._site_next)
        self.join_button = QPushButton("Join an e&xisting hub…")
        self.join_button.setAccessibleName("Join an existing hub instead (this computer becomes another desk)")
        self.join_button.clicked.connect(self.show_join)
        self.site_name.returnPressed.connect(self._site_next)
        line_edit = self.timezone.lineEdit()
        assert line_edit is not None
        line_edit.returnPressed.connect(self._site_next)
        card.body.addLayout(_buttons(self.next_button, self.join_button))
        return centred(card)

    def show_join(self) -> None:
        self.steps.setCurrentWidget(self.join_step)
        self.join_step.focus_first()

    def _show_kind_hint(self) -> None:
        if self.kind_hint is not None:
            self.kind_hint.setText(KIND_HINTS[ServiceKind(self.kind.currentData())])

    def _site_next(self) -> None:
        self.site_errors.clear()
        try:
            clean_text(self.site_name.text(), field="site_name", label="The service's name", max_len=200,
                       required=True)
            check_timezone(self.timezone.currentText())
        except DeskError as error:
            self.site_errors.show(error)
            return
        self.steps.setCurrentIndex(1)
        self.manager_name.setFocus()

    # -- step 2: the first manager -----------------------------------------------------------
    def _build_manager_step(self) -> QWidget:
        card = Card(620)
        card.body.addWidget(_step_label(1))
        card.body.addWidget(heading("The first manager account", "title"))
        card.body.addWidget(explanation(
            "The manager adds the other staff accounts later. Choose a password of at least 10 "
            "characters that is hard to guess (a few unrelated words), or take a suggested passphrase."))
        self.manager_banner = Banner()
        card.body.addWidget(self.manager_banner)
        self.manager_name = text_edit("Your name", 80)
        self.manager_password = password_edit("Password")
        self.manager_confirm = password_edit("Type the password again")
        rows = {"name": FieldRow("Your &name (as you will type it to sign in)", self.manager_name),
                "password": FieldRow("&Password", self.manager_password),
                "confirm": FieldRow("Type the password &again", self.manager_confirm)}
        for row in rows.values():
            card.body.addWidget(row)
        self.passphrase = PassphraseOffer(self.manager_password, self.manager_confirm, setup.suggest_passphrase)
        card.body.addWidget(self.passphrase)
        self.manager_errors = FormErrors(self.manager_banner, rows)
        self.back_button = QPushButton("&Back")
        self.back_button.clicked.connect(lambda: self.steps.setCurrentIndex(0))
        self.create_button = primary_button("&Create the store")
        self.create_button.clicked.connect(self._create_store)
        for edit in (self.manager_name, self.manager_password, self.manager_confirm):
            edit.returnPressed.connect(self._create_store)
        card.body.addLayout(_buttons(self.create_button, self.back_button))
        return centred(card)

    def _create_store(self) -> None:
        if self._runner.busy:
            return
        self.manager_errors.clear()
        if self.manager_password.text() != self.manager_confirm.text():
            self.manager_errors.show_field("confirm", "The two passwords are different. Type them again.")
            return
        site_name, timezone = self.site_name.text(), self.timezone.currentText()
        name, password = self.manager_name.text(), self.manager_password.text()
        settings = starting_settings(self.kind.currentData())
        self._set_creating(True)
        self._runner.run(
            lambda: setup.initialise_store(self._data_dir, site_name=site_name, timezone=timezone,
                                           manager_name=name, manager_password=password,
                                           clock=self._clock, settings=settings),
            self._store_created, self._create_failed)

    def _set_creating(self, creating: bool) -> None:
        self.create_button.setEnabled(not creating)
        self.back_button.setEnabled(not creating)
        if creating:
            self.manager_banner.show_message("Creating the encrypted store…", "info")

    def _create_failed(self, error: Exception) -> None:
        self._set_creating(False)
        if getattr(error, "field", None) in {"site_name", "timezone"}:
            self.steps.setCurrentIndex(0)  # the problem is on the first step: show it there
            self.site_errors.show(error)
            return
        self.manager_errors.show(error)

    def _store_created(self, result: setup.SetupResult) -> None:
        self._result = result
        self.manager_password.clear()
        self.manager_confirm.clear()
        self._recovery_key = result.recovery_key
        self.key_label.setText(_two_lines(result.recovery_key))
        self.steps.setCurrentIndex(2)
        self.written_down.setFocus()

    # -- step 3: the recovery key ------------------------------------------------------------
    def _build_key_step(self) -> QWidget:
        card = Card(720)
        card.body.addWidget(_step_label(2))
        card.body.addWidget(heading("Write down the recovery key", "title"))
        card.body.addWidget(explanation(RECOVERY_KEY_EXPLAINED))
        self.key_label = QLabel()
        self.key_label.setObjectName("recoveryKey")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.key_label.setFont(mono)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setAccessibleName("Recovery key")
        card.body.addWidget(self.key_label)
        self.copy_button = QPushButton("C&opy")
        self.copy_button.clicked.connect(self._copy_key)
        self.print_button = QPushButton("&Print…")
        self.print_button.clicked.connect(self._print_key)
        self.key_note = QLabel()
        self.key_note.setObjectName("hint")
        self.key_note.setWordWrap(True)  # "Copied. The clipboard is emptied…" ran out of the card
        tools = QHBoxLayout()
        tools.addWidget(self.copy_button)
        tools.addWidget(self.print_button)
        tools.addWidget(self.key_note, 1)
        card.body.addLayout(tools)
        self.written_down = QCheckBox("I have &written this down and stored it safely")
        self.written_down.setObjectName("confirmKey")
        card.body.addWidget(self.written_down)
        self.finish_button = primary_button("&Finish")
        self.finish_button.setEnabled(False)
        self.written_down.toggled.connect(self.finish_button.setEnabled)
        self.finish_button.clicked.connect(self._finish)
        card.body.addLayout(_buttons(self.finish_button))
        return centred(card)

    def _copy_key(self) -> None:
        copy_secret(self._recovery_key)
        self.key_note.setText("Copied. The clipboard is emptied within a minute, or when you press Finish.")

    def _print_key(self) -> None:
        # Imported here: printing support is only needed on this one screen.
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        dialog = QPrintDialog(printer, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def print_sheet() -> None:
            sheet = QTextDocument()
            sheet.setPlainText(f"SafeSpace Desk — recovery key\n\n{self._recovery_key}\n\n"
                               f"{RECOVERY_KEY_EXPLAINED}")
            sheet.print_(printer)
            self.key_note.setText("Sent to the printer. Collect the page now.")

        dialog.accepted.connect(print_sheet)
        dialog.open()

    def _finish(self) -> None:
        if self._result is None or not self.written_down.isChecked():
            return
        secret_clipboard().clear()  # the key must not linger where the next paste would reveal it
        self.key_label.clear()
        self._recovery_key = ""
        desk, self._result = self._result.desk, None
        self.completed.emit(desk)

    def showEvent(self, event: object) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)  # type: ignore[arg-type]
        if self.steps.currentIndex() == 0:
            self.site_name.setFocus()


def _step_label(index: int) -> QLabel:
    label = QLabel(f"Step {index + 1} of {len(STEP_TITLES)} · {STEP_TITLES[index]}")
    label.setObjectName("stepLabel")
    return label


def _buttons(primary: QPushButton, secondary: QPushButton | None = None) -> QHBoxLayout:
    row = QHBoxLayout()
    if secondary is not None:
        row.addWidget(secondary)
    row.addStretch(1)
    row.addWidget(primary)
    return row


def _two_lines(key: str) -> str:
    """Eight groups read more easily (and fit the screen) as two lines of four."""
    groups = key.split("-")
    half = (len(groups) + 1) // 2
    return "-".join(groups[:half]) + "\n" + "-".join(groups[half:])
