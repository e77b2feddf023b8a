"""The by-name list for the partnership meeting, over a hand-built fortnight (partnership_helpers):
every column, every filter, joining and leaving, the action agreed, need-to-know and the audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from safespace_desk.db.models import AuditEntry, OutboxOp
from safespace_desk.db.models_partnership import PartnershipAction
from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import NotFound, PermissionDenied, RuleViolation, ValidationError
from safespace_desk.domain.guests import GuestFlag
from safespace_desk.domain.partnership import ActionInput, ByNameList, ListFilter, ListRow
from safespace_desk.domain.roles import Permission, Role, can
from safespace_desk.services import auth, data_rights, partnership
from safespace_desk.services.context import DeskContext
from tests.services.frontdesk_helpers import LONDON, at_local
from tests.services.partnership_helpers import (
    CLINICAL_WORDS,
    DESK_NAME,
    LAST_MEETING,
    MEDIC_NAME,
    MEETING,
    NEED_WORDS,
    STAFF_PASSWORD,
    Fortnight,
    open_copy,
)


@pytest.fixture(scope="module")
def built(partnership_fortnight: tuple[Path, Fortnight]) -> tuple[Path, Fortnight]:
    return partnership_fortnight


@pytest.fixture(scope="module")
def shared(built: tuple[Path, Fortnight], tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeskContext]:
    """One desk for the tests that only read (and for refused changes, which write nothing)."""
    desk, _clock = open_copy(built[0], tmp_path_factory.mktemp("shared") / "data")
    yield desk
    desk.close()


@pytest.fixture
def fortnight(built: tuple[Path, Fortnight]) -> Fortnight:
    return built[1]


@pytest.fixture
def fresh(built: tuple[Path, Fortnight], tmp_path: Path) -> Iterator[tuple[DeskContext, FixedClock, Path]]:
    """A desk of its own, for a test that changes things."""
    desk, clock = open_copy(built[0], tmp_path / "data")
    yield desk, clock, tmp_path / "data"
    desk.close()


def _rows(listing: ByNameList) -> dict[str, ListRow]:
    return {row.name: row for row in listing.rows}


def test_the_list_for_the_meeting_has_one_row_per_person_in_last_seen_order(
        shared: DeskContext, fortnight: Fortnight) -> None:
    plan = partnership.meeting_plan(shared)
    # The next fortnightly meeting after the one recorded on 26 Nov, since that meeting.
    assert (plan.meeting_day, plan.previous, plan.first_day, plan.last_day) == (
        MEETING, LAST_MEETING, LAST_MEETING, MEETING)
    listing = partnership.by_name_list(shared, MEETING)
    # Seen in the period or on the list; Dee asked not to be discussed; Eve was erased; Finny is Finn.
    assert [row.name for row in listing.rows] == ["Ann", "Gus", "Finn", "Ben", "Hal", "Cal"]
    assert listing.left_off == 1
    assert listing.previous_meeting == LAST_MEETING
    assert listing.as_of == datetime(2026, 12, 10, 9, 0, tzinfo=LONDON)


def test_every_column_of_a_row(shared: DeskContext, fortnight: Fortnight) -> None:
    rows = _rows(partnership.by_name_list(shared, MEETING))
    ann = rows["Ann"]
    assert ann.other_names == ("Annie",)
    assert ann.first_seen == datetime(2026, 12, 1, 2, 0, tzinfo=LONDON)
    assert ann.last_seen == datetime(2026, 12, 8, 21, 0, tzinfo=LONDON)
    # Brought in at 02:00 she had a bed for the rest of the night of 30 Nov; then the night of 8 Dec.
    assert (ann.visits, ann.nights, ann.arrivals) == (2, 2, {"police": 1, "self": 1})
    assert (ann.exclusions, ann.excluded_now) == (0, False)
    assert ann.messages_waiting == {"GP": 1} and ann.messages_delivered == {"Housing": 1}
    assert ann.triage_assessments == 2
    assert ann.flags == (GuestFlag.MENTAL_HEALTH,)
    assert ann.on_list_since is None and ann.action is None and ann.new_since_last_meeting
    ben = rows["Ben"]
    assert ben.first_seen == datetime(2026, 10, 3, 10, 0, tzinfo=LONDON) and not ben.new_since_last_meeting
    assert (ben.visits, ben.exclusions, ben.excluded_now) == (1, 2, True)
    cal = rows["Cal"]  # on the list with no visits at all: outreach knows him
    assert (cal.first_seen, cal.last_seen, cal.visits, cal.nights) == (None, None, 0, 0)
    assert cal.on_list_since == LAST_MEETING
    assert cal.action is not None and cal.action.owner == "Outreach (Jo)"
    assert cal.action.overdue_on(MEETING)


def test_a_merged_guest_is_one_row_and_a_police_drop_off_is_counted_once(
        shared: DeskContext, fortnight: Fortnight) -> None:
    rows = _rows(partnership.by_name_list(shared, MEETING))
    finn = rows["Finn"]
    assert "Finny" not in rows and finn.other_names == ("Finny",)
    assert (finn.visits, finn.arrivals) == (2, {"police": 2})
    gus = rows["Gus"]  # the mistaken sign-in that was undone is not a drop-off
    assert (gus.visits, gus.arrivals) == (1, {"police": 1})


def test_an_erased_guest_and_one_who_asked_not_to_be_discussed_are_not_on_the_list(
        shared: DeskContext, fortnight: Fortnight) -> None:
    listing = partnership.by_name_list(shared, MEETING)
    ids = {row.guest_id for row in listing.rows}
    assert fortnight.g["Eve"] not in ids and fortnight.g["Dee"] not in ids
    assert listing.left_off == 1


def test_triage_is_counted_never_shown(shared: DeskContext, fortnight: Fortnight) -> None:
    listing = partnership.by_name_list(shared, MEETING)
    assert _rows(listing)["Ann"].triage_assessments == 2
    text = repr(listing)
    for words in (CLINICAL_WORDS, NEED_WORDS, "advice", "referred_gp", "Shouting at staff", "Appointment on Friday"):
        assert words not in text


@pytest.mark.parametrize(("filters", "names"), [
    ({ListFilter.NEW}, ["Ann", "Gus", "Finn"]),
    ({ListFilter.NOT_SEEN}, ["Hal", "Cal"]),
    ({ListFilter.EXCLUDED}, ["Ben"]),
    ({ListFilter.MESSAGES_WAITING}, ["Ann"]),
    ({ListFilter.NEW, ListFilter.MESSAGES_WAITING}, ["Ann"]),
    ({ListFilter.NEW, ListFilter.EXCLUDED}, []),
])
def test_filters(shared: DeskContext, fortnight: Fortnight, filters: set[ListFilter], names: list[str]) -> None:
    listing = partnership.by_name_list(shared, MEETING, filters=filters)
    assert [row.name for row in listing.rows] == names
    assert listing.before_filters == 6 and listing.left_off == 1


def test_a_chosen_period_counts_only_its_days(shared: DeskContext, fortnight: Fortnight) -> None:
    rows = _rows(partnership.by_name_list(shared, MEETING, date(2026, 12, 5), date(2026, 12, 9)))
    # Ben was not seen from the 5th to the 9th (his exclusion on the 9th began while he was out).
    assert set(rows) == {"Ann", "Gus", "Finn", "Hal", "Cal"}
    assert (rows["Ann"].visits, rows["Ann"].arrivals) == (1, {"self": 1})
    assert rows["Finn"].visits == 1
    early = _rows(partnership.by_name_list(shared, MEETING, date(2026, 11, 30), date(2026, 12, 1)))
    # As of the end of 1 Dec: the exclusions of the 2nd and the 9th are after it.
    assert (early["Ben"].visits, early["Ben"].exclusions, early["Ben"].excluded_now) == (1, 0, False)
    assert early["Ann"].messages_waiting == {} and early["Ann"].last_seen == datetime(2026, 12, 1, 2, 0, tzinfo=LONDON)
    with pytest.raises(ValidationError) as error:
        partnership.by_name_list(shared, MEETING, date(2026, 12, 9), date(2026, 12, 5))
    assert error.value.field == "period"


def test_joining_and_leaving_by_the_meetings_agreement(fresh: tuple[DeskContext, FixedClock, Path], fortnight: Fortnight) -> None:
    desk, clock, _data = fresh
    g = fortnight.g
    partnership.join_list(desk, g["Ben"], MEETING)
    # One unit of work: the meeting recorded, the audit entry and the outbox operation.
    with desk.store.read() as session:
        ops = [op.op for op in session.scalars(select(OutboxOp).order_by(OutboxOp.seq.desc()).limit(2))]
        audit = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert ops == ["partnership.join", "partnership.meeting"]
    assert audit is not None and (audit.action, audit.entity_id) == ("list_joined", g["Ben"])
    with pytest.raises(RuleViolation, match="already on the by-name list"):
        partnership.join_list(desk, g["Ben"], MEETING)
    with pytest.raises(RuleViolation, match="asked not to be discussed"):
        partnership.join_list(desk, g["Dee"], MEETING)
    with pytest.raises(NotFound):
        partnership.join_list(desk, g["Eve"], MEETING)
    # Joining through the merged-away record joins the person.
    partnership.join_list(desk, g["Finny"], MEETING)
    partnership.leave_list(desk, g["Cal"], MEETING)
    rows = _rows(partnership.by_name_list(desk, MEETING))
    assert rows["Ben"].on_list_since == MEETING and rows["Ben"].new_since_last_meeting
    assert rows["Finn"].on_list_since == MEETING
    assert rows["Cal"].left_list_on == MEETING  # still on today's list, marked as leaving it
    with pytest.raises(RuleViolation, match="not on the by-name list"):
        partnership.leave_list(desk, g["Cal"], MEETING)
    # A fortnight later Cal (never seen) is gone; Hal (on the list) stays though not seen.
    at_local(clock, 2026, 12, 24, 9, 0)
    later = _rows(partnership.by_name_list(desk, date(2026, 12, 24)))
    assert "Cal" not in later and "Hal" in later
    assert later["Hal"].action is not None and later["Hal"].action.meeting_day == LAST_MEETING


def test_the_action_agreed_is_kept_with_the_meeting_an_owner_and_a_due_date(fresh: tuple[DeskContext, FixedClock, Path], fortnight: Fortnight) -> None:
    desk, clock, _data = fresh
    g = fortnight.g
    agreed, _ = partnership.agree_action(desk, g["Ann"], MEETING, ActionInput(
        "Paramedic to check in on Monday", "Paramedic (Pat)", date(2026, 12, 14)))
    assert (agreed.meeting_day, agreed.owner, agreed.due_on) == (MEETING, "Paramedic (Pat)", date(2026, 12, 14))
    # Saved again at the same meeting: replaced, not added.
    partnership.agree_action(desk, g["Ann"], MEETING, ActionInput(
        "Paramedic to check in on Monday", "Paramedic (Chris)", date(2026, 12, 14)))
    with desk.store.read() as session:
        assert len(session.scalars(select(PartnershipAction).where(
            PartnershipAction.guest_id == g["Ann"])).all()) == 1
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert last is not None and last.action == "action_agreed" and last.detail == "meeting=2026-12-10;changed=owner"
    # Cal's action from the last meeting was done: the next meeting starts from it.
    partnership.mark_action_done(desk, fortnight.actions["cal"], MEETING)
    listing = partnership.by_name_list(desk, MEETING)
    rows = _rows(listing)
    assert rows["Ann"].action is not None and rows["Ann"].action.owner == "Paramedic (Chris)"
    assert rows["Cal"].action is not None and rows["Cal"].action.done_on == MEETING
    assert not rows["Cal"].action.overdue_on(MEETING)
    assert [a.owner for a in listing.actions_due()] == []  # Hal's is due on 17 Dec
    # The next meeting sees today's action as the one to follow up.
    at_local(clock, 2026, 12, 24, 9, 0)
    later = _rows(partnership.by_name_list(desk, date(2026, 12, 24)))
    assert later["Ann"].action is not None and later["Ann"].action.meeting_day == MEETING
    assert later["Ann"].action.overdue_on(date(2026, 12, 24))


@pytest.mark.parametrize(("entry", "field"), [
    (ActionInput("", "Housing", date(2026, 12, 20)), "action"),
    (ActionInput("Ring housing", " ", date(2026, 12, 20)), "owner"),
    (ActionInput("Ring housing", "Housing", None), "due_on"),
    (ActionInput("Ring housing", "Housing", date(2026, 12, 9)), "due_on"),
    (ActionInput("Ring housing", "Housing", date(2028, 12, 9)), "due_on"),
    (ActionInput("x" * 301, "Housing", date(2026, 12, 20)), "action"),
])
def test_a_bad_action_names_its_field_and_writes_nothing(shared: DeskContext, fortnight: Fortnight,
                                                         entry: ActionInput, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        partnership.agree_action(shared, fortnight.g["Ann"], MEETING, entry)
    assert error.value.field == field
    with shared.store.read() as session:
        assert session.scalars(select(PartnershipAction).where(
            PartnershipAction.guest_id == fortnight.g["Ann"])).first() is None


def test_viewing_and_printing_are_audited_with_counts_never_names(fresh: tuple[DeskContext, FixedClock, Path], fortnight: Fortnight) -> None:
    desk, clock, _data = fresh
    listing = partnership.by_name_list(desk, MEETING, filters={ListFilter.NEW})
    partnership.record_output(desk, listing, "print")
    partnership.record_output(desk, listing, "csv")
    with desk.store.read() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(3)).all()
        meetings = [op.op for op in session.scalars(select(OutboxOp).where(OutboxOp.op == "partnership.meeting"))]
    viewed, printed, exported = reversed(entries)
    assert (viewed.action, viewed.detail) == (
        "viewed_list", "list=by_name_list;meeting=2026-12-10;shown=3;left_off=1;filters=new")
    assert (printed.action, printed.detail) == (
        "list_printed", "list=by_name_list;meeting=2026-12-10;shown=3;left_off=1;filters=new;format=print")
    assert exported.action == "list_exported" and exported.detail.endswith("format=csv")
    # Printing the list records the meeting it was prepared for (once).
    assert len(meetings) == 2  # 26 Nov and 10 Dec
    for entry in entries:
        for name in ("Ann", "Gus", "Finn"):
            assert name not in (entry.detail or "")


def _every_list_call_is_refused(other: DeskContext, fortnight: Fortnight, now: datetime) -> None:
    g = fortnight.g
    empty = ByNameList(MEETING, None, MEETING, MEETING, now, [], 0)
    calls = (lambda: partnership.by_name_list(other, MEETING), lambda: partnership.meeting_plan(other),
             lambda: partnership.join_list(other, g["Ben"], MEETING),
             lambda: partnership.leave_list(other, g["Cal"], MEETING),
             lambda: partnership.agree_action(other, g["Ann"], MEETING, ActionInput("x", "y", MEETING)),
             lambda: partnership.mark_action_done(other, fortnight.actions["cal"], MEETING),
             lambda: partnership.record_output(other, empty, "print"))
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()


def test_only_managers_open_or_change_the_list(fresh: tuple[DeskContext, FixedClock, Path],
                                               fortnight: Fortnight) -> None:
    _desk, clock, data = fresh
    for name, password in ((DESK_NAME, STAFF_PASSWORD), (MEDIC_NAME, f"{MEDIC_NAME} lantern quartz meadow 7")):
        other = auth.sign_in(data, name, password, clock)  # for real: their own key slots and role
        try:
            _every_list_call_is_refused(other, fortnight, clock.now())
        finally:
            other.close()
    # Leads and volunteers neither: only the manager's role holds the permission.
    assert [role for role in Role if can(role, Permission.PARTNERSHIP)] == [Role.MANAGER]


def test_erasure_takes_a_person_off_the_list_and_the_words_of_every_action_about_them(
        fresh: tuple[DeskContext, FixedClock, Path], fortnight: Fortnight) -> None:
    desk, clock, _data = fresh
    cal, hal = fortnight.g["Cal"], fortnight.g["Hal"]
    partnership.agree_action(desk, hal, MEETING, ActionInput("Ask Cal where Hal sleeps", "Outreach (Jo)",
                                                             date(2026, 12, 17)))
    partnership.agree_action(desk, cal, MEETING, ActionInput("Find Cal a bed", "Housing (Sam)", date(2026, 12, 17)))
    partnership.agree_action(desk, cal, MEETING, ActionInput("Find Cal a bed at Milestone", "Housing (Sam)",
                                                             date(2026, 12, 17)))  # an edit: only what changed
    export = data_rights.export_guest(desk, cal)
    assert sorted(a["text"] for a in export["partnership_actions"]) == [
        "Find Cal a bed at Milestone", "Outreach to look for Cal at the usual spot"]
    assert export["partnership_list"][0]["joined_on"] == "2026-11-26"
    data_rights.erase_guest(desk, cal, "Asked to be erased")
    with desk.store.read() as session:
        texts = {(a.guest_id, a.text, a.owner) for a in session.scalars(select(PartnershipAction))}
        outbox = " ".join((op.args or "") + (op.rows or "") for op in session.scalars(select(OutboxOp)))
    assert (cal, "[erased at the guest's request]", "[erased at the guest's request]") in texts
    assert (hal, "Ask [name erased] where Hal sleeps", "Outreach (Jo)") in texts
    assert "Milestone" not in outbox and "Find Cal" not in outbox and "Ask Cal" not in outbox
    assert "Cal" not in _rows(partnership.by_name_list(desk, MEETING))
