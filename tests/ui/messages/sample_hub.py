"""A synthetic night at a hub, for the UI tests and the screenshots (no real people)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.messages import LogKind
from safespace_desk.services import exclusions, messages, shiftlog, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import LONDON, add, at_local


def agency_id(desk: DeskContext, name: str) -> str:
    return next(a.id for a in messages.list_agencies(desk) if a.name == name)


def post(desk: DeskContext, guest_id: str | None, agency: str, body: str, **kwargs: object) -> str:
    message_id, _ = messages.post_message(desk, agency_id=agency_id(desk, agency), body=body,  # type: ignore[arg-type]
                                          guest_id=guest_id, **kwargs)
    return message_id


@dataclass
class Hub:
    guests: dict[str, str] = field(default_factory=dict)  # name -> id
    messages: dict[str, str] = field(default_factory=dict)  # label -> id


def fill_hub(desk: DeskContext, clock: FixedClock) -> Hub:
    """Tuesday evening to Wednesday 07:40: guests, beds, an exclusion, messages, log entries."""
    hub = Hub()
    at_local(clock, 2026, 11, 23, 10, 0)
    for name in ("Kez", "Dee", "Marty", "Sam", "Jojo", "Tomasz", "Aisha", "Big Col", "Rosie"):
        hub.guests[name] = add(desk, name)
    g = hub.guests
    m = hub.messages
    m["kez_gp"] = post(desk, g["Kez"], "GP", "Appointment with Dr Okafor on Thursday at 10:30 at Wardwick "
                       "surgery. Bring the blue prescription slip if you still have it.",
                       contact="Reception, 01332 000111", category="appointment", urgent=True,
                       relevant_until=date(2026, 11, 26))
    m["kez_housing"] = post(desk, g["Kez"], "Housing", "Hostel place may be free at Milestone House from "
                            "Friday. Ring Jo to confirm by Thursday 5pm.", contact="Jo Reid, housing options",
                            category="housing", relevant_until=datetime(2026, 11, 26, 17, 0, tzinfo=LONDON))
    at_local(clock, 2026, 11, 23, 15, 20)
    m["dee_pharmacy"] = post(desk, g["Dee"], "Drug and alcohol treatment", "Script is ready to collect at "
                             "Boots, St Peter's Street, from Wednesday 9am.", contact="Key worker Priya",
                             category="medication", urgent=True)
    m["marty_probation"] = post(desk, g["Marty"], "Probation", "Please ring your probation officer before "
                                "Friday about the appointment change.", contact="PO Sarah Hill",
                                category="legal", relevant_until=date(2026, 11, 27))
    m["unlinked"] = post(desk, None, "Police", "Victim services are trying to reach “Danny (red coat)”. "
                         "Please ask him to call them; no details to be shared.", for_name="Danny (red coat)",
                         contact="PC 1234 Evans, SNT", category="welfare", urgent=True)
    m["sam_dwp"] = post(desk, g["Sam"], "DWP", "Journal message: appointment at the Jobcentre on Monday 09:10.",
                        contact="Work coach Lee", category="welfare", relevant_until=date(2026, 11, 30))
    m["jojo_mh"] = post(desk, g["Jojo"], "Mental health", "CPN would like to meet at the hub on Thursday "
                        "afternoon; any time after 2pm.", contact="CPN Alex Morgan", category="appointment")
    m["aisha_gp"] = post(desk, g["Aisha"], "GP", "Blood test results are back; please come in to discuss.",
                         contact="Practice nurse", category="appointment", relevant_until=date(2026, 12, 4))
    m["tomasz_housing"] = post(desk, g["Tomasz"], "Housing", "Documents needed for the NRPF assessment: "
                               "passport or ID card copy.", category="housing")
    m["col_general"] = post(desk, g["Big Col"], "Other", "Your sister called and would like you to ring her.",
                            contact="Family (via phone)", category="general", relevant_until=date(2026, 11, 23))
    m["rosie_delivered"] = post(desk, g["Rosie"], "Paramedic", "Dressing change at the hub clinic Wednesday.",
                                category="medication")
    at_local(clock, 2026, 11, 23, 18, 0)
    messages.deliver(desk, m["rosie_delivered"], note="Told her in person")

    at_local(clock, 2026, 11, 23, 20, 15)
    for name, via in (("Kez", "self"), ("Dee", "outreach"), ("Marty", "police"), ("Jojo", "self"),
                      ("Aisha", "hospital"), ("Tomasz", "self")):
        visits.sign_in(desk, g[name], via)
    at_local(clock, 2026, 11, 23, 22, 40)
    shiftlog.add_entry(desk, LogKind.POLICE_CALLED, "Police called at 22:35 after a man outside the door "
                       "threatened guests leaving the smoking area. Nobody hurt; PC Evans attended.")
    at_local(clock, 2026, 11, 23, 23, 5)
    exclusions.issue_exclusion(desk, g["Sam"], "Threatened staff at the door; can return tomorrow night",
                               hours=24, sign_out=False)
    at_local(clock, 2026, 11, 24, 1, 30)
    shiftlog.add_entry(desk, LogKind.HEALTH, "Jojo felt faint; sat with her, water and a biscuit; "
                       "recovered within 20 minutes. Paramedic to check in the morning.", guest_id=g["Jojo"])
    at_local(clock, 2026, 11, 24, 3, 10)
    shiftlog.add_entry(desk, LogKind.GENERAL, "Quiet night after 2am. Marty was worried about his "
                       "probation appointment; talked it through and he will ring in the morning.",
                       guest_id=g["Marty"])
    at_local(clock, 2026, 11, 24, 6, 50)
    shiftlog.add_entry(desk, LogKind.PIN_SUBMITTED, "PIN submitted about the 22:35 incident (ref 26/1188).")
    at_local(clock, 2026, 11, 24, 7, 40)
    return hub
