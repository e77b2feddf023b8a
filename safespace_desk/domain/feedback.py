"""Guests' own short feedback (issue 13, item 6): the words' limit and how welcome they felt."""

from __future__ import annotations

from enum import StrEnum

# Short: a sentence or two typed at the desk. Longer text is refused with its length, not cut.
WORDS_MAX = 500


class Welcome(StrEnum):
    """How welcome they felt: three faces, as words (no emoji font is needed to read them)."""

    WELCOME = "welcome"
    OKAY = "okay"
    NOT_WELCOME = "not_welcome"

    @property
    def label(self) -> str:
        return {Welcome.WELCOME: "Welcome", Welcome.OKAY: "Okay", Welcome.NOT_WELCOME: "Not welcome"}[self]


NOT_GIVEN = "not_given"  # the key for feedback with words only, in the figures
