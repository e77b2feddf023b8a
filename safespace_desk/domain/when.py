"""Reading a time typed at the keyboard for a follow-up: "tue 18:00", "tomorrow 6pm", "+2", "14/11 10".

Staff write follow-ups like "call back Tuesday after 6pm". The day part is today, tomorrow (tom),
a weekday name (the next one, never today), +N days, or a date (DD/MM or DD/MM/YYYY); the time part
HH, HH:MM, HHMM, or with am/pm. A day without a time means the given default time.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from safespace_desk.domain.errors import ValidationError

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FILLER = {"after", "at", "from", "by", "on", "around", "about"}
_TIME = re.compile(r"^(\d{1,2})(?::?(\d{2}))?\s*(am|pm)?$")


def parse_when(text: str, now: datetime, zone: ZoneInfo, *, default_time: time = time(10, 0),
               field: str = "due", past: bool = False) -> datetime:
    """The moment meant by ``text`` (in UTC): a follow-up is never in the past (by more than a
    minute); with ``past`` (when a referral arrived) it is never in the future, and a weekday name
    means the last one."""
    words = " ".join(w for w in (text or "").lower().split() if w not in _FILLER)
    if not words:
        raise ValidationError("Say when: e.g. “tue 18:00”, “tomorrow 6pm” or “+2”.", field=field)
    today = now.astimezone(zone).date()
    day, rest = _day(words, today, past)
    at = _time(rest, field) if rest else (default_time if day != today else None)
    if at is None:
        raise ValidationError("Give a time as well, e.g. “today 18:00”.", field=field)
    when = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
    if past:
        if when > now:
            raise ValidationError(f"{when.astimezone(zone):%a %d %b %H:%M} is still to come; give the time it "
                                  "happened.", field=field)
        return when
    if when < now - timedelta(minutes=1):
        raise ValidationError(f"{when.astimezone(zone):%a %d %b %H:%M} has passed; give a later time.",
                              field=field)
    return when


def _day(words: str, today: date, past: bool = False) -> tuple[date, str]:
    head, _, rest = words.partition(" ")
    if head in ("today", "tonight"):
        return today, rest
    if head in ("tomorrow", "tom", "tmrw"):
        return today + timedelta(days=1), rest
    if head in ("yesterday", "yday"):
        return today - timedelta(days=1), rest
    if head[:3] in _DAYS and head.isalpha():
        if past:
            return today - timedelta(days=(today.weekday() - _DAYS.index(head[:3])) % 7), rest
        ahead = (_DAYS.index(head[:3]) - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead), rest
    plus = re.fullmatch(r"\+(\d{1,3})d?", head)
    if plus:
        return today + timedelta(days=int(plus.group(1))), rest
    dated = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?", head)
    if dated:
        year = int(dated.group(3)) if dated.group(3) else today.year
        year += 2000 if year < 100 else 0
        try:
            day = date(year, int(dated.group(2)), int(dated.group(1)))
        except ValueError:
            raise ValidationError(f"“{head}” is not a date.", field="due") from None
        if not dated.group(3) and day < today and not past:
            day = day.replace(year=today.year + 1)
        return day, rest
    return today, words  # just a time: today


def _time(text: str, field: str) -> time:
    match = _TIME.match(text.replace(" ", "") if text.endswith(("am", "pm")) else text)
    if not match:
        raise ValidationError(f"“{text[:20]}” is not a time; use e.g. 18:00 or 6pm.", field=field)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) == "pm" and hour < 12:
        hour += 12
    elif match.group(3) == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise ValidationError(f"“{text[:20]}” is not a time of day.", field=field)
    return time(hour, minute)
