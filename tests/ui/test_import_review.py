"""The import review names each guest a line may be with what tells them apart (issue 8, finding 7)."""

from __future__ import annotations

from safespace_desk.services import importer, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.site import get_site
from safespace_desk.ui.data_rights.import_page import may_be_text
from tests.services.frontdesk_helpers import add


def test_two_guests_of_one_name_are_told_apart_in_the_review(desk: DeskContext) -> None:
    """Finding 7: the review said "May be: Jonno, Jonno"; each guest it may be comes with what tells
    them apart (other names, when last in, the end of their card)."""
    first = add(desk, "Jonno", aliases=("Big J",))
    add(desk, "Jonno")
    visits.sign_in(desk, first, "self")
    text = "name,date,time_in,time_out\nJonno,2026-10-03,10:00,11:00\n"
    report = importer.import_visits(desk, text.encode(), dry_run=True)
    [match] = report.uncertain
    assert match.candidates == ["Jonno", "Jonno"]
    lines = may_be_text(match, get_site(desk).zone, desk.clock.now()).split("\n")
    assert len(lines) == 2 and lines[0] != lines[1]
    assert any("also Big J" in line and "last in" in line for line in lines)
    assert any("never in yet" in line for line in lines)
    assert all("card …" in line for line in lines)
