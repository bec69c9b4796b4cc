"""The year report for the council: what the body did in one year, as one audience may see it.

The report is a list of sections (SECTIONS), each a function that builds one part of the
report's data from the same scope: the body, the year, the View (core/visibility.py decides
what may leave the group), the date the report counts to, the language. A template per section
lays it out (templates/report/<key>.<format>.j2) and the JSON is the same data. Adding a part
to the report is adding one function to SECTIONS and its two small templates.

Actions are counted as of the report's date: today, or the year's end when that came first. A
done or dropped action whose history ends after that date counts as open on it, and one
finished before the year began is left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.actioncounts import ActionCounts, Tally, add, count_one
from kwartaal.core.actionfacts import ActionFact, facts_and_open, finished_on
from kwartaal.core.attendance import Group, attendance, group_row
from kwartaal.core.facts import answered_in
from kwartaal.core.feedback import GivenFeedback, asked, feedback_given
from kwartaal.core.formats import long_date, money
from kwartaal.core.participation import NO_LEVEL, counted_items, level_counts, level_label
from kwartaal.core.visibility import MIN_PAID_FOR_TOTALS, View

# What a year report counts of an action (actions_section), when it is made of one year:
# the date of its meeting, the day it was finished, its status, theme and due date.
Counted = tuple[dt.date, "dt.date | None", str, str, "dt.date | None"]
# told of each meeting: the facts of its actions and its open actions (Years)
Seen = Callable[[m.Meeting, list[ActionFact], list[m.Action]], Any]


class Years:
    """What the reports of every year need, gathered in one pass over the meetings: the
    meetings of each year, what each year counts of the actions the view shows
    (core/actioncounts.py: a report counts to today, or to its year's end), the items each
    year counts, the input asked for, each theme's public text. The site builds the report of
    every year from one of these, instead of scanning the whole body once per year.

    only: the one year a report is made of. Then only what that year's report reads is
    gathered: the actions made in or before it that were not finished before it began (a
    meeting read from the parse index decodes no other action: Later.chosen), and the input
    answered in it (the notes of a meeting whose facts say it has none are not read)."""

    def __init__(self, body: m.Body, view: View, today: dt.date, only: int | None = None,
                 seen: Seen | None = None) -> None:
        """seen: told, of each meeting as the pass reaches it (all years only), the facts of
        its actions and its open actions (facts_and_open), for a caller that counts or shows
        them too: the pass is made once."""
        self.body, self.view, self.only = body, view, only
        self.meetings: dict[int, list[m.Meeting]] = {}
        self.actions: list[Counted] = []  # of the one year's report
        self.theme_text: dict[str, str] = {}
        self.counts: ActionCounts | None = None  # of all years
        for meeting in body.meetings:
            self.meetings.setdefault(meeting.date.year, []).append(meeting)
        if only is not None:
            for action in _made_by(body, only):
                made = body.meeting(action.meeting)
                if not view.hides(action) and made is not None:
                    self.actions.append((made.date, finished_on(action), action.status,
                                         action.theme, action.due))
        elif self.meetings:
            # every action passes once, by its facts (an action is decoded only when open,
            # and then for this pass alone), and only what is counted of it is kept
            counts = self.counts = ActionCounts(min(self.meetings), max(self.meetings), today,
                                                body.config.themes)
            for meeting in body.meetings:
                facts, opened = facts_and_open(meeting, opened=seen is not None)
                if seen is not None:
                    seen(meeting, facts, opened)
                made = body.meeting(meeting.id)  # (the first of its id, as an action's)
                if made is None:
                    continue
                for fact in facts:
                    if not view.hides_fact(meeting.id, fact):
                        counts.add(made.date, fact.finished, fact.status, fact.theme, fact.due)
        self.items = counted_items(body)
        # each person's organisation group in the view's language, and whether each holds a
        # sex worker's seat: the same in every year
        self.groups: dict[str, Group] = {}
        self.seats: dict[str, bool] = {}
        self._given: dict[int, list[GivenFeedback]] | None = None

    @property
    def given(self) -> dict[int, list[GivenFeedback]]:
        """The input answered in each year, as its report lists it (in the view's language);
        gathered when first asked for, and only that is kept of the records that asked."""
        if self._given is None:
            answered: dict[int, list[Any]] = {}  # by the year it was answered
            only, view = self.only, self.view
            for entry in asked(self.body) if only is None else asked(self.body,
                                                                   answered_in(only)):
                given = entry.record.feedback_date
                if entry.answered and given is not None:
                    answered.setdefault(given.year, []).append(entry)
            self._given = {year: feedback_given(entries, year, view.lang, view.is_closed)
                           for year, entries in answered.items()}
        return self._given

    def of(self, year: int) -> list[m.Meeting]:
        return self.meetings.get(year, [])

    def held(self, year: int) -> list[m.Meeting]:
        """The year's held meetings, as attendance.held_meetings gives them."""
        return [mt for mt in self.of(year) if mt.status not in m.NOT_HELD]

    def tallies(self, year: int, as_of: dt.date) -> dict[str, Tally]:
        """What a report of the year counting to as_of counts of the actions, per theme, in
        the order each theme's first action is counted (core/actioncounts.py)."""
        found = None if self.counts is None else self.counts.tallies(year, as_of)
        if found is not None:
            return found
        start, found = dt.date(year, 1, 1), {}
        actions = self.actions if self.only is not None else [
            (meeting.date, finished_on(action), action.status, action.theme, action.due)
            for action in self.body.each_action()
            if not self.view.hides(action) and (meeting := self.body.meeting(action.meeting))]
        for made, finished, status, theme, due in actions:
            counted = count_one(made, finished, status, due, start, as_of)
            if counted is not None:
                add(found, theme, counted)
        return found


def _made_by(body: m.Body, year: int) -> list[m.Action]:
    """The actions of the meetings up to the year's end, but those finished by their history
    before the year began (finished_on is never later than a history's latest date)."""
    start = dt.date(year, 1, 1)

    def keep(status: str, latest: dt.date | None) -> bool:
        return status not in m.FINISHED_STATUSES or latest is None or latest >= start

    found: list[m.Action] = []
    for meeting in body.meetings:
        if meeting.date.year > year:
            continue
        chosen = getattr(meeting.actions, "chosen", None)
        found += meeting.actions if chosen is None else chosen(keep, by_latest=True)
    return found


@dataclass(frozen=True, slots=True)
class Scope:
    body: m.Body
    year: int
    view: View
    as_of: dt.date
    lang: str
    years: Years

    def text(self, value: str, where: str = "") -> str:
        return self.view.text(value, where)


def _meeting_row(scope: Scope, meeting: m.Meeting) -> dict[str, Any]:
    return {"id": meeting.id, "date": meeting.date.isoformat(),
            "date_long": long_date(meeting.date, scope.lang), "status": meeting.status}


def meetings_section(scope: Scope) -> dict[str, Any]:
    held = scope.years.held(scope.year)
    cancelled = [mt for mt in scope.years.of(scope.year) if mt.status == "cancelled"]
    return {"held": [_meeting_row(scope, mt) for mt in held],
            "cancelled": [_meeting_row(scope, mt) for mt in cancelled]}


def attendance_section(scope: Scope) -> dict[str, Any]:
    found = attendance(scope.body, scope.year, scope.lang, scope.years.held(scope.year),
                       roles=False, known=scope.years.groups, seats=scope.years.seats)
    rows = []
    for group in found.organisations:
        row = group_row(group)
        row["key"] = scope.text(str(row["key"]))
        row["name"] = scope.text(group.name)
        rows.append(row)
    return {"organisations": rows, "meetings": len(found.meetings),
            "sex_worker_seat_filled": found.seat_filled}


def decisions_section(scope: Scope) -> dict[str, Any]:
    """The decisions of the year's held meetings; in public only those of approved minutes,
    and no closed ones."""
    view = scope.view
    decisions: list[dict[str, Any]] = []
    pending: list[str] = []
    for meeting in scope.years.held(scope.year):
        made = m.passing(meeting.decisions)
        if not view.minutes_public(meeting):
            pending += [meeting.id] if made else []
            continue
        decisions += [{"id": d.id, "meeting": meeting.id,
                       "date_long": long_date(meeting.date, scope.lang),
                       "text": scope.text(d.text, d.id), "closed": view.is_closed(d),
                       "level": d.level, "level_label": level_label(d.level, scope.lang)}
                      for d in made if not view.hides(d)]
    return {"decisions": decisions, "not_yet_approved": pending}


def status_on(action: m.Action, day: dt.date) -> str:
    finished = finished_on(action)
    if finished is not None and finished > day:
        return "open"
    return action.status


def actions_section(scope: Scope) -> dict[str, Any]:
    body = scope.body
    themes = body.config.themes
    rows: dict[str, dict[str, Any]] = {}
    for key in themes:
        title = m.text_in(themes[key].title, scope.lang, body.config.language)
        rows[key] = {"theme": key, "title": scope.text(title), "done": 0, "open": 0,
                     "overdue": 0, "dropped": 0, "total": 0}
    for theme, tally in scope.years.tallies(scope.year, scope.as_of).items():
        row = rows.get(theme)
        if row is None:
            row = rows[theme] = {
                "theme": theme, "title": _theme_text(scope, theme), "done": 0,
                "open": 0, "overdue": 0, "dropped": 0, "total": 0}
        for field, count in tally.items():
            row[field] += count
    return {"themes": [r for r in rows.values() if r["total"]]}


def _theme_text(scope: Scope, theme: str) -> str:
    known = scope.years.theme_text
    if theme not in known:
        known[theme] = scope.text(theme)
    return known[theme]


def compensation_section(scope: Scope) -> dict[str, Any]:
    """Totals of the year's lines (voided ones out); per person only inside the group."""
    people: dict[str, tuple[Decimal, Decimal]] = {}
    lines = 0
    for meeting in scope.years.of(scope.year):
        for line in m.passing(meeting.compensation):
            if line.counts:
                hours, amount = people.get(line.person, (Decimal(0), Decimal(0)))
                people[line.person] = (hours + (line.hours or 0), amount + line.amount)
                lines += 1
    shown = scope.view.pay_shown(len(people))
    if shown == "totals" and scope.as_of < dt.date(scope.year, 12, 31):
        # a total published again later would tell, by the difference, what the people paid
        # in between received: public totals come once, for a year that is over
        shown = "after-year"
    out: dict[str, Any] = {"shown": shown, "minimum": MIN_PAID_FOR_TOTALS,
                           "paid_anyone": bool(people)}
    if shown in ("withheld", "after-year"):
        return out
    hours = sum((h for h, _ in people.values()), Decimal(0))
    amount = sum((a for _, a in people.values()), Decimal(0))
    # hours too are a total over people: over those who were paid for hours
    with_hours = sum(1 for h, _ in people.values() if h)
    out.update(people=len(people), lines=lines, amount=f"{amount:.2f}",
               amount_text=money(amount, scope.lang),
               hours=None if scope.view.pay_shown(with_hours) == "withheld" else _number(hours))
    if shown == "per-person":
        out["per_person"] = [{"id": pid, "name": scope.view.person(pid),
                              "hours": _number(h), "amount": f"{a:.2f}",
                              "amount_text": money(a, scope.lang)}
                             for pid, (h, a) in sorted(people.items())]
    return out


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value else "0"


def participation_section(scope: Scope) -> dict[str, Any]:
    """How far the group took part in what it handled: items and decisions per level of the
    participation ladder, from being informed to led by sex workers."""
    counts = level_counts(scope.view, scope.years.items.get(scope.year, []),
                          scope.years.of(scope.year))
    rows = [{"level": level, "label": level_label(level, scope.lang), "count": count}
            for level, count in counts.items() if level != NO_LEVEL]
    return {"levels": rows, "no_level": counts[NO_LEVEL],
            "total": sum(counts.values())}


def feedback_section(scope: Scope) -> dict[str, Any]:
    """What was done with the input the group asked for: the answers given this year. The
    public version leaves out what was closed."""
    given = [f for f in scope.years.given.get(scope.year, [])
             if not (scope.view.public and f.closed)]
    return {"given": [{"record": f.record, "meeting": f.meeting,
                       "title": scope.text(f.title, f.record),
                       "asked_long": long_date(f.asked, scope.lang),
                       "answered_long": long_date(f.answered, scope.lang),
                       "text": scope.text(f.text, f.record), "closed": f.closed}
                      for f in given]}


# The parts of the report, in order: (key, builder). A new part is one line here.
SECTIONS: list[tuple[str, Callable[[Scope], dict[str, Any]]]] = [
    ("meetings", meetings_section),
    ("attendance", attendance_section),
    ("decisions", decisions_section),
    ("participation", participation_section),
    ("feedback", feedback_section),
    ("actions", actions_section),
    ("compensation", compensation_section),
]


def report_date(year: int, today: dt.date) -> tuple[dt.date, str]:
    """The day the report counts to, and which it is: 'today' or 'year-end'."""
    end = dt.date(year, 12, 31)
    return (today, "today") if today < end else (end, "year-end")


def build_report(body: m.Body, year: int, today: dt.date, lang: str, *,
                 public: bool) -> dict[str, Any]:
    """The report's data; its JSON shape is docs/format.md's."""
    view = View(body, lang, public=public)
    return _report(body, year, today, lang, view, Years(body, view, today, only=year))


def build_reports(body: m.Body, years: list[int], today: dt.date, lang: str, *,
                  public: bool) -> dict[int, dict[str, Any]]:
    """The reports of several years, each equal to build_report's, from one pass over the
    meetings (Years) and one View."""
    return dict(each_report(body, years, today, lang, public=public))


def each_report(body: m.Body, years: list[int], today: dt.date, lang: str, *, public: bool,
                gathered: Years | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """build_reports one year at a time, each made when asked for: a site of a thousand
    years holds one report's data at a time. gathered: the Years of all years for a View of
    this body, language and audience, made already."""
    if gathered is None:
        gathered = Years(body, View(body, lang, public=public), today)
    view = gathered.view
    if view.body is not body or (view.lang, view.public) != (lang, public):
        raise ValueError("the years gathered for another view")
    for year in years:
        yield year, _report(body, year, today, lang, view, gathered)


def _report(body: m.Body, year: int, today: dt.date, lang: str, view: View,
            years: Years) -> dict[str, Any]:
    as_of, as_of_is = report_date(year, today)
    scope = Scope(body, year, view, as_of, lang, years)
    data: dict[str, Any] = {"body": view.body_name(), "year": year, "public": view.public,
                            "as_of": as_of.isoformat(), "as_of_long": long_date(as_of, lang),
                            "as_of_is": as_of_is, "sections": [key for key, _ in SECTIONS]}
    for key, build in SECTIONS:
        data[key] = build(scope)
    return data


def published_totals(data: dict[str, Any]) -> tuple[str, ...]:
    """The amounts a public report shows as totals, as rendered (see View.pay_shown)."""
    pay = data.get("compensation", {})
    return (pay["amount_text"],) if pay.get("shown") == "totals" else ()
