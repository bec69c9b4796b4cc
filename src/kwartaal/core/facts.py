"""A meeting's facts: the little that commands over the whole body need of every meeting,
computed from its records alone (never from a view, the settings or the other meetings).

A meeting read from the parse index keeps its facts apart (files/records.py, computed by
`meeting_facts` when it was stored), so a public rendering checked against every meeting's
closed texts (core/forbidden.py) and a year report looking for the feedback given in its year
(core/yearreport.py) do not decode the notes, decisions, actions and compensation lines of
every meeting. The facts are those of the records by construction: the same function
(facts_from) computes them from each record's Row when the meeting is stored, whenever a
meeting has none stored, and from the rows of its stored records when it is stored straight
from its tables (files/forms.py; tests/test_forms.py holds those equal).
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterable
from typing import Any

try:  # BLAKE2 itself, without hashlib, which loads OpenSSL (a few ms of every read's start)
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b

from kwartaal.core import model as m
from kwartaal.core.fields import public_values
from kwartaal.core.folding import as_read, as_searched, folds_by_lower, unpunctuated

# The parts of a meeting's facts (plain values, as marshal keeps them); see meeting_facts.
CLOSABLE, OPEN, AMOUNTS, NOTES = range(4)
SIZE = 4


def folded(value: str) -> str:
    """A text as public output is searched for it: read as the rendering is (escapes
    undone, tags and link targets out), folded, single spaces (core/folding.py as_searched)."""
    return as_searched(value)


def folded_each(texts: list[str]) -> list[str]:
    """[folded(text) for text in texts], the common texts of a meeting at once: ASCII
    without entities or marks folds by lower() once read (folding.py folds_by_lower: as_read
    then undoes only escapes, which keep the mark they escape, and joins iCalendar lines,
    which needs a line break), and each step of as_searched reads a character at a time or
    stops at a line break; so texts joined by a NUL, which none holds and no step changes or
    reads across, are read in one pass each, and parted again."""
    joined = _SEPARATOR.join(texts)
    if (len(texts) < 2 or not folds_by_lower(joined)
            or joined.count(_SEPARATOR) != len(texts) - 1):
        return [folded(text) for text in texts]
    together = unpunctuated(as_read(joined).lower())
    return [" ".join(part.split()) for part in together.split(_SEPARATOR)]


_SEPARATOR = "\0"  # no space, no punctuation: as_read, lower() and unpunctuated keep it


def text_key(text: str) -> int:
    """A 64-bit digest of a folded text: equal texts have equal keys (unequal ones rarely do,
    and a match is always confirmed on the texts themselves)."""
    return int.from_bytes(blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8)
                          .digest(), "big")


def meeting_facts(meeting: m.Meeting) -> tuple[Any, ...]:
    """What core/forbidden.py and core/yearreport.py need of one meeting, as plain values:

    - CLOSABLE: (is an item, id, closed flag, item it hangs under, its folded texts) of each
      record that some view could count as closed: closed itself, an item carried over (from
      a closed item, or one nobody can find), or hanging under anything but an item of this
      meeting that no view counts as closed (a fixed part of the agenda excepted) — a
      standing item is one only while the settings say so; in the order of record_texts;
    - OPEN: the text_key of each folded text of the other records, which no view counts as
      closed, as bytes (8 each, little-endian: see keys);
    - AMOUNTS: the amount of each compensation line, as written, each once, in order;
    - NOTES: whether one of its notes asks for input, and the years in which feedback was
      given on those (asking_notes, answered_in).
    Empty texts are left out of CLOSABLE and OPEN: nothing that short is searched for."""
    return facts_from(meeting.id, record_rows(meeting),
                      amounts_of(line.amount for line in meeting.compensation),
                      notes_facts(meeting))


# What meeting_facts reads of each record (record_rows): whether it is an item, its id, its
# closed flag, the item it hangs under ("" for an item), whether it is an item carried over
# (carried_from), the texts public output may show (record_texts). files/forms.py reads the
# same of records in their stored form.
Row = tuple[bool, str, Any, Any, Any, tuple[str, ...]]


def record_rows(meeting: m.Meeting) -> list[Row]:
    """The Row of each record of the meeting, in the order of record_texts."""
    return rows_of(_records(meeting))


def rows_of(records: Iterable[Any]) -> list[Row]:
    """The Row of each of these records (items, notes, decisions, actions)."""
    return [(True, record.id, record.closed, "", record.carried_from, texts)
            if isinstance(record, m.Item) else
            (False, record.id, getattr(record, "closed", False), record.item, "", texts)
            for record, texts in _texts(records)]


def amounts_of(amounts: Any) -> tuple[str, ...]:
    """AMOUNTS of the compensation lines' amounts."""
    return tuple(dict.fromkeys(str(amount) for amount in amounts))


def facts_from(meeting_id: str, rows: list[Row], amounts: tuple[str, ...],
               notes: tuple[bool, tuple[int, ...]]) -> tuple[Any, ...]:
    """meeting_facts of a meeting by its id, the Row of each of its records (record_rows),
    its AMOUNTS and its NOTES."""
    ids = [row[1] for row in rows if row[0]]
    unique = len(set(ids)) == len(ids)
    # items no view counts as closed (with an id of their own: a twin might be closed)
    open_items = {record_id for is_item, record_id, closed, _, carried, _ in rows
                  if is_item and unique and not closed and not carried}
    closable: list[tuple[bool, str, bool, str, tuple[str, ...]]] = []
    open_keys = array("Q")
    # (an empty text is left out: core/forbidden.py searches for none that short)
    each = iter(folded_each([value for row in rows for value in row[5] if value]))
    for is_item, record_id, closed, ref, _, texts in rows:
        flag = bool(closed)
        if is_item:
            always_open = record_id in open_items
        else:
            always_open = not flag and (
                not ref or ref in m.FIXED_ITEMS or _item_ref(meeting_id, ref) in open_items)
        texts = tuple(next(each) for value in texts if value)
        if always_open:
            open_keys.extend(map(text_key, texts))
        else:
            closable.append((is_item, record_id, flag, ref, texts))
    if sys.byteorder == "big":
        open_keys.byteswap()
    return (closable, open_keys.tobytes(), amounts, notes)


def notes_facts(meeting: m.Meeting) -> tuple[bool, tuple[int, ...]]:
    """NOTES of meeting_facts alone: cheap, and wanted by internal documents as well."""
    return asking_facts(meeting.notes)


def asking_facts(notes: list[m.Note]) -> tuple[bool, tuple[int, ...]]:
    """NOTES of a meeting's notes: whether any asks for input, the years of the feedback."""
    asking = [note for note in notes if note.asks_input]
    return (bool(asking), tuple(sorted({note.feedback_date.year for note in asking
                                        if note.feedback_date is not None})))


def _stored_notes(meeting: Any) -> tuple[bool, tuple[int, ...]] | None:
    """NOTES as stored with the meeting by the parse index, or None."""
    stored = getattr(getattr(meeting, "actions", None), "stored_facts", None)
    found = None if stored is None else stored(NOTES)
    return found if type(found) is tuple and len(found) == 2 else None


def asking_notes(meeting: Any) -> list[m.Note]:
    """The meeting's notes; none when its stored facts say that none of them asks for input
    (the others are all that core/feedback.py looks for), so they are not decoded; else
    decoded for this look alone (model.passing: the notes that ask are what is kept)."""
    stored = _stored_notes(meeting)
    return [] if stored is not None and not stored[0] else m.passing(meeting.notes)


def answered_in(year: int) -> Callable[[m.Meeting], list[m.Note]]:
    """The notes of a meeting to read for the input answered in the year: none when its
    stored facts say that no feedback was given on its notes in that year."""
    def notes(meeting: m.Meeting) -> list[m.Note]:
        stored = _stored_notes(meeting)
        return [] if stored is not None and year not in stored[1] else m.passing(meeting.notes)

    return notes


def _item_ref(meeting_id: str, ref: str) -> str:
    return ref if "/" in ref else f"{meeting_id}/{ref}"


def keys(data: bytes) -> array[int]:
    """The text keys of a meeting's OPEN facts."""
    found = array("Q", data)
    if sys.byteorder == "big":
        found.byteswap()
    return found


def facts_of(meeting: m.Meeting) -> tuple[Any, ...]:
    """The meeting's facts: as stored with it by the parse index (OPEN then None: see
    open_keys), else from its records."""
    stored = getattr(meeting.actions, "stored_facts", None)
    if stored is not None:
        found = stored(CLOSABLE)
        if type(found) is tuple and len(found) == SIZE:
            return found
    return meeting_facts(meeting)


def open_keys(meeting: m.Meeting) -> bytes:
    """The meeting's OPEN facts: as stored with it by the parse index, else from its
    records."""
    stored = getattr(meeting.actions, "stored_facts", None)
    if stored is not None:
        found = stored(OPEN)
        if type(found) is bytes:
            return found
    return meeting_facts(meeting)[OPEN]  # type: ignore[no-any-return]


def record_texts(meeting: m.Meeting) -> list[tuple[Any, tuple[str, ...]]]:
    """The free texts of each record of a meeting that a view may leave out as closed: every
    field public output may show (core/fields.py public_values), in every language — an
    item's English title as much as its title."""
    return _texts(_records(meeting))


def _records(meeting: m.Meeting) -> tuple[Any, ...]:
    return (*meeting.items, *meeting.notes, *meeting.decisions, *meeting.actions)


def _texts(records: Iterable[Any]) -> list[tuple[Any, tuple[str, ...]]]:
    return [(record, tuple(text for _, text in public_values(record))) for record in records]
