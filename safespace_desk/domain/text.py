"""Checks for text typed by staff: trimmed, normalised, within limits, no control characters.

Names of guests and staff can be anything people are called: accents, apostrophes, scripts
other than Latin, emoji. We keep them as typed (NFC-normalised) and refuse only what cannot be
shown or stored sensibly.
"""

from __future__ import annotations

import unicodedata

from safespace_desk.domain.errors import ValidationError

NAME_MAX = 80
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 4000


def clean_text(value: str | None, *, field: str, label: str, max_len: int, required: bool = False,
               multiline: bool = False) -> str:
    """Return ``value`` trimmed and NFC-normalised, or raise ValidationError naming ``label``."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if required and not text:
        raise ValidationError(f"{label} is needed.", field=field)
    if len(text) > max_len:
        raise ValidationError(
            f"{label} is too long ({len(text)} characters); the limit is {max_len}.", field=field
        )
    allowed_controls = {"\n", "\t"} if multiline else set()
    for ch in text:
        if ch in allowed_controls:
            continue
        category = unicodedata.category(ch)
        # Cc: control characters; Cs: lone surrogates (cannot be stored as UTF-8);
        # Co/Cn: private-use and unassigned code points that no font can show.
        if category in {"Cc", "Cs", "Co"} or (category == "Cn" and not _is_emoji_block(ch)):
            raise ValidationError(
                f"{label} contains a character that cannot be shown (code U+{ord(ch):04X}). "
                "Please retype it.",
                field=field,
            )
    return text


def _is_emoji_block(ch: str) -> bool:
    # Newly assigned emoji may be unknown to this Python's Unicode tables; let them through.
    return 0x1F000 <= ord(ch) <= 0x1FAFF


# Letters that Unicode does not decompose into a base letter plus an accent.
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae",
                                 "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t", "’": "'", "‘": "'"})


def fold(text: str) -> str:
    """Lower-case and strip accents, for matching (``Zoë`` matches ``zoe``, ``Łukasz`` ``lukasz``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
