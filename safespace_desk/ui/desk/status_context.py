"""What several panels need to draw status: the site's time zone, "now" from the desk's clock, and
who is in with which bed. Loaded once per refresh so panels do not each ask the store."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from safespace_desk.services import visits
from safespace_desk.services.site import SiteInfo, get_site
from safespace_desk.services.visits import InNow
from safespace_desk.ui.desk.desk_actions import DeskActions


class StatusContext:
    def __init__(self, actions: DeskActions) -> None:
        self._actions = actions
        self.site: SiteInfo = actions.read(get_site)
        self.in_now: list[InNow] = []
        self._by_visit: dict[str, InNow] = {}

    @property
    def zone(self) -> ZoneInfo:
        return self.site.zone

    def now(self) -> datetime:
        # The desk's injectable clock, never the wall clock: tests and replays move time themselves.
        return self._actions.desk.clock.now()

    def reload_site(self) -> None:
        self.site = self._actions.read(get_site)

    def reload_in_now(self) -> None:
        self.in_now = self._actions.read(visits.who_is_in)
        self._by_visit = {g.visit_id: g for g in self.in_now}

    def place_names(self) -> list[str]:
        """The site's list of places people go, for "where to" on sign-out (issue 13)."""
        return [d.name for d in self.site.settings.destinations]

    def bed_of_visit(self, visit_id: str | None) -> str | None:
        guest = self._by_visit.get(visit_id) if visit_id else None
        return guest.bed if guest else None

    def without_bed(self) -> list[InNow]:
        return [g for g in self.in_now if g.bed is None]
