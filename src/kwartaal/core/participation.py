"""How far the people at the table take part, and input that carries no person's name.

Every item and decision may say its participation level, a rung of the ladder in model.LEVELS:
from being informed, through being consulted, advising and deciding together, to sex workers in
the lead. Informing alone is no meaningful participation, so check warns when an item about sex
workers' work or safety ([themes.KEY] concerns_sex_work) only informs, or says no level.

An item may be put in without a name (`by = "anonymous"`) or on behalf of an organisation
(`by_org`); the person who entered it (`entered_by`) is on record for the group's own history and
never shown: for an anonymous item not even internally, since nobody must be able to tell.
"""

from __future__ import annotations

from kwartaal.core import model as m
from kwartaal.core.organisations import organisation_named
from kwartaal.core.visibility import View
from kwartaal.core.words import NP_, tr

# The label of each level, in the order of model.LEVELS.
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "inform": NP_("level", "inform"),
    "consult": NP_("level", "consult"),
    "advise": NP_("level", "advise"),
    "co-decide": NP_("level", "co-decide"),
    "sex-worker-led": NP_("level", "led by sex workers"),
}
NO_LEVEL = "none"  # the key levels_by_year counts records without a level under

_ANONYMOUS = NP_("label", "submitted anonymously")
_BY_ORGANISATION = NP_("label", "submitted by {organisation}")


def level_label(level: str, lang: str) -> str:
    """A level as a document in lang names it; "" for no level."""
    if not level:
        return ""
    context, text = LEVEL_LABELS.get(level, ("", level))
    return tr(text, lang, context) if context else level


def concerns_sex_work(config: m.Config, theme: str) -> bool:
    found = config.themes.get(theme)
    return found is not None and found.concerns_sex_work


def item_theme(meeting: m.Meeting, ref: str, body: m.Body) -> str:
    """The theme of the item a decision hangs under ("" for a standing or fixed part)."""
    if not ref:
        return ""
    full = ref if "/" in ref else f"{meeting.id}/{ref}"
    mid = full.rsplit("/", 1)[0]
    source = body.meeting(mid)
    for item in source.items if source is not None else []:
        if item.id == full:
            return item.theme
    return ""


def submitted(view: View, item: m.Item) -> str:
    """'submitted anonymously' or 'submitted by <organisation>' for an item without a person's
    name, "" otherwise. The one who entered it is never part of it. view: a visibility.View."""
    if item.by == m.ANONYMOUS:
        return tr(_ANONYMOUS[1], view.lang, _ANONYMOUS[0])
    if item.by_org:
        organisation = organisation_named(view.body.config, item.by_org)
        name = organisation.name if organisation is not None else item.by_org
        return tr(_BY_ORGANISATION[1], view.lang, _BY_ORGANISATION[0]).format(
            organisation=view.text(name))
    return ""


def proposer(view: View, item: m.Item) -> str:
    """The person who proposed an item as this audience may see them; "" for an item put in
    anonymously or on behalf of an organisation (see `submitted`)."""
    if not item.by or item.by == m.ANONYMOUS or item.by_org:
        return ""
    return str(view.person(item.by))


def counted_items(body: m.Body) -> dict[int, list[m.Item]]:
    """Each item once, under the year of the meeting where it was first on an agenda (of a
    meeting that was not cancelled); a copy carried over (or deferred) counts only when what it
    continues did not. In the order of the meetings, from one pass over the body."""
    by_id = {i.id: (mt, i) for mt in body.meetings for i in mt.items}

    def on_an_agenda(meeting: m.Meeting, item: m.Item) -> bool:
        return meeting.status != "cancelled" and item.on_agenda

    found: dict[int, list[m.Item]] = {}
    for meeting in body.meetings:
        for item in meeting.items:
            if not on_an_agenda(meeting, item):
                continue
            source = by_id.get(item.carried_from) if item.carried_from else None
            if source is not None and on_an_agenda(*source):
                continue
            found.setdefault(meeting.date.year, []).append(item)
    return found


def level_counts(view: View, items: list[m.Item], meetings: list[m.Meeting]) -> dict[str, int]:
    """How many of the items, and of the decisions of the meetings, are at each level, as the
    view may count them: a key for every level of model.LEVELS, in order, and NO_LEVEL for
    those that say none. Decisions of cancelled meetings do not exist; in public, closed
    records are left out, and decisions count once their minutes are approved, as the report
    lists them."""
    counts = dict.fromkeys((*m.LEVELS, NO_LEVEL), 0)
    decisions = [d for mt in meetings if view.minutes_public(mt)
                 for d in m.passing(mt.decisions)]
    for record in (*items, *decisions):
        if view.hides(record):
            continue
        counts[record.level or NO_LEVEL] += 1
    return counts


def levels_by_year(body: m.Body, year: int, *, public: bool = False) -> dict[str, int]:
    """level_counts of the items and decisions of one year's meetings. Items count once (not
    again where carried over). public: as a public report must count them."""
    view = View(body, "en", public=public)
    return level_counts(view, counted_items(body).get(year, []),
                        [mt for mt in body.meetings if mt.date.year == year])
