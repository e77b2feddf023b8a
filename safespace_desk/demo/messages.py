"""Demo messages: agencies ring the hub with messages for people seen there lately; most are
passed on at the person's next visit, some expire, a few are not passed on or are withdrawn, and a
few were left for a name the desk never matched. The last days' messages are still waiting, among
them a couple for guests who are in now. They cover the last volumes.DESK_RECORDS_YEARS."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select

from safespace_desk.db.models import Agency, Message
from safespace_desk.demo import message_texts as t
from safespace_desk.demo import volumes as v
from safespace_desk.demo.bulk import Row, indexes_deferred, write_rows
from safespace_desk.demo.presence import HOUR, VisitIndex, poisson
from safespace_desk.demo.run import DemoRun, WrittenMessage
from safespace_desk.demo.timeline import Timeline, utc_text, uuid7_at

DAY = 24 * HOUR
KEEP_FOR_HANDOVERS = (v.HANDOVER_DAYS + 31) * DAY
_WEIGHTS = [template.weight for template in t.TEMPLATES]


@dataclass(frozen=True)
class _Body:
    template: t.Template
    text: str
    until: int  # -1: no relevant-until


def _local(tl: Timeline, day: int, hour: int, minute: int = 0) -> int:
    """Epoch seconds of a local wall time on the timeline's day ``day`` (any day, even past the end)."""
    return int(datetime.combine(tl.date_of(day), time(hour, minute), tzinfo=tl.zone).timestamp())


def _clock_text(hour: int, minute: int, rng: random.Random) -> str:
    if minute == 0 and rng.random() < 0.6:
        return f"{hour % 12 or 12}{'am' if hour < 12 else 'pm'}"
    return f"{hour}:{minute:02d}"


def compose(run: DemoRun, rng: random.Random, day: int, urgent: bool, *, soonest: int = 0) -> _Body:
    """A message body with its relevant-until: the appointment it names, or the end of the day it
    gives, a few days ahead (sooner when urgent)."""
    tl = run.timeline
    template = rng.choices(t.TEMPLATES, _WEIGHTS)[0]
    if template.until == t.AT_APPOINTMENT:
        ahead = max(soonest, 1, rng.randint(1, 2) if urgent else rng.choice((1, 2, 2, 3, 3, 4, 5, 7)))
        while tl.date_of(day + ahead).weekday() >= 5:
            ahead += 1
        hour, minute = rng.randint(9, 16), rng.choice((0, 0, 15, 30, 30, 45))
        when = tl.date_of(day + ahead)
        label = f"{when:%A} " if ahead < 6 else f"{when:%A} {when.day} {when:%B}, "
        text = template.text.format(when=label + _clock_text(hour, minute, rng))
        return _Body(template, text, _local(tl, day + ahead, hour, minute))
    if template.until == t.END_OF_DAY:
        ahead = max(soonest, rng.randint(0, 1) if urgent else rng.randint(1, 5))
        when = tl.date_of(day + ahead)
        label = "the end of today" if ahead == 0 else "tomorrow" if ahead == 1 else f"{when:%A}"
        return _Body(template, template.text.format(day=label), _local(tl, day + ahead + 1, 0))
    return _Body(template, template.text, -1)


class _Writer:
    def __init__(self, run: DemoRun) -> None:
        self.run = run
        self.h = run.require_history()
        self.tl = run.timeline
        self.rng = run.rng("messages")
        self.index = VisitIndex(self.h)
        self.staff = run.staff.on_desk
        with run.desk.store.read() as session:
            self.agencies = {name: agency_id for agency_id, name in session.execute(select(Agency.id, Agency.name))}
        self.rows: list[Row] = []

    def run_days(self) -> None:
        tl, rng, scale = self.tl, self.rng, self.run.volumes.scale
        for day in range(self.run.desk_records_from, tl.days):
            rate = v.MESSAGES_PER_DAY * scale * v.MESSAGE_WEEKDAY_FACTOR[tl.date_of(day).weekday()]
            for _ in range(poisson(rng, rate)):
                if rng.random() < 0.9:  # office hours, 09:00-17:00
                    created = tl.day_start[day] + rng.randrange(HOUR, 9 * HOUR)
                else:
                    created = tl.day_start[day] + rng.randrange(0, 13 * HOUR)
                if created < tl.end:
                    self.message(day, created)
        self.in_now()

    def message(self, day: int, created: int, *, person: int = -1, held: bool = False) -> None:
        """One message; ``held``: for a guest in now, not passed on yet."""
        rng, h, index, tl = self.rng, self.h, self.index, self.tl
        urgent = rng.random() < v.MESSAGE_URGENT
        soonest = 1 if held else 0
        if person < 0 and rng.random() >= v.MESSAGE_UNLINKED:
            recent = index.arrived_between(created - v.MESSAGE_FOR_RECENT_DAYS * DAY, created)
            if recent:
                person = h.person[rng.choice(recent)]
                if created >= tl.end - v.MESSAGE_WAITING_DAYS * DAY and rng.random() < v.MESSAGE_WAITING_SHARE:
                    # Someone not back since, for a day after today: it waits on the board.
                    person, away = self.not_back_since(recent, created, person)
                    soonest = tl.days - day if away else 0
        body = compose(self.run, rng, day, urgent, soonest=soonest)
        until = body.until
        row: Row = {
            "id": uuid7_at(created, rng), "guest_id": None, "agency_id": self.agencies[body.template.agency],
            "contact": f"{rng.choice(t.CONTACTS[body.template.agency])}, 01632 960{rng.randrange(1000):03d}",
            "body": body.text, "category": body.template.category, "urgent": urgent,
            "relevant_until": utc_text(until) if until >= 0 else None, "created_at": utc_text(created),
            "created_by": rng.choice(self.staff), "linked_at": None,
            "delivered_at": None, "delivered_by": None, "delivery_note": None,
            "not_passed_at": None, "not_passed_by": None, "not_passed_reason": None,
            "withdrawn_at": None, "withdrawn_by": None, "withdraw_reason": None}
        if person >= 0:
            row["guest_id"] = self.run.guest_ids[person]
            row["for_name"] = self.run.guest_names[person]
            row["linked_at"] = row["created_at"]
        else:
            row["for_name"] = f"{rng.choice(t.UNLINKED_NAMES)} ({rng.choice(t.DESCRIPTIONS)})"
        closed = self.outcome(row, person, created, until, held=held)
        self.rows.append(row)
        if created >= self.tl.end - KEEP_FOR_HANDOVERS:
            self.run.messages.append(WrittenMessage(created, row["for_name"], body.template.agency,
                                                    body.template.category, urgent, until, closed))

    def not_back_since(self, recent: range, created: int, person: int) -> tuple[int, bool]:
        """Someone seen lately who has not been in since ``created``, or ``person`` if everyone has."""
        people, gone_by = self.h.people, created - self.index.longest
        away = sorted({p for p in map(self.h.person.__getitem__, recent) if people[p].last_in < gone_by})
        return (self.rng.choice(away), True) if away else (person, False)

    def outcome(self, row: Row, person: int, created: int, until: int, *, held: bool) -> int:
        """Fill in what happened to the message; returns when it was closed (-1: still open)."""
        rng, h, end = self.rng, self.h, self.tl.end
        deadline = until if until >= 0 else created + v.MESSAGE_OPEN_DAYS * DAY
        deliver_at, visit = -1, -1
        if person >= 0 and not held:
            visit = self.index.next_visit(person, created)
            if visit >= 0 and h.signed_in[visit] < deadline:
                start = max(h.signed_in[visit], created)
                limit = min(self.index.out_of(visit), deadline, end)
                delay = rng.randrange(60, 1800) if h.signed_in[visit] >= created else rng.randrange(300, 3600)
                if limit - start >= 2:
                    deliver_at = start + min(delay, (limit - start) // 2)
        withdraw_share = v.MESSAGE_WITHDRAWN * (8 if person < 0 else 1)
        if not held and rng.random() < withdraw_share:
            at = created + rng.randrange(2 * HOUR, 3 * DAY)
            if at < min(deadline, end) and (deliver_at < 0 or at < deliver_at):
                self.close(row, "withdrawn", at, rng.choice(t.WITHDRAW_REASONS))
                return at
        if deliver_at >= 0:
            if rng.random() < v.MESSAGE_NOT_PASSED_ON:
                self.close(row, "not_passed", deliver_at, rng.choice(t.NOT_PASSED_REASONS))
                return deliver_at
            signed_in_then = h.signed_in[visit] >= created
            row["delivered_at"] = utc_text(deliver_at)
            row["delivered_by"] = self.staff[h.staff_in[visit]] if signed_in_then else rng.choice(self.staff)
            row["delivery_note"] = rng.choice(t.DELIVERY_NOTES) if rng.random() < 0.3 else None
            return deliver_at
        if until < 0 and deadline <= end:  # no relevant-until: closed off after weeks unseen
            if person >= 0:
                self.close(row, "not_passed", deadline, "Not seen for four weeks; agency told")
            else:
                self.close(row, "withdrawn", deadline, "The agency reached the person another way")
            return deadline
        return -1  # expired (relevant-until passed) or still waiting

    def close(self, row: Row, how: str, at: int, reason: str) -> None:
        who = self.rng.choice(self.staff)
        if how == "withdrawn":
            row.update(withdrawn_at=utc_text(at), withdrawn_by=who, withdraw_reason=reason)
        else:
            row.update(not_passed_at=utc_text(at), not_passed_by=who, not_passed_reason=reason)

    def in_now(self) -> None:
        """A couple of guests in now with messages that came in since they arrived, not yet passed on
        (the first with two), so the desk and the board show them waiting."""
        h, end = self.h, self.tl.end
        open_visits = [i for i in self.index.present_at(end) if h.signed_out[i] < 0]
        chosen = self.rng.sample(open_visits, min(len(open_visits), v.MESSAGES_IN_NOW * self.run.volumes.scale))
        for n, visit in enumerate(sorted(chosen)):
            for _ in range(2 if n == 0 else 1):
                created = max(h.signed_in[visit] + 60, end - self.rng.randrange(15 * 60, 90 * 60))
                if created < end:
                    self.message(self.tl.days - 1, created, person=h.person[visit], held=True)


def write_messages(run: DemoRun) -> None:
    writer = _Writer(run)
    writer.run_days()
    with indexes_deferred(run.desk.store, (Message.__tablename__,)):
        run.counts["messages"] = write_rows(run.desk.store, Message.__tablename__, writer.rows)

