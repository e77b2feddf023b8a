"""Synthetic messages from agencies: what partners ring the hub about (DOMAIN.md: hospital
appointments, where to pick up medication, housing, probation, victim services, police...).

Every place, person and organisation here is invented; phone numbers are from Ofcom's range kept
for drama (01632 960xxx), so none rings a real line.
"""

from __future__ import annotations

from dataclasses import dataclass

# How "relevant until" is set: at the appointment ({when} in the text), the end of a day a few
# days ahead ({day} in the text), or not at all.
AT_APPOINTMENT, END_OF_DAY, OPEN = "appointment", "day", "open"


@dataclass(frozen=True)
class Template:
    agency: str  # a name from the agency list (migration 0003)
    category: str  # MessageCategory value
    text: str
    until: str
    weight: float = 1.0


TEMPLATES = (
    Template("GP", "appointment", "GP appointment {when} at Riverside Surgery. Please bring any tablets "
             "you are taking.", AT_APPOINTMENT, 2),
    Template("GP", "medication", "Collect prescription from Boots on the high street, ask at the "
             "pharmacy counter. Ready until {day}.", END_OF_DAY, 2),
    Template("GP", "medication", "Repeat prescription is ready at Wellcroft Pharmacy. Please collect "
             "by {day}.", END_OF_DAY),
    Template("GP", "appointment", "Blood test results are back. Please call the surgery or see the "
             "practice nurse by {day}.", END_OF_DAY),
    Template("GP", "general", "The surgery has registered you as a patient with the Safe Space as your "
             "address. Nothing else to do.", OPEN, 0.4),
    Template("Paramedic", "appointment", "Hospital appointment {when}, ward 5 (dressing clinic). The desk "
             "can help with bus fare.", AT_APPOINTMENT),
    Template("Paramedic", "medication", "Antibiotics course: please pop into the clinical room by {day} so "
             "the wound can be checked.", END_OF_DAY),
    Template("Drug and alcohol treatment", "appointment", "Keyworker appointment {when} at the Phoenix "
             "Centre. Drop in later that day if the time is hard.", AT_APPOINTMENT, 2),
    Template("Drug and alcohol treatment", "medication", "Script ready at Wellcroft Pharmacy for supervised "
             "dose; bring ID if you have it. Collect by {day}.", END_OF_DAY, 2),
    Template("Drug and alcohol treatment", "welfare", "Your keyworker Sam would like to check in. Please "
             "ring the Phoenix Centre by {day}.", END_OF_DAY),
    Template("Probation", "legal", "Probation appointment moved to {when}. Same office on Friary Lane.",
             AT_APPOINTMENT, 2),
    Template("Probation", "legal", "Reminder: probation appointment {when}. Ring if you can't make it.",
             AT_APPOINTMENT, 2),
    Template("Probation", "legal", "Please ring your probation officer about your licence conditions by "
             "{day}.", END_OF_DAY),
    Template("Housing", "housing", "Housing viewing {when}, bring ID.", AT_APPOINTMENT, 3),
    Template("Housing", "housing", "A room has come up at Elm Court. Please ring the housing options team "
             "by {day}.", END_OF_DAY, 2),
    Template("Housing", "housing", "Housing assessment {when} at the council offices, ground floor. "
             "Outreach can go with you.", AT_APPOINTMENT, 2),
    Template("Housing", "housing", "Your housing application needs a signature. Call in at the council "
             "offices by {day}.", END_OF_DAY),
    Template("Police", "legal", "Your bag has been handed in. Collect it from the front counter at "
             "Meadow Road station by {day}.", END_OF_DAY),
    Template("Police", "legal", "Court date {when} at the magistrates' court. The duty solicitor will "
             "meet you there.", AT_APPOINTMENT),
    Template("Police", "welfare", "Officer from the neighbourhood team checking you are safe after last "
             "week. No need to reply unless you want to.", END_OF_DAY, 0.6),
    Template("DWP", "welfare", "Jobcentre appointment {when}. Please go or ring to rearrange so your "
             "payment is not affected.", AT_APPOINTMENT, 2),
    Template("DWP", "welfare", "Universal Credit ID check {when} at the Jobcentre on Station Street.",
             AT_APPOINTMENT),
    Template("DWP", "welfare", "First Universal Credit payment due {day}. Staff can help with the bank "
             "card.", END_OF_DAY),
    Template("Mental health", "appointment", "CPN visit {when} here at the Safe Space, appointment room 2.",
             AT_APPOINTMENT, 2),
    Template("Mental health", "appointment", "Outpatient appointment {when} at the Cedar Unit.",
             AT_APPOINTMENT),
    Template("Mental health", "welfare", "The crisis team would like you to ring them when you can, any "
             "time of day. Until {day}.", END_OF_DAY),
    Template("Other", "appointment", "Hospital appointment {when}, ward 5.", AT_APPOINTMENT, 2),
    Template("Other", "welfare", "Victim services are trying to reach you about the report you made. "
             "Please ask staff to ring them by {day}.", END_OF_DAY),
    Template("Other", "legal", "Solicitor's office: please ring about your case by {day}.", END_OF_DAY),
    Template("Other", "general", "Your post has arrived at the day centre; collect it from reception by "
             "{day}.", END_OF_DAY),
    Template("Other", "general", "Your sister rang. She is well and would love to hear from you.", OPEN,
             0.5),
)

CONTACTS = {
    "GP": ("Reception, Riverside Surgery", "Practice nurse, Riverside Surgery", "Dr Okafor, Wellcroft Health Centre"),
    "Paramedic": ("Hub paramedic", "Community paramedic team"),
    "Drug and alcohol treatment": ("Sam, keyworker, Phoenix Centre", "Duty worker, Phoenix Centre"),
    "Probation": ("Duty officer, Friary Lane probation", "Probation officer J. Marrin"),
    "Housing": ("Housing options team", "Elm Court hostel office", "Tenancy support, Brookside Homes"),
    "Police": ("Neighbourhood team, Meadow Road", "PC 4471, Meadow Road"),
    "DWP": ("Work coach, Station Street Jobcentre", "Universal Credit helpline"),
    "Mental health": ("Crisis team, Cedar Unit", "CPN, community mental health team"),
    "Other": ("Ward 5 clerk, City Hospital", "Victim services caseworker", "Hartley & Vane solicitors",
              "Day centre reception"),
}

DELIVERY_NOTES = (
    "Read it through together", "Wrote the time and place on a card for them", "Said thanks, will go",
    "Will ring back from the desk phone", "Helped plan the bus route", "Put a reminder on the board too",
)
NOT_PASSED_REASONS = (
    "Guest asked us not to pass on messages from this service",
    "Guest was very distressed; the lead agreed to hold it back and tell the agency",
    "Could not be sure this was the person the agency meant; agency told",
    "Guest left before staff could speak to them",
)
WITHDRAW_REASONS = (
    "The agency reached the person another way", "Appointment cancelled by the agency",
    "Left here in error: meant for another service", "Agency will visit in person instead",
)
# Left for a name the agency gave, with how they described the person, never matched to a guest.
UNLINKED_NAMES = ("Big Dave", "Scouse", "Tiny", "Red", "Little Mo", "Taff", "Specs", "Nan", "Cowboy", "Sunny")
DESCRIPTIONS = (
    "tall, grey beard, usually has a dog with him", "young man, Scottish accent",
    "woman in a red coat, sleeps near the station", "older man, walks with a stick",
    "speaks Polish, not much English", "uses a wheelchair, often by the market",
    "wears a blue bobble hat, plays guitar in town",
)
