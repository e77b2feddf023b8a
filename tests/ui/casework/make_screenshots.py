"""Render docs/screenshots/casework-*.png: a crisis service's and a haven's pages at 1366x768 in day and
night colours, from demo stores (synthetic data only), and print what the screen audit finds.

    .venv/bin/python -m tests.ui.casework.make_screenshots [out_dir]
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from safespace_desk.demo import DemoOptions, generate_demo  # noqa: E402
from safespace_desk.domain.clock import FixedClock  # noqa: E402
from safespace_desk.ui.kit.theme import Theme, ThemeController  # noqa: E402
from safespace_desk.ui.main_window import MainWindow  # noqa: E402
from safespace_desk.ui.tasks import InlineRunner  # noqa: E402
from tests.ui.audit.inspect import audit  # noqa: E402

# 18:40 on a Tuesday in December: open (winter hours) at the crisis service and at the haven.
EVENING = datetime(2026, 12, 1, 18, 40, tzinfo=UTC)


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def save(widget: QWidget, path: Path) -> None:
    settle()
    widget.grab().save(str(path))
    problems = audit(widget)
    print(path.name, "ok" if not problems else "\n  " + "\n  ".join(problems))


def shoot_site(app: QApplication, profile: str, out: Path, large: bool = False) -> None:
    folder = Path(tempfile.mkdtemp()) / "data"
    clock = FixedClock(EVENING)
    generate_demo(folder, DemoOptions(years=0.3, profile=profile), clock)
    controller = ThemeController(app, theme=Theme.DAY)
    window = MainWindow(folder, clock=clock, runner=InlineRunner(), theme=controller, idle_timeout_ms=3_600_000)
    window.resize(1366, 768)
    window.show()
    settle()
    window.sign_in.name.setText("Demo Manager")
    window.sign_in.password.setText("demo-manager-password")
    window.sign_in.password.returnPressed.emit()
    settle()
    shell = window.shell
    assert shell is not None
    for theme in (Theme.DAY, Theme.NIGHT):
        controller.set_theme(theme)
        controller.set_large_text(large)
        for key in [k for k in ("diary", "referrals", "sessions", "profile", "desk") if k in shell.visible_page_keys()]:
            shell.show_page(key)
            page = shell.page(key)
            if key == "diary":
                page.picker.box.setText("")  # type: ignore[attr-defined]
                row = page.today_model.payload(0)  # type: ignore[attr-defined]
                if row:
                    page.show_person(row)  # type: ignore[attr-defined]
            tabs = getattr(page, "tabs", None)
            if tabs is not None:
                for index in range(tabs.count()):
                    tabs.setCurrentIndex(index)
                    save(window, out / f"casework-{profile}-{theme.value}{'-large' * large}-{key}-{index}.png")
                tabs.setCurrentIndex(0)
            else:
                save(window, out / f"casework-{profile}-{theme.value}{'-large' * large}-{key}.png")
        if profile == "crisis":
            diary = shell.page("diary")
            shell.show_page("diary")
            from safespace_desk.ui.casework.dialogs import EscalationDialog, OnwardDialog, PeopleDialog
            from safespace_desk.ui.casework.plan_dialog import PlanDialog

            for name, dialog_class in (("escalate", EscalationDialog), ("plans", PlanDialog),
                                       ("onward", OnwardDialog), ("people", PeopleDialog)):
                dialog = dialog_class(diary.actions, diary.guest_id, window)
                dialog.setWindowModality(Qt.WindowModality.NonModal)
                dialog.show()
                save(dialog, out / f"casework-{profile}-{theme.value}{'-large' * large}-dialog-{name}.png")
                dialog.close()
    window.close()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    for profile in ("crisis", "haven"):
        shoot_site(app, profile, out)
    shoot_site(app, "crisis", out, large=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "docs" / "screenshots")
