"""The demo generator: plausible volumes, and a history that keeps every rule the desk enforces.

One small demo store (one year at Derby's scale) is made through the CLI for the whole module.
"""

from __future__ import annotations

import io
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from safespace_desk import cli
from safespace_desk.db.models import (
    Agency,
    AuditEntry,
    BedAssignment,
    Exclusion,
    Guest,
    GuestAlias,
    Handover,
    Message,
    ShiftLogEntry,
    Staff,
    Triage,
    Visit,
)
from safespace_desk.demo import DEMO_MANAGER, DemoOptions, generate_demo
from safespace_desk.demo.history import simulate
from safespace_desk.demo.timeline import Timeline
from safespace_desk.demo.volumes import DemoVolumes
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.guests import ArrivedVia, GuestFlag, looks_like_card_code
from safespace_desk.domain.messages import (
    LogKind,
    MessageCategory,
    MessageState,
    TriageOutcome,
    message_state,
)
from safespace_desk.domain.site import SiteSettings
from safespace_desk.reports.figures import Figures, compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import audit, auth, clinical, handover, messages, triage
from safespace_desk.services.handover import HandoverSnapshot, HandoverView
from safespace_desk.services.messages import BoardFilter
from safespace_desk.services.triage import TriageView
from tests.conftest import START

LONDON = ZoneInfo("Europe/London")


@dataclass
class Demo:
    folder: Path
    output: str
    guests: list[Guest]
    aliases: list[GuestAlias]
    visits: list[Visit]
    beds: list[BedAssignment]
    exclusions: list[Exclusion]
    staff: dict[str, Staff]
    audit_ok: bool
    actions: list[str]
    indexes: set[str]
    messages: list[Message] = field(default_factory=list)
    agencies: dict[str, str] = field(default_factory=dict)  # id -> name
    log: list[ShiftLogEntry] = field(default_factory=list)
    triage: list[Triage] = field(default_factory=list)
    handovers: list[Handover] = field(default_factory=list)
    # What the services make of it, read as the demo manager at START.
    board: list[messages.MessageView] = field(default_factory=list)
    in_now_board: list[messages.MessageView] = field(default_factory=list)
    waiting_counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    pending: list[HandoverView] = field(default_factory=list)
    handover_history: list[HandoverView] = field(default_factory=list)
    triage_views: list[TriageView] = field(default_factory=list)
    october: Figures | None = None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo") / "store"
    out, err = io.StringIO(), io.StringIO()
    clock = FixedClock(START)
    code = cli.run(["--data-dir", str(folder), "demo", "--years", "1", "--scale", "1", "--seed", "7"],
                   cli.CliIO(io.StringIO(), out, err, {}, clock, interactive=False))
    assert code == 0, err.getvalue()
    desk = auth.sign_in(folder, *DEMO_MANAGER, clock)
    try:
        with desk.store.read() as s:
            data = Demo(folder, out.getvalue(), list(s.scalars(select(Guest))), list(s.scalars(select(GuestAlias))),
                        list(s.scalars(select(Visit).order_by(Visit.signed_in_at))),
                        list(s.scalars(select(BedAssignment))), list(s.scalars(select(Exclusion))),
                        {row.name: row for row in s.scalars(select(Staff))}, False,
                        [a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))],
                        {row[0] for row in desk.store.raw_connection_sql(
                            "SELECT name FROM sqlite_master WHERE type = 'index'")})
            data.messages = list(s.scalars(select(Message).order_by(Message.created_at)))
            data.agencies = {a.id: a.name for a in s.scalars(select(Agency))}
            data.log = list(s.scalars(select(ShiftLogEntry).order_by(ShiftLogEntry.at)))
            data.triage = list(s.scalars(select(Triage).order_by(Triage.at)))
            data.handovers = list(s.scalars(select(Handover).order_by(Handover.created_at)))
        data.audit_ok = audit.verify_chain(desk).ok
        data.board = messages.board(desk)
        data.in_now_board = messages.board(desk, BoardFilter.IN_NOW)
        in_now = [v.guest_id for v in data.visits if v.signed_out_at is None]
        data.waiting_counts = messages.waiting_counts(desk, in_now)
        data.pending = handover.pending(desk)
        data.handover_history = handover.history(desk)
        data.triage_views = triage.list_triage(desk, limit=100_000)
        data.october = compute_figures(desk, month_range(2026, 10, LONDON))
    finally:
        desk.close()
    yield data


def _month(when: datetime) -> tuple[int, int]:
    local = when.astimezone(LONDON)
    return local.year, local.month


def test_the_cli_prints_every_demo_sign_in(demo: Demo) -> None:
    for name in ("Demo Manager", "Demo Lead", "Demo Desk One", "Demo Desk Two", "Demo Paramedic"):
        assert name in demo.output
    assert "demo-manager-password" in demo.output
    assert "synthetic" in demo.output
    assert set(demo.staff) == {"Demo Manager", "Demo Lead", "Demo Desk One", "Demo Desk Two", "Demo Paramedic"}


def test_every_row_reported_was_written_and_the_schema_is_whole(demo: Demo) -> None:
    for count, kind in ((len(demo.guests), "guests"), (len(demo.visits), "visits"),
                        (len(demo.beds), "bed assignments"), (len(demo.exclusions), "exclusions"),
                        (len(demo.messages), "messages"), (len(demo.log), "shift log entries"),
                        (len(demo.triage), "triage assessments"), (len(demo.handovers), "handovers")):
        assert f" {count:,} {kind}" in demo.output
    # The bulk load drops the tables' indexes and must build every one of them again.
    assert {"visit_guest_time", "visit_time", "visit_open", "bed_held", "bed_assignment_night", "message_guest",
            "message_created", "message_open", "shift_log_at", "triage_at", "triage_guest"} <= demo.indexes


def test_volumes_are_near_derby(demo: Demo) -> None:
    by_month: dict[tuple[int, int], set[str]] = defaultdict(set)
    by_day: dict[object, set[str]] = defaultdict(set)
    police: Counter[tuple[int, int]] = Counter()
    for v in demo.visits:
        by_month[_month(v.signed_in_at)].add(v.guest_id)
        by_day[v.signed_in_at.astimezone(LONDON).date()].add(v.guest_id)
        if v.arrived_via == ArrivedVia.POLICE:
            police[_month(v.signed_in_at)] += 1
    full_months = sorted(by_month)[1:-1]  # the first and last are partial
    monthly = [len(by_month[m]) for m in full_months]
    assert 30 <= sum(monthly) / len(monthly) <= 85, monthly
    assert 7 <= sum(len(s) for s in by_day.values()) / len(by_day) <= 20
    assert 3 <= sum(police[m] for m in full_months) / len(full_months) <= 14
    assert 80 <= len(demo.guests) <= 300
    women = sum(g.gender == "woman" for g in demo.guests) / len(demo.guests)
    assert 0.1 <= women <= 0.35
    assert {v.arrived_via for v in demo.visits} <= {a.value for a in ArrivedVia}
    assert Counter(v.arrived_via for v in demo.visits).most_common(1)[0][0] == "self"
    assert 12 <= len(demo.exclusions) <= 80  # a few a month


def _limit_at(when: datetime) -> int:
    local = when.astimezone(LONDON).time()
    return 16 if time(8) <= local < time(20) else 8


def test_never_over_capacity(demo: Demo) -> None:
    events = []  # (time, +1 arrival / -1 departure); departures first at equal times
    for v in demo.visits:
        events.append((v.signed_in_at, 1))
        if v.signed_out_at is not None:
            events.append((v.signed_out_at, -1))
    # Night starts are checked too: the limit drops from 16 to 8 at 20:00.
    first = demo.visits[0].signed_in_at.astimezone(LONDON).date()
    for n in range(400):
        events.append((datetime.combine(first + timedelta(days=n), time(20), tzinfo=LONDON).astimezone(UTC), 0))
    present = 0
    for when, change in sorted(events, key=lambda e: (e[0], e[1])):
        present += change
        assert present <= _limit_at(when), when


def test_a_guest_is_never_in_twice_or_while_excluded(demo: Demo) -> None:
    by_guest: dict[str, list[Visit]] = defaultdict(list)
    for v in demo.visits:
        by_guest[v.guest_id].append(v)
    for visits in by_guest.values():
        for a, b in zip(visits, visits[1:], strict=False):
            assert a.signed_out_at is not None and a.signed_out_at <= b.signed_in_at
    for ex in demo.exclusions:
        until = ex.lifted_at or ex.ends_at
        assert not any(ex.starts_at < v.signed_in_at < until for v in by_guest[ex.guest_id])


def _nights_of(v: Visit, end: datetime) -> set[str]:
    """The local dates of the nights (20:00-08:00) this visit was in for."""
    nights = set()
    out = v.signed_out_at or end
    day = v.signed_in_at.astimezone(LONDON).date() - timedelta(days=1)
    while datetime.combine(day, time(20), tzinfo=LONDON) < out:
        start = datetime.combine(day, time(20), tzinfo=LONDON)
        finish = datetime.combine(day + timedelta(days=1), time(8), tzinfo=LONDON)
        if v.signed_in_at < finish and out > start:
            nights.add(day.isoformat())
        day += timedelta(days=1)
    return nights


def test_every_overnight_visit_has_a_bed_and_beds_are_never_shared(demo: Demo) -> None:
    beds_of = defaultdict(set)
    for b in demo.beds:
        beds_of[b.visit_id].add(b.night_of)
        assert b.bed_label in SiteSettings().bed_labels
    overnight = 0
    for v in demo.visits:
        nights = _nights_of(v, START)
        overnight += bool(nights)
        assert beds_of[v.id] == nights, v.id
    assert overnight > 300
    held = defaultdict(list)
    for b in demo.beds:
        held[b.night_of, b.bed_label].append((b.assigned_at, b.released_at or START + timedelta(days=9)))
    for spans in held.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start
    # Only the people in now hold a bed without a release time.
    open_visits = {v.id for v in demo.visits if v.signed_out_at is None}
    assert {b.visit_id for b in demo.beds if b.released_at is None} <= open_visits
    assert all(v.signed_in_at > START - timedelta(hours=24) for v in demo.visits if v.signed_out_at is None)


def test_guest_rows_match_their_visits(demo: Demo) -> None:
    visits_of = defaultdict(list)
    for v in demo.visits:
        visits_of[v.guest_id].append(v.signed_in_at)
    assert len({g.card_code for g in demo.guests}) == len(demo.guests)
    flags = {f.value for f in GuestFlag}
    for g in demo.guests:
        assert looks_like_card_code(g.card_code)
        assert g.created_at == min(visits_of[g.id]) and g.last_seen_at == max(visits_of[g.id])
        assert g.merged_into is None and g.preferred_name
        assert set(json.loads(g.flags)) <= flags
    assert sum(bool(json.loads(g.flags)) for g in demo.guests) < len(demo.guests) / 2
    assert any(not g.preferred_name.isascii() for g in demo.guests)
    assert {a.guest_id for a in demo.aliases} <= {g.id for g in demo.guests}


def test_exclusions_are_short_and_issued_by_the_lead(demo: Demo) -> None:
    lead = demo.staff["Demo Lead"].id
    hours = Counter(round((e.ends_at - e.starts_at) / timedelta(hours=1)) for e in demo.exclusions)
    assert set(hours) <= {12, 24, 48} and hours.most_common(1)[0][0] == 24
    for e in demo.exclusions:
        assert e.issued_by == lead and e.reason
        assert (e.lifted_at is None) == (e.lift_reason is None)


def test_the_audit_chain_holds_and_records_the_generation(demo: Demo) -> None:
    assert demo.audit_ok
    assert "demo_data_generated" in demo.actions
    # Bulk rows are not staff actions: the audit holds set-up and staff, not one entry per visit.
    assert len(demo.actions) < 30


def test_the_same_seed_gives_the_same_history() -> None:
    def history(seed: int) -> tuple[list[int], list[int]]:
        timeline = Timeline.build(LONDON, START, 0.2, day_starts=time(8), night_starts=time(20))
        h = simulate(timeline, DemoVolumes(2), random.Random(seed))
        return list(h.signed_in), list(h.person)

    assert history(3) == history(3)
    assert history(3) != history(4)


def test_the_demo_refuses_a_folder_with_a_store(demo: Demo) -> None:
    with pytest.raises(DeskError, match="already a store"):
        generate_demo(demo.folder, DemoOptions(years=0.1), FixedClock(START))


def test_bad_options_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(DeskError, match="--scale"):
        generate_demo(tmp_path / "x", DemoOptions(scale=0), FixedClock(START))
    assert not (tmp_path / "x").exists()


# --- messages, shift log, triage and handovers ---------------------------------------------------


def _visits_by_guest(demo: Demo) -> dict[str, list[Visit]]:
    by_guest: dict[str, list[Visit]] = defaultdict(list)
    for v in demo.visits:
        by_guest[v.guest_id].append(v)
    return by_guest


def _in_at(visits: list[Visit], when: datetime) -> bool:
    return any(v.signed_in_at <= when < (v.signed_out_at or START + timedelta(seconds=1)) for v in visits)


def _full_months(demo: Demo) -> list[tuple[int, int]]:
    months = sorted({_month(v.signed_in_at) for v in demo.visits})
    return months[1:-1]  # the first and last are partial


def _state(m: Message) -> MessageState:
    return message_state(m.delivered_at, m.not_passed_at, m.withdrawn_at, m.relevant_until, START)


def test_messages_come_at_a_hub_s_volume(demo: Demo) -> None:
    per_month = Counter(_month(m.created_at) for m in demo.messages)
    monthly = [per_month[m] for m in _full_months(demo)]
    assert 30 <= sum(monthly) / len(monthly) <= 60, monthly
    assert min(monthly) >= 15
    urgent = sum(m.urgent for m in demo.messages) / len(demo.messages)
    assert 0.08 <= urgent <= 0.22
    assert {m.category for m in demo.messages} == {c.value for c in MessageCategory}
    agencies = Counter(demo.agencies[m.agency_id] for m in demo.messages)
    assert len(agencies) >= 8 and agencies.most_common(1)[0][1] < len(demo.messages) / 3
    with_until = [m for m in demo.messages if m.relevant_until is not None]
    assert len(with_until) >= 0.85 * len(demo.messages)
    assert all(timedelta(0) < m.relevant_until - m.created_at < timedelta(days=16)  # type: ignore[operator]
               for m in with_until)
    assert len({m.body for m in demo.messages}) > 100  # texts vary: days and times are filled in


def test_message_outcomes_are_consistent_with_the_visits(demo: Demo) -> None:
    by_guest = _visits_by_guest(demo)
    desk_staff = {demo.staff[n].id for n in ("Demo Desk One", "Demo Desk Two", "Demo Lead")}
    states = Counter(_state(m) for m in demo.messages)
    assert set(states) == set(MessageState), states
    assert states[MessageState.DELIVERED] > len(demo.messages) / 2
    assert states[MessageState.NOT_PASSED_ON] + states[MessageState.WITHDRAWN] < len(demo.messages) / 10
    for m in demo.messages:
        assert m.created_by in desk_staff
        state = _state(m)
        if m.guest_id is None:  # left for a name the desk never matched
            assert m.linked_at is None and m.delivered_at is None and "(" in m.for_name
        else:
            assert m.linked_at == m.created_at and m.for_name
        if state is MessageState.DELIVERED:
            assert m.delivered_by in desk_staff and m.guest_id is not None
            assert m.created_at <= m.delivered_at <= START  # type: ignore[operator]
            assert m.relevant_until is None or m.delivered_at < m.relevant_until  # type: ignore[operator]
            assert _in_at(by_guest[m.guest_id], m.delivered_at), m.id  # type: ignore[arg-type]
        elif state is MessageState.EXPIRED:
            assert m.relevant_until is not None and m.relevant_until <= START
            assert m.not_passed_at is None and m.withdrawn_at is None
        elif state is MessageState.NOT_PASSED_ON:
            assert m.not_passed_reason and m.not_passed_by in desk_staff and m.not_passed_at <= START  # type: ignore[operator]
        elif state is MessageState.WITHDRAWN:
            assert m.withdraw_reason and m.created_at < m.withdrawn_at <= START  # type: ignore[operator]
        else:
            assert m.relevant_until is None or m.relevant_until > START
    assert sum(m.guest_id is None for m in demo.messages) >= 5


def test_some_messages_wait_including_for_guests_in_now(demo: Demo) -> None:
    waiting = [m for m in demo.messages if _state(m) is MessageState.WAITING]
    assert len(waiting) >= 3
    assert {m.id for m in waiting} == {m.id for m in demo.board}
    assert len(demo.in_now_board) >= 2
    # The desk shows "2 messages waiting" for at least one guest who is in.
    assert max(n for n, _ in demo.waiting_counts.values()) >= 2


def test_the_shift_log_has_a_few_respectful_entries_a_day(demo: Demo) -> None:
    days = (demo.log[-1].at - demo.log[0].at).days or 1
    assert 1.5 <= len(demo.log) / days <= 5
    kinds = Counter(e.kind for e in demo.log)
    assert set(kinds) == {k.value for k in LogKind}
    assert kinds.most_common(1)[0][0] == LogKind.GENERAL.value
    by_guest = _visits_by_guest(demo)
    linked = [e for e in demo.log if e.guest_id is not None]
    assert 0.3 * len(demo.log) <= len(linked) <= 0.8 * len(demo.log)
    for e in linked:
        assert _in_at(by_guest[e.guest_id], e.at), e.id  # type: ignore[index]
    for e in demo.log:
        assert e.at <= e.created_at <= START and e.text
        assert e.staff_id in {demo.staff[n].id for n in ("Demo Desk One", "Demo Desk Two", "Demo Lead")}


def test_triage_is_weekdays_9_to_5_for_guests_who_are_in(demo: Demo) -> None:
    by_guest = _visits_by_guest(demo)
    paramedic = demo.staff["Demo Paramedic"].id
    per_month: Counter[tuple[int, int]] = Counter()
    people: dict[tuple[int, int], set[str]] = defaultdict(set)
    for t in demo.triage:
        local = t.at.astimezone(LONDON)
        assert local.weekday() < 5 and time(9) <= local.time() < time(17), local
        assert _in_at(by_guest[t.guest_id], t.at), t.id
        assert t.paramedic_id == paramedic and t.presenting_need and t.notes
        assert t.outcome in {o.value for o in TriageOutcome} and t.at <= t.created_at <= START
        per_month[_month(t.at)] += 1
        people[_month(t.at)].add(t.guest_id)
    months = _full_months(demo)
    monthly = [per_month[m] for m in months]
    assert 150 <= sum(monthly) / len(monthly) <= 250, monthly  # Derby: about 199 a month
    assert 20 <= sum(len(people[m]) for m in months) / len(months) <= 80
    assert len({t.outcome for t in demo.triage}) == len(TriageOutcome)


def test_handovers_for_the_last_two_weeks_load_and_the_latest_waits(demo: Demo) -> None:
    assert 26 <= len(demo.handovers) <= 30
    names = {p.name for p in SiteSettings().periods}
    for h in demo.handovers:
        snapshot = HandoverSnapshot.from_json(h.snapshot)
        assert snapshot.taken_at and h.text and h.shift_name in names
        end = h.shift_end.astimezone(LONDON)
        assert end.time() in (time(8), time(20)) and h.shift_start < h.created_at <= h.shift_end
        assert timedelta(hours=11) <= h.shift_end - h.shift_start <= timedelta(hours=13)
        assert isinstance(json.loads(h.follow_ups), list)
        assert h.author_id in {demo.staff[n].id for n in ("Demo Desk One", "Demo Desk Two", "Demo Lead")}
        for log in snapshot.log:  # the shift's own entries only
            assert h.shift_start <= datetime.fromisoformat(log.at) <= h.created_at
    for earlier, later in zip(demo.handovers, demo.handovers[1:], strict=False):
        assert later.shift_start == earlier.shift_end
    *done, latest = demo.handovers
    assert latest.acknowledged_at is None and latest.created_at > START - timedelta(hours=13)
    assert all(h.acknowledged_at is not None and h.acknowledged_by not in (None, h.author_id) for h in done)
    assert [p.id for p in demo.pending] == [latest.id]
    assert len(demo.handover_history) == len(demo.handovers)
    assert any(HandoverSnapshot.from_json(h.snapshot).in_now for h in demo.handovers)
    assert any(HandoverSnapshot.from_json(h.snapshot).log for h in demo.handovers)


def test_the_services_and_the_monthly_figures_read_the_demo(demo: Demo) -> None:
    assert len(demo.triage_views) == len(demo.triage)
    assert all(not v.restricted and v.paramedic_name == "Demo Paramedic" for v in demo.triage_views)
    assert all(v.agency and v.guest_name for v in demo.board)
    f = demo.october
    assert f is not None
    assert f.messages_received >= 15 and f.messages_delivered >= 10 and f.messages_expired > 0
    assert f.median_hours_to_delivery is not None and f.median_hours_to_delivery > 0
    assert 120 <= f.triage_assessments <= 280 and f.guests_triaged >= 15
    assert sum(f.log_entries_by_kind.values()) >= 45


def _records(folder: Path) -> tuple[list[tuple[object, ...]], ...]:
    desk = auth.sign_in(folder, *DEMO_MANAGER, FixedClock(START))
    try:
        with desk.store.read() as s:
            return ([(m.created_at, m.for_name, m.body, m.relevant_until, m.delivered_at, m.withdrawn_at)
                     for m in s.scalars(select(Message).order_by(Message.id))],
                    [(e.at, e.kind, e.text) for e in s.scalars(select(ShiftLogEntry).order_by(ShiftLogEntry.id))],
                    # Clinical text is sealed with a fresh nonce each time: compared opened.
                    [(t.at, clinical.open_field(desk, t.id, "presenting_need", t.presenting_need),
                      clinical.open_field(desk, t.id, "notes", t.notes), t.outcome)
                     for t in s.scalars(select(Triage).order_by(Triage.id))],
                    [(h.created_at, h.snapshot, h.text, h.follow_ups) for h in s.scalars(select(Handover).order_by(Handover.id))])
    finally:
        desk.close()


def test_the_same_seed_gives_the_same_messages_log_triage_and_handovers(tmp_path: Path) -> None:
    stores = {}
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        generate_demo(tmp_path / name, DemoOptions(years=0.1, seed=seed), FixedClock(START))
        stores[name] = _records(tmp_path / name)
    assert all(stores["a"]) and stores["a"] == stores["b"]
    assert stores["a"][0] != stores["c"][0] and stores["a"][2] != stores["c"][2]


def test_the_hubs_day_is_in_the_demo(demo: Demo) -> None:
    """Issue 13: where people went by kind, expected arrivals, a keep-apart link, enquiries (one a lead
    approved), through the services with their audit entries."""
    assert demo.october is not None and demo.october.hub_day is not None
    went = demo.october.hub_day.departures_by_destination
    assert went["hostel"] > 0 and went["other"] > 0 and demo.october.hub_day.moved_on_to_accommodation > 0
    assert {"arrival_expected", "keep_apart_linked", "enquiry_logged", "status_recorded"} <= set(demo.actions)
    assert " 2 expected arrivals" in demo.output and " 2 enquiries" in demo.output
