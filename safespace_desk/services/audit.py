"""Reading the audit: recording views of records and verifying the hash chain."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from safespace_desk.db.models import AuditEntry
from safespace_desk.domain.audit_chain import AuditFields, ChainBreak, first_broken
from safespace_desk.domain.roles import Permission
from safespace_desk.services import view_audit
from safespace_desk.services.context import DeskContext


@dataclass(frozen=True)
class AuditReport:
    entries: int
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def describe(self) -> str:
        if self.broken is None:
            return f"Audit chain intact: {self.entries} entries checked."
        return (f"Audit chain BROKEN at entry {self.broken.seq}: {self.broken.reason}. "
                f"{self.entries} entries in the log.")


def record_view(desk: DeskContext, entity_kind: str, entity_id: str) -> None:
    """Every view of a guest record (or other personal record) is audited, with no content."""
    view_audit.record_view(desk, entity_kind, entity_id)


def verify_chain(desk: DeskContext) -> AuditReport:
    desk.require(Permission.VERIFY_AUDIT, "verify the audit log")
    with desk.store.read() as session:
        count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        broken = first_broken(
            (AuditFields(seq=r.seq, at=r.at, staff_id=r.staff_id, device_id=r.device_id,
                         action=r.action, entity_kind=r.entity_kind, entity_id=r.entity_id,
                         detail=r.detail), r.prev_hash, r.hash)
            for r in rows
        )
    # On a damaged store the check still reads and reports; it only cannot record itself.
    desk.record("audit_verified", detail="ok" if broken is None else f"broken_at={broken.seq}")
    return AuditReport(entries=count, broken=broken)
