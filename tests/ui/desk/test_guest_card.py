"""Guest cards: a barcode a desk scanner reads back as the card code, and no personal data."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import guests, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.desk import FrontDeskPage

ZBAR = shutil.which("zbarimg")


def _decode(pdf: Path) -> str:
    """Render the card at print resolution and read its barcode with an independent decoder (zbar)."""
    if ZBAR is None:
        pytest.fail("zbarimg (Debian package zbar-tools) is needed to check the barcode; .ci/run installs it")
    subprocess.run(["pdftoppm", "-png", "-r", "300", str(pdf), str(pdf.with_suffix(""))], check=True)
    image = next(pdf.parent.glob(pdf.stem + "*.png"))
    done = subprocess.run([ZBAR, "-q", "--raw", str(image)], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_printed_card_scans_back_and_signs_the_guest_in(qtbot: QtBot, desk: DeskContext, tmp_path: Path,
                                                          make_page: Callable[[DeskContext], FrontDeskPage]) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Zoë Cardholder", legal_name="Zoe Q Public"))
    page = make_page(desk)
    page.open_guest(record.id)
    pdf = page.details.save_card(tmp_path / "card.pdf")
    assert pdf is not None and pdf.exists()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert record.card_code in text and "Cardholder" not in text and "Public" not in text
    scanned = _decode(pdf)
    assert scanned == record.card_code
    # What a keyboard-wedge scanner does: type the code, then Enter.
    page.search_panel.focus_search()
    qtbot.keyClicks(page.search_panel.search_box, scanned)
    qtbot.keyClick(page.search_panel.search_box, Qt.Key.Key_Return)
    assert [g.guest_id for g in visits.who_is_in(desk)] == [record.id]
