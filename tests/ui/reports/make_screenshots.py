"""Screenshots of the Reports, Import and Backups & data pages at 1366x768, and the PDF pages.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m tests.ui.reports.make_screenshots OUT_DIR

Synthetic data only (the demo generator). Not a test (pytest does not collect it).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from safespace_desk.domain.clock import FixedClock
from safespace_desk.services.context import DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.theme import Theme, ThemeController
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.tasks import InlineRunner
from tests.ui.reports.demo_month import NOW, build_demo_store


def _shell(desk: DeskContext, clock: FixedClock, theme: ThemeController) -> MainShell:
    from safespace_desk.ui.data_rights.backups_page import BackupsPage
    from safespace_desk.ui.data_rights.import_page import ImportPage
    from safespace_desk.ui.reports.page import ReportsPage

    shell = MainShell(desk, get_site(desk), clock, InlineRunner(), theme)
    for number, (key, title, page_class) in enumerate((("reports", "Reports", ReportsPage),
                                                       ("import", "Import", ImportPage),
                                                       ("backups", "Backups", BackupsPage)), start=1):
        shell.add_page(key, title, page_class(desk, shell), f"Alt+{number}")
    shell.resize(1366, 768)
    shell.show()
    return shell


def _save(widget: QWidget, path: Path) -> None:
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(str(path), "PNG", 9)
    print(path, path.stat().st_size // 1024, "KB")


def main(out: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    theme = ThemeController(app, theme=Theme.DAY)  # type: ignore[arg-type]
    clock = FixedClock(NOW)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        desk = build_demo_store(Path(tmp) / "data", clock)
        shell = _shell(desk, clock, theme)
        reports = shell.page("reports")
        shell.show_page("reports")
        _save(shell, out / "reports-1-page.png")
        reports.findChild(QWidget, "reportsScroll").verticalScrollBar().setValue(10_000)  # type: ignore[union-attr]
        _save(shell, out / "reports-2-page-tables.png")
        pdf = Path(tmp) / "report.pdf"
        reports.save_report("pdf", pdf)  # type: ignore[attr-defined]
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(out / "reports-pdf")], check=True)

        importer = shell.page("import")
        sheet = Path(tmp) / "sign-in-sheet.csv"
        sheet.write_text(SHEET, encoding="utf-8")
        importer.load_file(sheet)  # type: ignore[attr-defined]
        importer.dry_run()  # type: ignore[attr-defined]
        shell.show_page("import")
        _save(shell, out / "reports-3-import-dry-run.png")
        # A clean sheet with a name close to an existing guest's, imported.
        from safespace_desk.services import search
        known = search.find_guests(desk, "ma")[0].name
        sheet.write_text(GOOD_SHEET.format(close=known[:-1] if len(known) > 4 else known + "e"), encoding="utf-8")
        importer.load_file(sheet)  # type: ignore[attr-defined]
        importer.dry_run()  # type: ignore[attr-defined]
        importer.run_import()  # type: ignore[attr-defined]
        _save(shell, out / "reports-4-import-done.png")

        backups = shell.page("backups")
        backups.configure(str(Path(tmp) / "usb-stick"), 14)  # type: ignore[attr-defined]
        backups.back_up_now()  # type: ignore[attr-defined]
        shell.show_page("backups")
        _save(shell, out / "reports-5-backups.png")
        backups.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
        _save(shell, out / "reports-6-retention.png")
        backups.tabs.setCurrentIndex(2)  # type: ignore[attr-defined]
        backups.guest_tab.guest_search.setText("ja")  # type: ignore[attr-defined]
        backups.guest_tab.results.setCurrentRow(0)  # type: ignore[attr-defined]
        _save(shell, out / "reports-7-guest-data.png")
        shell.stop()
        desk.close()


SHEET = """Guest,Day,In,Out,Came via,Bed
Kez,2026-11-02,21:15,07:30,police,Bed 2
Marnie,02/11/2026,10:00,12:00,self,
Big Dave,2026-11-31,09:00,,outreach,
Tomasz,2026-11-03,9.30,11:00,self,
Shell,2026-11-03,14:00,16:30,teleport,
Jonjo,2026-11-04,10:00,12:15,walk-in,
,2026-11-04,11:00,,self,
Aisha,2026-11-05,20:30,08:00,police,Bed 4
"""

GOOD_SHEET = """Guest,Day,In,Out,Came via,Bed
Kez,2026-11-02,21:15,07:30,police,Bed 2
Marnie,02/11/2026,10:00,12:00,self,
{close},2026-11-03,09:30,11:00,outreach,
Jonjo,2026-11-04,10:00,12:15,walk-in,
Aisha,2026-11-05,20:30,08:00,police,Bed 4
"""

if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
