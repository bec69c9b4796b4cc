"""What `actions`, `overdue`, `progress` and `remind` read: the settings, the people and the
action index's entry of every meeting file (files/cache.py), refreshed where a file changed.

A warm run reads the index's header only: each file's meeting row, its open and in-progress
actions and how many of its actions are done or dropped per theme. The rows of done and
dropped actions are read only when a list asks for them (`--status all`, `done`, `dropped`).
Records are built only for what is shown. Like a full load, any error in any file refuses
(files/loader.py `load_checked` says what is wrong).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.files import cache, laneentry

MIN_FILES = 200  # files/workers.py's own: that module is imported only past it


class Lane:
    """A body as the action lane reads it: its settings, people and index entries, in the
    order of the meetings."""

    def __init__(self, root: Path, config: m.Config, people: dict[str, m.Person],
                 index: cache.ActionIndex, entries: list[tuple[Path, Any]]) -> None:
        self.root, self.config, self.people = root, config, people
        self.index = index
        self.entries = sorted(entries, key=lambda pair: (pair[1][cache.MEETING][1],
                                                         pair[1][cache.MEETING][0]))

    def closed(self, path: Path, entry: Any) -> tuple[Any, ...]:
        try:
            return self.index.rows(path.name, entry)
        except (ValueError, EOFError, TypeError):  # a damaged blob: read that file again
            return _rows_of_file(self.root, path, self.config.language)

    def plain(self, closed: bool) -> list[tuple[Any, ...]]:
        """The actions as plain rows (core/query.py): the open and in-progress ones, or every
        one (closed=True), in the body's order."""
        if not closed:
            return [row for _, entry in self.entries
                    for row in cache.plain_rows(entry, entry[cache.OPEN])]
        return [row for path, entry in self.entries
                for row in cache.plain_rows(entry, cache.all_rows(entry,
                                                                  self.closed(path, entry)))]

    def body(self, *, open_actions: bool = False) -> m.Body:
        """The body with light meetings (no items, notes, decisions, histories), with their
        open and in-progress actions when asked, else none."""
        meetings = []
        for path, entry in self.entries:
            meeting = laneentry.light_meeting(path, cache.whole(entry, ()), with_actions=False)
            if open_actions:
                meeting.actions = laneentry.build_actions(
                    path, entry[cache.MEETING][cache.MEETING_ID], entry[cache.OPEN])
            meetings.append(meeting)
        return m.Body(root=self.root, config=self.config, people=self.people, meetings=meetings)

    def progress(self, today: int) -> list[Any]:
        """rules.progress over every action, from each file's counts of done and dropped
        actions per theme and its open and in-progress actions: no closed row is read."""
        from kwartaal.core.query import days_overdue
        from kwartaal.core.rules import ThemeProgress

        themes = self.config.themes
        table: dict[str, ThemeProgress] = {key: ThemeProgress(key) for key in themes}
        status_at, due_at, theme_at = (cache.ACTION_AT[name] for name in ("status", "due",
                                                                          "theme"))
        for _, entry in self.entries:
            # in the order the file's actions first name each theme, as rules.progress meets them
            for theme, done, dropped in entry[cache.THEMES]:
                row = table.setdefault(theme, ThemeProgress(theme))
                row.done += done
                row.dropped += dropped
            for action in entry[cache.OPEN]:
                row = table[action[theme_at]]
                if action[status_at] == "in-progress":
                    row.in_progress += 1
                else:
                    row.open += 1
                if days_overdue(action[status_at], action[due_at], today):
                    row.overdue += 1
        return [*(table[key] for key in themes),
                *(row for key, row in table.items() if key not in themes)]

    def feedback_since(self, first: int, last: int) -> bool:
        """Whether any item asked for input and had feedback given between two day ordinals
        (inclusive): only then do reminders need the items themselves."""
        return any(first <= day <= last for _, entry in self.entries
                   for day in entry[cache.ASKED])


def _rows_of_file(root: Path, path: Path, language: str) -> tuple[Any, ...]:
    from kwartaal.files.loader import build_meeting, load_checked, read_toml

    problems: list[Any] = []
    raw = read_toml(path, problems)
    meeting = build_meeting(raw, path, problems, language) if raw is not None else None
    if meeting is None or any(p.severity == "error" for p in problems):
        load_checked(root)  # says what is wrong
        raise ValueError(f"{path} cannot be read")
    return cache.new_entry(None, "", meeting)[cache.CLOSED]


def read_lane(root: Path) -> Lane:
    """Settings, people and every meeting file's entry; refreshes the index. Refuses, like
    load_checked, when any file has errors."""
    from kwartaal.files.loader import load_checked

    lane = _read(root, lambda: _from_body(load_checked(root)))
    assert lane is not None  # (the fallback gives one or refuses)
    return lane


def refresh_index(root: Path) -> int | None:
    """The action index brought up to date as read_lane brings it, in silence; the time it was
    saved at, to know it by (files/cache.py ActionIndex.save). None when it was not saved,
    or a file has errors or cannot be read, or anything else goes wrong: the full command
    then reads the body and says what is wrong. What the fast lane does when it finds no
    fresh index, before click and the command's own modules are imported (cli/fast.py)."""
    try:
        lane = _read(root, lambda: None)
    except Exception:  # noqa: BLE001 - whatever it is, the full way meets it and says it
        return None
    return None if lane is None or lane.index.dates is None else lane.index.dates[0]


def _read(root: Path, fallback: Callable[[], Lane | None]) -> Lane | None:
    """read_lane; fallback() answers instead when the settings or a file have errors."""
    from kwartaal.files.laneentry import lane_entry
    from kwartaal.files.loader import build_meeting, load_settings, read_toml
    from kwartaal.files.pacing import paced
    from kwartaal.files.paths import CONFIG_FILE, PEOPLE_FILE, meeting_files, read_in_place

    problems: list[Any] = []
    config_stat = cache.stat_key(root / CONFIG_FILE)
    people_stat = cache.stat_key(root / PEOPLE_FILE)
    config, people = load_settings(root, problems)
    if any(p.severity == "error" for p in problems):
        return fallback()
    index = cache.ActionIndex.open(root)
    entries: list[tuple[Path, Any]] = []
    files = meeting_files(root)
    if len(files) >= MIN_FILES and len(index.lacking(files)) >= MIN_FILES:
        from kwartaal.files.prefill import prefill_lane  # shared between processes

        prefill_lane(index, files, config.language)
    for path in paced(files):
        stat = cache.stat_key(path)
        try:
            entry, data = index.find(path.name, stat, lambda p=path: read_in_place(p),
                                     config.language)
        except OSError:
            return fallback()
        if entry is None:
            found: list[Any] = []
            raw = read_toml(path, found, data)
            key = cache.digest(data or b"") + config.language
            made = None if raw is None else lane_entry(raw, path, config.language, stat, key)
            if made is None:
                meeting = None if raw is None else build_meeting(raw, path, found,
                                                                 config.language)
                if meeting is None or any(p.severity == "error" for p in found):
                    return fallback()
                made = cache.new_entry(stat, key, meeting)
            index.put(path.name, made)
            entry = index.used[path.name]
        entries.append((path, entry))
    # What fast.py needs to answer on its own: the other files' stat records and the people.
    index.save({"config": config_stat, "people_file": people_stat,
                "people": tuple(people), "themes": tuple(config.themes),
                "language": config.language})
    if index.dates is not None:  # every meeting file's date, for the writes that need them
        from kwartaal.files.meetingdates import remember

        remember(root, *index.dates)
    return Lane(root, config, people, index, entries)


def _from_body(body: m.Body) -> Lane:
    """A lane over a body loaded whole (the way taken when a file has errors and yet the
    checked load accepts the body): its entries made from its records, nothing stored."""
    index = cache.ActionIndex(body.root, None)
    entries = []
    for meeting in body.meetings:
        path = meeting.src.path
        index.put(path.name, cache.new_entry(None, "", meeting))
        entries.append((path, index.used[path.name]))
    return Lane(body.root, body.config, body.people, index, entries)
