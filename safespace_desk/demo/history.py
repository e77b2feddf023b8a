"""The simulated history of the hub: who came when, stayed the night in which bed, was excluded.

Everything is kept in compact arrays (a million visits would not fit comfortably as objects) and
in chronological order of arrival, so the writer can stream it to the store in batches.

The model, day by day: new people arrive at Derby's rate times the scale; some come once, the
rest come back with a personal daily chance for a spell of months, and some return after a gap.
Each person's visit is a day visit (08:00-20:00, gone by the night) or an overnight stay (from the
evening or the small hours to the next morning, in a bed). Visits are admitted in arrival order
only while the house has room: 16 places by day and 8 beds at night (times the scale), so the
history never breaks the capacity rules the desk enforces. An excluded person stays away until
the exclusion ends or is lifted.
"""

from __future__ import annotations

import heapq
import math
import random
from array import array
from dataclasses import dataclass, field

from safespace_desk.demo import volumes as v
from safespace_desk.demo.timeline import Timeline

HOUR = 3600
VIAS = ("self", "police", "outreach", "housing", "probation", "hospital", "paramedic", "other")
_OTHER_VIAS = tuple((VIAS.index(name), share) for name, share in v.OTHER_ARRIVALS)
BURN_IN_DAYS = 3 * 365
STAFF_ON_DESK = 3  # demo desk staff one and two and the lead take turns at the desk


@dataclass
class Person:
    chance: float  # of coming on a given day of a spell
    overnight: float  # of a visit being an overnight stay
    spell_end: int  # last day index of the current spell
    free_at: int = 0  # no visit starts before (previous visit's end, or an exclusion's end)
    first_in: int = -1
    last_in: int = -1
    visits: int = 0


@dataclass(frozen=True)
class PlannedExclusion:
    person: int
    starts: int
    ends: int
    lifted: int  # -1: not lifted early
    reason: int  # index into volumes.EXCLUSION_REASONS
    lift_reason: int


@dataclass
class History:
    """Visits in arrival order as parallel arrays; -1 marks "none" (still in, no bed, ...)."""

    timeline: Timeline
    beds: int
    people: list[Person] = field(default_factory=list)
    person: array = field(default_factory=lambda: array("i"))
    signed_in: array = field(default_factory=lambda: array("q"))
    signed_out: array = field(default_factory=lambda: array("q"))
    via: array = field(default_factory=lambda: array("b"))
    staff_in: array = field(default_factory=lambda: array("b"))
    staff_out: array = field(default_factory=lambda: array("b"))
    departed_to: array = field(default_factory=lambda: array("b"))
    night: array = field(default_factory=lambda: array("i"))  # day index of the night, or -1
    bed: array = field(default_factory=lambda: array("h"))
    bed_from: array = field(default_factory=lambda: array("q"))
    exclusions: list[PlannedExclusion] = field(default_factory=list)

    @property
    def visit_count(self) -> int:
        return len(self.person)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _pick(rng: random.Random, table: tuple[tuple[float, float], ...]) -> float:
    r = rng.random()
    for share, value in table:
        if r < share:
            return value
        r -= share
    return table[-1][1]


class _Simulation:
    def __init__(self, timeline: Timeline, volumes: v.DemoVolumes, rng: random.Random) -> None:
        self.tl = timeline
        self.vol = volumes
        self.rng = rng
        self.h = History(timeline, volumes.beds)
        self.present: list[int] = []  # heap of departure times of everyone in the house
        self.returns: dict[int, list[int]] = {}

    def new_person(self, day: int, *, one_off: bool, spell_days: float | None = None) -> int:
        rng = self.rng
        if one_off:
            person = Person(chance=1.0, overnight=_pick(rng, v.OVERNIGHT_CHANCE), spell_end=day)
        else:
            spell = spell_days if spell_days is not None else rng.expovariate(1 / v.SPELL_MEAN_DAYS)
            person = Person(chance=_pick(rng, v.DAILY_CHANCE), overnight=_pick(rng, v.OVERNIGHT_CHANCE),
                            spell_end=day + int(spell))
        self.h.people.append(person)
        return len(self.h.people) - 1

    def run(self) -> History:
        rng = self.rng
        # People come and go for a while before the history starts, so that on its first day the
        # hub already has its regulars (and people between spells), as a real hub would.
        active: list[int] = []
        for day in range(-BURN_IN_DAYS, self.tl.days):
            for _ in range(_poisson(rng, self.vol.new_people_per_day)):
                active.append(self.new_person(day, one_off=rng.random() < v.ONE_OFF_SHARE))
            for p in self.returns.pop(day, ()):
                self.h.people[p].spell_end = day + int(rng.expovariate(1 / v.SPELL_MEAN_DAYS))
                active.append(p)
            still = []
            for p in active:
                if self.h.people[p].spell_end >= day:
                    still.append(p)
                elif rng.random() < v.RETURN_SHARE:
                    self.returns.setdefault(day + 1 + int(rng.expovariate(1 / v.RETURN_GAP_MEAN_DAYS)),
                                            []).append(p)
            active = still
            if day >= 0:
                self.day(day, active)
        return self.h

    def day(self, day: int, active: list[int]) -> None:
        rng, tl = self.rng, self.tl
        ds, ns, next_ds = tl.day_start[day], tl.night_start[day], tl.day_start[day + 1]
        candidates: list[tuple[int, int, int, bool]] = []
        for p in active:
            person = self.h.people[p]
            if rng.random() >= person.chance:
                continue
            if rng.random() < person.overnight:
                r = rng.random()
                if r < 0.4:
                    arrive = ns - rng.randrange(0, 5 * HOUR // 2)  # early evening, bed from 20:00
                elif r < 0.9:
                    arrive = ns + rng.randrange(0, 4 * HOUR)
                else:
                    arrive = ns + rng.randrange(4 * HOUR, 7 * HOUR)  # the small hours
                candidates.append((arrive, next_ds + rng.randrange(-90 * 60, 90 * 60), p, True))
                continue
            arrive = ds + rng.randrange(0, 23 * HOUR // 2)
            leave = min(arrive + int(rng.triangular(1800, 7 * HOUR, 2 * HOUR)), ns - 60 - rng.randrange(1200))
            if leave - arrive < 600:
                continue
            candidates.append((arrive, leave, p, False))
            if rng.random() < v.SECOND_VISIT_CHANCE:
                again = leave + rng.randrange(1800, 3 * HOUR)
                if again < ns - HOUR:
                    candidates.append((again, min(again + rng.randrange(1200, 2 * HOUR), ns - 60), p, False))
        candidates.sort()
        beds = [(0, b) for b in range(self.vol.beds)]  # (busy until, bed index), tonight
        for arrive, leave, p, overnight in candidates:
            self.admit(day, arrive, leave, p, overnight, beds)

    def admit(self, day: int, arrive: int, leave: int, p: int, overnight: bool,
              beds: list[tuple[int, int]]) -> None:
        rng, tl, h = self.rng, self.tl, self.h
        person = h.people[p]
        if arrive > tl.end or arrive < person.free_at:
            return
        while self.present and self.present[0] <= arrive:
            heapq.heappop(self.present)
        by_night = arrive >= tl.night_start[day]
        if len(self.present) >= (self.vol.beds if by_night else self.vol.day_places):
            return  # full: turned away (the desk would refuse without a lead's override)
        bed, bed_from = -1, -1
        if overnight:
            bed_from = max(arrive, tl.night_start[day])
            busy_until, bed = beds[0]
            if busy_until > bed_from:
                return  # every bed taken tonight
            heapq.heapreplace(beds, (leave, bed))
        heapq.heappush(self.present, leave)
        person.free_at = leave
        person.visits += 1
        if person.first_in < 0:
            person.first_in = arrive
        person.last_in = arrive
        still_in = leave > tl.end
        police = v.POLICE_BY_NIGHT if (by_night or arrive < tl.day_start[day]) else v.POLICE_BY_DAY
        h.person.append(p)
        h.signed_in.append(arrive)
        h.signed_out.append(-1 if still_in else leave)
        h.via.append(self.via(police))
        staff = rng.randrange(STAFF_ON_DESK)
        h.staff_in.append(staff)
        h.staff_out.append(-1 if still_in else (staff if rng.random() < 0.6 else rng.randrange(STAFF_ON_DESK)))
        h.departed_to.append(rng.randrange(len(v.DEPARTED_TO))
                             if not still_in and rng.random() < v.DEPARTED_TO_SHARE else -1)
        h.night.append(day if overnight else -1)
        h.bed.append(bed)
        h.bed_from.append(bed_from)
        if not still_in and rng.random() < v.EXCLUSION_PER_VISIT:
            self.exclude(p, leave)

    def via(self, police: float) -> int:
        r = self.rng.random()
        if r < police:
            return 1
        r -= police
        for index, share in _OTHER_VIAS:
            if r < share:
                return index
            r -= share
        return 0

    def exclude(self, p: int, starts: int) -> None:
        rng = self.rng
        hours = int(_pick(rng, v.EXCLUSION_HOURS))
        ends = starts + hours * HOUR
        lifted = -1
        if rng.random() < self.vol.lift_early:
            lifted = starts + int(hours * HOUR * rng.uniform(0.2, 0.8))
            if lifted > self.tl.end:
                lifted = -1
        self.h.exclusions.append(PlannedExclusion(p, starts, ends, lifted,
                                                  rng.randrange(len(v.EXCLUSION_REASONS)),
                                                  rng.randrange(len(v.LIFT_REASONS))))
        self.h.people[p].free_at = lifted if lifted >= 0 else ends


def simulate(timeline: Timeline, volumes: v.DemoVolumes, rng: random.Random) -> History:
    """Simulate the whole history in memory (seconds, even at the bench scale)."""
    return _Simulation(timeline, volumes, rng).run()
