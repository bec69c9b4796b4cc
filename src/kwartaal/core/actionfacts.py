"""What a pass over every action of a body counts of each one (ActionFact): its status, theme,
due date, whether it is closed and under which item, and the day it was finished.

A meeting read from the parse index keeps these apart for each action (files/records.py), so
that a pass over 80,000 actions (the site's year reports and progress) reads them without
decoding an action; the few it shows (the open ones) are decoded alone. Any other meeting's
are read from its records, through fact_of: the one definition of each fact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from kwartaal.core import model as m


class ActionFact(NamedTuple):
    """What is counted of one action; status, theme and due as the action has them (so that
    rules.Progress and rules.is_overdue read one as they read an action)."""

    status: str
    theme: str
    due: dt.date | None
    closed: bool
    item: str
    finished: dt.date | None  # finished_on


def finished_on(action: m.Action) -> dt.date | None:
    """The day a done or dropped action was finished, by its history: the last entry of that
    kind, else the last entry."""
    if action.status not in m.FINISHED_STATUSES or not action.history:
        return None
    kinds = [h for h in action.history if h.kind == action.status]
    return (kinds or action.history)[-1].date


def fact_of(action: m.Action) -> ActionFact:
    return ActionFact(action.status, action.theme, action.due, action.closed, action.item,
                      finished_on(action))


def facts_and_open(meeting: m.Meeting, *, opened: bool = True,
                   ) -> tuple[list[ActionFact], list[m.Action]]:
    """The facts of each of the meeting's actions, in order, and its open actions (decoded
    alone when the facts are stored: files/lazy.py Later.action_facts), in order; no
    actions when not opened (a pass that only counts decodes none)."""
    actions: Any = meeting.actions
    stored = getattr(actions, "action_facts", None)
    facts = None if stored is None else stored()
    if facts is None:
        every = m.passing(actions)
        return [fact_of(a) for a in every], [a for a in every if a.is_open] if opened else []
    if not opened or not any(fact.status in m.OPEN_STATUSES for fact in facts):
        return facts, []
    return facts, actions.chosen(lambda status, _: status in m.OPEN_STATUSES)
