"""The demo generator: plausible volumes, and a history that keeps every rule the desk enforces.

One small demo store (one year at Derby's scale) is made through the CLI for the whole module.
"""

from __future__ import annotations

import io
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from safespace_desk import cli
from safespace_desk.db.models import AuditEntry, BedAssignment, Exclusion, Guest, GuestAlias, Staff, Visit
from safespace_desk.demo import DEMO_MANAGER, DemoOptions, generate_demo
from safespace_desk.demo.history import simulate
from safespace_desk.demo.timeline import Timeline
from safespace_desk.demo.volumes import DemoVolumes
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import DeskError
from safespace_desk.domain.guests import ArrivedVia, GuestFlag, looks_like_card_code
from safespace_desk.domain.site import SiteSettings
from safespace_desk.services import audit, auth
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
        data.audit_ok = audit.verify_chain(desk).ok
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
                        (len(demo.beds), "bed assignments"), (len(demo.exclusions), "exclusions")):
        assert f" {count:,} {kind}" in demo.output
    # The bulk load drops the visit and bed indexes and must build every one of them again.
    assert {"visit_guest_time", "visit_time", "visit_open", "bed_held", "bed_assignment_night"} <= demo.indexes


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
