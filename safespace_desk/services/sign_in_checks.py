"""What a sign-in must know before it writes, read in one statement (issue 9: sign-in within 2x of
its own rows written by raw SQL).

A sign-in asks a dozen questions of the store: the guest's merged records, whether any of them is
recorded as having died, is in already or is excluded, how many places are in use, which beds are
held tonight, and whether an expected arrival, a keep-apart link or an appointment concerns them.
Asked one ORM query at a time, the questions cost several times the rows the sign-in writes. Here
they are one statement in the sign-in's own transaction. Most guests have none of the rarer
things; when one is there the sign-in reads its details with the usual queries, so the rules and
messages stay where they are.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from safespace_desk.db.types import utc_text
from safespace_desk.domain.appointments import AppointmentState

# CROSS JOIN keeps SQLite walking the few identity ids into each index (as the search's status).
_CHECKS = """WITH RECURSIVE ident(id) AS (
  SELECT :guest UNION SELECT g.id FROM ident CROSS JOIN guest AS g WHERE g.merged_into = ident.id)
SELECT
 (SELECT json_group_array(id) FROM ident),
 EXISTS (SELECT 1 FROM ident CROSS JOIN guest_death AS d WHERE d.guest_id = ident.id),
 EXISTS (SELECT 1 FROM ident CROSS JOIN visit AS v INDEXED BY visit_open
         WHERE v.guest_id = ident.id AND v.signed_out_at IS NULL AND v.voided_at IS NULL),
 EXISTS (SELECT 1 FROM ident CROSS JOIN exclusion AS e WHERE e.guest_id = ident.id AND e.lifted_at IS NULL
         AND e.starts_at <= :now AND e.ends_at > :now),
 (SELECT count(*) FROM visit INDEXED BY visit_open
   WHERE signed_out_at IS NULL AND voided_at IS NULL AND mode = 'in_person'),
 (SELECT json_group_array(bed_label) FROM bed_assignment WHERE night_of = :night AND released_at IS NULL),
 EXISTS (SELECT 1 FROM ident CROSS JOIN expected_arrival AS x WHERE x.guest_id = ident.id
         AND x.arrived_at IS NULL AND x.not_arrived_at IS NULL),
 EXISTS (SELECT 1 FROM ident CROSS JOIN keep_apart AS k WHERE k.ended_at IS NULL
         AND (k.guest_a = ident.id OR k.guest_b = ident.id)),
 EXISTS (SELECT 1 FROM ident CROSS JOIN appointment AS a WHERE a.guest_id = ident.id AND a.state = :booked
         AND a.starts_at >= :since AND a.starts_at < :day_end)"""


@dataclass(frozen=True)
class SignInChecks:
    ids: list[str]  # the guest and every record merged into them
    died: bool
    in_now: bool
    excluded: bool
    places_used: int  # open visits in the building
    beds_held: frozenset[str]  # tonight's (or ``night_of``'s) held beds
    expected: bool  # an open expected arrival for them
    kept_apart: bool  # a keep-apart link in force with them
    appointments: bool  # a booked appointment from ``since`` to ``day_end``


def sign_in_checks(session: Session, guest_id: str, now: datetime, *, night_of: str | None,
                   since: datetime, day_end: datetime) -> SignInChecks:
    """``guest_id``: the live record. Read in ``session``'s transaction (its pending rows flushed)."""
    session.flush()
    row = session.connection().exec_driver_sql(_CHECKS, {
        "guest": guest_id, "now": utc_text(now), "night": night_of or "", "booked": AppointmentState.BOOKED.value,
        "since": utc_text(since), "day_end": utc_text(day_end)}).one()
    ids, died, in_now, excluded, used, beds, expected, apart, booked = row
    return SignInChecks(json.loads(ids), bool(died), bool(in_now), bool(excluded), int(used),
                        frozenset(json.loads(beds)) if night_of else frozenset(), bool(expected), bool(apart),
                        bool(booked))
