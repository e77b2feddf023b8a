"""Synthetic history for a crisis service (`demo --profile crisis`, PFG Doncaster's volumes) and an
evening haven (`demo --profile haven`). Every person and record is generated.

The simulation walks the days of the history: people are referred (crisis) or walk in (haven),
cases open, re-open and close, calls and visits fill the opening hours, and practical support,
onward referrals, plans, sessions and escalations follow from them. Rows are written in bulk (as
the hub's demo is) since demo history is not a series of staff actions.
"""

from __future__ import annotations

import heapq
import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from safespace_desk.demo import casework_rows as c
from safespace_desk.demo.casework_rows import DAY, HOUR, Person, Row, Rows, pick, poisson
from safespace_desk.demo.timeline import epoch, to_datetime, utc_text, uuid7_at
from safespace_desk.domain.opening import OpeningHours
from safespace_desk.domain.working_days import is_working_day
from safespace_desk.services.clinical import seal_to_public


@dataclass(frozen=True)
class CaseworkPlan:
    zone: ZoneInfo
    hours: OpeningHours
    first: date
    days: int
    end: int  # now, in epoch seconds: nothing happens after it
    scale: int
    seed: int
    peers: tuple[str, ...]  # staff ids who make calls and decisions
    lead: str
    # The clinical key's public half: a plan the person asked to keep private is sealed to it, as the desk does.
    clinical_public: bytes | None = None

    def rng(self, step: str) -> random.Random:
        return random.Random(f"safespace-demo:{self.seed}:{step}")

    def window(self, day: int) -> tuple[int, int] | None:
        found = self.hours.window_on(self.first + timedelta(days=day), self.zone)
        return (epoch(found.opens_at), epoch(found.closes_at)) if found else None


@dataclass
class Episode:
    id: str
    person: Person
    number: int
    closes_day: int
    opened: int


class _Sim:
    """What both simulations share: contacts, support, onward referrals, plans, escalations."""

    def __init__(self, plan: CaseworkPlan, step: str) -> None:
        self.p = plan
        self.rng = plan.rng(step)
        self.rows = Rows()
        self.people: list[Person] = []
        self.year_now = (plan.first + timedelta(days=plan.days)).year

    def staff(self) -> str:
        return self.rng.choice(self.p.peers)

    def contact(self, person: Person, kind: str, at: int, episode: str | None, minutes: int) -> str:
        contact_id = uuid7_at(at, self.rng)
        outcome = "no_answer" if kind == "call_out" and self.rng.random() < 0.15 else pick(
            self.rng, (("supported", 80), ("signposted", 12), ("message_left", 5), ("escalated", 3)))
        self.rows.add("contact", {"id": contact_id, "guest_id": person.guest_id, "at": utc_text(at), "kind": kind,
                                  "minutes": 2 if outcome == "no_answer" else minutes, "outcome": outcome,
                                  "notes": self.rng.choice(c.CONTACT_NOTES) if self.rng.random() < 0.5 else None,
                                  "episode_id": episode, "staff_id": self.staff(), "created_at": utc_text(at + 60 * minutes)})
        person.seen(at)
        return contact_id

    def visit(self, person: Person, at: int, minutes: int, mode: str = "in_person") -> None:
        out = min(at + minutes * 60, self.p.end)
        self.rows.add("visit", {"id": uuid7_at(at, self.rng), "guest_id": person.guest_id, "signed_in_at": utc_text(at),
                                "signed_out_at": utc_text(out) if out < self.p.end else None, "arrived_via": "self",
                                "staff_in": self.staff(), "staff_out": self.staff() if out < self.p.end else None,
                                "mode": mode, "departed_to": None})
        person.seen(at)

    def support(self, person: Person, at: int, kind: str, contact_id: str | None) -> None:
        amount = self.rng.choice((1000, 1000, 2000)) if kind in ("gas_topup", "electric_topup") else None
        self.rows.add("support_given", {"id": uuid7_at(at, self.rng), "guest_id": person.guest_id, "at": utc_text(at),
                                        "kind": kind, "amount_pence": amount, "note": None, "contact_id": contact_id,
                                        "staff_id": self.staff()})

    def onward(self, person: Person, at: int, kind: str) -> None:
        """Referred on; offered after 0-3 working days (counselling: "within 2 working days"); most
        take it up and are seen."""
        offered = accepted = seen = None
        day = self._local_date(at)
        steps = pick(self.rng, (("0", 10), ("1", 45), ("2", 35), ("3", 10)))
        while int(steps) > 0:
            day += timedelta(days=1)
            steps = str(int(steps) - is_working_day(day))
        offer_at = epoch_local(day, 10, self.p.zone) + self.rng.randrange(6 * HOUR)
        if offer_at <= self.p.end:
            offered = utc_text(max(offer_at, at + 600))
            if self.rng.random() < 0.8 and offer_at + 3 * DAY <= self.p.end:
                accepted = utc_text(offer_at + self.rng.randrange(1, 3) * DAY)
                if self.rng.random() < 0.85 and offer_at + 14 * DAY <= self.p.end:
                    seen = utc_text(offer_at + self.rng.randrange(5, 14) * DAY)
        self.rows.add("onward_referral", {"id": uuid7_at(at, self.rng), "guest_id": person.guest_id, "kind": kind,
                                          "organisation": None, "note": None, "referred_at": utc_text(at),
                                          "offered_at": offered, "accepted_at": accepted, "seen_at": seen,
                                          "declined_at": None, "staff_id": self.staff()})

    def plan(self, person: Person, kind: str, at: int, versions: int) -> None:
        plan_id = uuid7_at(at, self.rng)
        self.rows.add("plan", {"id": plan_id, "guest_id": person.guest_id, "kind": kind, "created_at": utc_text(at),
                               "created_by": self.staff()})
        sections = {key: self.rng.choice(texts) for key, texts in c.PLAN_TEXT.items() if self.rng.random() < 0.8}
        for number in range(1, versions + 1):
            written = at + (number - 1) * self.rng.randrange(3, 20) * DAY
            if written > self.p.end:
                break
            if number > 1:
                key = self.rng.choice(list(c.PLAN_TEXT))
                sections[key] = self.rng.choice(c.PLAN_TEXT[key])
            version_id = uuid7_at(written, self.rng)
            body = json.dumps(sections or {"what_helps": "Talking it through"})
            sealed = self.rng.random() < 0.05 and self.p.clinical_public is not None
            if sealed:
                assert self.p.clinical_public is not None
                body = seal_to_public(self.p.clinical_public, version_id, "sections", body)
            self.rows.add("plan_version", {"id": version_id, "plan_id": plan_id, "version": number,
                                           "sections": body, "sealed": sealed, "with_person": True,
                                           "written_at": utc_text(written), "written_by": self.staff()})

    def escalate(self, person: Person, at: int) -> None:
        name, number = ("Emergency services", "999") if self.rng.random() < 0.3 else (self.escalation_name, None)
        self.rows.add("escalation", {"id": uuid7_at(at, self.rng), "at": utc_text(at), "contact_name": name,
                                     "number": number, "guest_id": person.guest_id, "note": None,
                                     "staff_id": self.staff()})

    escalation_name = "Crisis team duty manager"

    def follow_up(self, person: Person, at: int) -> None:
        due = at + self.rng.randrange(-6 * HOUR, 3 * DAY)
        self.rows.add("follow_up", {"id": uuid7_at(at, self.rng), "guest_id": person.guest_id, "due_at": utc_text(due),
                                    "text": self.rng.choice(c.FOLLOW_UPS), "created_at": utc_text(at),
                                    "created_by": self.staff()})

    def sessions(self, day: int, weekday_titles: dict[int, tuple[str, str, int]], pool: list[Person]) -> None:
        local = self.p.first + timedelta(days=day)
        if local.weekday() not in weekday_titles or not pool:
            return
        title, mode, hour = weekday_titles[local.weekday()]
        at = epoch_local(local, hour, self.p.zone)
        if at > self.p.end:
            return
        session_id = uuid7_at(at, self.rng)
        self.rows.add("group_session", {"id": session_id, "title": title, "starts_at": utc_text(at), "minutes": 90,
                                        "mode": mode, "facilitator_id": self.staff(), "created_at": utc_text(at - DAY),
                                        "created_by": self.staff()})
        for person in self.rng.sample(pool, min(len(pool), 3 + poisson(self.rng, 3 * self.p.scale))):
            self.rows.add("session_attendance", {"session_id": session_id, "guest_id": person.guest_id,
                                                 "added_at": utc_text(at + 600), "added_by": self.staff()})
            person.seen(at)

    def upcoming_sessions(self, weekday_titles: dict[int, tuple[str, str, int]]) -> None:
        """The week ahead's sessions, planned with nobody on their lists yet."""
        today = self._local_date(self.p.end)
        for offset in range(0, 8):
            day = today + timedelta(days=offset)
            if day.weekday() in weekday_titles:
                title, mode, hour = weekday_titles[day.weekday()]
                at = epoch_local(day, hour, self.p.zone)
                if at <= self.p.end:
                    continue  # today's, already held
                self.rows.add("group_session", {"id": uuid7_at(at, self.rng), "title": title, "starts_at": utc_text(at),
                                                "minutes": 90, "mode": mode, "facilitator_id": self.staff(),
                                                "created_at": utc_text(self.p.end - DAY), "created_by": self.staff()})

    def _local_date(self, at: int) -> date:
        return to_datetime(at).astimezone(self.p.zone).date()

    def within(self, window: tuple[int, int]) -> int:
        return window[0] + self.rng.randrange(max(1, window[1] - window[0] - 20 * 60))


def epoch_local(day: date, hour: int, zone: ZoneInfo) -> int:
    return epoch(datetime.combine(day, time(hour), tzinfo=zone))


# --- the crisis service ---------------------------------------------------------------------------


class CrisisSim(_Sim):
    # PFG's peer groups: one in the building, one online (as during the pandemic).
    SESSIONS = {2: ("Peer support group", "in_person", 18), 6: ("Online peer support", "online", 19)}

    def __init__(self, plan: CaseworkPlan) -> None:
        super().__init__(plan, "crisis")
        self.open: dict[int, Episode] = {}
        self.episodes: dict[int, int] = {}  # person index -> episodes so far
        self.referred: set[int] = set()
        self.repeats: list[tuple[int, int]] = []  # (day, person index) heap

    def run(self) -> Rows:
        p = self.p
        for day in range(p.days):
            window = p.window(day)
            for _ in range(poisson(self.rng, c.NEW_PEOPLE_PER_DAY * p.scale)):
                at = self._referral_time(day, window)
                if at <= p.end:
                    person = c.new_person(self.rows, self.rng, len(self.people), at, self.year_now, women=c.WOMEN)
                    self.people.append(person)
                    self._named_and_circle(person, at)
                    self.refer(person, at, day)
            while self.repeats and self.repeats[0][0] <= day:
                _, index = heapq.heappop(self.repeats)
                at = self._referral_time(day, window)
                if at <= p.end:
                    self.refer(self.people[index], at, day)
            if window is not None:
                for episode in list(self.open.values()):
                    self.day_of(episode, day, window)
                self.sessions(day, self.SESSIONS, [e.person for e in self.open.values()])
        for episode in self.open.values():  # still open now: some have a follow-up on the desk
            if self.rng.random() < 0.45:
                self.follow_up(episode.person, p.end - self.rng.randrange(DAY))
        self.upcoming_sessions(self.SESSIONS)
        return self.rows

    def _referral_time(self, day: int, window: tuple[int, int] | None) -> int:
        opens = window[0] if window else epoch_local(self.p.first + timedelta(days=day), 12, self.p.zone)
        return opens - 4 * HOUR + self.rng.randrange(9 * HOUR)  # the SPA refers through the day

    def refer(self, person: Person, at: int, day: int) -> None:
        open_episode = self.open.get(person.index)
        kind = "duplicate" if open_episode else ("repeat" if person.index in self.referred else "new")
        self.referred.add(person.index)
        referral_id = uuid7_at(at, self.rng)
        decided = at + self.rng.randrange(HOUR // 2, 4 * HOUR)
        row: Row = {"id": referral_id, "guest_id": person.guest_id, "received_at": utc_text(at),
                    "source": pick(self.rng, c.SOURCES), "reason": self.rng.choice(c.REASONS),
                    "factors": json.dumps(sorted({pick(self.rng, c.FACTORS) for _ in range(self.rng.randrange(3))})),
                    "kind": kind, "status": "duplicate" if open_episode else "waiting", "decided_at": None,
                    "decided_by": None, "decline_reason": None,
                    "episode_id": None, "duplicate_of": open_episode.id if open_episode else None,
                    "created_by": self.staff(), "created_at": utc_text(at)}
        self.rows.add("referral", row)
        person.seen(at)
        if open_episode or decided > self.p.end:
            return
        row.update(decided_at=utc_text(decided), decided_by=self.p.lead)
        if self.rng.random() < c.DECLINED:
            row.update(status="declined", decline_reason="Already supported by their community team; signposted")
            return
        number = self.episodes.get(person.index, 0) + 1
        self.episodes[person.index] = number
        episode = Episode(uuid7_at(decided, self.rng), person, number,
                          day + max(3, int(self.rng.expovariate(1 / c.EPISODE_MEAN_DAYS))), decided)
        row.update(status="accepted", episode_id=episode.id)
        self.rows.add("case_episode", {"id": episode.id, "guest_id": person.guest_id, "number": number,
                                       "referral_id": referral_id, "opened_at": utc_text(decided),
                                       "opened_by": self.p.lead, "closed_at": None, "closed_by": None,
                                       "closure_reason": None, "closure_note": None})
        self.open[person.index] = episode
        person.call_rate = min(2.0, self.rng.lognormvariate(0, c.CALLS_SPREAD) * c.CALLS_MEDIAN_PER_DAY)
        if self.rng.random() < 0.3:
            self.plan(person, "crisis", decided + self.rng.randrange(1, 7) * DAY, 1 + (self.rng.random() < 0.4))
        for kind_, chance in (("counselling", 0.07), ("citizens_advice", 0.05), ("housing", 0.03)):
            if self.rng.random() < chance:
                self.onward(person, decided + self.rng.randrange(1, 10) * DAY, kind_)

    def day_of(self, episode: Episode, day: int, window: tuple[int, int]) -> None:
        person, rng = episode.person, self.rng
        if day >= episode.closes_day:
            self.close(episode, window[1] - rng.randrange(HOUR))
            return
        for _ in range(poisson(rng, person.call_rate)):
            at = self.within(window)
            if at > self.p.end:
                continue
            kind = "call_out" if rng.random() < 0.6 else "call_in"
            contact_id = self.contact(person, kind, at, episode.id, rng.randrange(10, 60))
            for support, chance in (("food_pack", 0.015), ("electric_topup", 0.005), ("gas_topup", 0.003),
                                    ("clothing_pack", 0.004), ("bedding", 0.002)):
                if rng.random() < chance:
                    self.support(person, at + 1800, support, contact_id)
        for kind, chance in (("visit", c.VISIT_PER_OPEN_DAY), ("virtual", c.VIRTUAL_PER_OPEN_DAY)):
            if rng.random() < chance * (1 + 2 * (person.call_rate > 0.5)):
                at = self.within(window)
                if at <= self.p.end:
                    minutes = rng.randrange(30, 90)
                    contact_id = self.contact(person, kind, at, episode.id, minutes)
                    if kind == "visit":
                        self.visit(person, at, minutes)
                        if rng.random() < 0.5:
                            self.support(person, at + 600, "food_pack", contact_id)
        if rng.random() < c.DUPLICATE_PER_OPEN_DAY:
            at = max(self._referral_time(day, window), episode.opened + HOUR)  # rang in again since it opened
            if at <= self.p.end:
                self.refer(person, at, day)
        if rng.random() < c.ESCALATION_PER_OPEN_DAY:
            at = self.within(window)
            if at <= self.p.end:
                self.escalate(person, at)

    def close(self, episode: Episode, at: int) -> None:
        if at > self.p.end:
            return
        reason = pick(self.rng, c.CLOSURES)
        for row in self.rows.tables["case_episode"][::-1]:
            if row["id"] == episode.id:
                row.update(closed_at=utc_text(at), closed_by=self.staff(), closure_reason=reason)
                break
        del self.open[episode.person.index]
        if reason == "resolved" and self.rng.random() < 0.25:
            self.plan(episode.person, "staying_well", at - HOUR, 1)
        if self.rng.random() < c.REPEAT_CHANCE:
            gap = 7 + int(self.rng.expovariate(1 / c.REPEAT_GAP_MEAN_DAYS))
            heapq.heappush(self.repeats, (episode.closes_day + gap, episode.person.index))

    def _named_and_circle(self, person: Person, at: int) -> None:
        person.row["named_worker_id"] = self.staff()
        for role, name, chance in (("cpn", "Alex (CPN)", 0.2), ("care_coordinator", "Sam (care coordinator)", 0.1),
                                   ("carer", "A family carer", 0.05)):
            if self.rng.random() < chance:
                self.rows.add("circle_member", {
                    "id": uuid7_at(at, self.rng), "guest_id": person.guest_id, "role": role, "name": name,
                    "organisation": "Community mental health team" if role != "carer" else None, "phone": None,
                    "consent_at": utc_text(at) if role == "carer" else None, "added_at": utc_text(at),
                    "added_by": self.staff()})


# --- the evening haven ----------------------------------------------------------------------------


class HavenSim(_Sim):
    escalation_name = "Crisis team"

    def run(self) -> Rows:
        p, rng = self.p, self.rng
        sessions = {1: ("Peer support group", "in_person", 19), 3: ("Peer support group", "in_person", 19),
                    5: ("Online drop-in", "online", 20)}
        for day in range(p.days):
            window = p.window(day)
            if window is None or window[0] > p.end:
                continue
            tonight: dict[str, list[Person]] = {"in_person": [], "online": []}
            for mode, mean in (("in_person", 7.0), ("online", 2.5)):
                for _ in range(poisson(rng, mean * p.scale)):
                    person = self._someone(window[0])
                    at = self.within(window)
                    if at > p.end or person in tonight[mode]:
                        continue
                    tonight[mode].append(person)
                    self.visit(person, at, min(rng.randrange(30, 180), (window[1] - at) // 60), mode)
                    self._one_to_one(person, at, "visit" if mode == "in_person" else "virtual")
            self.sessions(day, sessions, tonight["in_person"] if (p.first + timedelta(days=day)).weekday() != 5
                          else tonight["online"])
            if window[1] <= p.end:
                signed_out = len(tonight["in_person"])
                self.rows.add("closing", {"id": uuid7_at(window[1], rng), "at": utc_text(window[1]),
                                          "opening_date": (p.first + timedelta(days=day)).isoformat(),
                                          "signed_out": signed_out, "follow_ups_ahead": 0, "note": None,
                                          "staff_id": self.staff()})
        self.upcoming_sessions(sessions)
        return self.rows

    def _someone(self, at: int) -> Person:
        recent = [person for person in self.people[-300:] if at - person.last_at < 60 * DAY]
        if recent and self.rng.random() < 0.7:
            return self.rng.choice(recent)
        person = c.new_person(self.rows, self.rng, len(self.people), at, self.year_now, women=0.55, youngest=16)
        self.people.append(person)
        return person

    def _one_to_one(self, person: Person, at: int, kind: str) -> None:
        rng = self.rng
        if rng.random() >= 0.6:
            return
        contact_id = self.contact(person, kind, at + 600, None, rng.randrange(15, 60))
        if rng.random() < 0.08:
            self.onward(person, at + 1800, pick(rng, (("community", 4), ("gp", 2), ("counselling", 2),
                                                      ("citizens_advice", 1), ("housing", 1))))
        for support, chance in (("travel", 0.04), ("food_pack", 0.03)):
            if rng.random() < chance:
                self.support(person, at + 1200, support, contact_id)
        if not any(r["guest_id"] == person.guest_id for r in self.rows.tables.get("plan", [])[-50:]):
            if rng.random() < 0.05:
                self.plan(person, "staying_well", at + 1800, 1 + (rng.random() < 0.3))
            elif rng.random() < 0.02:
                self.plan(person, "crisis", at + 1800, 1)
        if rng.random() < 0.004:
            self.escalate(person, at + 2400)
        if rng.random() < 0.03 and self.p.end - at < 3 * DAY:
            self.follow_up(person, at + 2400)


# Parents before the rows that point at them.
TABLE_ORDER = ("guest", "referral", "case_episode", "contact", "visit", "follow_up", "plan", "plan_version",
               "support_given", "onward_referral", "circle_member", "escalation", "group_session",
               "session_attendance", "closing")
COUNT_NAMES = {"guest": "people", "referral": "referrals", "case_episode": "case episodes", "contact": "contacts",
               "visit": "visits", "follow_up": "follow-ups", "plan": "plans", "plan_version": "plan versions",
               "support_given": "practical support", "onward_referral": "onward referrals",
               "circle_member": "people around them", "escalation": "escalations", "group_session": "sessions",
               "session_attendance": "attendances", "closing": "closings"}


def simulate(kind: str, plan: CaseworkPlan) -> Rows:
    return (CrisisSim(plan) if kind == "crisis" else HavenSim(plan, "haven")).run()
