"""What a finished public rendering is searched for (core/visibility.py's `leaks`): the
rendering read as plain text, and the texts that must never appear in it."""

from __future__ import annotations

import html
import re
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.folding import fold
from kwartaal.core.problems import Msg, msg


def plain(text: str) -> str:
    """A rendering as readable text: HTML entities decoded, iCalendar lines unfolded and
    unescaped, JSON escapes of quotes undone, so that a name cannot hide behind encoding."""
    text = re.sub(r"\r?\n[ \t]", "", text)  # iCalendar folding
    text = text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace('\\"', '"')
    return html.unescape(text)


def forbidden_texts(view: Any, body: m.Body) -> list[tuple[str, Msg]]:
    """Texts that must never appear in public output, folded, each with a description of what
    it is that does not repeat it. A closed text that is also the whole text of a public
    record (two items called 'Evaluatie') is not one of them."""
    from kwartaal.core.formats import money

    public_texts: set[str] = set()
    amounts: dict[tuple[str, str], str] = {}
    closed: list[tuple[str, Msg]] = []
    for meeting in body.meetings:
        for record, texts in record_texts(meeting):
            target = closed if view.is_closed(record) else None
            for value in texts:
                folded = " ".join(fold(value).split())
                if target is None:
                    public_texts.add(folded)
                elif len(folded) >= 8:
                    target.append((folded, msg("the text of closed record {id}",
                                               id=record.id)))
    out = [(needle, what) for needle, what in closed if needle not in public_texts]
    cfg = body.config
    links = {cfg.cadence.link, *(mt.link for mt in body.meetings)}
    if not cfg.public_link:
        out += [(fold(link), msg("the meeting link")) for link in links
                if len(link.strip()) >= 6]
    for meeting in body.meetings:
        if not view.place_is_public(meeting):
            place = meeting.place or cfg.cadence.place
            if len(place.strip()) >= 4:
                out.append((" ".join(fold(place).split()), msg(
                    "the place of meeting {id}, which is internal",
                    id=meeting.id)))
        for line in meeting.compensation:
            for language in ("nl", "en"):
                if (str(line.amount), language) not in amounts:  # formatted once per amount
                    amounts[str(line.amount), language] = " ".join(
                        fold(money(line.amount, language)).split())
                out.append((amounts[str(line.amount), language], msg(
                    "a compensation amount of meeting {id}",
                    id=meeting.id)))
    from kwartaal.core.labels import labels

    for language in ("nl", "en"):
        out.append((fold(labels(language)["compensation_heading"]),
                    msg("the compensation section")))
    unique: dict[str, Msg] = {}
    for needle, what in out:
        unique.setdefault(needle, what)
    return list(unique.items())


def record_texts(meeting: m.Meeting) -> list[tuple[Any, tuple[str, ...]]]:
    out: list[tuple[Any, tuple[str, ...]]] = []
    out += [(i, (i.title, i.note, i.feedback)) for i in meeting.items]
    out += [(r, (r.text, getattr(r, "feedback", ""))) for r in (*meeting.notes, *meeting.decisions)]
    out += [(a, (a.title,)) for a in meeting.actions]
    return out

