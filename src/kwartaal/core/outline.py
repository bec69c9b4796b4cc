"""The outline of a meeting: which parts its agenda has, in which order, with which numbers.

The agenda, the minutes, the site and every command that takes an agenda item (`note M 5.1`)
number the parts from this one outline, so that "5.1" means the same thing on every output.
A view that hides closed items (public output) gets an outline without them, numbered without
gaps, and with one "closed session" entry in their place: a gap would tell a public reader
where a closed item was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from kwartaal.core import model as m

# The parts of every agenda, by the key that records use in their `item` field.
OPENING, PREVIOUS_MINUTES, ACTIONS, ANY_OTHER_BUSINESS, CLOSING = m.FIXED_ITEMS
CLOSED_SESSION = "closed"


@dataclass(slots=True)
class Entry:
    """One numbered part of the agenda.

    key: a fixed part (`opening`, …), a standing item's key, an item's full id, or `closed`
    (the closed session of a public outline). kind: fixed, standing, proposal, carried or
    closed-session. refs: the values of a record's `item` key that belong here.
    """

    key: str
    kind: str
    number: str = ""
    item: m.Item | None = None
    standing: m.StandingItem | None = None
    refs: frozenset[str] = frozenset()
    children: list[Entry] = field(default_factory=list)

    def walk(self) -> list[Entry]:
        return [self, *(c for child in self.children for c in child.walk())]


def previous_held(body: m.Body, meeting: m.Meeting) -> m.Meeting | None:
    earlier = [mt for mt in body.meetings
               if mt.date < meeting.date and mt.status not in m.NOT_HELD]
    return earlier[-1] if earlier else None


def handled(meeting: m.Meeting, item: m.Item) -> bool:
    """An item counts as handled when marked so, or when anything was recorded under it or,
    for an item under a standing item, under that standing item: what was said there was said
    about it (it is not carried over behind the table's back)."""
    if item.handled is not None:
        return item.handled
    refs = {item.local_id, item.id}
    if item.under:
        refs.add(item.under)
    return any(r.item in refs for r in (*meeting.notes, *meeting.decisions, *meeting.actions))


def carry_over_candidates(body: m.Body, meeting: m.Meeting) -> list[m.Item]:
    """Items to carry over that this meeting does not hold yet: those of the previous held
    meeting not handled there, and those of meetings cancelled since (they were never
    discussed). Withdrawn, deferred and done items stay where they are."""
    previous = previous_held(body, meeting)
    since = previous.date if previous is not None else dt.date.min
    cancelled = [mt for mt in body.meetings if mt.status == "cancelled" and mt is not meeting
                 and since <= mt.date < meeting.date]
    # a copy in a cancelled meeting does not count as carried: that meeting never took place
    carried = {i.carried_from for mt in (*body.meetings, meeting)
               if mt.status != "cancelled" or mt is meeting for i in mt.items if i.carried_from}
    found = [] if previous is None else [
        i for i in previous.items
        if i.on_agenda and (i.carry_over or not handled(previous, i)) and i.id not in carried]
    for source in cancelled:
        taken = carried | {i.id for i in found}
        # a cancelled meeting's copy of an item that comes along anyway is left behind
        found += [i for i in source.items
                  if i.on_agenda and not handled(source, i) and i.id not in carried
                  and i.carried_from not in taken]
    return found


def _item_entry(item: m.Item, kind: str) -> Entry:
    return Entry(item.id, kind, item=item, refs=frozenset({item.local_id, item.id}))


def outline(body: m.Body, meeting: m.Meeting, *,
            hides: Callable[[m.Item], bool] | None = None) -> list[Entry]:
    """The numbered parts of the meeting's agenda. hides: items a view leaves out (closed ones
    in public); when it leaves any out, a closed-session entry stands in for them."""
    on_agenda = [i for i in meeting.items if i.on_agenda]
    visible = [i for i in on_agenda if hides is None or not hides(i)]
    entries = [Entry(OPENING, "fixed", refs=frozenset({OPENING})),
               Entry(PREVIOUS_MINUTES, "fixed", refs=frozenset({PREVIOUS_MINUTES}))]
    for standing in body.config.standing:
        entry = Entry(standing.key, "standing", standing=standing,
                      refs=frozenset({standing.key}))
        entry.children = [_item_entry(i, "proposal") for i in visible
                          if i.under == standing.key and not i.carried_from]
        entries.append(entry)
    standing_keys = {s.key for s in body.config.standing}
    # an item under a standing item that no longer exists stays on the agenda, at the top level
    entries += [_item_entry(i, "proposal") for i in visible
                if (not i.under or i.under not in standing_keys) and not i.carried_from]
    carried = [i for i in visible if i.carried_from]
    carried += [i for i in carry_over_candidates(body, meeting)
                if hides is None or not hides(i)]
    entries += [_item_entry(i, "carried") for i in carried]
    if len(visible) < len(on_agenda):
        entries.append(Entry(CLOSED_SESSION, "closed-session"))
    entries += [Entry(key, "fixed", refs=frozenset({key}))
                for key in (ACTIONS, ANY_OTHER_BUSINESS, CLOSING)]
    for number, entry in enumerate(entries, start=1):
        entry.number = str(number)
        for sub, child in enumerate(entry.children, start=1):
            child.number = f"{number}.{sub}"
    return entries


def numbered(entries: list[Entry]) -> dict[str, Entry]:
    """Every entry of an outline by its number ("5", "5.1")."""
    return {e.number: e for top in entries for e in top.walk()}


def entry_for(entries: list[Entry], ref: str) -> Entry | None:
    """The entry a record's `item` value belongs to, if any."""
    for top in entries:
        for entry in top.walk():
            if ref in entry.refs:
                return entry
    return None


def next_after(body: m.Body, meeting: m.Meeting) -> dt.date | None:
    """The date of the meeting after this one: planned, else the next of the cadence."""
    later = [mt.date for mt in body.meetings
             if mt.date > meeting.date and mt.status != "cancelled"]
    if later:
        return min(later)
    from kwartaal.core.dates import cadence_dates

    # past any cancelled meeting: the cadence would give its date again
    after = max([meeting.date, *(mt.date for mt in body.meetings if mt.date > meeting.date)])
    found = cadence_dates(body.config.cadence, after)
    return found[0] if found else None
