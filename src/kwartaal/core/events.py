"""What can happen to an action, as the history entry stores it (`kind`), with the words that
say it to people. The kind is what machines read (vcs/history.py); the words are in the
body's language and may be edited by hand."""

from __future__ import annotations

from kwartaal.core.problems import Msg, pmsg
from kwartaal.core.words import NP_

HISTORY_WORDS: dict[str, Msg] = {
    "created": pmsg("history", "created"),
    "started": pmsg("history", "started"),
    "done": pmsg("history", "done"),
    "dropped": pmsg("history", "dropped"),
    "moved": pmsg("history", "due date moved from {old} to {new}"),
    "note": pmsg("history", "note"),
    "handed-over": pmsg("history", "handed over from {old} to {new}"),
}

# The event of each kind of history entry, as `kwartaal log` names it.
EVENT_OF_KIND = {
    "created": "action-created", "started": "action-started", "done": "action-done",
    "dropped": "action-dropped", "moved": "action-moved", "handed-over": "action-handed-over",
    "note": "action-updated",
}

# Each event of `kwartaal log` in the reader's language (English keeps the kind's own
# spelling, which --json gives).
EVENT_WORDS = {
    "meeting-scheduled": NP_("event", "meeting-scheduled"),
    "item-proposed": NP_("event", "item-proposed"),
    "meeting-held": NP_("event", "meeting-held"),
    "decision": NP_("event", "decision"),
    "action-created": NP_("event", "action-created"),
    "action-started": NP_("event", "action-started"),
    "action-moved": NP_("event", "action-moved"),
    "action-handed-over": NP_("event", "action-handed-over"),
    "action-updated": NP_("event", "action-updated"),
    "action-done": NP_("event", "action-done"),
    "action-dropped": NP_("event", "action-dropped"),
    "minutes-draft": NP_("event", "minutes-draft"),
    "minutes-approved": NP_("event", "minutes-approved"),
    "minutes-published": NP_("event", "minutes-published"),
    "feedback-given": NP_("event", "feedback-given"),
}


def event_word(kind: str, lang: str) -> str:
    from kwartaal.core.words import tr

    found = EVENT_WORDS.get(kind)
    return tr(found[1], lang, found[0]) if found else kind


# A commit says what it records in this trailer ("item-proposed 2026-03-12/p-7kq2").
EVENT_TRAILER = "Kwartaal-Event"


def history_word(kind: str, lang: str, **params: object) -> str:
    word = HISTORY_WORDS[kind]
    return Msg(word.text, params, word.context).render(lang)


def kind_of_words(what: str) -> str:
    """The kind of an older history entry, written before entries stored their kind: the
    one whose words (in either language, from the catalog) begin the entry."""
    folded = what.strip().casefold()
    for kind, word in HISTORY_WORDS.items():
        for lang in ("en", "nl"):
            from kwartaal.core.words import tr

            start = tr(word.text, lang, word.context).split("{")[0].strip().casefold()
            if start and folded.startswith(start):
                return kind
    return ""


def with_event(message: str, event: str, record_id: str) -> str:
    """A commit message that carries its event as a trailer."""
    return f"{message}\n\n{EVENT_TRAILER}: {event} {record_id}"
