"""Needs attention: what the hub's server changed, refused or flagged, listed for a lead with the
guest it is about, and marked resolved (real widgets, a real store)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from safespace_desk.db.models import SyncProblem
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import guests, site
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import decisions, outcomes
from safespace_desk.ui.pages import standard_pages
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.sync.attention_page import AttentionPage
from safespace_desk.ui.tasks import InlineRunner


def _with_outcomes(desk: DeskContext) -> str:
    guest = guests.add_guest(desk, GuestDetails(preferred_name="Ottilie Marchbank"))[0].id
    now = desk.clock.now()
    with desk.store.write() as session:
        outcomes.problem(session, now, "changed", decisions.BED_TAKEN, op_kind="visit.sign_in", about=guest,
                         detail="Bed 1")
        outcomes.problem(session, now, "changed", "bed_moved", op_kind="bed.give", about=guest, detail="Bed 2")
        outcomes.problem(session, now, "flag", decisions.EXCLUDED_SIGNED_IN, op_kind="visit.sign_in", about=guest)
        outcomes.problem(session, now, "rejected", decisions.ALREADY_DELIVERED, op_kind="message.not_passed_on")
    return guest


def _shell(qtbot: QtBot, desk: DeskContext) -> MainShell:
    shell = MainShell(desk, site.get_site(desk), desk.clock, InlineRunner())
    qtbot.addWidget(shell)
    shell.add_page("attention", "Needs attention", AttentionPage(desk, shell))
    shell.resize(1366, 768)
    shell.show()
    shell.show_page("attention")
    return shell


def test_the_page_is_in_the_shells_registry_for_leads_and_managers() -> None:
    spec = next(s for s in standard_pages() if s.key == "attention")
    assert spec.factory is AttentionPage and spec.shortcut == "Shift+F4"
    assert spec.roles is not None and {r.value for r in spec.roles} == {"lead", "manager"}


def test_a_lead_sees_what_the_hub_changed_with_the_guest_and_resolves_it(qtbot: QtBot, desk: DeskContext) -> None:
    _with_outcomes(desk)
    shell = _shell(qtbot, desk)
    page = shell.page("attention")
    assert isinstance(page, AttentionPage)
    texts = [page.table.item(row, 2).text() for row in range(page.table.rowCount())]
    names = [page.table.item(row, 1).text() for row in range(page.table.rowCount())]
    assert len(texts) == 4 and not page.empty.isVisible()
    assert any("given to someone else at another desk first" in t and "first (Bed 1)." in t for t in texts)
    assert any("moved the guest to the first free bed" in t and "(Bed 2)." in t for t in texts)
    assert any("signed in while excluded" in t for t in texts)
    assert any("already been passed on" in t for t in texts)
    assert names.count("Ottilie Marchbank") == 3 and "—" in names
    page.table.selectRow(0)
    qtbot.mouseClick(page.resolve_button, Qt.MouseButton.LeftButton)
    assert page.table.rowCount() == 3
    assert "Marked resolved" in page.banner.text()
    with desk.store.read() as session:
        assert session.query(SyncProblem).filter(SyncProblem.resolved_at.is_not(None)).count() == 1
    page.show_resolved.setChecked(True)
    assert page.table.rowCount() == 4
    assert sum(page.table.item(r, 2).text().startswith("Resolved.") for r in range(4)) == 1
    shell.stop()


def test_nothing_to_resolve_says_so(qtbot: QtBot, desk: DeskContext) -> None:
    shell = _shell(qtbot, desk)
    page = shell.page("attention")
    assert isinstance(page, AttentionPage)
    assert page.empty.isVisible() and not page.table.isVisible() and not page.resolve_button.isEnabled()
    shell.stop()


def test_a_long_outcome_wraps_onto_rows_as_tall_as_it_needs(qtbot: QtBot, desk: DeskContext) -> None:
    """The server-restored note is several lines: rows follow their text when the page's width or the
    text size changes after it was filled (they were sized once, so Large text cut every sentence
    short and crowded the rows)."""
    from PySide6.QtWidgets import QApplication

    from safespace_desk.ui.kit.theme import Theme, ThemeController

    _with_outcomes(desk)
    with desk.store.write() as session:
        outcomes.problem(session, desk.clock.now(), "new_epoch", "epoch 2")
    shell = _shell(qtbot, desk)
    page = shell.page("attention")
    assert isinstance(page, AttentionPage)
    theme = ThemeController(QApplication.instance())  # type: ignore[arg-type]
    try:
        theme.set_scheme(Theme.NIGHT, large_text=True)
        qtbot.wait(20)
        rows = {page.table.item(r, 2).text(): r for r in range(page.table.rowCount())}
        note = next(r for text, r in rows.items() if "restored from a backup" in text)
        line = page.table.fontMetrics().height()
        assert page.table.rowHeight(note) >= 4 * line
        assert all(page.table.rowHeight(r) >= line for r in rows.values())
    finally:
        theme.set_scheme(Theme.DAY, large_text=False)
        shell.stop()
