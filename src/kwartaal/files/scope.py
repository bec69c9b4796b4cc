"""Reading only what a write needs: the settings, the people, and meeting files on demand.

load_scoped gives a body whose meetings are read from their files only when asked for: one by
its id (body.meeting), the meetings of a stretch of dates (the same year's for a money limit,
those since the previous meeting for carry-over; each file's date is read from its head, since
a moved meeting keeps its name: files/meetingdates.py), or all of them the moment anything
uses the list as a whole. An edit that only looks up its meeting therefore
reads one file whatever the size of the body, and one that has not been taught to ask for less
still gets every meeting: slower, never wrong.

A file read on demand is held to the same rules as by load_checked: when it has errors, the
command is refused the usual way, naming them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from kwartaal.core import model as m
from kwartaal.core.problems import Problem
from kwartaal.files.paths import MEETINGS_DIR, inside
from kwartaal.files.records import read_first

Names = Callable[[], list[str]]


def meeting_names(root: Path) -> tuple[list[str], dict[str, dt.date | None]]:
    """The ids of the meeting files in the order of the body, and the date of each (a moved
    meeting keeps its name, so the date comes from the file: files/meetingdates.py): by date,
    then by id; files whose date cannot be told that way come first (they are read by every
    stretch, so neither their date nor their errors are missed)."""
    from kwartaal.files.meetingdates import meeting_dates

    folder = root / MEETINGS_DIR
    if not folder.is_dir() or not inside(root, folder):
        return [], {}
    names = _listed(root, folder)
    dates = meeting_dates(root, folder, names)
    return sorted(names, key=lambda name: (dates[name] or dt.date.min, name)), dates


def _listed(root: Path, folder: Path) -> list[str]:
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.endswith(".toml"):
                continue
            if entry.is_symlink():
                path = Path(entry.path)
                if not (path.is_file() and inside(root, path)):
                    continue
            elif not entry.is_file():
                continue
            found.append(entry.name[:-len(".toml")])
    return found


class Meetings(list):  # type: ignore[type-arg]
    """A body's meetings, read on demand. Any use as a list reads every file it covers (all,
    or those of its stretch); get reads one."""

    def __init__(self, root: Path, lang: str, cache: dict[str, m.Meeting | None] | None = None,
                 keep: Callable[[str], bool] | None = None,
                 listing: list[tuple[list[str], dict[str, dt.date | None]]] | None = None,
                 ) -> None:
        super().__init__()
        self.root = root
        self.lang = lang
        self.cache: dict[str, m.Meeting | None] = {} if cache is None else cache
        self.keep = keep
        self.complete = False
        # listed once, shared by stretches
        self.listing: list[tuple[list[str], dict[str, dt.date | None]]] = (
            [] if listing is None else listing)

    def all_names(self) -> list[str]:
        """The ids of every meeting file, listed once for this body, in date order."""
        if not self.listing:
            self.listing.append(meeting_names(self.root))
        return self.listing[0][0]

    def date_of(self, meeting_id: str) -> dt.date | None:
        """The meeting's date as its file says, None when only reading it whole tells."""
        self.all_names()
        return self.listing[0][1].get(meeting_id)

    def get(self, meeting_id: str) -> m.Meeting | None:
        """The meeting with this id, reading its file the first time."""
        if meeting_id not in self.cache:
            self.cache[meeting_id] = read_meeting(self.root, meeting_id, self.lang)
        return self.cache[meeting_id]

    def names(self) -> list[str]:
        return [name for name in self.all_names() if self.keep is None or self.keep(name)]

    def read_all(self) -> None:
        if self.complete:
            return
        self.complete = True
        found = [mt for mt in (self.get(name) for name in self.names()) if mt is not None]
        found.sort(key=lambda mt: (mt.date, mt.id))
        list.extend(self, found)

    def stretch(self, keep: Callable[[str], bool]) -> Meetings:
        """The meetings whose file names keep accepts, sharing what was read."""
        outer = self.keep
        return Meetings(self.root, self.lang, self.cache,
                        keep if outer is None else (lambda n: outer(n) and keep(n)),
                        self.listing)


read_first(Meetings, Meetings.read_all)


def read_meeting(root: Path, meeting_id: str, lang: str) -> m.Meeting | None:
    """One meeting file, read and checked as load_checked would (refused with its errors);
    None when there is no such file."""
    from kwartaal.files.loader import MEETING_ID, build_meeting, load_checked
    from kwartaal.files.tomlread import read_toml

    path = root / MEETINGS_DIR / f"{meeting_id}.toml"
    if "/" in meeting_id or not path.is_file() or not inside(root, path):
        return None
    problems: list[Problem] = []
    raw = read_toml(path, problems)
    meeting = build_meeting(raw, path, problems, lang) if raw is not None else None
    if not MEETING_ID.match(meeting_id) or any(p.severity == "error" for p in problems):
        load_checked(root)  # refuses, naming the errors the usual way
    return meeting


class ScopedBody(m.Body):
    """A body whose meetings are read on demand (see Meetings)."""

    __slots__ = ()

    def meeting(self, meeting_id: str) -> m.Meeting | None:
        if isinstance(self.meetings, Meetings):
            return self.meetings.get(meeting_id)
        return m.Body.meeting(self, meeting_id)


def load_scoped(root: Path) -> m.Body:
    """The settings and the people, checked, and the meetings on demand: for a write, whose
    cost must not grow with the number of meetings."""
    from kwartaal.files.loader import load_checked, load_settings

    problems: list[Problem] = []
    config, people = load_settings(root, problems)
    if any(p.severity == "error" for p in problems):
        load_checked(root)  # refuses, naming the errors
    return ScopedBody(root=root, config=config, people=people,
                      meetings=Meetings(root, config.language))


def is_scoped(body: m.Body) -> bool:
    return isinstance(body.meetings, Meetings) and not body.meetings.complete


def with_meetings(body: m.Body, meetings: Iterable[m.Meeting] | Meetings) -> m.Body:
    """The body with only these meetings in its list; a scoped body still finds any other
    meeting by its id."""
    if not isinstance(meetings, Meetings):
        meetings = sorted(meetings, key=lambda mt: (mt.date, mt.id))
    return dataclasses.replace(body, meetings=meetings, _by_id=None)


def dated(body: m.Body, keep: Callable[[dt.date | None], bool]) -> m.Body:
    """The body with the meetings whose date keep accepts. Of a scoped body, by the date each
    file's name gives (files whose name gives none are kept), read only when the list is
    used; a scoped body still finds any other meeting by its id."""
    if not is_scoped(body):
        return with_meetings(body, [mt for mt in body.meetings if keep(mt.date)])
    meetings = body.meetings
    assert isinstance(meetings, Meetings)

    def wanted(name: str) -> bool:
        date = meetings.date_of(name)
        return date is None or keep(date)

    return with_meetings(body, meetings.stretch(wanted))


def same_year(body: m.Body, year: int) -> m.Body:
    """The meetings of one calendar year: what a yearly or monthly limit needs."""
    return dated(body, lambda date: date is not None and date.year == year)


def last_meeting(body: m.Body) -> m.Meeting | None:
    """The last meeting of the body, by the dates its files give: the last one that reads."""
    if not is_scoped(body):
        return body.meetings[-1] if body.meetings else None
    assert isinstance(body.meetings, Meetings)
    for name in reversed(body.meetings.all_names()):
        if body.meetings.date_of(name) is None:
            return body.meetings[-1] if body.meetings else None  # cannot tell: read all
        found = body.meeting(name)
        if found is not None:
            return found
    return None


def previous_held(body: m.Body, date: dt.date) -> m.Meeting | None:
    """The last meeting held before date, reading the files backwards from date."""
    if not is_scoped(body):
        earlier = [mt for mt in body.meetings if mt.date < date and mt.status not in m.NOT_HELD]
        return earlier[-1] if earlier else None
    assert isinstance(body.meetings, Meetings)
    for name in reversed(body.meetings.all_names()):
        when = body.meetings.date_of(name)
        if when is None:
            return previous_held(with_meetings(body, list(body.meetings)), date)
        if when >= date:
            continue
        found = body.meeting(name)
        if found is not None and found.status not in m.NOT_HELD and found.date < date:
            return found
    return None


def around(body: m.Body, meeting: m.Meeting) -> m.Body:
    """What carry-over into this meeting reads: the meetings from the previous held one on
    (its items, those of meetings cancelled since, and what was carried already)."""
    previous = previous_held(body, meeting.date)
    since = previous.date if previous is not None else dt.date.min
    return dated(body, lambda date: date is None or date >= since)


def from_date(body: m.Body, start: dt.date) -> m.Body:
    """The meetings on or after start (the ones still to come, for 'the next meeting')."""
    return dated(body, lambda date: date is None or date >= start)


def on_date(body: m.Body, date: dt.date) -> list[m.Meeting]:
    """The meetings on one day."""
    return [mt for mt in dated(body, lambda when: when == date).meetings if mt.date == date]
