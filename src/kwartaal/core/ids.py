"""Record ids inside a meeting file: making new ones, and finding a record by id or prefix.

A record keeps the id it was written with, in every clone, for good: other records, commit
messages, minutes and people's notes refer to it. New ids are therefore not the next number
(two clones would pick the same one) but the kind's letter and a random suffix, `a-7kq2`,
checked against the ids already in the file. Ids written before this scheme (`a1`, `p3`) stay
as they are. See docs/format.md, "Ids".
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.problems import KwartaalError, hints, msg, pmsg

KIND_WORDS = {
    "item": msg("agenda item"),
    "note": pmsg("record", "note"),
    "decision": msg("decision"),
    "action": msg("action"),
    "compensation": msg("compensation line"),
}
# A prefix is only looked up when it reaches into the random part: `a-7` may stand for
# `a-7kq2`, but `a` or `a-` would pick "the only action" and silently change meaning as soon
# as a second one is added.
_PREFIX = re.compile(rf"^[a-z]-[{m.ID_ALPHABET}]+$")


def records(meeting: m.Meeting, kind: str) -> list[Any]:
    return {"item": meeting.items, "note": meeting.notes, "decision": meeting.decisions,
            "action": meeting.actions, "compensation": meeting.compensation}[kind]


def taken(meeting: m.Meeting) -> set[str]:
    """Every local id in the meeting's file, of any kind: ids are unique per file."""
    return {r.local_id for kind in m.ID_PREFIX for r in records(meeting, kind)}


def _suffix(seed: bytes | None) -> str:
    if seed is None:
        return "".join(secrets.choice(m.ID_ALPHABET) for _ in range(m.ID_SUFFIX_LENGTH))
    number = int.from_bytes(hashlib.blake2b(seed, digest_size=8).digest(), "big")
    chars = []
    for _ in range(m.ID_SUFFIX_LENGTH):
        number, index = divmod(number, len(m.ID_ALPHABET))
        chars.append(m.ID_ALPHABET[index])
    return "".join(chars)


def new_local_id(kind: str, used: Iterable[str], *, key: str | None = None) -> str:
    """A local id of this kind that is not in `used`.

    With a key the id is derived from it, so that two clones writing the same record (an item
    carried over into a new meeting file) write the same id and their files merge cleanly."""
    prefix = m.ID_PREFIX[kind]
    existing = set(used)
    for attempt in range(10_000):
        seed = None if key is None else f"{key}\0{attempt}".encode()
        local = f"{prefix}-{_suffix(seed)}"
        if local not in existing:
            return local
    raise KwartaalError(msg("no free {kind} id is left in this meeting",
                            kind=prefix))


def new_local_ids(kind: str, used: Iterable[str], count: int) -> list[str]:
    """Several new ids at once (lines written in one go), distinct from each other too."""
    existing = set(used)
    made: list[str] = []
    for _ in range(count):
        local = new_local_id(kind, existing)
        existing.add(local)
        made.append(local)
    return made


def match(candidates: Sequence[Any], ref: str) -> list[Any]:
    """The records whose local id is `ref`, or else begins with it."""
    exact = [r for r in candidates if r.local_id == ref]
    if exact:
        return exact
    ref = ref.strip().lower()
    if not _PREFIX.match(ref):
        return [r for r in candidates if r.local_id == ref]
    return [r for r in candidates if r.local_id.startswith(ref)]


def _label(record: Any) -> str:
    text = getattr(record, "title", "") or getattr(record, "text", "") or \
        getattr(record, "person", "")
    text = " ".join(str(text).split())
    return f"{record.id} ({text[:40]}{'…' if len(text) > 40 else ''})" if text else record.id


def ambiguous(ref: str, found: Sequence[Any]) -> KwartaalError:
    listed = ", ".join(_label(r) for r in found)
    return KwartaalError(msg(
        "'{ref}' fits more than one record: {listed}; give more of the id",
        ref=ref, listed=listed))


def pick(meeting: m.Meeting, kind: str, ref: str) -> Any | None:
    """The record of this kind that a local id or prefix names; None when none does.
    Refuses a prefix that fits several, naming them."""
    local = ref.split("/", 1)[1] if ref.startswith(f"{meeting.id}/") else ref
    found = match(records(meeting, kind), local)
    if len(found) > 1:
        raise ambiguous(ref, found)
    return found[0] if found else None


def find(body: m.Body, ref: str, kind: str) -> Any | None:
    """The record that a full id (`2025-09-11/a-7kq2`) or `meeting/prefix` names."""
    meeting_id, sep, local = ref.strip().partition("/")
    meeting = body.meeting(meeting_id) if sep else None
    return None if meeting is None else pick(meeting, kind, local)


# The fixed parts of every agenda in the words people use for them, both languages.
FIXED_WORDS = {
    "opening": "opening", "welkom": "opening", "welcome": "opening",
    "notulen": "previous-minutes", "vorige-notulen": "previous-minutes",
    "minutes": "previous-minutes", "previous-minutes": "previous-minutes",
    "acties": "actions", "actions": "actions", "actielijst": "actions",
    "rondvraag": "any-other-business", "aob": "any-other-business",
    "any-other-business": "any-other-business", "wvttk": "any-other-business",
    "sluiting": "closing", "closing": "closing",
}


def fixed_word(ref: str) -> str | None:
    """The fixed part of the agenda a word names ('rondvraag', 'vorige notulen'), if any."""
    return FIXED_WORDS.get("-".join(ref.strip().lower().replace("_", " ").split()))


def _number_order(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def item_ref(body: m.Body, meeting: m.Meeting, ref: str, *, elsewhere: bool = False) -> str:
    """What a record's `item` key should hold for what the user typed: a standing key, a
    fixed part of the agenda, an item of this meeting (its local id), or with `elsewhere` an
    item of another meeting (its full id). Ids may be given by prefix."""

    standing = [s.key for s in body.config.standing]
    own = [i.local_id for i in meeting.items if i.on_agenda]
    off = {i.local_id: i for i in meeting.items if not i.on_agenda}
    if ref in off:  # nothing is recorded under an item that is off the agenda
        raise KwartaalError(msg(
            "item {id} is off the agenda ({why}); record it under another item",
            id=off[ref].id, why=off[ref].withdrawn or off[ref].deferred_to))
    if ref in standing or ref in own or ref in m.FIXED_ITEMS:
        return ref
    word = fixed_word(ref)
    if word is not None and word not in standing:
        return word
    from kwartaal.core.outline import numbered, outline

    by_number = numbered(outline(body, meeting))
    entry = by_number.get(ref.rstrip("."))
    if entry is not None:  # the number on the internal agenda: 5.1, 7
        if entry.item is None:
            return entry.key
        own_item = any(i is entry.item for i in meeting.items)
        return entry.item.local_id if own_item else entry.item.id
    found = pick(meeting, "item", ref)
    if found is not None:
        return str(found.local_id)
    if elsewhere and "/" in ref:
        other = find(body, ref, "item")
        if other is not None:
            return str(other.id)
    choices = [*standing, *own, *dict.fromkeys(FIXED_WORDS)]
    raise KwartaalError(msg(
        "unknown agenda item '{item}'{hint}; give its number on the agenda ({first} to "
        "{last}) or one of: {choices}", first=min(by_number, key=_number_order),
        last=max(by_number, key=_number_order),
        item=ref, choices=", ".join(choices), **hints(ref, choices)))
