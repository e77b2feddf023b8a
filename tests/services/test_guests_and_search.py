from __future__ import annotations

from datetime import date

import pytest

from safespace_desk.domain.clock import FixedClock
from safespace_desk.domain.errors import RuleViolation, ValidationError
from safespace_desk.domain.guests import GuestDetails, GuestFlag
from safespace_desk.services import exclusions, guests, search, visits
from safespace_desk.services.context import DeskContext
from safespace_desk.services.frontdesk_common import SignInBlocked
from tests.services.frontdesk_helpers import add


def names(hits: list[search.GuestHit]) -> list[str]:
    return [h.name for h in hits]


def test_a_nickname_is_enough(desk: DeskContext) -> None:
    record, changes = guests.add_guest(desk, GuestDetails(preferred_name="  Scouse  "))
    assert record.preferred_name == "Scouse" and record.legal_name is None and record.birth_year is None
    assert record.card_code.startswith("SS") and changes.touches("guest")


def test_full_details_round_trip_and_views_are_audited(desk: DeskContext) -> None:
    details = GuestDetails(preferred_name="Zoë", aliases=("Zo", "Zed"), legal_name="Zoë Ångström",
                           birth_date=date(1990, 5, 17), gender="woman",
                           flags=frozenset({GuestFlag.DA_RISK, GuestFlag.NRPF}),
                           support_notes="Prefers to talk to female staff.\nLikes tea.")
    record, _ = guests.add_guest(desk, details)
    again = guests.get_guest(desk, record.id)
    assert again.details() == GuestDetails(**{**details.__dict__, "birth_year": 1990})
    audit = desk.store.raw_connection_sql(
        "SELECT action, entity_id, detail FROM audit_log ORDER BY seq DESC LIMIT 1")[0]
    assert audit == ("viewed", record.id, None)
    # Field names are audited on edit, never the notes themselves.
    guests.update_guest(desk, record.id, GuestDetails(**{**details.__dict__, "support_notes": "Secret words"}))
    detail = desk.store.raw_connection_sql("SELECT detail FROM audit_log ORDER BY seq DESC LIMIT 1")[0][0]
    assert detail == "support_notes" and "Secret" not in detail


@pytest.mark.parametrize(("details", "field"), [
    (GuestDetails(preferred_name="   "), "preferred_name"),
    (GuestDetails(preferred_name="x" * 81), "preferred_name"),
    (GuestDetails(preferred_name="Bad\x00Name"), "preferred_name"),
    (GuestDetails(preferred_name="Ok", birth_year=1800), "birth_year"),
    (GuestDetails(preferred_name="Ok", birth_date=date(2030, 1, 1)), "birth_date"),
    (GuestDetails(preferred_name="Ok", support_notes="n" * 4001), "support_notes"),
])
def test_bad_input_names_the_field_and_writes_nothing(desk: DeskContext, details: GuestDetails,
                                                      field: str) -> None:
    with pytest.raises(ValidationError) as err:
        guests.add_guest(desk, details)
    assert err.value.field == field
    assert desk.store.raw_connection_sql("SELECT count(*) FROM guest")[0][0] == 0


def test_odd_unicode_names_are_kept_and_found(desk: DeskContext) -> None:
    for name in ("Siân", "Łukasz", "José María", "محمد", "Jo 🌈", "O'Neill-Smyth"):
        add(desk, name)
    assert names(search.find_guests(desk, "sia")) == ["Siân"]
    assert names(search.find_guests(desk, "luk")) == ["Łukasz"]
    assert names(search.find_guests(desk, "mar")) == ["José María"]
    assert names(search.find_guests(desk, "محم")) == ["محمد"]
    assert names(search.find_guests(desk, "o'n")) == ["O'Neill-Smyth"]


def test_prefix_word_start_alias_legal_name_and_typos(desk: DeskContext) -> None:
    add(desk, "Davey", aliases=("Big D",))
    add(desk, "Mary Jane", legal_name="Mary Josephine Doyle")
    add(desk, "Stephen")
    assert names(search.find_guests(desk, "dav")) == ["Davey"]
    hits = search.find_guests(desk, "big")
    assert names(hits) == ["Davey"] and hits[0].also_known_as == "Big D"
    assert names(search.find_guests(desk, "jane")) == ["Mary Jane"]
    assert names(search.find_guests(desk, "doyle")) == ["Mary Jane"]
    assert names(search.find_guests(desk, "stehp")) == ["Stephen"]  # a typo still finds him
    assert names(search.find_guests(desk, "STÈ")) == ["Stephen"]
    assert search.find_guests(desk, "qqq") == []


def test_most_recently_seen_first(desk: DeskContext, clock: FixedClock) -> None:
    old = add(desk, "Sam Old")
    new = add(desk, "Sam New")
    never = add(desk, "Sam Never")
    for guest_id in (old, new):
        visit = visits.sign_in(desk, guest_id, "self")
        visits.sign_out(desk, visit.visit_id)
        clock.advance(hours=1)
    assert [h.guest_id for h in search.find_guests(desk, "sam")] == [new, old, never]


def test_results_show_status_at_a_glance(desk: DeskContext, clock: FixedClock) -> None:
    inside = add(desk, "Alex In")
    barred = add(desk, "Alex Barred")
    visits.sign_in(desk, inside, "outreach")
    exclusions.issue_exclusion(desk, barred, "Threatening another guest", 24)
    hits = {h.guest_id: h for h in search.find_guests(desk, "alex")}
    assert hits[inside].in_since == clock.now() and hits[inside].visit_id
    assert hits[barred].excluded_until is not None and hits[barred].exclusion_reason
    assert hits[inside].excluded_until is None


def test_card_code_finds_the_guest_at_once(desk: DeskContext) -> None:
    record, _ = guests.add_guest(desk, GuestDetails(preferred_name="Card Holder"))
    hits = search.find_guests(desk, record.card_code.lower() + "\n")
    assert [h.guest_id for h in hits] == [record.id] and hits[0].by_card
    assert search.find_guests(desk, "SS00000000") == []


def test_possible_duplicates_while_typing_and_review_list(desk: DeskContext) -> None:
    first = add(desk, "Chantelle Byrne")
    second = add(desk, "chantelle  BYRNE")
    add(desk, "Jo")
    add(desk, "Jo")  # two people called Jo, nothing else known: common, not flagged
    add(desk, "Sam", birth_year=1990)
    add(desk, "Sam", birth_year=1971)
    assert first in [gid for gid, _ in guests.possible_duplicates(desk, "Chant")]
    pairs = guests.duplicate_review(desk)
    assert [(p.first_id, p.second_id) in ((first, second), (second, first)) for p in pairs] == [True]
    guests.mark_not_duplicate(desk, first, second)
    assert guests.duplicate_review(desk) == []


def test_merge_keeps_both_histories_and_can_be_undone(desk: DeskContext, clock: FixedClock) -> None:
    keep = add(desk, "Tommy")
    dup = add(desk, "Tom Twin", aliases=("TT",))
    v1 = visits.sign_in(desk, dup, "self")
    visits.sign_out(desk, v1.visit_id)
    clock.advance(hours=1)
    exclusions.issue_exclusion(desk, dup, "Fighting", 24)
    merge_id, _ = guests.merge_guests(desk, keep, dup)
    # The merged record's names find the kept guest; its history and exclusion apply to them.
    assert [h.guest_id for h in search.find_guests(desk, "TT")] == [keep]
    assert len(visits.guest_visits(desk, keep)) == 1
    with pytest.raises(SignInBlocked):
        visits.sign_in(desk, keep, "self")
    with pytest.raises(RuleViolation):
        guests.update_guest(desk, dup, GuestDetails(preferred_name="Edit merged"))
    guests.undo_merge(desk, merge_id)
    assert [h.guest_id for h in search.find_guests(desk, "TT")] == [dup]
    assert visits.guest_visits(desk, keep) == []
    visits.sign_in(desk, keep, "self")  # the exclusion is the other record's again


def test_signing_in_a_merged_record_signs_in_the_live_guest(desk: DeskContext) -> None:
    keep = add(desk, "Tommy")
    dup = add(desk, "Tom")
    guests.merge_guests(desk, keep, dup)
    result = visits.sign_in(desk, dup, "self")
    assert result.guest_id == keep


def test_desk_lists_show_the_live_guest_after_a_merge(desk: DeskContext) -> None:
    keep = add(desk, "Tommy")
    dup = add(desk, "Tom Twin")
    visits.sign_in(desk, dup, "self")
    exclusions.issue_exclusion(desk, add(desk, "Other"), "Fighting", 2)
    other_dup = add(desk, "Excluded Twin")
    exclusions.issue_exclusion(desk, other_dup, "Fighting", 3)
    excluded_keep = add(desk, "Excluded Keeper")
    guests.merge_guests(desk, keep, dup)
    guests.merge_guests(desk, excluded_keep, other_dup)
    assert [(g.guest_id, g.name) for g in visits.who_is_in(desk)] == [(keep, "Tommy")]
    names = {(a.exclusion.guest_id, a.guest_name) for a in exclusions.active_exclusions(desk)}
    assert (excluded_keep, "Excluded Keeper") in names
