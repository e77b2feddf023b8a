"""What the user feels at the front desk, on the bench-scale store (issue 9, item 6).

The real front-desk page (ui/desk/page.py) runs offscreen (QT_QPA_PLATFORM=offscreen unless set)
at 1366x768 over a copy of the bench store, driven by key presses as staff type (QTest):

- ui_keystroke_to_paint_p95: from a key press in the search box to the results list painted (the
  press, the search, the model reset and the paint, all on the GUI thread). The same keystrokes as
  bench/search.py: 100 guests' names one to four letters at a time, and a typo of each. Budget 16 ms
  (a frame at 60 Hz).
- ui_sign_in_to_list_p95: from Enter on a found guest to the "In now" list showing them, painted
  (the sign-in committed, the page's refresh, the paint). Budget 50 ms. Each guest is signed out
  again through the service (not timed).
- ui_keystroke_vs_search_p95: the keystroke figure over the bare service search measured in the same
  run (what the widgets add; moves with the machine's speed; no budget of its own).
- ui_keystroke_to_paint_cpu_p95 / ui_sign_in_to_list_cpu_p95: the same two measures in processor time
  of the GUI thread (time.thread_time). A machine shared with other work stretches the wall clock by
  however long the desk waits for a core (three times and more at a load of 8 on 2 cores); the
  processor time is what a quiet machine's wall clock comes near. Same budgets, for reading beside
  the wall-clock lines, never instead of them on a quiet machine.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import MANAGER_NAME, MANAGER_PASSWORD, bench_store, note, report  # noqa: E402
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, qInstallMessageHandler  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from safespace_desk.domain.clock import FixedClock  # noqa: E402
from safespace_desk.services import auth, search, visits  # noqa: E402
from safespace_desk.services.guests import guest_index  # noqa: E402
from safespace_desk.ui.desk import FrontDeskPage  # noqa: E402

GUESTS = 100
SIGN_INS = 60


class PaintSeen(QObject):
    """Notes that a widget painted (an event filter on its viewport)."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.painted = False
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def _until_painted(app: QApplication, seen: PaintSeen, deadline_s: float = 2.0) -> None:
    started = time.perf_counter()
    while not seen.painted and time.perf_counter() - started < deadline_s:
        app.processEvents()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _quiet_qt_messages() -> None:
    """The offscreen platform says "does not support propagateSizeHints()" for every window shown:
    hundreds of lines on stderr that hide the bench's own notes."""
    qInstallMessageHandler(lambda _kind, _context, message: None if "propagateSizeHints" in message
                           else note(message))


def main() -> None:
    _quiet_qt_messages()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "store"
        shutil.copytree(bench_store(), folder)
        # Midday tomorrow: the day period, room for everyone; the clock moves a second per sign-in.
        noon = (datetime.now(UTC) + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
        clock = FixedClock(noon)
        desk = auth.sign_in(folder, MANAGER_NAME, MANAGER_PASSWORD, clock)
        try:
            for guest in visits.who_is_in(desk):  # an empty house, so capacity never blocks
                visits.sign_out(desk, guest.visit_id)
            sample = random.Random(7).sample(list(guest_index(desk).guests()), GUESTS)
            page = FrontDeskPage(desk, ticker=QTimer())
            page.resize(1366, 768)
            page.show()
            QTest.qWaitForWindowExposed(page)
            box = page.search_panel.search_box
            results_painted = PaintSeen(page.search_panel.results.viewport())
            keystrokes, keystrokes_cpu, bare = _typing(app, box, results_painted, desk, [g.name for g in sample])
            in_now_painted = PaintSeen(page.in_now.table.viewport())
            sign_ins, sign_ins_cpu = _signing_in(app, page, box, in_now_painted, clock, desk, sample)
            page.close()
        finally:
            desk.close()
    note(f"{len(keystrokes)} keystrokes, median {statistics.median(keystrokes):.1f} ms; "
         f"{len(sign_ins)} sign-ins, median {statistics.median(sign_ins):.1f} ms")
    report("ui_keystroke_to_paint_p95", _p95(keystrokes), "ms", 16)
    report("ui_sign_in_to_list_p95", _p95(sign_ins), "ms", 50)
    report("ui_keystroke_vs_search_p95", _p95(keystrokes) / max(_p95(bare), 1e-6), "x", 100)
    report("ui_keystroke_to_paint_cpu_p95", _p95(keystrokes_cpu), "ms", 16)
    report("ui_sign_in_to_list_cpu_p95", _p95(sign_ins_cpu), "ms", 50)


def _typing(app: QApplication, box: QWidget, seen: PaintSeen, desk: object,
            names: list[str]) -> tuple[list[float], list[float], list[float]]:
    """Each name typed one to four letters, then a typo of it (two letters swapped), from empty."""
    times, cpu, bare = [], [], []
    words = []
    for name in names:
        word = name.split()[0]
        typo = word[0] + word[2] + word[1] + word[3:] if len(word) >= 4 else word
        words += [name[:4], typo]
    QTest.keyClicks(box, "warm")  # first keystrokes pay one-off costs (imports, statement caches)
    for word in words:
        box.clear()  # type: ignore[attr-defined]
        app.processEvents()
        for n in range(1, len(word) + 1):
            seen.painted = False
            t0, c0 = time.perf_counter(), time.thread_time()
            QTest.keyClick(box, word[n - 1])
            _until_painted(app, seen)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.thread_time() - c0) * 1000)
            t0 = time.perf_counter()
            search.find_guests(desk, word[:n])  # type: ignore[arg-type]
            bare.append((time.perf_counter() - t0) * 1000)
    return times, cpu, bare


def _signing_in(app: QApplication, page: FrontDeskPage, box: QWidget, seen: PaintSeen, clock: FixedClock,
                desk: object, sample: list) -> tuple[list[float], list[float]]:  # type: ignore[type-arg]
    times, cpu = [], []
    for guest in sample[:SIGN_INS]:
        clock.advance(seconds=1)
        box.clear()  # type: ignore[attr-defined]
        QTest.keyClicks(box, guest.card_code)  # the card finds exactly this guest
        app.processEvents()
        if page.search_panel.selected_hit() is None or page.search_panel.selected_hit().guest_id != guest.id:
            continue  # already in, excluded, or a card shared by a merge: not this measure
        seen.painted = False
        t0, c0 = time.perf_counter(), time.thread_time()
        QTest.keyClick(box, Qt.Key.Key_Return)
        _until_painted(app, seen)
        elapsed = (time.perf_counter() - t0) * 1000
        elapsed_cpu = (time.thread_time() - c0) * 1000
        listed = any(row.guest_id == guest.id for row in page.context.in_now)
        if not listed:
            continue  # blocked (an exclusion): the banner says why; not a sign-in
        times.append(elapsed)
        cpu.append(elapsed_cpu)
        visit = next(row.visit_id for row in page.context.in_now if row.guest_id == guest.id)
        visits.sign_out(desk, visit)  # type: ignore[arg-type]
        page.refresh()
        app.processEvents()
    return times, cpu


if __name__ == "__main__":
    main()
