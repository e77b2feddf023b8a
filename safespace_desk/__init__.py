"""SafeSpace Desk: offline-first front-desk software for 24/7 Safe Space hubs."""

__version__ = "0.1.0"
APP_NAME = "SafeSpace Desk"
