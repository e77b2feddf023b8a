"""Messages left by agencies for guests who have no phone or address.

A message is waiting until it is delivered, not passed on (with why), withdrawn by the agency, or
its relevant-until time passes (expired). Delivered is final: it never silently goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from safespace_desk.domain.errors import RuleViolation


class MessageCategory(StrEnum):
    APPOINTMENT = "appointment"
    MEDICATION = "medication"
    HOUSING = "housing"
    LEGAL = "legal"
    WELFARE = "welfare"
    GENERAL = "general"

    @property
    def label(self) -> str:
        return self.value.capitalize()


DEFAULT_AGENCIES = (
    "GP", "Paramedic", "Drug and alcohol treatment", "Probation", "Housing", "Police", "DWP",
    "Mental health", "Other",
)


class MessageState(StrEnum):
    WAITING = "waiting"
    DELIVERED = "delivered"
    NOT_PASSED_ON = "not_passed_on"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return {"waiting": "Waiting", "delivered": "Delivered", "not_passed_on": "Not passed on",
                "withdrawn": "Withdrawn", "expired": "Expired"}[self.value]


@dataclass(frozen=True)
class MessageView:
    id: str
    guest_id: str | None
    guest_name: str | None  # the linked guest's name, or the free-text name it was left for
    linked: bool
    agency: str
    contact: str | None
    body: str
    category: MessageCategory
    urgent: bool
    relevant_until: datetime | None
    created_at: datetime
    created_by_name: str | None
    delivered_at: datetime | None
    delivered_by_name: str | None
    delivery_note: str | None
    not_passed_at: datetime | None
    not_passed_reason: str | None
    withdrawn_at: datetime | None
    withdraw_reason: str | None
    discreet: bool = False  # only at the guest's own sign-in, never on lists or printouts

    def state_at(self, now: datetime) -> MessageState:
        return message_state(self.delivered_at, self.not_passed_at, self.withdrawn_at,
                             self.relevant_until, now)


def message_state(delivered_at: datetime | None, not_passed_at: datetime | None,
                  withdrawn_at: datetime | None, relevant_until: datetime | None,
                  now: datetime) -> MessageState:
    if delivered_at is not None:
        return MessageState.DELIVERED
    if withdrawn_at is not None:
        return MessageState.WITHDRAWN
    if not_passed_at is not None:
        return MessageState.NOT_PASSED_ON
    if relevant_until is not None and relevant_until <= now:
        return MessageState.EXPIRED
    return MessageState.WAITING


def check_can_deliver(state: MessageState) -> None:
    """Delivered is final; withdrawn and expired messages are history. Not passed on may still
    be delivered later (the person came back and it was still relevant)."""
    if state is MessageState.DELIVERED:
        raise RuleViolation("This message has already been delivered.")
    if state is MessageState.WITHDRAWN:
        raise RuleViolation("The agency withdrew this message.")
    if state is MessageState.EXPIRED:
        raise RuleViolation("This message has expired (past its relevant-until time).")


def outcome_line(view: MessageView, zone: ZoneInfo, now: datetime, *, withheld: bool = False) -> str:
    """One line an agency can be told: what happened to their message. ``withheld``: the person has
    said no to sharing with this agency (issue 13), so whether they came in is not said."""
    who = view.guest_name or "the guest"
    received = _when(view.created_at, zone)
    if withheld:
        return f"Message from {view.agency} (received {received}): we cannot say what happened to it; " \
               "the person has not agreed to us sharing that with you."
    state = view.state_at(now)
    if state is MessageState.DELIVERED and view.delivered_at:
        by = f" by {view.delivered_by_name}" if view.delivered_by_name else ""
        return f"Message from {view.agency} for {who} (received {received}): delivered on " \
               f"{_when(view.delivered_at, zone)}{by}."
    if state is MessageState.NOT_PASSED_ON:
        return f"Message from {view.agency} for {who} (received {received}): not passed on because " \
               f"{view.not_passed_reason or 'no reason was given'}."
    if state is MessageState.WITHDRAWN:
        return f"Message from {view.agency} for {who} (received {received}): withdrawn " \
               f"({view.withdraw_reason or 'at the agency’s request'})."
    if state is MessageState.EXPIRED and view.relevant_until:
        return f"Message from {view.agency} for {who} (received {received}): expired on " \
               f"{_when(view.relevant_until, zone)} before {who} came in."
    # Not "has not been in since": they may be in right now, with the message not yet passed on.
    return f"Message from {view.agency} for {who} (received {received}): still waiting to be passed on."


def _when(value: datetime, zone: ZoneInfo) -> str:
    local = value.astimezone(zone)
    return f"{local.day} {local.strftime('%b %Y at %H:%M')}"


class LogKind(StrEnum):
    INCIDENT = "incident"
    POLICE_CALLED = "police_called"
    AMBULANCE_CALLED = "ambulance_called"
    PIN_SUBMITTED = "pin_submitted"
    SAFEGUARDING = "safeguarding_referral"
    HEALTH = "health"
    GENERAL = "general"

    @property
    def label(self) -> str:
        return {"incident": "Incident", "police_called": "Police called",
                "ambulance_called": "Ambulance called", "pin_submitted": "PIN submitted",
                "safeguarding_referral": "Safeguarding referral", "health": "Health",
                "general": "General"}[self.value]


class TriageOutcome(StrEnum):
    TREATED = "treated"
    ADVICE = "advice"
    REFERRED_GP = "referred_gp"
    REFERRED_OTHER = "referred_other"
    AMBULANCE = "ambulance"
    A_AND_E = "a_and_e"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {"treated": "Treated on site", "advice": "Advice given", "referred_gp": "Referred to GP",
                "referred_other": "Referred to another service", "ambulance": "Ambulance called",
                "a_and_e": "Sent to A&E", "declined": "Declined assessment"}[self.value]
