"""What may leave the group: the one place that decides it.

Every rendering takes a `View`. An internal view shows everything to the participants; a public
view is what partners, the council and the web see:

- closed items, and every note, decision, action and carried-over item that hangs under a
  closed item — of its own meeting or of any other — are left out;
- people shown by role (`role-only`) appear as their role, never by name, and in lists they are
  counted rather than named; the other names a person is known by at the table (`aliases`) are
  hidden for everyone who is not `named`;
- a hidden name inside any free text is replaced by the person's role ("een lid van de
  klankbordgroep"), matched as a whole word, whatever its case, Unicode form or diacritics,
  and in the look-alike and split spellings of core/spelling.py ('MiIa', 'Mi-la');
- the meeting link, and the place when the body marks it internal, stay inside;
- compensation data never reaches a public view (the builders do not ask for it).

Builders hand templates only what a view gave them, so no template can print hidden data. On
top of that, `assert_clean` searches a finished public rendering for everything that must not be
there, and refuses it, naming what it found by its kind and id, never by the hidden text itself.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from kwartaal.core import forbidden
from kwartaal.core import model as m
from kwartaal.core.actionfacts import ActionFact
from kwartaal.core.folding import (
    as_searched,
    each_reading,
    fold_char,
    name_fold,
    name_fold_mapped,
    readings_of,
)
from kwartaal.core.naming import hidden_name_matcher, name_run_in, role_in_text, role_label
from kwartaal.core.problems import Joined, KwartaalError, Msg, msg
from kwartaal.core.readings import (
    DIRECTION_MARKS,
    display_order,
    entities_decoded,
    percent_decoded,
    without_directions,
)
from kwartaal.core.spelling import NameMatcher

_SENTENCE_END = ".!?"
_ESCAPED_WORD = re.compile(  # (from where a word starts only: linear time)
    r"(?<![^\s<>()\[\]\"'])[^\s<>()\[\]\"']*%[0-9A-Fa-f]{2}[^\s<>()\[\]\"']*")
# direction marks, & % < and ]( give a text more readings than one
_MORE_READINGS = re.compile(f"[&%<\\]{DIRECTION_MARKS}](?:(?<!\\])|(?=\\())")

# Fewer people paid in a year than this, and a public total is what each of them was paid.
MIN_PAID_FOR_TOTALS = 3


# -- the rules ----------------------------------------------------------------------------------


def closed_items(body: m.Body) -> set[str]:
    """Full ids of closed items, following carry-over: an item carried from a closed item is
    closed too, and so is one carried from an item that cannot be found (a reference nobody
    can check is not proof that something may be published)."""
    known = {i.id for mt in body.meetings for i in mt.items}
    closed = {i.id for mt in body.meetings for i in mt.items if i.closed}
    carried = [(i.id, i.carried_from) for mt in body.meetings for i in mt.items if i.carried_from]
    closed.update(item_id for item_id, source in carried if source not in known)
    changed = True
    while changed:
        changed = False
        for item_id, source in carried:
            if source in closed and item_id not in closed:
                closed.add(item_id)
                changed = True
    return closed


def meeting_of(record_id: str) -> str:
    return record_id.rsplit("/", 1)[0]


def item_ref(meeting_id: str, ref: str) -> str:
    """An item reference as a full id: 'p2' under meeting M is 'M/p2'; fixed and standing
    items keep their key."""
    if not ref or "/" in ref:
        return ref
    return f"{meeting_id}/{ref}"


@dataclass(frozen=True, slots=True)
class Leak:
    what: Msg  # a description that never repeats the hidden text


# Texts up to this length are remembered by a View once made public (see View.text): the
# names, titles and themes that every page and year repeats, not the long notes; at most
# TEXTS_KEPT of them (a site's thousands of titles, once each), cleared when full.
SHORT_TEXT, TEXTS_KEPT = 120, 2048


class View:
    """The records of a body as one audience may see them, in one language."""

    def __init__(self, body: m.Body, lang: str, *, public: bool) -> None:
        self.body = body
        self.lang = lang
        self.public = public
        self._closed = closed_items(body)
        self._matcher: Any = None
        self._owner_of: dict[str, m.Person | None] = {}
        self._forbidden: list[tuple[str, Msg]] | None = None
        self._needles: forbidden.Needles | None = None  # _forbidden, ready to be searched for
        self._known: set[str] | None = None
        self._standing = {s.key for s in body.config.standing}
        self._allowed: tuple[set[str], set[str]] | None = None
        self._texts: dict[str, str] = {}  # short texts as text() gave them (it is pure)
        self._links: dict[str, bool] = {}  # whether a link may be published, by link

    # people

    def person(self, pid: str) -> str:
        """How a person appears in a list (owners, chair, attendance)."""
        person = self.body.people.get(pid)
        if not self.public:
            return person.name if person is not None else pid
        if person is None or person.visibility == "role-only":
            return self.text(role_label(person, self.lang))
        return self.text(person.name, f"people.toml [{pid}] name")

    def person_in_text(self, pid: str) -> str:
        """How a person reads in a sentence: 'samen met een lid van de klankbordgroep'."""
        person = self.body.people.get(pid)
        if self.public and (person is None or person.visibility == "role-only"):
            return self.text(role_in_text(person, self.lang, capital=False))
        return self.person(pid)

    def listed_by_name(self, pid: str) -> bool:
        """Whether a person may be listed; otherwise they are counted by role."""
        person = self.body.people.get(pid)
        return not self.public or (person is not None and person.visibility != "role-only")

    # records

    def is_closed(self, record: Any) -> bool:
        """Closed itself, or under a closed item of any meeting (links followed)."""
        if getattr(record, "closed", False):
            return True
        if isinstance(record, m.Item):
            return record.id in self._closed
        ref = getattr(record, "item", "")
        if not ref or ref in m.FIXED_ITEMS or ref in self._standing:
            return False
        meeting_id = record.meeting if isinstance(record, m.Action) else meeting_of(record.id)
        return self._under_closed(item_ref(meeting_id, ref))

    def _under_closed(self, full: str) -> bool:
        if full in self._closed:
            return True
        # A reference to nothing (a typo such as 'P1', or an item since removed) counts as
        # closed: check reports it, and until it is mended nothing under it is published.
        return full not in self._known_items()

    def closes(self, meeting_id: str, is_item: bool, record_id: str, closed: bool,
               ref: str) -> bool:
        """is_closed of a record of meeting_id known by its facts (core/forbidden.py): an
        item or not, its id, its own closed flag and the item it hangs under."""
        if closed or is_item:
            return closed or record_id in self._closed
        if not ref or ref in m.FIXED_ITEMS or ref in self._standing:
            return False
        return self._under_closed(item_ref(meeting_id, ref))

    def _known_items(self) -> set[str]:
        if self._known is None:
            self._known = {i.id for mt in self.body.meetings for i in mt.items}
        return self._known

    def hides(self, record: Any) -> bool:
        """Whether this audience must not see the record at all."""
        return self.public and self.is_closed(record)

    def hides_fact(self, meeting_id: str, fact: ActionFact) -> bool:  # hides, by its facts
        return self.public and self.closes(meeting_id, False, "", fact.closed, fact.item)

    def minutes_public(self, meeting: m.Meeting) -> bool:
        """Inside always; in public once its minutes are approved (not while correctable)."""
        return not self.public or meeting.status in ("minutes-approved", "published")

    def pay_shown(self, people_paid: int) -> str:
        """How compensation may be shown: per person inside the group; in public as totals
        only, when enough people were paid that a total is nobody's own figure."""
        if not self.public:
            return "per-person"
        return "totals" if people_paid >= MIN_PAID_FOR_TOTALS else "withheld"

    def place(self, meeting: m.Meeting | None) -> str:
        cfg = self.body.config
        place = (meeting.place if meeting is not None else "") or cfg.cadence.place
        if not self.public or not place:
            return place
        shown = self._contact_free(place)
        if shown is None or not self.place_is_public(meeting) or \
                self.hidden_person_in(place) is not None:
            from kwartaal.core.labels import labels

            return labels(self.lang)["place_withheld"]
        return self.text(shown)

    def place_is_public(self, meeting: m.Meeting | None) -> bool:
        cfg = self.body.config
        if meeting is None or meeting.public_place is None:
            return cfg.public_place
        return meeting.public_place

    def link(self, meeting: m.Meeting | None) -> str:
        """The meeting link; in public only when the body publishes it, and never one that
        holds contact details or a hidden name (a link cannot be rephrased: it stays out)."""
        link = (meeting.link if meeting is not None else "") or self.body.config.cadence.link
        if self.public and link not in self._links:  # (each meeting asks it of one link)
            self._links[link] = self.body.config.public_link and self._contact_free(
                link) == link and self.hidden_person_in(link) is None and not (
                self._names() is not None and name_run_in(unquote(link), self._owner_of))
        return link if not self.public or self._links[link] else ""

    def body_name(self, *, neutral: bool = False) -> str:
        """The body's name, or its neutral name (core/naming.py), as this audience may read
        it: free text like any other."""
        from kwartaal.core.naming import neutral_name

        cfg = self.body.config
        name = neutral_name(cfg) if neutral else cfg.name
        field = "neutral_name" if neutral and cfg.neutral_name.strip() else "name"
        return self.text(name, f"kwartaal.toml: [body] {field}")

    # free text

    def text(self, value: str, where: str = "") -> str:
        """Free text as this audience may read it: hidden names replaced by roles, in every
        way the text can be read (as written, and as rendered Markdown shows it)."""
        if not self.public or not value:
            return value
        known = self._texts.get(value)
        if known is not None:
            return known
        shown = self._text(value, where)
        if len(value) <= SHORT_TEXT:  # names, titles, themes: asked for again and again
            if len(self._texts) >= TEXTS_KEPT:
                self._texts.clear()
            self._texts[value] = shown
        return shown

    def _text(self, written: str, where: str) -> str:
        kept = without_directions(written)  # 'aliM' shown right to left reads 'Mila'
        # '&#108;' is an 'l' to a reader of Markdown, '&#64;' an '@': read decoded, and
        # written so only where something had to be replaced
        read = entities_decoded(kept) if "&" in kept else kept
        decoded = without_directions(read)  # (an override an entity wrote goes as well)
        value = decoded
        shown = self._contact_free(value)
        if shown is None:
            raise KwartaalError(msg("{where}: contact details cannot be left out safely in "
                                    "this text; nothing was written. Rephrase the text",
                                    where=where or self.body.where_written(written)))
        value = shown
        matcher = self._names()
        if matcher is None:
            return kept if value == decoded == read else value
        if "%" in value:  # a name escaped in a link ('Mi%6Ca'): the whole link goes
            value = _ESCAPED_WORD.sub(self._unescaped_name, value)
        for reading in readings_of(value):
            value = self._replace(value, matcher, reading)
        if self.hidden_person_in(value) is not None:
            raise KwartaalError(msg(
                "{where}: a name that must stay hidden cannot be replaced safely in this text; "
                "nothing was written. Rephrase the text",
                where=where or self.body.where_written(written)))
        return kept if value == decoded == read else value

    def _contact_free(self, value: str) -> str | None:
        """A text with the contact details a line marked --allow-private may hold left out
        (they stay inside the group); None when one cannot be left out where it stands."""
        from kwartaal.core.detect import allowed_values, without_contact_details
        from kwartaal.core.words import tr
        if self._allowed is None:
            self._allowed = allowed_values(self.body)
        return without_contact_details(value, self._allowed,
                                       tr("[contact details left out]", self.lang))

    def _unescaped_name(self, found: re.Match[str]) -> str:
        owner = self.hidden_person_in(unquote(found.group(0)))
        return found.group(0) if owner is None else role_in_text(owner, self.lang, capital=False)

    def _replace(self, value: str, matcher: NameMatcher, reading: str | None) -> str:
        folded, origin = name_fold_mapped(value, reading)
        pieces: list[str] = []
        last = 0
        for found in matcher.find(folded):
            owner = found.owner
            if owner is None:  # a public name that contains a hidden one: it stays
                continue
            start = origin[found.start]
            end = origin[found.end - 1] + 1
            while end < len(value) and fold_char(value[end]) == "":
                end += 1  # combining marks that belong to the last letter
            if start < last:
                continue
            before = value[:start].rstrip(" \t\"'“‘(*_[")
            capital = not before.strip() or before[-1] in _SENTENCE_END or \
                value[:start].rstrip(" \t").endswith("\n\n")
            pieces.append(value[last:start])
            pieces.append(role_in_text(owner, self.lang, capital=capital))
            last = end
        return "".join(pieces) + value[last:] if pieces else value

    def hidden_person_in(self, value: str) -> m.Person | None:
        """The first hidden person a text names, if any."""
        return next(iter(self._hidden_people(value, first=True)), None)

    def may_name_hidden(self, texts: list[str]) -> bool:
        """False when no text of these names a hidden person (hidden_person_in is None for
        each), by one search over them joined by a line break, which a name's ends see as a
        text's; True when any may (or a text has more readings than one): ask each."""
        matcher, joined = self._names(), "\n".join(texts)
        return matcher is not None and (_MORE_READINGS.search(joined) is not None
                                        or matcher.may_find(name_fold(joined)))

    def _hidden_people(self, value: str, *, first: bool = False) -> list[m.Person]:
        """Hidden people a text names, in any reading of it: as written, as rendered Markdown
        shows it, with entities and percent-escapes decoded and direction overrides ignored."""
        matcher = self._names()
        if matcher is None or not value:
            return []
        if "&" in value:
            value = html.unescape(value)
        shown = display_order(value) if "\u202e" in value else ""
        value = without_directions(value)
        variants = [value] + ([shown] if shown else [])
        if (decoded := percent_decoded(value)) is not None:  # (an override may be escaped)
            variants += [without_directions(decoded)] + (
                [display_order(decoded)] if "\u202e" in decoded else [])
        people: dict[str, m.Person] = {}
        for variant in variants:
            for reading in each_reading(variant, readings_of(variant), "name"):
                for found in matcher.find(reading):
                    owner = found.owner
                    if owner is not None:
                        people.setdefault(owner.id, owner)
                        if first:
                            return [owner]
        return list(people.values())

    def _names(self) -> NameMatcher | None:
        """One search for every hidden name (core/naming.py hidden_name_matcher)."""
        if self._matcher is None:
            matcher, self._owner_of = hidden_name_matcher(self.body.people.values())
            self._matcher = matcher or False
        return self._matcher or None

    # the last line of defence

    def leaks(self, rendered: str | bytes, totals: tuple[str, ...] = ()) -> list[Leak]:
        """What a finished public rendering contains that it must not: hidden names, closed
        texts, the meeting link, an internal place, compensation amounts (but its totals,
        see pay_shown) and headings."""
        text = rendered.decode("utf-8", "replace") if isinstance(rendered, bytes) else rendered
        # JSON writes a tab or a carriage return as '\t', '\r': read as a JSON reader does
        # too (as_read undoes only '\n', which a text may hold as written: C:\new)
        escaped = "\\t" in text or "\\r" in text
        unescaped = text.replace("\\t", "\t").replace("\\r", "\r") if escaped else ""
        plain = forbidden.plain(text)
        del text  # (a long rendering is read in several ways: as few as possible at once)
        found = [Leak(msg("a hidden name of {id}", id=person.id))
                 for person in self._hidden_people(plain)]
        if self._needles is None:
            self._forbidden = self._forbidden or forbidden.forbidden_texts(self, self.body)
            self._needles = forbidden.Needles(self._forbidden)
        allowed = {as_searched(total) for total in totals}
        # Tags, comments and link targets are taken out, as rendered Markdown hides them; and
        # kept, as the reader sees them where they were escaped ('&lt;!--' shows '<!--', and
        # would hide everything after it from the first reading): what either finds is a leak.
        readings = [(plain, (" ", None) if "<" in plain or "](" in plain else (" ",))]
        if (decoded := percent_decoded(plain)) is not None:  # '%67' is 'g'
            readings += [(decoded, (" ",))] + (  # an override may be escaped too
                [(display_order(decoded), (" ",))] if "\u202e" in decoded else [])
        if escaped:
            readings.append((forbidden.plain(unescaped), (" ",)))
        if "\u202e" in plain:
            readings.append((display_order(plain), (" ",)))
        del plain, unescaped
        while readings:
            for spaced in forbidden.searched_in_each(*readings.pop(0)):
                found += [Leak(what) for what in self._needles.found_in(spaced, allowed)]
        return list({leak.what.render("en"): leak for leak in found}.values())  # each once

    def check_key(self) -> tuple[Any, ...]:
        """Everything `leaks` searches for, as plain values: a page found clean under one key
        is clean under it again (files/pages.py)."""
        matcher = self._names()
        self._forbidden = self._forbidden or forbidden.forbidden_texts(self, self.body)
        owners = sorted((key, p.id if p else "") for key, p in self._owner_of.items())
        return (matcher.pattern if matcher else "", owners,
                [needle for needle, _ in self._forbidden])

    def assert_clean(self, rendered: str | bytes, what: Msg,
                     totals: tuple[str, ...] = ()) -> None:
        """Refuse a public rendering that contains anything hidden."""
        if not self.public:
            return
        found = self.leaks(rendered, totals)
        if found:
            raise KwartaalError(msg(
                "{what} was not written: it would contain what must stay inside the group "
                "({found}). Check the body's own templates and the texts of open items",
                what=what, found=Joined(tuple(leak.what for leak in found[:5]))))

