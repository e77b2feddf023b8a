"""Render the screenshots in docs/screenshots/messages-*.png from a synthetic hub (run by hand).

    .venv/bin/python -m tests.ui.messages.make_screenshots [out_dir]

Widgets are grabbed offscreen at 1366x768 (the desk PCs' screen); the handover PDF is rendered
with pdftoppm. Synthetic data only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from safespace_desk.domain.clock import FixedClock  # noqa: E402
from safespace_desk.domain.messages import TriageOutcome  # noqa: E402
from safespace_desk.services import auth, setup, staff, triage  # noqa: E402
from safespace_desk.ui.messages.board_page import MessageBoardPage  # noqa: E402
from safespace_desk.ui.messages.deliver_dialog import DeliverDialog  # noqa: E402
from safespace_desk.ui.messages.handover_banner import HandoverBanner  # noqa: E402
from safespace_desk.ui.messages.handover_page import HandoverPage  # noqa: E402
from safespace_desk.ui.messages.paramedic_page import ParamedicPage  # noqa: E402
from safespace_desk.ui.messages.shift_log_page import ShiftLogPage  # noqa: E402
from tests.services.frontdesk_helpers import at_local  # noqa: E402
from tests.ui.messages.sample_hub import fill_hub  # noqa: E402

SIZE = (1366 - 200, 768 - 40)  # the shell's navigation and status bar take the rest


def grab(widget: QWidget, path: Path, size: tuple[int, int] = SIZE) -> None:
    widget.resize(*size)
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(path))
    print(path, path.stat().st_size // 1024, "KB")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    folder = Path(tempfile.mkdtemp()) / "data"
    clock = FixedClock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    desk = setup.initialise_store(folder, site_name="Derby Road Safe Space", timezone="Europe/London",
                                  manager_name="Mo Manager", manager_password="correct horse battery",
                                  clock=clock).desk
    hub = fill_hub(desk, clock)

    board = MessageBoardPage(desk)
    grab(board, out / "messages-board.png")

    dialog = DeliverDialog(desk, hub.guests["Kez"])
    grab(dialog, out / "messages-deliver-dialog.png", (720, 600))

    log_page = ShiftLogPage(desk)
    log_page.text.setPlainText("Marty kicked off when asked to wait; ")
    grab(log_page, out / "messages-shift-log.png")

    page = HandoverPage(desk)
    page.notes.setPlainText("Settled night after the 22:35 police call; nobody hurt. Kez is hopeful about "
                            "the Milestone House place and wants help ringing Jo. Jojo felt faint at 01:30 "
                            "and recovered; the paramedic will check on her. Sam refused to leave at first "
                            "but went calmly after a chat outside.")
    for item in ("Kez: help him ring Jo at housing before 5pm Thursday",
                 "Paramedic to see Jojo this morning", "Dee: pass on the script message (urgent)"):
        page.follow_ups.addItem(item)
    grab(page, out / "messages-handover.png")
    page.notes.setPlainText(page.notes.toPlainText().replace("refused to leave", "did not want to leave"))
    handover_id = page.save()
    assert handover_id

    at_local(clock, 2026, 11, 24, 8, 5)
    staff.add_staff(desk, name="Dee Day", role="desk", password="Dee Day lantern quartz meadow 7")
    staff.add_staff(desk, name="Pat Paramedic", role="paramedic", password="Pat Paramedic lantern quartz meadow 7")
    day = auth.sign_in(folder, "Dee Day", "Dee Day lantern quartz meadow 7", clock)
    banner = HandoverBanner(day)
    banner.open_reader()
    grab(banner, out / "messages-handover-banner.png", (SIZE[0], 420))
    banner.acknowledge()
    acknowledged = HandoverPage(day)
    acknowledged.tabs.setCurrentIndex(1)
    pdf = acknowledged.save_pdf(Path(tempfile.mkdtemp()) / "handover.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / "messages-handover-pdf")], check=True)
    for png in sorted(out.glob("messages-handover-pdf*.png")):
        print(png, png.stat().st_size // 1024, "KB")

    at_local(clock, 2026, 11, 24, 10, 20)
    paramedic = auth.sign_in(folder, "Pat Paramedic", "Pat Paramedic lantern quartz meadow 7", clock)
    triage.record_triage(paramedic, hub.guests["Jojo"], presenting_need="Felt faint overnight",
                         outcome=TriageOutcome.ADVICE, notes="BP 104/66, blood sugar 5.8. Ate breakfast; "
                         "advised fluids and to see the GP if it happens again.")
    triage.record_triage(paramedic, hub.guests["Aisha"], presenting_need="Leg wound, redness",
                         outcome=TriageOutcome.REFERRED_GP, notes="Cleaned and dressed; early cellulitis?")
    para = ParamedicPage(paramedic)
    para.records_table.setCurrentCell(0, 0)
    grab(para, out / "messages-paramedic.png")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
