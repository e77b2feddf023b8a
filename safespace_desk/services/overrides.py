"""Overrides: a shift lead lets something through despite a rule, proven on this desk moments before.

A caller cannot assert an override. ``authorise_override`` (the lead types their name and PIN or
password into the desk's form) or ``own_override`` (a lead or manager signed in at this desk; their
own session is the proof) issues a grant: single use, valid for two minutes, bound to the lead, to
this desk's session and to the staff member it was asked for, and to one action. The service that
acts on it claims the grant (``use_override``), checks the lead is still an active lead or manager,
and records the grant in the audit beside the lead who gave it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from safespace_desk.db.errors import UnknownStaffName, WrongPassword
from safespace_desk.db.models import AuditEntry, Staff
from safespace_desk.domain.errors import (
    AuthenticationFailed,
    PermissionDenied,
    RuleViolation,
    ValidationError,
)
from safespace_desk.domain.roles import Permission, Role, can
from safespace_desk.domain.staff import PIN_TRIES, login_key
from safespace_desk.ids import new_id
from safespace_desk.services.context import Actor, DeskContext
from safespace_desk.services.password_guard import (
    MustWait,
    check_allowed,
    record_right,
    record_wrong,
)

GRANT_LIFETIME = timedelta(minutes=2)
_GRANTS_KEY = "override_grants"
_pin_hasher = PasswordHasher()


class OverrideAction(StrEnum):
    SIGN_IN = "sign_in"  # over capacity, despite an exclusion, or with no bed free
    NO_BED = "no_bed"  # a guest already in stays tonight without a bed
    DISCLOSE = "disclose"  # tell an enquirer more than the default answer (issue 13)

    @property
    def label(self) -> str:
        return {"sign_in": "sign a guest in", "no_bed": "let a guest stay without a bed",
                "disclose": "tell an enquirer more than the default answer"}[self.value]


@dataclass(frozen=True)
class OverrideGrant:
    """What the lead's proof on this desk gives: shown to the service that acts on it."""

    grant_id: str
    lead_name: str
    action: OverrideAction
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Override:
    """A lead's decision to let something through despite a rule, with the reason recorded."""

    reason: str
    grant: OverrideGrant

    @property
    def lead_name(self) -> str:
        return self.grant.lead_name


@dataclass(frozen=True)
class _Issued:
    """The desk's own record of a grant (kept in this desk's memory only, never in the store)."""

    secret: str
    lead_id: str
    asked_by: str | None  # the staff member signed in at the desk when the lead proved it
    action: OverrideAction
    issued_at: datetime


def authorise_override(desk: DeskContext, name: str, secret: str, action: OverrideAction | str) -> OverrideGrant:
    """A shift lead at a colleague's desk proves who they are with their name and PIN or password.

    Every refused attempt costs the same time whether or not the name exists (a PIN check and an
    Argon2 key derivation with the slot's parameters), and is audited."""
    action = OverrideAction(action)
    desk.require_actor()
    if not (name or "").strip() or not secret:
        raise ValidationError("The lead's name and PIN or password are needed.", field="lead_name")
    login = login_key(name)
    data_dir = desk.store.paths.data_dir
    check_allowed(data_dir, login, desk.clock.now(), field="lead_secret")  # as for any password
    with desk.store.read() as session:
        row = session.scalars(select(Staff).where(Staff.login == login)).first()
        pin_locked = row is not None and _override_pin_locked(session, row.id)
    usable = row is not None and row.active
    ok = False
    if secret.isdigit() and not pin_locked:
        # A PIN is checked against the lead's hash, or against a stand-in, so the time taken does not
        # say whether the name exists or has a PIN.
        ok = _verify_pin(row.pin_hash if usable and row is not None else None, secret)
    if not ok:
        try:
            # An unknown name (or a deactivated one, whose slot is gone) costs the same derivation.
            desk.keyslots.unlock_with_password(login if usable else _NO_SUCH_LOGIN, secret)
            ok = usable
        except (WrongPassword, UnknownStaffName):
            ok = False
    lead = Actor(row.id, row.name, Role(row.role)) if ok and row is not None else None
    grant_id = new_id()
    allowed = lead is not None and can(lead.role, Permission.OVERRIDE)
    with desk.unit_of_work() as uow:
        if allowed:
            uow.audit("override_authorised", "staff", row.id if row else None,
                      detail=f"grant={grant_id};action={action.value}")
        else:
            uow.audit("override_refused", "staff", row.id if row else None,
                      detail=f"action={action.value}" + (";not_a_lead" if lead else ""))
    if lead is None:
        wait = record_wrong(data_dir, login, desk.clock.now(), path="override", staff_id=row.id if row else None,
                            audited=True)
        if wait:
            raise MustWait("That name and PIN or password do not match.", wait_seconds=wait, field="lead_secret")
        if pin_locked and secret.isdigit():
            raise AuthenticationFailed("Too many wrong PINs for this lead: type their password instead.",
                                       field="lead_secret")
        raise AuthenticationFailed("That name and PIN or password do not match.", field="lead_secret")
    record_right(data_dir, login)
    if not allowed:
        raise AuthenticationFailed(f"{lead.name} is not a shift lead or manager.", field="lead_name")
    return _issue(desk, grant_id, lead, action)


def own_override(desk: DeskContext, action: OverrideAction | str) -> OverrideGrant:
    """A lead or manager signed in at this desk overrides in their own name: their session is the proof."""
    action = OverrideAction(action)
    actor = desk.require(Permission.OVERRIDE, action.label + " with an override")
    grant_id = new_id()
    with desk.unit_of_work() as uow:
        uow.audit("override_authorised", "staff", actor.staff_id,
                  detail=f"grant={grant_id};action={action.value};session")
    return _issue(desk, grant_id, actor, action)


@contextmanager
def use_override(desk: DeskContext, override: Override | None, action: OverrideAction) -> Iterator[Actor | None]:
    """Claim ``override`` for ``action``: yields the lead who gave it (None without an override).

    The grant is used up when the block finishes; if the block fails (say, a rule still stops the
    action), the grant is kept so the lead need not type their PIN again within its two minutes."""
    if override is None:
        yield None
        return
    grant = override.grant if isinstance(override, Override) else None
    if not isinstance(grant, OverrideGrant):
        raise PermissionDenied("An override must be authorised by a shift lead on this desk.")
    if not isinstance(override.reason, str) or not override.reason.strip():
        raise RuleViolation("Give a reason for the override; it is recorded.")
    grants = _grants(desk)
    issued = grants.get(grant.grant_id)
    if issued is None or not hmac.compare_digest(issued.secret, grant.secret or ""):
        raise PermissionDenied("This override was not authorised on this desk, or it was already used. "
                               "Ask the shift lead to authorise it again.")
    actor = desk.require_actor()
    if issued.asked_by != actor.staff_id:
        raise PermissionDenied("This override was authorised for someone else at this desk. "
                               "Ask the shift lead to authorise it again.")
    if issued.action is not action:
        raise PermissionDenied(f"This override was authorised to {issued.action.label}, not to {action.label}.")
    if desk.clock.now() - issued.issued_at > GRANT_LIFETIME:
        del grants[grant.grant_id]
        raise PermissionDenied("The lead's authorisation has expired (it lasts two minutes). "
                               "Ask them to authorise it again.")
    with desk.store.read() as session:
        row = session.get(Staff, issued.lead_id)
    if row is None or not row.active or not can(Role(row.role), Permission.OVERRIDE):
        del grants[grant.grant_id]
        raise PermissionDenied("The lead who authorised this override can no longer give one.")
    del grants[grant.grant_id]  # single use: claimed now, given back only if the action fails
    try:
        yield Actor(row.id, row.name, Role(row.role))
    except BaseException:
        grants[grant.grant_id] = issued
        raise


def override_detail(lead: Actor, override: Override) -> str:
    """What the audit records about an override that was used: the lead and the grant, never the reason."""
    return f"override_by={lead.staff_id};grant={override.grant.grant_id}"


# --- internals --------------------------------------------------------------------------------

# Never a real login (logins are folded names, which never hold a NUL), so the key slots spend a
# derivation and refuse it, as they do for any name without a slot.
_NO_SUCH_LOGIN = "\x00no such login"
_stand_in_pin_hash: str | None = None


def _verify_pin(pin_hash: str | None, pin: str) -> bool:
    global _stand_in_pin_hash
    if pin_hash is None:
        if _stand_in_pin_hash is None:
            _stand_in_pin_hash = _pin_hasher.hash(secrets.token_hex(16))
        pin_hash = _stand_in_pin_hash
        real = False
    else:
        real = True
    try:
        return _pin_hasher.verify(pin_hash, pin) and real
    except (VerificationError, InvalidHashError):
        return False


def _issue(desk: DeskContext, grant_id: str, lead: Actor, action: OverrideAction) -> OverrideGrant:
    secret = secrets.token_urlsafe(32)
    actor = desk.actor
    now = desk.clock.now()
    grants = _grants(desk)
    for stale in [g for g, issued in grants.items() if now - issued.issued_at > GRANT_LIFETIME]:
        del grants[stale]
    grants[grant_id] = _Issued(secret, lead.staff_id, actor.staff_id if actor else None, action, now)
    return OverrideGrant(grant_id, lead.name, action, secret)


def _grants(desk: DeskContext) -> dict[str, _Issued]:
    grants: dict[str, _Issued] = desk.cache.setdefault(_GRANTS_KEY, {})
    return grants


def _override_pin_locked(session: Session, staff_id: str) -> bool:
    """Five refused override attempts in a row for this lead (on any desk, across restarts) and
    their PIN is no longer accepted until their password authorises one: as at the lock screen,
    a 4-digit PIN must not be open to guessing."""
    recent = list(session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_kind == "staff", AuditEntry.entity_id == staff_id,
                                        AuditEntry.action.in_(("override_authorised", "override_refused")))
        .order_by(AuditEntry.seq.desc()).limit(PIN_TRIES)))
    return len(recent) == PIN_TRIES and all(action == "override_refused" for action in recent)
