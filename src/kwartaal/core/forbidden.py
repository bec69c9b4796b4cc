"""What a finished public rendering is searched for (core/visibility.py's `leaks`): the
rendering read as plain text, and the texts that must never appear in it.

Those texts are gathered from every meeting of the body, from each meeting's facts
(core/facts.py), not from its records: the folded texts of the records that some view could
count as closed, a digest of each text of the records that no view can count as closed (a
closed text equal to one of those is allowed, see `forbidden_texts`), the compensation
amounts; and the place and link, which every meeting record holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from kwartaal.core import folding, longtext
from kwartaal.core import model as m
from kwartaal.core.facts import (
    AMOUNTS,
    CLOSABLE,
    OPEN,
    facts_of,
    folded,
    keys,
    open_keys,
    record_texts,
    text_key,
)
from kwartaal.core.folding import as_read
from kwartaal.core.longtext import parts_of, places_of
from kwartaal.core.problems import Msg, msg

# The shortest closed text searched for: shorter ones ('Evaluatie' is not) would be found by
# chance in any rendering.
MIN_CLOSED = 8


def plain(text: str) -> str:
    """A rendering as readable text (core/folding.py as_read): HTML entities decoded,
    iCalendar lines unfolded and unescaped, the backslash escapes of Markdown and JSON undone,
    so that a name or a closed text cannot hide behind a format's encoding."""
    return as_read(text)


def forbidden_texts(view: Any, body: m.Body) -> list[tuple[str, Msg]]:
    """Texts that must never appear in public output, folded, each with a description of what
    it is that does not repeat it. A closed text that is also the whole text of a public
    record (two items called 'Evaluatie') is not one of them."""
    from kwartaal.core.formats import money

    public_texts: set[str] = set()
    amounts: dict[tuple[str, str], str] = {}
    closed: list[tuple[str, Msg]] = []
    # (meeting, OPEN when computed here, AMOUNTS)
    every: list[tuple[m.Meeting, bytes | None, tuple[str, ...]]] = []
    for meeting in body.meetings:
        facts = facts_of(meeting)
        every.append((meeting, facts[OPEN], facts[AMOUNTS]))
        for is_item, record_id, flag, ref, texts in facts[CLOSABLE]:
            if not view.closes(meeting.id, is_item, record_id, flag, ref):
                public_texts.update(texts)
                continue
            closed += [(text, msg("the text of closed record {id}", id=record_id))
                       for text in texts if len(text) >= MIN_CLOSED]
    # A closed text may still equal the text of a record no view closes: those are known by
    # their keys, and a meeting whose keys match is read to compare the texts themselves.
    doubtful = {text_key(needle) for needle, _ in closed if needle not in public_texts}
    if doubtful:
        for meeting, known, _ in every:
            if not doubtful.isdisjoint(keys(open_keys(meeting) if known is None else known)):
                public_texts.update(folded(value) for record, texts in record_texts(meeting)
                                    if not view.is_closed(record) for value in texts)
    out = [(needle, what) for needle, what in closed if needle not in public_texts]
    cfg = body.config
    links = {cfg.cadence.link, *(mt.link for mt in body.meetings)}
    if not cfg.public_link:  # also as written without its scheme
        out += [(folded(text), msg("the meeting link")) for link in links
                if len(link.strip()) >= 6 for text in (link, _SCHEME.sub("", link))]
    for person in body.people.values():  # the contact details of who is not named
        if not person.is_named:
            written = [v for v in (person.email, person.phone) if len(v.strip()) >= 6]
            numbers = [re.sub(r"\D", "", v) for v in written]
            if "@" in person.email:  # 'jan (at) example.org', 'jan (a) …', '… dot org'
                local, _, domain = person.email.rpartition("@")
                written += [f"{local} {at} {domain.replace('.', dot)}"
                            for at in ("at", "a", "apenstaartje", "op")
                            for dot in (".", " dot ", " punt ")]
            out += [(folded(text), msg("the contact details of {id}", id=person.id))
                    for text in written + [n for n in numbers if len(n) >= 6]]
    for meeting, _, meeting_amounts in every:
        if not view.place_is_public(meeting):
            place = meeting.place or cfg.cadence.place
            if len(place.strip()) >= 4:
                out.append((folded(place), msg(
                    "the place of meeting {id}, which is internal",
                    id=meeting.id)))
        for amount in meeting_amounts:
            for language in ("nl", "en"):
                if (amount, language) not in amounts:  # formatted once per amount
                    amounts[amount, language] = folded(money(Decimal(amount), language))
                out.append((amounts[amount, language], msg(
                    "a compensation amount of meeting {id}",
                    id=meeting.id)))
    from kwartaal.core.labels import labels

    for language in ("nl", "en"):
        out.append((folded(labels(language)["compensation_heading"]),
                    msg("the compensation section")))
    unique: dict[str, Msg] = {}
    for needle, what in out:
        if any(ch.isalnum() for ch in needle):  # (one of punctuation alone is found anywhere)
            unique.setdefault(needle, what)
    return list(unique.items())


_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]*://")


_NOT_SPACE = re.compile(r"\S")  # no run of spaces goes on after it


def spaced(text: str) -> str:
    """" ".join(text.split()), a part at a time (core/longtext.py parts_of): no list of every
    word of a long rendering. Every part but the last ends with a character that is no
    space, so a part that starts with one is parted from the one before by a single space."""
    out: list[str] = []
    for part in parts_of(text, _NOT_SPACE):
        words = " ".join(part.split())
        if words and out and part[:1].isspace():  # (isspace is what split splits at)
            out.append(" ")
        out.append(words)
    return out[0] if len(out) == 1 else "".join(out)


def searched_in_each(text: str, markups: tuple[str | None, ...]) -> Iterator[str]:
    """A rendering read as plain text (`plain`) as it is searched in, for each markup in turn
    (as core/folding.py's fold takes it): folded, punctuation as spaces, single-spaced; a
    short text folded once for them all (folding.each_reading)."""
    return (spaced(reading) for reading in folding.each_reading(text, markups, "searched"))


def words_of(text: str) -> set[str]:
    """The words of a text whose words are parted by spaces (the runs of other characters),
    split a part at a time: no list of every word of a long rendering."""
    words: set[str] = set()
    start = 0
    while start < len(text):
        end = text.find(" ", start + longtext.PART)  # a part ends at a space
        if end == -1:
            end = len(text)
        words.update(text[start:end].split(" "))
        start = end + 1
    words.discard("")
    return words


class Needles:
    """The texts a rendering is searched for, each with what it is, in their order, made
    ready once for the search of many renderings (a site's thousand pages, against some
    thousands of closed texts each).

    A needle of three words or more can only be in a (folded, spaced) text when each of its
    inner words is a word of the text: where it is found, spaces surround them. So each is
    filed under one of its inner words, the one fewest needles have, and a text is searched
    only for the needles filed under one of its own words, and for those of one or two
    words, which are searched for in every text. A needle filed under a word is looked for
    only where that word stands in the text (found once for all the needles filed under it):
    the words of a page of dates and ordinary words are often all in it apart. What is found
    is exactly what searching the text for every needle finds."""

    def __init__(self, needles: list[tuple[str, Msg]]) -> None:
        self.needles = needles
        shared: dict[str, str] = {}  # each word once, however many needles hold it
        self.inner = [tuple(shared.setdefault(word, word) for word in needle.split(" ")[1:-1])
                      for needle, _ in needles]
        self.always: list[int] = []  # needles of one or two words
        self.word: dict[int, str] = {}  # the word each other one is filed under
        self.offset: dict[int, int] = {}  # and where that word stands in it
        self.filed: dict[str, list[int]] = {}
        counts: dict[str, int] = {}
        for words in self.inner:
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        for number, words in enumerate(self.inner):
            if not words:
                self.always.append(number)
                continue
            rarest = min(words, key=lambda word: counts[word])  # the first of the rarest
            self.filed.setdefault(rarest, []).append(number)
            # where the word stands in the needle, spaces around it (an inner word has them)
            self.offset[number] = needles[number][0].index(f" {rarest} ")
            self.word[number] = rarest

    def found_in(self, text: str, allowed: set[str]) -> list[Msg]:
        """What each needle that text (a rendering folded and spaced) contains is, in the
        order of the needles; allowed needles are not looked for."""
        words = words_of(text)
        filed = self.filed
        candidates = list(self.always)
        if len(words) < len(filed):
            for word in words:
                candidates += filed.get(word, ())
        else:
            for word, numbers in filed.items():
                if word in words:
                    candidates += numbers
        candidates.sort()
        found = []
        spots: dict[str, list[int]] = {}  # where each word stands in the text
        for number in candidates:
            needle, what = self.needles[number]
            if not words.issuperset(self.inner[number]) or needle in allowed:
                continue
            word = self.word.get(number)
            if word is None:
                if needle in text:
                    found.append(what)
                continue
            at = spots.get(word)
            if at is None:
                if len(spots) == MANY_WORDS:  # the whole text's, in one pass
                    spots = _every_spot(text, {self.word[other] for other in candidates
                                               if other in self.word})
                    at = spots.get(word, [])
                else:
                    at = spots[word] = places_of(text, f" {word} ")
            offset = self.offset[number]
            if any(text.startswith(needle, spot - offset) for spot in at if spot >= offset):
                found.append(what)
        return found


# How many words are found in a text one by one before where every word stands is found at
# once: a page of open actions holds thousands of the words needles are filed under.
MANY_WORDS = 16


def _every_spot(text: str, wanted: set[str]) -> dict[str, list[int]]:
    """Where each wanted word of a single-spaced text stands: the space before it (-1
    first). Only those, a part at a time: every word's places of the page of open actions at
    4,000 meetings took ten megabytes, the peak of a site's memory."""
    found: dict[str, list[int]] = {}
    start = 0
    while start <= len(text):  # a part at a time (no list of every word: see words_of)
        end = text.find(" ", start + longtext.PART)
        if end == -1:
            end = len(text)
        at = start - 1
        for word in text[start:end].split(" "):
            if word in wanted:
                found.setdefault(word, []).append(at)
            at += len(word) + 1
        start = end + 1
    return found


def found_in(text: str, needles: list[tuple[str, Msg]], allowed: set[str]) -> list[Msg]:
    """What each needle that text (a rendering folded and spaced) contains is, in the
    order of needles; allowed needles are not looked for (Needles, made for one search)."""
    return Needles(needles).found_in(text, allowed)
