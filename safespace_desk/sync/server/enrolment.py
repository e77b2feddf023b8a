"""Sites, one-time codes, devices and their tokens, the key-slot set.

A code's secret and a device's token are 256 random bits; the server keeps only their SHA-256, so a
copy of its database lets no one in. Codes are single use and last 24 hours.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, update

from safespace_desk.db.types import utc_text
from safespace_desk.ids import new_id
from safespace_desk.sync import protocol
from safespace_desk.sync.server import db
from safespace_desk.sync.server.errors import (
    ApiError,
    conflict,
    forbidden,
    gone,
    not_found,
    revoked,
    unauthorised,
)
from safespace_desk.sync.server.models import Device, EnrolCode, LoggedOp, ServerSite, SiteRecord

CODE_HOURS = 24


def now_text() -> str:
    return utc_text(datetime.now(UTC))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


@dataclass(frozen=True)
class Caller:
    """The enrolled device a request came from (found by its token)."""

    device_id: str
    site_id: str
    site_name: str


def authenticate(engine: Engine, token: str | None, *, touch: bool = True) -> Caller:
    if not token:
        raise unauthorised("This request needs the desk's token.")
    with db.read(engine) as conn:
        row = conn.execute(select(Device.id, Device.site_id, Device.revoked_at, ServerSite.name)
                           .join(ServerSite, ServerSite.id == Device.site_id)
                           .where(Device.token_hash == digest(token))).first()
    if row is None:
        raise unauthorised()
    if row.revoked_at is not None:
        raise revoked()
    return Caller(row.id, row.site_id, row.name)


def touch(conn: Connection, device_id: str) -> None:
    conn.execute(update(Device).where(Device.id == device_id).values(last_seen_at=now_text()))


# --- codes ------------------------------------------------------------------------------------


def make_first_code(engine: Engine, site_name: str, *, now: datetime | None = None) -> str:
    """A code for the first desk of ``site_name`` (the site is made if new). Returns the secret."""
    name = " ".join(site_name.split())
    if not name or len(name) > 200:
        raise ApiError(400, "bad_site_name", "Give the site a name of 1 to 200 characters.")
    now = now or datetime.now(UTC)
    secret = new_secret()
    with db.write(engine) as conn:
        site = conn.execute(select(ServerSite.__table__).where(ServerSite.name == name)).first()
        if site is None:
            site_id = new_id()
            conn.execute(ServerSite.__table__.insert().values(
                id=site_id, name=name, created_at=utc_text(now), epoch=1, log_head=0, base_state="none",
                slot_version=0))
        elif site.base_state == "complete":
            raise conflict("site_enrolled", f"The site “{name}” already has desks. A manager adds another desk "
                                            "with a join code made on an enrolled desk.")
        else:
            site_id = site.id
        _insert_code(conn, site_id, "first", secret, now, None)
    return secret


def make_join_code(engine: Engine, caller: Caller, *, now: datetime | None = None) -> protocol.JoinCode:
    now = now or datetime.now(UTC)
    secret = new_secret()
    with db.write(engine) as conn:
        _require_base(conn, caller.site_id)
        expires = _insert_code(conn, caller.site_id, "join", secret, now, caller.device_id)
    return protocol.JoinCode(secret=secret, expires_at=expires)


def _insert_code(conn: Connection, site_id: str, kind: str, secret: str, now: datetime,
                 made_by: str | None) -> str:
    expires = utc_text(now + timedelta(hours=CODE_HOURS))
    conn.execute(EnrolCode.__table__.insert().values(
        id=new_id(), site_id=site_id, kind=kind, secret_hash=digest(secret), created_at=utc_text(now),
        expires_at=expires, made_by_device=made_by))
    return expires


def _usable_code(conn: Connection, secret: str, kind: str, now: datetime) -> Any:
    code = conn.execute(select(EnrolCode.__table__).where(EnrolCode.secret_hash == digest(secret))).first()
    if code is None or code.kind != kind:
        raise unauthorised("This code is not one this server made (or it is for a different step): "
                           "check it was copied whole.")
    if code.used_at is not None:
        raise gone("code_used", "This code has been used already; codes work once. Ask for a new one.")
    if code.expires_at < utc_text(now):
        raise gone("code_expired", "This code has expired (codes last 24 hours). Ask for a new one.")
    return code


# --- enrolment --------------------------------------------------------------------------------


def enrol_first(engine: Engine, req: protocol.EnrolRequest, *, now: datetime | None = None) -> protocol.Enrolled:
    """The first desk of a site: it brings the key slots, and then uploads its records."""
    now = now or datetime.now(UTC)
    token = new_secret()
    with db.write(engine) as conn:
        code = _usable_code(conn, req.secret, "first", now)
        db.lock_site(conn, code.site_id)
        site = conn.execute(select(ServerSite.__table__).where(ServerSite.id == code.site_id)).one()
        if site.base_state == "complete":
            raise conflict("site_enrolled", "This site already has desks: join it with a code made on one of them.")
        if conn.execute(select(Device.id).where(Device.id == req.device_id)).first() is not None:
            raise conflict("device_exists", "A desk with this id is enrolled already (a copied data folder?).")
        # A first desk that stopped part way through its upload starts again: what it sent goes.
        conn.execute(delete(SiteRecord).where(SiteRecord.site_id == site.id))
        conn.execute(update(Device).where(Device.site_id == site.id, Device.revoked_at.is_(None))
                     .values(revoked_at=utc_text(now)))
        _insert_device(conn, site.id, req.device_id, req.device_name, token, now,
                       last_seq=req.base_seq, audit_seq=req.audit_seq, audit_hash=req.audit_hash)
        conn.execute(update(ServerSite).where(ServerSite.id == site.id).values(
            base_state="uploading", base_device_id=req.device_id, slot_version=1,
            slot_blob=_b64decode(req.slot_blob), key_version=req.key_version))
        _use(conn, code, req.device_id, now)
    return protocol.Enrolled(site_id=site.id, site_name=site.name, device_id=req.device_id, device_token=token,
                             epoch=site.epoch, server_time=utc_text(now))


def join_slots(engine: Engine, req: protocol.JoinSlotsRequest, *, now: datetime | None = None) -> protocol.SlotSet:
    """The sealed key-slot set, for a joining desk to open with the sync key (the code stays usable)."""
    now = now or datetime.now(UTC)
    with db.read(engine) as conn:
        code = _usable_code(conn, req.secret, "join", now)
        site = conn.execute(select(ServerSite.__table__).where(ServerSite.id == code.site_id)).one()
    return _slot_set(site)


def join(engine: Engine, req: protocol.JoinRequest, *, now: datetime | None = None) -> protocol.Enrolled:
    now = now or datetime.now(UTC)
    token = new_secret()
    with db.write(engine) as conn:
        code = _usable_code(conn, req.secret, "join", now)
        site = conn.execute(select(ServerSite.__table__).where(ServerSite.id == code.site_id)).one()
        _require_base(conn, site.id)
        if conn.execute(select(Device.id).where(Device.id == req.device_id)).first() is not None:
            raise conflict("device_exists", "A desk with this id is enrolled already.")
        _insert_device(conn, site.id, req.device_id, req.device_name, token, now, last_seq=0, audit_seq=0,
                       audit_hash="0" * 64)
        _use(conn, code, req.device_id, now)
    return protocol.Enrolled(site_id=site.id, site_name=site.name, device_id=req.device_id, device_token=token,
                             epoch=site.epoch, server_time=utc_text(now))


def fork(engine: Engine, caller: Caller, req: protocol.ForkRequest, *, now: datetime | None = None) -> protocol.Enrolled:
    """A desk restored from a backup (or a copied folder) carries on as a new device."""
    now = now or datetime.now(UTC)
    token = new_secret()
    with db.write(engine) as conn:
        if conn.execute(select(Device.id).where(Device.id == req.new_device_id)).first() is not None:
            raise conflict("device_exists", "A desk with this id is enrolled already.")
        _insert_device(conn, caller.site_id, req.new_device_id, "(continued) " + caller.device_id[:8], token, now,
                       last_seq=0, audit_seq=req.audit_seq, audit_hash=req.audit_hash,
                       forked_from=caller.device_id)
        epoch = conn.execute(select(ServerSite.epoch).where(ServerSite.id == caller.site_id)).scalar_one()
    return protocol.Enrolled(site_id=caller.site_id, site_name=caller.site_name, device_id=req.new_device_id,
                             device_token=token, epoch=epoch, server_time=utc_text(now))


def _insert_device(conn: Connection, site_id: str, device_id: str, name: str, token: str, now: datetime, *,
                   last_seq: int, audit_seq: int, audit_hash: str, forked_from: str | None = None) -> None:
    conn.execute(Device.__table__.insert().values(
        id=device_id, site_id=site_id, name=name.strip()[:100] or "desk", token_hash=digest(token),
        created_at=utc_text(now), last_seen_at=utc_text(now), last_seq=last_seq, audit_seq=audit_seq,
        audit_hash=audit_hash, forked_from=forked_from))


def _use(conn: Connection, code: Any, device_id: str, now: datetime) -> None:
    done = conn.execute(update(EnrolCode).where(EnrolCode.id == code.id, EnrolCode.used_at.is_(None))
                        .values(used_at=utc_text(now), used_by_device=device_id))
    if done.rowcount != 1:  # two desks raced with one code: one of them wins
        raise gone("code_used", "This code has been used already; codes work once. Ask for a new one.")


def _require_base(conn: Connection, site_id: str) -> None:
    state = conn.execute(select(ServerSite.base_state).where(ServerSite.id == site_id)).scalar_one()
    if state != "complete":
        raise conflict("base_incomplete", "The hub's first desk has not finished sending its records yet; "
                                          "try again when it has.")


# --- slot set ---------------------------------------------------------------------------------


def _slot_set(site: Any) -> protocol.SlotSet:
    import base64

    return protocol.SlotSet(site_id=site.id, version=site.slot_version,
                            blob=base64.b64encode(site.slot_blob or b"").decode(), key_version=site.key_version)


def get_slots(engine: Engine, caller: Caller) -> protocol.SlotSet:
    with db.read(engine) as conn:
        site = conn.execute(select(ServerSite.__table__).where(ServerSite.id == caller.site_id)).one()
    return _slot_set(site)


def put_slots(engine: Engine, caller: Caller, req: protocol.SlotPut) -> protocol.SlotSet:
    """Compare and set: a desk replaces the slot set only on top of the version it last saw."""
    blob = _b64decode(req.blob)
    with db.write(engine) as conn:
        db.lock_site(conn, caller.site_id)
        held = conn.execute(select(ServerSite.key_version).where(ServerSite.id == caller.site_id)).scalar_one()
        key_version = held if req.key_version is None else req.key_version
        if req.key_base is not None:
            # A desk that says what it had: a newer version is a rotation on top of that, taken only
            # while the server still holds it (a desk may rotate twice while offline).
            if key_version > req.key_base and req.key_base != held or key_version < held:
                raise conflict("key_conflict", f"The hub's key was rotated at another desk (to version {held}) "
                                               "since this desk last synced: this desk takes that key first.")
        elif key_version not in (held, held + 1):
            # Two managers rotated while offline: the second rotates again, on top of the first.
            raise conflict("key_conflict", f"The hub's key was rotated at another desk (to version {held}) "
                                           "since this desk rotated: this desk takes that key and rotates again.")
        done = conn.execute(update(ServerSite).where(ServerSite.id == caller.site_id,
                                                     ServerSite.slot_version == req.expected_version)
                            .values(slot_version=req.expected_version + 1, slot_blob=blob, key_version=key_version))
        if done.rowcount != 1:
            raise conflict("slot_conflict", "The key slots changed on another desk since this desk last saw them.")
        site = conn.execute(select(ServerSite.__table__).where(ServerSite.id == caller.site_id)).one()
    return _slot_set(site)


# --- devices ----------------------------------------------------------------------------------


def list_devices(engine: Engine, site_id: str, this_device: str | None = None) -> list[protocol.DeviceInfo]:
    with db.read(engine) as conn:
        rows = conn.execute(select(Device.__table__).where(Device.site_id == site_id).order_by(Device.created_at))
        return [protocol.DeviceInfo(id=d.id, name=d.name, created_at=d.created_at, last_seen_at=d.last_seen_at,
                                    revoked_at=d.revoked_at, last_seq=d.last_seq, this_device=d.id == this_device)
                for d in rows]


def revoke_device(engine: Engine, device_id: str, *, site_id: str | None = None) -> None:
    with db.write(engine) as conn:
        query = select(Device.__table__).where(Device.id == device_id)
        if site_id is not None:
            query = query.where(Device.site_id == site_id)
        device = conn.execute(query).first()
        if device is None:
            raise not_found("no_device", "There is no such desk at this hub.")
        if device.revoked_at is None:
            conn.execute(update(Device).where(Device.id == device_id).values(revoked_at=now_text()))


def all_devices(engine: Engine) -> list[tuple[str, protocol.DeviceInfo]]:
    """Every site's devices (for `server devices list`): (site name, device)."""
    with db.read(engine) as conn:
        sites = {i: n for i, n in conn.execute(select(ServerSite.id, ServerSite.name))}
    out = []
    for site_id, name in sites.items():
        out.extend((name, d) for d in list_devices(engine, site_id))
    return out


def site_summary(engine: Engine) -> list[tuple[str, str, int, int]]:
    """(name, state, desks, operations) per site."""
    with db.read(engine) as conn:
        rows = conn.execute(select(ServerSite.id, ServerSite.name, ServerSite.base_state)).all()
        out = []
        for site_id, name, state in rows:
            desks = conn.execute(select(func.count()).select_from(Device).where(
                Device.site_id == site_id, Device.revoked_at.is_(None))).scalar_one()
            ops = conn.execute(select(func.count()).select_from(LoggedOp).where(LoggedOp.site_id == site_id)).scalar_one()
            out.append((name, state, desks, ops))
        return out


def _b64decode(text: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, "bad_base64", "A sealed value is not valid base64.") from None


def check_same_site(caller: Caller, site_id: str) -> None:
    if caller.site_id != site_id:
        raise forbidden("wrong_site", "This desk's token belongs to another site.")
