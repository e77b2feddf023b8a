"""The impact estimate over the hand-built fortnight (December 2026 up to the 10th): every line, the
arithmetic, unit costs edited with their source and date (audited, never silently changed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from safespace_desk.db.models import AuditEntry, OutboxOp
from safespace_desk.db.models_partnership import UnitCostChange
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, ValidationError
from safespace_desk.domain.impact import CATALOGUE, Direction, Estimate, UnitCost, parse_pounds, pounds
from safespace_desk.domain.roles import Role
from safespace_desk.reports.period import month_range
from safespace_desk.services import impact, referrals
from safespace_desk.services.context import DeskContext
from tests.services.casework_helpers import acting_as, colleague, make_service
from tests.services.frontdesk_helpers import LONDON, add
from tests.services.partnership_helpers import Fortnight, agency, open_copy

DECEMBER = month_range(2026, 12, LONDON)


@pytest.fixture(scope="module")
def shared(partnership_fortnight: tuple[Path, Fortnight], tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[DeskContext]:
    desk, _clock = open_copy(partnership_fortnight[0], tmp_path_factory.mktemp("impact") / "data")
    yield desk
    desk.close()


@pytest.fixture
def fresh(partnership_fortnight: tuple[Path, Fortnight], tmp_path: Path) -> Iterator[tuple[DeskContext, FixedClock]]:
    desk, clock = open_copy(partnership_fortnight[0], tmp_path / "data")
    yield desk, clock
    desk.close()


def _lines(estimate: Estimate) -> dict[str, tuple[int, str]]:
    """By line key; a message line by its agency's name (its key holds the agency's id)."""
    return {f"message:{line.spec.agency}" if line.spec.agency else line.spec.key: (line.count, line.arithmetic())
            for line in estimate.lines}


def test_every_line_of_a_hubs_month(shared: DeskContext) -> None:
    estimate = impact.estimate(shared, DECEMBER)
    assert _lines(estimate) == {
        # Ann, Finn, "Finny" (merged into Finn: both his drop-offs) and Gus (the undone sign-in is not one).
        "officer_time": (4, "4 × £121.52 = £486.08"),
        # Ann's advice and her GP referral ended at the hub; Finn's ambulance did not.
        "ambulance_avoided": (2, "2 × £192.00 = £384.00"),
        "a_and_e_avoided": (2, "2 × 75% × £300.00 = £450.00"),
        "nights_indoors": (1, "1 × £35.00 = £35.00"),  # Ann, 8 Dec (her 30 Nov night is November's)
        "ambulance_called": (1, "1 × £192.00 = £192.00"),
        "gp_appointments": (1, "1 × £37.00 = £37.00"),
        "safeguarding_referrals": (1, "1 × £570.00 = £570.00"),
        "exclusions": (2, "2 counted; no unit cost set"),
        "message:Housing": (1, "1 counted; no unit cost set"),
    }
    assert "crisis_referrals" not in _lines(estimate)  # a hub takes no referrals
    assert (estimate.savings_pence, estimate.costs_pence, estimate.net_pence) == (135508, 79900, 55608)
    assert estimate.totals_arithmetic() == "£1,355.08 of savings − £799.00 of costs = £556.08"
    police = estimate.lines[0]
    assert police.cost.source == "Derby Safe Space review (2021), Appendix 2, Policing: local cost"
    assert (police.cost.source_date, police.cost.basis) == ("2021", "2 officers × 2 hours × £30.38 an hour")
    assert police.cost.set_at is None  # as the program started it, from the review


def test_the_starting_costs_are_the_reviews_unit_costs_written_once_by_the_migration(shared: DeskContext) -> None:
    stored = impact.unit_costs(shared)
    for spec, starting in CATALOGUE:
        if starting.unit_pence is None:
            assert spec.key not in stored
        else:
            assert stored[spec.key] == starting, spec.key
    # The review's own unit costs, not the totals its appendix prints.
    pence = {key: cost.unit_pence for key, cost in stored.items()}
    assert pence == {"officer_time": 12152, "ambulance_avoided": 19200, "a_and_e_avoided": 30000,
                     "nights_indoors": 3500, "ambulance_called": 19200, "gp_appointments": 3700,
                     "safeguarding_referrals": 57000}


def test_a_manager_changes_a_unit_cost_with_its_source_and_date(fresh: tuple[DeskContext, FixedClock]) -> None:
    desk, _clock = fresh
    new = UnitCost(13000, 100, Direction.SAVING, "2 officers × 2 hours × £32.50 an hour",
                   "Constabulary's overtime rates 2026/27", "2026-04")
    impact.set_unit_cost(desk, "officer_time", new)
    line = impact.estimate(desk, DECEMBER).lines[0]
    assert line.arithmetic() == "4 × £130.00 = £520.00"
    assert (line.cost.source, line.cost.source_date, line.cost.set_by) == (
        "Constabulary's overtime rates 2026/27", "2026-04", "Mo Manager")
    [change] = impact.cost_history(desk, "officer_time")
    assert change.describe() == "£121.52 → £130.00; how it is made up; source; date"
    assert change.before.unit_pence == 12152 and change.staff_name == "Mo Manager"
    with desk.store.read() as session:
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        ops = [op.op for op in session.scalars(select(OutboxOp).where(OutboxOp.op == "impact.unit_cost"))]
    assert audit is not None and audit.action == "unit_cost_changed"
    assert audit.detail == ("line=officer_time;changed=unit_pence,basis,source,source_date;"
                            "unit=£121.52->£130.00")
    assert ops == ["impact.unit_cost"]
    # Saving the same figures again changes nothing and records nothing.
    impact.set_unit_cost(desk, "officer_time", new)
    assert len(impact.cost_history(desk)) == 1
    # Back to the review's figure: kept as a change like any other.
    impact.back_to_review(desk, "officer_time")
    assert impact.estimate(desk, DECEMBER).lines[0].arithmetic() == "4 × £121.52 = £486.08"
    assert len(impact.cost_history(desk, "officer_time")) == 2


def test_a_line_the_review_did_not_cost_can_be_costed_as_a_cost_or_a_saving(
        fresh: tuple[DeskContext, FixedClock]) -> None:
    desk, _clock = fresh
    impact.set_unit_cost(desk, f"message:{agency(desk, 'Housing')}", UnitCost(
        5580, 10, Direction.SAVING, "£558 a case, for one message in ten", "costsofhomelessness (Crisis)", "2015"))
    impact.set_unit_cost(desk, "exclusions", UnitCost(
        6076, 100, Direction.COST, "2 officers × 1 hour × £30.38", "Local cost", "2021"))
    lines = _lines(impact.estimate(desk, DECEMBER))
    assert lines["message:Housing"] == (1, "1 × 10% × £55.80 = £5.58")
    assert lines["exclusions"] == (2, "2 × £60.76 = £121.52")
    estimate = impact.estimate(desk, DECEMBER)
    assert (estimate.savings_pence, estimate.costs_pence) == (135508 + 558, 79900 + 12152)


def test_the_change_history_cannot_be_rewritten(fresh: tuple[DeskContext, FixedClock]) -> None:
    desk, _clock = fresh
    impact.set_unit_cost(desk, "nights_indoors", UnitCost(4000, 100, Direction.SAVING, "£40 a night", "Local B&B",
                                                          "2026"))
    with pytest.raises(Exception, match="kept as it was recorded"), desk.store.write() as session:
        row = session.scalars(select(UnitCostChange)).one()
        row.after = json.dumps({"unit_pence": 1})
        session.flush()


@pytest.mark.parametrize(("cost", "field"), [
    (UnitCost(0, 100, Direction.SAVING, "", "A source", "2024"), "unit_cost"),
    (UnitCost(100, 100, Direction.SAVING, "", "", "2024"), "source"),
    (UnitCost(100, 100, Direction.SAVING, "", "A source", ""), "source_date"),
    (UnitCost(100, 100, Direction.SAVING, "", "A source", "24/3/2024"), "source_date"),
    (UnitCost(100, 100, Direction.SAVING, "", "A source", "2024-02-30"), "source_date"),
    (UnitCost(100, 100, Direction.SAVING, "", "A source", "2031"), "source_date"),
    (UnitCost(100, 0, Direction.SAVING, "", "A source", "2024"), "share"),
    (UnitCost(100, 101, Direction.SAVING, "", "A source", "2024"), "share"),
    (UnitCost(100, 100, Direction.SAVING, "x" * 201, "A source", "2024"), "basis"),
])
def test_a_bad_unit_cost_names_its_field_and_changes_nothing(shared: DeskContext, cost: UnitCost, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        impact.set_unit_cost(shared, "officer_time", cost)
    assert error.value.field == field
    assert impact.unit_costs(shared)["officer_time"].unit_pence == 12152


def test_an_unknown_line_is_refused(shared: DeskContext) -> None:
    for key in ("made_up", "message:Housing", "message:01a23548-0000-7000-8000-000000000000"):
        with pytest.raises(ValidationError) as error:
            impact.set_unit_cost(shared, key, UnitCost(None, 100, Direction.SAVING, "", "", ""))
        assert error.value.field == "line"


@pytest.mark.parametrize(("text", "pence"), [("£121.52", 12152), ("1,200", 120000), ("35", 3500), ("0.5", 50),
                                             ("", None), ("  ", None)])
def test_pounds_typed_by_a_manager(text: str, pence: int | None) -> None:
    assert parse_pounds(text) == pence
    if pence is not None:
        assert parse_pounds(pounds(pence)) == pence


@pytest.mark.parametrize("text", ["12.345", "-5", "£-5", "ten", "1e3", "100000.01"])
def test_amounts_that_are_not_pounds(text: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_pounds(text)
    assert error.value.field == "unit_cost"


def test_who_may_see_and_change_the_estimate(shared: DeskContext) -> None:
    for role in (Role.DESK, Role.LEAD, Role.PARAMEDIC, Role.VOLUNTEER):
        with acting_as(shared, colleague(shared, f"A {role.value}", role)) as other:
            for call in (lambda: impact.estimate(other, DECEMBER), lambda: impact.unit_costs(other),
                         lambda: impact.set_unit_cost(other, "officer_time", UnitCost(
                             1, 100, Direction.SAVING, "", "x", "2024"))):
                with pytest.raises(PermissionDenied):
                    call()


def test_referrals_are_counted_where_the_crisis_profile_is_on(desk: DeskContext) -> None:
    make_service(desk, "crisis")
    ann, ben = add(desk, "Ann"), add(desk, "Ben")
    referrals.receive_referral(desk, ann, source="spa", reason="Low mood")
    referrals.receive_referral(desk, ann, source="spa", reason="Called again")  # a duplicate: not counted
    referrals.receive_referral(desk, ben, source="spa", reason="Debt worries")
    month = month_range(2026, 11, LONDON)
    line = next(line for line in impact.estimate(desk, month).lines if line.spec.key == "crisis_referrals")
    assert (line.count, line.arithmetic()) == (2, "2 counted; no unit cost set")
    assert date(2026, 11, 24) <= desk.clock.now().date() <= date(2026, 11, 30)
