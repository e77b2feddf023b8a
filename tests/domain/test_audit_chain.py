"""The audit hash chain finds any edit, deletion, reordering or insertion, at the right entry.

The rule checked throughout: ``first_broken`` reports the first position where the stored list
differs from the genuine one, naming the seq of the row found there. The one exception is an
insertion forged with a correct hash, which can only be caught at the next genuine entry.

What a chain alone cannot show: entries cut off the end, or new ones appended with correct hashes
(the chain has no secret). Neither is tested as "found".
"""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from safespace_desk.domain.audit_chain import GENESIS, AuditFields, entry_hash, first_broken

Entry = tuple[AuditFields, str, str]  # fields, prev_hash, hash as stored

optional_text = st.none() | st.text(max_size=12)
fields_strategy = st.builds(
    AuditFields,
    seq=st.just(0),  # numbered by _chain
    at=st.text(min_size=1, max_size=27),
    staff_id=optional_text,
    device_id=st.text(min_size=1, max_size=8),
    action=st.sampled_from(["viewed", "guest_created", "signed_in", "staff_added", "visit_voided"]),
    entity_kind=optional_text,
    entity_id=optional_text,
    detail=optional_text,
)


def _chain(contents: list[AuditFields]) -> list[Entry]:
    """A genuine chain: seq 1..n, each entry pointing at the one before."""
    entries: list[Entry] = []
    prev = GENESIS
    for seq, fields in enumerate(contents, start=1):
        fields = dataclasses.replace(fields, seq=seq)
        digest = entry_hash(prev, fields)
        entries.append((fields, prev, digest))
        prev = digest
    return entries


chains = st.lists(fields_strategy, min_size=1, max_size=25).map(_chain)
chains_of_two_or_more = st.lists(fields_strategy, min_size=2, max_size=25).map(_chain)


def _reported_at(entries: list[Entry], position: int) -> None:
    broken = first_broken(entries)
    assert broken is not None, "tampering went unnoticed"
    assert broken.seq == entries[position][0].seq, (broken, position)


@given(chains)
def test_a_genuine_chain_verifies(entries: list[Entry]) -> None:
    assert first_broken(entries) is None


FIELD_NAMES = [f.name for f in dataclasses.fields(AuditFields)]


@given(chains, st.data())
def test_any_edit_is_found_at_that_entry(entries: list[Entry], data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(entries) - 1), label="position")
    fields, prev, digest = entries[position]
    target = data.draw(st.sampled_from([*FIELD_NAMES, "prev_hash", "hash"]), label="field")
    if target == "prev_hash":
        new_prev = data.draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
        assume(new_prev != prev)
        entries[position] = (fields, new_prev, digest)
    elif target == "hash":
        new_hash = data.draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
        assume(new_hash != digest)
        entries[position] = (fields, prev, new_hash)
    else:
        old: Any = getattr(fields, target)
        new = data.draw(st.integers(-5, 100) if target == "seq" else optional_text, label="value")
        assume(new != old)
        entries[position] = (dataclasses.replace(fields, **{target: new}), prev, digest)
    _reported_at(entries, position)


@given(chains_of_two_or_more, st.data())
def test_any_deletion_but_the_last_is_found_where_the_gap_is(entries: list[Entry],
                                                             data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(entries) - 2), label="position")
    del entries[position]
    _reported_at(entries, position)  # the entry that now sits in the gap


@given(chains_of_two_or_more, st.data())
def test_any_reordering_is_found_at_the_first_moved_entry(entries: list[Entry],
                                                          data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(entries), label="order")
    assume(shuffled != entries)
    first_moved = next(i for i, (a, b) in enumerate(zip(shuffled, entries, strict=True)) if a != b)
    _reported_at(list(shuffled), first_moved)


@given(chains, st.data(), fields_strategy)
def test_an_insertion_is_found_at_the_forgery_or_just_after_it(entries: list[Entry], data: st.DataObject,
                                                                forged: AuditFields) -> None:
    # Not at the end: appending with a correct hash is what the program itself does.
    position = data.draw(st.integers(0, len(entries) - 1), label="position")
    prev = entries[position - 1][2] if position else GENESIS
    careful = data.draw(st.booleans(), label="careful forger")
    if careful:
        # Takes the seq of the entry it displaces, points at the right entry, hashes correctly:
        # it links, so the break shows at the genuine entry after it, whose seq now repeats.
        forged = dataclasses.replace(forged, seq=position + 1)
        entries.insert(position, (forged, prev, entry_hash(prev, forged)))
        _reported_at(entries, position + 1)
    else:
        seq = data.draw(st.integers(-5, 100), label="seq")
        forged = dataclasses.replace(forged, seq=seq)
        bogus_hash = data.draw(st.sampled_from([GENESIS, entry_hash(GENESIS, forged)]))
        entries.insert(position, (forged, prev, bogus_hash))
        broken = first_broken(entries)
        assert broken is not None
        assert broken.seq in (entries[position][0].seq, entries[position + 1][0].seq)


def test_a_gap_names_the_missing_entry() -> None:
    entries = _chain([AuditFields(0, "t", None, "d", "viewed", None, None, None)] * 4)
    del entries[1]
    broken = first_broken(entries)
    assert broken is not None and broken.seq == 3 and "entry 2 is missing" in broken.reason


def test_changed_contents_are_named_as_such() -> None:
    entries = _chain([AuditFields(0, "t", None, "d", "viewed", None, None, None)] * 3)
    fields, prev, digest = entries[1]
    entries[1] = (dataclasses.replace(fields, action="signed_in"), prev, digest)
    broken = first_broken(entries)
    assert broken is not None and broken.seq == 2 and "changed" in broken.reason
