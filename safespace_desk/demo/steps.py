"""The generator's steps. Each writes one kind of record; later issues append their own to
``STEPS`` (messages.py, activity.py, handovers.py) and read what earlier steps left in ``DemoRun``
(run.py).

Each step has its own random stream, seeded from the run's seed and the step's name, so adding
a step never changes what the others write.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from safespace_desk.db.models import BedAssignment, Exclusion, Guest, GuestAlias, Visit
from safespace_desk.demo import volumes as v
from safespace_desk.demo.activity import write_shift_log, write_triage
from safespace_desk.demo.bulk import Row, chunks, indexes_deferred, write_batches, write_rows
from safespace_desk.demo.handovers import write_handovers
from safespace_desk.demo.history import VIAS, simulate
from safespace_desk.demo.hub_day import DEPARTURE_KINDS, write_hub_day
from safespace_desk.demo.messages import write_messages
from safespace_desk.demo.names import card_code, profile
from safespace_desk.demo.run import DemoRun, DemoStaffIds, Step
from safespace_desk.demo.timeline import utc_text, uuid7_at

__all__ = ["STEPS", "DemoRun", "DemoStaffIds", "Step"]


def simulate_history(run: DemoRun) -> None:
    run.history = simulate(run.timeline, run.volumes, run.rng("history"))


def write_guests(run: DemoRun) -> None:
    """One guest row per simulated person who came at least once, plus some aliases."""
    history = run.require_history()
    rng = run.rng("guests")
    year_now = run.timeline.date_of(run.timeline.days - 1).year
    cards: set[str] = set()
    aliases: list[Row] = []
    run.guest_ids = [None] * len(history.people)
    run.guest_names = [""] * len(history.people)
    run.guest_flags = [()] * len(history.people)

    def rows() -> Iterator[Row]:
        for index, person in enumerate(history.people):
            if person.visits == 0:
                continue
            guest_id = uuid7_at(person.first_in, rng)
            run.guest_ids[index] = guest_id
            p = profile(rng, year_now)
            run.guest_names[index] = p.preferred_name
            run.guest_flags[index] = p.flags
            code = card_code(rng)
            while code in cards:
                code = card_code(rng)
            cards.add(code)
            created = utc_text(person.first_in)
            for alias in p.aliases:
                aliases.append({"id": uuid7_at(person.first_in, rng), "guest_id": guest_id, "name": alias,
                                "created_at": created})
            yield {"id": guest_id, "preferred_name": p.preferred_name, "legal_name": p.legal_name,
                   "birth_year": p.birth_year, "gender": p.gender, "flags": json.dumps(list(p.flags)),
                   "card_code": code, "created_at": created, "updated_at": created,
                   "last_seen_at": utc_text(person.last_in)}

    run.counts["guests"] = write_rows(run.desk.store, Guest.__tablename__, rows())
    run.counts["guest aliases"] = write_rows(run.desk.store, GuestAlias.__tablename__, aliases)


def write_visits_and_beds(run: DemoRun) -> None:
    """Every visit, and a bed row for each overnight one, streamed in arrival order."""
    h = run.require_history()
    rng = run.rng("visits")
    staff = run.staff.on_desk
    night_of = [run.timeline.date_of(d).isoformat() for d in range(run.timeline.days)]
    counts = {"visits": 0, "bed assignments": 0}

    def visit_rows() -> Iterator[tuple[Row, Row | None]]:
        for i in range(h.visit_count):
            guest_id = run.guest_ids[h.person[i]]
            visit_id = uuid7_at(h.signed_in[i], rng)
            out = h.signed_out[i]
            out_text = utc_text(out) if out >= 0 else None
            visit = {"id": visit_id, "guest_id": guest_id, "signed_in_at": utc_text(h.signed_in[i]),
                     "signed_out_at": out_text, "arrived_via": VIAS[h.via[i]],
                     "departed_to": v.DEPARTED_TO[h.departed_to[i]] if h.departed_to[i] >= 0 else None,
                     "departed_kind": _departed_kind(h.departed_to[i]),
                     "staff_in": staff[h.staff_in[i]],
                     "staff_out": staff[h.staff_out[i]] if h.staff_out[i] >= 0 else None}
            bed = None
            if h.bed[i] >= 0:
                bed = {"id": uuid7_at(h.bed_from[i], rng), "visit_id": visit_id, "guest_id": guest_id,
                       "bed_label": run.bed_labels[h.bed[i]], "night_of": night_of[h.night[i]],
                       "assigned_at": utc_text(h.bed_from[i]), "assigned_by": staff[h.staff_in[i]],
                       "released_at": out_text}  # released at sign-out, as the desk does
            yield visit, bed

    def batches() -> Iterator[list[tuple[str, list[Row]]]]:
        for pairs in chunks(visit_rows()):
            visits = [p[0] for p in pairs]
            beds = [p[1] for p in pairs if p[1] is not None]
            counts["visits"] += len(visits)
            counts["bed assignments"] += len(beds)
            yield [(Visit.__tablename__, visits), (BedAssignment.__tablename__, beds)]

    with indexes_deferred(run.desk.store, (Visit.__tablename__, BedAssignment.__tablename__)):
        write_batches(run.desk.store, batches())
    run.counts.update(counts)


def write_exclusions(run: DemoRun) -> None:
    h = run.require_history()
    rng = run.rng("exclusions")
    lead = run.staff.lead
    rows = []
    for ex in h.exclusions:
        lifted = ex.lifted >= 0
        rows.append({"id": uuid7_at(ex.starts, rng), "guest_id": run.guest_ids[ex.person],
                     "starts_at": utc_text(ex.starts), "ends_at": utc_text(ex.ends),
                     "reason": v.EXCLUSION_REASONS[ex.reason], "issued_by": lead,
                     "lifted_at": utc_text(ex.lifted) if lifted else None,
                     "lifted_by": lead if lifted else None,
                     "lift_reason": v.LIFT_REASONS[ex.lift_reason] if lifted else None})
    run.counts["exclusions"] = write_rows(run.desk.store, Exclusion.__tablename__, rows)


# Order matters: a step may use what the steps before it produced (guest ids, the history).
STEPS: list[tuple[str, Step]] = [
    ("history", simulate_history),
    ("guests", write_guests),
    ("visits and beds", write_visits_and_beds),
    ("exclusions", write_exclusions),
    ("messages", write_messages),
    ("shift log", write_shift_log),
    ("triage", write_triage),
    ("handovers", write_handovers),  # its snapshots show messages and log entries
    ("hub day", write_hub_day),  # through the services, at the end of the history (issue 13)
]


def _departed_kind(index: int) -> str | None:
    kind = DEPARTURE_KINDS.get(v.DEPARTED_TO[index]) if index >= 0 else None
    return kind.value if kind else None
