"""Epochs: a site's change log after the server lost part of it (restored from a backup, or replaced).

A server restored from a backup holds the log only as far as the backup; its desks hold more (what they
pushed and read since). Carrying on in the same numbering would hand out positions desks have already
read past, and they would skip those operations for ever. So the server starts a new epoch instead: the
old epoch's log ends where the backup left it (``site_epoch`` keeps that head), positions start again
from 1, and each desk

1. reads the old epoch to its end (or, if it had read further, stops there),
2. pushes again what it kept that the server lacks: the usual "gap" answer names the first seq the
   server does not hold for it; op ids the server holds already are acknowledged, not applied again;
   operations the server had refused before it lost them are refused again, not decided anew,
3. reads the new epoch from its start, skipping other desks' operations it has applied already (by
   each desk's seq), so nothing is applied twice and nothing it holds is dropped.

An epoch starts in one of two ways: the operator runs ``server new-epoch`` after restoring a backup (or
on a replacement server), or a desk shows the server is behind what the desk was told (``POST
/v1/restored``): its cursor past the log's head, an operation of its own no longer at the position it
was given, a seq of its own the server had acknowledged and no longer holds, or a newer epoch. The
server checks the evidence against its own tables and starts the epoch itself, so desks that have not
noticed yet read the old epoch to its end instead of skipping what comes next.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select, update

from safespace_desk.db.types import utc_text
from safespace_desk.sync import protocol
from safespace_desk.sync.server import db
from safespace_desk.sync.server.enrolment import Caller
from safespace_desk.sync.server.errors import conflict, not_found
from safespace_desk.sync.server.models import Device, EndedEpoch, EnrolCode, LoggedOp, ServerSite

OPERATOR = "operator"
DESK_EVIDENCE = "desk_evidence"


@dataclass(frozen=True)
class Started:
    site_name: str
    ended_epoch: int
    ended_head: int
    epoch: int


def start(conn: Connection, site_id: str, reason: str, now: str, *, after: int = 0) -> int:
    """End the site's current epoch at its head and start the next, or the one after ``after`` (an
    epoch a desk read that this server, put back from an older backup, never had: the epochs between
    are empty). The caller holds the site's lock."""
    site = conn.execute(select(ServerSite.epoch, ServerSite.log_head).where(ServerSite.id == site_id)).one()
    conn.execute(EndedEpoch.__table__.insert().values(site_id=site_id, epoch=site.epoch, ended_head=site.log_head,
                                                      ended_at=now, reason=reason))
    epoch = max(int(site.epoch), after) + 1
    conn.execute(update(ServerSite).where(ServerSite.id == site_id).values(epoch=epoch, log_head=0))
    # Codes kept in a backup may have been used since it was taken: none made before the new epoch works.
    conn.execute(update(EnrolCode).where(EnrolCode.site_id == site_id, EnrolCode.used_at.is_(None),
                                         EnrolCode.expires_at > now).values(expires_at=now))
    return epoch


def new_epoch(engine: Engine, site_name: str | None = None) -> list[Started]:
    """``server new-epoch``: a new epoch for one site, or for every site this server holds."""
    now = utc_text(datetime.now(UTC))
    with db.read(engine) as conn:
        query = select(ServerSite.id, ServerSite.name).order_by(ServerSite.name)
        if site_name is not None:
            query = query.where(ServerSite.name == " ".join(site_name.split()))
        sites = conn.execute(query).all()
    if site_name is not None and not sites:
        raise not_found("no_site", f"This server has no site called “{site_name}”.")
    out = []
    for site_id, name in sites:
        with db.write(engine) as conn:
            db.lock_site(conn, site_id)
            head = conn.execute(select(ServerSite.epoch, ServerSite.log_head).where(ServerSite.id == site_id)).one()
            epoch = start(conn, site_id, OPERATOR, now)
        out.append(Started(name, int(head.epoch), int(head.log_head), epoch))
    return out


def ended_head(conn: Connection, site_id: str, epoch: int) -> int:
    """Where an ended epoch's log stops (0 for an epoch this server never had)."""
    head = conn.execute(select(EndedEpoch.ended_head).where(EndedEpoch.site_id == site_id,
                                                            EndedEpoch.epoch == epoch)).scalar()
    return int(head or 0)


def mismatch(conn: Connection, site_id: str, epoch: int, position: int | None, op_id: str | None) -> bool:
    """True when the log does not hold ``op_id`` at ``position`` (where it told the desk it put it)."""
    if position is None or op_id is None:
        return False
    found = conn.execute(select(LoggedOp.op_id).where(LoggedOp.site_id == site_id, LoggedOp.epoch == epoch,
                                                      LoggedOp.position == position)).scalar()
    return found != op_id


def restored(engine: Engine, caller: Caller, req: protocol.RestoredRequest) -> protocol.EpochState:
    """A desk's evidence that this server lost part of its log: checked, then a new epoch starts."""
    now = utc_text(datetime.now(UTC))
    with db.write(engine) as conn:
        db.lock_site(conn, caller.site_id)
        site = conn.execute(select(ServerSite.epoch, ServerSite.log_head).where(ServerSite.id == caller.site_id)).one()
        if req.epoch < site.epoch:
            return protocol.EpochState(epoch=site.epoch, started=False)  # another desk or the operator did
        last_seq = conn.execute(select(Device.last_seq).where(Device.id == caller.device_id)).scalar_one()
        behind = (req.epoch > site.epoch or req.cursor > site.log_head or req.acked_seq > last_seq
                  or mismatch(conn, caller.site_id, site.epoch, req.check_p, req.check_id))
        if not behind:
            raise conflict("not_behind", "The server holds everything this desk was told it holds: no new epoch "
                                         "was started.")
        epoch = start(conn, caller.site_id, DESK_EVIDENCE, now, after=req.epoch)
    return protocol.EpochState(epoch=epoch, started=True)
