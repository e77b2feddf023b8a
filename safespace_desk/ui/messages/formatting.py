"""Plain-English text for messages and times, in the site's own time zone. No widgets here,
so it can be checked without a window."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from safespace_desk.domain.messages import MessageState, MessageView


def when_text(when: datetime, zone: ZoneInfo, now: datetime) -> str:
    """'14:05' today, 'Tue 12:00' within the week, '3 Mar 12:00' beyond: never ambiguous at 3am."""
    local = when.astimezone(zone)
    today = now.astimezone(zone).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if abs((local.date() - today).days) < 6:
        return local.strftime("%a %H:%M")
    return f"{local.day} {local.strftime('%b %H:%M')}"


def full_when(when: datetime, zone: ZoneInfo) -> str:
    local = when.astimezone(zone)
    return f"{local.strftime('%a')} {local.day} {local.strftime('%b %Y, %H:%M')}"


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
    return when_text(until, zone, now)


def for_whom(view: MessageView) -> str:
    if view.linked:
        return view.guest_name or "A guest"
    return f"Not yet linked: {view.guest_name or 'no name given'}"


def state_text(view: MessageView, zone: ZoneInfo, now: datetime) -> str:
    state = view.state_at(now)
    if state is MessageState.DELIVERED and view.delivered_at:
        return f"Delivered {when_text(view.delivered_at, zone, now)}"
    if state is MessageState.NOT_PASSED_ON and view.not_passed_at:
        return f"Not passed on {when_text(view.not_passed_at, zone, now)}"
    return state.label


def waiting_text(waiting: int, urgent: int, name: str | None = None) -> str:
    noun = "message" if waiting == 1 else "messages"
    return f"{waiting} {noun} waiting" + (f" for {name}" if name else "") + (f" ({urgent} urgent)" if urgent else "")


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
