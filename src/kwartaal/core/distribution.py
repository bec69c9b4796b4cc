"""Who gets the agenda or the minutes of a meeting, how, in which language and which version.

A message goes to every person of the body who has not left, absentees and those excused
included; draft minutes go only to those who were present, for correction. Each person gets it
the way they chose (`channel` in people.toml):

- "email" (or no channel given): a message addressed to them, when the body keeps their
  address (only named people may have one); without one, a message with no addressee;
- "via-organisation": a message to the contact of their organisation (`contact` of
  [organisations.KEY]), who passes it on; without a contact, a message with no addressee for
  the secretary to pass on;
- any other channel (signal, phone, …): a plain text to pass on by hand.

No address is ever made up. Core members get the internal version, everyone else the public
one; a message that passes through a contact who is not a core member is the public version,
since the contact reads it too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kwartaal.core import model as m
from kwartaal.core.organisations import organisation_of

EMAIL = "email"
VIA_ORGANISATION = "via-organisation"

# How a message travels: to the person's own address, to their organisation's contact, to the
# secretary (no addressee) to pass on, or as a plain text passed on by hand.
DIRECT, CONTACT, PASS_ON, BY_HAND = "direct", "contact", "pass-on", "by-hand"


@dataclass(frozen=True, slots=True)
class Route:
    person: str
    lang: str
    public: bool  # the public version of the document; else the internal one
    channel: str  # as people.toml says, "email" when it says nothing
    way: str  # DIRECT, CONTACT, PASS_ON or BY_HAND
    to: str = ""  # the person id of the addressee: the person, their contact, or no one
    address: str = ""  # the addressee's e-mail address, only as people.toml holds it
    organisation: str = ""  # the organisation's name, for messages via an organisation


def has_left(person: m.Person, today: dt.date) -> bool:
    return person.left is not None and person.left <= today


def recipients(body: m.Body, meeting: m.Meeting, today: dt.date, *,
               only: list[str] | None = None) -> list[Route]:
    """One route per person who gets the document, in people.toml's order. `only`: those
    people (those present, for draft minutes)."""
    routes = []
    for person in body.people.values():
        if has_left(person, today) or (only is not None and person.id not in only):
            continue
        routes.append(route(body, person, today))
    return routes


def _address(person: m.Person | None) -> str:
    return person.email if person is not None and person.is_named else ""


def route(body: m.Body, person: m.Person, today: dt.date) -> Route:
    lang = person.lang or body.config.language
    channel = person.channel.strip() or EMAIL
    public = not person.core
    if channel == EMAIL:
        address = _address(person)
        return Route(person.id, lang, public, channel, DIRECT, person.id if address else "",
                     address)
    if channel == VIA_ORGANISATION:
        organisation = organisation_of(body.config, person)
        name = organisation.name if organisation is not None else person.organisation
        contact = body.people.get(organisation.contact) if organisation is not None else None
        if contact is None or has_left(contact, today) or contact.id == person.id:
            return Route(person.id, lang, public, channel, PASS_ON, organisation=name)
        return Route(person.id, lang, public or not contact.core, channel, CONTACT, contact.id,
                     _address(contact), name)
    return Route(person.id, lang, public, channel, BY_HAND)
