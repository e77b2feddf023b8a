"""A desk offline for a week (issue 16, item 4): two desks of a hub work and sync through a week of a
hub's traffic while a third works on its own with no network; then it comes back, pushes its week
first, catches up, and every desk converges with the server, nothing lost.

Staff work is the chaos run's mix (tests/support/chaos.py: sign-ins, sign-outs, beds, exclusions,
messages delivered or not, merges, the odd erasure) at ``per_day`` actions a day across the hub, a
quarter of the day at a time; no faults are injected, so what is measured and checked is the week
itself. Used by tests/sync/test_offline_week.py and bench/sync.py (``sync_offline_week_catch_up_s``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from safespace_desk.db.models import SyncProblem
from safespace_desk.sync import decisions
from safespace_desk.sync.engine import DeskSync, Outcome
from safespace_desk.sync.server.models import LoggedOp
from safespace_desk.sync.state import load
from tests.support.chaos import Chaos, Desk

# The server's changes to an operation that its desk shows a lead (sync/outcomes.take_decisions).
SHOWN_CHANGES = {decisions.VISIT_MERGED, decisions.BED_TAKEN, decisions.CHANGED_SINCE}


@dataclass
class WeekFigures:
    actions_online: int = 0
    actions_away: int = 0
    catch_up_s: float = 0.0
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0  # the away desk's operations the server refused, changed or flagged
    unshown: list[str] = field(default_factory=list)  # ... that its Needs attention does not list


class OfflineWeek:
    def __init__(self, folder: Path, template: Path, database: str | None, manager: tuple[str, str], *,
                 seed: int, start: datetime, per_day: int = 50, days: int = 7) -> None:
        self.chaos = Chaos(folder, template, database, manager, seed=seed, desks=3, fault_rate=0.0,
                           start=start)  # type: ignore[arg-type]
        self.online, self.away = self.chaos.desks[:2], self.chaos.desks[2]
        self.start, self.per_day, self.days = start, per_day, days
        self.figures = WeekFigures()
        # The chaos run's clocks: the away desk runs days behind the others (the server's order decides).
        self.skews = [desk.clock.now() - start for desk in self.chaos.desks]
        for desk in self.chaos.desks:  # all caught up before the network goes
            self.chaos.sync(desk, faults=False)

    def _act(self, desk: Desk, count: int) -> None:
        before = self.chaos.figures.actions
        for _ in range(count):
            self.chaos.act(desk)
        done = self.chaos.figures.actions - before
        if desk is self.away:
            self.figures.actions_away += done
        else:
            self.figures.actions_online += done

    def week(self) -> None:
        """The away desk's share of the work goes on at it, offline; the others sync after each quarter."""
        per_quarter = max(1, self.per_day // 4)
        for day in range(self.days):
            for quarter in range(4):
                moment = self.start + timedelta(days=day, hours=6 * quarter)
                for desk, skew in zip(self.chaos.desks, self.skews, strict=True):
                    desk.clock.set(max(desk.clock.now(), moment + skew))
                for desk in self.online:
                    self._act(desk, max(1, per_quarter * 2 // 5))
                    self.chaos.sync(desk, faults=False)
                self._act(self.away, max(1, per_quarter // 5))

    def come_back(self) -> Outcome:
        """The away desk's first sync: its week pushed first, then the hub's week read."""
        started = time.perf_counter()
        outcome = DeskSync(self.away.context).sync_now()
        self.figures.catch_up_s = time.perf_counter() - started
        self.figures.pushed, self.figures.pulled = outcome.pushed, outcome.pulled
        return outcome

    def settle_and_check(self) -> list[str]:
        """Every desk syncs until nothing moves; then the chaos run's invariants, and that each of the
        away desk's operations the server refused, changed or flagged is on its Needs attention list."""
        self.chaos.settle()
        self.chaos.check()
        self._check_shown()
        return self.chaos.figures.divergences

    def _check_shown(self) -> None:
        context = self.away.context
        with context.store.read() as session:
            device = load(session).device_id
            shown = {(kind, op_id) for kind, op_id in session.execute(select(SyncProblem.kind, SyncProblem.op_id))}
        with self.chaos.server.engine.connect() as conn:
            ops = conn.execute(select(LoggedOp.op_id, LoggedOp.decision, LoggedOp.amend)
                               .where(LoggedOp.device_id == device)).all()
        for op_id, decision, amend in ops:
            changes = json.loads(amend) if amend else {}
            wanted = []
            if decision == "rejected":
                wanted.append("rejected")
            if changes.get("r") in SHOWN_CHANGES:
                wanted.append("changed")
            if changes.get("flags"):
                wanted.append("flag")
            self.figures.conflicts += bool(wanted)
            self.figures.unshown += [f"{kind} {op_id}" for kind in wanted if (kind, op_id) not in shown]

    def close(self) -> None:
        for desk in self.chaos.desks:
            desk.context.close()
        self.chaos.server.stop()
