"""The partnership's by-name list and impact estimate on the bench-scale store (ten years of a hub
twenty times Derby's size).

Figures (issue 12, budget as a monthly report's, DESIGN.md section 7):
- by_name_list_ms: services.partnership.by_name_list for a meeting today over the fortnight since the
  last one (a few hundred people seen, plus those on the list), median of 5 runs after a warm-up.
  The list's members are set up first (a tenth of the guests seen in the last three months, as a
  partnership would keep) on a copy, so the bench store itself is never changed. Budget 200 ms.
- impact_estimate_ms: services.impact.estimate for the last twelve full months. Budget 200 ms.
- impact_estimate_month_ms: the same for the last full month. Budget 200 ms.
- by_name_list_vs_monthly_report, impact_estimate_vs_monthly_report: those times divided by the
  monthly report's (reports.figures.compute_figures, last full month) in the same run, on the same
  store: at most 1, i.e. no slower than the report whose budget they share.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from common import MANAGER_NAME, MANAGER_PASSWORD, bench_store, note, report
from sqlalchemy import select

from safespace_desk.clock import SystemClock
from safespace_desk.db.models import Guest
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import make_range, month_range
from safespace_desk.services import auth, impact, partnership
from safespace_desk.services.context import DeskContext
from safespace_desk.services.site import get_site

RUNS = 5


def _median_ms(action: Callable[[], object]) -> float:
    action()  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _add_members(desk: DeskContext, today: date) -> int:
    """A tenth of the guests seen in the last three months join the list at the last meeting."""
    since = datetime.now(UTC) - timedelta(days=90)
    with desk.store.read() as session:
        seen = list(session.scalars(select(Guest.id).where(Guest.last_seen_at >= since, Guest.merged_into.is_(None),
                                                           Guest.erased_at.is_(None)).order_by(Guest.id)))
    last_meeting = today - timedelta(days=14)
    for guest_id in seen[::10]:
        partnership.join_list(desk, guest_id, last_meeting)
    return len(seen[::10])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="partnership-bench-") as scratch:
        copy = Path(scratch) / "store"
        shutil.copytree(bench_store(), copy)
        desk = auth.sign_in(copy, MANAGER_NAME, MANAGER_PASSWORD, SystemClock())
        try:
            zone = get_site(desk).zone
            today = datetime.now(UTC).astimezone(zone).date()
            members = _add_members(desk, today)
            listing = partnership.by_name_list(desk, today)
            note(f"by-name list for {today}: {len(listing.rows)} people ({members} on the list), "
                 f"{listing.left_off} left off")
            list_ms = _median_ms(lambda: partnership.by_name_list(desk, today))
            first_this = today.replace(day=1)
            year = make_range(first_this.replace(year=first_this.year - 1), first_this - timedelta(days=1), zone)
            last = first_this - timedelta(days=1)
            month = month_range(last.year, last.month, zone)
            note(f"impact estimate over {year.label()}: {len(impact.estimate(desk, year).lines)} lines")
            year_ms = _median_ms(lambda: impact.estimate(desk, year))
            month_ms = _median_ms(lambda: impact.estimate(desk, month))
            report_ms = _median_ms(lambda: compute_figures(desk, month))  # the baseline, same store, same run
        finally:
            desk.close()
    report("by_name_list_ms", list_ms, "ms", 200)
    report("impact_estimate_ms", year_ms, "ms", 200)
    report("impact_estimate_month_ms", month_ms, "ms", 200)
    # Against the monthly report in the same run (it has the same 200 ms budget): moves with the
    # machine's load far less than the times themselves.
    report("by_name_list_vs_monthly_report", list_ms / report_ms, "x", 1)
    report("impact_estimate_vs_monthly_report", year_ms / report_ms, "x", 1)


if __name__ == "__main__":
    main()
