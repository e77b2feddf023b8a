"""Guest cards: a barcode a desk scanner reads back as the card code, and no personal data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import guests, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.desk import FrontDeskPage
from tests.support import pdf as pdf_reader


def _decode(pdf: Path) -> str:
    """Render the card at print resolution and read its barcode with an independent decoder (ZXing)."""
    found = pdf_reader.barcodes(pdf_reader.render(pdf, dpi=300))
    assert len(found) == 1, found
    return found[0]


def test_a_printed_card_scans_back_and_signs_the_guest_in(qtbot: QtBot, desk: DeskContext, tmp_path: Path,
                                                          make_page: Callable[[DeskContext], FrontDeskPage]) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Zoë Cardholder", legal_name="Zoe Q Public"))
    page = make_page(desk)
    page.open_guest(record.id)
    pdf = page.details.save_card(tmp_path / "card.pdf")
    assert pdf is not None and pdf.exists()
    text = pdf_reader.text(pdf)
    assert record.card_code in text and "Cardholder" not in text and "Public" not in text
    scanned = _decode(pdf)
    assert scanned == record.card_code
    # What a keyboard-wedge scanner does: type the code, then Enter.
    page.search_panel.focus_search()
    qtbot.keyClicks(page.search_panel.search_box, scanned)
    qtbot.keyClick(page.search_panel.search_box, Qt.Key.Key_Return)
    assert [g.guest_id for g in visits.who_is_in(desk)] == [record.id]
