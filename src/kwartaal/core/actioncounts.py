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
alive in each year.

The years whose report counts to today (the years not over yet, and with a body planned far
ahead there are many) are runs too: counting to the same day, an action counts the same in
each of them, from the first such year to the one it was finished in (or every one, when it
was never finished), when it was made by today.
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


class _Runs:
    """What actions add to runs of consecutive years (numbered from 0): per theme and field,
    a difference per run, summed when first read; and per theme outside the settings, the
    number of its first action counted in each year, for the order of a year's themes."""

    def __init__(self, size: int, known: frozenset[str]) -> None:
        self.size, self.known = size, known
        self._runs: dict[str, dict[str, array[int]]] = {}  # theme: field: differences
        self._sums: dict[str, dict[str, array[int]]] | None = None
        self._first: dict[str, list[int]] = {}
        self._free: dict[str, list[int]] = {}  # per year, a year not yet given its first

    def add(self, theme: str, field: str, start: int, end: int) -> None:
        if start > end:
            return
        runs = self._runs.get(theme)
        if runs is None:
            runs = self._runs[theme] = {}
        found = runs.get(field)
        if found is None:
            found = runs[field] = array("q", bytes(8 * (self.size + 1)))
        found[start] += 1
        found[end + 1] -= 1

    def mark(self, theme: str, number: int, start: int, end: int) -> None:
        """Action number counted under theme in the years start to end: the first of its
        theme in those of them that have none yet (each year is given one once)."""
        if theme in self.known or start > end:
            return
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

    def tallies(self, at: int) -> dict[str, Tally]:
        """The tallies of year number at: the themes of the settings, then the others in the
        order their first action was counted."""
        if self._sums is None:
            self._sums = {theme: {field: array("q", accumulate(runs))
                                  for field, runs in fields.items()}
                          for theme, fields in self._runs.items()}
            self._runs = {}
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


class ActionCounts:
    """The tallies of every year from first to last, fed each action once (add) in the order
    of the body's actions; tallies(year, as_of) gives a year's."""

    def __init__(self, first: int, last: int, today: dt.date, known: Iterable[str]) -> None:
        self.first, self.last, self.today = first, last, today
        self.size = last - first + 1
        known = frozenset(known)  # themes whose order does not matter (the settings')
        self._ended = _Runs(self.size, known)  # each year counting to its last day
        # the years whose report counts to today, from the first not over
        self.near = max(first, today.year if today < dt.date(today.year, 12, 31)
                        else today.year + 1)
        self._today = _Runs(max(0, last - self.near + 1), known)
        self._near_start = dt.date(self.near, 1, 1)
        self._added = 0

    def add(self, made: dt.date, finished: dt.date | None, status: str, theme: str,
            due: dt.date | None) -> None:
        number, self._added = self._added, self._added + 1
        if self._today.size:
            counted = count_one(made, finished, status, due, self._near_start, self.today)
            if counted is not None:
                end = self._today.size - 1 if finished is None else min(
                    finished.year - self.near, self._today.size - 1)
                self._count(self._today, theme, counted, number, end)
        start = made.year - self.first
        end = self.size - 1 if finished is None else min(finished.year - self.first,
                                                         self.size - 1)
        if start > end:
            return
        self._ended.add(theme, "total", start, end)
        self._ended.mark(theme, number, start, end)
        if finished is None:
            self._as(theme, status, due, start, end)
            return
        self._as(theme, "open", due, start, min(end, finished.year - self.first - 1))
        if finished.year - self.first == end:  # its last year: by its status
            self._as(theme, status, due, end, end)

    @staticmethod
    def _count(runs: _Runs, theme: str, counted: tuple[str, bool], number: int,
               end: int) -> None:
        """Counted (count_one) alike in the years 0 to end."""
        status, overdue = counted
        runs.add(theme, "total", 0, end)
        runs.mark(theme, number, 0, end)
        if status in m.OPEN_STATUSES:
            runs.add(theme, "open", 0, end)
            if overdue:
                runs.add(theme, "overdue", 0, end)
        else:
            runs.add(theme, status, 0, end)

    def _as(self, theme: str, status: str, due: dt.date | None, start: int, end: int) -> None:
        """Counted as status in the years start to end (each counting to its last day)."""
        if start > end:
            return
        if status not in m.OPEN_STATUSES:
            self._ended.add(theme, status, start, end)
            return
        self._ended.add(theme, "open", start, end)
        if due is not None:  # overdue in a year whose last day is after the due date
            since = due.year - self.first + (1 if (due.month, due.day) == (12, 31) else 0)
            self._ended.add(theme, "overdue", max(start, since), end)

    def tallies(self, year: int, as_of: dt.date) -> dict[str, Tally] | None:
        """The tallies of a report of year counting to as_of; None when they were not
        counted here (another day than today, before its year's end, or a year outside)."""
        if not self.first <= year <= self.last:
            return None
        if as_of == self.today and year >= self.near:
            return self._today.tallies(year - self.near)
        if as_of != dt.date(year, 12, 31):
            return None
        return self._ended.tallies(year - self.first)
