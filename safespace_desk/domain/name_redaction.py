"""Finding a person's names in free text the way search finds them (case and accents ignored), to
remove them when the person's data is erased.

A name matches as whole words only: erasing "Al" leaves "Also" and "alcohol" alone. A name of several
words matches with any spacing between them. With ``words=True`` (text written about this person)
each word of their names of two letters or more goes too, so "Johnny kicked off" loses "Johnny"
when the record is about Johnny Walker.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from safespace_desk.domain.text import _UNDECOMPOSABLE, fold

ERASED_NAME_MARK = "[name erased]"
MIN_NAME_LETTERS = 2  # a single letter is not a name to hunt for in other people's text


class NameRedactor:
    def __init__(self, names: Iterable[str], *, words: bool = False) -> None:
        phrases: set[tuple[str, ...]] = set()
        for name in names:
            parts = tuple(fold(name).split())
            if not parts or sum(len(p) for p in parts) < MIN_NAME_LETTERS:
                continue
            phrases.add(parts)
            if words:
                phrases.update((p,) for p in parts if len(p) >= MIN_NAME_LETTERS)
        # Longest first, so "Jo Smith" is taken whole before "Jo".
        alternatives = sorted(phrases, key=lambda p: (-len(" ".join(p)), p))
        body = "|".join(r"\s+".join(re.escape(w) for w in phrase) for phrase in alternatives)
        self._pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)") if body else None

    @property
    def empty(self) -> bool:
        return self._pattern is None

    def redact(self, text: str) -> str:
        """``text`` with every whole-word occurrence of the names replaced by ERASED_NAME_MARK."""
        if self._pattern is None or not text:
            return text
        if text.isascii():  # the common case, fast: folding plain ASCII is lower-casing, position for position
            lowered = text.lower()
            if self._pattern.search(lowered) is None:
                return text
            spans = [(m.start(), m.end()) for m in self._pattern.finditer(lowered)]
        else:
            folded, origin = _fold_with_positions(text)
            spans = [(origin[m.start()], _end_in(text, origin, m.end())) for m in self._pattern.finditer(folded)]
        if not spans:
            return text
        out, last = [], 0
        for start, end in spans:
            out.append(text[last:start])
            out.append(ERASED_NAME_MARK)
            last = end
        out.append(text[last:])
        return "".join(out)

    def mentions(self, text: str | None) -> bool:
        """Whether ``text`` names them (fast: used to pass over text that does not)."""
        if not text or self._pattern is None:
            return False
        return self._pattern.search(text.lower() if text.isascii() else _quick_fold(text)) is not None


# The combining marks of the Unicode blocks made for them: what fold() drops after decomposing.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _quick_fold(text: str) -> str:
    """fold() done in C, without keeping positions: for long text that is only searched."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSABLE))
    return _COMBINING.sub("", decomposed)


def _fold_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the character it came from."""
    pieces, origin = [], []
    for index, ch in enumerate(text):
        folded = fold(ch)
        pieces.append(folded)
        origin.extend([index] * len(folded))
    return "".join(pieces), origin


def _end_in(text: str, origin: list[int], folded_end: int) -> int:
    """The end (exclusive) in ``text`` of a match ending at ``folded_end`` in the folded text,
    taking any accents that folded to nothing with it."""
    end = origin[folded_end - 1] + 1
    while end < len(text) and fold(text[end]) == "":
        end += 1
    return end
