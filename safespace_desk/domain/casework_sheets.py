"""Reading a crisis service's register of referrals and its diary of contacts from CSV sheets.

Referrals: ``name,date,time,source,reason``, optionally ``decision`` (accepted, the default, declined
or waiting), ``decline_reason``, ``closed`` (the date the case closed: the end of that day),
``closure_reason`` and ``factors`` (separated by ``;``). Contacts: ``name,date,time,kind,minutes,
outcome``, optionally ``notes``. Other headers are mapped with ``{"name": "Person", ...}``. Dates,
times and encodings are read as the sign-in sheets are (domain/sign_in_sheet.py); every problem is
reported with its line number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from safespace_desk.domain.casework import (
    ClosureReason,
    ContactKind,
    ContactOutcome,
    ReferralFactor,
    ReferralSource,
    ReferralStatus,
    check_minutes,
)
from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.sign_in_sheet import LineError, SheetRows, _date, _local, _time, detect_delimiter
from safespace_desk.domain.text import LONG_TEXT_MAX, NAME_MAX, SHORT_TEXT_MAX, fold

REFERRAL_COLUMNS = ("name", "date", "time", "source", "reason", "decision", "decline_reason", "closed",
                    "closure_reason", "factors")
REFERRAL_REQUIRED = ("name", "date", "time", "source", "reason")
CONTACT_COLUMNS = ("name", "date", "time", "kind", "minutes", "outcome", "notes")
CONTACT_REQUIRED = ("name", "date", "time", "kind")
IMPORTED = "as recorded on the imported sheet"
# Referrals and contacts are read whole and applied one by one (each by the desk's own rules).
MAX_CASEWORK_LINES = 500_000


def _key(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _folded(name: str) -> str:
    return " ".join(fold(name).split())


@dataclass(frozen=True)
class ReferralLine:
    line: int
    name: str
    received_at: datetime  # UTC
    source: ReferralSource
    reason: str
    decision: ReferralStatus  # accepted, declined or waiting
    decline_reason: str | None
    closed_at: datetime | None
    closure_reason: ClosureReason
    factors: tuple[str, ...]

    @property
    def key(self) -> str:
        """The same person referred at the same moment is the same referral, however often it is read."""
        return _key("referral", _folded(self.name), self.received_at.isoformat())


@dataclass(frozen=True)
class ContactLine:
    line: int
    name: str
    at: datetime  # UTC
    kind: ContactKind
    minutes: int | None
    outcome: ContactOutcome | None
    notes: str | None

    @property
    def key(self) -> str:
        return _key("contact", _folded(self.name), self.at.isoformat(), self.kind.value)


L = TypeVar("L")


def parse_referrals(text: str, zone: ZoneInfo, mapping: dict[str, str] | None = None,
                    now: datetime | None = None) -> tuple[list[ReferralLine], list[LineError]]:
    return _parse(text, REFERRAL_COLUMNS, REFERRAL_REQUIRED, mapping or {},
                  lambda n, cell: _referral(n, cell, zone, now))


def parse_contacts(text: str, zone: ZoneInfo, mapping: dict[str, str] | None = None,
                   now: datetime | None = None) -> tuple[list[ContactLine], list[LineError]]:
    return _parse(text, CONTACT_COLUMNS, CONTACT_REQUIRED, mapping or {},
                  lambda n, cell: _contact(n, cell, zone, now))


Cell = Callable[[str], str]


def _parse(text: str, columns: tuple[str, ...], required: tuple[str, ...], mapping: dict[str, str],
           read: Callable[[int, Cell], L]) -> tuple[list[L], list[LineError]]:
    lines = text.splitlines(keepends=True)
    rows = SheetRows(lines, detect_delimiter(lines[0]) if lines else ",", MAX_CASEWORK_LINES)
    positions = {h.strip().lower(): i for i, h in enumerate(rows.header)}
    found = {ours: positions[mapping.get(ours, ours).strip().lower()] for ours in columns
             if mapping.get(ours, ours).strip().lower() in positions}
    missing = [mapping.get(c, c) for c in required if c not in found]
    if missing:
        raise ValidationError(f"The header has no column for {', '.join(missing)}. The first line must name the "
                              f"columns, e.g. {','.join(required)}.", field="file")
    parsed: list[L] = []
    errors: list[LineError] = []
    for number, row in rows:
        if isinstance(row, LineError):
            errors.append(row)
            continue

        def cell(name: str, row: list[str] = row) -> str:
            index = found.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        try:
            parsed.append(read(number, cell))
        except ValidationError as error:
            errors.append(LineError(number, error.message))
    return parsed, errors


def _name(cell: Cell) -> str:
    name = " ".join(cell("name").split())
    if not name:
        raise ValidationError("The name is empty.")
    if len(name) > NAME_MAX:
        raise ValidationError(f"The name is longer than {NAME_MAX} characters.")
    return name


def _moment(cell: Cell, zone: ZoneInfo, now: datetime | None, what: str) -> datetime:
    at = _local(_date(cell("date")), _time(cell("time"), "time"), zone)
    if now is not None and at > now:
        raise ValidationError(f"The {what} is in the future.")
    return at


def _text(value: str, label: str, limit: int) -> str | None:
    if len(value) > limit:
        raise ValidationError(f"The {label} is longer than {limit} characters.")
    return value or None


def _referral(number: int, cell: Cell, zone: ZoneInfo, now: datetime | None) -> ReferralLine:
    name = _name(cell)
    received = _moment(cell, zone, now, "referral")
    source = ReferralSource(ReferralSource.parse(cell("source"), field="source"))
    reason = _text(cell("reason"), "reason", SHORT_TEXT_MAX)
    if reason is None:
        raise ValidationError("The reason is empty (a few words are enough).")
    decision = ReferralStatus(ReferralStatus.parse(cell("decision") or "accepted", field="decision"))
    if decision is ReferralStatus.DUPLICATE:
        raise ValidationError("A decision is accepted, declined or waiting (duplicates are found by themselves).")
    decline_reason = _text(cell("decline_reason"), "decline reason", SHORT_TEXT_MAX)
    if decision is ReferralStatus.DECLINED and not decline_reason:
        raise ValidationError("A declined referral needs its decline_reason.")
    closed_at = None
    if cell("closed"):
        if decision is not ReferralStatus.ACCEPTED:
            raise ValidationError("Only an accepted referral's case can be closed.")
        closed_day = _date(cell("closed"))
        if now is not None and closed_day > now.astimezone(zone).date():
            raise ValidationError("The closing date is in the future.")
        closed_at = _end_of(closed_day, zone)
        if closed_at < received:
            raise ValidationError("The case closed before the referral arrived.")
    closure = ClosureReason(ClosureReason.parse(cell("closure_reason") or "other", field="closure_reason"))
    factors = tuple(sorted({ReferralFactor.parse(f.strip(), field="factors").value
                            for f in cell("factors").split(";") if f.strip()}))
    return ReferralLine(number, name, received, source, reason, decision, decline_reason, closed_at, closure, factors)


def _contact(number: int, cell: Cell, zone: ZoneInfo, now: datetime | None) -> ContactLine:
    name = _name(cell)
    at = _moment(cell, zone, now, "contact")
    kind = ContactKind(ContactKind.parse(cell("kind"), field="kind"))
    minutes_text = cell("minutes")
    if minutes_text and not minutes_text.isdigit():
        raise ValidationError(f"“{minutes_text[:20]}” is not a number of minutes.")
    minutes = check_minutes(int(minutes_text)) if minutes_text else None
    outcome = ContactOutcome(ContactOutcome.parse(cell("outcome"), field="outcome")) if cell("outcome") else None
    notes = _text(cell("notes"), "notes", LONG_TEXT_MAX)
    return ContactLine(number, name, at, kind, minutes, outcome, notes)


def _end_of(day: date, zone: ZoneInfo) -> datetime:
    """A case closed "on" a date is closed at the end of that local day."""
    return _local(day + timedelta(days=1), time(0), zone) - timedelta(seconds=1)
