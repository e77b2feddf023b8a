"""The casework figures of a crisis service or haven as rows, shared by the Reports page and the PDF
(docs/figures.md, "Casework", defines each number)."""

from __future__ import annotations

from safespace_desk.domain.casework import (
    ClosureReason,
    ContactKind,
    OnwardKind,
    OnwardStatus,
    ReferralFactor,
    SupportKind,
    VisitMode,
    pounds_text,
)
from safespace_desk.reports.casework_figures import CaseworkFigures
from safespace_desk.ui.reports.formatting import number

Rows = list[tuple[str, str]]
TABLES = ("Referrals and cases", "Contacts", "Practical support", "Onward referrals", "Sessions and visits",
          "What brought people in", "Reach: age", "Reach: ethnicity (where recorded)")


def referral_rows(c: CaseworkFigures) -> Rows:
    r = c.referrals
    return [("New referrals", number(r["new"])), ("Repeat referrals", number(r["repeat"])),
            ("Duplicates", number(r["duplicate"])), ("Accepted", number(r["accepted"])),
            ("Declined", number(r["declined"])), ("Cases re-opened", number(c.cases_reopened)),
            ("Cases closed", number(c.cases_closed)), ("Cases open at the end", number(c.cases_open_at_end))] + [
        (f"· {ClosureReason(reason).label}", number(n)) for reason, n in c.closures_by_reason.items() if n]


def contact_rows(c: CaseworkFigures) -> Rows:
    per = c.calls_per_person
    return [(ContactKind(kind).label, number(n)) for kind, n in c.contacts.items()] + [
        ("Different people in contact", number(c.unique_people)),
        ("Calls per person (mean)", number(per["mean"])),
        ("Most calls with one person", number(per["max"])),
        ("Hours of contact", number(round(c.contact_minutes / 60, 1))),
        ("Escalations", number(c.escalations))]


def support_rows(c: CaseworkFigures) -> Rows:
    rows = []
    for kind, n in c.practical_support.items():
        if not n:
            continue
        pounds = c.practical_support_pounds.get(kind, 0.0)
        amount = f" ({pounds_text(round(pounds * 100))})" if pounds else ""
        rows.append((SupportKind(kind).label, number(n) + amount))
    return rows or [("None given", "0")]


def onward_rows(c: CaseworkFigures) -> Rows:
    rows = [(OnwardKind(kind).label, number(n)) for kind, n in c.onward_referrals.items() if n]
    rows += [(OnwardStatus(step).label, number(n)) for step, n in c.onward_outcomes.items()]
    rows += [("Days to counselling offer", number(c.days_to_counselling_offer)),
             ("Offered in 2 working days", f"{c.counselling_offered_within_2_working_days} of {c.counselling_offers}")]
    return rows


def session_rows(c: CaseworkFigures) -> Rows:
    s = c.sessions
    return [("Sessions in person", number(s.get("in_person", 0))), ("Sessions online", number(s.get("online", 0))),
            ("Places taken at sessions", number(s.get("attendances", 0))),
            ("Different people at sessions", number(s.get("unique_attendees", 0)))] + [
        (f"Visits: {VisitMode(mode).label.lower()}", number(n)) for mode, n in c.visits_by_mode.items() if n]


def factor_rows(c: CaseworkFigures) -> Rows:
    return [(ReferralFactor(f).label, number(n)) for f, n in c.referral_factors.items() if n] \
        or [("None recorded", "0")]


def age_rows(c: CaseworkFigures) -> Rows:
    return [(band.capitalize(), number(n)) for band, n in c.people_by_age_band.items()]


def ethnicity_rows(c: CaseworkFigures) -> Rows:
    return [(text if text != "not recorded" else "Not recorded", number(n))
            for text, n in c.people_by_ethnicity.items()] or [("Nobody reached", "0")]


def all_tables(c: CaseworkFigures) -> list[tuple[str, Rows]]:
    return list(zip(TABLES, (referral_rows(c), contact_rows(c), support_rows(c), onward_rows(c), session_rows(c),
                             factor_rows(c), age_rows(c), ethnicity_rows(c)), strict=True))
