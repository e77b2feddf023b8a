"""Sync with the hub's server (DESIGN.md section 6). Importing it adds the server's copy of this desk's
audit chain head to the anchors `audit verify` checks against."""

from safespace_desk.sync import anchor as _anchor  # noqa: F401 (registers the anchor source)
