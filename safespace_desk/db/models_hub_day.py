"""Typed models of the hub's day beyond sign-in (issue 13, migration 0009 onwards).

Imported at the end of db/models.py, so every table is on ``Base.metadata`` wherever the models are.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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
