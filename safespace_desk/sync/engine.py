"""A desk's sync with its server: push until acknowledged, then pull until caught up.

``DeskSync(desk).sync_now()`` never raises for a known sync failure: it returns what moved and, when
it could not finish, why (and records it, so the status bar can say "server unreachable since
11:50"). The outbox is only ever marked pushed for operations the server acknowledged (committed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import bindparam, func, select, update

from safespace_desk.db.errors import StoreError
from safespace_desk.db.keyslots import chain_holds
from safespace_desk.db.models import AuditEntry, OutboxOp, Setting, SyncProblem
from safespace_desk.db.types import utc_text
from safespace_desk.domain.audit_chain import GENESIS
from safespace_desk.ids import new_id
from safespace_desk.services import guests, keyrotation
from safespace_desk.services.context import DEVICE_ID_KEY, Changes, DeskContext
from safespace_desk.sync import outcomes, protocol, public_status, slotsync
from safespace_desk.sync.apply import KeyNeeded, MustPushFirst, UpdateNeeded, apply_page
from safespace_desk.sync.client import ServerClient, ServerRefused, SyncError
from safespace_desk.sync.clock import base_clock, offset_ms, synced_clock
from safespace_desk.sync.keys import site_keys
from safespace_desk.sync.outbound import UndeclaredKind, next_batch
from safespace_desk.sync.sealing import IntegrityError, Opener, Sealer
from safespace_desk.sync.state import EPOCH_SPAN, SyncState, load, log_order, save, waiting

PULL_PAGE = 500
MAX_ROUNDS = 50

REVOKED = "This desk was removed from the hub. Its records and outbox are kept; a manager can enrol it again."
KEY_CHANGED = ("Another desk changed the hub's key (someone left, or a manager rotated it). Sign out and sign in "
               "again on this desk to take the new key; then it catches up.")
KEY_FORKED = ("Two desks rotated the hub's key while apart, and the hub took the other desk's. This desk sends "
              "nothing until it rotates again on top of the hub's key, which needs someone whose account the hub's "
              "key reaches: sign out, and have a manager sign in here; then it syncs.")
KEY_NOT_TAKEN = ("This desk rotated the hub's key and the server has not taken it yet (another desk changed the key "
                 "slots at the same moment): it tries again shortly.")
UPDATE = "Update this desk: another desk sent changes that only a newer SafeSpace Desk understands."
NEW_EPOCH = ("The hub's sync server was restored from a backup or replaced: this desk sent again what the server "
             "had lost ({resent} change(s)) and read what the other desks sent again. Nothing on this desk was "
             "removed.")
# The server's answers that say its log is behind what this desk was told (sync/server/epochs.py).
SERVER_BEHIND = ("cursor_ahead", "log_diverged", "epoch_ahead")


class NotEnrolled(SyncError):
    pass


@dataclass
class Outcome:
    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    refused: int = 0
    caught_up: bool = False
    error: str = ""
    stopped: str = ""
    retry_after_s: int | None = None  # the server asked for this long before the next try
    new_epoch: bool = False  # the server was restored or replaced: this desk moved to its new epoch
    resent: int = 0  # operations sent again because the server had lost them
    changes: Changes = field(default_factory=Changes)

    def describe(self) -> str:
        moved = (f"sent {self.pushed} change(s)" + (f" ({self.rejected} refused by the server)" if self.rejected else "")
                 + f", received {self.pulled}" + (f" ({self.refused} failed their checks)" if self.refused else ""))
        if self.new_epoch:
            moved += ". " + NEW_EPOCH.format(resent=self.resent).rstrip(".")
        if self.caught_up:
            return f"Up to date: {moved}."
        return f"Not up to date: {self.error} ({moved} before it stopped)."


class DeskSync:
    """Sync for one unlocked desk. ``transport`` lets tests watch the HTTP traffic."""

    def __init__(self, desk: DeskContext, *, transport: httpx.BaseTransport | None = None,
                 progress: Callable[[str, int, int], None] | None = None, refresh_caches: bool = True) -> None:
        self.desk = desk
        self.transport = transport
        self.progress = progress
        # The app syncs on a worker thread and refreshes what the desk keeps in memory on its own
        # (main) thread, from the outcome's changes; scripts and the command line let sync do it.
        self.refresh_caches = refresh_caches

    # --- state ------------------------------------------------------------------------------------
    def state(self) -> SyncState:
        with self.desk.store.read() as session:
            return load(session)

    def client(self, state: SyncState) -> ServerClient:
        return ServerClient(state.address, state.pins, cert_pem=state.cert_pem, token=state.token,
                            on_certificate=self._keep_certificate, transport=self.transport)

    def _keep_certificate(self, pem: str) -> None:
        with self.desk.store.write() as session:
            state = load(session)
            state.cert_pem = pem
            save(session, state, "cert_pem")

    def _now(self) -> datetime:
        return base_clock(self.desk.clock).now()

    def _learn_time(self, session: Any, state: SyncState, sent: datetime, received: datetime,
                    server_time: str) -> None:
        state.offset_ms = offset_ms(sent, received, server_time)
        state.last_server_time = server_time
        save(session, state, "offset_ms", "last_server_time")
        clock = synced_clock(self.desk.clock)
        if clock is not None:
            clock.learn(state.offset_ms, server_time)

    # --- the whole round -------------------------------------------------------------------------
    def sync_now(self, max_rounds: int = MAX_ROUNDS) -> Outcome:
        out = Outcome()
        try:
            state = self.state()
            if not state.enrolled:
                raise NotEnrolled("This desk is not enrolled with a sync server.")
            if state.stopped == "revoked":
                out.error, out.stopped = REVOKED, "revoked"
                return out
            client = self.client(state)
            try:
                if state.base_state == "pending":
                    from safespace_desk.sync.enrol import upload_base

                    upload_base(self.desk, client, state, self.progress)
                if slotsync.fingerprint(self.desk.keyslots.slots) != state.slot_hash or self._key_waiting():
                    self._sync_slots(client, state)  # staff or passwords changed here, or a new key to take
                for _ in range(max_rounds):
                    self._push_all(client, state, out)
                    try:
                        slot_version = self._pull_all(client, state, out)
                    except MustPushFirst:
                        continue  # a change was made here meanwhile: send it, then read on
                    except KeyNeeded as needed:
                        self._sync_slots(client, state)  # the slot set carries the new key version
                        if needed.version in site_keys(self.desk).keyring.versions:
                            continue  # taken with the signed-in person's slot, the store rekeyed: read on
                        out.error = KEY_CHANGED
                        break
                    if slot_version != state.slot_version:
                        self._sync_slots(client, state)  # staff or passwords changed at another desk
                    if state.repair and not self._repair(client, state):
                        continue  # the hub moved on meanwhile: read on, then put back
                    if state.bed_follow:
                        outcomes.free_bed_for_lost(self.desk, state, self._now())
                    out.caught_up = True
                    break
            finally:
                client.close()
                if self.refresh_caches and out.changes.kinds:
                    guests.after_remote_changes(self.desk, out.changes)
            self._record(ok=True)
        except ServerRefused as error:
            out.error = error.message
            out.stopped = "revoked" if error.code == "revoked" else ""
            out.retry_after_s = error.retry_after_s
            self._record(ok=False, error=error.message, stopped=out.stopped)
        except UpdateNeeded as error:
            out.error, out.stopped = UPDATE, "update"
            self._record(ok=False, error=f"{UPDATE} ({error.what})", stopped="update")
        except (SyncError, IntegrityError, UndeclaredKind) as error:
            out.error = getattr(error, "message", None) or str(error)
            self._record(ok=False, error=out.error)
        except StoreError as error:
            out.error = f"This desk could not write what it received: {error.message}"
        return out

    def _record(self, *, ok: bool, error: str = "", stopped: str = "") -> None:
        try:
            with self.desk.store.write() as session:
                state = load(session)
                now = utc_text(self._now())
                if ok:
                    state.last_ok_at, state.failing_since, state.last_error, state.stopped = now, "", "", ""
                else:
                    state.failing_since = state.failing_since or now
                    state.last_error, state.stopped = error, stopped
                save(session, state, "last_ok_at", "failing_since", "last_error", "stopped")
            with self.desk.store.read() as session:
                public_status.write(self.desk.store.paths.data_dir, state, waiting(session), now)
        except StoreError:
            pass  # a full disk: the outcome still says what happened

    # --- push ------------------------------------------------------------------------------------
    def _push_all(self, client: ServerClient, state: SyncState, out: Outcome) -> None:
        if state.key_version and site_keys(self.desk).current_version > state.key_version:
            # A rotation made here that the hub has not taken yet (its slot set was refused or its answer
            # lost): nothing is sealed with that key until the hub holds it, or no other desk could read it.
            self._sync_slots(client, state)
            if site_keys(self.desk).current_version > state.key_version:
                raise SyncError(KEY_NOT_TAKEN)
        while True:
            # Made again each round: after "rekey needed" the desk holds a newer key to seal with.
            sealer = Sealer(state.site_id, site_keys(self.desk), site_keys(self.desk).current_version)
            with self.desk.store.read() as session:
                batch = next_batch(session, state, sealer)
            if not batch.ops and not batch.audit:
                return
            request = protocol.PushRequest.model_construct(site_id=state.site_id, ops=batch.ops, audit=batch.audit,
                                                           refused_before=batch.refused_before)
            sent = self._now()
            answer = client.fetch(protocol.PushResponse, "POST", "/v1/push", body=request)
            progressed = self._take_push_answer(state, batch, answer, sent, out)
            if answer.stopped is not None:
                self._handle_stop(client, state, answer.stopped, answer.epoch, out)
                continue
            if not progressed:
                return

    def _take_push_answer(self, state: SyncState, batch: Any, answer: protocol.PushResponse, sent: datetime,
                          out: Outcome) -> bool:
        with self.desk.store.write() as session:
            self._learn_time(session, state, sent, self._now(), answer.server_time)
            now = self._now()
            # Only the operations the answer asks something of are read back (a rejection, an amendment),
            # and only those sent for the first time: one sent again after the server lost it keeps the
            # decision taken on it then, and this desk has acted on that already.
            seqs = [result.seq + state.seq_offset for result in answer.results if outcomes.needs_action(result)]
            fresh = {row.seq: row for start in range(0, len(seqs), 500) for row in session.execute(
                select(OutboxOp.seq, OutboxOp.op, OutboxOp.op_id, OutboxOp.rows)
                .where(OutboxOp.seq.in_(seqs[start:start + 500]), OutboxOp.pushed_at.is_(None),
                       OutboxOp.decision.is_(None)))}
            acknowledged = [{"s": result.seq + state.seq_offset, "when": now,
                             "d": "rejected" if result.status == "rejected" else "accepted", "r": result.reason,
                             "p": None if result.position is None else log_order(answer.epoch, result.position)}
                            for result in answer.results]
            out.rejected += outcomes.take_decisions(session, state, fresh, answer.results, now)
            out.pushed += sum(1 for r in answer.results if r.status == "applied")
            if acknowledged:  # one statement for the whole batch (thousands of rows after a day offline)
                outbox = OutboxOp.__table__
                session.connection().execute(
                    outbox.update().where(outbox.c.seq == bindparam("s"), outbox.c.pushed_at.is_(None))
                    .values(pushed_at=bindparam("when"), decision=bindparam("d"), reason=bindparam("r"),
                            position=bindparam("p")), acknowledged)
            audit_moved = answer.audit_head.seq != state.audit_pushed
            # The server holds fewer of this desk's entries than it took: it was restored from a backup,
            # not handed a rewritten chain. Send again from where it stands; nothing for a lead.
            audit_lost = answer.audit_head.seq < state.audit_pushed
            state.server_audit_seq, state.server_audit_hash = answer.audit_head.seq, answer.audit_head.hash
            if answer.audit_error:
                if not audit_lost and not session.scalar(select(func.count()).select_from(SyncProblem).where(
                        SyncProblem.kind == "audit", SyncProblem.resolved_at.is_(None))):
                    session.add(SyncProblem(id=new_id(), at=now, kind="audit", reason="chain not accepted"))
                state.audit_pushed = answer.audit_head.seq
            elif batch.audit:
                state.audit_pushed = max(answer.audit_head.seq, state.audit_pushed)
            save(session, state, "audit_pushed", "server_audit_seq", "server_audit_hash")
        blocked_audit = bool(answer.audit_error) and not audit_lost
        return bool(answer.results) or (audit_moved and not blocked_audit)

    def _handle_stop(self, client: ServerClient, state: SyncState, stopped: protocol.Stopped, epoch: int,
                     out: Outcome) -> None:
        if stopped.code == "seq_conflict":
            self._carry_on_as_new_device(client, state)
            return
        if stopped.code == "rekey_needed":
            # The hub's key was rotated at another desk: take the new slot set (and key), then send
            # again, sealed under it. Retryable: nothing was stored and the seq did not advance.
            before = site_keys(self.desk).current_version
            self._sync_slots(client, state)
            if site_keys(self.desk).current_version == before:
                raise SyncError(KEY_CHANGED)  # the person signed in here has no slot that reaches it
            return
        # A gap. If the server had acknowledged that seq, it lost operations it had committed: it was
        # restored from a backup. Unless an operator started a new epoch already, show it the evidence
        # (its log must not carry on in the numbering desks have read past); then send them again.
        if epoch == state.epoch and stopped.expected_seq <= self._acknowledged_seq(state):
            self._server_behind(client, state, out)
        out.resent += self._send_again_from(state, stopped.expected_seq)

    def _acknowledged_seq(self, state: SyncState) -> int:
        """The newest seq of this desk's (as the server numbers them) that the server acknowledged."""
        with self.desk.store.read() as session:
            newest = session.scalar(select(func.max(OutboxOp.seq)).where(
                OutboxOp.pushed_at.is_not(None), OutboxOp.decision.in_(("accepted", "rejected"))))
        return max(0, (newest or 0) - state.seq_offset)

    def _send_again_from(self, state: SyncState, server_seq: int) -> int:
        with self.desk.store.write() as session:
            return self._mark_again(session, state, server_seq)

    def _mark_again(self, session: Any, state: SyncState, server_seq: int) -> int:
        """Mark this desk's operations from ``server_seq`` on to be sent again (the server lost them).
        Those it had refused keep that decision and are sent as refused before; the others are decided
        anew. Returns how many."""
        first = server_seq + state.seq_offset
        newest = session.scalar(select(func.max(OutboxOp.seq))) or 0
        kept = session.scalar(select(func.count()).select_from(OutboxOp).where(
            OutboxOp.seq >= first, OutboxOp.rows.is_not(None))) or 0
        if newest < first:
            return 0
        if kept != newest - first + 1:
            state.stopped = "lost_ops"
            save(session, state, "stopped")
            raise SyncError("The hub's server has lost changes this desk sent too long ago to keep a copy (the "
                            "records on this desk still have them). Tell the hub's manager: see “When the "
                            "server was restored” in the README.")
        again = OutboxOp.seq >= first
        session.execute(update(OutboxOp).where(again, OutboxOp.decision == "rejected").values(pushed_at=None))
        session.execute(update(OutboxOp).where(again, OutboxOp.decision.is_distinct_from("rejected"))
                        .values(pushed_at=None, decision=None, reason=None, position=None))
        return int(kept)

    def _server_behind(self, client: ServerClient, state: SyncState, out: Outcome) -> None:
        """Show the server it is behind what it told this desk: it starts a new epoch (or an operator
        or another desk has already). This desk then reads the old one to its end and moves on."""
        check = self._own_check(state)
        body = protocol.RestoredRequest(epoch=state.epoch, cursor=state.cursor,
                                        acked_seq=self._acknowledged_seq(state),
                                        check_p=check[0] if check else None, check_id=check[1] if check else None)
        protocol.EpochState.model_validate(client.call("POST", "/v1/restored", body=body.model_dump()))
        out.new_epoch = True

    def _own_check(self, state: SyncState) -> tuple[int, str] | None:
        """Where the server put this desk's newest accepted operation in the current epoch, and its id."""
        with self.desk.store.read() as session:
            found = session.execute(select(OutboxOp.position, OutboxOp.op_id).where(
                OutboxOp.decision == "accepted", OutboxOp.position > log_order(state.epoch, 0),
                OutboxOp.position <= log_order(state.epoch, EPOCH_SPAN - 1)).order_by(OutboxOp.position.desc())
                .limit(1)).first()
        if found is None or found[0] is None or found[1] is None:
            return None
        return found[0] - log_order(state.epoch, 0), found[1]

    def _next_epoch(self, client: ServerClient, state: SyncState, out: Outcome) -> None:
        """The epoch this desk was reading has ended and it has read it to its end: on to the next, from
        its start. The server may hold less of this desk's than it was told: send that again."""
        head = protocol.AuditHead.model_validate(client.call("GET", "/v1/audit-head"))
        devices = protocol.DeviceList.model_validate(client.call("GET", "/v1/devices")).devices
        held = next((d.last_seq for d in devices if d.this_device), 0)
        acknowledged = self._acknowledged_seq(state)
        with self.desk.store.write() as session:  # all or nothing: a desk cut off here starts this again
            state.epoch, state.cursor = state.epoch + 1, 0
            if head.seq < state.audit_pushed:  # its audit entries since then, too
                state.audit_pushed, state.server_audit_seq, state.server_audit_hash = head.seq, head.seq, head.hash
            save(session, state, "epoch", "cursor", "audit_pushed", "server_audit_seq", "server_audit_hash")
            session.add(SyncProblem(id=new_id(), at=self._now(), kind="new_epoch", reason=f"epoch {state.epoch}"))
            if held < acknowledged:
                out.resent += self._mark_again(session, state, held + 1)
        out.new_epoch = True

    def _carry_on_as_new_device(self, client: ServerClient, state: SyncState) -> None:
        """Restored from a backup, or a copied folder: the server knows this desk's numbers with other
        operations. Carry on as a new device, numbering what was not pushed from 1."""
        with self.desk.store.read() as session:
            head = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc())
                                   .limit(1)).first()
        audit_seq, audit_hash = (head[0], head[1]) if head else (0, GENESIS)
        new_device = new_id()
        answer = protocol.Enrolled.model_validate(client.call("POST", "/v1/fork", body=protocol.ForkRequest(
            new_device_id=new_device, audit_seq=audit_seq, audit_hash=audit_hash).model_dump()))
        with self.desk.store.write() as session:
            first = session.scalar(select(func.min(OutboxOp.seq)).where(OutboxOp.pushed_at.is_(None),
                                                                        OutboxOp.rows.is_not(None)))
            state.seq_offset = (first or 1) - 1
            state.device_id, state.token = new_device, answer.device_token
            state.audit_pushed = state.server_audit_seq = audit_seq
            state.server_audit_hash = audit_hash
            save(session, state, "seq_offset", "device_id", "token", "audit_pushed", "server_audit_seq",
                 "server_audit_hash")
            session.execute(update(OutboxOp).where(OutboxOp.pushed_at.is_(None)).values(device_id=new_device))
            setting = session.get(Setting, DEVICE_ID_KEY)
            assert setting is not None
            setting.value = new_device
            session.add(SyncProblem(id=new_id(), at=self._now(), kind="restored",
                                    reason="restored or copied: new device"))
        client.token = answer.device_token
        self.desk.device_id = new_device

    # --- pull ------------------------------------------------------------------------------------
    def _pull_all(self, client: ServerClient, state: SyncState, out: Outcome) -> int:
        """Pull until caught up; returns the version of the hub's key-slot set the server holds."""
        opener = Opener(state.site_id, site_keys(self.desk))
        with self.desk.store.read() as session:
            newest = session.scalar(select(func.max(OutboxOp.seq))) or 0
        # The newest of its own operations this desk holds: ones after it (pushed before this desk was
        # put back from a backup) come back with the others'.
        mine_upto = max(0, newest - state.seq_offset)
        check = self._own_check(state)
        while True:
            sent = self._now()
            params: dict[str, Any] = {"epoch": state.epoch, "after": state.cursor, "limit": PULL_PAGE,
                                      "mine_upto": mine_upto}
            if check is not None:
                params.update(check_p=check[0], check_id=check[1])
            try:
                page = client.fetch(protocol.PullResponse, "GET", "/v1/pull", params=params)
            except ServerRefused as error:
                if error.code not in SERVER_BEHIND:
                    raise
                self._server_behind(client, state, out)  # then this epoch reads as ended
                check = None
                continue
            with self.desk.store.write() as session:
                self._learn_time(session, state, sent, self._now(), page.server_time)
                ended = page.current_epoch is not None and not page.entries and page.upto <= state.cursor
                if not ended:
                    if not page.entries and page.upto <= state.cursor:
                        return page.slot_version
                    applied = apply_page(session, state, opener, page, self._now())
            if ended:
                self._next_epoch(client, state, out)
                check = None
                if out.resent:
                    raise MustPushFirst()  # send those again before reading the new epoch
                continue
            out.pulled += applied.operations
            out.refused += applied.refused
            out.changes = out.changes | applied.changes
            if self.progress is not None:
                self.progress("pull", state.cursor, page.head)

    def _repair(self, client: ServerClient, state: SyncState) -> bool:
        """Put back records an operation of this desk's changed that the hub refused or changed; False
        when the hub's log has moved past this desk's cursor (pull first, then try again)."""
        keys = [(t, json.loads(k)) for t, k in state.repair[:outcomes.MAX_REPAIR]]
        answer = client.fetch(protocol.RecordsResponse, "POST", "/v1/records",
                              body=protocol.RecordsRequest.model_construct(keys=keys))
        if answer.epoch != state.epoch or answer.position != state.cursor:
            return False
        with self.desk.store.write() as session:
            if session.scalar(select(func.count()).select_from(OutboxOp).where(
                    OutboxOp.pushed_at.is_(None), OutboxOp.rows.is_not(None))):
                return False  # a change made here meanwhile: push it first
            outcomes.repair(session, state, Opener(state.site_id, site_keys(self.desk)), answer, self._now())
        return True

    # --- slots -----------------------------------------------------------------------------------
    def _key_waiting(self) -> bool:
        """A key version rotated at another desk is adopted but not yet taken."""
        pending = self.desk.keyslots.pending
        return pending is not None and pending not in self.desk.keys.versions

    def _sync_slots(self, client: ServerClient, state: SyncState, tries: int = 3) -> None:
        """Take the hub's key-slot set (merged with what changed here), take a key rotated at another
        desk, then send what changed here: compare and set on the set's version, and on the key version
        this desk last had from the hub (``key_base``), so a rotation is taken only on top of it."""
        desk, key = self.desk, state.sync_key_bytes
        remote = protocol.SlotSet.model_validate(client.call("GET", "/v1/slots"))
        # A desk enrolled before the key version was kept: what it and the hub both have.
        base_key = state.key_version or min(remote.key_version, _own_key_version(desk))
        if remote.version != state.slot_version:
            _, remote_slots, remote_key, remote_chain = slotsync.open_set_keys(key, remote.blob)
            base_key = state.key_version or min(remote_key, _own_key_version(desk))
            merged = slotsync.merge(slotsync.slots_from_json(state.slot_base), desk.keyslots.slots, remote_slots)
            if remote_key == _own_key_version(desk) and remote_key in desk.keys.versions \
                    and chain_holds(remote_chain, remote_key, desk.keys.master(remote_key)):
                base_key = remote_key  # the hub holds this desk's own rotation (its answer was lost)
            if remote_key > base_key and _own_key_version(desk) > base_key:
                # Rotated here and at another desk while apart: the hub took the other. Rotate again on
                # top of it (sent below); nothing sealed with this desk's own version was ever sent.
                if desk.keyslots.pending is not None or keyrotation.rotate_on_top(
                        desk, merged, remote_slots, remote_key, remote_chain, self._rekey_progress()) is None:
                    raise SyncError(KEY_FORKED)
            elif slotsync.fingerprint(merged) != slotsync.fingerprint(desk.keyslots.slots) \
                    or remote_key > _own_key_version(desk):
                adopted = slotsync.adopt(desk.keyslots, desk.master_key, merged, key_version=remote_key,
                                         chain=remote_chain)
                if adopted.pending is None or adopted.pending in desk.keys.versions:
                    adopted.seal_missing(desk.keys)  # slots taken from the hub get this desk's own rotation
                adopted.save(desk.store.paths.keyslots)
                desk.keyslots = adopted
            with desk.store.write() as session:
                state.slot_version, state.slot_hash = remote.version, slotsync.fingerprint(remote_slots)
                state.slot_base, state.key_version = slotsync.slots_json(remote_slots), max(base_key, remote_key)
                save(session, state, "slot_version", "slot_hash", "slot_base", "key_version")
        if self._key_waiting():
            self._take_key()
        if slotsync.fingerprint(desk.keyslots.slots) == state.slot_hash or desk.keyslots.pending is not None:
            # Nothing changed here; or a new key not yet in every slot here: sent once it is.
            return
        try:
            answer = protocol.SlotSet.model_validate(client.call("PUT", "/v1/slots", body=protocol.SlotPut(
                expected_version=state.slot_version, blob=slotsync.seal(key, desk.keyslots, state.slot_version + 1),
                key_version=_own_key_version(desk), key_base=state.key_version or base_key).model_dump()))
        except ServerRefused as error:
            if error.code == "slot_conflict":  # another desk changed them meanwhile: merge theirs too
                if tries > 1:
                    self._sync_slots(client, state, tries - 1)
                return
            if error.code == "key_conflict":
                raise SyncError(KEY_FORKED) from None
            raise
        with desk.store.write() as session:
            state.slot_version, state.slot_hash = answer.version, slotsync.fingerprint(desk.keyslots.slots)
            state.slot_base, state.key_version = slotsync.slots_json(desk.keyslots.slots), answer.key_version
            save(session, state, "slot_version", "slot_hash", "slot_base", "key_version")

    def _take_key(self) -> None:
        """Rekey this store with the key rotated at another desk (reported as the "rekey" step)."""
        with self.desk.store.read() as session:
            seen = slotsync.slots_from_json(load(session).slot_base)
        keyrotation.take_from_slot(self.desk, self._rekey_progress(), seen=seen)

    def _rekey_progress(self) -> keyrotation.Progress | None:
        report = self.progress
        return (lambda done, total: report("rekey", done, total)) if report is not None else None

    # --- for the screens and `sync status` ---------------------------------------------------------
    def waiting(self) -> int:
        with self.desk.store.read() as session:
            return waiting(session)


def _own_key_version(desk: DeskContext) -> int:
    """The newest key version this desk's slot set carries (a rotation begun counts)."""
    return desk.keyslots.pending or desk.keyslots.current
