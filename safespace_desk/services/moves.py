"""Where people went (issue 13, item 4): the site's list of places, and a hostel "swap": a guest leaves
for a hostel place as someone from that hostel comes to the hub. One move out and one in, recorded in
one step and counted once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from safespace_desk.db.models_hub_day import ExpectedArrival, HostelSwap
from safespace_desk.domain.clock import require_aware
from safespace_desk.domain.destinations import Destination, DestinationKind, match_destination
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.guests import ArrivedVia
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.text import LONG_TEXT_MAX, SHORT_TEXT_MAX, clean_text
from safespace_desk.ids import new_id
from safespace_desk.services.arrivals import EXPECTED
from safespace_desk.services.context import Changes, DeskContext
from safespace_desk.services.guests import resolve_live
from safespace_desk.services.site import get_site, update_settings
from safespace_desk.services.visits import record_departure, signed_in_visit

SWAP = "hostel_swap"


@dataclass(frozen=True)
class SwapResult:
    swap_id: str
    expected_id: str
    changes: Changes


def destinations(desk: DeskContext) -> tuple[Destination, ...]:
    """The site's places, in its order (any signed-in role: it is the sign-out list)."""
    desk.require_actor()
    return get_site(desk).settings.destinations


def add_destination(desk: DeskContext, name: str, kind: DestinationKind | str) -> Changes:
    """Add a place to the site's list (a named hostel, say). Managers, as other site settings."""
    try:
        place = Destination(clean_text(name, field="destinations", label="Place name", max_len=80, required=True),
                            DestinationKind(kind))
    except ValueError:
        raise ValidationError("Choose what kind of place it is.", field="kind") from None
    settings = get_site(desk).settings
    return update_settings(desk, replace(settings, destinations=settings.destinations + (place,)))


def remove_destination(desk: DeskContext, name: str) -> Changes:
    """Take a place off the list (past visits keep their words and kind)."""
    settings = get_site(desk).settings
    kept = tuple(d for d in settings.destinations if d.name.casefold() != name.strip().casefold())
    if len(kept) == len(settings.destinations):
        raise ValidationError(f"“{name}” is not on the list.", field="destinations")
    return update_settings(desk, replace(settings, destinations=kept))


def hostel_swap(desk: DeskContext, visit_id: str, hostel: str, *, expected_at: datetime,
                incoming_guest_id: str | None = None, incoming_description: str | None = None,
                needs: str | None = None) -> SwapResult:
    """A guest leaves for a place at ``hostel`` (a hostel on the site's list) and someone from there is
    expected here: the sign-out and the expected arrival in one step (the arrival is linked when they
    sign in, as any expected arrival)."""
    desk.require(Permission.FRONT_DESK, "record a hostel swap")
    expected_at = require_aware(expected_at, "The expected time", field="expected_at")
    place = match_destination(hostel, get_site(desk).settings.destinations)
    if place is None or place.kind is not DestinationKind.HOSTEL:
        raise ValidationError("Choose a hostel from the site's list of places.", field="hostel")
    description = clean_text(incoming_description, field="description", label="Description",
                             max_len=SHORT_TEXT_MAX) or None
    needs = clean_text(needs, field="needs", label="What they need", max_len=LONG_TEXT_MAX, multiline=True) or None
    if incoming_guest_id is None and description is None:
        raise ValidationError("Choose who comes from the hostel, or describe them.", field="description")
    swap_id, expected_id = new_id(), new_id()
    with desk.unit_of_work() as uow:
        visit = signed_in_visit(uow.session, visit_id)
        incoming = resolve_live(uow.session, incoming_guest_id) if incoming_guest_id else None
        record_departure(uow, visit, place.name, place.kind)
        uow.session.add(ExpectedArrival(
            id=expected_id, guest_id=incoming.id if incoming else None, description=description,
            from_whom=place.name, via=ArrivedVia.HOSTEL.value, expected_at=expected_at, needs=needs,
            created_at=uow.now, created_by=uow.staff_id))
        uow.session.add(HostelSwap(id=swap_id, out_visit_id=visit.id, expected_id=expected_id, hostel=place.name,
                                   at=uow.now, created_by=uow.staff_id))
        uow.audit("hostel_swap", SWAP, swap_id, detail=f"out={visit.id};expected={expected_id}")
        uow.outbox("swap.record", swap_id=swap_id, out_visit_id=visit.id, expected_id=expected_id, hostel=place.name,
                   expected_at=expected_at, guest_id=incoming.id if incoming else None, description=description,
                   needs=needs)
        uow.changed(SWAP, swap_id)
        uow.changed(EXPECTED, expected_id)
    return SwapResult(swap_id, expected_id, uow.changes)
