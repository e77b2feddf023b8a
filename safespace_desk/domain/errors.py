"""Errors raised by rules and services.

Every error carries a plain-English message meant for staff. Where the problem is one
input, ``field`` names it so a form can point at the right box.
"""

from __future__ import annotations


class DeskError(Exception):
    """Base for every error a member of staff may see. ``str(err)`` is safe to show."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationError(DeskError):
    """An input was missing, too long or not in the expected form."""


class NotFound(DeskError):
    """The record asked for does not exist (or was merged away)."""


class PermissionDenied(DeskError):
    """The signed-in staff member's role may not do this."""


class RuleViolation(DeskError):
    """A rule of the hub stops this action (for example capacity or an exclusion)."""


class AuthenticationFailed(DeskError):
    """A name, password or PIN did not match."""
