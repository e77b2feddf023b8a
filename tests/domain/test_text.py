"""clean_text keeps names as people write them and refuses only what cannot be shown or stored."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safespace_desk.domain.errors import ValidationError
from safespace_desk.domain.text import clean_text


def _clean(value: str | None, *, max_len: int = 80, required: bool = False, multiline: bool = False) -> str:
    return clean_text(value, field="preferred_name", label="Preferred name", max_len=max_len,
                      required=required, multiline=multiline)


def _refused(value: str, **kwargs: bool | int) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        _clean(value, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == "preferred_name"
    assert "Preferred name" in str(err.value), "the message names the field for staff"
    return err.value


@pytest.mark.parametrize(("typed", "stored"), [
    ("Zoe\u0308", "Zoë"),                      # e + combining diaeresis -> one precomposed letter
    ("Rene\u0301e O\u0301 Briain", "Renée Ó Briain"),
    ("Nguye\u0302\u0303n", "Nguyễn"),          # two stacked accents compose to U+1EC5
    ("\u1100\u1161\u11a8", "\uac01"),          # Hangul jamo compose to a syllable
])
def test_combining_accents_are_normalised_to_nfc(typed: str, stored: str) -> None:
    result = _clean(typed)
    assert result == stored
    assert unicodedata.is_normalized("NFC", result)


def test_the_same_name_typed_two_ways_is_stored_the_same() -> None:
    # Matters for duplicate checks: a Mac keyboard and a Windows one must give equal strings.
    assert _clean("Zo\u00eb") == _clean("Zoe\u0308")


@pytest.mark.parametrize("name", [
    "Sam 🙂",
    "👩‍👩‍👧 family",        # zero-width joiners (Cf) are part of the emoji, not controls
    "Jo 👍🏽",                # skin-tone modifier
    "Taff 🏴󠁧󠁢󠁷󠁬󠁳󠁿",          # tag characters in a subdivision flag
    "Kit 🩵",                 # Unicode 15 emoji, unassigned in older tables: let through
])
def test_emoji_are_kept(name: str) -> None:
    assert _clean(name) == name


@pytest.mark.parametrize("name", [
    "مريم",                   # Arabic
    "דוד כהן",                # Hebrew
    "Ali علي",                # mixed direction in one name
    "‏Yusuf",                 # a leading right-to-left mark (Cf) typed by an RTL keyboard
])
def test_right_to_left_names_are_kept(name: str) -> None:
    assert _clean(name) == name


@pytest.mark.parametrize(("value", "code"), [
    ("Sam\x00my", "U+0000"),
    ("bell\x07", "U+0007"),
    ("esc\x1b[31m", "U+001B"),
    ("del\x7fete", "U+007F"),
    ("next\u0085line", "U+0085"),             # C1 control (NEL)
    ("tab\there", "U+0009"),                  # tabs and newlines only in multi-line fields
    ("two\nlines", "U+000A"),
])
def test_control_characters_are_refused_naming_the_field(value: str, code: str) -> None:
    err = _refused(value)
    assert code in str(err)


@pytest.mark.parametrize("value", ["lone \ud800 high", "lone \udfff low", "\udc80"])
def test_lone_surrogates_are_refused(value: str) -> None:
    # They cannot be encoded as UTF-8, so SQLite could not store them.
    err = _refused(value)
    assert "U+D" in str(err)


def test_unassigned_code_points_are_refused() -> None:
    _refused("odd \u0378")


def test_multiline_text_keeps_newlines_and_tabs_but_not_other_controls() -> None:
    assert _clean("first line\n\tsecond", multiline=True) == "first line\n\tsecond"
    _refused("carriage\rreturn", multiline=True)


def test_too_long_text_is_refused_with_the_limit() -> None:
    assert _clean("x" * 80) == "x" * 80
    err = _refused("x" * 81)
    assert "80" in str(err) and "81" in str(err)


def test_length_is_counted_after_normalising() -> None:
    # 80 letters typed with combining accents are 160 code points, but 80 characters stored.
    assert len(_clean("e\u0301" * 80)) == 80


def test_surrounding_space_is_trimmed_and_required_means_something_visible() -> None:
    assert _clean("  Mo  ") == "Mo"
    assert _clean(None) == ""
    err = _refused("   \u3000 ", required=True)  # ideographic space counts as space
    assert "needed" in str(err)


def test_private_use_characters_are_refused() -> None:
    _refused("glyph \ue000")


@given(st.text(max_size=60))
def test_accepted_text_is_nfc_trimmed_printable_and_stable(value: str) -> None:
    try:
        result = _clean(value)
    except ValidationError:
        return
    assert unicodedata.is_normalized("NFC", result)
    assert result == result.strip()
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in result)
    assert len(result) <= 80
    assert _clean(result) == result  # cleaning twice changes nothing
    result.encode("utf-8")  # storable
