"""Plain-English text for times, time left and status badges, in the site's own time zone.

Pure functions over service results, so they can be checked without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from safespace_desk.domain.exclusions import format_time_left
from safespace_desk.services.search import GuestHit


@dataclass(frozen=True)
class Badge:
    """One status pill. ``kind`` becomes the widget property ``badge`` so QSS themes can style it."""

    kind: str  # "in", "excluded", "messages", "urgent", "flag", "card", "nobed"
    text: str


def clock_time(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%H:%M")


def day_and_time(when: datetime, zone: ZoneInfo, now: datetime) -> str:
    """'14:05' today, 'Tue 12:00' within the week, '3 Mar 12:00' beyond (never ambiguous at 3am)."""
    local = when.astimezone(zone)
    today = now.astimezone(zone).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if abs((local.date() - today).days) < 6:
        return local.strftime("%a %H:%M")
    return f"{local.day} {local.strftime('%b %H:%M')}"


def full_date_time(when: datetime, zone: ZoneInfo) -> str:
    local = when.astimezone(zone)
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b %Y, %H:%M')}"


def time_left(until: datetime, now: datetime) -> str:
    return format_time_left(until - now)


def messages_text(waiting: int, urgent: int) -> str:
    noun = "message" if waiting == 1 else "messages"
    return f"{waiting} {noun} waiting" + (f" ({urgent} urgent)" if urgent else "")


def hit_badges(hit: GuestHit, zone: ZoneInfo, now: datetime, bed: str | None = None) -> list[Badge]:
    """Status at a glance, the most important first: excluded, in now, messages, then flags."""
    badges = []
    if hit.excluded_until is not None:
        badges.append(Badge("excluded", f"Excluded until {day_and_time(hit.excluded_until, zone, now)}"
                                        f" — {time_left(hit.excluded_until, now)}"))
    if hit.in_since is not None:
        text = f"In since {day_and_time(hit.in_since, zone, now)}"
        badges.append(Badge("in", text + (f" · {bed}" if bed else "")))
    if hit.messages_waiting:
        badges.append(Badge("urgent" if hit.urgent_messages else "messages",
                            messages_text(hit.messages_waiting, hit.urgent_messages)))
    badges.extend(Badge("flag", flag.short) for flag in sorted(hit.flags, key=lambda f: f.short))
    return badges


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
