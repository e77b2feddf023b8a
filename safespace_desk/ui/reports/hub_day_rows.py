"""The hub's day beyond sign-in on the Reports page (issue 13): rows for its tables, from the figures
and the cohort report (docs/figures.md)."""

from __future__ import annotations

from safespace_desk.domain.destinations import DestinationKind
from safespace_desk.domain.enquiries import LegalBasis
from safespace_desk.reports.cohort import DIED, NO_STATUS, Cohort
from safespace_desk.reports.hub_day_figures import NOT_RECORDED, OTHER_PLACE, HubDayFigures


def _place(key: str) -> str:
    if key in DestinationKind._value2member_map_:
        return DestinationKind(key).label
    return {OTHER_PLACE: "Somewhere not on the list", NOT_RECORDED: "Not recorded", DIED: "Has died",
            NO_STATUS: "Nothing recorded"}.get(key, key)


# Expected arrivals and hostel swaps are a hub's (docs/decisions.md): a crisis service's or haven's page
# leaves their rows out (its CSV and JSON keep the documented layout, with zeros).
def moves_rows(h: HubDayFigures, hub: bool = True) -> list[tuple[str, str]]:
    rows = [(_place(k), str(n)) for k, n in h.departures_by_destination.items() if n]
    rows.append(("Moved on to accommodation (people)", str(h.moved_on_to_accommodation)))
    return rows + ([("Hostel swaps", str(h.hostel_swaps))] if hub or h.hostel_swaps else [])


def day_rows(h: HubDayFigures, hub: bool = True) -> list[tuple[str, str]]:
    expected = [("Expected and arrived", str(h.expected_arrivals.get("arrived", 0))),
                ("Expected, did not arrive", str(h.expected_arrivals.get("did_not_arrive", 0)))]
    return (expected if hub or any(h.expected_arrivals.values()) else []) + [
            ("Hard moments: debrief offered", str(h.debriefs.get("offered", 0))),
            ("Hard moments: debrief not offered", str(h.debriefs.get("not_offered", 0))),
            ("Hard moments: not yet asked", str(h.debriefs.get("not_asked", 0)))]


def enquiry_rows(h: HubDayFigures) -> list[tuple[str, str]]:
    rows = [(LegalBasis(k).label if k in LegalBasis._value2member_map_ else k, str(n))
            for k, n in h.enquiries_by_basis.items()]
    return rows + [("Answered beyond the default", str(h.enquiries_beyond_default))]


def cohort_rows(c: Cohort) -> list[tuple[str, str]]:
    rows = [("First seen in this range", str(c.people)), ("In accommodation now", str(c.in_accommodation))]
    return rows + [(_place(k), str(n)) for k, n in c.now.items() if n]
