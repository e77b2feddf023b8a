"""Need-to-know by key: clinical text sealed with a key only paramedic and manager slots hold
(issue 14, finding 2; DESIGN.md section 5).

Every slot opens the store, so a desk user's password, used with any SQLCipher tool, reads every
column. Clinical text (a triage's presenting need and notes: what a paramedic records) is therefore
sealed inside the store too: AES-256-GCM under the clinical key, with the record's id and the field's
name as associated data (a sealed note cannot be moved to another record or field). The clinical key
is a random 256-bit key sealed to the public key of each paramedic's and manager's slot and of the
recovery slot (db/keyslots.py), never to a desk, lead or volunteer slot, so no password but theirs
reaches it. Because it is sealed to public keys, a desk that holds it gives it to a new paramedic,
or takes it from someone whose role changed, without their password (``keep_shared``).

Stores made before this have plain notes: the first manager (or the recovery key) to sign in makes
the clinical key, gives it to every entitled slot and seals the existing notes, in the table and in
the outbox's copies. What the outcome was (treated, referred...) stays clear: the figures count it.
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from sqlalchemy import select

from safespace_desk.db.models import OutboxOp, Staff, Triage
from safespace_desk.db.sealing import SealBroken, open_bytes, seal_bytes
from safespace_desk.domain.errors import PermissionDenied
from safespace_desk.domain.roles import Role
from safespace_desk.services.context import DeskContext

CLINICAL_ROLES = (Role.PARAMEDIC.value, Role.MANAGER.value)
SEALED_FIELDS = {"triage": ("presenting_need", "notes")}
PREFIX = "c1."
UNREADABLE = "[sealed: this account does not hold the clinical key]"
_OUTBOX_OPS = ("triage.record",)


# --- sealing one field ----------------------------------------------------------------------------
def _ad(record_id: str, field: str) -> bytes:
    return json.dumps(["safespace-clinical", 1, record_id, field], separators=(",", ":")).encode()


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal_with(key: bytes, record_id: str, field: str, text: str | None) -> str | None:
    if text is None or is_sealed(text):
        return text
    return PREFIX + base64.b64encode(seal_bytes(key, text.encode("utf-8"), _ad(record_id, field))).decode()


def open_with(key: bytes | None, record_id: str, field: str, value: str | None) -> str | None:
    """The text of a sealed field; plain text (an erased record's placeholder) as it is; UNREADABLE
    without the key or when it does not open (sealed at another desk with another key)."""
    if not is_sealed(value):
        return value
    if key is None:
        return UNREADABLE
    assert value is not None
    try:
        return open_bytes(key, base64.b64decode(value[len(PREFIX):], validate=True),
                          _ad(record_id, field)).decode("utf-8")
    except (SealBroken, ValueError):
        return UNREADABLE


def seal(desk: DeskContext, record_id: str, field: str, text: str | None) -> str | None:
    """Seal clinical text for writing; refused clearly if this desk's person does not hold the key."""
    if text is None:
        return None
    if desk.clinical_key is None:
        raise PermissionDenied("Your account does not hold the clinical key yet, so clinical notes cannot be "
                               "written: a manager signs in once on this desk to give it to you.")
    return seal_with(desk.clinical_key, record_id, field, text)


def open_field(desk: DeskContext, record_id: str, field: str, value: str | None) -> str | None:
    return open_with(desk.clinical_key, record_id, field, value)


def opened_row(desk: DeskContext, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row (as a dict) with its sealed fields opened: for a manager's subject-access export."""
    out = dict(row)
    for field in SEALED_FIELDS.get(table, ()):
        if field in out:
            out[field] = open_field(desk, str(row["id"]), field, out[field])
    return out


# --- who holds the key -----------------------------------------------------------------------------
def keep_shared(desk: DeskContext) -> bool:
    """Called after sign-in and after any change to staff or slots: with the clinical key in hand,
    seal it to every active paramedic's and manager's slot (and the recovery slot) that lacks it and
    take it from every other slot. A manager (or the recovery key) on a store that has no clinical key
    yet makes one and seals the notes written before. Returns True if the key-slot file changed."""
    if desk.clinical_key is None and not desk.keyslots.holds_clinical() and _may_make_key(desk):
        desk.clinical_key = secrets.token_bytes(32)
        changed = _share(desk)
        _seal_existing(desk)
        return changed
    if desk.clinical_key is None:
        return False
    return _share(desk)


def _may_make_key(desk: DeskContext) -> bool:
    if desk.store.read_only:
        return False
    return desk.actor is None or desk.actor.role is Role.MANAGER  # no actor: the recovery key


def _share(desk: DeskContext) -> bool:
    assert desk.clinical_key is not None
    with desk.store.read() as session:
        entitled = set(session.scalars(select(Staff.id).where(Staff.active.is_(True),
                                                              Staff.role.in_(CLINICAL_ROLES))))
    if not desk.keyslots.share_clinical(desk.keys, desk.clinical_key, entitled):
        return False
    desk.keyslots.save(desk.store.paths.keyslots)
    return True


def _seal_existing(desk: DeskContext) -> int:
    """Seal the plain notes a store made before this holds, in the table and the outbox's copies.
    Not an operation for sync: every desk seals its own copy."""
    key = desk.clinical_key
    assert key is not None
    sealed = 0
    with desk.store.write() as session:
        for row in session.scalars(select(Triage)):
            for field in SEALED_FIELDS["triage"]:
                value = getattr(row, field)
                if value is not None and not is_sealed(value):
                    setattr(row, field, seal_with(key, row.id, field, value))
                    sealed += 1
        for op in session.scalars(select(OutboxOp).where(OutboxOp.op.in_(_OUTBOX_OPS))):
            args = json.loads(op.args)
            record_id = args.get("triage_id")
            if record_id:
                for field in SEALED_FIELDS["triage"]:
                    args[field] = seal_with(key, record_id, field, args.get(field))
                op.args = json.dumps(args, ensure_ascii=False, separators=(",", ":"))
            if op.rows:
                rows = json.loads(op.rows)
                for change in rows:
                    if change.get("t") == "triage":
                        values = change.get("v") or {}
                        for field in SEALED_FIELDS["triage"]:
                            if field in values:
                                values[field] = seal_with(key, str(change["k"]), field, values[field])
                op.rows = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return sealed
