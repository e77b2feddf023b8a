"""The Partnership page on the hand-built fortnight: the by-name list (filters, the person beside it,
the "action agreed" line, joining and leaving), printing and files, and the impact estimate."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from safespace_desk.db.models import AuditEntry
from safespace_desk.domain.partnership import ListFilter
from safespace_desk.domain.roles import Role
from safespace_desk.services import impact, partnership
from safespace_desk.services.site import get_site
from safespace_desk.ui.messages.printing import new_printer
from safespace_desk.ui.pages import standard_pages
from safespace_desk.ui.partnership.page import PartnershipPage
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.tasks import InlineRunner
from tests.services.partnership_helpers import CLINICAL_WORDS, MEETING, Fortnight, open_copy
from tests.support import pdf as pdf_reader

Opened = tuple[PartnershipPage, Fortnight]


@pytest.fixture
def opened(qtbot: QtBot, partnership_fortnight: tuple[Path, Fortnight], tmp_path: Path) -> Iterator[Opened]:
    desk, clock = open_copy(partnership_fortnight[0], tmp_path / "data")
    shell = MainShell(desk, get_site(desk), clock, InlineRunner())
    qtbot.addWidget(shell)
    shell.resize(1366, 768)
    page = PartnershipPage(desk, shell)
    shell.add_page("partnership", "Partnership", page)
    shell.show()
    qtbot.waitExposed(shell)
    shell.activateWindow()  # shortcuts (Ctrl+S) work only in the active window, as on a real desk
    qtbot.waitUntil(shell.isActiveWindow)
    shell.show_page("partnership")
    yield page, partnership_fortnight[1]
    shell.stop()
    desk.close()


def _names(page: PartnershipPage) -> list[str]:
    model = page.list_tab.model
    return [model.row_at(n).name for n in range(model.rowCount())]  # type: ignore[union-attr]


def _select(page: PartnershipPage, name: str) -> None:
    tab = page.list_tab
    tab.table.setFocus()
    tab.table.selectRow(_names(page).index(name))


def test_the_list_opens_on_the_meeting_being_prepared(opened: Opened) -> None:
    page, _f = opened
    tab = page.list_tab
    assert tab.meeting.date() == QDate(2026, 12, 10) and tab.first_day.date() == QDate(2026, 11, 26)
    assert _names(page) == ["Ann", "Gus", "Finn", "Ben", "Hal", "Cal"]
    assert "1 left off at their own request" in tab.status.text()
    assert "1 action from earlier meetings due (1 overdue)" in tab.status.text()
    # The person beside the list: counts only.
    _select(page, "Ann")
    facts = {title: value.text() for title, value in tab.person.facts.items()}
    assert facts["Triage"] == "2 assessments (a count only)"
    assert facts["Messages waiting"] == "GP 1" and facts["Arrived via"] == "Self 1; Police 1"
    everything = " ".join(w.text() for w in tab.findChildren(type(tab.status)))
    assert CLINICAL_WORDS not in everything


def test_filters_narrow_the_list(opened: Opened) -> None:
    page, _f = opened
    tab = page.list_tab
    tab.filter_buttons[ListFilter.NOT_SEEN].click()
    assert _names(page) == ["Hal", "Cal"]
    assert tab.status.text().startswith("2 people of 6")
    tab.filter_buttons[ListFilter.EXCLUDED].click()
    assert _names(page) == []
    tab.filter_buttons[ListFilter.NOT_SEEN].click()
    assert _names(page) == ["Ben"]


def test_the_action_agreed_is_typed_beside_the_list_and_focus_comes_back_to_it(opened: Opened,
                                                                               qtbot: QtBot) -> None:
    page, f = opened
    tab = page.list_tab
    _select(page, "Ann")
    panel = tab.person
    panel.action.setFocus()  # as Tab from the list would
    qtbot.keyClicks(panel.action, "Paramedic to check in on Monday")
    panel.due.setDate(QDate(2026, 12, 14))
    qtbot.keyClick(panel.action, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # no owner yet
    assert panel.errors.text_for("owner") == "Who does it is needed."
    assert panel.owner.hasFocus()
    qtbot.keyClicks(panel.owner, "Paramedic (Pat)")
    qtbot.keyClick(panel.owner, Qt.Key.Key_Return)
    assert "saved with this meeting" in tab.banner.text()
    assert tab.table.hasFocus() and tab.selected_row().name == "Ann"  # type: ignore[union-attr]
    row = tab.selected_row()
    assert row is not None and row.action is not None
    assert (row.action.text, row.action.owner, row.action.due_on, row.action.meeting_day) == (
        "Paramedic to check in on Monday", "Paramedic (Pat)", date(2026, 12, 14), MEETING)
    assert "Paramedic (Pat) · due 14 Dec" in tab.model.index(tab.table.currentIndex().row(), 3).data()
    # Cal's action from the last meeting is shown, overdue, and can be marked done.
    _select(page, "Cal")
    assert "Overdue" in panel.last_action.text() and panel.done_button.isVisible()
    panel.done_button.click()
    assert tab.selected_row().action.done_on == MEETING  # type: ignore[union-attr]
    assert "0 overdue" not in tab.status.text() and "overdue" not in tab.status.text()


def test_joining_and_leaving_by_the_meetings_agreement(opened: Opened, qtbot: QtBot) -> None:
    page, f = opened
    tab = page.list_tab
    _select(page, "Gus")
    assert tab.person.join_button.isVisible() and not tab.person.leave_button.isVisible()
    tab.person.join_button.click()
    assert "Gus is added to the list" in tab.banner.text()
    assert tab.selected_row().on_list_since == MEETING  # type: ignore[union-attr]
    tab.person.leave_button.click()
    assert tab.selected_row().left_list_on == MEETING  # type: ignore[union-attr]
    # Someone outreach knows, never seen and not on the list, is found by name and added.
    desk = tab._desk
    from tests.services.frontdesk_helpers import add

    add(desk, "Kit Outreach")
    qtbot.keyClicks(tab.picker.box, "Kit")
    qtbot.keyClick(tab.picker.box, Qt.Key.Key_Return)
    tab.add_button.click()
    assert "Kit Outreach" in _names(page)


def test_printing_and_saving_the_list_are_audited_as_a_list_never_by_name(opened: Opened, tmp_path: Path) -> None:
    page, _f = opened
    tab = page.list_tab
    printer = new_printer("By-name list", landscape=True)  # as Print… makes it, before the system's dialog
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    tab.print_to(printer)
    printed = " ".join(pdf_reader.text(tmp_path / "printed.pdf").split())
    assert "By-name list for the partnership meeting on Thu 10 Dec 2026" in printed
    assert "Ann" in printed and "1 left off at their own request" in printed and "Dee" not in printed
    pdf = tab.save("pdf", tmp_path / "list")
    assert pdf is not None and pdf.name == "list.pdf"
    width, height = pdf_reader.page_size_mm(pdf)
    assert width > height  # landscape: it is a wide table
    saved = tab.save("csv", tmp_path / "list.csv")
    assert saved is not None
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert [r["name"] for r in rows] == ["Ann", "Gus", "Finn", "Ben", "Hal", "Cal"]
    assert rows[0]["arrived_via"] == "Self 1; Police 1" and rows[0]["triage"] == "2"
    assert rows[5]["owner"] == "Outreach (Jo)" and rows[5]["overdue"] == "yes"
    with tab._desk.store.read() as session:
        actions = [(e.action, e.detail) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    outputs = [detail for action, detail in actions if action in ("list_printed", "list_exported")]
    assert [d.rsplit("format=", 1)[1] for d in outputs] == ["print", "pdf", "csv"]
    assert all("shown=6;left_off=1" in d for d in outputs)
    assert not any(name in (detail or "") for _a, detail in actions[-6:] for name in ("Ann", "Gus", "Cal"))


def test_the_impact_estimate_tab(opened: Opened, qtbot: QtBot, tmp_path: Path) -> None:
    page, _f = opened
    page.tabs.setCurrentIndex(1)
    tab = page.impact_tab
    assert tab.estimate is not None and tab.estimate.range_label == "1 Dec 2025 to 30 Nov 2026"  # last 12 months
    tab.picker.set_month(2026, 12)
    assert tab.table.item(0, 3).text() == "4 × £121.52 = £486.08"
    assert tab.totals.text() == "Indicative net value of the hub's work in this period: £556.08."
    assert "indicative only" in tab.indicative.text()
    # Change the police line's unit cost: a wrong date first, named at its box.
    tab.table.setCurrentCell(0, 0)
    form = tab.form
    form.amount.setText("130")
    form.source.setText("Constabulary overtime rates")
    form.source_date.setText("April 2026")
    form.save_button.click()
    assert "year (2024), a month (2024-03)" in form.errors.text_for("source_date")
    form.source_date.setText("2026-04")
    qtbot.keyClick(form.source_date, Qt.Key.Key_Return)
    assert tab.table.item(0, 3).text() == "4 × £130.00 = £520.00"
    assert tab.table.item(0, 5).text() == "Constabulary overtime rates, 2026-04 (set by Mo Manager)"
    assert "£121.52 → £130.00" in form.history.text()
    assert tab.table.hasFocus() and tab.selected_key() == "officer_time"
    assert impact.unit_costs(tab._desk)["officer_time"].unit_pence == 13000
    saved = tab.save("pdf", tmp_path / "estimate.pdf")
    assert saved is not None
    text = " ".join(pdf_reader.text(saved).split())
    assert "4 × £130.00 = £520.00" in text and "indicative only" in text.lower()


def test_only_managers_have_the_page() -> None:
    spec = next(spec for spec in standard_pages() if spec.key == "partnership")
    assert [role for role in Role if spec.allowed(role)] == [Role.MANAGER]


def test_the_list_read_on_opening_is_audited(opened: Opened) -> None:
    page, _f = opened
    with page.list_tab._desk.store.read() as session:
        views = [e.detail for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "viewed_list"))]
    assert views and views[-1] == "list=by_name_list;meeting=2026-12-10;shown=6;left_off=1;filters=none"
    assert partnership.LIST_NAME in views[-1]


@pytest.mark.parametrize(("theme_name", "large"), [("day", False), ("night", True)])
def test_both_tabs_read_well_at_1366x768(opened: Opened, theme_name: str, large: bool) -> None:
    """The screen audit's checks (tests/ui/audit/inspect.py: fits the screen, nothing cut or
    overlapping, one widget per Alt-letter, contrast) on both tabs, in day colours and in night
    colours with Large text."""
    from PySide6.QtWidgets import QApplication

    from safespace_desk.ui.kit.theme import Theme, ThemeController
    from tests.ui.audit.inspect import audit

    page, _ = opened
    shell = page.window()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    controller = ThemeController(app, theme=Theme(theme_name))
    try:
        controller.set_large_text(large)
        problems = []
        for index in range(page.tabs.count()):
            page.tabs.setCurrentIndex(index)
            for _ in range(5):
                app.processEvents()
            problems += [f"{page.tabs.tabText(index)}: {p}" for p in audit(shell)]
        assert not problems, "\n".join(problems)
    finally:
        app.setStyleSheet("")
        app.setPalette(app.style().standardPalette())
        app.setProperty("safespaceScheme", None)
        app.setFont(font)
