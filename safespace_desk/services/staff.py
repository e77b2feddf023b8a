"""Staff accounts: managers add, deactivate and reset; everyone sets their own PIN and password."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from safespace_desk.db.errors import StoreError
from safespace_desk.db.models import DutySpell, Staff
from safespace_desk.domain import passwords
from safespace_desk.domain.errors import NotFound, RuleViolation, ValidationError
from safespace_desk.domain.roles import Permission, Role
from safespace_desk.domain.staff import StaffMember, check_password, check_pin, clean_staff_name, login_key
from safespace_desk.ids import new_id
from safespace_desk.services import keyrotation
from safespace_desk.services.auth import hash_pin
from safespace_desk.services.clinical import keep_shared
from safespace_desk.services.context import Changes, DeskContext, keyslot_change
from safespace_desk.services.password_guard import guarded

STAFF = "staff"


def suggest_passphrase() -> str:
    """A generated passphrase to offer with every new-password form (DESIGN.md 5)."""
    return passwords.suggest_passphrase()


def _member(row: Staff) -> StaffMember:
    return StaffMember(id=row.id, name=row.name, role=Role(row.role), active=row.active,
                       has_pin=row.pin_hash is not None, counts_in_ratio=bool(row.counts_in_ratio),
                       may_read_notes=bool(row.may_read_notes))


def list_staff(desk: DeskContext, *, include_inactive: bool = True) -> list[StaffMember]:
    """Every account with its role and state: for managers only (who has which role, who has a PIN
    and who has left is not for every desk). Others read ``my_account`` and ``override_leads``."""
    desk.require(Permission.MANAGE_STAFF, "see the list of staff accounts")
    with desk.store.read() as session:
        query = select(Staff).order_by(Staff.active.desc(), func.lower(Staff.name))
        if not include_inactive:
            query = query.where(Staff.active.is_(True))
        return [_member(row) for row in session.scalars(query)]


def my_account(desk: DeskContext) -> StaffMember:
    """The signed-in person's own account (for the lock screen and My account)."""
    actor = desk.require_actor()
    with desk.store.read() as session:
        return _member(_get(session, actor.staff_id))


def override_leads(desk: DeskContext) -> list[str]:
    """Names to offer in the override form: the active leads and managers on duty now, or, when no
    lead or manager is marked on duty, every active one (so a lead who forgot to mark on duty can still
    be named). Names only: roles, PINs and who has left stay with the managers."""
    desk.require(Permission.FRONT_DESK, "ask a shift lead for an override")
    leaders = (Role.LEAD.value, Role.MANAGER.value)
    with desk.store.read() as session:
        active = select(Staff.name).where(Staff.active.is_(True), Staff.role.in_(leaders))
        on_duty = active.join(DutySpell, DutySpell.staff_id == Staff.id).where(DutySpell.ended_at.is_(None))
        names = sorted(set(session.scalars(on_duty)), key=str.lower)
        return names or sorted(session.scalars(active), key=str.lower)


def add_staff(desk: DeskContext, *, name: str, role: Role | str, password: str,
              pin: str | None = None) -> tuple[StaffMember, Changes]:
    """Add an account and its key slot (the password opens the store for them)."""
    desk.require(Permission.MANAGE_STAFF, "add staff accounts")
    name = clean_staff_name(name)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError("Choose a role: desk, lead, manager, paramedic or volunteer.", field="role") from None
    check_password(password, user_inputs=[name])
    pin_hash = hash_pin(check_pin(pin)) if pin else None
    login = login_key(name)
    staff_id = new_id()
    with keyslot_change(desk), desk.unit_of_work() as uow:
        if uow.session.scalar(select(Staff.id).where(Staff.login == login)) is not None:
            raise ValidationError(f"There is already an account called “{name}”. Add a surname "
                                  "initial to tell them apart.", field="name")
        # Volunteers do not count toward the staffing ratio unless a manager says they do.
        row = Staff(id=staff_id, name=name, login=login, role=role.value, pin_hash=pin_hash,
                    active=True, created_at=uow.now, counts_in_ratio=role is not Role.VOLUNTEER,
                    may_read_notes=False)
        uow.session.add(row)
        uow.audit("staff_added", STAFF, staff_id, detail=f"role={role.value}")
        uow.outbox("staff.add", staff_id=staff_id, name=name, role=role.value)
        uow.changed(STAFF, staff_id)
        desk.keyslots.set_staff_slot(desk.keys, staff_id, login, password)
        desk.keyslots.save(desk.store.paths.keyslots)
        member = _member(row)
    return member, uow.changes


@dataclass(frozen=True)
class Deactivated(Changes):
    """What deactivating changed, and the key rotation it made (a new recovery key to show once, when
    the old one was of the format before key pairs)."""

    rotation: keyrotation.Rotation | None = None
    # Why the key could not be changed now (another program has the store open...): the account is
    # deactivated and its slot gone all the same, and the next open of the store changes the key.
    rotation_waits: str | None = None


def deactivate_staff(desk: DeskContext, staff_id: str, progress: keyrotation.Progress | None = None) -> Deactivated:
    """Deactivate an account, remove its key slot and rotate the key (DESIGN.md 5: leaving rotates
    the key), so a copy of their slot, or of a backup's, no longer opens the store. Their history stays.

    The slot goes and the new key is recorded as pending in the same write of keyslots.json, before
    the account is marked inactive: cut off anywhere after, the next open finishes the rotation."""
    actor = desk.require(Permission.MANAGE_STAFF, "deactivate staff accounts")
    if staff_id == actor.staff_id:
        raise RuleViolation("You cannot deactivate your own account while signed in.")
    with keyslot_change(desk), desk.unit_of_work() as uow:
        row = _get(uow.session, staff_id)
        if not row.active:
            raise RuleViolation(f"{row.name}'s account is already deactivated.")
        if row.role == Role.MANAGER.value and _active_managers(uow.session) <= 1:
            raise RuleViolation("This is the last active manager; add another manager first.")
        row.active = False
        row.deactivated_at = uow.now
        row.pin_hash = None
        uow.audit("staff_deactivated", STAFF, staff_id)
        uow.outbox("staff.deactivate", staff_id=staff_id)
        uow.changed(STAFF, staff_id)
        desk.keyslots.remove_staff_slot(desk.keys, staff_id)
        pending = keyrotation.begin(desk)  # writes keyslots.json: without the slot, the new key pending
    try:
        rotation = keyrotation.complete(desk, pending, progress, reason="staff_deactivated")
    except StoreError as error:
        return Deactivated(uow.changes.kinds, uow.changes.ids, None, error.message)
    return Deactivated(uow.changes.kinds, uow.changes.ids, rotation)


def reset_password(desk: DeskContext, staff_id: str, new_password: str) -> Changes:
    """A manager sets a new password (and re-activates the account if it was deactivated)."""
    desk.require(Permission.MANAGE_STAFF, "reset passwords")
    with desk.store.read() as session:
        check_password(new_password, user_inputs=[_get(session, staff_id).name])
    with keyslot_change(desk), desk.unit_of_work() as uow:
        row = _get(uow.session, staff_id)
        reactivated = not row.active
        row.active = True
        row.deactivated_at = None
        uow.audit("password_reset", STAFF, staff_id, detail="reactivated" if reactivated else None)
        uow.outbox("staff.reset", staff_id=staff_id, reactivated=reactivated)
        uow.changed(STAFF, staff_id)
        desk.keyslots.set_staff_slot(desk.keys, staff_id, row.login, new_password)
        desk.keyslots.save(desk.store.paths.keyslots)
    return uow.changes


def change_own_password(desk: DeskContext, current_password: str, new_password: str) -> Changes:
    actor = desk.require_actor()
    check_password(new_password, field="new_password", user_inputs=[actor.name])
    with desk.store.read() as session:
        login = _get(session, actor.staff_id).login
    with guarded(desk.store.paths.data_dir, login, desk.clock.now(), path="change_password",
                 staff_id=lambda: actor.staff_id, desk=desk, field="current_password"):
        desk.keyslots.unlock_with_password(login, current_password)  # proves the old one
    with keyslot_change(desk), desk.unit_of_work() as uow:
        row = _get(uow.session, actor.staff_id)
        uow.audit("password_changed", STAFF, actor.staff_id)
        uow.changed(STAFF, actor.staff_id)
        desk.keyslots.set_staff_slot(desk.keys, actor.staff_id, row.login, new_password)
        desk.keyslots.save(desk.store.paths.keyslots)
    if desk.slot_private is not None:
        desk.earlier_slot_privates.append(desk.slot_private)
    desk.slot_private = desk.keyslots.last_private  # the new slot is theirs (sync takes new keys with it)
    return uow.changes


def set_own_pin(desk: DeskContext, pin: str) -> Changes:
    actor = desk.require_actor()
    pin_hash = hash_pin(check_pin(pin))
    with desk.unit_of_work() as uow:
        _get(uow.session, actor.staff_id).pin_hash = pin_hash
        uow.audit("pin_set", STAFF, actor.staff_id)
        uow.outbox("staff.pin", staff_id=actor.staff_id)
        uow.changed(STAFF, actor.staff_id)
    return uow.changes


def change_role(desk: DeskContext, staff_id: str, role: Role | str) -> Changes:
    actor = desk.require(Permission.MANAGE_STAFF, "change roles")
    role = Role(role)
    with desk.unit_of_work() as uow:
        row = _get(uow.session, staff_id)
        if row.role == Role.MANAGER.value and role != Role.MANAGER and _active_managers(uow.session) <= 1:
            raise RuleViolation("This is the last active manager; add another manager first.")
        if staff_id == actor.staff_id and role != Role.MANAGER:
            raise RuleViolation("You cannot take away your own manager role.")
        row.role = role.value
        uow.audit("role_changed", STAFF, staff_id, detail=f"role={role.value}")
        uow.outbox("staff.role", staff_id=staff_id, role=role.value)
        uow.changed(STAFF, staff_id)
    keep_shared(desk)  # a new paramedic or manager gets the clinical key; someone who is no longer, loses it
    return uow.changes


def set_staff_options(desk: DeskContext, staff_id: str, *, counts_in_ratio: bool | None = None,
                      may_read_notes: bool | None = None) -> Changes:
    """Per person: whether they count toward the staffing ratio, and (for a volunteer) whether they
    may read support notes and plans."""
    desk.require(Permission.MANAGE_STAFF, "change staff settings")
    with desk.unit_of_work() as uow:
        row = _get(uow.session, staff_id)
        changed = []
        if counts_in_ratio is not None and bool(row.counts_in_ratio) != counts_in_ratio:
            row.counts_in_ratio = counts_in_ratio
            changed.append(f"counts_in_ratio={int(counts_in_ratio)}")
        if may_read_notes is not None and bool(row.may_read_notes) != may_read_notes:
            if may_read_notes and row.role != Role.VOLUNTEER.value:
                raise ValidationError("Reading notes is set for volunteers; staff roles read them already.",
                                      field="may_read_notes")
            row.may_read_notes = may_read_notes
            changed.append(f"may_read_notes={int(may_read_notes)}")
        if changed:
            uow.audit("staff_options_changed", STAFF, staff_id, detail=";".join(changed))
            uow.outbox("staff.options", staff_id=staff_id, counts_in_ratio=bool(row.counts_in_ratio),
                       may_read_notes=bool(row.may_read_notes))
            uow.changed(STAFF, staff_id)
    return uow.changes


def _get(session: Session, staff_id: str) -> Staff:
    row = session.get(Staff, staff_id)
    if row is None:
        raise NotFound("That staff account no longer exists.")
    return row


def _active_managers(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(Staff).where(Staff.active.is_(True),
                                                       Staff.role == Role.MANAGER.value)
    ) or 0
