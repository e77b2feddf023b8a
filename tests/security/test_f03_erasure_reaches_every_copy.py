"""Issue 14, finding 3: erasure left text behind.

After erasing a guest, ``outbox.args`` still held their legal name, support notes and triage notes;
handover snapshots held their name and exclusion reason; shift-log text named them. The planted-name
scan: a guest with distinctive names (one of them an earlier name) is written into every place the
desk copies a guest to, then erased; none of their names or words is found anywhere afterwards: in
any table of the decrypted store, in the raw decrypted file, in the search index, in a backup taken
after, or in the files the desk exports.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.guests import GuestDetails, GuestFlag
from safespace_desk.domain.messages import LogKind
from safespace_desk.reports.export import figures_to_csv
from safespace_desk.reports.figures import compute_figures
from safespace_desk.reports.period import month_range
from safespace_desk.services import (
    backups,
    data_rights,
    exclusions,
    guests,
    handover,
    messages,
    search,
    shiftlog,
    triage,
    visits,
)
from safespace_desk.services.context import DeskContext
from safespace_desk.services.overrides import Override, OverrideAction, own_override
from tests.security.conftest import MEDIC, SignInAs
from tests.services.frontdesk_helpers import LONDON, at_local
from tests.support import pdf
from tests.support.sqlcipher4 import decrypt_file
from tests.support.stores import contains_text

EARLIER = "Oldplanted Qwfpgj"  # the name they went by before a change of name
NAME = "Zyxwvut Plantedname"
ALIAS = "Plantalias"
LEGAL = "Legalplanted Xyzzy"
NOTES = "Plantednote: sleeps at the Qwfpgj garages"
PLANTED = ("Zyxwvut", "Plantedname", "Plantalias", "Legalplanted", "Oldplanted", "Qwfpgj", "Plantednote")


def _hits(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in PLANTED if word.lower() in lowered]


def _plant(desk: DeskContext, clock: FixedClock, sign_in_as: SignInAs) -> tuple[str, str]:
    at_local(clock, 2026, 11, 24, 9, 0)
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name=EARLIER, legal_name=LEGAL))
    pip = record.id
    guests.update_guest(desk, pip, GuestDetails(preferred_name=NAME, aliases=(ALIAS,), legal_name=LEGAL,
                                                birth_year=1979, gender="Female", support_notes=NOTES,
                                                flags=frozenset({GuestFlag.DA_RISK})))
    other, _ = guests.add_guest(desk, GuestDetails(preferred_name="Kez"))
    gp = next(a.id for a in messages.list_agencies(desk) if a.name == "GP")
    messages.post_message(desk, agency_id=gp, guest_id=pip, body=f"{NAME}: appointment Thursday", urgent=True,
                          contact=f"Dr Okafor re {ALIAS}")
    messages.post_message(desk, agency_id=gp, for_name=ALIAS, body="Ring the surgery")  # not linked yet
    messages.post_message(desk, agency_id=gp, guest_id=other.id, body=f"Kez's friend {NAME} left a bag")
    for n in range(16):  # a full house: Pip comes in on a lead's override, with a reason naming her
        visits.sign_in(desk, guests.add_guest(desk, GuestDetails(preferred_name=f"Guest {n}"))[0].id, "self")
    visit = visits.sign_in(desk, pip, "police", override=Override(
        f"Police brought {ALIAS} in", own_override(desk, OverrideAction.SIGN_IN)))
    shiftlog.add_entry(desk, LogKind.INCIDENT, "Zyxwvut shouted at the door", guest_id=pip)
    shiftlog.add_entry(desk, LogKind.GENERAL, f"Kez asked after {NAME} and {LEGAL}")
    medic = sign_in_as(MEDIC)
    triage.record_triage(medic, pip, presenting_need=f"{ALIAS}: cough", outcome="treated",
                         notes=f"{NAME} says Plantednote asthma")
    handover.write_handover(desk, f"Quiet. {NAME} in bed 1.", [f"Check on {ALIAS} at 10"])
    clock.advance(hours=2)
    visits.sign_out(desk, visit.visit_id, f"{ALIAS}'s sister's flat")
    exclusions.issue_exclusion(desk, pip, f"{ALIAS} threatened a volunteer", hours=24)
    handover.write_handover(desk, "Exclusion issued.", [])
    return pip, other.id


def test_erasure_reaches_every_copy_inside_the_store(desk: DeskContext, clock: FixedClock,
                                                      sign_in_as: SignInAs, tmp_path: Path) -> None:
    pip, _other = _plant(desk, clock, sign_in_as)
    before = json.dumps(_all_tables(desk), default=str)
    assert set(_hits(before)) == set(PLANTED)  # planted everywhere, or the scan below proves nothing
    outbox_before = json.dumps(desk.store.raw_connection_sql("SELECT args, rows FROM outbox"))
    assert "Plantednote" in outbox_before and "Legalplanted" in outbox_before

    data_rights.erase_guest(desk, pip, f"{NAME} asked by email")

    for table, rows in _all_tables(desk).items():
        assert not _hits(json.dumps(rows, default=str)), f"{table}: {_hits(json.dumps(rows, default=str))}"
    # The in-memory search index.
    for query in ("Zyxw", "Plantedname", "Plantalias", "Legalplanted", "Oldplanted"):
        assert search.find_guests(desk, query) == []
    assert not _hits(json.dumps([[n for n in g.names] for g in guests.guest_index(desk).guests()]))
    # What stays: the facts, so past figures do not change, and the other records.
    assert len(visits.guest_visits(desk, pip)) == 1
    kez_log = shiftlog.entries(desk, clock.now() - timedelta(days=1), clock.now())
    assert [e.text for e in kez_log] == ["[name erased] shouted at the door",
                                        "Kez asked after [name erased] and [name erased]"]
    snapshot = handover.history(desk)[-1].snapshot
    assert [g.name for g in snapshot.in_now if g.guest_id == pip] == ["Erased guest"]
    assert [g.flags for g in snapshot.in_now if g.guest_id == pip] == [[]]
    assert "Guest 3" in [g.name for g in snapshot.in_now]  # everyone else keeps their name

    # A backup taken afterwards, and the raw decrypted files.
    info = backups.run_backup(desk, tmp_path / "backups")
    master = desk.master_key
    data_dir = desk.store.paths.data_dir
    desk.close()
    for path in (data_dir / "store.db", info.path / "store.db"):
        plain = decrypt_file(path, master)
        assert not [w for w in PLANTED if contains_text(plain, w) or contains_text(plain, w.lower())], path


def test_exports_after_erasure_name_nobody(desk: DeskContext, clock: FixedClock, sign_in_as: SignInAs,
                                           tmp_path: Path, qtbot: Any) -> None:
    from safespace_desk.ui.messages.actions import ServiceActions
    from safespace_desk.ui.messages.handover_page import HandoverPage
    from safespace_desk.ui.messages.outcomes_view import AgencyOutcomesView

    pip, _ = _plant(desk, clock, sign_in_as)
    data_rights.erase_guest(desk, pip, "Subject's request")
    exported = json.dumps(data_rights.export_guest(desk, pip), default=str)
    assert not _hits(exported)
    # The subject-access files as the Backups & data page writes them (JSON and PDF).
    from safespace_desk.ui.data_rights.guest_data_tab import export_subject_access

    json_file, pdf_file = export_subject_access(desk, pip, tmp_path / "subject.json")
    assert not _hits(json_file.read_text(encoding="utf-8")) and not _hits(pdf.text(pdf_file))
    now = clock.now().astimezone(LONDON)
    assert not _hits(figures_to_csv(compute_figures(desk, month_range(now.year, now.month, LONDON))))
    outcomes = AgencyOutcomesView(ServiceActions(desk))
    qtbot.addWidget(outcomes)
    outcomes.prepare(now.date())
    outcomes.load()
    assert len(outcomes.rows) == 3
    assert not _hits(outcomes.save_csv(tmp_path / "outcomes.csv").read_text(encoding="utf-8"))
    page = HandoverPage(desk)
    qtbot.addWidget(page)
    for view in handover.history(desk):
        page.show_handover(view)
        printed = pdf.text(page.save_pdf(tmp_path / f"handover-{view.id}.pdf"))
        assert "Erased guest" in printed or "Exclusion issued" in printed
        assert not _hits(printed), printed


def test_a_name_is_matched_as_search_matches_it(desk: DeskContext, clock: FixedClock) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Zoë Ó Briain"))
    shiftlog.add_entry(desk, LogKind.GENERAL, "ZOE O BRIAIN and zoë ó briain came by; Zoe's mate Zoey too")
    shiftlog.add_entry(desk, LogKind.GENERAL, "Zoë cried", guest_id=record.id)
    data_rights.erase_guest(desk, record.id, "Subject's request")
    texts = [e.text for e in shiftlog.entries(desk, clock.now() - timedelta(days=1), clock.now() + timedelta(1))]
    # Others' text loses the full name; text about her loses each of her names; "Zoey" is not her.
    assert texts == ["[name erased] and [name erased] came by; Zoe's mate Zoey too", "[name erased] cried"]


def _all_tables(desk: DeskContext) -> dict[str, list[Any]]:
    names = [r[0] for r in desk.store.raw_connection_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {name: desk.store.raw_connection_sql(f'SELECT * FROM "{name}"') for name in names}
