"""Who was in when: lookups over the history's visits for the steps that place records in them
(a message passed on during a visit, a triage or a log entry about someone present)."""

from __future__ import annotations

import math
import operator
import random
from bisect import bisect_left, bisect_right
from typing import TypeVar

from safespace_desk.demo.history import History

HOUR = 3600
T = TypeVar("T")


class VisitIndex:
    """Visits are in arrival order (``History.signed_in`` never decreases), so "in at a moment"
    is a bisect plus a short scan back over the longest stay."""

    def __init__(self, history: History) -> None:
        self.h = history
        self.end = history.timeline.end
        outs = history.signed_out
        longest = max(map(operator.sub, outs, history.signed_in), default=0)
        # A visit still open at the end lasts until "now" at most.
        self.longest = max(longest, 16 * HOUR) + 1
        self._by_person: dict[int, list[int]] | None = None

    def out_of(self, i: int) -> int:
        """When visit ``i`` ended; just after the end of the history for someone still in."""
        out = self.h.signed_out[i]
        return self.end + 1 if out < 0 else out

    def overlapping(self, lo: int, hi: int) -> list[int]:
        """Visits in at some moment of [lo, hi)."""
        h = self.h
        first = bisect_left(h.signed_in, lo - self.longest)
        last = bisect_left(h.signed_in, hi)
        return [i for i in range(first, last) if self.out_of(i) > lo]

    def present_at(self, t: int) -> list[int]:
        h = self.h
        first = bisect_left(h.signed_in, t - self.longest)
        last = bisect_right(h.signed_in, t)
        return [i for i in range(first, last) if self.out_of(i) > t]

    def arrived_between(self, lo: int, hi: int) -> range:
        return range(bisect_left(self.h.signed_in, lo), bisect_left(self.h.signed_in, hi))

    def visits_of(self, person: int) -> list[int]:
        if self._by_person is None:
            by: dict[int, list[int]] = {}
            for i, p in enumerate(self.h.person):
                by.setdefault(p, []).append(i)
            self._by_person = by
        return self._by_person.get(person, [])

    def next_visit(self, person: int, t: int) -> int:
        """The person's visit in at ``t`` or the first one after it; -1 if none."""
        visits = self.visits_of(person)
        k = bisect_right(visits, t, key=self.h.signed_in.__getitem__)
        if k > 0 and self.out_of(visits[k - 1]) > t:
            return visits[k - 1]
        return visits[k] if k < len(visits) else -1


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw; the normal approximation for large means (where exp(-mean) underflows)."""
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def pick(rng: random.Random, weighted: tuple[tuple[T, float], ...]) -> T:
    """One item of (item, weight) pairs."""
    return rng.choices([item for item, _ in weighted], [w for _, w in weighted])[0]
