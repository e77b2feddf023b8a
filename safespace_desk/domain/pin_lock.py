"""Quick unlock by PIN: five wrong tries and only the full password will do."""

from __future__ import annotations

from dataclasses import dataclass

from safespace_desk.domain.staff import PIN_TRIES


@dataclass
class PinAttempts:
    failures: int = 0

    @property
    def exhausted(self) -> bool:
        return self.failures >= PIN_TRIES

    @property
    def remaining(self) -> int:
        return max(0, PIN_TRIES - self.failures)

    def record_failure(self) -> None:
        self.failures += 1

    def reset(self) -> None:
        self.failures = 0
