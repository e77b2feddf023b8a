"""What every service call runs with, and the unit of work each staff action runs in.

A unit of work is ONE transaction holding the domain change, its audit entry and its outbox
operation: either all three are committed or none is. Each outbox operation carries the row changes
its unit of work made (services/row_capture.py): that is what sync sends to the other desks.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from safespace_desk.db import migrate
from safespace_desk.db.fileio import atomic_write_bytes
from safespace_desk.db.keyslots import KeySlots
from safespace_desk.db.models import AuditEntry, OutboxOp, Setting
from safespace_desk.db.sealing import Keyring
from safespace_desk.db.store import Store
from safespace_desk.db.types import utc_text
from safespace_desk.domain.audit_chain import GENESIS, AuditFields, entry_hash
from safespace_desk.domain.clock import Clock, ZoneCheckedClock
from safespace_desk.domain.errors import PermissionDenied
from safespace_desk.domain.roles import Permission, Role, require
from safespace_desk.ids import new_id
from safespace_desk.services import row_capture
from safespace_desk.services.row_capture import RowCapture


@dataclass(frozen=True)
class Actor:
    """The staff member on whose behalf services act (the one signed in at the desk)."""

    staff_id: str
    name: str
    role: Role


@dataclass(frozen=True)
class Changes:
    """What a service call changed, so each view can decide whether to refresh."""

    kinds: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()

    def touches(self, *kinds: str) -> bool:
        return bool(self.kinds.intersection(kinds))

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.kinds | other.kinds, self.ids | other.ids)


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingView:
    """A view of a record or a list, audited with the next unit of work (see services/view_audit.py)."""

    at: datetime
    staff_id: str
    action: str
    entity_kind: str | None
    entity_id: str | None
    detail: str | None


@dataclass
class DeskContext:
    """An unlocked desk: the open store, its key slots, the clock and who is signed in."""

    store: Store
    keyslots: KeySlots
    master_key: bytes = field(repr=False)
    clock: Clock
    device_id: str
    actor: Actor | None = None
    # Per-desk caches owned by services (e.g. the guest search index); dropped with the desk.
    cache: dict[str, Any] = field(default_factory=dict, repr=False)
    # Views not yet in the audit chain: every unit of work writes them first, in its own transaction.
    pending_views: list[PendingView] = field(default_factory=list, repr=False)
    # True while the session's own bookkeeping waits for the store's check (see ``hold_records``).
    holding: bool = field(default=False, repr=False)
    # Every master key version this desk holds (db/sealing.py); ``master_key`` is its current one.
    keys: Keyring = field(default=None, repr=False)  # type: ignore[assignment]
    # The clinical key, when the person signed in holds it (paramedic, manager, the recovery key):
    # what opens triage notes (services/clinical.py). None for every other role.
    clinical_key: bytes | None = field(default=None, repr=False)
    # The private key of the signed-in person's key slot (DESIGN.md 5): a key version rotated at
    # another desk is sealed to it in the synced slot set, so sync takes the new key and rekeys this
    # store without asking for a password. It follows the person (switch user); a leaver's slot is
    # gone from the set, so theirs opens nothing new. None: the slot has no key pair yet.
    slot_private: bytes | None = field(default=None, repr=False)
    # Their slot's keys before they changed their password in this session: a rotation made at another
    # desk meanwhile reached the slot the hub knew.
    earlier_slot_privates: list[bytes] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if self.keys is None:  # not given: the key-slot file's current version alone
            self.keys = Keyring(self.keyslots.current,  # type: ignore[unreachable]
                                {self.keyslots.current: self.master_key})

    def use_keys(self, keys: Keyring) -> None:
        """After a rotation: the new keyring (and its current version as the store's key)."""
        self.keys = keys
        self.master_key = keys.current

    def __setattr__(self, name: str, value: Any) -> None:
        # Whatever clock a desk is given, a time without a zone stops at the clock, not in the store.
        if name == "clock" and not isinstance(value, ZoneCheckedClock):
            value = ZoneCheckedClock(value)
        super().__setattr__(name, value)

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise PermissionDenied("Sign in first.")
        return self.actor

    def require(self, permission: Permission, action: str) -> Actor:
        actor = self.require_actor()
        require(actor.role, permission, action)
        return actor

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        with self.store.write() as session:
            uow = UnitOfWork(session, self.clock.now(), self.device_id,
                             self.actor.staff_id if self.actor else None)
            written = list(self.pending_views)
            for view in written:
                uow.audit(view.action, view.entity_kind, view.entity_id, view.detail, at=view.at,
                          as_staff=view.staff_id)
            try:
                yield uow
                uow.finish()
            finally:
                uow.close()
        # Committed: those views are in the chain now (if the work failed they wait for the next one).
        done = {id(view) for view in written}
        self.pending_views[:] = [view for view in self.pending_views if id(view) not in done]

    def record(self, action: str, entity_kind: str | None = None, entity_id: str | None = None,
               detail: str | None = None) -> bool:
        """Audit a piece of session bookkeeping (signed in, locked, unlocked...) on its own.

        On a damaged store nothing more is written, and a lock screen or sign-out must still work
        there (the night goes on from a read-only desk), so the entry is skipped: returns False.
        While ``holding``, it waits with the views for the next unit of work (or ``release_records``)."""
        if self.store.read_only:
            return False
        if self.holding and self.actor is not None:
            self.pending_views.append(PendingView(self.clock.now(), self.actor.staff_id, action, entity_kind,
                                                  entity_id, detail))
            return True
        with self.unit_of_work() as uow:
            uow.audit(action, entity_kind, entity_id, detail)
        return True

    def hold_records(self) -> None:
        """Hold the session's bookkeeping back until the store has been checked (the desk checks just
        after unlock): a store that turns out to be damaged then has not had a word written to it."""
        self.holding = True

    def release_records(self) -> None:
        """Write what was held, each entry with the time it happened (kept out if the store is damaged)."""
        self.holding = False
        if self.pending_views and not self.store.read_only:
            with self.unit_of_work():
                pass  # unit_of_work writes the waiting entries first

    def close(self) -> None:
        try:
            if self.pending_views and not self.store.read_only:
                with self.unit_of_work():
                    pass  # the views still waiting go into the audit before the store closes
        except Exception:
            # Closing must still close; the count (never what was viewed) goes to the log.
            log.warning("%d view audit entries could not be written before closing", len(self.pending_views))
        finally:
            self.slot_private, self.earlier_slot_privates = None, []
            self.store.close()


class UnsyncedChange(Exception):
    """A unit of work changed shared records without an outbox operation: other desks would never
    hear of it. A bug in the service (each staff action that changes data records an operation)."""


class UnitOfWork:
    def __init__(self, session: Session, now: datetime, device_id: str, staff_id: str | None) -> None:
        self.session = session
        self.now = now
        self.device_id = device_id
        self.staff_id = staff_id
        self._changes: set[tuple[str, str]] = set()
        self._capture = RowCapture(session)
        # Only the last operation is kept: changes after it belong to it (finish). Keeping them all
        # held every row of an import of a million lines in memory until the commit.
        self._last_op: tuple[OutboxOp, list[dict[str, Any]]] | None = None
        self.op_tables: list[tuple[str, set[str]]] = []  # each operation's kind and the tables it wrote

    def audit(self, action: str, entity_kind: str | None = None, entity_id: str | None = None,
              detail: str | None = None, *, at: datetime | None = None, as_staff: str | None = None) -> None:
        """Append to the hash chain. ``detail`` names fields or reasons' kinds, never note text.

        ``at`` and ``as_staff`` are for a view recorded earlier by whoever was signed in then."""
        # Flushed first (an entry added earlier in this unit of work is the one to chain to), then
        # read through the driver: on every sign-in the ORM's statement cost more than the read.
        self.session.flush()
        last = self.session.connection().exec_driver_sql(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        fields = AuditFields(seq=seq, at=utc_text(at or self.now), staff_id=as_staff or self.staff_id,
                             device_id=self.device_id, action=action, entity_kind=entity_kind,
                             entity_id=entity_id, detail=detail)
        self.session.add(AuditEntry(seq=seq, at=fields.at, staff_id=fields.staff_id,
                                    device_id=fields.device_id, action=action,
                                    entity_kind=entity_kind, entity_id=entity_id, detail=detail,
                                    prev_hash=prev, hash=entry_hash(prev, fields)))

    def outbox(self, op: str, **args: Any) -> None:
        """Record a named operation for sync, with this desk's next sequence number. It carries the
        row changes made since the previous operation of this unit of work (or its start)."""
        self.outbox_with(op, [], **args)

    def outbox_with(self, op: str, written: list[dict[str, Any]], **args: Any) -> None:
        """``outbox`` for a service that also wrote rows straight through the driver
        (row_capture.write_inserts): ``written`` are their changes, sent after the session's own."""
        self.session.flush()
        rows = row_capture.for_kind(op, self._capture.take()) + written
        last = self.session.connection().exec_driver_sql("SELECT seq FROM outbox ORDER BY seq DESC LIMIT 1").scalar()
        row = OutboxOp(seq=(last or 0) + 1, device_id=self.device_id, op=op,
                       args=json.dumps(args, sort_keys=True, ensure_ascii=False, default=_json_default),
                       staff_id=self.staff_id, at=self.now, schema_version=migrate.schema_version(),
                       op_id=new_id(), rows=_rows_json(rows))
        self.session.add(row)
        self._last_op = (row, rows)
        self.op_tables.append((op, {change["t"] for change in rows}))

    def finish(self) -> None:
        """Before commit: changes made after the last operation belong to it."""
        self.session.flush()
        late = self._capture.take()
        if not late:
            return
        if self._last_op is None:
            raise UnsyncedChange("changed " + ", ".join(sorted({r["t"] for r in late}))
                                 + " without an outbox operation")
        row, rows = self._last_op
        merged = {(r["t"], json.dumps(r["k"])): r for r in rows}
        for change in row_capture.for_kind(row.op, late):
            slot = (change["t"], json.dumps(change["k"]))
            before = merged.get(slot)
            if before is None or change["a"] != "u" or before["a"] == "d":
                merged[slot] = change
            else:
                before["v"].update(change["v"])
                if before["a"] == "u":
                    for name, value in change.get("o", {}).items():
                        before.setdefault("o", {}).setdefault(name, value)  # the first old value counts
        rows[:] = list(merged.values())
        row.rows = _rows_json(rows)
        self.op_tables[-1][1].update(change["t"] for change in late)
        self.session.flush()

    def close(self) -> None:
        self._capture.close()

    def changed(self, kind: str, entity_id: str = "") -> None:
        self._changes.add((kind, entity_id))

    @property
    def changes(self) -> Changes:
        return Changes(frozenset(k for k, _ in self._changes),
                       frozenset(i for _, i in self._changes if i))


def _rows_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_text(value)
    raise TypeError(f"cannot put {type(value).__name__} in an outbox operation")


DEVICE_ID_KEY = "device_id"
# This store's own id, made once and kept by its backups (a restore refuses a backup of another
# store: services/restore.py). Not the device id, which a restored desk in a hub changes, and not the
# key, which every desk of a hub shares. Never synced.
STORE_ID_KEY = "store_id"


def ensure_store_id(session: Session) -> str:
    return _ensure_id_setting(session, STORE_ID_KEY)


def _ensure_id_setting(session: Session, key: str) -> str:
    row = session.get(Setting, key)
    if row is None:
        row = Setting(key=key, value=new_id())
        session.add(row)
    return row.value


def ensure_device_id(session: Session) -> str:
    return _ensure_id_setting(session, DEVICE_ID_KEY)


@contextmanager
def keyslot_change(desk: DeskContext) -> Iterator[None]:
    """Keep the key-slot file and the database in step.

    Wrap a unit of work that also saves the key slots: if anything fails, including the commit
    after the file was saved, the previous key-slot file is put back, in memory and on disk.
    """
    before = desk.keyslots.to_json()
    try:
        yield
    except BaseException:
        desk.keyslots = KeySlots.parse(before)
        atomic_write_bytes(desk.store.paths.keyslots, before)
        raise
    # A slot made or replaced has no clinical key yet; one removed took its copy with it.
    from safespace_desk.services.clinical import keep_shared

    keep_shared(desk)
