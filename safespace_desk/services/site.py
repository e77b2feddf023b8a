"""The site: its name, time zone and rules (capacity periods, beds, ratio, idle lock)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from sqlalchemy import select

from safespace_desk.db.models import Site
from safespace_desk.domain.errors import NotFound
from safespace_desk.domain.roles import Permission
from safespace_desk.domain.site import SiteSettings, check_idle_lock_minutes
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


def get_site(desk: DeskContext) -> SiteInfo:
    with desk.store.read() as session:
        row = session.scalars(select(Site).limit(1)).first()
        if row is None:
            raise NotFound("This store has no site set up.")
        return SiteInfo(row.id, row.name, row.timezone, SiteSettings.from_json(json.loads(row.settings)))


def update_settings(desk: DeskContext, settings: SiteSettings) -> Changes:
    """Replace the site's rules (manager only). Validation of periods lives in domain/site.py."""
    desk.require(Permission.MANAGE_SITE, "change the site settings")
    check_idle_lock_minutes(settings.idle_lock_minutes)
    with desk.unit_of_work() as uow:
        row = uow.session.scalars(select(Site).limit(1)).one()
        row.settings = json.dumps(settings.to_json())
        uow.audit("site_settings_changed", SITE, row.id)
        uow.outbox("site.settings", site_id=row.id, settings=settings.to_json())
        uow.changed(SITE, row.id)
    return uow.changes


def set_idle_lock_minutes(desk: DeskContext, minutes: int) -> Changes:
    return update_settings(desk, replace(get_site(desk).settings,
                                         idle_lock_minutes=check_idle_lock_minutes(minutes)))
