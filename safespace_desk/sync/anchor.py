"""The head of this desk's audit chain as the sync server holds it: an anchor kept outside the store,
for `audit verify` (services/audit.py checks the chain against every anchor source it is given).

A chain rewritten with the store's key no longer ends where the server saw it. The server is asked
now; if it cannot be reached, the head it acknowledged at the last sync is used.
"""

from __future__ import annotations

from safespace_desk.domain.audit_chain import AuditAnchor
from safespace_desk.services import audit
from safespace_desk.services.context import DeskContext
from safespace_desk.sync.client import SyncError
from safespace_desk.sync.enrol import fetch_server_head, server_head

SOURCE = "the sync server"


def server_anchors(desk: DeskContext) -> list[AuditAnchor]:
    try:
        head = fetch_server_head(desk)
        where = "the sync server (asked now)"
    except SyncError:
        head, where = server_head(desk), "the sync server (as last heard: it cannot be reached now)"
    if head is None or head[0] == 0:
        return []  # not enrolled, or the server holds nothing of this desk's chain yet
    return [AuditAnchor(head[0], head[1], where)]


audit.ANCHOR_SOURCES[SOURCE] = server_anchors
