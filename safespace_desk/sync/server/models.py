"""The server's tables (SQLAlchemy 2). The schema itself is made by the server's Alembic migrations.

Times are ISO-8601 UTC text, as on the desks, so PostgreSQL and SQLite store them alike and they sort.
Nothing here is guest data in plain: row changes carry their allowlisted fields in clear and the rest
sealed with keys the server never has (see sync/sealing.py).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class ServerSite(Base):
    """A hub. ``epoch`` and ``log_head`` give the position of its newest change: (epoch, log_head)."""

    __tablename__ = "site"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    epoch: Mapped[int] = mapped_column(Integer, default=1)
    log_head: Mapped[int] = mapped_column(BigInteger, default=0)
    # "none" until the first desk enrols; "uploading" while it sends its records; then "complete".
    base_state: Mapped[str] = mapped_column(String(16), default="none")
    base_device_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # The site's key-slot set, sealed on the desks with the sync key (the server cannot open it).
    slot_version: Mapped[int] = mapped_column(Integer, default=0)
    slot_blob: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # The newest site key version (a desk's rotation is taken only on top of it; an operation sealed
    # under an older one is sent back "rekey needed").
    key_version: Mapped[int] = mapped_column(Integer, default=1)


class EndedEpoch(Base):
    """An epoch of a site's change log that ended (the server was restored from a backup or replaced):
    its log stops at ``ended_head``; desks read it to there, then the next epoch from its start."""

    __tablename__ = "site_epoch"
    site_id: Mapped[str] = mapped_column(String(36), ForeignKey("site.id"), primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, primary_key=True)
    ended_head: Mapped[int] = mapped_column(BigInteger)
    ended_at: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(32))  # "operator" (server new-epoch) or "desk_evidence"


class EnrolCode(Base):
    """A one-time code: ``first`` (made on the server for a site's first desk) or ``join``."""

    __tablename__ = "enrol_code"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(36), ForeignKey("site.id"))
    kind: Mapped[str] = mapped_column(String(8))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    expires_at: Mapped[str] = mapped_column(String(32))
    made_by_device: Mapped[str | None] = mapped_column(String(36), nullable=True)
    used_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    used_by_device: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Device(Base):
    """An enrolled desk. Only the SHA-256 of its token is kept; ``last_seq`` is the newest operation
    applied from it, written in the same transaction as that operation's effects."""

    __tablename__ = "device"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    site_id: Mapped[str] = mapped_column(String(36), ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    last_seen_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    revoked_at: Mapped[str | None] = mapped_column(String(32), nullable=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    forked_from: Mapped[str | None] = mapped_column(String(36), nullable=True)
    audit_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    audit_hash: Mapped[str] = mapped_column(String(64), default="")


class LoggedOp(Base):
    """Every operation a desk pushed, with the server's decision. Accepted ones have a position in
    the site's change log; ``body`` is the operation exactly as the desk sealed and MACed it."""

    __tablename__ = "op"
    site_id: Mapped[str] = mapped_column(String(36), ForeignKey("site.id"), primary_key=True)
    op_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[str] = mapped_column(String(32))
    epoch: Mapped[int] = mapped_column(Integer)
    position: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    # An accepted operation the server changed (sync/decisions.py): JSON, or None when taken as sent.
    amend: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (
        UniqueConstraint("site_id", "device_id", "seq", name="uq_op_device_seq"),
        UniqueConstraint("site_id", "epoch", "position", name="uq_op_position"),
    )


class SiteRecord(Base):
    """The current state of one record of a site, as the sealed row changes that still count, in log
    order (a change whose every field a later change replaced is dropped). A joining desk's snapshot."""

    __tablename__ = "record"
    site_id: Mapped[str] = mapped_column(String(36), ForeignKey("site.id"), primary_key=True)
    tbl: Mapped[str] = mapped_column(String(40), primary_key=True)
    rid: Mapped[str] = mapped_column(String(80), primary_key=True)
    guest_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    position: Mapped[int] = mapped_column(BigInteger)
    changes: Mapped[str] = mapped_column(Text)  # JSON list of row changes

    __table_args__ = (Index("ix_record_guest", "site_id", "guest_id"),)


class ChainEntry(Base):
    """A desk's audit entry: position in its hash chain in clear, what it says sealed."""

    __tablename__ = "audit_entry"
    site_id: Mapped[str] = mapped_column(String(36), ForeignKey("site.id"), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[str] = mapped_column(String(32))
    sealed: Mapped[str] = mapped_column(Text)


class OpenVisit(Base):
    """A visit signed in and not yet out or voided, as the records say (for the sign-in rules)."""

    __tablename__ = "open_visit"
    site_id: Mapped[str] = mapped_column(String(36), ForeignKey("site.id"), primary_key=True)
    visit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36))
    in_building: Mapped[bool] = mapped_column(Boolean)
    signed_in_at: Mapped[str | None] = mapped_column(String(32), nullable=True)

    __table_args__ = (Index("ix_open_visit_guest", "site_id", "guest_id"),)


class BedHold(Base):
    """Who holds a bed on a night (one assignment per bed per night: the primary key says so)."""

    __tablename__ = "bed_hold"
    site_id: Mapped[str] = mapped_column(String(36), ForeignKey("site.id"), primary_key=True)
    night_of: Mapped[str] = mapped_column(String(10), primary_key=True)
    bed_label: Mapped[str] = mapped_column(String(80), primary_key=True)
    assignment_id: Mapped[str] = mapped_column(String(36))


class Tombstone(Base):
    """An erased guest: the id only, kept for ever, so nothing about them is taken again."""

    __tablename__ = "tombstone"
    site_id: Mapped[str] = mapped_column(String(36), ForeignKey("site.id"), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger)
