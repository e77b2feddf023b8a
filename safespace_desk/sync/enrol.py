"""Enrolling a hub's first desk (it brings its key slots and every record it holds), making join codes,
and joining a new, empty desk to a hub from a snapshot.

The first desk's records are read in one transaction, with the newest outbox operation at that
moment: the operations up to it are covered by the records and marked pushed; later ones are
pushed as usual once the upload is complete. An upload cut off part way starts again from the
beginning on the next sync (the server drops what it had of it).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import func, select, update

from safespace_desk.db.keyslots import KeySlots, down_the_chain
from safespace_desk.db.models import AuditEntry, OutboxOp, Setting, Staff
from safespace_desk.db.sealing import Keyring
from safespace_desk.db.store import Store, StorePaths, read_store_salt, remove_partial
from safespace_desk.db.types import utc_text
from safespace_desk.domain.audit_chain import GENESIS
from safespace_desk.domain.clock import Clock
from safespace_desk.domain.errors import DeskError, PermissionDenied, RuleViolation
from safespace_desk.domain.roles import Permission, Role
from safespace_desk.domain.staff import login_key
from safespace_desk.ids import new_id
from safespace_desk.services import keyrotation
from safespace_desk.services.context import DEVICE_ID_KEY, DeskContext
from safespace_desk.sync import codes, protocol, slotsync
from safespace_desk.sync.apply import apply_snapshot, read_snapshot
from safespace_desk.sync.client import ServerClient
from safespace_desk.sync.keys import SiteKeys, site_keys
from safespace_desk.sync.outbound import base_count, base_records
from safespace_desk.sync.sealing import Opener, Sealer
from safespace_desk.sync.state import SyncState, load, save

BASE_CHUNK = 5000
JOINING_MARK = ".joining"
Progress = Callable[[str, int, int], None]


def device_name() -> str:
    return socket.gethostname()[:100] or "desk"


def _audit_head(desk: DeskContext) -> tuple[int, str]:
    with desk.store.read() as session:
        head = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc())
                               .limit(1)).first()
    return (head[0], head[1]) if head else (0, GENESIS)


def enrol(desk: DeskContext, code_text: str, *, name: str | None = None, progress: Progress | None = None,
          transport: httpx.BaseTransport | None = None) -> SyncState:
    """Enrol this desk as its hub's first: send the key-slot set and every record."""
    desk.require(Permission.MANAGE_SITE, "enrol this desk with a sync server")
    code = codes.parse(code_text, expect=codes.ENROL)
    with desk.store.read() as session:
        if load(session).enrolled:
            raise RuleViolation("This desk is enrolled with a sync server already.")
    pins = [p.hex() for p in code.pins]
    state = SyncState(address=code.address, pins=pins)
    client = ServerClient(code.address, pins, transport=transport)
    try:
        sync_key = os.urandom(32)
        audit_seq, audit_hash = _audit_head(desk)
        answer = protocol.Enrolled.model_validate(client.call("POST", "/v1/enrol", auth=False, body=protocol.EnrolRequest(
            secret=code.secret, device_id=desk.device_id, device_name=(name or device_name())[:100],
            slot_blob=slotsync.seal(sync_key, desk.keyslots, 1), audit_seq=audit_seq, audit_hash=audit_hash,
            base_seq=0, key_version=desk.keyslots.current).model_dump()))
        state = SyncState(enrolled=True, address=code.address, pins=pins, cert_pem=client.cert_pem,
                          site_id=answer.site_id, site_name=answer.site_name, device_id=answer.device_id,
                          token=answer.device_token, sync_key=sync_key.hex(), epoch=answer.epoch, cursor=0,
                          base_state="pending", base_id=new_id(), audit_pushed=audit_seq,
                          server_audit_seq=audit_seq, server_audit_hash=audit_hash, slot_version=1,
                          key_version=desk.keyslots.current,
                          slot_hash=slotsync.fingerprint(desk.keyslots.slots),
                          slot_base=slotsync.slots_json(desk.keyslots.slots), last_server_time=answer.server_time)
        with desk.unit_of_work() as uow:
            save(uow.session, state)
            uow.audit("sync_enrolled", "site", answer.site_id)
        client.token = answer.device_token
        upload_base(desk, client, state, progress)
    finally:
        client.close()
    return state


def upload_base(desk: DeskContext, client: ServerClient, state: SyncState, progress: Progress | None) -> None:
    """Every record of this desk to the server, in parts, then the operations they cover marked pushed."""
    keys = site_keys(desk)
    sealer = Sealer(state.site_id, keys, keys.current_version)
    with desk.store.read() as session:  # one consistent view: the records and the outbox they cover
        base_seq = session.scalar(select(func.max(OutboxOp.seq))) or 0
        total = base_count(session)
        chunk: list[protocol.BaseRecord] = []
        sent = 0
        first = True
        for table, key, values in base_records(session):
            chunk.append(sealer.seal_record(state.base_id, table, key, values))
            if len(chunk) >= BASE_CHUNK:
                _send_base(client, state, chunk, first=first, done=False, base_seq=base_seq)
                sent, first, chunk = sent + len(chunk), False, []
                if progress is not None:
                    progress("upload", sent, total)
        _send_base(client, state, chunk, first=first, done=True, base_seq=base_seq)
    with desk.store.write() as session:
        session.execute(update(OutboxOp).where(OutboxOp.seq <= base_seq, OutboxOp.pushed_at.is_(None))
                        .values(pushed_at=desk.clock.now(), decision="base"))
        state.base_state, state.seq_offset = "done", 0
        save(session, state, "base_state", "seq_offset")
    if progress is not None:
        progress("upload", total, total)


def _send_base(client: ServerClient, state: SyncState, records: list[protocol.BaseRecord], *, first: bool,
               done: bool, base_seq: int) -> None:
    chunk = protocol.BaseChunk.model_construct(base_id=state.base_id, kv=1, records=records, done=done, first=first,
                                               base_seq=base_seq)
    client.call("POST", "/v1/base", body=chunk)


def make_join_code(desk: DeskContext, *, transport: httpx.BaseTransport | None = None) -> str:
    """A one-time code (24 hours) for a new desk to join this hub; it carries the sync key."""
    desk.require(Permission.MANAGE_SITE, "add a desk to the hub")
    with desk.store.read() as session:
        state = load(session)
    if not state.enrolled:
        raise RuleViolation("This desk is not enrolled with a sync server, so it cannot add another desk.")
    client = ServerClient(state.address, state.pins, cert_pem=state.cert_pem, token=state.token,
                          transport=transport)
    try:
        answer = protocol.JoinCode.model_validate(client.call("POST", "/v1/join-codes"))
    finally:
        client.close()
    with desk.unit_of_work() as uow:
        uow.audit("join_code_made", "site", state.site_id)
    return codes.Code(codes.JOIN, state.address, answer.secret, tuple(bytes.fromhex(p) for p in state.pins),
                      state.sync_key_bytes).text()


def join(data_dir: Path, code_text: str, manager: str, password: str, clock: Clock, *,
         name: str | None = None, progress: Progress | None = None,
         transport: httpx.BaseTransport | None = None) -> DeskContext:
    """Make this (empty) desk part of a hub: open the manager's slot from the hub's key-slot set, make
    the store with the site key, load the snapshot, then sign the manager in."""
    from safespace_desk.services import auth

    code = codes.parse(code_text, expect=codes.JOIN)
    paths = StorePaths(data_dir)
    if (data_dir / JOINING_MARK).exists():
        remove_partial(paths)  # a join that was cut off (a crash, a power cut): start again
    if paths.exists():
        raise DeskError(f"There is already a store in {data_dir}: a desk joins a hub with an empty folder.")
    pins = [p.hex() for p in code.pins]
    client = ServerClient(code.address, pins, transport=transport)
    store: Store | None = None
    try:
        assert code.sync_key is not None
        slot_set = protocol.SlotSet.model_validate(
            client.call("POST", "/v1/join/slots", auth=False, body={"secret": code.secret}))
        version, slots, _, chain = slotsync.open_set_keys(code.sync_key, slot_set.blob)
        key_version, master, staff_id = slotsync.unlock_version(slots, login_key(manager), password)
        device_id = new_id()
        answer = protocol.Enrolled.model_validate(client.call("POST", "/v1/join", auth=False, body=protocol.JoinRequest(
            secret=code.secret, device_id=device_id, device_name=(name or device_name())[:100]).model_dump()))
        client.token = answer.device_token
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        (data_dir / JOINING_MARK).touch()
        store = Store.create(data_dir, master)
        # Every older key version too, down the chain: the hub's records sealed before a rotation.
        opener = Opener(answer.site_id, SiteKeys(Keyring(key_version, down_the_chain({key_version: master}, chain))))
        with client.stream("/v1/snapshot") as response, store.write() as session:
            header, records = read_snapshot(response.iter_lines())
            count = apply_snapshot(session, opener, records,
                                   (lambda n: progress("snapshot", n, header.records)) if progress else None)
            staff = session.get(Staff, staff_id)
            if staff is None or not staff.active or staff.role != Role.MANAGER.value:
                raise PermissionDenied("Only an active manager of the hub can join a new desk to it.")
            session.add(Setting(key=DEVICE_ID_KEY, value=device_id))
            save(session, SyncState(
                enrolled=True, address=code.address, pins=pins, cert_pem=client.cert_pem, site_id=answer.site_id,
                site_name=answer.site_name, device_id=device_id, token=answer.device_token,
                sync_key=code.sync_key.hex(), epoch=header.epoch, cursor=header.position, base_state="done",
                server_audit_hash=GENESIS, slot_version=version, key_version=slot_set.key_version,
                slot_hash=slotsync.fingerprint(slots),
                slot_base=slotsync.slots_json(slots), last_server_time=answer.server_time))
            _ = count
        own = slotsync.adopt(KeySlots(store_salt=read_store_salt(paths.db).hex()), master, slots, key_version,
                             chain=chain)
        store.close()
        store = None
        own.save(paths.keyslots)  # written last: until it exists there is no store to open
        (data_dir / JOINING_MARK).unlink()
    except BaseException:
        if store is not None:
            store.close()
        if (data_dir / JOINING_MARK).exists():
            remove_partial(paths)
            (data_dir / JOINING_MARK).unlink(missing_ok=True)
        raise
    finally:
        client.close()
    desk = auth.sign_in(data_dir, manager, password, clock)
    with desk.unit_of_work() as uow:
        uow.audit("sync_joined", "site", answer.site_id)
    return desk


def server_head(desk: DeskContext) -> tuple[int, str] | None:
    """The newest audit entry of this desk the server holds, as last heard (None if not enrolled)."""
    with desk.store.read() as session:
        state = load(session)
    if not state.enrolled or state.server_audit_seq == 0:
        return None
    return state.server_audit_seq, state.server_audit_hash


def fetch_server_head(desk: DeskContext, *, transport: httpx.BaseTransport | None = None) -> tuple[int, str] | None:
    """Ask the server now (for `audit verify`); None if not enrolled."""
    with desk.store.read() as session:
        state = load(session)
    if not state.enrolled:
        return None
    client = ServerClient(state.address, state.pins, cert_pem=state.cert_pem, token=state.token, transport=transport)
    try:
        head = protocol.AuditHead.model_validate(client.call("GET", "/v1/audit-head"))
    finally:
        client.close()
    return head.seq, head.hash


def list_devices(desk: DeskContext, *, transport: httpx.BaseTransport | None = None) -> list[protocol.DeviceInfo]:
    desk.require_actor()
    state, client = _client(desk, transport)
    try:
        return protocol.DeviceList.model_validate(client.call("GET", "/v1/devices")).devices
    finally:
        client.close()


def revoke(desk: DeskContext, device_id: str, *, transport: httpx.BaseTransport | None = None,
           progress: keyrotation.Progress | None = None) -> keyrotation.Rotation:
    """Mark a desk lost: its token stops working at once, and the hub's key is rotated without it
    (DESIGN.md 6): what is written from now on is sealed with a key the lost desk never gets (it can
    no longer fetch the slot set); this desk's next sync sends the new key to the others."""
    desk.require(Permission.MANAGE_SITE, "remove a desk from the hub")
    desk.require(Permission.MANAGE_STAFF, "rotate the keys")
    state, client = _client(desk, transport)
    if device_id == state.device_id:
        raise RuleViolation("This is the desk you are using; remove it from another desk.")
    try:
        client.call("POST", f"/v1/devices/{device_id}/revoke")
    finally:
        client.close()
    with desk.unit_of_work() as uow:
        uow.audit("sync_desk_removed", "site", device_id)
    return keyrotation.rotate_keys(desk, progress, reason="desk_lost")


def _client(desk: DeskContext, transport: httpx.BaseTransport | None) -> tuple[SyncState, ServerClient]:
    with desk.store.read() as session:
        state = load(session)
    if not state.enrolled:
        raise RuleViolation("This desk is not enrolled with a sync server.")
    return state, ServerClient(state.address, state.pins, cert_pem=state.cert_pem, token=state.token,
                               transport=transport)


def first_unpushed_time(desk: DeskContext) -> str | None:
    with desk.store.read() as session:
        at = session.scalar(select(func.min(OutboxOp.at)).where(OutboxOp.pushed_at.is_(None),
                                                                OutboxOp.rows.is_not(None)))
    return utc_text(at) if at else None
