"""Finding damage early: a full check of every page, once a day and on demand.

The desk runs ``check_store`` on a worker thread soon after unlock when a day has passed since the
last one (or the last desk did not close properly); ``audit verify`` and ``check`` run it too. Its
result is kept beside the store (db/health.py), so a manager sees the last check's time and result
on the Backups page even when the store can no longer be read, and a check that finds damage stops
every process writing at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from safespace_desk.db import health
from safespace_desk.db.errors import StoreDamaged
from safespace_desk.db.health import CheckResult, DamageRecord, RestoreSteps
from safespace_desk.db.integrity import check_pages
from safespace_desk.db.store import Store
from safespace_desk.domain.clock import Clock
from safespace_desk.services.context import DeskContext

CHECK_EVERY = timedelta(days=1)


@dataclass(frozen=True)
class StoreStatus:
    damage: DamageRecord | None
    last_check: CheckResult | None
    damage_message: str | None  # the one message for damage, with the restore command

    @property
    def damaged(self) -> bool:
        return self.damage is not None


def check_store(desk: DeskContext) -> CheckResult:
    """Check every page (HMACs and structure) on a connection of its own, and keep the result."""
    desk.require_actor()
    store = desk.store
    try:
        with store.using_key() as master:  # a key rotation waits for the check, not the other way round
            result = check_pages(store.paths.db, master, desk.clock.now)
    except Exception as error:  # e.g. the data folder has gone since the desk opened
        raise store.translate(error) or error from None
    health.record_check(store.paths.data_dir, result)
    if not result.ok:
        store.mark_damaged(result.detail)
    elif not store.read_only:
        with desk.unit_of_work() as uow:
            uow.audit("store_checked", "site", detail=f"pages={result.pages}")
    return result


def check_due(desk: DeskContext) -> bool:
    last = health.load(desk.store.paths.data_dir).last_check
    return last is None or desk.clock.now() - last.at >= CHECK_EVERY


def store_status(desk: DeskContext) -> StoreStatus:
    store = desk.store
    recorded = health.load(store.paths.data_dir)
    damage = store.damage
    return StoreStatus(damage, recorded.last_check, store.damaged_error().message if damage else None)


def restore_steps(desk: DeskContext) -> RestoreSteps:
    """The newest verified backup and the exact command that restores it (for the damage banner)."""
    return health.restore_steps(desk.store.paths.data_dir)


def check_before_writing(store: Store, master: bytes, clock: Clock) -> None:
    """Before a command writes anything: every page's HMAC (the fast half of the full check).
    Damage found is recorded, so the store is read-only from here on and nothing is written."""
    if store.read_only:
        return
    result = check_pages(store.paths.db, master, clock.now, structure=False)
    if not result.ok:
        store.mark_damaged(result.detail)


__all__ = ["CheckResult", "RestoreSteps", "StoreDamaged", "StoreStatus", "check_before_writing", "check_due",
           "check_store", "restore_steps", "store_status"]
