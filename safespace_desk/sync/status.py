"""Where a desk stands with sync, in the words the status bar and `sync status` use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from safespace_desk.db.models import SyncProblem
from safespace_desk.db.types import parse_utc
from safespace_desk.services.context import DeskContext
from safespace_desk.sync.clock import SKEW_WARNING
from safespace_desk.sync.state import load, waiting


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    site_name: str
    address: str
    device_id: str
    waiting: int
    last_ok_at: datetime | None
    failing_since: datetime | None
    last_error: str
    stopped: str
    skew: timedelta
    problems: int
    uploading: bool
    epoch: int = 1
    cursor: int = 0

    def bar_text(self, zone: ZoneInfo) -> str:
        """The status bar: "synced at 12:04 · 0 waiting", "server unreachable since 11:50 · 14 waiting",
        "this desk was removed from the hub", "update this desk"."""
        if not self.enrolled:
            return ""
        if self.stopped == "revoked":
            return "this desk was removed from the hub"
        if self.stopped == "update":
            return "update this desk"
        parts = []
        if self.failing_since is not None and (self.last_ok_at is None or self.failing_since >= self.last_ok_at):
            parts.append(f"server unreachable since {_hm(self.failing_since, zone)}")
        elif self.uploading:
            parts.append("sending this desk's records")
        elif self.last_ok_at is not None:
            parts.append(f"synced at {_hm(self.last_ok_at, zone)}")
        else:
            parts.append("not synced yet")
        parts.append(f"{self.waiting} waiting")
        if abs(self.skew) > SKEW_WARNING:
            parts.append(f"clock {int(abs(self.skew).total_seconds() // 60)} min {'slow' if self.skew > timedelta(0) else 'fast'}")
        if self.problems:
            parts.append(f"{self.problems} to check")
        return " · ".join(parts)

    def lines(self) -> list[str]:
        if not self.enrolled:
            return ["This desk is not enrolled with a sync server (it works on its own)."]
        out = [f"Hub: {self.site_name} on {self.address}", f"This desk: {self.device_id}",
               f"Waiting to send: {self.waiting}",
               f"Read the hub's changes up to: {self.cursor:,} (epoch {self.epoch})",
               f"Last synced: {self.last_ok_at.isoformat(timespec='seconds') if self.last_ok_at else 'never'}"]
        if self.failing_since is not None:
            out.append(f"Failing since {self.failing_since.isoformat(timespec='seconds')}: {self.last_error}")
        if self.stopped:
            out.append(f"Stopped: {self.stopped}")
        if abs(self.skew) > SKEW_WARNING:
            out.append(f"This desk's clock differs from the server's by {int(abs(self.skew).total_seconds() // 60)} "
                       "minutes; changes are stamped with the server's time.")
        if self.problems:
            out.append(f"Problems for a lead or manager to check: {self.problems} (Admin → Sync)")
        return out


def _hm(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%H:%M")


def sync_status(desk: DeskContext) -> SyncStatus:
    with desk.store.read() as session:
        state = load(session)
        count = waiting(session) if state.enrolled else 0
        problems = session.scalar(select(func.count()).select_from(SyncProblem)
                                  .where(SyncProblem.resolved_at.is_(None))) or 0
    return SyncStatus(
        enrolled=state.enrolled, site_name=state.site_name, address=state.address, device_id=state.device_id,
        waiting=count, last_ok_at=parse_utc(state.last_ok_at) if state.last_ok_at else None,
        failing_since=parse_utc(state.failing_since) if state.failing_since else None,
        last_error=state.last_error, stopped=state.stopped, skew=timedelta(milliseconds=state.offset_ms),
        problems=problems, uploading=state.base_state == "pending", epoch=state.epoch, cursor=state.cursor)
