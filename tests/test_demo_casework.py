"""`demo --profile crisis` (PFG Doncaster's volumes) and `demo --profile haven`: plausible volumes,
and histories that keep the rules the services enforce. One store of each for the whole module."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from safespace_desk import cli
from safespace_desk.db.types import parse_utc
from safespace_desk.demo import DemoOptions, generate_demo
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import ValidationError
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import audit, auth, diary, plans, referrals, site
from safespace_desk.services.context import DeskContext
from tests.conftest import START

LONDON = ZoneInfo("Europe/London")
PASSWORD = "demo-manager-password"


def _open(folder: Path) -> Iterator[DeskContext]:
    desk = auth.sign_in(folder, "Demo Manager", PASSWORD, FixedClock(START))
    try:
        yield desk
    finally:
        desk.close()


@pytest.fixture(scope="module")
def crisis_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("crisis") / "data"
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["--data-dir", str(folder), "demo", "--profile", "crisis"],
                   cli.CliIO(io.StringIO(), out, err, {}, FixedClock(START), interactive=False))
    assert code == 0, err.getvalue()
    return folder, out.getvalue()


@pytest.fixture(scope="module")
def haven_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("haven") / "data"
    generate_demo(folder, DemoOptions(years=0.5, profile="haven", seed=3), FixedClock(START))
    return folder


@pytest.fixture
def crisis(crisis_store: tuple[Path, str]) -> Iterator[DeskContext]:
    yield from _open(crisis_store[0])


def test_the_crisis_demo_looks_like_pfg_doncaster(crisis: DeskContext, crisis_store: tuple[Path, str]) -> None:
    printed = crisis_store[1]
    assert "Demo Volunteer / demo-volunteer-password" in printed and "synthetic" in printed
    settings = site.get_site(crisis).settings
    assert settings.profile.kind.value == "crisis" and not settings.uses_beds
    october = compute_figures(crisis, month_range(2026, 10, LONDON)).casework
    assert october is not None
    received = sum(october.referrals[k] for k in ("new", "repeat", "duplicate"))
    assert 80 <= received <= 160  # 100 to 150 a month
    assert 0.15 <= (october.referrals["repeat"] + october.referrals["duplicate"]) / received <= 0.45
    calls = october.contacts["call_in"] + october.contacts["call_out"]
    assert 700 <= calls <= 1600 and 10 <= october.contacts["visit"] <= 60  # 747-1,500 calls; 17-38 visits
    assert 90 <= october.cases_open_at_end <= 190  # 138 open at once
    assert october.calls_per_person["max"] >= 20 and october.practical_support["food_pack"] >= 15
    assert october.people_by_age_band["not recorded"] < october.people_reached
    # The services read it: lists of cases, referrals waiting, follow-ups on the desk.
    assert 90 <= len(referrals.open_cases(crisis)) <= 190
    assert referrals.waiting_referrals(crisis) is not None and diary.open_follow_ups(crisis)
    assert audit.verify_chain(crisis).ok


def test_the_crisis_history_keeps_the_case_rules(crisis: DeskContext) -> None:
    sql = crisis.store.raw_connection_sql
    episodes: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
    for guest, number, opened, closed in sql("SELECT guest_id, number, opened_at, closed_at FROM case_episode"):
        episodes[guest].append((number, opened, closed))
    for rows in episodes.values():
        rows.sort()
        assert [n for n, _, _ in rows] == list(range(1, len(rows) + 1))  # re-opened, never a second case
        assert sum(1 for _, _, closed in rows if closed is None) <= 1
        for (_, _, closed), (_, opened, _) in zip(rows, rows[1:], strict=False):
            assert closed is not None and closed <= opened
    duplicates = sql("SELECT r.received_at, e.opened_at, e.closed_at FROM referral r "
                     "JOIN case_episode e ON e.id = r.duplicate_of WHERE r.kind = 'duplicate'")
    assert duplicates and all(opened <= at and (closed is None or at < closed) for at, opened, closed in duplicates)
    assert sql("SELECT count(*) FROM referral WHERE kind = 'repeat' AND status = 'accepted'")[0][0] > 0
    # Every contact falls in the opening hours of its day (16:30-21:00; 12:00-21:30 December to March).
    hours = site.get_site(crisis).settings.profile.hours
    for (at,) in sql("SELECT at FROM contact ORDER BY random() LIMIT 400"):
        assert hours.is_open(parse_utc(at), LONDON), at
    versions = sql("SELECT plan_id, group_concat(version) FROM plan_version GROUP BY plan_id")
    assert all(v in ("1", "1,2", "1,2,3") for _, v in versions)
    # Plans the person asked to keep private are sealed to the clinical key, as the desk writes them,
    # and the manager opens them.
    sealed = sql("SELECT p.id, v.version, v.sections FROM plan_version v JOIN plan p ON p.id = v.plan_id "
                 "WHERE v.sealed ORDER BY v.id LIMIT 5")
    assert sealed and all(body.startswith("p1.") for _, _, body in sealed)
    assert plans.read_plan(crisis, sealed[0][0], sealed[0][1]).sections


def test_the_haven_demo_opens_evenings_and_keeps_online_out_of_occupancy(haven_store: Path) -> None:
    for desk in _open(haven_store):
        settings = site.get_site(desk).settings
        assert settings.profile.kind.value == "haven" and settings.profile.minimum_age == 18
        sql = desk.store.raw_connection_sql
        for (at,) in sql("SELECT signed_in_at FROM visit ORDER BY random() LIMIT 300"):
            local = parse_utc(at).astimezone(LONDON)
            assert 18 <= local.hour < 23, local
        modes = dict(sql("SELECT mode, count(*) FROM visit GROUP BY mode"))
        assert modes["in_person"] > modes["online"] > 0
        figures = compute_figures(desk, month_range(2026, 10, LONDON))
        assert figures.casework is not None and figures.casework.visits_by_mode["online"] > 0
        assert figures.occupancy[0].peak <= settings.periods[0].places
        assert figures.casework.sessions["online"] > 0 and figures.casework.people_by_age_band["16-17"] > 0
        assert sql("SELECT count(*) FROM referral") == [(0,)]
        assert sql("SELECT count(DISTINCT opening_date) FROM closing")[0][0] > 150


def test_a_casework_demo_refuses_what_it_cannot_simulate(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        generate_demo(tmp_path / "a", DemoOptions(years=10, profile="crisis"), FixedClock(datetime.now(UTC)))
    with pytest.raises(ValidationError):
        generate_demo(tmp_path / "b", DemoOptions(profile="shelter"), FixedClock(datetime.now(UTC)))
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
