from __future__ import annotations

from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import PermissionDenied, ValidationError
from safespace_desk.domain.site import CapacityPeriod
from safespace_desk.services import duty, site, visits
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import add, at_local, desk_as


def test_a_manager_changes_capacity_and_the_desk_follows(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 19, 0)
    settings = site.get_site(desk).settings
    evening = (CapacityPeriod("Day", time(8), time(18), 20, False),
               CapacityPeriod("Night", time(18), time(8), 10, True))
    site.update_settings(desk, replace(settings, periods=evening,
                                       bed_labels=tuple(f"Bed {n}" for n in range(1, 11))))
    status = duty.desk_status(desk).capacity
    assert (status.window.period.name, status.places) == ("Night", 10)


@pytest.mark.parametrize(("change", "field"), [
    ({"periods": (CapacityPeriod("Day", time(9), time(20), 16, False),)}, "periods"),
    ({"bed_labels": ("Bed 1", "bed 1")}, "bed_labels"),
    ({"bed_labels": ()}, "bed_labels"),
    ({"night_guests_per_staff": 0}, "night_guests_per_staff"),
    ({"minimum_staff": 50}, "minimum_staff"),
    ({"default_exclusion_hours": 500}, "hours"),
    ({"idle_lock_minutes": 0}, "idle_lock_minutes"),
])
def test_bad_settings_name_the_field_and_nothing_changes(desk: DeskContext, change: dict[str, object],
                                                         field: str) -> None:
    before = site.get_site(desk).settings
    with pytest.raises(ValidationError) as err:
        site.update_settings(desk, replace(before, **change))  # type: ignore[arg-type]
    assert err.value.field == field
    assert site.get_site(desk).settings == before


def test_a_bed_held_tonight_cannot_be_removed(desk: DeskContext, clock: FixedClock) -> None:
    at_local(clock, 2026, 11, 24, 21, 0)
    visits.sign_in(desk, add(desk, "Kez"), "self")  # gets Bed 1
    settings = site.get_site(desk).settings
    with pytest.raises(ValidationError, match="Bed 1 is held"):
        site.update_settings(desk, replace(settings, bed_labels=settings.bed_labels[1:]))
    site.update_settings(desk, replace(settings, bed_labels=settings.bed_labels + ("Sofa bed",)))


def test_only_managers_change_settings(desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    lead = desk_as(desk, data_dir, clock, "Lee Lead", "lead")
    try:
        with pytest.raises(PermissionDenied):
            site.update_settings(lead, site.get_site(lead).settings)
    finally:
        lead.close()
