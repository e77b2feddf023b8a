"""The impact estimate for the partnership and its funders, and its unit costs.

The estimate is figures, never people: any manager's report may show it. Changing a unit cost is a
manager's action like any other: one unit of work with the change kept (before and after) in its own
history, an audit entry and an outbox operation. Nothing else ever changes a unit cost: the review's
starting figures were written into the store once, by migration 0008.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from safespace_desk.db.models import Agency, Staff
from safespace_desk.db.models_partnership import UnitCost as UnitCostRow
from safespace_desk.db.models_partnership import UnitCostChange
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.impact import (
    CATALOGUE,
    MESSAGE_LINE_PREFIX,
    Direction,
    Estimate,
    UnitCost,
    build_lines,
    changed_fields,
    clean_unit_cost,
    pounds,
    starting_cost,
)
from safespace_desk.domain.profile import Part
from safespace_desk.domain.roles import Permission
from safespace_desk.ids import new_id
from safespace_desk.reports.impact import impact_counts
from safespace_desk.reports.period import ReportRange
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.site import get_site

UNIT_COST = "unit_cost"


@dataclass(frozen=True)
class CostChange:
    key: str
    at: datetime
    staff_name: str | None
    before: UnitCost
    after: UnitCost

    def describe(self) -> str:
        """E.g. "£121.52 → £130.00; source" (what changed, for the page's history)."""
        parts = []
        for name in changed_fields(self.before, self.after):
            if name == "unit_pence":
                parts.append(f"{_amount(self.before.unit_pence)} → {_amount(self.after.unit_pence)}")
            elif name == "share_percent":
                parts.append(f"share {self.before.share_percent}% → {self.after.share_percent}%")
            elif name == "direction":
                parts.append(f"now a {self.after.direction.label.lower()}")
            else:
                parts.append({"basis": "how it is made up", "source": "source", "source_date": "date"}[name])
        return "; ".join(parts)


def estimate(desk: DeskContext, rng: ReportRange) -> Estimate:
    """Every line for the range: the desk's count, the unit cost with its source, and the arithmetic."""
    desk.require(Permission.REPORTS, "see the impact estimate")
    site = get_site(desk)
    crisis = site.settings.profile.uses(Part.REFERRALS)
    with desk.store.read() as session:
        counts, delivered = impact_counts(session, rng, site, crisis=crisis)
        costs = _costs(session)
    return Estimate(site_name=site.name, range_label=rng.label(), first_day=rng.first_day, last_day=rng.last_day,
                    generated_at=desk.clock.now(), lines=build_lines(counts, delivered, costs, crisis=crisis))


def unit_costs(desk: DeskContext) -> dict[str, UnitCost]:
    desk.require(Permission.REPORTS, "see the impact estimate")
    with desk.store.read() as session:
        return _costs(session)


def set_unit_cost(desk: DeskContext, key: str, cost: UnitCost) -> Changes:
    """A manager sets a line's unit cost with its source and date (or sets a line back to "not
    costed"). Kept: the change (before and after), an audit entry naming the line and what changed."""
    desk.require(Permission.PARTNERSHIP, "change the impact estimate's unit costs")
    site = get_site(desk)
    today = desk.clock.now().astimezone(site.zone).date()
    cost = clean_unit_cost(cost, today)
    with desk.unit_of_work() as uow:
        _check_key(uow.session, key)
        row = uow.session.get(UnitCostRow, key)
        before = _cost_of(row, {}) if row is not None else starting_cost(key)
        changed = changed_fields(before, cost)
        if not changed:
            return Changes()
        if row is None:
            row = UnitCostRow(key=key)
            uow.session.add(row)
        row.unit_pence, row.share_percent, row.direction = cost.unit_pence, cost.share_percent, cost.direction.value
        row.basis, row.source, row.source_date = cost.basis, cost.source, cost.source_date
        row.set_at, row.set_by = uow.now, uow.staff_id
        change_id = new_id()
        uow.session.add(UnitCostChange(id=change_id, key=key, at=uow.now, staff_id=uow.staff_id,
                                       before=json.dumps(_plain(before)), after=json.dumps(_plain(cost))))
        amounts = f";unit={_amount(before.unit_pence)}->{_amount(cost.unit_pence)}" if "unit_pence" in changed else ""
        uow.audit("unit_cost_changed", UNIT_COST, change_id, detail=f"line={key};changed={','.join(changed)}{amounts}")
        uow.outbox("impact.unit_cost", key=key, change_id=change_id)
        uow.changed(UNIT_COST, change_id)
    return uow.changes


def back_to_review(desk: DeskContext, key: str) -> Changes:
    """The review's own figure for a line again (or "not costed" for a line it did not cost)."""
    return set_unit_cost(desk, key, starting_cost(key))


def cost_history(desk: DeskContext, key: str | None = None, limit: int = 200) -> list[CostChange]:
    desk.require(Permission.REPORTS, "see the impact estimate")
    with desk.store.read() as session:
        names = dict(session.execute(select(Staff.id, Staff.name)).all())
        query = select(UnitCostChange).order_by(UnitCostChange.at.desc()).limit(limit)
        if key is not None:
            query = query.where(UnitCostChange.key == key)
        return [CostChange(row.key, row.at, names.get(row.staff_id or ""), _parsed(row.before), _parsed(row.after))
                for row in session.scalars(query)]


# --- internals --------------------------------------------------------------------------------


def _costs(session: Any) -> dict[str, UnitCost]:
    names = dict(session.execute(select(Staff.id, Staff.name)).all())
    return {row.key: _cost_of(row, names) for row in session.scalars(select(UnitCostRow))}


def _cost_of(row: UnitCostRow, names: dict[str, str]) -> UnitCost:
    return UnitCost(unit_pence=row.unit_pence, share_percent=row.share_percent, direction=Direction(row.direction),
                    basis=row.basis, source=row.source, source_date=row.source_date, set_at=row.set_at,
                    set_by=names.get(row.set_by or "") if row.set_by else None)


def _check_key(session: Any, key: str) -> None:
    if any(spec.key == key for spec, _ in CATALOGUE):
        return
    if key.startswith(MESSAGE_LINE_PREFIX) and session.get(Agency, key[len(MESSAGE_LINE_PREFIX):]) is not None:
        return
    raise ValidationError("There is no such line in the estimate.", field="line")


def _plain(cost: UnitCost) -> dict[str, Any]:
    data = asdict(cost)
    data["direction"] = cost.direction.value
    del data["set_at"], data["set_by"]
    return data


def _parsed(text: str) -> UnitCost:
    data = json.loads(text)
    return UnitCost(unit_pence=data["unit_pence"], share_percent=data["share_percent"],
                    direction=Direction(data["direction"]), basis=data["basis"], source=data["source"],
                    source_date=data["source_date"])


def _amount(pence: int | None) -> str:
    return "none" if pence is None else pounds(pence)
