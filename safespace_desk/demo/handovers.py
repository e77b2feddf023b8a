"""Demo handovers: one at each shift change (08:00 and 20:00) for the last two weeks, with the
snapshot the desk would have taken then (services/handover.py's format), a few words and
follow-ups from the outgoing staff, acknowledged by the incoming shift, all but the latest, which
waits as a banner for whoever signs in to the demo."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import timedelta

from safespace_desk.db.models import Handover
from safespace_desk.demo import volumes as v
from safespace_desk.demo.bulk import Row, write_rows
from safespace_desk.demo.presence import VisitIndex
from safespace_desk.demo.run import DemoRun
from safespace_desk.demo.timeline import utc_text, uuid7_at
from safespace_desk.domain.exclusions import format_time_left
from safespace_desk.domain.guests import GuestFlag
from safespace_desk.domain.messages import LogKind, MessageCategory
from safespace_desk.domain.site import SiteSettings
from safespace_desk.services.handover import (
    HandoverSnapshot,
    SnapshotExclusion,
    SnapshotGuest,
    SnapshotLog,
    SnapshotMessage,
)

OPENERS = (
    "Calm {shift} on the whole.", "Steady {shift}; good atmosphere in the TV area.",
    "Busy {shift}, but people looked out for each other.", "Quiet {shift}.",
)
GOOD_NEWS = (
    "Guests helped tidy the kitchen after tea.", "Volunteers brought in warm coats; most have gone already.",
    "Two guests went to housing appointments and came back hopeful.", "Laundry done and beds made up.",
    "Good conversations over breakfast; people settled well.", "Outreach popped in and caught up with a few people.",
)
FOLLOW_UPS = (
    "Fresh bedding needed for the beds by the window", "Hygiene packs running low: order more",
    "Ring the surgery about a repeat prescription (see messages)", "First aid box: restock plasters",
    "Chase the housing team about rooms at Elm Court", "Fire drill on Friday: remind everyone kindly",
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _text(rng: random.Random, shift: str, snap: HandoverSnapshot) -> str:
    in_beds = sum(g.bed is not None for g in snap.in_now)
    parts = [rng.choice(OPENERS).format(shift=shift.lower() + " shift"),
             f"{_plural(len(snap.in_now), 'guest')} in at handover" + (f", {in_beds} in beds." if in_beds else ".")]
    if snap.log:
        kinds = Counter(entry.kind.lower() for entry in snap.log)
        parts.append("Log: " + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common()) + ".")
    if snap.exclusions:
        parts.append(f"{_plural(len(snap.exclusions), 'exclusion')} running; end times below.")
    if snap.urgent_messages:
        parts.append(f"{_plural(len(snap.urgent_messages), 'urgent message')} waiting; please pass on "
                     "when the person comes in.")
    parts.append(rng.choice(GOOD_NEWS))
    return " ".join(parts)


def write_handovers(run: DemoRun) -> None:
    h, tl, rng = run.require_history(), run.timeline, run.rng("handovers")
    index = VisitIndex(h)
    staff = run.staff.on_desk
    periods = SiteSettings().periods
    night = next(p.name for p in periods if p.beds)
    day_name = next(p.name for p in periods if not p.beds)
    changes = []  # (shift end, shift start, name of the shift ending)
    for d in range(max(1, tl.days - v.HANDOVER_DAYS), tl.days + 1):
        changes.append((tl.day_start[d], tl.night_start[d - 1], night))
        changes.append((tl.night_start[d], tl.day_start[d], day_name))
    rows: list[Row] = []
    for ends, starts, name in changes:
        written = ends - rng.randrange(5 * 60, 25 * 60)
        if written > tl.end:
            break
        snap = _snapshot(run, index, written, starts, ends)
        author = rng.choice(staff)
        follow_ups = [f"Pass on the urgent {m.agency} message for {m.for_name}" for m in snap.urgent_messages[:2]]
        follow_ups += rng.sample(FOLLOW_UPS, rng.choice((0, 0, 1, 1, 2)))
        acked = ends + rng.randrange(5 * 60, 40 * 60)
        rows.append({"id": uuid7_at(written, rng), "shift_name": name, "shift_start": utc_text(starts),
                     "shift_end": utc_text(ends), "author_id": author, "created_at": utc_text(written),
                     "snapshot": snap.to_json(), "text": _text(rng, name, snap),
                     "follow_ups": json.dumps(follow_ups, ensure_ascii=False),
                     "acknowledged_at": utc_text(acked) if acked <= tl.end else None,
                     "acknowledged_by": rng.choice([s for s in staff if s != author]) if acked <= tl.end else None})
    if rows:  # the latest waits for the incoming shift: the banner of the demo
        rows[-1].update(acknowledged_at=None, acknowledged_by=None)
    run.counts["handovers"] = write_rows(run.desk.store, Handover.__tablename__, rows)


def _snapshot(run: DemoRun, index: VisitIndex, at: int, shift_start: int, shift_end: int) -> HandoverSnapshot:
    """What build_snapshot() would have seen at ``at``."""
    h = index.h
    in_now = []
    for i in sorted(index.present_at(at), key=lambda i: h.signed_in[i]):
        p = h.person[i]
        bed = run.bed_labels[h.bed[i]] if h.bed[i] >= 0 and h.bed_from[i] <= at else None
        in_now.append(SnapshotGuest(run.guest_names[p], utc_text(h.signed_in[i]), bed,
                                    sorted(GuestFlag(f).short for f in run.guest_flags[p])))
    exclusions = []
    for ex in h.exclusions:
        until = ex.lifted if ex.lifted >= 0 else ex.ends
        if ex.starts <= at < until:
            exclusions.append(SnapshotExclusion(run.guest_names[ex.person], utc_text(ex.ends),
                                                format_time_left(timedelta(seconds=ex.ends - at)),
                                                v.EXCLUSION_REASONS[ex.reason]))
    urgent = sorted((m for m in run.messages if m.urgent and m.created <= at and (m.closed < 0 or m.closed > at)
                     and (m.until < 0 or m.until > at)), key=lambda m: (m.until < 0, m.until, m.created))
    messages = [SnapshotMessage(m.for_name, m.agency, MessageCategory(m.category).label,
                                utc_text(m.until) if m.until >= 0 else None) for m in urgent]
    log = [SnapshotLog(utc_text(e.at), LogKind(e.kind).label, e.guest_name, e.text)
           for e in run.log_entries if shift_start <= e.at < shift_end and e.at <= at]
    return HandoverSnapshot(utc_text(at), in_now, sorted(exclusions, key=lambda e: e.ends_at), messages, log)

