"""Reading the audit: recording views of records, and verifying the hash chain on its own and
against the anchors of its head kept outside the store (backup manifests, a printed handover's line,
the sync server's copy).

``verify_chain(desk, anchors)`` takes anchors from the caller (a head typed from a printed handover)
and from every source in ``ANCHOR_SOURCES`` (the backups in the backup folder); sync adds the head
the server holds by adding a source there (a function from the desk to a list of anchors).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from safespace_desk.db.backup import list_backups
from safespace_desk.db.backup_manifest import read_manifest
from safespace_desk.db.models import AuditEntry, Setting
from safespace_desk.domain.audit_chain import (
    AnchorProblem,
    AuditAnchor,
    AuditFields,
    ChainBreak,
    check_anchors,
    first_broken,
    printed_anchor,
)
from safespace_desk.domain.roles import Permission
from safespace_desk.services import view_audit
from safespace_desk.services.context import DeskContext

AnchorSource = Callable[[DeskContext], list[AuditAnchor]]


@dataclass(frozen=True)
class AuditReport:
    entries: int
    broken: ChainBreak | None
    anchors: tuple[AuditAnchor, ...] = ()
    problems: tuple[AnchorProblem, ...] = ()
    notes: tuple[str, ...] = field(default=())  # anchor sources that could not be read

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.problems

    def describe(self) -> str:
        lines = []
        if self.broken is not None:
            lines.append(f"Audit chain BROKEN at entry {self.broken.seq}: {self.broken.reason}. "
                         f"{self.entries} entries in the log.")
        elif self.problems:
            lines.append(f"Audit chain REWRITTEN: its {self.entries} entries link up, but not as they were "
                         "recorded outside the store.")
        else:
            lines.append(f"Audit chain intact: {self.entries} entries checked.")
        lines += [f"- {p.reason}." for p in self.problems]
        if self.anchors and not self.problems:
            newest = max(self.anchors, key=lambda a: a.seq)
            lines.append(f"It matches {len(self.anchors)} anchor{'s' if len(self.anchors) != 1 else ''} kept "
                         f"outside the store (the newest: {newest.source}, entry {newest.seq}).")
        elif not self.anchors:
            lines.append("No anchor kept outside the store was found to check it against: set a backup folder, "
                         "or give the line from a printed handover with --anchor SEQ:HASH.")
        lines += self.notes
        return "\n".join(lines)


def backup_anchors(desk: DeskContext) -> list[AuditAnchor]:
    """The heads recorded in the manifests of the backups in the backup folder."""
    with desk.store.read() as session:
        row = session.get(Setting, "backup_folder")
    if row is None or not row.value:
        return []
    anchors = []
    for info in list_backups(Path(row.value)):
        manifest = read_manifest(info.path)
        if manifest is not None:
            anchors.append(AuditAnchor(manifest.audit_seq, manifest.audit_hash,
                                       f"the backup {info.path.name}"))
    return anchors


# Where anchors come from besides the ones a person types, by what to call them if they cannot be
# read. Sync adds the head the server holds here: ANCHOR_SOURCES["the sync server"] = its function.
ANCHOR_SOURCES: dict[str, AnchorSource] = {"the backup folder": backup_anchors}


@dataclass(frozen=True)
class AuditHead:
    seq: int
    hash: str

    @property
    def printed(self) -> str:
        """As printed on a handover, to be typed into ``audit verify --anchor`` later."""
        return printed_anchor(self.seq, self.hash)


def audit_head(desk: DeskContext) -> AuditHead | None:
    """The last entry of the chain now (for a printed handover: an anchor on paper)."""
    desk.require_actor()
    with desk.store.read() as session:
        last = session.execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc())
                               .limit(1)).first()
    return AuditHead(int(last[0]), str(last[1])) if last else None


def record_view(desk: DeskContext, entity_kind: str, entity_id: str) -> None:
    """Every view of a guest record (or other personal record) is audited, with no content."""
    view_audit.record_view(desk, entity_kind, entity_id)


def verify_chain(desk: DeskContext, anchors: Sequence[AuditAnchor] = ()) -> AuditReport:
    """Check every link of the chain, then the chain against every anchor known: ``anchors`` (for
    example typed from a printed handover) and those of ``ANCHOR_SOURCES``. Names what is missing or
    was rewritten."""
    desk.require(Permission.VERIFY_AUDIT, "verify the audit log")
    known, notes = list(anchors), []
    for where, source in ANCHOR_SOURCES.items():
        try:
            known += source(desk)
        except Exception as error:  # a folder that cannot be read: say so, and check against the rest
            notes.append(f"The anchors in {where} could not be read ({type(error).__name__}).")
    with desk.store.read() as session:
        count = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        rows = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        broken = first_broken(
            (AuditFields(seq=r.seq, at=r.at, staff_id=r.staff_id, device_id=r.device_id,
                         action=r.action, entity_kind=r.entity_kind, entity_id=r.entity_id,
                         detail=r.detail), r.prev_hash, r.hash)
            for r in rows
        )
        last = session.scalar(select(func.max(AuditEntry.seq))) or 0
        hashes = {seq: digest for seq, digest in session.execute(select(AuditEntry.seq, AuditEntry.hash).where(
            AuditEntry.seq.in_(sorted({a.seq for a in known}))))} if known else {}
    problems = check_anchors(hashes, last, known)
    detail = "ok" if broken is None and not problems else (
        f"broken_at={broken.seq}" if broken is not None else f"rewritten_before={problems[0].anchor.seq}")
    # On a damaged store the check still reads and reports; it only cannot record itself.
    desk.record("audit_verified", detail=f"{detail};anchors={len(known)}" if known else detail)
    return AuditReport(entries=count, broken=broken, anchors=tuple(known), problems=tuple(problems),
                       notes=tuple(notes))
