"""The Admin page: staff accounts (managers only)."""
