"""Saving a report to a file, without any dialog (the page asks where; tests call these directly)."""

from __future__ import annotations

from pathlib import Path

from safespace_desk.domain.errors import DeskError
from safespace_desk.private_files import write_private
from safespace_desk.reports.cohort import Cohort, cohort_to_csv
from safespace_desk.reports.export import figures_to_csv, figures_to_json_text
from safespace_desk.reports.figures import Figures
from safespace_desk.ui.reports.pdf import write_report_pdf

FORMATS = {"csv": "CSV spreadsheet (*.csv)", "json": "JSON (*.json)", "pdf": "PDF report (*.pdf)"}


class ExportFailed(DeskError):
    pass


def export_figures(figures: Figures, path: Path, kind: str) -> Path:
    """Write ``figures`` as ``kind`` (csv, json or pdf) to ``path``, adding the extension if missing."""
    if kind not in FORMATS:
        raise ValueError(f"unknown export format {kind!r}")
    path = Path(path)
    if path.suffix.lower() != f".{kind}":
        path = path.with_name(path.name + f".{kind}")
    try:
        if kind == "pdf":
            write_report_pdf(figures, path)
        else:
            text = figures_to_csv(figures) if kind == "csv" else figures_to_json_text(figures)
            # newline="" keeps the CSV's own CRLF line ends exactly as written.
            write_private(path, text.encode("utf-8"))
    except OSError as error:
        raise _failed(path, error) from None
    return path


def export_cohort_csv(cohort: Cohort, path: Path) -> Path:
    """The cohort report (where the people first seen in the range are now) as CSV, at ``path``."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        path = path.with_name(path.name + ".csv")
    try:
        write_private(path, cohort_to_csv(cohort).encode("utf-8"))
    except OSError as error:
        raise _failed(path, error) from None
    return path


def _failed(path: Path, error: OSError) -> ExportFailed:
    return ExportFailed(f"The report could not be saved to {path.name} ({error.strerror or error}). "
                        "Check the folder exists and the USB stick is in, then try again.", field="export")


def suggested_name(figures: Figures, kind: str) -> str:
    """E.g. ``figures-2026-10.csv`` for a month, ``figures-2026-10-01-to-2026-10-15.csv`` otherwise."""
    first, last = figures.first_day, figures.last_day
    if figures.range_label == first.strftime("%B %Y"):
        return f"figures-{first:%Y-%m}.{kind}"
    return f"figures-{first.isoformat()}-to-{last.isoformat()}.{kind}"
