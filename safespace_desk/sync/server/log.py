"""Reading the change log (pull), a joining desk's snapshot, and the first desk's upload of its records.

Pull serves accepted operations by position: because appends hold the site's lock until they commit,
positions become visible in order, and ``position > cursor`` never skips one. The snapshot is every
record's surviving changes and the log position they stand at, read in ONE repeatable-read
transaction and streamed as lines of JSON (a header, the records, a trailer with the count, so a
cut-off download is noticed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, func, select, update

from safespace_desk.db.types import utc_text
from safespace_desk.sync import protocol, registry
from safespace_desk.sync.server import db, epochs
from safespace_desk.sync.server.enrolment import Caller
from safespace_desk.sync.server.errors import conflict, forbidden, gone, unprocessable
from safespace_desk.sync.server.facts import Facts
from safespace_desk.sync.server.models import Device, LoggedOp, ServerSite, SiteRecord
from safespace_desk.sync.server.records import RecordBatch, change_entry, key_text

SNAPSHOT_FETCH = 2000


def pull(engine: Engine, caller: Caller, epoch: int, after: int, limit: int, mine_upto: int | None = None,
         check: tuple[int, str] | None = None) -> str:
    """The page of the log after ``after`` as JSON text (the operations as the desks sent them).

    ``mine_upto``: the newest seq the desk holds of its own. Its own accepted operations up to it are
    left out (it has them); later ones are sent: the desk was restored from a backup taken before it
    pushed them, and would otherwise never see them again.

    An epoch that has ended (server/epochs.py) is served up to where it ended, with the current epoch
    named, so the desk reads it to its end and moves on. ``check``: a position and the op id the server
    gave it for one of the desk's own operations; the log must still hold it there."""
    limit = max(1, min(limit, protocol.MAX_PULL_PAGE))
    with db.read(engine) as conn:
        site = conn.execute(select(ServerSite.epoch, ServerSite.log_head, ServerSite.slot_version)
                            .where(ServerSite.id == caller.site_id)).one()
        if epoch > site.epoch:
            raise gone("epoch_ahead", "This desk has read a newer epoch of the log than the server holds: the "
                                      "server was restored from a backup taken before it.")
        head, current = site.log_head, None
        if epoch < site.epoch:
            head, current = epochs.ended_head(conn, caller.site_id, epoch), site.epoch
        elif after > head:
            raise conflict("cursor_ahead", "This desk has read further than the server's log goes: the server "
                                           "may have been restored from a backup.")
        elif check is not None and (check[0] > head or epochs.mismatch(conn, caller.site_id, epoch, *check)):
            raise conflict("log_diverged", "The server's log no longer holds this desk's change where it said "
                                           "it put it: the server may have been restored from a backup.")
        # Every position up to the head read above is committed (the head is written in the same
        # transaction as the operations), so reading up to it leaves no gap. The desk's own accepted
        # operations are not sent back: it has them, and the push told it the server's decision.
        rows = conn.execute(select(LoggedOp.position, LoggedOp.decision, LoggedOp.body, LoggedOp.amend)
                            .where(LoggedOp.site_id == caller.site_id, LoggedOp.epoch == epoch,
                                   LoggedOp.position > after, LoggedOp.position <= head,
                                   (LoggedOp.device_id != caller.device_id) | (LoggedOp.decision != "accepted")
                                   | (LoggedOp.seq > (mine_upto if mine_upto is not None else 2**62)))
                            .order_by(LoggedOp.position).limit(limit)).all()
    upto = rows[-1].position if len(rows) == limit else head
    entries = ",".join(f'{{"p":{p},"d":{json.dumps(d)},"op":{body}' + (f',"x":{amend}}}' if amend else "}")
                       for p, d, body, amend in rows)
    ended = f',"current_epoch":{current}' if current is not None else ""
    return (f'{{"epoch":{epoch},"head":{head},"entries":[{entries}],"upto":{upto},'
            f'"slot_version":{site.slot_version},"server_time":"{utc_text(datetime.now(UTC))}"{ended}}}')


def snapshot_lines(engine: Engine, caller: Caller) -> Iterator[bytes]:
    """The site's records as lines of JSON, consistent with the log position in the header."""
    with db.read(engine, repeatable=True) as conn:
        site = conn.execute(select(ServerSite.epoch, ServerSite.log_head, ServerSite.base_state)
                            .where(ServerSite.id == caller.site_id)).one()
        if site.base_state != "complete":
            raise conflict("base_incomplete", "The hub's first desk has not finished sending its records yet.")
        count = conn.execute(select(func.count()).select_from(SiteRecord)
                             .where(SiteRecord.site_id == caller.site_id)).scalar_one()
        yield (json.dumps({"epoch": site.epoch, "position": site.log_head, "records": count,
                           "server_time": utc_text(datetime.now(UTC))}) + "\n").encode()
        sent = 0
        result = conn.execution_options(stream_results=True, yield_per=SNAPSHOT_FETCH).execute(
            select(SiteRecord.tbl, SiteRecord.rid, SiteRecord.changes).where(SiteRecord.site_id == caller.site_id))
        buffer: list[str] = []
        for tbl, rid, changes in result:
            buffer.append(f'{{"t":{json.dumps(tbl)},"k":{_key_json(rid)},"ch":{changes}}}\n')
            sent += 1
            if len(buffer) >= 500:
                yield "".join(buffer).encode()
                buffer = []
        if buffer:
            yield "".join(buffer).encode()
        yield (json.dumps({"end": sent}) + "\n").encode()


def _key_json(rid: str) -> str:
    return rid if rid.startswith("[") else json.dumps(rid)


def check_snapshot_ready(engine: Engine, caller: Caller) -> None:
    with db.read(engine) as conn:
        state = conn.execute(select(ServerSite.base_state).where(ServerSite.id == caller.site_id)).scalar_one()
    if state != "complete":
        raise conflict("base_incomplete", "The hub's first desk has not finished sending its records yet.")


def upload_base(engine: Engine, caller: Caller, chunk: protocol.BaseChunk) -> protocol.BaseState:
    """The first desk's records, in parts; the last part (``done``) opens the site to other desks."""
    for record in chunk.records:
        table = registry.synced_table(record.t)
        if table is None:
            raise unprocessable("undeclared_table", "A record of a table that does not sync was sent.")
        if not set(record.c) <= table.clear:
            raise unprocessable("not_allowlisted", "A record sent a field in clear that is not on its "
                                                   "allowlist; it was refused and not stored.")
        if record.s is None:
            raise unprocessable("unsealed", "A record is not sealed.")
    with db.write(engine) as conn:
        db.lock_site(conn, caller.site_id)
        site = conn.execute(select(ServerSite.base_state, ServerSite.base_device_id)
                            .where(ServerSite.id == caller.site_id)).one()
        if site.base_state != "uploading" or site.base_device_id != caller.device_id:
            raise forbidden("not_uploading", "Only the hub's first desk sends its records, once, while enrolling.")
        facts = Facts(conn, caller.site_id)
        if chunk.first:
            conn.execute(delete(SiteRecord).where(SiteRecord.site_id == caller.site_id))
            facts.clear_all()
            conn.execute(update(Device).where(Device.id == caller.device_id).values(last_seq=chunk.base_seq))
        batch = RecordBatch(conn, caller.site_id, facts)
        batch.load((r.t, key_text(r.k)) for r in chunk.records)
        for record in chunk.records:
            batch.apply(record.t, record.k, "i",
                        change_entry(chunk.base_id, registry.BASE_KIND, chunk.kv, 0, record.c, record.n, record.s))
        batch.write()
        if chunk.done:
            conn.execute(update(ServerSite).where(ServerSite.id == caller.site_id).values(base_state="complete"))
        count = conn.execute(select(func.count()).select_from(SiteRecord)
                             .where(SiteRecord.site_id == caller.site_id)).scalar_one()
        state = "complete" if chunk.done else "uploading"
    return protocol.BaseState(state=state, records=count)


def audit_head(engine: Engine, caller: Caller) -> protocol.AuditHead:
    with db.read(engine) as conn:
        row = conn.execute(select(Device.audit_seq, Device.audit_hash).where(Device.id == caller.device_id)).one()
    return protocol.AuditHead(seq=row.audit_seq, hash=row.audit_hash)


def records(engine: Engine, caller: Caller, req: protocol.RecordsRequest) -> protocol.RecordsResponse:
    """Some records as the hub holds them now, with the log position they stand at (one read): a desk
    puts back what an operation of its own that the server refused or changed had changed."""
    with db.read(engine, repeatable=True) as conn:
        site = conn.execute(select(ServerSite.epoch, ServerSite.log_head)
                            .where(ServerSite.id == caller.site_id)).one()
        out = []
        for table, key in req.keys:
            changes = conn.execute(select(SiteRecord.changes).where(
                SiteRecord.site_id == caller.site_id, SiteRecord.tbl == table,
                SiteRecord.rid == key_text(key))).scalar()
            out.append(protocol.RecordState(t=table, k=key, ch=json.loads(changes) if changes else None))
    return protocol.RecordsResponse(epoch=site.epoch, position=site.log_head, records=out)


def tombstones(engine: Engine, caller: Caller) -> protocol.Tombstones:
    with db.read(engine) as conn:
        return protocol.Tombstones(guest_ids=Facts(conn, caller.site_id).tombstones())
