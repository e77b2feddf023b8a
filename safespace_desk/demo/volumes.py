"""How busy the demo hub is: Derby's Safe Space figures (shared DOMAIN.md), times a scale.

Derby: c55 unique people a month, c13 a day, police bring someone about 8 times a month,
292 people in 2.5 years of whom 65 were women (22%), 16 places by day and 8 beds at night,
exclusions "normally for very short periods of time e.g. twenty-four hours".

The generator does not aim at these figures directly: it simulates people (who arrive, come
often or rarely for a while, sometimes leave and come back) and the figures come out of that.
The constants below were tuned so that a scale-1 run lands near Derby's numbers; tests/test_demo.py
checks the ranges.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- people --------------------------------------------------------------------------------------
NEW_PEOPLE_PER_DAY = 0.265  # people new to the hub; with returners gives ~55 a month
ONE_OFF_SHARE = 0.22  # came once and never again
SPELL_MEAN_DAYS = 150.0  # how long a "regular" keeps coming (exponential)
RETURN_SHARE = 0.35  # of people whose spell ends, the share who come back later
RETURN_GAP_MEAN_DAYS = 120.0
# Chance of coming on a given day during a spell, by kind of regular (share, chance).
DAILY_CHANCE = ((0.4, 0.045), (0.3, 0.14), (0.2, 0.33), (0.1, 0.66))
WOMEN_SHARE = 0.22  # 65 of 292
NON_BINARY_SHARE = 0.02
GENDER_UNKNOWN_SHARE = 0.03

# --- visits --------------------------------------------------------------------------------------
OVERNIGHT_CHANCE = ((0.5, 0.1), (0.3, 0.45), (0.2, 0.85))  # (share of people, chance a visit is overnight)
SECOND_VISIT_CHANCE = 0.1  # a second, short day visit on the same day
POLICE_BY_DAY = 0.013  # share of arrivals brought by police, giving ~8 a month at scale 1
POLICE_BY_NIGHT = 0.042
OTHER_ARRIVALS = (("outreach", 0.04), ("housing", 0.015), ("probation", 0.015), ("hospital", 0.015),
                  ("paramedic", 0.01), ("other", 0.01))
DEPARTED_TO_SHARE = 0.25
DEPARTED_TO = ("Hostel", "Supported housing", "Friend's place", "Hospital appointment", "Outreach team",
               "Night shelter", "Family", "Back to the street", "Not known", "Probation appointment")

# --- exclusions ----------------------------------------------------------------------------------
EXCLUSION_PER_VISIT = 0.008  # "a few a month" at ~430 visits a month
EXCLUSION_HOURS = ((0.8, 24), (0.1, 48), (0.1, 12))
EXCLUSION_LIFTED_EARLY = 0.15
EXCLUSION_REASONS = (
    "Aggressive behaviour towards staff",
    "Breaking house rules after warning",
    "Threatening another guest",
    "Using substances on site",
    "Damage to property",
    "Refused to follow staff instructions at night",
)
LIFT_REASONS = (
    "Apologised and agreed the house rules",
    "Lead reviewed it with the guest",
    "Misunderstanding cleared up with the guest",
    "Needed a safe place: weather warning",
)


@dataclass(frozen=True)
class DemoVolumes:
    """Derby's volumes times ``scale``: more people and, to match, more places and beds."""

    scale: int = 1

    @property
    def new_people_per_day(self) -> float:
        return NEW_PEOPLE_PER_DAY * self.scale

    @property
    def day_places(self) -> int:
        return 16 * self.scale

    @property
    def beds(self) -> int:
        return 8 * self.scale

    @property
    def lift_early(self) -> float:
        return EXCLUSION_LIFTED_EARLY

# --- messages, shift log, triage, handovers ------------------------------------------------------
# The desk's own records (messages, shift log, triage) cover at most the last two years of a longer
# history: a hub that has used the desk for two years, with its older visits imported from paper
# sign-in sheets (issue 5). It keeps a ten-year bench store's build time in minutes: every page the
# store writes is encrypted, so time goes with bytes written.
DESK_RECORDS_YEARS = 2.0
# Derby is "the communication hub" for messages to people with no phone or address; partners ring a
# few times a week on weekdays (30-60 a month), less at weekends.
MESSAGES_PER_DAY = 1.5
MESSAGE_WEEKDAY_FACTOR = (1.2, 1.2, 1.2, 1.2, 1.2, 0.5, 0.5)  # Monday first; averages 1
MESSAGE_FOR_RECENT_DAYS = 21  # an agency leaves a message for someone seen here lately
MESSAGE_URGENT = 0.15
MESSAGE_UNLINKED = 0.06  # left for a name the desk could not match to anyone
MESSAGE_WITHDRAWN = 0.03
MESSAGE_NOT_PASSED_ON = 0.04
MESSAGE_OPEN_DAYS = 28  # a message with no relevant-until is closed off after four weeks unseen
MESSAGE_WAITING_DAYS = 5  # of the last days' messages, this share is for people not back since
MESSAGE_WAITING_SHARE = 0.6
MESSAGES_IN_NOW = 2  # guests in now with messages waiting, so the desk shows "N messages waiting"
# A few log entries a day: incidents, calls, PINs, referrals, health and general notes.
LOG_ENTRIES_PER_DAY = 3.0
LOG_ABOUT_A_GUEST = 0.6
# The paramedic (weekdays 9 to 5): about 199 triage assessments a month, ~9 a weekday.
TRIAGE_PER_WEEKDAY = 199 * 12 / (52 * 5)
TRIAGE_HOURS = (9, 17)
HANDOVER_DAYS = 14  # handovers only for the last two weeks, to keep the store small
