"""Issue 16, item 4: a desk offline for a week of a hub's traffic comes back, pushes first, catches up,
and every desk converges with the server with nothing lost; what the server refused, changed or flagged
of its week is on its Needs attention list (tests/support/offline_week.py). SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.offline_week import OfflineWeek


def test_a_desk_offline_for_a_week_catches_up_with_nothing_lost(tmp_path: Path, server_database: str | None,
                                                                _template_store: tuple[Path, str]) -> None:
    week = OfflineWeek(tmp_path, _template_store[0], server_database, (MANAGER_NAME, MANAGER_PASSWORD), seed=5,
                       start=START.replace(hour=8), per_day=24)
    try:
        week.week()
        assert week.away.context is not None and away_waiting(week) > 0  # a week of its own to send
        outcome = week.come_back()
        assert outcome.caught_up, outcome.error
        assert outcome.pushed > 0 and outcome.pulled > 0
        divergences = week.settle_and_check()
    finally:
        week.close()
    figures = week.figures
    print(figures)
    assert divergences == []
    assert figures.conflicts > 0  # the week had clashes between the desks (else this checks little)
    assert figures.unshown == []


def away_waiting(week: OfflineWeek) -> int:
    from safespace_desk.sync.engine import DeskSync

    return DeskSync(week.away.context).waiting()
