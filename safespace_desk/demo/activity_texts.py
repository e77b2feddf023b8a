"""Synthetic shift log entries and triage notes. Wording follows the peer-support guidance in
DOMAIN.md: speak of people with respect and by their strengths; no labels, no slurs. Every place
and detail is invented."""

from __future__ import annotations

from safespace_desk.domain.messages import LogKind, TriageOutcome

# (kind, weight) for a day's entries: mostly general and health notes, some incidents and calls.
LOG_KINDS = (
    (LogKind.GENERAL, 34), (LogKind.HEALTH, 16), (LogKind.INCIDENT, 15), (LogKind.PIN_SUBMITTED, 10),
    (LogKind.POLICE_CALLED, 9), (LogKind.SAFEGUARDING, 7), (LogKind.AMBULANCE_CALLED, 5),
)

# Entries about a guest who is in (the guest is linked, so the text does not repeat the name).
ABOUT_A_GUEST = {
    LogKind.INCIDENT: (
        "Raised voices with another guest in the TV area. Both took some space, talked it through "
        "with staff and settled.",
        "Upset after a difficult phone call and kicked a chair. Calmed with a cup of tea and a chat in "
        "the kitchen; apologised without being asked.",
        "Disagreement over the TV. Sorted with a rota; everyone was good about it.",
        "Came back to the door after midnight for a smoke; reminded of the house rules and took it well.",
    ),
    LogKind.POLICE_CALLED: (
        "Police called: guest's bag was taken in town. Officer came and took details; guest stayed calm "
        "and helpful throughout.",
        "Police called after someone outside was shouting threats at the guest. Guest stayed inside and "
        "safe; officers moved the person on.",
    ),
    LogKind.AMBULANCE_CALLED: (
        "Ambulance called: seizure in the TV area. Recovery position, crew attended and took the guest "
        "to hospital for checks.",
        "Ambulance called for chest pain. Crew assessed on site; guest went to A&E and planned to come "
        "back afterwards.",
        "Slipped in the shower and hurt a wrist. Ambulance called; crew strapped it and advised A&E.",
    ),
    LogKind.PIN_SUBMITTED: (
        "PIN submitted: guest mentioned being asked to carry parcels for someone in town (possible "
        "exploitation). Guest agreed we could share it.",
        "PIN submitted about a car that drops off and collects the guest late at night. Guest says they "
        "are fine; staff keeping a friendly eye out.",
    ),
    LogKind.SAFEGUARDING: (
        "Safeguarding referral to adult social care: guest said someone is taking their benefits. Guest "
        "agreed to the referral and wants the support.",
        "Safeguarding referral (self-neglect: not eating, feet sore). Guest agreed; the paramedic will "
        "follow up tomorrow.",
        "Guest disclosed domestic abuse. Referral to the IDVA service with consent; a safe bed here "
        "tonight.",
    ),
    LogKind.HEALTH: (
        "Felt faint after not eating for a day. Had soup and a rest; much better by the afternoon.",
        "Sore foot: fresh socks given and the paramedic will take a look on the next weekday.",
        "Took prescribed medication at 22:00 as agreed with the GP, then slept well.",
        "Coughing a lot; given a hot drink and extra blanket, and asked to see the paramedic.",
    ),
    LogKind.GENERAL: (
        "Came in with outreach after a night out in the rain. Dry clothes and a hot drink; settled in "
        "the TV area.",
        "Helped another guest with the washing machine. A real help around the place today.",
        "Went to the Jobcentre appointment and came back with a payment date; very pleased.",
        "Asked for help with a housing form. Filled in together and posted this afternoon.",
        "Back from the hostel viewing and feeling hopeful about it.",
        "Cooked a meal for the house with the food bank delivery. Lovely evening.",
    ),
}

# Entries about the house, the street or the shift.
ABOUT_THE_HOUSE = {
    LogKind.INCIDENT: (
        "Someone outside (not a guest) knocking on the window around 02:00. Door kept shut; they left "
        "after a few minutes.",
    ),
    LogKind.POLICE_CALLED: (
        "Police called about a fight across the road. Nobody from here involved; doors kept shut until "
        "officers left.",
    ),
    LogKind.PIN_SUBMITTED: (
        "PIN submitted: a man has been waiting near the entrance asking for one of our guests by name.",
        "PIN submitted about suspected dealing near the bus station, reported by guests.",
    ),
    LogKind.GENERAL: (
        "Fire alarm test at 10:00. All fine.",
        "Volunteers dropped off bedding and toiletries; stored in the cupboard by the showers.",
        "Kitchen deep clean done and fridge restocked.",
        "Quiet shift. Everyone settled by midnight.",
        "Outreach team popped in to say hello and see who was in.",
        "Food bank delivery received; shelves restocked.",
        "Washing machine repaired this morning.",
    ),
    LogKind.HEALTH: ("First aid box checked and restocked.", "Sharps bin collected and replaced."),
}


# (presenting need, notes, outcomes with weights). Notes take {hr}, {sys}, {dia}, {spo2}, {temp}, {bm}.
TRIAGE_NEEDS: tuple[tuple[str, tuple[str, ...], tuple[tuple[TriageOutcome, float], ...]], ...] = (
    ("Wound check and dressing",
     ("Leg ulcer dressed; wound clean, edges healing. Review in 3 days.",
      "Dressing changed on hand cut; no signs of infection. Review Friday."),
     ((TriageOutcome.TREATED, 8), (TriageOutcome.REFERRED_GP, 1))),
    ("Foot care",
     ("Early trench foot: feet washed, dried and checked; dry socks given and footwear advice.",
      "Blisters and cracked heels cleaned and dressed; spare socks given."),
     ((TriageOutcome.TREATED, 8), (TriageOutcome.ADVICE, 2))),
    ("Cough and cold symptoms",
     ("Cough for 5 days. Temp {temp}, SpO2 {spo2}%. Chest clear. Fluids and rest advised.",
      "Sore throat and runny nose. Temp {temp}. Self-care advice; back if worse."),
     ((TriageOutcome.ADVICE, 6), (TriageOutcome.REFERRED_GP, 3))),
    ("Chest infection",
     ("Productive cough, temp {temp}, SpO2 {spo2}%, crackles right base. GP same day for antibiotics.",),
     ((TriageOutcome.REFERRED_GP, 7), (TriageOutcome.A_AND_E, 1), (TriageOutcome.AMBULANCE, 0.5))),
    ("Medication review",
     ("Missed some doses this week; made a plan with the pharmacy and asked for a blister pack.",
      "Ran out of inhaler; GP surgery called and a prescription sorted."),
     ((TriageOutcome.ADVICE, 5), (TriageOutcome.REFERRED_GP, 4))),
    ("Alcohol withdrawal",
     ("Tremor and sweats, last drink 14 hours ago. HR {hr}. Referred to the D&A team for supported "
      "withdrawal; guest keen.",),
     ((TriageOutcome.REFERRED_OTHER, 6), (TriageOutcome.ADVICE, 2), (TriageOutcome.A_AND_E, 1))),
    ("Injury from a fall",
     ("Fell on ice last night; bruised left wrist, full movement. Rest, ice and elevation advised.",
      "Knee grazed and swollen after a fall. Cleaned and dressed; walking well."),
     ((TriageOutcome.ADVICE, 4), (TriageOutcome.TREATED, 3), (TriageOutcome.A_AND_E, 2))),
    ("Mental health check-in",
     ("Low mood and poor sleep. Talked through support; agreed a referral to the community mental "
      "health team.", "Feeling more settled this week. Plan reviewed; knows how to reach the crisis team."),
     ((TriageOutcome.REFERRED_OTHER, 5), (TriageOutcome.ADVICE, 4))),
    ("Dental pain",
     ("Toothache for 3 days, no facial swelling. Emergency dental line given and called together.",),
     ((TriageOutcome.REFERRED_OTHER, 6), (TriageOutcome.ADVICE, 3))),
    ("Blood pressure check",
     ("BP {sys}/{dia}, HR {hr}. Advised a GP review of tablets.", "BP {sys}/{dia}. Within range today."),
     ((TriageOutcome.ADVICE, 6), (TriageOutcome.REFERRED_GP, 3))),
    ("Skin condition",
     ("Itchy rash on both arms; treatment given and fresh clothes and bedding arranged.",),
     ((TriageOutcome.TREATED, 5), (TriageOutcome.REFERRED_GP, 3))),
    ("Diabetes check",
     ("BM {bm} mmol/L. Has insulin with them; talked about regular meals.",),
     ((TriageOutcome.ADVICE, 5), (TriageOutcome.REFERRED_GP, 2), (TriageOutcome.AMBULANCE, 0.3))),
    ("Chest pain",
     ("Central chest pain for 30 minutes. HR {hr}, BP {sys}/{dia}, SpO2 {spo2}%. 999 called, crew "
      "took over care.",),
     ((TriageOutcome.AMBULANCE, 8), (TriageOutcome.A_AND_E, 2))),
    ("Health check (first visit)",
     ("General check; no acute concerns. Talked about registering with a GP.",),
     ((TriageOutcome.ADVICE, 6), (TriageOutcome.REFERRED_GP, 3), (TriageOutcome.DECLINED, 2))),
)
TRIAGE_NEED_WEIGHTS = (14, 10, 9, 4, 8, 5, 6, 8, 4, 6, 4, 3, 1, 8)
DECLINED_NOTE = "Offered a check; said they were fine today. Door left open for another day."
