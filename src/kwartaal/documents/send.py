"""The agenda or the minutes of a meeting as one message per participant. Nothing is sent.

Who gets which version how is decided in core/distribution.py; this module renders each
message: the subject (the body's neutral name and the date, nothing that outs anyone on a lock
screen), a short text in the recipient's language, the document as the message's text and as
an attachment. Every message of the public version is searched for what must stay inside,
like every public document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kwartaal.core import model as m
from kwartaal.core.distribution import BY_HAND, CONTACT, DIRECT, PASS_ON, Route, recipients
from kwartaal.core.formats import long_date
from kwartaal.core.naming import outs_people
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.core.visibility import View
from kwartaal.core.words import NP_, Status, tr
from kwartaal.documents.render import render

DOCUMENTS = ("agenda", "minutes")
ATTACHMENTS = ("html", "md")
# the attachment's name, in the recipient's language: agenda-2026-03-12.html
FILE_WORDS = {"agenda": NP_("file name", "agenda"), "minutes": NP_("file name", "minutes")}


@dataclass(slots=True)
class Message:
    route: Route
    file_name: str  # neutral: the person's id, or a number when the id holds a sensitive word
    subject: str
    text: str
    attachment_name: str  # "" for a plain text passed on by hand
    attachment: str


def document_problem(meeting: m.Meeting, what: str) -> KwartaalError | None:
    """Why this document of this meeting cannot be sent, or None."""
    if what == "agenda" and meeting.status == "cancelled":
        return KwartaalError(msg("meeting {id} is cancelled: there is no agenda to send",
                                 id=meeting.id))
    if what == "minutes" and meeting.status in m.NOT_HELD:
        return KwartaalError(msg(
            "meeting {id} has not been held ({status}): it has no minutes to send",
            id=meeting.id, status=Status(meeting.status)))
    if what == "minutes" and meeting.status == "held":
        return KwartaalError(msg(
            "the minutes of {id} are not written yet; send the draft for correction first "
            "(kwartaal minutes review {id}), then send them", id=meeting.id))
    return None


def is_draft(meeting: m.Meeting, what: str) -> bool:
    """Draft minutes go for correction to those who were present."""
    return what == "minutes" and meeting.status == "minutes-draft"


def messages(body: m.Body, meeting: m.Meeting, what: str, today: dt.date, *,
             attach: str = "html", lang: str = "nl") -> list[Message]:
    """One message per recipient; lang is the language of the file names (the secretary's)."""
    problem = document_problem(meeting, what)
    if problem is not None:
        raise problem
    draft = is_draft(meeting, what)
    routes = recipients(body, meeting, today, only=meeting.present if draft else None)
    documents: dict[tuple[str, bool, str], str] = {}

    def document(in_lang: str, public: bool, fmt: str) -> str:  # each version rendered once
        key = (in_lang, public, fmt)
        if key not in documents:
            documents[key] = _render(body, meeting, what, today, in_lang, public, fmt)
        return documents[key]

    found = []
    for number, route in enumerate(routes, start=1):
        stem = route.person if not outs_people(route.person, body.config) else \
            f"{number:02d}"
        if route.way == PASS_ON:  # for the secretary: the file name says so
            stem = f"{stem}.{tr('pass-on', lang)}"
        found.append(_message(body, meeting, what, route, stem, draft, attach, document))
    return found


def _render(body: m.Body, meeting: m.Meeting, what: str, today: dt.date, lang: str,
            public: bool, fmt: str) -> str:
    if what == "agenda":
        from kwartaal.documents.agenda import render_agenda

        return render_agenda(body, meeting, today, lang, public=public, fmt=fmt)
    from kwartaal.documents.minutes import render_minutes

    return render_minutes(body, meeting, lang, public=public, fmt="md" if fmt == "text" else fmt)


def _message(body: m.Body, meeting: m.Meeting, what: str, route: Route, stem: str,
             draft: bool, attach: str,
             document: Callable[[str, bool, str], str]) -> Message:
    lang, public = route.lang, route.public
    view = View(body, lang, public=public)
    person = body.people[route.person]
    by_hand = route.way == BY_HAND
    contact = body.people.get(route.to) if route.way == CONTACT else None
    name = view.body_name(neutral=True)
    rendered = render(body.root, "send.txt.j2", lang, body_name=name, what=what, draft=draft,
                      date_long=long_date(meeting.date, lang), way=route.way,
                      greeting=view.person(person.id) if view.listed_by_name(person.id) else "",
                      internal=not public, attached=not by_hand,
                      document=document(lang, public, "text").rstrip())
    subject, _, text = rendered.partition("\n\n")
    if route.way != DIRECT:  # a note on top, in the language of whoever passes it on
        secretary = body.people.get(body.config.secretary or "")
        passer = contact if contact is not None else secretary
        passer_lang = (passer.lang if passer is not None else "") or body.config.language
        passer_view = View(body, passer_lang, public=public)
        note = render(body.root, "pass-on.txt.j2", passer_lang, body_name=name, way=route.way,
                      channel=route.channel, organisation=passer_view.text(route.organisation),
                      contact=passer_view.person(contact.id) if contact is not None
                      and passer_view.listed_by_name(contact.id) else "",
                      for_whom=_for_whom(passer_view, person))
        text = f"{note.strip()}\n\n-----\n\n{text.lstrip()}"
    subject = " ".join(subject.split())  # a header holds no line break
    if outs_people(subject.replace(name, " "), body.config):
        raise KwartaalError(msg(
            "the subject of the message for {id} holds a word of [privacy] sensitive_words; "
            "subjects show on lock screens: keep the body's send.txt.j2 neutral", id=person.id))
    attachment = "" if by_hand else document(lang, public, attach)
    word = tr(FILE_WORDS[what][1], lang, FILE_WORDS[what][0])
    attachment_name = "" if by_hand else f"{word}-{meeting.id}.{attach}"
    if public:
        view.assert_clean("\n".join((subject, text, attachment)), msg(
            "the message with the agenda of {id} for {person}", id=meeting.id, person=person.id)
            if what == "agenda" else msg("the message with the minutes of {id} for {person}",
                                         id=meeting.id, person=person.id))
    return Message(route, stem + (".txt" if by_hand else ".eml"), subject, text.lstrip("\n"),
                   attachment_name, attachment)


def _for_whom(view: View, person: m.Person) -> str:
    """The recipient as the one who passes the message on reads them; with their id, since
    a role alone does not say which of several people it is."""
    shown = view.person(person.id)
    return shown if view.listed_by_name(person.id) else f"{shown} ({person.id})"


def as_bytes(message: Message, body: m.Body, meeting: m.Meeting, what: str,
             today: dt.date) -> bytes:
    """The message as an .eml file, or as a plain text to pass on by hand."""
    route = message.route
    if route.way == BY_HAND:
        return f"{message.subject}\n\n{message.text}".encode()
    from kwartaal.documents.mail import compose

    addressee = body.people.get(route.to)
    to = (addressee.name, route.address) if addressee is not None and route.address else None
    subtype = "html" if message.attachment_name.endswith(".html") else "markdown"
    stem = message.file_name.split(".", 1)[0]
    return compose(body, today, to=to, subject=message.subject, text=message.text,
                   message_id=f"{what}-{meeting.id}-{stem}", person=stem,
                   attachment=(message.attachment_name, subtype, message.attachment))


def write_messages(found: list[Message], body: m.Body, meeting: m.Meeting, what: str,
                   today: dt.date, folder: Path) -> list[Path]:
    """Write every message into folder. Every path is checked before the first file is
    written: nothing lands outside the folder or behind a link."""
    from kwartaal.files.outputs import files_in_folder
    from kwartaal.files.store import atomic_write_bytes

    paths = files_in_folder(folder, [message.file_name for message in found])
    targets = list(zip(paths, found, strict=True))
    for target, message in targets:
        atomic_write_bytes(target, as_bytes(message, body, meeting, what, today))
    return [target for target, _ in targets]


def summary_rows(found: list[Message], body: m.Body, lang: str) -> list[list[str]]:
    """Per message: the file, for whom (as public documents name them: a person shown by role
    only is their role), how it travels, which version, which language."""
    view = View(body, lang, public=True)
    rows = []
    for message in found:
        route = message.route
        if route.way == DIRECT:
            how = tr("e-mail", lang) if route.address else tr("e-mail, no address: fill in To",
                                                               lang)
        elif route.way == CONTACT:
            contact = body.people.get(route.to)
            how = msg("via {organisation}, to {contact}", organisation=route.organisation,
                      contact=view.person(route.to) if contact else route.to).render(lang)
        elif route.way == PASS_ON:
            how = msg("via {organisation}: no contact, pass it on yourself",
                      organisation=route.organisation or "-").render(lang)
        else:
            how = msg("by hand: {channel}", channel=route.channel).render(lang)
        rows.append([message.file_name, view.person(route.person), how,
                     tr("public", lang) if route.public else tr("internal", lang), route.lang])
    return rows
