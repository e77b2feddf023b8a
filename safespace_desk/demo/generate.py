"""Make a demo store: set-up and staff through the services, then the synthetic history in bulk."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from safespace_desk.db.store import StorePaths, remove_partial
from safespace_desk.demo.steps import STEPS, DemoRun, DemoStaffIds
from safespace_desk.demo.timeline import Timeline, to_datetime
from safespace_desk.demo.volumes import DemoVolumes
from safespace_desk.domain.clock import Clock, FixedClock
from safespace_desk.domain.errors import RuleViolation, ValidationError
from safespace_desk.domain.roles import Role
from safespace_desk.domain.site import CapacityPeriod, SiteSettings
from safespace_desk.services import setup, site, staff

DEMO_SITE = "Demo Safe Space (synthetic data)"
DEMO_TIMEZONE = "Europe/London"
# Keep in step with the Makefile's demo target and the README.
DEMO_MANAGER = ("Demo Manager", "demo-manager-password")
DEMO_STAFF = (
    ("Demo Lead", Role.LEAD, "demo-lead-password"),
    ("Demo Desk One", Role.DESK, "demo-desk-password"),
    ("Demo Desk Two", Role.DESK, "demo-desk-password"),
    ("Demo Paramedic", Role.PARAMEDIC, "demo-paramedic-password"),
)
MAX_YEARS = 30
MAX_SCALE = 100
PROFILES = ("hub", "crisis", "haven")
# A crisis service's or haven's history is simulated in memory: a few years at a few times the volumes.
MAX_CASEWORK_YEARS = 5
MAX_CASEWORK_SCALE = 5


@dataclass(frozen=True)
class DemoOptions:
    years: float = 1.0
    scale: int = 1
    seed: int = 1
    profile: str = "hub"  # hub (Derby), crisis (PFG Doncaster) or haven (a Safe Haven)


@dataclass(frozen=True)
class SignIn:
    name: str
    role: Role
    password: str


@dataclass(frozen=True)
class DemoResult:
    counts: dict[str, int]
    sign_ins: tuple[SignIn, ...]
    recovery_key: str
    seconds: float
    step_seconds: dict[str, float] = field(default_factory=dict)


def check_options(options: DemoOptions) -> None:
    if not 1 / 365 <= options.years <= MAX_YEARS:
        raise ValidationError(f"--years must be between one day (0.003) and {MAX_YEARS}.", field="years")
    if not 1 <= options.scale <= MAX_SCALE:
        raise ValidationError(f"--scale must be a whole number from 1 to {MAX_SCALE}.", field="scale")
    if options.profile not in PROFILES:
        raise ValidationError(f"--profile is one of {', '.join(PROFILES)}.", field="profile")
    if options.profile != "hub" and (options.years > MAX_CASEWORK_YEARS or options.scale > MAX_CASEWORK_SCALE):
        raise ValidationError(f"A {options.profile} demo covers up to {MAX_CASEWORK_YEARS} years at up to "
                              f"{MAX_CASEWORK_SCALE}x the volumes.", field="years")


def scaled_settings(scale: int) -> SiteSettings:
    """Derby's places and beds times the scale (a hub K times the size has K times the room)."""
    base = SiteSettings()
    if scale == 1:
        return base
    periods = tuple(replace(p, places=p.places * scale) for p in base.periods)
    beds = sum(p.places for p in periods if p.beds)
    return replace(base, periods=periods, bed_labels=tuple(f"Bed {n}" for n in range(1, beds + 1)))


def _bed_period(settings: SiteSettings) -> CapacityPeriod:
    return next(p for p in settings.periods if p.beds)


def generate_demo(data_dir: Path, options: DemoOptions, clock: Clock, *,
                  progress: Callable[[str], None] | None = None) -> DemoResult:
    """Create a store in the empty ``data_dir`` with ``options.years`` of synthetic history ending
    at ``clock.now()``. All or nothing: if anything fails, the half-made store is removed."""
    check_options(options)
    if setup.is_set_up(data_dir):
        raise RuleViolation("There is already a store in this data folder. The demo only writes into a "
                            "new, empty folder: choose another --data-dir.")
    started = time.perf_counter()
    say = progress or (lambda _text: None)
    if options.profile != "hub":
        from safespace_desk.demo.casework_generate import generate_casework_demo

        return generate_casework_demo(data_dir, options, clock, say)
    settings = scaled_settings(options.scale)
    night = _bed_period(settings)
    timeline = Timeline.build(ZoneInfo(DEMO_TIMEZONE), clock.now(), options.years,
                              day_starts=night.ends, night_starts=night.starts)
    # Set-up and staff are dated the day before the history begins, so nobody appears in the
    # history before their account existed.
    setup_clock = FixedClock(to_datetime(timeline.start) - timedelta(days=1))
    result = setup.initialise_store(data_dir, site_name=DEMO_SITE, timezone=DEMO_TIMEZONE,
                                    manager_name=DEMO_MANAGER[0], manager_password=DEMO_MANAGER[1],
                                    clock=setup_clock)
    desk = result.desk
    try:
        if options.scale != 1:
            site.update_settings(desk, settings)
        ids = {}
        for name, role, password in DEMO_STAFF:
            member, _ = staff.add_staff(desk, name=name, role=role, password=password)
            ids[role, name] = member.id
        say(f"store and staff ready ({time.perf_counter() - started:.1f} s)")
        run = DemoRun(desk=desk, timeline=timeline, volumes=DemoVolumes(options.scale), seed=options.seed,
                      staff=DemoStaffIds(manager=desk.require_actor().staff_id,
                                         lead=ids[Role.LEAD, "Demo Lead"],
                                         desk_one=ids[Role.DESK, "Demo Desk One"],
                                         desk_two=ids[Role.DESK, "Demo Desk Two"],
                                         paramedic=ids[Role.PARAMEDIC, "Demo Paramedic"]),
                      bed_labels=settings.bed_labels)
        step_seconds = {}
        for name, step in STEPS:
            t0 = time.perf_counter()
            step(run)
            step_seconds[name] = time.perf_counter() - t0
            say(f"{name}: {step_seconds[name]:.1f} s")
        desk.clock = clock  # the closing audit entry is dated now, after the history
        with desk.unit_of_work() as uow:
            uow.audit("demo_data_generated", "site",
                      detail=f"years={options.years};scale={options.scale};seed={options.seed}")
    except BaseException:
        desk.close()
        remove_partial(StorePaths(data_dir))
        raise
    desk.close()
    sign_ins = (SignIn(DEMO_MANAGER[0], Role.MANAGER, DEMO_MANAGER[1]),
                *(SignIn(name, role, password) for name, role, password in DEMO_STAFF))
    return DemoResult(run.counts, sign_ins, result.recovery_key, time.perf_counter() - started, step_seconds)
