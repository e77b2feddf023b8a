"""The proof: a real server process (HTTPS on loopback, on PostgreSQL and on its SQLite file), one
desk enrolled with history and one joined empty. After sync both give the same monthly report and
find the same guests, and nothing planted on the desk (names, notes, a message, a police arrival) is
anywhere the server keeps or says anything: its PostgreSQL data directory or every file in its folder
(the SQLite database with its write-ahead log, the log), and every HTTP body."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from safespace_desk.cli import CliIO, run
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails
from safespace_desk.services import exclusions, guests, messages, search, shiftlog, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.sync import enrol
from safespace_desk.sync.client import watching
from safespace_desk.sync.engine import DeskSync
from tests.conftest import MANAGER_NAME, MANAGER_PASSWORD, START
from tests.support.sync_server import process_server

PLANTED = [b"Zanzibar Quillfeather", b"Quillie", b"PLANTNOTE-7731", b"PLANTMSG-5519", b"PLANTLOG-2206",
           b"PLANTEXCL-8841", b"Barnaby Oddsocks", b"police"]


def _history(desk: DeskContext, clock: FixedClock) -> str:
    """A month of history at the desk, with the planted texts in it."""
    clock.set(START - timedelta(days=30))
    zed, _ = guests.add_guest(desk, GuestDetails(preferred_name="Zanzibar Quillfeather", aliases=("Quillie",),
                                                 support_notes="PLANTNOTE-7731"))
    other, _ = guests.add_guest(desk, GuestDetails(preferred_name="Barnaby Oddsocks"))
    agency = messages.list_agencies(desk)[0]
    messages.post_message(desk, agency_id=agency.id, guest_id=zed.id, body="PLANTMSG-5519 please call back")
    for day in range(0, 24, 6):
        clock.set(START - timedelta(days=29 - day, hours=2))
        visits.sign_in(desk, zed.id, "police" if day == 0 else "self")
        visits.sign_in(desk, other.id, "outreach")
        clock.advance(hours=3)
        for guest_id in (zed.id, other.id):
            visit_id = visits.open_visit_of(desk, guest_id)
            assert visit_id is not None
            visits.sign_out(desk, visit_id)
    shiftlog.add_entry(desk, "police_called", "PLANTLOG-2206 called for a synthetic incident")
    exclusions.issue_exclusion(desk, other.id, "PLANTEXCL-8841 synthetic reason", hours=24)
    clock.set(START)
    return zed.id


def _report(data_dir: Path, month_from: str, month_to: str) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    cli_io = CliIO(io.StringIO(), out, err, {"SAFESPACE_PASSWORD": MANAGER_PASSWORD}, FixedClock(START), False)
    code = run(["--data-dir", str(data_dir), "report", "--as", MANAGER_NAME, "--format", "json",
                "--from", month_from, "--to", month_to], cli_io)
    assert code == 0, err.getvalue()
    report = json.loads(out.getvalue())
    assert isinstance(report, dict)
    return report


@pytest.mark.slow
def test_two_desks_through_a_real_server_agree_and_the_server_holds_no_guest_data(
        desk: DeskContext, clock: FixedClock, tmp_path: Path, server_database: str | None,
        request: pytest.FixtureRequest) -> None:
    bodies: list[bytes] = []
    zed = _history(desk, clock)
    with process_server(tmp_path / "server", server_database) as server, watching(bodies.append):
        enrol.enrol(desk, server.first_code("End To End Hub"))
        code = enrol.make_join_code(desk)
        joined = enrol.join(tmp_path / "second", code, MANAGER_NAME, MANAGER_PASSWORD, FixedClock(START))
        try:
            # More happens at both desks after the join.
            visits.sign_in(desk, zed, "police")
            later, _ = guests.add_guest(joined, GuestDetails(preferred_name="Barnaby Oddsocks Junior"))
            for d in (desk, joined, desk):
                outcome = DeskSync(d).sync_now()
                assert outcome.caught_up, outcome.error
            assert [g.guest_id for g in visits.who_is_in(joined)] == [zed]
            for name in ("Zanzibar", "Quillie", "Oddsocks"):
                assert [h.guest_id for h in search.find_guests(desk, name)] == [h.guest_id for h in search.find_guests(joined, name)]
            assert guests.get_guest(desk, later.id).preferred_name == "Barnaby Oddsocks Junior"
            joined_dir = joined.store.paths.data_dir
        finally:
            joined.close()
        desk_dir = desk.store.paths.data_dir
        desk.close()
        for month in (("2026-10-01", "2026-10-31"), ("2026-11-01", "2026-11-30")):
            assert _report(desk_dir, *month) == _report(joined_dir, *month)
        if server_database is not None:
            with psycopg.connect(server_database, autocommit=True) as conn:
                conn.execute("CHECKPOINT")  # everything the server wrote is in its data files now
        log_text = (tmp_path / "server" / "server.log").read_bytes()
    # Every file in the server's folder: on SQLite its database, write-ahead log and shared memory.
    server_files = [p for p in (tmp_path / "server").rglob("*") if p.is_file()]
    if server_database is None:
        assert {"server.db", "server.log", "run.stderr"} <= {p.name for p in server_files}
    assert b"/v1/push" in log_text and len(bodies) > 10  # the log and the capture really saw the traffic
    for planted in PLANTED:
        assert not any(planted in body for body in bodies), f"{planted!r} crossed the network in plain"
        for path in server_files:
            assert planted not in path.read_bytes(), f"{planted!r} is in {path.name}"
    pg_data_dir = request.getfixturevalue("pg_data_dir") if server_database is not None else None
    if pg_data_dir is not None:
        hits = [str(p) for p in pg_data_dir.rglob("*") if p.is_file() and any(x in p.read_bytes() for x in PLANTED)]
        assert hits == [], f"planted text in the server's PostgreSQL files: {hits[:5]}"
