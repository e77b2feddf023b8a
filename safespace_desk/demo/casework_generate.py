"""A demo store for a crisis service (`demo --profile crisis`) or a haven (`demo --profile haven`):
set-up and staff through the services, then the simulated history (demo/casework.py) in bulk."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from safespace_desk.db.store import StorePaths, remove_partial
from safespace_desk.demo.bulk import indexes_deferred, write_rows
from safespace_desk.demo.casework import COUNT_NAMES, TABLE_ORDER, CaseworkPlan, simulate
from safespace_desk.demo.generate import DEMO_MANAGER, DEMO_TIMEZONE, DemoOptions, DemoResult, SignIn
from safespace_desk.demo.timeline import epoch
from safespace_desk.domain.clock import Clock, FixedClock
from safespace_desk.domain.roles import Role
from safespace_desk.domain.site import starting_settings
from safespace_desk.services import clinical, setup, staff

SITES = {"crisis": "Demo Crisis Service (synthetic data)", "haven": "Demo Safe Haven (synthetic data)"}
# Keep in step with the README.
CASEWORK_STAFF = (
    ("Demo Lead", Role.LEAD, "demo-lead-password"),
    ("Demo Peer One", Role.DESK, "demo-peer-password"),
    ("Demo Peer Two", Role.DESK, "demo-peer-password"),
    ("Demo Volunteer", Role.VOLUNTEER, "demo-volunteer-password"),
)
# 01632 960xxx is set aside by Ofcom for drama: it can never reach anyone.
DUTY_NUMBER = "01632 960000"


def generate_casework_demo(data_dir: Path, options: DemoOptions, clock: Clock,
                           say: Callable[[str], None]) -> DemoResult:
    started = time.perf_counter()
    zone = ZoneInfo(DEMO_TIMEZONE)
    now = clock.now()
    days = max(1, round(options.years * 365.25))
    first = now.astimezone(zone).date() - timedelta(days=days - 1)
    settings = starting_settings(options.profile)
    profile = settings.profile
    escalation = tuple(replace(c, number=DUTY_NUMBER, note="Synthetic demo number") if not c.number else c
                       for c in profile.escalation)
    settings = replace(settings, profile=replace(profile, escalation=escalation))
    settings = replace(settings, periods=tuple(replace(p, places=p.places * options.scale) for p in settings.periods))
    setup_clock = FixedClock(now - timedelta(days=days + 1))
    result = setup.initialise_store(data_dir, site_name=SITES[options.profile], timezone=DEMO_TIMEZONE,
                                    manager_name=DEMO_MANAGER[0], manager_password=DEMO_MANAGER[1],
                                    clock=setup_clock, settings=settings)
    desk = result.desk
    try:
        ids = {name: staff.add_staff(desk, name=name, role=role, password=password)[0].id
               for name, role, password in CASEWORK_STAFF}
        say(f"store and staff ready ({time.perf_counter() - started:.1f} s)")
        plan = CaseworkPlan(zone, settings.profile.hours, first, days, epoch(now), options.scale, options.seed,
                            peers=(ids["Demo Peer One"], ids["Demo Peer Two"], ids["Demo Lead"]),
                            lead=ids["Demo Lead"],
                            clinical_public=clinical.public_of(desk.clinical_key) if desk.clinical_key else None)
        t0 = time.perf_counter()
        rows = simulate(options.profile, plan)
        steps = {"simulation": time.perf_counter() - t0}
        say(f"simulation: {steps['simulation']:.1f} s")
        counts = {}
        t0 = time.perf_counter()
        tables = tuple(t for t in TABLE_ORDER if rows.count(t))
        with indexes_deferred(desk.store, tables):
            for table in tables:
                counts[COUNT_NAMES[table]] = write_rows(desk.store, table, rows.tables[table])
        steps["writing"] = time.perf_counter() - t0
        say(f"writing: {steps['writing']:.1f} s")
        desk.clock = clock
        with desk.unit_of_work() as uow:
            uow.audit("demo_data_generated", "site", detail=f"profile={options.profile};years={options.years};"
                                                             f"scale={options.scale};seed={options.seed}")
    except BaseException:
        desk.close()
        remove_partial(StorePaths(data_dir))
        raise
    desk.close()
    sign_ins = (SignIn(DEMO_MANAGER[0], Role.MANAGER, DEMO_MANAGER[1]),
                *(SignIn(name, role, password) for name, role, password in CASEWORK_STAFF))
    return DemoResult(counts, sign_ins, result.recovery_key, time.perf_counter() - started, steps)
