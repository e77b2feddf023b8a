"""CSV and JSON text of the figures (no Qt): the rows and keys docs/figures.md describes."""

from __future__ import annotations

import csv
import io
import json
from zoneinfo import ZoneInfo

from safespace_desk.reports.export import CSV_HEADER, figure_rows, figures_to_csv, figures_to_json_text
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services.context import DeskContext
from tests.reports.test_figures import october  # noqa: F401 (the fixture)

LONDON = ZoneInfo("Europe/London")


def _rows(text: str) -> dict[tuple[str, str], str]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_HEADER
    return {(r["section"], r["key"]): r["value"] for r in reader}


def test_csv_rows_carry_every_figure(october: DeskContext) -> None:  # noqa: F811
    figures = compute_figures(october, month_range(2026, 10, LONDON))
    text = figures_to_csv(figures)
    assert text.startswith("section,key,value\r\n")
    rows = _rows(text)
    assert rows[("report", "range_label")] == "October 2026"
    assert rows[("report", "first_day")] == "2026-10-01" and rows[("report", "last_day")] == "2026-10-31"
    assert (rows[("guests", "unique_guests")], rows[("guests", "new_guests")],
            rows[("guests", "returning_guests")], rows[("guests", "visits")]) == ("3", "2", "1", "3")
    assert rows[("guests", "average_daily_unique_guests")] == "0.2"
    assert rows[("arrivals_by_source", "police")] == "1" and rows[("arrivals_by_source", "hospital")] == "0"
    assert rows[("exclusions", "average_exclusion_hours")] == "24.0"
    assert rows[("messages", "median_hours_to_delivery")] == "216.0"
    assert rows[("messages_by_agency", "GP.received")] == "2"
    assert rows[("messages_by_agency", "Housing.median_hours_to_delivery")] == ""  # none delivered
    assert rows[("occupancy", "Night.peak")] == "1" and rows[("occupancy", "Night.windows")] == "32"
    assert rows[("guests_by_gender", "not recorded")] == "1"
    assert rows[("log_entries_by_kind", "police_called")] == "1"
    assert rows[("daily_unique_guests", "2026-10-24")] == "1"
    assert len([k for k in rows if k[0] == "daily_unique_guests"]) == 31
    # One row per figure, nothing repeated.
    assert len(rows) == len(list(figure_rows(figures)))


def test_json_text_is_the_documented_json(october: DeskContext) -> None:  # noqa: F811
    figures = compute_figures(october, month_range(2026, 10, LONDON))
    text = figures_to_json_text(figures)
    assert text.endswith("\n")
    data = json.loads(text)
    assert data == json.loads(json.dumps(figures.to_json()))
    assert data["arrivals_by_source"]["police"] == 1 and data["median_hours_to_delivery"] == 216.0


def test_names_with_commas_and_accents_survive_the_csv(october: DeskContext) -> None:  # noqa: F811
    from dataclasses import replace
    figures = replace(compute_figures(october, month_range(2026, 10, LONDON)), site_name='Hub "Zoë", Derby')
    assert _rows(figures_to_csv(figures))[("report", "site_name")] == 'Hub "Zoë", Derby'
    assert json.loads(figures_to_json_text(figures))["site_name"] == 'Hub "Zoë", Derby'


def test_reports_do_not_import_qt() -> None:
    from pathlib import Path
    folder = Path(__file__).parents[2] / "safespace_desk" / "reports"
    for module in folder.glob("*.py"):
        assert "PySide6" not in module.read_text(encoding="utf-8"), module.name
