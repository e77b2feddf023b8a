"""A monthly report on the bench-scale store (ten years of a hub twenty times Derby's size).

Figures (DESIGN.md section 7):
- monthly_report_ms: reports.figures.compute_figures for the last full month, median of 5 runs
  after one warm-up. Budget 200 ms.
- monthly_report_vs_count: that time divided by a plain indexed count of the month's visits on the
  same store in the same run (moves with the machine's speed; no budget of its own).
- monthly_report_worst_ms: every month of the ten years computed once; the slowest five again
  (median of 3 each); the slowest of those. Budget 200 ms for any month (issue 9: months years back
  were slower). Its month is named on stderr.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from common import BENCH_YEARS, MANAGER_NAME, MANAGER_PASSWORD, bench_store, note, report

from safespace_desk.clock import SystemClock
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import auth
from safespace_desk.services.context import DeskContext
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
        worst_ms, worst_label = _worst_month(desk, zone, today)
    finally:
        desk.close()
    ms = statistics.median(times) * 1000
    report("monthly_report_ms", ms, "ms", 200)
    report("monthly_report_vs_count", ms / (statistics.median(counts) * 1000), "x", 1000)
    note(f"slowest month: {worst_label}")
    report("monthly_report_worst_ms", worst_ms, "ms", 200)


def _worst_month(desk: DeskContext, zone: ZoneInfo, today: date) -> tuple[float, str]:
    months = [(today.year - back // 12 - (1 if today.month - back % 12 <= 0 else 0),
               (today.month - back % 12 - 1) % 12 + 1) for back in range(1, BENCH_YEARS * 12 + 1)]
    first_pass = []
    for year, month in months:
        rng = month_range(year, month, zone)
        t0 = time.perf_counter()
        compute_figures(desk, rng)
        first_pass.append((time.perf_counter() - t0, year, month))
    first_pass.sort(reverse=True)
    note("slowest on the first pass: " + ", ".join(f"{y}-{m:02d} {t * 1000:.0f} ms" for t, y, m in first_pass[:5]))
    again = []
    for _, year, month in first_pass[:5]:
        rng = month_range(year, month, zone)
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            compute_figures(desk, rng)
            runs.append(time.perf_counter() - t0)
        again.append((statistics.median(runs) * 1000, rng.label()))
    return max(again)


if __name__ == "__main__":
    main()
