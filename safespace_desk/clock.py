"""The real clock, used by the app and CLI (domain/ and services/ receive it injected)."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
