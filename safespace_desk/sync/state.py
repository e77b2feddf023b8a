"""Where this desk stands with the sync server, kept in the encrypted store (desk settings ``sync.*``,
which never sync themselves). The device token and the sync key are secrets: they live only here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safespace_desk.db.models import OutboxOp, Setting

PREFIX = "sync."


@dataclass
class SyncState:
    enrolled: bool = False
    address: str = ""
    pins: list[str] = field(default_factory=list)  # hex SHA-256 of the server's public keys
    cert_pem: str = ""  # the certificate seen with a pinned key (trusted until it changes)
    site_id: str = ""
    site_name: str = ""
    device_id: str = ""
    token: str = field(default="", repr=False)
    sync_key: str = field(default="", repr=False)  # hex
    epoch: int = 1
    cursor: int = 0
    # Outbox seq - seq_offset is the seq the server knows (a desk carrying on as a new device after
    # a restore starts counting again from 1).
    seq_offset: int = 0
    base_state: str = ""  # "pending" until the first desk's records are all uploaded, then "done"
    base_id: str = ""
    audit_pushed: int = 0  # newest audit entry the server holds for this desk
    server_audit_seq: int = 0
    server_audit_hash: str = ""
    slot_version: int = 0
    slot_hash: str = ""  # SHA-256 of the slot set as last synced
    slot_base: str = field(default="", repr=False)  # that slot set (for merging two desks' changes)
    key_version: int = 0  # the hub's key version as this desk last had it from the server (0: not known)
    offset_ms: int = 0  # server clock minus this desk's clock
    last_server_time: str = ""
    last_ok_at: str = ""
    failing_since: str = ""
    last_error: str = ""
    stopped: str = ""  # "revoked", "update", "pin", "lost_ops", ...: sync waits for a person
    # Records to put back as the hub holds them (the server refused or changed an operation of this
    # desk's that changed them): [table, key as JSON]. Sign-ins that lost their bed: visit ids.
    repair: list[list[str]] = field(default_factory=list)
    bed_follow: list[str] = field(default_factory=list)

    @property
    def sync_key_bytes(self) -> bytes:
        return bytes.fromhex(self.sync_key)


EPOCH_SPAN = 1 << 40


def log_order(epoch: int, position: int) -> int:
    """A log position as one number that orders across epochs (outbox rows keep where the server put
    them; after a new epoch the positions start again from 1, later than everything before)."""
    return (epoch - 1) * EPOCH_SPAN + position


def load(session: Session) -> SyncState:
    rows = {k: v for k, v in session.execute(select(Setting.key, Setting.value).where(Setting.key.like(PREFIX + "%")))}
    state = SyncState()
    for f in fields(SyncState):
        raw = rows.get(PREFIX + f.name)
        if raw is not None:
            setattr(state, f.name, json.loads(raw))
    return state


def save(session: Session, state: SyncState, *names: str) -> None:
    """Write the named fields (all of them if none are named) in the caller's transaction."""
    values = asdict(state)
    for name in names or values:
        key = PREFIX + name
        text = json.dumps(values[name])
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=text))
        elif row.value != text:
            row.value = text


def waiting(session: Session) -> int:
    """Operations not yet acknowledged by the server."""
    return session.scalar(select(func.count()).select_from(OutboxOp).where(
        OutboxOp.pushed_at.is_(None), OutboxOp.rows.is_not(None))) or 0


def forget(session: Session) -> None:
    for row in session.scalars(select(Setting).where(Setting.key.like(PREFIX + "%"))):
        session.delete(row)


def public_view(state: SyncState) -> dict[str, Any]:
    """For status displays: never the token or the keys."""
    hidden = {"token", "sync_key", "slot_base", "cert_pem"}
    return {k: v for k, v in asdict(state).items() if k not in hidden}
