"""The hub's day beyond sign-in in the demo (issue 13): a few expected arrivals, a keep-apart link,
enquiries (the default answer, and one a lead approved), sharing choices, where some people live now and a
named hostel on the site's list. Written through the services at the end of the history, so each has its
audit entry and operation like anything staff do."""

from __future__ import annotations

from datetime import timedelta

from safespace_desk.demo.run import DemoRun
from safespace_desk.demo.timeline import to_datetime
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.destinations import DestinationKind
from safespace_desk.services import arrivals, enquiries, keep_apart, messages, moves, outcomes
from safespace_desk.services.overrides import Override, OverrideAction, own_override

# Where the history's "departed to" words fall on the site's list (the rest stay words: "other").
DEPARTURE_KINDS = {"Hostel": DestinationKind.HOSTEL, "Supported housing": DestinationKind.SUPPORTED_HOUSING,
                   "Friend's place": DestinationKind.FRIENDS_FAMILY, "Family": DestinationKind.FRIENDS_FAMILY,
                   "Back to the street": DestinationKind.STREET, "Not known": DestinationKind.NOT_KNOWN,
                   "Night shelter": DestinationKind.HOSTEL}


def write_hub_day(run: DemoRun) -> None:
    desk = run.desk
    end = to_datetime(run.timeline.end)
    desk.clock = FixedClock(end - timedelta(hours=1))
    rng = run.rng("hub day")
    people = [gid for gid in run.guest_ids if gid is not None]
    if len(people) < 6:
        return
    recent = people[-60:]
    picks = rng.sample(recent, 6)
    moves.add_destination(desk, "Centenary House (hostel)", "hostel")
    agencies = {a.name: a.id for a in messages.list_agencies(desk)}
    arrivals.expect_arrival(desk, description="Man in his 40s, released this morning", from_whom="HMP Nottingham",
                            via="prison", expected_at=end + timedelta(hours=3), needs="A bed tonight; ID and a GP")
    arrivals.expect_arrival(desk, guest_id=picks[0], from_whom="Royal Derby Hospital", via="hospital",
                            expected_at=end + timedelta(hours=20), needs="Dressings changed daily")
    keep_apart.link(desk, picks[1], picks[2], "Bail conditions: no contact (synthetic)")
    enquiries.log_enquiry(desk, agency_id=agencies["Police"], asker="PC Demo", reference="0000", guest_id=picks[3],
                          purpose="Checking whereabouts (synthetic)", legal_basis="crime")
    enquiries.set_sharing(desk, picks[4], agencies["Probation"], True)
    enquiries.log_enquiry(desk, agency_id=agencies["Probation"], asker="Probation officer (demo)", guest_id=picks[4],
                          purpose="Licence check (synthetic)", legal_basis="consent", answer="disclosed",
                          said="They were in this week.",
                          override=Override("The guest agreed to share with probation",
                                            own_override(desk, OverrideAction.DISCLOSE)))
    outcomes.set_status(desk, picks[5], "settled")
    run.counts["expected arrivals"] = 2
    run.counts["enquiries"] = 2
