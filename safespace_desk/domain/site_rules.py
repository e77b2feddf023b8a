"""Checks on a site's settings before they are saved: every field named when it is wrong."""

from __future__ import annotations

from dataclasses import replace

from safespace_desk.domain.capacity import check_periods
from safespace_desk.domain.destinations import check_destinations
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.exclusions import check_hours
from safespace_desk.domain.profile import check_profile
from safespace_desk.domain.site import SiteSettings, check_idle_lock_minutes
from safespace_desk.domain.text import clean_text

MAX_BEDS = 200


def check_settings(settings: SiteSettings) -> SiteSettings:
    check_periods(settings.periods)
    labels = [clean_text(label, field="bed_labels", label="Bed name", max_len=40, required=True)
              for label in settings.bed_labels]
    if len(labels) > MAX_BEDS:
        raise ValidationError(f"Up to {MAX_BEDS} beds can be listed.", field="bed_labels")
    seen: set[str] = set()
    for label in labels:
        if label.casefold() in seen:
            raise ValidationError(f"Two beds are called “{label}”; each needs its own name.", field="bed_labels")
        seen.add(label.casefold())
    if any(p.beds for p in settings.periods) and not labels:
        raise ValidationError("A night period needs beds: list their names.", field="bed_labels")
    if not 1 <= settings.night_guests_per_staff <= 20:
        raise ValidationError("Guests per staff member at night: between 1 and 20.", field="night_guests_per_staff")
    if not 1 <= settings.minimum_staff <= 20:
        raise ValidationError("Minimum staff on duty: between 1 and 20.", field="minimum_staff")
    check_hours(settings.default_exclusion_hours)
    check_idle_lock_minutes(settings.idle_lock_minutes)
    return replace(settings, profile=check_profile(settings.profile),
                   destinations=check_destinations(settings.destinations))
