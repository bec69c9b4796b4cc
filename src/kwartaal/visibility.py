"""What may leave the group: the one place that decides it.

Every rendering takes a `View`. An internal view shows everything to the participants; a public
view is what partners, the council and the web see:

- closed items, and every note, decision, action and carried-over item that hangs under a
  closed item — of its own meeting or of any other — are left out;
- people shown by role (`role-only`) appear as their role, never by name, and in lists they are
  counted rather than named; the other names a person is known by at the table (`aliases`) are
  hidden for everyone who is not `named`;
- a hidden name inside any free text is replaced by the person's role ("een lid van de
  klankbordgroep"), matched as a whole word, whatever its case, Unicode form or diacritics;
- the meeting link, and the place when the body marks it internal, stay inside;
- compensation data never reaches a public view (the builders do not ask for it).

Builders hand templates only what a view gave them, so no template can print hidden data. On
top of that, `assert_clean` searches a finished public rendering for everything that must not be
there, and refuses it, naming what it found by its kind and id, never by the hidden text itself.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import model as m
from .problems import KwartaalError, Msg, msg

FIXED_REFS = ("opening", "previous-minutes", "actions", "any-other-business", "closing")
_DROPPED = {"Mn", "Me", "Cf"}  # combining marks and invisible format characters
_SENTENCE_END = ".!?\n"
_ARTICLES = {"nl": ("een ", "de ", "het "), "en": ("a ", "an ", "the ")}


# -- folding: one comparable form of a text, whatever its case or Unicode form ---------------

@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ch).casefold())
    return "".join(c for c in folded if unicodedata.category(c) not in _DROPPED)


def fold(text: str) -> str:
    """Case, Unicode form, diacritics and invisible characters folded away: 'ZOË' (composed
    or not), 'zoe' and 'Zo\\u200be' all fold to 'zoe'."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)


def _fold_mapped(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index in text it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def _name_pattern(name: str) -> str:
    """A folded name as a regular expression: its words separated by any white space."""
    words = fold(name).split()
    return r"\s+".join(re.escape(w) for w in words)


# -- the rules ----------------------------------------------------------------------------------

def hidden_names_of(person: m.Person) -> list[str]:
    """The names of a person that must not leave the group."""
    if person.visibility == "named":
        return []
    names = [*person.aliases]
    if person.visibility == "role-only":
        names.append(person.name)
    return [n.strip() for n in names if n and n.strip()]


def role_label(person: m.Person | None, lang: str) -> str:
    """A person's role as a label in lists: 'lid van de klankbordgroep'."""
    from .labels import labels

    role = person.role_in(lang).strip() if person is not None else ""
    return role or labels(lang)["participant"]


def role_in_text(person: m.Person | None, lang: str, *, capital: bool) -> str:
    """The role as it reads in running text: 'een lid van de klankbordgroep', at the start of
    a sentence 'Een lid van de klankbordgroep'."""
    role = role_label(person, lang)
    if not role.lower().startswith(_ARTICLES.get(lang, _ARTICLES["en"])):
        if lang == "nl":
            role = "een " + role
        else:
            role = ("an " if role[:1].lower() in "aeiou" else "a ") + role
    return role[:1].upper() + role[1:] if capital else role


def neutral_name(config: m.Config) -> str:
    """The body's name where others may see it over a participant's shoulder: calendar
    entries, e-mail subjects and senders, lock screens. The body's own neutral_name when set;
    else its name without words that out people ('Kwartaaloverleg Sekswerk Voorbeeldstad'
    becomes 'Kwartaaloverleg Voorbeeldstad')."""
    if config.neutral_name.strip():
        return config.neutral_name.strip()
    words = [w for w in config.name.split() if not _sensitive(w, config.sensitive_words)]
    name = " ".join(words).strip(" -–—,:")
    if not name or name == config.name and _sensitive(name, config.sensitive_words):
        return "Overleg" if config.language == "nl" else "Meeting"
    return name


def _sensitive(text: str, words: tuple[str, ...]) -> bool:
    folded = fold(text)
    return any(w and fold(w) in folded for w in words)


def sensitive_words_in(text: str, config: m.Config) -> list[str]:
    """The sensitive words a text contains (for checks of texts that reach a bank or a lock
    screen)."""
    folded = fold(text)
    return [w for w in config.sensitive_words if w and fold(w) in folded]


def closed_items(body: m.Body) -> set[str]:
    """Full ids of closed items, following carry-over: an item carried from a closed item is
    closed too."""
    closed = {i.id for mt in body.meetings for i in mt.items if i.closed}
    carried = [(i.id, i.carried_from) for mt in body.meetings for i in mt.items if i.carried_from]
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
    what: str  # a description that never repeats the hidden text


class View:
    """The records of a body as one audience may see them, in one language."""

    def __init__(self, body: m.Body, lang: str, *, public: bool) -> None:
        self.body = body
        self.lang = lang
        self.public = public
        self._closed = closed_items(body)
        self._matcher: Any = None
        self._owner_of: dict[str, m.Person | None] = {}
        self._forbidden: list[tuple[str, str]] | None = None

    # people

    def person(self, pid: str) -> str:
        """How a person appears in a list (owners, chair, attendance)."""
        person = self.body.people.get(pid)
        if not self.public:
            return person.name if person is not None else pid
        if person is None or person.visibility == "role-only":
            return role_label(person, self.lang)
        return person.name

    def listed_by_name(self, pid: str) -> bool:
        """Whether a person may be listed; otherwise they are counted by role."""
        person = self.body.people.get(pid)
        if not self.public:
            return True
        return person is not None and person.visibility != "role-only"

    # records

    def is_closed(self, record: Any) -> bool:
        """Closed itself, or under a closed item of any meeting (links followed)."""
        if getattr(record, "closed", False):
            return True
        if isinstance(record, m.Item):
            return record.id in self._closed
        ref = getattr(record, "item", "")
        if not ref:
            return False
        meeting_id = record.meeting if isinstance(record, m.Action) else meeting_of(record.id)
        return item_ref(meeting_id, ref) in self._closed

    def hides(self, record: Any) -> bool:
        """Whether this audience must not see the record at all."""
        return self.public and self.is_closed(record)

    def place(self, meeting: m.Meeting | None) -> str:
        cfg = self.body.config
        place = (meeting.place if meeting is not None else "") or cfg.cadence.place
        if not self.public or not place:
            return place
        allowed = cfg.public_place if meeting is None or meeting.public_place is None \
            else meeting.public_place
        if not allowed or self._hidden_match(place) is not None:
            from .labels import labels

            return labels(self.lang)["place_withheld"]
        return place

    def link(self, meeting: m.Meeting | None) -> str:
        link = (meeting.link if meeting is not None else "") or self.body.config.cadence.link
        if self.public and not self.body.config.public_link:
            return ""
        return link

    # free text

    def text(self, value: str, where: str = "") -> str:
        """Free text as this audience may read it: hidden names replaced by roles."""
        if not self.public or not value:
            return value
        matcher = self._names()
        if matcher is None:
            return value
        folded, origin = _fold_mapped(value)
        pieces: list[str] = []
        last = 0
        for found in matcher.finditer(folded):
            owner = self._owner_of.get(found.group(0))
            if owner is None:  # a public name that contains a hidden one: it stays
                continue
            start = origin[found.start()]
            end = origin[found.end() - 1] + 1
            while end < len(value) and _fold_char(value[end]) == "":
                end += 1  # combining marks that belong to the last letter
            before = value[:start].rstrip(" \t\"'“‘(*_")
            capital = not before or before[-1] in _SENTENCE_END
            pieces.append(value[last:start])
            pieces.append(role_in_text(owner, self.lang, capital=capital))
            last = end
        if not pieces:
            return value
        result = "".join(pieces) + value[last:]
        if self._hidden_match(result) is not None:
            raise KwartaalError(msg(
                "{where}: a name that must stay hidden cannot be replaced safely in this text; "
                "nothing was written. Rephrase the text",
                "{where}: een naam die verborgen moet blijven kan in deze tekst niet veilig "
                "vervangen worden; er is niets geschreven. Formuleer de tekst anders",
                where=where or "?"))
        return result

    def hidden_person_in(self, value: str) -> m.Person | None:
        """The first hidden person a text names, if any."""
        return self._hidden_match(value)

    def _hidden_match(self, value: str) -> m.Person | None:
        matcher = self._names()
        if matcher is None or not value:
            return None
        for found in matcher.finditer(fold(value)):
            owner = self._owner_of.get(found.group(0))
            if owner is not None:
                return owner
        return None

    def _names(self) -> Any:
        """One pattern for every hidden name, and for every public name that contains one
        (so that 'Sanne de Boer', who is named, is not taken for a hidden 'Sanne')."""
        if self._matcher is not None:
            return self._matcher or None
        hidden: dict[str, m.Person] = {}
        for person in self.body.people.values():
            for name in hidden_names_of(person):
                hidden.setdefault(" ".join(fold(name).split()), person)
        if not hidden:
            self._matcher = False
            return None
        owners: dict[str, m.Person | None] = dict(hidden)
        for person in self.body.people.values():
            if person.visibility == "role-only":
                continue
            public = " ".join(fold(person.name).split())
            if public and public not in hidden and any(
                    re.search(rf"(?<!\w){_name_pattern(h)}(?!\w)", public) for h in hidden):
                owners[public] = None
        alternatives = sorted(owners, key=len, reverse=True)
        self._matcher = re.compile(
            r"(?<!\w)(?:" + "|".join(_name_pattern(n) for n in alternatives) + r")(?!\w)")
        # Matches are looked up by their text; white space inside a match may differ.
        self._owner_of = _WhitespaceKeyed(owners)
        return self._matcher

    # the last line of defence

    def leaks(self, rendered: str | bytes) -> list[Leak]:
        """What a finished public rendering contains that it must not: hidden names, closed
        texts, the meeting link, an internal place, compensation amounts and headings."""
        text = rendered.decode("utf-8", "replace") if isinstance(rendered, bytes) else rendered
        folded = fold(_plain(text))
        found: list[Leak] = []
        matcher = self._names()
        if matcher is not None:
            for hit in matcher.finditer(folded):
                owner = self._owner_of.get(hit.group(0))
                if owner is not None:
                    found.append(Leak(f"a hidden name of {owner.id}"))
        if self._forbidden is None:
            self._forbidden = _forbidden_texts(self, self.body)
        for needle, what in self._forbidden:
            if needle in folded:
                found.append(Leak(what))
        return list(dict.fromkeys(found))

    def assert_clean(self, rendered: str | bytes, what: Msg) -> None:
        """Refuse a public rendering that contains anything hidden."""
        if not self.public:
            return
        found = self.leaks(rendered)
        if found:
            raise KwartaalError(msg(
                "{what} was not written: it would contain what must stay inside the group "
                "({found}). Check the body's own templates and the texts of open items",
                "{what} is niet geschreven: het zou bevatten wat binnen de groep moet blijven "
                "({found}). Controleer de eigen sjablonen en de teksten van openbare punten",
                what=what, found="; ".join(leak.what for leak in found[:5])))


class _WhitespaceKeyed(dict[str, Any]):
    """A mapping from folded names whose lookups ignore how white space was written."""

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(" ".join(key.split()), default)


def _plain(text: str) -> str:
    """A rendering as readable text: HTML entities decoded, iCalendar lines unfolded and
    unescaped, JSON escapes of quotes undone, so that a name cannot hide behind encoding."""
    text = re.sub(r"\r?\n[ \t]", "", text)  # iCalendar folding
    text = text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace('\\"', '"')
    return html.unescape(text)


def _forbidden_texts(view: View, body: m.Body) -> list[tuple[str, str]]:
    """Texts that must never appear in public output, folded, each with a description of what
    it is that does not repeat it. A closed text that is also the whole text of a public
    record (two items called 'Evaluatie') is not one of them."""
    from .render import money

    public_texts: set[str] = set()
    closed: list[tuple[str, str]] = []
    for meeting in body.meetings:
        for record, texts in _record_texts(meeting):
            target = closed if view.is_closed(record) else None
            for value in texts:
                folded = " ".join(fold(value).split())
                if target is None:
                    public_texts.add(folded)
                elif len(folded) >= 8:
                    target.append((folded, f"the text of closed record {record.id}"))
    out = [(needle, what) for needle, what in closed if needle not in public_texts]
    cfg = body.config
    links = {cfg.cadence.link, *(mt.link for mt in body.meetings)}
    if not cfg.public_link:
        out += [(fold(link), "the meeting link") for link in links if len(link.strip()) >= 6]
    for meeting in body.meetings:
        if view.place(meeting) != (meeting.place or cfg.cadence.place):
            place = meeting.place or cfg.cadence.place
            if len(place.strip()) >= 4:
                out.append((fold(place), f"the place of meeting {meeting.id}, which is internal"))
        for line in meeting.compensation:
            for language in ("nl", "en"):
                out.append((fold(money(line.amount, language)),
                            f"a compensation amount of meeting {meeting.id}"))
    from .labels import labels

    for language in ("nl", "en"):
        out.append((fold(labels(language)["compensation_heading"]), "the compensation section"))
    return list(dict.fromkeys(out))


def _record_texts(meeting: m.Meeting) -> list[tuple[Any, tuple[str, ...]]]:
    out: list[tuple[Any, tuple[str, ...]]] = []
    out += [(i, (i.title, i.note)) for i in meeting.items]
    out += [(r, (r.text,)) for r in (*meeting.notes, *meeting.decisions)]
    out += [(a, (a.title,)) for a in meeting.actions]
    return out


def internal(body: m.Body, lang: str) -> View:
    return View(body, lang, public=False)


def public(body: m.Body, lang: str) -> View:
    return View(body, lang, public=True)
