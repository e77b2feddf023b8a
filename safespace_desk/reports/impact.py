"""The counts the impact estimate stands on, read from the store over a report range (docs/figures.md,
"The impact estimate", defines each). The same definitions as the monthly figures where they overlap
(police drop-offs, bed nights, exclusions, messages delivered by agency, shift-log kinds, referrals),
so the estimate and the report never disagree about what happened.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from safespace_desk.db.models import Agency, Exclusion, Message, ShiftLogEntry, Triage
from safespace_desk.db.types import utc_text
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.domain.impact import Count
from safespace_desk.domain.messages import LogKind, TriageOutcome
from safespace_desk.reports.casework_figures import _referrals
from safespace_desk.reports.figures import _live_ids, bed_night_count
from safespace_desk.reports.period import ReportRange
from safespace_desk.services.site import SiteInfo

# Triage that ended at the hub: the person was treated, advised or referred on, and no ambulance was
# called and nobody was sent to A&E. (Declined assessments stand for nothing.)
RESOLVED_ON_SITE = (TriageOutcome.TREATED, TriageOutcome.ADVICE, TriageOutcome.REFERRED_GP,
                    TriageOutcome.REFERRED_OTHER)


def impact_counts(session: Session, rng: ReportRange, site: SiteInfo, *,
                  crisis: bool) -> tuple[dict[str, int], dict[str, tuple[str, int]]]:
    """(count name -> number, agency id -> (its name, messages delivered)) for the range."""
    lo, hi = rng.starts_at, rng.ends_at
    counts = {count.value: 0 for count in Count}
    # The same sign-ins as the report's police_drop_offs, counted from their own small index (the
    # literal 'police' lets SQLite match the partial index; a bound parameter would not).
    counts[Count.POLICE_DROP_OFFS] = session.execute(text(
        f"SELECT count(*) FROM visit INDEXED BY visit_police WHERE arrived_via = '{ArrivedVia.POLICE.value}' "
        "AND voided_at IS NULL AND signed_in_at >= :lo AND signed_in_at < :hi"),
        {"lo": utc_text(lo), "hi": utc_text(hi)}).scalar_one()
    outcomes = dict(session.execute(select(Triage.outcome, func.count()).where(
        Triage.outcome.in_([o.value for o in TriageOutcome]), Triage.at >= lo, Triage.at < hi)
        .group_by(Triage.outcome)).all())
    counts[Count.TRIAGE_ON_SITE] = sum(outcomes.get(o.value, 0) for o in RESOLVED_ON_SITE)
    counts[Count.TRIAGE_GP_REFERRALS] = outcomes.get(TriageOutcome.REFERRED_GP.value, 0)
    counts[Count.BED_NIGHTS] = bed_night_count(session, rng, site, _live_ids(session)) if site.settings.uses_beds else 0
    wanted = [LogKind.AMBULANCE_CALLED.value, LogKind.SAFEGUARDING.value]
    kinds = dict(session.execute(select(ShiftLogEntry.kind, func.count()).where(
        ShiftLogEntry.kind.in_(wanted), ShiftLogEntry.at >= lo, ShiftLogEntry.at < hi)
        .group_by(ShiftLogEntry.kind)).all())
    counts[Count.AMBULANCES_CALLED] = kinds.get(LogKind.AMBULANCE_CALLED.value, 0)
    counts[Count.SAFEGUARDING_REFERRALS] = kinds.get(LogKind.SAFEGUARDING.value, 0)
    counts[Count.EXCLUSIONS_ISSUED] = session.scalar(select(func.count()).select_from(Exclusion).where(
        Exclusion.starts_at >= lo, Exclusion.starts_at < hi)) or 0
    if crisis:
        referrals = _referrals(session, lo, hi)
        counts[Count.CRISIS_REFERRALS] = referrals.get("new", 0) + referrals.get("repeat", 0)
    agencies = {a.id: a.name for a in session.scalars(select(Agency))}
    delivered: dict[str, tuple[str, int]] = {}
    for agency_id, n in session.execute(select(Message.agency_id, func.count()).where(
            Message.delivered_at >= lo, Message.delivered_at < hi).group_by(Message.agency_id)):
        delivered[agency_id] = (agencies.get(agency_id, "Unknown"), n)
    counts[Count.MESSAGES_DELIVERED] = sum(n for _, n in delivered.values())
    return counts, delivered

