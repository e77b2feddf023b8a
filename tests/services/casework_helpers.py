"""Builders for casework tests: a crisis-service or haven desk, and colleagues in other roles.

Colleagues are staff rows with no key slot (signing them in would cost an Argon2 derivation each);
the services check the acting role and the staff row, which is what these tests exercise.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from safespace_desk.db.models import Staff
from safespace_desk.domain.roles import Role
from safespace_desk.domain.site import starting_settings
from safespace_desk.domain.staff import login_key
from safespace_desk.ids import new_id
from safespace_desk.services import site
from safespace_desk.services.context import Actor, DeskContext


def make_service(desk: DeskContext, kind: str) -> DeskContext:
    """Turn the test store's hub into a crisis service or haven (as the set-up wizard would)."""
    site.update_settings(desk, starting_settings(kind))
    return desk


def colleague(desk: DeskContext, name: str, role: Role, *, may_read_notes: bool = False) -> Actor:
    staff_id = new_id()
    with desk.store.write() as session:
        session.add(Staff(id=staff_id, name=name, login=login_key(name), role=role.value, active=True,
                          created_at=desk.clock.now(), counts_in_ratio=role is not Role.VOLUNTEER,
                          may_read_notes=may_read_notes))
    return Actor(staff_id, name, role)


@contextmanager
def acting_as(desk: DeskContext, actor: Actor) -> Iterator[DeskContext]:
    before = desk.actor
    desk.actor = actor
    try:
        yield desk
    finally:
        desk.actor = before


def outbox_ops(desk: DeskContext) -> list[str]:
    return [r[0] for r in desk.store.raw_connection_sql("SELECT op FROM outbox ORDER BY seq")]


def audit_actions(desk: DeskContext) -> list[str]:
    return [r[0] for r in desk.store.raw_connection_sql("SELECT action FROM audit_log ORDER BY seq")]
