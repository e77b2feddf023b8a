"""First start: a new encrypted store, its key slots, the site and the first manager."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from safespace_desk.db.keyslots import create_keyslots, new_master_key
from safespace_desk.db.models import Site, Staff
from safespace_desk.db.sealing import Keyring
from safespace_desk.db.store import Store, StorePaths, read_store_salt, remove_partial
from safespace_desk.domain import passwords
from safespace_desk.domain.clock import Clock
from safespace_desk.domain.roles import Role
from safespace_desk.domain.site import SiteSettings, check_timezone
from safespace_desk.domain.site_rules import check_settings
from safespace_desk.domain.staff import check_password, clean_staff_name, login_key
from safespace_desk.domain.text import clean_text
from safespace_desk.ids import new_id
from safespace_desk.services import clinical
from safespace_desk.services.context import Actor, DeskContext, ensure_device_id, ensure_store_id


def suggest_passphrase() -> str:
    """A generated passphrase for the first manager (DESIGN.md 5)."""
    return passwords.suggest_passphrase()


@dataclass(frozen=True)
class SetupResult:
    desk: DeskContext
    recovery_key: str  # shown once, never stored


def is_set_up(data_dir: Path) -> bool:
    """True if anything of a store is in the folder (then set-up must not run)."""
    return StorePaths(data_dir).exists()


def initialise_store(data_dir: Path, *, site_name: str, timezone: str, manager_name: str,
                     manager_password: str, clock: Clock, settings: SiteSettings | None = None) -> SetupResult:
    """Create the store and sign the first manager in. All or nothing: on failure, no files remain.

    ``settings`` is the starting point chosen at set-up (domain.site.starting_settings); the
    default is the 24/7 hub."""
    site_name = clean_text(site_name, field="site_name", label="Site name", max_len=200, required=True)
    settings = check_settings(settings or SiteSettings())
    check_timezone(timezone)
    manager_name = clean_staff_name(manager_name)
    check_password(manager_password, user_inputs=[manager_name, site_name])

    master = new_master_key()
    store = Store.create(data_dir, master)  # refuses if anything is already there
    try:
        manager_id = new_id()
        now = clock.now()
        with store.write() as session:
            device_id = ensure_device_id(session)
            ensure_store_id(session)
            session.add(Site(id=new_id(), name=site_name, timezone=timezone.strip(),
                             settings=json.dumps(settings.to_json()), created_at=now))
            session.add(Staff(id=manager_id, name=manager_name, login=login_key(manager_name),
                              role=Role.MANAGER.value, active=True, created_at=now))
        actor = Actor(manager_id, manager_name, Role.MANAGER)
        slots, recovery_key = create_keyslots(master, read_store_salt(store.paths.db))
        slots.set_staff_slot(Keyring(1, {1: master}), manager_id, login_key(manager_name), manager_password)
        # The clinical key (services/clinical.py): the recovery slot and this manager's hold it.
        clinical_key = secrets.token_bytes(32)
        slots.share_clinical(Keyring(1, {1: master}), clinical_key, {manager_id})
        desk = DeskContext(store=store, keyslots=slots, master_key=master, clock=clock,
                           device_id=device_id, actor=actor, clinical_key=clinical_key)
        clinical.publish_public(desk)  # so a desk user can seal a plan the person asks to keep private
        with desk.unit_of_work() as uow:
            uow.audit("store_created", "site", detail=f"kind={settings.profile.kind.value}")
            uow.audit("staff_added", "staff", manager_id, detail="role=manager")
            uow.outbox("staff.add", staff_id=manager_id, name=manager_name, role="manager")
        # The key-slot file is written last: until it exists there is no store to open.
        slots.save(store.paths.keyslots)
    except BaseException:
        store.close()
        remove_partial(StorePaths(data_dir))
        raise
    return SetupResult(desk=desk, recovery_key=recovery_key)
