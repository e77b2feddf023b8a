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

Anyone at the desk may *seal* clinical text without holding the key: an X25519 key pair derived from the
clinical key has its public half in the store (``desk_setting``), written by whoever holds the key, and
``seal_for_clinical`` seals to it (``p1.``). A peer writing a crisis plan with a person who asks that it
be kept private seals it so; only holders of the clinical key (who derive the private half) open it.

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
from sqlalchemy.orm import Session

from safespace_desk.db import slotcrypto
from safespace_desk.db.errors import KeySlotsTampered
from safespace_desk.db.models import OutboxOp, Setting, Staff, Triage
from safespace_desk.db.sealing import SealBroken, hkdf, open_bytes, seal_bytes
from safespace_desk.domain.errors import PermissionDenied, RuleViolation
from safespace_desk.domain.roles import Role
from safespace_desk.services.context import DeskContext

CLINICAL_ROLES = (Role.PARAMEDIC.value, Role.MANAGER.value)
SEALED_FIELDS = {"triage": ("presenting_need", "notes"), "plan_version": ("sections",)}
PREFIX = "c1."
PUBLIC_PREFIX = "p1."  # sealed to the clinical key's public half (by someone who may not hold the key)
PUBLIC_SETTING = "clinical_public_key"
UNREADABLE = "[sealed: this account does not hold the clinical key]"
_OUTBOX_OPS = ("triage.record",)


# --- sealing one field ----------------------------------------------------------------------------
def _ad(record_id: str, field: str) -> bytes:
    return json.dumps(["safespace-clinical", 1, record_id, field], separators=(",", ":")).encode()


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith((PREFIX, PUBLIC_PREFIX))


def _private_of(key: bytes) -> bytes:
    return hkdf(key, b"safespace-clinical-public-seal")


def public_of(key: bytes) -> bytes:
    """The public half of the key pair derived from the clinical key."""
    return slotcrypto.public_of(_private_of(key))


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
    if value.startswith(PUBLIC_PREFIX):
        try:
            return slotcrypto.open_sealed_to(_private_of(key), value[len(PUBLIC_PREFIX):],
                                             _ad(record_id, field)).decode("utf-8")
        except (KeySlotsTampered, ValueError):
            return UNREADABLE
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


def seal_for_clinical(session: Session, record_id: str, field: str, text: str) -> str:
    """Seal ``text`` so that only holders of the clinical key open it, whoever is writing: to the public
    half this store published. Refused clearly on a desk where no holder has signed in yet."""
    public = session.get(Setting, PUBLIC_SETTING)
    if public is None:
        raise RuleViolation("This desk cannot seal yet: a manager signs in on it once first. Nothing was saved.")
    return seal_to_public(slotcrypto.unb64(public.value), record_id, field, text)


def seal_to_public(public: bytes, record_id: str, field: str, text: str) -> str:
    return PUBLIC_PREFIX + slotcrypto.seal_to(public, text.encode("utf-8"), _ad(record_id, field))


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
        publish_public(desk)
        changed = _share(desk)
        _seal_existing(desk)
        _seal_plans_asked_for(desk)
        return changed
    if desk.clinical_key is None:
        return False
    publish_public(desk)
    _seal_plans_asked_for(desk)
    return _share(desk)


def publish_public(desk: DeskContext) -> None:
    """With the clinical key in hand, write its public half into the store (if it is not there, or
    differs), so that anyone at this desk can seal to it."""
    if desk.clinical_key is None or desk.store.read_only:
        return
    value = slotcrypto.b64(public_of(desk.clinical_key))
    with desk.store.read() as session:
        if session.scalar(select(Setting.value).where(Setting.key == PUBLIC_SETTING)) == value:
            return  # as it should be: no write at sign-in
    with desk.store.write() as session:
        row = session.get(Setting, PUBLIC_SETTING)
        if row is None:
            session.add(Setting(key=PUBLIC_SETTING, value=value))
        else:
            row.value = value


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


# Versions are never changed (a trigger refuses it): sealing one the person asked to seal, written in
# plain by a program from before, is the one change made, with the trigger lifted for that transaction.
PLAN_VERSION_TRIGGER = ("CREATE TRIGGER plan_version_no_update BEFORE UPDATE ON plan_version "
                 "BEGIN SELECT RAISE(ABORT, 'plan versions are never changed; write a new version'); END")


def _seal_plans_asked_for(desk: DeskContext) -> int:
    """Seal the plan versions marked sealed that a program from before this kept in plain (only the
    service refused them), in the table and the outbox's copies. Cheap when there are none."""
    if desk.store.read_only:
        return 0
    plain = "sealed AND sections NOT LIKE 'p1.%' AND sections NOT LIKE 'c1.%'"
    with desk.store.read() as session:
        if not session.connection().exec_driver_sql(f"SELECT 1 FROM plan_version WHERE {plain} LIMIT 1").first():
            return 0
    assert desk.clinical_key is not None
    public = public_of(desk.clinical_key)
    sealed: dict[str, str] = {}
    with desk.store.write() as session:
        conn = session.connection()
        rows = conn.exec_driver_sql(f"SELECT id, sections FROM plan_version WHERE {plain}").all()
        conn.exec_driver_sql("DROP TRIGGER plan_version_no_update")
        for version_id, body in rows:
            sealed[version_id] = seal_to_public(public, version_id, "sections", body)
            conn.exec_driver_sql("UPDATE plan_version SET sections = ? WHERE id = ?", (sealed[version_id], version_id))
        conn.exec_driver_sql(PLAN_VERSION_TRIGGER)
        for op in session.scalars(select(OutboxOp).where(OutboxOp.op == "plan.write")):
            changes = json.loads(op.rows) if op.rows else []
            hit = [c for c in changes if c.get("t") == "plan_version" and str(c.get("k")) in sealed]
            if not hit:
                continue
            for change in hit:
                (change.get("v") or {})["sections"] = sealed[str(change["k"])]
            op.rows = json.dumps(changes, ensure_ascii=False, separators=(",", ":"))
            args = json.loads(op.args)
            args["sections"] = sealed[str(hit[0]["k"])]
            op.args = json.dumps(args, ensure_ascii=False, separators=(",", ":"))
    return len(sealed)
