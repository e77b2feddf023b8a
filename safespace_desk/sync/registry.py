"""THE place where sync is declared: which tables sync, which of their fields travel in clear, and
every operation kind (its version and the tables it may change).

Everything not on a table's ``clear`` allowlist is sealed before it leaves the desk (see sealing.py):
a new column is sealed unless someone decides here that the server needs it. What is clear is what
the server's rules need (DESIGN.md section 6): ids, times, bed labels, nights and statuses. How a guest
arrived, where they went, a message's agency and category, a shift-log kind, names, notes, reasons,
flags, card codes: sealed. Triage, shift-log and handover records travel opaque (only their id clear).

Adding an operation kind (a new ``uow.outbox(...)`` name in a service): declare it in OPS below with
version 1 and the tables its unit of work writes. tests/sync/test_registry.py fails for any outbox name
in the code without a declaration, and for any table in the schema that is neither declared here nor
local. Changing what a kind writes (a new column, a new table) means a new version: older desks stop
with "update this desk" rather than apply half of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from safespace_desk.db.models import LOCAL_TABLES


@dataclass(frozen=True)
class SyncedTable:
    name: str
    clear: frozenset[str]
    # The column naming the guest a row is about (the guest table's own id), so the server can find
    # an erased guest's records by id without reading them. None: not about one guest.
    guest_column: str | None = None
    # For a table only some of whose rows are shared (desk_setting): which keys sync.
    only_keys: frozenset[str] | None = None

    def syncs_row(self, key: Any) -> bool:
        return self.only_keys is None or key in self.only_keys


@dataclass(frozen=True)
class OpKind:
    name: str
    version: int
    writes: frozenset[str]
    # Upgraders turn an operation of an older version into the current shape (row changes in, row
    # changes out), so desks keep applying what older desks send.
    upgraders: Mapping[int, Callable[[list[dict[str, Any]]], list[dict[str, Any]]]] = field(
        default_factory=dict)

    def knows(self, version: int) -> bool:
        return version == self.version or version in self.upgraders


def _t(name: str, clear: str, guest: str | None = None, only_keys: set[str] | None = None) -> SyncedTable:
    return SyncedTable(name, frozenset(clear.split()), guest,
                       frozenset(only_keys) if only_keys is not None else None)


# In an order where a row's parents come first (a joining desk applies its snapshot in this order).
TABLES: dict[str, SyncedTable] = {t.name: t for t in [
    _t("site", "id timezone settings created_at"),
    _t("staff", "id role active created_at deactivated_at"),
    _t("desk_setting", "key", only_keys={"retention_policy"}),
    _t("agency", "id active"),
    _t("guest", "id merged_into created_at updated_at last_seen_at erased_at", guest="id"),
    _t("guest_alias", "id guest_id created_at", guest="guest_id"),
    # mode (in person, online, phone) and merged_into: the sign-in rules count places in the building
    # and the server merges a second sign-in into the open visit.
    _t("visit", "id guest_id signed_in_at signed_out_at staff_in staff_out override_by voided_at voided_by "
                "no_bed_night no_bed_by mode merged_into", guest="guest_id"),
    _t("bed_assignment", "id visit_id guest_id bed_label night_of assigned_at assigned_by released_at",
       guest="guest_id"),
    _t("exclusion", "id guest_id starts_at ends_at issued_by lifted_at lifted_by", guest="guest_id"),
    _t("duty_spell", "id staff_id started_at ended_at"),
    _t("guest_merge", "id kept_id merged_id merged_at merged_by undone_at undone_by", guest="merged_id"),
    _t("not_duplicate", "guest_a guest_b decided_at decided_by", guest="guest_a"),
    _t("duplicate_hint", "guest_a guest_b created_at", guest="guest_a"),
    _t("message", "id guest_id relevant_until created_at created_by linked_at delivered_at delivered_by "
                  "not_passed_at not_passed_by withdrawn_at withdrawn_by", guest="guest_id"),
    # Opaque: what kind of entry it is ("police called") and about whom are sealed.
    _t("shift_log", "id"),
    _t("handover", "id"),
    _t("triage", "id"),
    _t("purge_log", "id at record_kind removed cutoff staff_id"),
    # casework (crisis services and havens)
    _t("referral", "id guest_id received_at status decided_at decided_by episode_id duplicate_of created_by "
                   "created_at", guest="guest_id"),
    _t("case_episode", "id guest_id number referral_id opened_at opened_by closed_at closed_by", guest="guest_id"),
    _t("contact", "id guest_id at episode_id staff_id created_at voided_at voided_by", guest="guest_id"),
    _t("follow_up", "id guest_id due_at contact_id assigned_to created_at created_by done_at done_by "
                    "done_contact_id cancelled_at cancelled_by", guest="guest_id"),
    _t("plan", "id guest_id created_at created_by", guest="guest_id"),
    _t("plan_version", "id plan_id version written_at written_by"),
    _t("support_given", "id guest_id at contact_id staff_id voided_at voided_by", guest="guest_id"),
    _t("onward_referral", "id guest_id referred_at offered_at accepted_at seen_at declined_at staff_id voided_at",
       guest="guest_id"),
    _t("circle_member", "id guest_id added_at added_by removed_at removed_by consent_at", guest="guest_id"),
    # Opaque: that a crisis line was rung for someone is health data.
    _t("escalation", "id"),
    _t("group_session", "id starts_at minutes facilitator_id created_at created_by cancelled_at"),
    _t("session_attendance", "session_id guest_id added_at added_by", guest="guest_id"),
    _t("closing", "id at opening_date signed_out follow_ups_ahead staff_id"),
    # the partnership: the by-name list (who is on it, the action agreed) and the estimate's unit costs
    _t("partnership_meeting", "day recorded_at"),
    _t("partnership_member", "id guest_id", guest="guest_id"),
    _t("partnership_action", "id guest_id", guest="guest_id"),
    _t("unit_cost", "key"),
    _t("unit_cost_change", "id"),
    # the hub's day beyond sign-in (issue 13): who is expected, from whom and why are sealed
    # the reason two guests are kept apart is sealed; who and since when are clear (both are guests)
    _t("keep_apart", "id guest_a guest_b created_at created_by ended_at ended_by", guest="guest_a"),
    _t("expected_arrival", "id guest_id expected_at created_at created_by visit_id arrived_at not_arrived_at "
                           "closed_by", guest="guest_id"),
    # enquiries: who asked about whom and why is sealed; that one was made, when, and who approved is clear
    _t("enquiry", "id at guest_id approved_by created_by", guest="guest_id"),
    _t("sharing_choice", "id guest_id recorded_at recorded_by", guest="guest_id"),
    # where a person lives now is sealed (like where they went); that a person has died travels as a row
    # keyed by their id, its date sealed
    _t("accommodation_status", "id guest_id since recorded_at recorded_by", guest="guest_id"),
    _t("guest_death", "guest_id recorded_at recorded_by", guest="guest_id"),
    # a booking's time and room-free facts are clear; what it is, with whom, where and its outcome are sealed
    _t("appointment", "id guest_id starts_at minutes created_at created_by outcome_at outcome_by message_id",
       guest="guest_id"),
    # a swap's hostel (where a guest went) is sealed
    _t("hostel_swap", "id out_visit_id expected_id at created_by"),
    # guests' anonymous feedback: only its random id is clear; its date, words and rating are sealed
    _t("guest_feedback", "id"),
]}

_GUEST = {"guest", "guest_alias"}
_VISIT = {"visit", "bed_assignment", "guest"}
_CASEWORK = {"referral", "case_episode", "contact", "follow_up", "plan", "plan_version", "support_given",
             "onward_referral", "circle_member", "escalation", "group_session", "session_attendance", "closing"}
_PARTNERSHIP = {"partnership_member", "partnership_action"}
_HUB_DAY = {"expected_arrival", "keep_apart", "enquiry", "sharing_choice", "accommodation_status", "guest_death",
            "appointment"}
_ERASE = {"guest", "guest_alias", "duplicate_hint", "not_duplicate", "message", "visit", "exclusion",
          "triage", "shift_log", "handover", "bed_assignment"} | _CASEWORK | _PARTNERSHIP | _HUB_DAY


def _op(name: str, writes: set[str], version: int = 1) -> OpKind:
    return OpKind(name, version, frozenset(writes))


def _v2(name: str, writes: set[str]) -> OpKind:
    """Version 2 of a kind whose rows gained a column (issue 13); a version 1 operation simply lacks
    it and applies as it is."""
    return OpKind(name, 2, frozenset(writes), {1: lambda rows: rows})


OPS: dict[str, OpKind] = {k.name: k for k in [
    # guests
    _op("guest.add", _GUEST | {"duplicate_hint"}),
    # 2: flags travel as added/removed (sync/sets.py); version 1's whole list still applies as it is
    OpKind("guest.update", 2, frozenset(_GUEST), {1: lambda rows: rows}),
    _op("guest.not_duplicate", {"not_duplicate"}),
    _op("guest.merge", {"guest", "guest_merge"}),
    _op("guest.unmerge", {"guest", "guest_merge"}),
    _op("guest.erase", _ERASE),
    # visits and beds
    _v2("visit.sign_in", _VISIT),  # 2: visit.departed_kind
    _v2("visit.sign_out", _VISIT),  # 2: visit.departed_kind
    _op("visit.void", _VISIT),
    _v2("visit.unsign_out", _VISIT),  # 2: visit.departed_kind
    _op("visit.no_bed", {"visit"}),
    _v2("visit.import", _VISIT | {"duplicate_hint", "guest_alias"}),  # 2: visit.departed_kind
    _op("bed.give", {"bed_assignment"}),
    _op("bed.free", {"bed_assignment"}),
    # exclusions
    _op("exclusion.issue", {"exclusion"} | _VISIT),
    _op("exclusion.lift", {"exclusion"}),
    # messages and agencies
    _op("agency.add", {"agency"}),
    _op("agency.deactivate", {"agency"}),
    _v2("message.post", {"message"}),  # 2: message.discreet
    _op("message.link", {"message"}),
    _op("message.deliver", {"message"}),
    _op("message.not_passed_on", {"message"}),
    _op("message.withdraw", {"message"}),
    # shift log, handovers, triage
    _v2("log.add", {"shift_log"}),  # 2: shift_log.debrief_offered
    _op("log.debrief", {"shift_log"}),
    _op("handover.write", {"handover"}),
    _op("handover.acknowledge", {"handover"}),
    _op("triage.record", {"triage"}),
    # staff, duty and the site
    _op("staff.add", {"staff"}),
    _op("staff.deactivate", {"staff", "duty_spell"}),
    _op("staff.reset", {"staff"}),
    _op("staff.role", {"staff"}),
    _op("staff.pin", {"staff"}),
    _op("duty.start", {"duty_spell"}),
    _op("duty.end", {"duty_spell"}),
    _op("site.settings", {"site"}),
    _op("retention.policy", {"desk_setting"}),
    _op("retention.purge", set(TABLES) - {"site", "staff", "desk_setting", "agency"}),
    _op("staff.options", {"staff"}),
    _op("guest.restrict", {"guest"}),
    _op("guest.ethnicity", {"guest"}),
    _op("guest.named_worker", {"guest"}),
    # casework: referrals, cases, the contacts diary, support, plans, circles, sessions
    _op("referral.receive", {"referral", "case_episode"} | _GUEST),
    _op("referral.accept", {"referral", "case_episode", "follow_up"}),
    _op("referral.decline", {"referral", "case_episode"}),
    _op("case.close", {"case_episode", "follow_up", "referral"}),
    _op("contact.log", {"contact", "follow_up", "case_episode", "support_given"}),
    _op("contact.void", {"contact", "follow_up", "support_given"}),
    _op("contact.import", {"contact", "follow_up", "case_episode", "referral"} | _GUEST | {"duplicate_hint"}),
    _op("follow_up.add", {"follow_up"}),
    _op("follow_up.done", {"follow_up", "contact"}),
    _op("follow_up.cancel", {"follow_up"}),
    _op("support.give", {"support_given", "contact"}),
    _op("support.void", {"support_given"}),
    _op("onward.refer", {"onward_referral"}),
    _op("onward.update", {"onward_referral"}),
    _op("circle.add", {"circle_member"}),
    _op("circle.remove", {"circle_member"}),
    _op("plan.write", {"plan", "plan_version"}),
    _op("escalation.use", {"escalation"}),
    _op("session.plan", {"group_session"}),
    _op("session.cancel", {"group_session", "session_attendance"}),
    _op("session.attend", {"session_attendance"}),
    _op("session.unattend", {"session_attendance"}),
    _op("site.closing", {"closing"} | _VISIT | {"follow_up"}),
    # the partnership's by-name list and the impact estimate
    _op("partnership.meeting", {"partnership_meeting"}),
    _op("partnership.join", {"partnership_member"}),
    _op("partnership.leave", {"partnership_member"}),
    _op("partnership.action", {"partnership_action"}),
    _op("partnership.action_done", {"partnership_action"}),
    _op("impact.unit_cost", {"unit_cost", "unit_cost_change"}),
    # the hub's day beyond sign-in (issue 13)
    _op("arrival.expect", {"expected_arrival"}),
    _op("arrival.arrived", {"expected_arrival"}),
    _op("arrival.not_arrived", {"expected_arrival"}),
    _op("apart.link", {"keep_apart"}),
    _op("apart.end", {"keep_apart"}),
    _op("swap.record", {"hostel_swap", "expected_arrival"}),
    _op("enquiry.log", {"enquiry"}),
    _op("sharing.set", {"sharing_choice"}),
    _op("status.record", {"accommodation_status"}),
    _op("guest.died", {"guest_death", "message", "expected_arrival"}),
    _op("guest.died_corrected", {"guest_death"}),
    _op("appointment.book", {"appointment"}),
    _op("appointment.message", {"appointment"}),
    _op("appointment.mark", {"appointment"}),
    _op("feedback.give", {"guest_feedback"}),
    _op("feedback.delete", {"guest_feedback"}),
]}

# What the services call a change to these tables (services' Changes kinds), so pages refresh when
# another desk's change arrives as they do for one made here. Other tables: their own name.
CHANGE_KINDS = {
    "bed_assignment": "bed", "guest_alias": "guest", "guest_merge": "guest", "not_duplicate": "guest",
    "duplicate_hint": "guest", "duty_spell": "duty", "desk_setting": "retention", "purge_log": "retention",
    "case_episode": "case", "support_given": "support", "onward_referral": "onward", "circle_member": "circle",
    "group_session": "session", "session_attendance": "session", "plan_version": "plan",
    "partnership_meeting": "partnership", "partnership_member": "partnership", "partnership_action": "partnership",
    "unit_cost_change": "unit_cost", "guest_death": "guest",
}


def change_kind(table: str) -> str:
    return CHANGE_KINDS.get(table, table)


# The records a desk sends when it enrols (its whole state) travel as this kind.
BASE_KIND = "base"


class UnknownSyncKind(LookupError):
    pass


def op_kind(name: str) -> OpKind:
    try:
        return OPS[name]
    except KeyError:
        raise UnknownSyncKind(name) from None


def synced_table(name: str) -> SyncedTable | None:
    return TABLES.get(name)


def is_local(table: str) -> bool:
    return table in LOCAL_TABLES


def allowlist(kind: str) -> dict[str, frozenset[str]]:
    """The fields an operation of this kind may carry in clear, per table."""
    return {t: TABLES[t].clear for t in op_kind(kind).writes}


def clear_fields(table: str) -> frozenset[str]:
    entry = TABLES.get(table)
    return entry.clear if entry is not None else frozenset()
