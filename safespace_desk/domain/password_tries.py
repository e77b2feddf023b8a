"""How long a name waits after wrong passwords: a few free tries, then doubling waits.

Three wrong passwords in a row cost nothing (tired fingers, Caps Lock). From the fourth the name
waits 5 seconds, then 10, 20, 40, ... up to 5 minutes between tries, so guessing online at the desk
gets a few hundred tries a day at most, while a person who mistypes is held up for seconds. A right
password clears the count; so does a day without a wrong one. The wait is per name typed (whether or
not it has an account, so the wait says nothing about which names exist).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_TRIES = 3
FIRST_WAIT = timedelta(seconds=5)
LONGEST_WAIT = timedelta(minutes=5)
FORGET_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class NameTries:
    failures: int
    last_failure: datetime


def wait_after(failures: int) -> timedelta:
    """The wait after ``failures`` wrong passwords in a row."""
    if failures < FREE_TRIES:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** min(failures - FREE_TRIES, 16), LONGEST_WAIT)


def current(tries: NameTries | None, now: datetime) -> NameTries | None:
    """The count still in force (a day without a wrong password forgets it)."""
    if tries is None or now - tries.last_failure >= FORGET_AFTER:
        return None
    return tries


def seconds_to_wait(tries: NameTries | None, now: datetime) -> int:
    """Whole seconds before this name may try again (0: it may try now)."""
    tries = current(tries, now)
    if tries is None:
        return 0
    left = (tries.last_failure + wait_after(tries.failures) - now).total_seconds()
    return max(0, math.ceil(left))


def after_failure(tries: NameTries | None, now: datetime) -> NameTries:
    tries = current(tries, now)
    return NameTries((tries.failures if tries else 0) + 1, now)
