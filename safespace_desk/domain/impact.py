"""The impact estimate: what the hub's own activity stands for in money, for the partnership and its
funders. Pure: counts come in, lines with their arithmetic come out. docs/figures.md ("The impact
estimate") defines every count.

Each line is one count the desk keeps, times a unit cost (and, where a source assumes only some of the
events lead to the one costed, a share), with the source of the unit cost and its date beside it. A
line is a saving (an event the hub's work stands in for) or a cost (something its work adds, such as
the new GP appointments and safeguarding referrals the review counts against the savings). A line with
no unit cost is counted and shown, and adds nothing to the totals.

The starting unit costs are the Derby review's (Appendix 2), never its totals: the appendix prints
£40,000,000,000 where its text says about £40m, gives the safeguarding cost as both £163,770 and
£163,733, and its 3,583 safeguarding referrals were made by every partner, not the hub.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.text import SHORT_TEXT_MAX, clean_text

INDICATIVE = ("These figures are indicative only. Each line is a count the desk kept in this period "
              "times a unit cost from the source named beside it, used conservatively to avoid an "
              "inflated estimate of value (as the Derby Safe Space review did with its own). Many "
              "other costs and benefits are left out because no local data or unit cost is at hand. "
              "They are an estimate of what the hub's work stands for, not money saved by anyone.")
MAX_UNIT_PENCE = 10_000_000  # £100,000 a time: anything above is surely a typing slip
MESSAGE_LINE_PREFIX = "message:"


class Direction(StrEnum):
    SAVING = "saving"
    COST = "cost"

    @property
    def label(self) -> str:
        return "Saving" if self is Direction.SAVING else "Cost"


class Count(StrEnum):
    """The desk's counts an estimate line can stand on (docs/figures.md, "The impact estimate")."""

    POLICE_DROP_OFFS = "police_drop_offs"
    TRIAGE_ON_SITE = "triage_on_site"
    TRIAGE_GP_REFERRALS = "triage_gp_referrals"
    BED_NIGHTS = "bed_nights"
    AMBULANCES_CALLED = "ambulances_called"
    SAFEGUARDING_REFERRALS = "safeguarding_referrals"
    EXCLUSIONS_ISSUED = "exclusions_issued"
    MESSAGES_DELIVERED = "messages_delivered"  # per agency: one line each
    CRISIS_REFERRALS = "crisis_referrals"

    @property
    def label(self) -> str:
        return {
            "police_drop_offs": "Sign-ins brought by the police",
            "triage_on_site": "Triage assessments resolved at the hub (treated, advice, or referred on)",
            "triage_gp_referrals": "Triage assessments that referred the person to a GP",
            "bed_nights": "Nights indoors (a guest in a bed for the night)",
            "ambulances_called": "Ambulances called from the hub (shift log)",
            "safeguarding_referrals": "Safeguarding referrals the hub made (shift log)",
            "exclusions_issued": "Exclusions issued",
            "messages_delivered": "Messages passed on",
            "crisis_referrals": "Referrals received (new and repeat, not duplicates)",
        }[self.value]


@dataclass(frozen=True)
class LineSpec:
    """What a line counts and what event it stands for (fixed by the program, not edited)."""

    key: str
    event: str
    count: Count
    agency: str | None = None  # for a per-agency message line

    def count_label(self) -> str:
        return f"{self.count.label} for {self.agency}" if self.agency else self.count.label


@dataclass(frozen=True)
class UnitCost:
    """A unit cost as the manager (or the program, from the review) set it."""

    unit_pence: int | None  # None: not costed yet
    share_percent: int
    direction: Direction
    basis: str  # how the unit cost is made up, e.g. "2 officers × 2 hours × £30.38 an hour"
    source: str
    source_date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    set_at: datetime | None = None  # None: as the program started it, from the review
    set_by: str | None = None  # the manager's name


@dataclass(frozen=True)
class EstimateLine:
    spec: LineSpec
    count: int
    cost: UnitCost

    @property
    def costed(self) -> bool:
        return self.cost.unit_pence is not None

    @property
    def amount_pence(self) -> int:
        """count × share × unit cost, to the nearest penny (half a penny up); 0 if not costed."""
        if self.cost.unit_pence is None:
            return 0
        exact = Decimal(self.count) * Decimal(self.cost.unit_pence) * Decimal(self.cost.share_percent) / 100
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def arithmetic(self) -> str:
        """What a funder checks, e.g. "96 × £121.52 = £11,665.92" or "40 × 75% × £300.00 = £9,000.00"."""
        if self.cost.unit_pence is None:
            return f"{self.count} counted; no unit cost set"
        share = f" × {self.cost.share_percent}%" if self.cost.share_percent != 100 else ""
        return f"{self.count}{share} × {pounds(self.cost.unit_pence)} = {pounds(self.amount_pence)}"


@dataclass(frozen=True)
class Estimate:
    site_name: str
    range_label: str
    first_day: date
    last_day: date
    generated_at: datetime
    lines: list[EstimateLine]

    def _total(self, direction: Direction) -> int:
        return sum(line.amount_pence for line in self.lines if line.costed and line.cost.direction is direction)

    @property
    def savings_pence(self) -> int:
        return self._total(Direction.SAVING)

    @property
    def costs_pence(self) -> int:
        return self._total(Direction.COST)

    @property
    def net_pence(self) -> int:
        return self.savings_pence - self.costs_pence

    def totals_arithmetic(self) -> str:
        return (f"{pounds(self.savings_pence)} of savings − {pounds(self.costs_pence)} of costs = "
                f"{pounds(self.net_pence)}")


REVIEW = "Derby Safe Space review (2021), Appendix 2"

# The lines every estimate has, in the order shown, with the review's unit costs to start from.
CATALOGUE: tuple[tuple[LineSpec, UnitCost], ...] = (
    (LineSpec("officer_time", "Officers staying with an intoxicated or drug-affected person until they are "
              "safe to leave or handed over", Count.POLICE_DROP_OFFS),
     UnitCost(12152, 100, Direction.SAVING, "2 officers × 2 hours × £30.38 an hour",
              f"{REVIEW}, Policing: local cost", "2021")),
    (LineSpec("ambulance_avoided", "Ambulance call-out for a street-community need", Count.TRIAGE_ON_SITE),
     UnitCost(19200, 100, Direction.SAVING, "",
              f"{REVIEW}, Health: health care unit costs", "2021")),
    (LineSpec("a_and_e_avoided", "A&E attendance after an ambulance call-out (the review assumes 75% of "
              "call-outs lead to one)", Count.TRIAGE_ON_SITE),
     UnitCost(30000, 75, Direction.SAVING, "", f"{REVIEW}, Health: health care unit costs",
              "2021")),
    (LineSpec("nights_indoors", "A night in emergency bed and breakfast", Count.BED_NIGHTS),
     UnitCost(3500, 100, Direction.SAVING, "local price", f"{REVIEW}, Housing: local cost", "2021")),
    (LineSpec("ambulance_called", "Ambulance call-out from the hub", Count.AMBULANCES_CALLED),
     UnitCost(19200, 100, Direction.COST, "", f"{REVIEW}, Health: health care unit costs",
              "2021")),
    (LineSpec("gp_appointments", "New GP appointment (the review counts these as a cost to health)",
              Count.TRIAGE_GP_REFERRALS),
     UnitCost(3700, 100, Direction.COST, "", f"{REVIEW}, Health: health care unit costs",
              "2021")),
    (LineSpec("safeguarding_referrals", "Adult safeguarding referral (a cost to the council)",
              Count.SAFEGUARDING_REFERRALS),
     UnitCost(57000, 100, Direction.COST, "",
              f"{REVIEW}, Adult safeguarding: Models of Adult Safeguarding in England (King's College London)",
              "2021")),
    (LineSpec("exclusions", "Exclusion issued (the review gives no unit cost)", Count.EXCLUSIONS_ISSUED),
     UnitCost(None, 100, Direction.COST, "", "", "")),
    (LineSpec("crisis_referrals", "Referral to the crisis service (the sources give no unit cost)",
              Count.CRISIS_REFERRALS),
     UnitCost(None, 100, Direction.SAVING, "", "", "")),
)
UNCOSTED_MESSAGE_LINE = UnitCost(None, 100, Direction.SAVING, "", "", "")


def catalogue_keys() -> list[str]:
    return [spec.key for spec, _ in CATALOGUE]


def message_spec(agency_id: str, agency: str) -> LineSpec:
    """A line per agency, keyed by the agency's id (its name is the hub's own wording, never a key)."""
    return LineSpec(f"{MESSAGE_LINE_PREFIX}{agency_id}", f"Message passed on for {agency} (the review gives no "
                    "unit cost)", Count.MESSAGES_DELIVERED, agency)


def build_lines(counts: Mapping[str, int], delivered_by_agency: Mapping[str, tuple[str, int]],
                costs: Mapping[str, UnitCost], *, crisis: bool) -> list[EstimateLine]:
    """Every line in order: the catalogue's, then one per agency with messages passed on. The crisis
    referrals line only where the site takes referrals; a hub's referrals line would always be 0."""
    lines = []
    for spec, starting in CATALOGUE:
        if spec.count is Count.CRISIS_REFERRALS and not crisis:
            continue
        lines.append(EstimateLine(spec, counts.get(spec.count.value, 0), costs.get(spec.key, starting)))
    for agency_id, (agency, delivered) in sorted(delivered_by_agency.items(), key=lambda kv: kv[1][0].casefold()):
        spec = message_spec(agency_id, agency)
        lines.append(EstimateLine(spec, delivered, costs.get(spec.key, UNCOSTED_MESSAGE_LINE)))
    return lines


def starting_cost(key: str) -> UnitCost:
    for spec, cost in CATALOGUE:
        if spec.key == key:
            return cost
    if key.startswith(MESSAGE_LINE_PREFIX):
        return UNCOSTED_MESSAGE_LINE
    raise ValidationError("There is no such line in the estimate.", field="line")


# --- editing a unit cost ------------------------------------------------------------------------

_SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def parse_pounds(text: str, *, field: str = "unit_cost") -> int | None:
    """'£121.52', '121.52', '1,200' -> pence; '' -> None (not costed)."""
    cleaned = (text or "").strip().replace("£", "").replace(",", "").strip()
    if not cleaned:
        return None
    if not re.fullmatch(r"\d+(\.\d{1,2})?", cleaned):
        raise ValidationError(f"“{text.strip()[:20]}” is not an amount in pounds, e.g. 121.52.", field=field)
    pence = int((Decimal(cleaned) * 100).to_integral_value())
    if pence > MAX_UNIT_PENCE:
        raise ValidationError(f"A unit cost over {pounds(MAX_UNIT_PENCE)} is surely a slip; check it.", field=field)
    return pence


def clean_unit_cost(cost: UnitCost, today: date) -> UnitCost:
    """A costed line needs its source and date (a funder must be able to check it); a line may be set
    back to "not costed" (no amount), and then nothing else is needed."""
    basis = clean_text(cost.basis, field="basis", label="How it is made up", max_len=SHORT_TEXT_MAX)
    source = clean_text(cost.source, field="source", label="The source", max_len=SHORT_TEXT_MAX)
    when = clean_text(cost.source_date, field="source_date", label="The source's date", max_len=10)
    if not 1 <= cost.share_percent <= 100:
        raise ValidationError("The share is a percentage from 1 to 100.", field="share")
    if cost.unit_pence is not None:
        if cost.unit_pence <= 0:
            raise ValidationError("A unit cost is more than £0 (leave it empty for a line not costed).",
                                  field="unit_cost")
        if not source:
            raise ValidationError("Say where the unit cost comes from, so a funder can check it.", field="source")
        if not when:
            raise ValidationError("Give the source's date (a year is enough, e.g. 2024).", field="source_date")
    if when:
        if not _SOURCE_DATE.match(when):
            raise ValidationError("Give the source's date as a year (2024), a month (2024-03) or a day "
                                  "(2024-03-31).", field="source_date")
        year = int(when[:4])
        if not 1990 <= year <= today.year:
            raise ValidationError(f"The source's year should be between 1990 and {today.year}.", field="source_date")
        try:
            date(year, int(when[5:7]) if len(when) >= 7 else 1, int(when[8:10]) if len(when) == 10 else 1)
        except ValueError:
            raise ValidationError("The source's date is not a real date.", field="source_date") from None
    return replace(cost, basis=basis, source=source, source_date=when)


def changed_fields(before: UnitCost, after: UnitCost) -> list[str]:
    names = ("unit_pence", "share_percent", "direction", "basis", "source", "source_date")
    return [name for name in names if getattr(before, name) != getattr(after, name)]


def pounds(pence: int) -> str:
    """£1,234.56 (a minus sign in front for a negative amount)."""
    sign = "−" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def net_wording(estimate: Estimate) -> str:
    net = estimate.net_pence
    if net >= 0:
        return f"Indicative net value of the hub's work in this period: {pounds(net)}."
    return f"In this period the costs counted are larger than the savings by {pounds(-net)}."


def costed_lines(lines: Iterable[EstimateLine]) -> list[EstimateLine]:
    return [line for line in lines if line.costed]
