"""Code 128 (subset B) for guest cards: the bar and space widths for a short code.

Keyboard-wedge scanners at front desks read Code 128 and type what they read followed by Enter,
which is exactly what the desk's search box wants. The card code itself carries no personal data.
"""

from __future__ import annotations

# Bar/space widths in modules for values 0-106 (ISO/IEC 15417). 103-105 start A/B/C, 106 stop.
_PATTERNS = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
    "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
    "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
    "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
    "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
    "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
    "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
    "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
)
START_B = 104
STOP = 106
QUIET_ZONE = 10  # modules of white on each side, which scanners need


def code128_widths(text: str) -> list[int]:
    """Alternating bar/space widths (starting with a bar) for ``text`` in Code 128 subset B."""
    if not text or any(not 32 <= ord(ch) <= 126 for ch in text):
        raise ValueError("Code 128 B encodes printable ASCII only")
    values = [START_B] + [ord(ch) - 32 for ch in text]
    checksum = (values[0] + sum(position * value for position, value in enumerate(values[1:], start=1))) % 103
    widths: list[int] = []
    for value in values + [checksum, STOP]:
        widths.extend(int(w) for w in _PATTERNS[value])
    return widths


def total_modules(widths: list[int]) -> int:
    return sum(widths) + 2 * QUIET_ZONE
