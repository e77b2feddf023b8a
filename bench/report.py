"""A monthly report on the bench-scale store (ten years of a hub twenty times Derby's size).

Figures (DESIGN.md section 7):
- monthly_report_ms: reports.figures.compute_figures for the last full month, median of 5 runs
  after one warm-up. Budget 200 ms.
- monthly_report_vs_count: that time divided by a plain indexed count of the month's visits on the
  same store in the same run (moves with the machine's speed; no budget of its own).
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

from common import MANAGER_NAME, MANAGER_PASSWORD, bench_store, note, report

from safespace_desk.clock import SystemClock
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import auth
from safespace_desk.services.site import get_site

RUNS = 5


def main() -> None:
    desk = auth.sign_in(bench_store(), MANAGER_NAME, MANAGER_PASSWORD, SystemClock())
    try:
        zone = get_site(desk).zone
        today = datetime.now(UTC).astimezone(zone).date()
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        rng = month_range(year, month, zone)
        figures = compute_figures(desk, rng)  # warm-up
        note(f"{rng.label()}: {figures.visits} visits, {figures.unique_guests} guests")
        times = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            compute_figures(desk, rng)
            times.append(time.perf_counter() - t0)
        counts = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            with desk.store.read() as session:
                session.connection().exec_driver_sql(
                    "SELECT count(*) FROM visit WHERE signed_in_at >= ? AND signed_in_at < ?",
                    (rng.starts_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                     rng.ends_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))).fetchall()
            counts.append(time.perf_counter() - t0)
    finally:
        desk.close()
    ms = statistics.median(times) * 1000
    report("monthly_report_ms", ms, "ms", 200)
    report("monthly_report_vs_count", ms / (statistics.median(counts) * 1000), "x", 1000)


if __name__ == "__main__":
    main()
