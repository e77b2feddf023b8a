"""Rules for staff accounts: names, passwords and quick-unlock PINs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.passwords import GOOD_ENOUGH, strength
from safespace_desk.domain.roles import Role
from safespace_desk.domain.text import NAME_MAX, clean_text, fold

PASSWORD_MIN = 10
PASSWORD_MAX = 256
PIN_MIN = 4
PIN_MAX = 8
PIN_TRIES = 5


@dataclass(frozen=True)
class StaffMember:
    id: str
    name: str
    role: Role
    active: bool
    has_pin: bool
    counts_in_ratio: bool = True
    may_read_notes: bool = False


def clean_staff_name(name: str | None) -> str:
    return clean_text(name, field="name", label="Staff name", max_len=NAME_MAX, required=True)


def login_key(name: str) -> str:
    """How a typed staff name is matched at sign-in: case, accents and spacing ignored."""
    return " ".join(fold(name).split())


def check_password(password: str | None, *, field: str = "password", user_inputs: Iterable[str] = ()) -> str:
    """A new password: long enough, and hard to guess (a zxcvbn score of 3 or more, DESIGN.md 5).
    ``user_inputs``: words a guesser would try first (the person's name)."""
    if password is None or password == "":
        raise ValidationError("A password is needed.", field=field)
    if len(password) < PASSWORD_MIN:
        raise ValidationError(
            f"The password is too short: use at least {PASSWORD_MIN} characters "
            "(a few words together are easy to remember).",
            field=field,
        )
    if len(password) > PASSWORD_MAX:
        raise ValidationError(f"The password is too long; the limit is {PASSWORD_MAX} characters.",
                              field=field)
    if password != password.strip():
        raise ValidationError("The password cannot start or end with a space.", field=field)
    score, advice = strength(password, user_inputs)
    if score < GOOD_ENOUGH:
        raise ValidationError(
            "That password is too easy to guess" + (f" ({advice.rstrip('.')})" if advice else "")
            + ". Use a few unrelated words, or the suggested passphrase.", field=field)
    return password


def check_pin(pin: str | None) -> str:
    pin = (pin or "").strip()
    if not pin.isascii() or not pin.isdigit() or not PIN_MIN <= len(pin) <= PIN_MAX:
        raise ValidationError(f"A PIN is {PIN_MIN} to {PIN_MAX} digits.", field="pin")
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise ValidationError("That PIN is too easy to guess (all one digit or a run).", field="pin")
    return pin
