"""The site: its name, time zone and rules (capacity periods, beds, ratio, idle lock)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.models import BedAssignment, Site
from safespace_desk.domain.errors import NotFound, ValidationError
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.site import SiteSettings, check_idle_lock_minutes
from safespace_desk.domain.site_rules import check_settings
from safespace_desk.services.context import Changes, DeskContext

SITE = "site"


@dataclass(frozen=True)
class SiteInfo:
    id: str
    name: str
    timezone: str
    settings: SiteSettings

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_SITE_SQL = "SELECT id, name, timezone, settings FROM site LIMIT 1"
_PARSED_MAX = 8


def get_site(desk: DeskContext, session: Session | None = None) -> SiteInfo:
    """The site and its rules; read in ``session`` when the caller has one open (a sign-in's unit
    of work), rather than in a read transaction of its own.

    Every front-desk call asks for it (a sign-in and the page's refresh after it, half a dozen
    times), so it is one statement through the driver with no transaction of its own (a single
    statement reads one snapshot), and the same row read again is not parsed again."""
    rows: list[tuple[Any, ...]]
    if session is not None:
        rows = [tuple(r) for r in session.connection().exec_driver_sql(_SITE_SQL).fetchall()]
    else:
        rows = desk.store.query(_SITE_SQL)
    if not rows:
        raise NotFound("This store has no site set up.")
    return _parsed(tuple(rows[0]))


_parsed_sites: dict[tuple[str, str, str, str], SiteInfo] = {}


def _parsed(row: tuple[str, str, str, str]) -> SiteInfo:
    """The row's SiteInfo (frozen: safe to share), parsed once per distinct row."""
    site = _parsed_sites.get(row)
    if site is None:
        if len(_parsed_sites) >= _PARSED_MAX:
            _parsed_sites.clear()
        site_id, name, timezone, settings = row
        site = _parsed_sites[row] = SiteInfo(site_id, name, timezone, SiteSettings.from_json(json.loads(settings)))
    return site


def update_settings(desk: DeskContext, settings: SiteSettings) -> Changes:
    """Replace the site's rules (manager only). Validation of periods lives in domain/site.py."""
    desk.require(Permission.MANAGE_SITE, "change the site settings")
    settings = check_settings(settings)
    with desk.unit_of_work() as uow:
        row = uow.session.scalars(select(Site).limit(1)).one()
        held = set(uow.session.scalars(select(BedAssignment.bed_label).where(BedAssignment.released_at.is_(None),
                                                                            BedAssignment.night_of >= _recent_night(
                                                                                desk, row.timezone))))
        removed = sorted(held - set(settings.bed_labels))
        if removed:
            raise ValidationError(f"{removed[0]} is held by a guest tonight; move them to another bed before "
                                  "removing or renaming it.", field="bed_labels")
        row.settings = json.dumps(settings.to_json())
        uow.audit("site_settings_changed", SITE, row.id)
        uow.outbox("site.settings", site_id=row.id, settings=settings.to_json())
        uow.changed(SITE, row.id)
    return uow.changes


def _recent_night(desk: DeskContext, timezone: str) -> str:
    """Beds are held per night; anything from yesterday's date on may still be occupied."""
    local_today = desk.clock.now().astimezone(ZoneInfo(timezone)).date()
    return (local_today - timedelta(days=1)).isoformat()


def set_idle_lock_minutes(desk: DeskContext, minutes: int) -> Changes:
    return update_settings(desk, replace(get_site(desk).settings,
                                         idle_lock_minutes=check_idle_lock_minutes(minutes)))
