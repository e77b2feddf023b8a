"""Plain-English text for times, time left, messages and status badges, in the site's own time zone.

Pure functions over service results (no widgets), so they can be checked without a window. Every
page formats with these, so "Tue 23:35" reads the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from safespace_desk.domain.exclusions import format_time_left
from safespace_desk.domain.messages import MessageState, MessageView
from safespace_desk.services.search import GuestHit


@dataclass(frozen=True)
class Badge:
    """One status pill. ``kind`` becomes the widget property ``badge`` so the theme can colour it."""

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


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def messages_text(waiting: int, urgent: int, name: str | None = None) -> str:
    """'2 messages waiting (1 urgent)', or '... waiting for Kez'."""
    noun = "message" if waiting == 1 else "messages"
    return (f"{waiting} {noun} waiting" + (f" for {name}" if name else "")
            + (f" ({urgent} urgent)" if urgent else ""))


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


def tell_apart(aliases: tuple[str, ...], birth_year: int | None, last_seen_at: datetime | None,
               card_code: str | None, zone: ZoneInfo, now: datetime, *, seen_known: bool = True) -> str:
    """What tells two guests of the same name apart: 'also Shukru · born 1979 · last in Tue 20:15 ·
    card …4821' (finding 7). Only what the desk already shows about a guest, nothing more."""
    parts = []
    if aliases:
        parts.append("also " + ", ".join(aliases[:2]))
    if birth_year:
        parts.append(f"born {birth_year}")
    if seen_known:
        parts.append(f"last in {day_and_time(last_seen_at, zone, now)}" if last_seen_at else "never in yet")
    if card_code:
        parts.append(f"card …{card_code[-4:]}")
    return " · ".join(parts) or "no other names recorded"


def until_text(until: datetime | None, zone: ZoneInfo, now: datetime) -> str:
    """A date-only 'relevant until' is stored as the next local midnight: show it as the day itself."""
    if until is None:
        return "No end date"
    local = until.astimezone(zone)
    if local.hour == 0 and local.minute == 0:
        day = (local - timedelta(days=1)).date()
        today = now.astimezone(zone).date()
        if day == today:
            return "End of today"
        if day == today + timedelta(days=1):
            return "End of tomorrow"
        return f"End of {day.strftime('%a')} {day.day} {day.strftime('%b')}"
    return day_and_time(until, zone, now)


def for_whom(view: MessageView) -> str:
    if view.linked:
        return view.guest_name or "A guest"
    return f"Not yet linked: {view.guest_name or 'no name given'}"


def state_text(view: MessageView, zone: ZoneInfo, now: datetime) -> str:
    state = view.state_at(now)
    if state is MessageState.DELIVERED and view.delivered_at:
        return f"Delivered {day_and_time(view.delivered_at, zone, now)}"
    if state is MessageState.NOT_PASSED_ON and view.not_passed_at:
        return f"Not passed on {day_and_time(view.not_passed_at, zone, now)}"
    return state.label
