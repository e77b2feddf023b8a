"""The retention purge keeps to its cut-off to the second: a record one second older than the cut-off
goes, one exactly at it stays, for every kind of record, and what goes is really gone from the store.

Each record is written through its own service with the clock set to its moment, six (or, for
triage, eight) years before "now"; moving the cut-off by a second either way, or by years, fails.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.retention import RetentionPolicy
from safespace_desk.services import data_rights, exclusions, handover, messages, shiftlog, triage, visits
from safespace_desk.services.context import DeskContext
from tests.conftest import START
from tests.services.frontdesk_helpers import add, desk_as

SECOND = timedelta(seconds=1)
# Written out, not computed with the program's own cutoff_for (a cut-off moved there would move here too).
CUT = datetime(2020, 11, 24, 12, 0, tzinfo=UTC)  # 72 months before START: everything but triage
CUT_TRIAGE = datetime(2018, 11, 24, 12, 0, tzinfo=UTC)  # 96 months: triage
assert datetime(2026, 11, 24, 12, 0, tzinfo=UTC) == START, "the cut-offs above are counted from this START"


def _rows(desk: DeskContext, table: str, ids: list[str]) -> set[str]:
    quoted = ", ".join(f"'{i}'" for i in ids)
    return {row[0] for row in desk.store.raw_connection_sql(f"SELECT id FROM {table} WHERE id IN ({quoted})")}


def _records_at(desk: DeskContext, lead: DeskContext, medic: DeskContext, clock: FixedClock,
                when: datetime, when_triage: datetime, tag: str) -> dict[str, str]:
    """One record of every kind whose retention time is ``when`` (triage: ``when_triage``)."""
    made: dict[str, str] = {}
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    clock.set(when - timedelta(hours=3))
    visitor = add(desk, f"Synthetic Visitor {tag}")
    visit = visits.sign_in(desk, visitor, "self")
    clock.set(when)
    visits.sign_out(desk, visit.visit_id)  # a visit is kept from when it ended
    made["visit"] = visit.visit_id
    made["message"], _ = messages.post_message(desk, agency_id=gp, guest_id=visitor, body="Synthetic appointment")
    messages.deliver(desk, made["message"])  # finished, so it may go
    made["shift_log"], _ = shiftlog.add_entry(desk, "general", "Synthetic entry")
    made["handover"], _ = handover.write_handover(desk, "Synthetic handover")
    handover.acknowledge(lead, made["handover"])  # only acknowledged handovers may go
    made["guest"] = add(desk, f"Synthetic Newcomer {tag}")  # added then, never seen since
    clock.set(when - timedelta(hours=24))
    banned = add(desk, f"Synthetic Banned {tag}")
    exclusions.issue_exclusion(desk, banned, "Synthetic reason", 24)  # ends exactly at ``when``
    made["exclusion"] = desk.store.raw_connection_sql(
        f"SELECT id FROM exclusion WHERE guest_id = '{banned}'")[0][0]
    clock.set(when_triage)
    made["triage"], _ = triage.record_triage(medic, add(desk, f"Synthetic Patient {tag}"),
                                             presenting_need="Synthetic need", outcome="advice")
    return made


def test_the_cutoff_is_exact_to_the_second_and_purged_records_are_gone(
        desk: DeskContext, data_dir: Path, clock: FixedClock) -> None:
    lead = desk_as(desk, data_dir, clock, "Lee Lead", "lead")
    medic = desk_as(desk, data_dir, clock, "Pat Medic", "paramedic")
    try:
        outside = _records_at(desk, lead, medic, clock, CUT - SECOND, CUT_TRIAGE - SECOND, "outside")
        inside = _records_at(desk, lead, medic, clock, CUT, CUT_TRIAGE, "inside")
    finally:
        lead.close()
        medic.close()
    clock.set(START)
    data_rights.set_retention_policy(desk, RetentionPolicy())  # 72 months, triage 96
    results = {r.kind: r.removed for r in data_rights.purge_expired(desk)}

    for table in ("visit", "message", "shift_log", "handover", "exclusion", "triage"):
        assert _rows(desk, table, [outside[table]]) == set(), f"{table}: one second past the cut-off stays"
        assert _rows(desk, table, [inside[table]]) == {inside[table]}, f"{table}: at the cut-off it went"
    names = dict(desk.store.raw_connection_sql(
        f"SELECT id, preferred_name FROM guest WHERE id IN ('{outside['guest']}', '{inside['guest']}')"))
    assert names == {outside["guest"]: data_rights.ERASED_NAME, inside["guest"]: "Synthetic Newcomer inside"}
    for kind in ("visits", "messages", "shift_log", "handovers", "exclusions", "triage"):
        assert results[kind] == 1, (kind, results)
    assert {r.kind: r.cutoff for r in data_rights.purge_history(desk)}["visits"] == CUT
