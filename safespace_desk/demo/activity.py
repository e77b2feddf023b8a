"""Demo shift log and triage: a few log entries a day (some about a guest who was in at the
time) and the paramedic's assessments, weekdays 9 to 5, of guests who were in. Like messages,
they cover the last volumes.DESK_RECORDS_YEARS of the history."""

from __future__ import annotations

from collections.abc import Iterator

from safespace_desk.db.models import ShiftLogEntry, Triage
from safespace_desk.demo import activity_texts as t
from safespace_desk.demo import volumes as v
from safespace_desk.demo.bulk import Row, indexes_deferred, write_rows
from safespace_desk.demo.presence import HOUR, VisitIndex, pick, poisson
from safespace_desk.demo.run import DemoRun, WrittenLogEntry
from safespace_desk.demo.timeline import utc_text, uuid7_at
from safespace_desk.domain.messages import LogKind, TriageOutcome
from safespace_desk.services.clinical import seal_with

DAY = 24 * HOUR
KEEP_FOR_HANDOVERS = (v.HANDOVER_DAYS + 2) * DAY


def write_shift_log(run: DemoRun) -> None:
    h, tl, rng = run.require_history(), run.timeline, run.rng("shift log")
    index = VisitIndex(h)
    staff = run.staff.on_desk
    keep_from = tl.end - KEEP_FOR_HANDOVERS

    def rows() -> Iterator[Row]:
        for day in range(run.desk_records_from, tl.days):
            times = sorted(tl.day_start[day] + rng.randrange(DAY)
                           for _ in range(poisson(rng, v.LOG_ENTRIES_PER_DAY * run.volumes.scale)))
            for at in times:
                if at >= tl.end:
                    break
                kind = pick(rng, t.LOG_KINDS)
                person = -1
                if rng.random() < v.LOG_ABOUT_A_GUEST:
                    present = index.present_at(at)
                    if present:
                        person = h.person[rng.choice(present)]
                if person < 0 and kind not in t.ABOUT_THE_HOUSE:
                    kind = LogKind.GENERAL
                text = rng.choice((t.ABOUT_A_GUEST if person >= 0 else t.ABOUT_THE_HOUSE)[kind])
                if at >= keep_from:
                    run.log_entries.append(WrittenLogEntry(at, kind.value,
                                                           run.guest_names[person] if person >= 0 else None, text))
                yield {"id": uuid7_at(at, rng), "at": utc_text(at), "kind": kind.value,
                       "guest_id": run.guest_ids[person] if person >= 0 else None, "text": text,
                       "staff_id": rng.choice(staff),
                       "created_at": utc_text(min(tl.end, at + rng.randrange(60, 20 * 60)))}

    with indexes_deferred(run.desk.store, (ShiftLogEntry.__tablename__,)):
        run.counts["shift log entries"] = write_rows(run.desk.store, ShiftLogEntry.__tablename__, rows())


def write_triage(run: DemoRun) -> None:
    """About 9 assessments a weekday (times the scale) between 09:00 and 17:00, each of a guest who
    was in at that moment; someone in for the whole day may be seen twice (a dressing, then a check)."""
    h, tl, rng = run.require_history(), run.timeline, run.rng("triage")
    index = VisitIndex(h)
    paramedic = run.staff.paramedic
    first_hour, last_hour = v.TRIAGE_HOURS
    needs = t.TRIAGE_NEEDS
    key = run.desk.clinical_key  # clinical text sealed, as the desk writes it (services/clinical.py)

    def sealed(row_id: str, field: str, text: str) -> str | None:
        return seal_with(key, row_id, field, text) if key is not None else text

    def rows() -> Iterator[Row]:
        for day in range(run.desk_records_from, tl.days):
            if tl.date_of(day).weekday() >= 5:
                continue
            # day_start is 08:00; no clock change falls between 08:00 and 17:00.
            lo = tl.day_start[day] + (first_hour - 8) * HOUR
            hi = min(tl.day_start[day] + (last_hour - 8) * HOUR, tl.end)
            spans = []
            for i in index.overlapping(lo, hi):
                start, stop = max(h.signed_in[i], lo), min(index.out_of(i), hi)
                if stop - start >= 20 * 60:
                    spans.append((start, stop, i))
            wanted = poisson(rng, v.TRIAGE_PER_WEEKDAY * run.volumes.scale)
            if not spans or not wanted:
                continue
            for start, stop, i in rng.sample(spans * 2, min(wanted, 2 * len(spans))):
                at = rng.randrange(start, stop - 10 * 60)
                need, notes, outcomes = rng.choices(needs, t.TRIAGE_NEED_WEIGHTS)[0]
                outcome = pick(rng, outcomes)
                if rng.random() < 0.05:
                    outcome = TriageOutcome.DECLINED
                text = t.DECLINED_NOTE if outcome is TriageOutcome.DECLINED else rng.choice(notes).format(
                    hr=rng.randint(58, 112), sys=rng.randint(104, 168), dia=rng.randint(62, 98),
                    spo2=rng.randint(93, 99), temp=f"{rng.uniform(36.2, 38.6):.1f}",
                    bm=f"{rng.uniform(3.8, 14.5):.1f}")
                row_id = uuid7_at(at, rng)
                yield {"id": row_id, "guest_id": run.guest_ids[h.person[i]], "at": utc_text(at),
                       "presenting_need": sealed(row_id, "presenting_need", need),
                       "notes": sealed(row_id, "notes", text), "outcome": outcome.value,
                       "paramedic_id": paramedic,
                       "created_at": utc_text(min(tl.end, at + rng.randrange(5 * 60, 30 * 60)))}

    with indexes_deferred(run.desk.store, (Triage.__tablename__,)):
        run.counts["triage assessments"] = write_rows(run.desk.store, Triage.__tablename__, rows())
