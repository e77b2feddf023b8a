"""Backups & data: back up now, retention, a guest's export, and erasure that needs a reason."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from safespace_desk.db.backup import verify_backup
from safespace_desk.services import backups, data_rights, guests
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.data_rights.backups_page import BackupsPage
from safespace_desk.ui.shell import MainShell
from tests.services.frontdesk_helpers import add
from tests.support import pdf as pdf_reader


def _page(qtbot: QtBot, shell: MainShell, desk: DeskContext) -> BackupsPage:
    page = BackupsPage(desk, shell)
    shell.add_page("backups", "Backups", page)
    shell.show()
    qtbot.waitExposed(shell)
    shell.show_page("backups")
    return page


def test_back_up_now_writes_a_verified_backup(qtbot: QtBot, shell: MainShell, desk: DeskContext,
                                              tmp_path: Path) -> None:
    page = _page(qtbot, shell, desk)
    tab = page.backup_tab
    assert not tab.back_up_button.isEnabled()  # no folder chosen yet
    page.configure(str(tmp_path / "usb"), 3)
    assert "saved" in tab.banner.text() and tab.back_up_button.isEnabled()
    tab.back_up_button.click()
    assert "Backup written and checked" in tab.banner.text()
    [info] = backups.backups_in(desk)
    verify_backup(info.path, desk.master_key)  # opens and passes the integrity check
    assert tab.table.rowCount() == 1 and tab.table.item(0, 2).text() == info.path.name
    assert "Last backup: Tue 24 Nov 2026, 12:00" in tab.last_label.text()
    assert f"safespace-desk restore {info.path}" in tab.restore_text.text()


def test_a_bad_folder_is_named_inline(qtbot: QtBot, shell: MainShell, desk: DeskContext) -> None:
    page = _page(qtbot, shell, desk)
    page.configure("   ", 14)
    assert page.backup_tab.folder_row.error.text() == "Choose a folder for backups."


def test_retention_periods_save_and_purge_runs(qtbot: QtBot, shell: MainShell, desk: DeskContext) -> None:
    page = _page(qtbot, shell, desk)
    tab = page.retention_tab
    assert tab.months["triage"].value() == 96
    tab.forever["messages"].setChecked(True)
    assert not tab.months["messages"].isEnabled()
    tab.months["visits"].setValue(24)
    tab.save_button.click()
    policy = data_rights.retention_policy(desk)
    assert policy.months("visits") == 24 and policy.months("messages") is None
    tab.purge_button.click()
    box = tab.confirm_box
    assert box is not None and box.defaultButton() == box.button(QMessageBox.StandardButton.Cancel)
    next(b for b in box.buttons() if b.text() == "Run purge").click()
    assert "Purge done" in tab.banner.text()


def test_erasing_needs_a_reason_and_a_confirmation_naming_the_guest(qtbot: QtBot, shell: MainShell,
                                                                    desk: DeskContext) -> None:
    guest_id = add(desk, "Robin Hale", gender="man")
    tab = _page(qtbot, shell, desk).guest_tab
    qtbot.keyClicks(tab.guest_search, "robin")
    tab.results.setCurrentRow(0)
    assert tab.chosen.text() == "Robin Hale"
    tab.erase_button.click()
    assert tab.confirm_box is None
    # The reason is kept on the anonymised record, never in the append-only audit (it could not be erased).
    assert tab.reason_row.error.text() == "Give the reason for erasing: it is kept with the erased record."
    qtbot.keyClicks(tab.reason, "Asked in person for erasure")
    tab.erase_button.click()
    box = tab.confirm_box
    assert box is not None and "Robin Hale" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert guests.get_guest(desk, guest_id).preferred_name == "Robin Hale"
    tab.erase_button.click()
    assert tab.confirm_box is not None
    with qtbot.waitSignal(shell.changes_applied):
        next(b for b in tab.confirm_box.buttons() if b.text() == "Erase Robin Hale").click()
    record = guests.get_guest(desk, guest_id)
    assert record.preferred_name == data_rights.ERASED_NAME and record.gender is None
    assert "anonymised" in tab.banner.text()
    reason = "Asked in person for erasure"
    assert desk.store.raw_connection_sql(f"SELECT erasure_reason FROM guest WHERE id = '{guest_id}'") == [(reason,)]
    details = [row[0] or "" for row in desk.store.raw_connection_sql("SELECT detail FROM audit_log")]
    assert not [d for d in details if reason in d]


def test_export_everything_writes_json_and_a_readable_pdf(qtbot: QtBot, shell: MainShell, desk: DeskContext,
                                                          tmp_path: Path) -> None:
    add(desk, "Kez Moran", aliases=("Kezzy",))
    tab = _page(qtbot, shell, desk).guest_tab
    qtbot.keyClicks(tab.guest_search, "kez")
    tab.results.setCurrentRow(0)
    hit = tab.selected()
    assert hit is not None
    tab.export(hit, tmp_path / "subject-access")
    assert "saved as subject-access.json and subject-access.pdf" in tab.banner.text()
    data = json.loads((tmp_path / "subject-access.json").read_text(encoding="utf-8"))
    assert data["format"] == "safespace-desk-subject-access"
    assert data["guest_records"][0]["preferred_name"] == "Kez Moran"
    text = pdf_reader.text(tmp_path / "subject-access.pdf")
    assert "Everything SafeSpace Desk holds about Kez Moran" in text
    assert "Kezzy" in text and "Who viewed or changed these records" in text
