"""The centred card of the sign-in, lock and set-up screens, at the smallest window a desk allows
(1024x640) in Large text: wrapped text keeps the height it needs, and the card scrolls instead of
being squeezed (squeezed, a label's text was cut at the top and bottom). And the staff forms' dialogs
in Large text with an error and a suggested passphrase."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.admin.dialogs import AddStaffDialog
from safespace_desk.ui.kit.forms import Card, FieldRow, centred, text_edit
from safespace_desk.ui.kit.theme import Theme, ThemeController
from safespace_desk.ui.kit.widgets import explanation
from safespace_desk.ui.setup_wizard import RECOVERY_KEY_EXPLAINED, SetupWizard
from safespace_desk.ui.tasks import InlineRunner


@pytest.fixture
def large_text(qtbot: QtBot) -> Iterator[ThemeController]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    controller = ThemeController(app, theme=Theme.NIGHT, large_text=True)
    yield controller
    controller.set_scheme(Theme.DAY, large_text=False)


def cut_labels(root: QWidget) -> list[str]:
    """Visible labels cut: wrapping ones given less height than their text needs at their width,
    others narrower than their text."""
    cut = []
    for label in root.findChildren(QLabel):
        if not (label.isVisible() and label.text()):
            continue
        if label.wordWrap() and label.heightForWidth(label.width()) > label.height():
            cut.append(f"{label.text()[:40]!r}: {label.height()} px high of {label.heightForWidth(label.width())}")
        elif not label.wordWrap() and label.sizeHint().width() > label.width():
            cut.append(f"{label.text()[:40]!r}: {label.width()} px wide of {label.sizeHint().width()}")
    return cut


def assert_whole(root: QWidget) -> None:
    cut = cut_labels(root)
    assert not cut, cut


def test_a_card_taller_than_the_window_scrolls_and_its_text_is_whole(
        qtbot: QtBot, large_text: ThemeController) -> None:
    card = Card(620)
    for _ in range(4):
        card.body.addWidget(explanation(RECOVERY_KEY_EXPLAINED))
    screen = centred(card)
    qtbot.addWidget(screen)
    screen.resize(1024, 640)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(lambda: assert_whole(screen), timeout=2000)
    scroll = screen if isinstance(screen, QScrollArea) else screen.findChild(QScrollArea)
    assert scroll is not None and scroll.verticalScrollBar().maximum() > 0


def test_the_recovery_key_step_fits_in_large_text_before_and_after_copy(
        qtbot: QtBot, large_text: ThemeController, tmp_path: Path, clock: FixedClock) -> None:
    wizard = SetupWizard(tmp_path / "fresh", clock, InlineRunner())
    qtbot.addWidget(wizard)
    wizard.resize(1024, 640)
    wizard.show()
    qtbot.waitExposed(wizard)
    wizard.site_name.setText("Derby Safe Space")
    wizard.next_button.click()
    wizard.manager_name.setText("Mo Manager")
    for edit in (wizard.manager_password, wizard.manager_confirm):
        edit.setText("correct horse battery")
    wizard.create_button.click()
    assert wizard.steps.currentIndex() == 2
    qtbot.waitUntil(lambda: assert_whole(wizard), timeout=2000)
    wizard.copy_button.click()
    # The note after Copy is whole (it ran out of the card, unwrapped).
    note = wizard.key_note
    assert note.text().startswith("Copied")
    qtbot.waitUntil(lambda: assert_whole(wizard), timeout=2000)


def test_a_long_field_label_wraps_instead_of_being_cut(qtbot: QtBot, large_text: ThemeController) -> None:
    card = Card(620)
    row = FieldRow("&Kind of service (a starting point: a manager can change it later)", text_edit("Kind"))
    card.body.addWidget(row)
    screen = centred(card)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)
    qtbot.waitUntil(lambda: assert_whole(screen), timeout=2000)


def test_add_staff_in_large_text_fits_the_screen_and_shows_the_passphrase_in_body_text(
        qtbot: QtBot, large_text: ThemeController, desk: DeskContext) -> None:
    dialog = AddStaffDialog(desk, InlineRunner())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.name, "Kim Keen")
    for edit in (dialog.password, dialog.confirm):
        qtbot.keyClicks(edit, "password1234")
    dialog.submit()  # too easy to guess: a long error under the password
    assert "too easy to guess" in dialog.errors.rows["password"].error.text()
    dialog.passphrase.button.click()
    QApplication.processEvents()
    screen = dialog.screen().availableGeometry()
    # The buttons stay on the screen (the form scrolls above them); nothing in the form is cut.
    assert dialog.height() <= screen.height(), (dialog.height(), screen.height())
    ok = dialog.ok_button.geometry()
    assert dialog.rect().contains(ok) and not ok.isEmpty()
    qtbot.waitUntil(lambda: assert_whole(dialog), timeout=2000)
    # The suggestion to write down runs across the form under its button, not squeezed beside it.
    shown, button = dialog.passphrase.shown, dialog.passphrase.button
    assert shown.geometry().top() >= button.geometry().bottom()
    assert shown.width() >= dialog.password.width() - 1
    assert shown.objectName() != "hint"  # body text, not the small grey of a hint


def test_the_rekey_progress_has_room_round_its_text_and_says_to_keep_the_desk_on(
        qtbot: QtBot, large_text: ThemeController) -> None:
    from safespace_desk.ui.admin.keys import RekeyProgress

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = RekeyProgress("Rotating the keys", parent)
    dialog.show()
    dialog.report(12_345, 183_000)
    qtbot.waitUntil(lambda: dialog.value() == 12_345, timeout=2000)
    label = next(child for child in dialog.findChildren(QLabel) if "pages" in child.text())
    assert "Keep the desk switched on" in label.text() and "Rotating the keys" in label.text()
    text_left = label.mapTo(dialog, label.contentsRect().topLeft()).x()
    assert text_left >= 20, text_left  # Qt's own label: 10 px from the edge
    assert_whole(dialog)


def test_a_whole_recovery_key_shows_in_its_box_in_large_text(
        qtbot: QtBot, large_text: ThemeController, tmp_path: Path, clock: FixedClock) -> None:
    from safespace_desk.ui.sign_in import SignInScreen

    screen = SignInScreen(tmp_path, clock, InlineRunner())
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitExposed(screen)
    screen.show_recovery()
    key = "WWWW-MMMM-WWWW-MMMM-WWWW-MMMM-WWWW-MMMM"  # the widest letters a key can have
    screen.recovery_key.setText(key)
    screen.recovery_key_show.click()
    QApplication.processEvents()
    edit = screen.recovery_key
    # The text area of a line edit: its width less the frame and the stylesheet's padding (~26 px).
    assert edit.fontMetrics().horizontalAdvance(key) + 26 <= edit.width(), edit.width()
