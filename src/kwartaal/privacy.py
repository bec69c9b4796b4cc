"""Privacy lint: the repository is cloned by every partner, police included, with its history.

For anyone who is not `named`, no legal name, phone number, e-mail address or bank account may
appear anywhere in the body's files. Contact details of named people in their own record, and
public organisation addresses listed under [privacy] allow, are the only exceptions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from . import model as m
from .problems import Problem, msg

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
_PHONE_HINT = re.compile(r"\+?\(?\d[\d \-().]{7,}\d")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}")
_NINE_DIGITS = re.compile(r"(?<![\d\-])\d{9}(?![\d\-])")
# Two or more capitalised words ("Roos de Vries"): the shape of a legal name, not a working name.
_FULL_NAME = re.compile(
    r"^[A-ZÀ-Þ][a-zà-ÿ'\-]+(?:\s+(?:van|de|der|den|het|ten|ter|te|el|al|[A-ZÀ-Þ][a-zà-ÿ'\-]+))*"
    r"\s+[A-ZÀ-Þ][a-zà-ÿ'\-]+$")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def lint(body: m.Body, files: Iterable[Path]) -> list[Problem]:
    problems: list[Problem] = []
    allowed_text = {a.strip().lower() for a in body.config.privacy_allow}
    allowed_digits = {_digits(a) for a in body.config.privacy_allow if _digits(a)}
    for person in body.people.values():
        if person.is_named:
            if person.email:
                allowed_text.add(person.email.lower())
            if person.phone:
                allowed_digits.add(_digits(person.phone))
            continue
        for key in ("email", "phone"):
            if getattr(person, key):
                problems.append(Problem(person.src.path,
                                        _key_line(person, key), "error", msg(
                    "[{id}] is {vis}: remove '{key}'; no contact details may be kept for "
                    "anyone who is not named (the organisation that pays or invites keeps them)",
                    "[{id}] is {vis}: verwijder '{key}'; van wie niet bij naam genoemd wordt, "
                    "worden geen contactgegevens bewaard (die houdt de organisatie die uitnodigt "
                    "of betaalt)", id=person.id, vis=person.visibility, key=key)))
        if _FULL_NAME.match(person.name.strip()):
            problems.append(Problem(person.src.path, _key_line(person, "name"), "warning", msg(
                "[{id}] is {vis} but its name '{name}' looks like a full legal name; "
                "use a working name or a role",
                "[{id}] is {vis} maar de naam '{name}' lijkt een volledige wettelijke naam; "
                "gebruik een werknaam of een rol", id=person.id, vis=person.visibility,
                name=person.name)))
    for path in files:
        problems.extend(_scan_file(path, allowed_text, allowed_digits))
    problems.extend(_hidden_names_in_open_text(body))
    return problems


def _hidden_names_in_open_text(body: m.Body) -> list[Problem]:
    """A role-only person's name in a text that will be published: public output replaces it
    by the role, but the secretary should know and rephrase."""
    from .minutes import hidden_names, is_hidden

    names = hidden_names(body)
    if not names:
        return []
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
    problems = []
    for meeting in body.meetings:
        closed = {ref for i in meeting.items if i.closed for ref in (i.local_id, i.id)}
        records: list[tuple[object, str, str]] = [
            (i, "title", i.title) for i in meeting.items if not i.closed]
        records += [(r, "text", r.text) for r in (*meeting.notes, *meeting.decisions)
                    if not is_hidden(r, closed)]
        records += [(a, "title", a.title) for a in meeting.actions if not is_hidden(a, closed)]
        for record, key, text in records:
            found = pattern.search(text)
            if found:
                src = record.src  # type: ignore[attr-defined]
                from .lines import line_of

                problems.append(Problem(src.path, line_of(src.path, src.section, key), "warning",
                                        msg("this text is public and names '{name}', who is "
                                            "role-only; public documents show the role instead "
                                            "— better rephrase it",
                                            "deze tekst is openbaar en noemt '{name}', die "
                                            "role-only is; openbare stukken tonen daar de rol "
                                            "— formuleer het liever anders",
                                            name=found.group(1))))
    return problems


def _key_line(person: m.Person, key: str) -> int | None:
    from .lines import line_of

    return line_of(person.src.path, person.src.section, key)


def _scan_file(path: Path, allowed_text: set[str], allowed_digits: set[str]) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []  # reported by the loader
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not any(ch.isdigit() or ch == "@" for ch in line):
            continue
        for found in _EMAIL.findall(line):
            if found.lower() not in allowed_text:
                problems.append(_found(path, number, "an e-mail address", "een e-mailadres", found))
        for found in _IBAN.findall(line):
            if _valid_iban(found):
                problems.append(_found(path, number, "a bank account number (IBAN)",
                                       "een bankrekeningnummer (IBAN)", found))
        for found in _NINE_DIGITS.findall(line):
            if _valid_bsn(found):
                problems.append(_found(path, number, "a citizen service number (BSN)",
                                       "een burgerservicenummer (BSN)", found))
        undated = _DATE.sub(" ", line)  # ISO dates and times are not phone numbers
        if _PHONE_HINT.search(undated):
            for found in _phone_numbers(undated):
                if _digits(found) not in allowed_digits:
                    problems.append(_found(path, number, "a phone number", "een telefoonnummer",
                                           found))
    return problems


def _found(path: Path, line: int, what_en: str, what_nl: str, value: str) -> Problem:
    return Problem(path, line, "error", msg(
        "privacy: {what_en} ('{value}') in the body's files; every partner who clones the "
        "repository sees it, history included. Remove it (or, for a public address of an "
        "organisation, list it under [privacy] allow in kwartaal.toml)",
        "privacy: {what_nl} ('{value}') in de bestanden van het overleg; iedere partner die de "
        "repository kloont ziet het, ook in de geschiedenis. Verwijder het (of zet een openbaar "
        "adres van een organisatie onder [privacy] allow in kwartaal.toml)",
        what_en=what_en, what_nl=what_nl, value=value))


def _valid_iban(candidate: str) -> bool:
    from stdnum import iban

    return bool(iban.is_valid(candidate))


def _valid_bsn(candidate: str) -> bool:
    from stdnum.nl import bsn

    return bool(bsn.is_valid(candidate))


def _phone_numbers(line: str) -> list[str]:
    import phonenumbers

    return [match.raw_string for match in phonenumbers.PhoneNumberMatcher(
        line, "NL", leniency=phonenumbers.Leniency.VALID)]
