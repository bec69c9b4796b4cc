"""How people and the body are named where not everyone may know them: a person's role label
and role in running text, the names that must stay hidden, the body's neutral name."""

from __future__ import annotations

from collections.abc import Iterable

from kwartaal.core import model as m
from kwartaal.core.folding import fold, name_fold, name_key, spellings
from kwartaal.core.spelling import NameMatcher
from kwartaal.core.words import tr

_CONNECTORS = {"and", "en", "&", "+", "-", "voor", "for", "of", "van", "met", "with", "the",
               "de", "het"}
_ARTICLES = {"nl": ("een ", "de ", "het "), "en": ("a ", "an ", "the ")}


def hidden_names_of(person: m.Person) -> list[str]:
    """The names of a person that must not leave the group."""
    if person.visibility == "named":
        return []
    names = [*person.aliases]
    if person.visibility == "role-only":
        names.append(person.name)
    return [n.strip() for n in names if n and n.strip()]


def hidden_name_matcher(people: Iterable[m.Person]) -> tuple[
        NameMatcher | None, dict[str, m.Person | None]]:
    """One search for every hidden name, and for every public name that contains one (so
    that 'Sanne de Boer', who is named, is not taken for a hidden 'Sanne'), with the owner of
    each name's key (None: a public name). What counts as a spelling of a name is
    core/spelling.py's; a key of one letter or none is no name."""
    people = list(people)
    hidden: dict[str, m.Person] = {}
    spelled: dict[str, str] = {}
    for person in people:
        for name in hidden_names_of(person):
            for spelling in spellings(name):
                key = name_key(fold(spelling))
                if len(key) >= 2 and key not in hidden:
                    hidden[key] = person
                    spelled[key] = spelling
    if not hidden:
        return None, {}
    owners: dict[str, m.Person | None] = dict(hidden)
    names = [(spelling, hidden[key], True) for key, spelling in spelled.items()]
    inside = NameMatcher(names)
    for person in people:
        if person.visibility == "role-only":
            continue
        public = name_key(fold(person.name))
        if public and public not in hidden and any(
                found.owner is not None for found in inside.find(name_fold(person.name))):
            owners[public] = None
            names.append((person.name, None, False))
    names.sort(key=lambda entry: len(name_key(fold(entry[0]))), reverse=True)
    return NameMatcher(names), owners


def name_run_in(text: str, owners: dict[str, m.Person | None]) -> bool:
    """Whether a hidden name of three letters or more (a key of hidden_name_matcher's owners)
    stands anywhere in a text's letters, run together with others: a link writes
    'overlegmetmila'."""
    letters = name_key(fold(text))
    return any(owner is not None and len(key) >= 3 and key in letters
               for key, owner in owners.items())


def role_label(person: m.Person | None, lang: str) -> str:
    """A person's role as a label in lists: 'lid van de klankbordgroep'."""
    from kwartaal.core.labels import labels

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


def _sensitive_keys(config: m.Config) -> tuple[list[str], list[str]]:
    """The sensitive words folded: those found anywhere in a word ('sekswerk'), and those
    found only at a word's start ('^sex': 'Sexuele', not 'Essex')."""
    keys = [name_key(fold(w)) for w in config.sensitive_words
            if not w.startswith("^") and name_key(fold(w))]
    starts = [name_key(fold(w[1:])) for w in config.sensitive_words
              if w.startswith("^") and name_key(fold(w[1:]))]
    return keys, starts


# Digits that pass for letters in a word ('S3kswerk')
_DIGIT_LETTERS = str.maketrans("013457", "oieast")


def _letters(word: str) -> str:
    """A word's letters as a sensitive word is looked for in them (digits read as the
    letters they pass for; invisible characters, right-to-left overrides among them, out)."""
    return name_key(fold(word)).translate(_DIGIT_LETTERS)


def outs_people(text: str, config: m.Config) -> bool:
    """Whether a text others may see (a bank statement's description) holds a sensitive word,
    however it is written ('Seks-werk', 'sex work', 'S3kswerk')."""
    keys, starts = _sensitive_keys(config)
    words = [_letters(w) for w in text.split()]
    return (any(k in "".join(words) for k in keys)
            or any(w.startswith(s) for w in words for s in starts))


def neutral_name(config: m.Config) -> str:
    """The body's name where others may see it over a participant's shoulder: calendar
    entries, e-mail subjects and senders, lock screens. The body's own neutral_name when set;
    else its name without words that out people ('Kwartaaloverleg Sekswerk Voorbeeldstad'
    becomes 'Kwartaaloverleg Voorbeeldstad'), however they are written ('Seks-werk', 'Sex
    Work')."""
    if config.neutral_name.strip():
        return " ".join(_shown(config.neutral_name).split())
    keys, starts = _sensitive_keys(config)
    tokens = _shown(config.name).split()
    joined, owner = "", []  # the name's letters run together, and the word each came from
    for index, token in enumerate(tokens):
        letters = _letters(token)
        joined += letters
        owner += [index] * len(letters)
    dropped = {i for i, token in enumerate(tokens)
               if any(_letters(token).startswith(k) for k in starts)}
    for key in keys:  # every word a sensitive word touches, also one written apart
        start = joined.find(key)
        while start != -1:
            dropped.update(owner[start:start + len(key)])
            start = joined.find(key, start + 1)
    kept = [t for i, t in enumerate(tokens) if i not in dropped]
    while kept and kept[0].lower() in _CONNECTORS:
        kept.pop(0)
    while kept and kept[-1].lower() in _CONNECTORS:
        kept.pop()
    name = " ".join(kept).strip(" -–—,:")
    if not name or any(k in _letters(name) for k in keys):
        return tr("Meeting", config.language)
    return name[:1].upper() + name[1:]


def _shown(name: str) -> str:
    """A name without the characters that turn what follows around or hide ('\u202ekrewskes'
    shows 'sekswerk' on a lock screen): left out, the letters show as they are stored."""
    import unicodedata

    return "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
