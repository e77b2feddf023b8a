"""Typed models of the partnership's by-name list and the impact estimate's unit costs (migration 0008).

Imported at the end of db/models.py, so every table is on ``Base.metadata`` wherever the models are.
Days (a meeting's, a due date) are local dates kept as ISO text, like a bed's night.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from safespace_desk.db.models import Base
from safespace_desk.db.types import UTCDateTime


class PartnershipMeeting(Base):
    """A meeting day the list was prepared for, or at which something was agreed."""

    __tablename__ = "partnership_meeting"
    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class PartnershipMember(Base):
    """A person on the by-name list, from the meeting that agreed to add them to the one that agreed
    to take them off. Joining again makes a new row; history is kept."""

    __tablename__ = "partnership_member"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    joined_on: Mapped[str] = mapped_column(String(10))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    joined_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    left_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    left_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class PartnershipAction(Base):
    """The "action agreed" line: one per person per meeting (a later edit that day replaces it)."""

    __tablename__ = "partnership_action"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    guest_id: Mapped[str] = mapped_column(String(36), ForeignKey("guest.id"))
    meeting_day: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[str] = mapped_column(String(10))
    done_on: Mapped[str | None] = mapped_column(String(10), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class UnitCost(Base):
    """A line of the impact estimate's unit cost, with its source and date. ``set_at`` empty: as the
    program started it, from the Derby review."""

    __tablename__ = "unit_cost"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    unit_pence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    share_percent: Mapped[int] = mapped_column(Integer, default=100)
    direction: Mapped[str] = mapped_column(String(8))
    basis: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    source_date: Mapped[str] = mapped_column(String(10), default="")
    set_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    set_by: Mapped[str | None] = mapped_column(String(36), nullable=True)


class UnitCostChange(Base):
    """Every change to a unit cost, before and after (JSON), so none is ever silently changed."""

    __tablename__ = "unit_cost_change"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    staff_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
