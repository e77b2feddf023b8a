"""Typed models of the hub's day beyond sign-in (issue 13, migration 0009 onwards).

Imported at the end of db/models.py, so every table is on ``Base.metadata`` wherever the models are.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from safespace_desk.db.models import Base
from safespace_desk.db.types import UTCDateTime


class ExpectedArrival(Base):
    """Someone the hub has been told to expect: a prison release, a hospital discharge, a hostel swap.

    Either a guest on the register or a description ("man in his 40s, released from HMP Nottingham").
    Open until linked to the visit when they arrive, or marked as not arrived."""

    __tablename__ = "expected_arrival"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("guest.id"), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    from_whom: Mapped[str] = mapped_column(String(200))
    via: Mapped[str] = mapped_column(String(16))  # how they will arrive: an ArrivedVia value
    expected_at: Mapped[datetime] = mapped_column(UTCDateTime())
    needs: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    visit_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("visit.id"), nullable=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    not_arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class KeepApart(Base):
    """Two guests who must not be in the hub together unnoticed (domestic abuse, bail conditions).
    The link goes both ways; its reason is for shift leads and managers only."""

    __tablename__ = "keep_apart"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_a: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    guest_b: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ended_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class HostelSwap(Base):
    """A hostel "swap": a guest leaves for a hostel place as someone from that hostel comes to the hub.
    One move out (``out_visit_id``) and one in (the expected arrival, linked when they come)."""

    __tablename__ = "hostel_swap"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    out_visit_id: Mapped[str] = mapped_column(String(36), ForeignKey("visit.id"))
    expected_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("expected_arrival.id"), nullable=True)
    hostel: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Enquiry(Base):
    """Someone asked about a person (the police, probation, victim services). What was said beyond the
    default answer carries the lead who approved it (a CHECK in the store says so too)."""

    __tablename__ = "enquiry"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    agency_id: Mapped[str] = mapped_column(String(36), ForeignKey("agency.id"))
    asker: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(200), nullable=True)  # badge number, reference
    guest_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("guest.id"), nullable=True)
    about_name: Mapped[str] = mapped_column(String(200))  # as the enquirer gave it
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(String(16))
    answer: Mapped[str] = mapped_column(String(16))
    said: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class SharingChoice(Base):
    """A guest's choice about one agency ("yes, tell probation I've been in"). The latest one counts;
    earlier ones are kept."""

    __tablename__ = "sharing_choice"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    agency_id: Mapped[str] = mapped_column(String(36), ForeignKey("agency.id"))
    share: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class AccommodationStatus(Base):
    """Where a person lives now, from ``since``: recorded when they leave for a place on the site's list
    (``source`` "departure") or by hand. The newest ``since`` is their status; the rest is history."""

    __tablename__ = "accommodation_status"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    kind: Mapped[str] = mapped_column(String(24))  # a DestinationKind value
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(16))
    visit_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class GuestDeath(Base):
    """The person has died. Their record stays (for the figures and the retention rules); they leave
    the desk's search and lists, and their waiting messages are closed."""

    __tablename__ = "guest_death"
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"), primary_key=True)
    died_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Appointment(Base):
    """A room booked for a guest's appointment, or (no guest) for an agency's session."""

    __tablename__ = "appointment"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("guest.id"), nullable=True)
    agency_id: Mapped[str] = mapped_column(String(36), ForeignKey("agency.id"))
    what: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    minutes: Mapped[int] = mapped_column(Integer)
    room: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(16), default="booked")
    message_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class GuestFeedback(Base):
    """A guest's own short feedback, anonymous: nothing names the guest or who wrote it down, and only
    the local date is kept, so it cannot be matched to a sign-in. The id is random (not time-ordered)."""

    __tablename__ = "guest_feedback"
    __table_args__ = {"sqlite_with_rowid": False}
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    given_on: Mapped[str] = mapped_column(String(10))
    words: Mapped[str | None] = mapped_column(Text, nullable=True)
    rating: Mapped[str | None] = mapped_column(String(16), nullable=True)
