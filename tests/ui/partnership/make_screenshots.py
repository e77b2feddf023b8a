"""Screenshots of the Partnership page (the by-name list and the impact estimate) at 1366x768 in day
and night colours, and the first pages of the list's and the estimate's PDFs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.ui.partnership.make_screenshots OUT_DIR

Synthetic data only (the tests' hand-built fortnight). Not a test (pytest does not collect it).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from safespace_desk.services.site import get_site
from safespace_desk.ui.kit.theme import Theme, ThemeController
from safespace_desk.ui.partnership.page import PartnershipPage
from safespace_desk.ui.shell import MainShell
from safespace_desk.ui.tasks import InlineRunner
from tests.services.partnership_helpers import built_fortnight, open_copy


def _save(widget: QWidget, path: Path) -> None:
    for _ in range(5):
        QApplication.processEvents()
    widget.grab().save(str(path), "PNG", 9)
    print(path)


def main(out: Path) -> None:
    from tests.support.pdf import render

    app = QApplication.instance() or QApplication(sys.argv)
    theme = ThemeController(app, theme=Theme.DAY)  # type: ignore[arg-type]
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        from safespace_desk.domain.clock import FixedClock
        from safespace_desk.services import setup
        from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START

        template = Path(tmp) / "template"
        setup.initialise_store(template, site_name="Derby Safe Space", timezone="Europe/London",
                               manager_name=MANAGER_NAME, manager_password=MANAGER_PASSWORD,
                               clock=FixedClock(START)).desk.close()
        built_fortnight(template, Path(tmp) / "built")
        desk, clock = open_copy(Path(tmp) / "built", Path(tmp) / "data")
        shell = MainShell(desk, get_site(desk), clock, InlineRunner(), theme)
        shell.add_page("partnership", "Partnership", PartnershipPage(desk, shell), "F5")
        shell.resize(1366, 768)
        shell.show()
        shell.show_page("partnership")
        page = shell.page("partnership")
        page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
        page.impact_tab.picker.set_month(2026, 12)  # type: ignore[attr-defined]
        page.list_tab.table.selectRow(4)  # type: ignore[attr-defined]  (Hal: an action from the last meeting)
        for scheme in (Theme.DAY, Theme.NIGHT):
            theme.set_theme(scheme)
            page.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]
            _save(shell, out / f"partnership-list-{scheme.value}.png")
            page.tabs.setCurrentIndex(1)  # type: ignore[attr-defined]
            _save(shell, out / f"partnership-impact-{scheme.value}.png")
            scroll = page.impact_scroll  # type: ignore[attr-defined]
            scroll.verticalScrollBar().setValue(10_000)  # type: ignore[attr-defined]
            _save(shell, out / f"partnership-impact-{scheme.value}-form.png")
            scroll.verticalScrollBar().setValue(0)  # type: ignore[attr-defined]
        theme.set_large_text(True)
        page.tabs.setCurrentIndex(0)  # type: ignore[attr-defined]
        _save(shell, out / "partnership-list-night-large-text.png")
        theme.set_large_text(False)
        page.list_tab.save("pdf", Path(tmp) / "list.pdf")  # type: ignore[attr-defined]
        render(Path(tmp) / "list.pdf", 0, dpi=70).save(str(out / "partnership-list-pdf.png"))
        page.impact_tab.save("pdf", Path(tmp) / "estimate.pdf")  # type: ignore[attr-defined]
        render(Path(tmp) / "estimate.pdf", 0, dpi=70).save(str(out / "partnership-impact-pdf.png"))
        shell.stop()
        desk.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
