"""Typed models of a crisis service's and a haven's casework (migration 0006).

Imported at the end of db/models.py, so every table is on ``Base.metadata`` wherever the models are.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from safespace_desk.db.models import Base
from safespace_desk.db.types import UTCDateTime


class Referral(Base):
    """A referral received (from the SPA, a GP, ...). Accepting it opens or re-opens the case."""

    __tablename__ = "referral"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)  # a few words
    factors: Mapped[str] = mapped_column(Text, default="[]")  # JSON list; counted, never shown in lists
    kind: Mapped[str] = mapped_column(String(16))  # new, repeat, duplicate (fixed when received)
    status: Mapped[str] = mapped_column(String(16))  # waiting, accepted, declined, duplicate
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    decline_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    episode_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    duplicate_of: Mapped[str | None] = mapped_column(String(36), nullable=True)  # episode or referral id
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CaseEpisode(Base):
    """One spell of support. A person's case is all their episodes; a repeat referral adds one."""

    __tablename__ = "case_episode"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    number: Mapped[int] = mapped_column(Integer)  # 1 for the first episode, 2 when re-opened, ...
    referral_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    opened_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    closure_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    closure_note: Mapped[str | None] = mapped_column(Text, nullable=True)


class Contact(Base):
    """A diary entry: a call in or out, a visit in person or a virtual one."""

    __tablename__ = "contact"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())  # when it began (counted on that day)
    kind: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    with_circle_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # a carer, not the person
    episode_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    staff_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    voided_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class FollowUp(Base):
    __tablename__ = "follow_up"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)
    contact_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # logged with this contact
    assigned_to: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    done_contact_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Plan(Base):
    __tablename__ = "plan"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class PlanVersion(Base):
    """Never updated: each change to a plan is a new version."""

    __tablename__ = "plan_version"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(36), ForeignKey("plan.id"))
    version: Mapped[int] = mapped_column(Integer)
    sections: Mapped[str] = mapped_column(Text)  # JSON {section key: text}
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)  # the person asked: clinical readers only
    with_person: Mapped[bool] = mapped_column(Boolean, default=True)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    written_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class SupportGiven(Base):
    """Practical support: a food pack, a £10 electric top-up, bedding, ..."""

    __tablename__ = "support_given"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(16))
    amount_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    contact_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    staff_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    voided_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class OnwardReferral(Base):
    """A referral made to another service, followed through offered, accepted, seen (or declined)."""

    __tablename__ = "onward_referral"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    kind: Mapped[str] = mapped_column(String(16))
    organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    staff_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class CircleMember(Base):
    """Someone around the person: an agency contact (CPN, probation, housing) or a carer (consent)."""

    __tablename__ = "circle_member"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    role: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    consent_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    removed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Escalation(Base):
    """An escalation contact used (the crisis team's duty manager, 999), carried into the handover."""

    __tablename__ = "escalation"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    contact_name: Mapped[str] = mapped_column(String(80))
    number: Mapped[str | None] = mapped_column(String(40), nullable=True)
    guest_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("guest.id"), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    staff_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class GroupSession(Base):
    __tablename__ = "group_session"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    minutes: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(16))  # in_person or online
    facilitator_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SessionAttendance(Base):
    __tablename__ = "session_attendance"
    session_id: Mapped[str] = mapped_column(String(36), ForeignKey("group_session.id"), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Closing(Base):
    """The closing step at the end of an opening: who was still here, follow-ups for tomorrow."""

    __tablename__ = "closing"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    opening_date: Mapped[str] = mapped_column(String(10))  # the local date the opening began
    signed_out: Mapped[int] = mapped_column(Integer)
    follow_ups_ahead: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    staff_id: Mapped[str | None] = mapped_column(String(36), nullable=True)


class ImportedRecord(Base):
    """A line of a referrals or contacts sheet already imported (importing twice adds nothing)."""

    __tablename__ = "imported_record"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # referral or contact
    record_id: Mapped[str] = mapped_column(String(36))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
