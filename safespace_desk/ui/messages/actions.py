"""Service calls for the message, log, handover and paramedic pages (see ui/service_actions.py),
and the kinds of change each of those views refreshes on."""

from __future__ import annotations

from safespace_desk.ui.service_actions import ServiceActions, changes_in

# The kinds of change each view cares about (service constants, spelled here to keep ui/ free of
# service internals).
MESSAGE_KINDS = ("message", "guest", "visit", "agency")
LOG_KINDS = ("shift_log", "guest")
HANDOVER_KINDS = ("handover",)
TRIAGE_KINDS = ("triage", "visit", "guest", "message")


__all__ = ["HANDOVER_KINDS", "LOG_KINDS", "MESSAGE_KINDS", "TRIAGE_KINDS", "ServiceActions", "changes_in"]
