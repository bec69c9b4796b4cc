"""What the year reports count of the actions (core/yearreport.py actions_section), for every
year at once.

A report counts, per theme, the actions made by the day it counts to (as_of) that were not
finished before its year began: each as open when it was finished after as_of, else by its
status; an open one is overdue when its due date lies before as_of (count_one, the rule
itself). For a year that is over, as_of is its last day, so an action counts in each year
from the one it was made in to the one it was finished in (or every year after, when it was
never finished): as open before the year it was finished in, by its status in that year. Each
action thus adds to runs of years; the reports of a thousand years are counted in one pass
over the actions (a difference per run, summed once), instead of a pass over every action
alive in each year. The years whose report counts to today are counted by the rule itself,
in the same pass.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable
from itertools import accumulate

from kwartaal.core import model as m

# What a report counts of one theme's actions: "total", "open", "overdue" and each other
# status counted, only those not zero; themes in the order their first action was counted.
Tally = dict[str, int]


def count_one(made: dt.date, finished: dt.date | None, status: str, due: dt.date | None,
              start: dt.date, as_of: dt.date) -> tuple[str, bool] | None:
    """How a report of the year beginning on start, counting to as_of, counts an action made
    at a meeting on made and finished on finished (None: never): its status then, and
    whether it is overdue; None when it does not count."""
    if made > as_of or (finished is not None and finished < start):
        return None
    if finished is not None and finished > as_of:
        status = "open"
    return status, status in m.OPEN_STATUSES and due is not None and due < as_of


def add(tallies: dict[str, Tally], theme: str, counted: tuple[str, bool]) -> None:
    """One action counted (count_one) under its theme."""
    tally = tallies.setdefault(theme, {})
    status, overdue = counted
    tally["total"] = tally.get("total", 0) + 1
    if status in m.OPEN_STATUSES:
        tally["open"] = tally.get("open", 0) + 1
        if overdue:
            tally["overdue"] = tally.get("overdue", 0) + 1
    else:
        tally[status] = tally.get(status, 0) + 1


class ActionCounts:
    """The tallies of every year from first to last, fed each action once (add) in the order
    of the body's actions; tallies(year, as_of) gives a year's."""

    def __init__(self, first: int, last: int, today: dt.date, known: Iterable[str]) -> None:
        self.first, self.last, self.today = first, last, today
        self.known = frozenset(known)  # themes whose order does not matter (the settings')
        self.size = last - first + 1
        # theme: field: the difference per year (index 0 is the first year)
        self._runs: dict[str, dict[str, array[int]]] = {}
        self._sums: dict[str, dict[str, array[int]]] | None = None
        # the years whose report counts to today: theme: tally, by the rule itself
        self.near: dict[int, dict[str, Tally]] = {
            year: {} for year in range(first, last + 1) if dt.date(year, 12, 31) > today}
        # themes not in the settings: per year, the number of the first action counted
        self._first: dict[str, list[int]] = {}
        self._free: dict[str, list[int]] = {}  # per year, a year not yet given its first
        self._added = 0

    def add(self, made: dt.date, finished: dt.date | None, status: str, theme: str,
            due: dt.date | None) -> None:
        number, self._added = self._added, self._added + 1
        for year, tallies in self.near.items():
            counted = count_one(made, finished, status, due, dt.date(year, 1, 1), self.today)
            if counted is not None:
                add(tallies, theme, counted)
        start = made.year - self.first
        end = self.size - 1 if finished is None else min(finished.year - self.first,
                                                         self.size - 1)
        if start > end:
            return
        self._run(theme, "total", start, end)
        if theme not in self.known:
            self._mark(theme, number, start, end)
        if finished is None:
            self._as(theme, status, due, start, end)
            return
        self._as(theme, "open", due, start, min(end, finished.year - self.first - 1))
        if finished.year - self.first == end:  # its last year: by its status
            self._as(theme, status, due, end, end)

    def _as(self, theme: str, status: str, due: dt.date | None, start: int, end: int) -> None:
        """Counted as status in the years start to end (each counting to its last day)."""
        if start > end:
            return
        if status not in m.OPEN_STATUSES:
            self._run(theme, status, start, end)
            return
        self._run(theme, "open", start, end)
        if due is not None:  # overdue in a year whose last day is after the due date
            since = due.year - self.first + (1 if (due.month, due.day) == (12, 31) else 0)
            self._run(theme, "overdue", max(start, since), end)

    def _run(self, theme: str, field: str, start: int, end: int) -> None:
        if start > end:
            return
        runs = self._runs.setdefault(theme, {})
        found = runs.get(field)
        if found is None:
            found = runs[field] = array("q", bytes(8 * (self.size + 1)))
        found[start] += 1
        found[end + 1] -= 1

    def _mark(self, theme: str, number: int, start: int, end: int) -> None:
        """The first action counted under theme in each year from start to end, if it is
        the first (years given theme's first are skipped: each year is given one once)."""
        first = self._first.get(theme)
        if first is None:
            first = self._first[theme] = [-1] * self.size
            self._free[theme] = list(range(self.size + 1))
        free = self._free[theme]
        year = self._next_free(free, start)
        while year <= end:
            first[year] = number
            free[year] = year + 1
            year = self._next_free(free, year + 1)

    @staticmethod
    def _next_free(free: list[int], year: int) -> int:
        while free[year] != year:
            free[year] = free[free[year]]  # (halving the way for the next look)
            year = free[year]
        return year

    def tallies(self, year: int, as_of: dt.date) -> dict[str, Tally] | None:
        """The tallies of a report of year counting to as_of; None when they were not
        counted here (another day than today, before its year's end, or a year outside)."""
        if as_of == self.today and year in self.near:
            return self.near[year]
        if as_of != dt.date(year, 12, 31) or not self.first <= year <= self.last:
            return None
        if self._sums is None:
            self._sums = {theme: {field: array("q", accumulate(runs))
                                  for field, runs in fields.items()}
                          for theme, fields in self._runs.items()}
            self._runs = {}
        at = year - self.first
        found: dict[str, Tally] = {}
        for theme, fields in self._sums.items():
            if theme in self.known and fields["total"][at]:
                found[theme] = {field: sums[at] for field, sums in fields.items() if sums[at]}
        later = sorted((self._first[theme][at], theme) for theme in self._first
                       if self._first[theme][at] >= 0)
        for _, theme in later:
            fields = self._sums[theme]
            found[theme] = {field: sums[at] for field, sums in fields.items() if sums[at]}
        return found
