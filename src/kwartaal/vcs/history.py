"""What happened when: events from the records, dated with git history where the records
themselves carry no date (when a meeting was scheduled, when an item was proposed)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.events import EVENT_OF_KIND, EVENT_TRAILER, kind_of_words
from kwartaal.vcs.gitops import open_repo

# Commits written before they carried an event trailer: kwartaal's own subject line.
_OLD_PROPOSED = re.compile(r"^item (\S+): proposed")


@dataclass(slots=True)
class Event:
    date: str
    kind: str
    id: str
    meeting: str
    text: str
    by: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _git_dates(body: m.Body) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """When each meeting file was added, and when each item was proposed (by commit)."""
    added: dict[str, tuple[str, str]] = {}
    proposed: dict[str, tuple[str, str]] = {}
    repo = open_repo(body.root)
    if repo is None or not repo.head.is_valid():
        return added, proposed
    import git

    folder = body.root / "meetings"
    try:
        out = repo.git.log(
            "--reverse", f"--format=%x1e%ad%x1f%an%x1f%s%x1f%(trailers:key={EVENT_TRAILER},"
            "valueonly,separator=%x1d)", "--date=short", "--name-status", "--", str(folder))
    except git.GitCommandError:
        return added, proposed
    for block in out.split("\x1e"):
        lines = [line for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        date, author, subject, trailers = (lines[0].split("\x1f") + ["", "", "", ""])[:4]
        said = [t.split() for t in trailers.split("\x1d") if t.strip()]
        ids = [words[1] for words in said if len(words) == 2 and words[0] == "item-proposed"]
        if not said:  # an older commit: its subject says it
            old = _OLD_PROPOSED.match(subject)
            ids = [old.group(1)] if old else []
        for item_id in ids:
            proposed.setdefault(item_id, (date, author))
        for line in lines[1:]:
            parts = line.split("\t")
            if parts[0] == "A" and parts[-1].endswith(".toml"):
                added.setdefault(Path(parts[-1]).stem, (date, author))
    return added, proposed


def events(body: m.Body, *, since: dt.date | None = None,
           meeting_id: str | None = None) -> list[Event]:
    added, proposed = _git_dates(body)
    found: list[Event] = []
    for meeting in body.meetings:
        if meeting_id and meeting.id != meeting_id:
            continue
        when, who = added.get(meeting.id, ("", ""))
        if when:
            found.append(Event(when, "meeting-scheduled", meeting.id, meeting.id,
                               f"{meeting.date}", who))
        if meeting.status not in m.NOT_HELD:
            found.append(Event(meeting.date.isoformat(), "meeting-held", meeting.id, meeting.id,
                               "", meeting.secretary))
        for key, kind in (("minutes_reviewed", "minutes-draft"),
                          ("minutes_approved", "minutes-approved"),
                          ("published", "minutes-published")):
            value = getattr(meeting, key)
            if value:
                found.append(Event(value.isoformat(), kind, meeting.id, meeting.id, "", ""))
        for item in meeting.items:
            date, who = proposed.get(item.id, (when or meeting.date.isoformat(), ""))
            found.append(Event(date, "item-proposed", item.id, meeting.id, item.title,
                               item.by or who))
        for decision in meeting.decisions:
            found.append(Event(meeting.date.isoformat(), "decision", decision.id, meeting.id,
                               decision.text, ""))
        for record in (*meeting.items, *meeting.notes):
            if record.feedback and record.feedback_date:
                found.append(Event(record.feedback_date.isoformat(), "feedback-given", record.id,
                                   meeting.id, record.feedback, record.feedback_by))
        for action in meeting.actions:
            for entry in action.history:
                kind = EVENT_OF_KIND.get(entry.kind or kind_of_words(entry.what),
                                         "action-updated")
                found.append(Event(entry.date.isoformat(), kind, action.id, meeting.id,
                                   f"{action.title}: {entry.what}", entry.by))
    if since is not None:
        found = [e for e in found if e.date >= since.isoformat()]
    order = {k: i for i, k in enumerate([
        "meeting-scheduled", "item-proposed", "meeting-held", "decision", "action-created",
        "action-started", "action-moved", "action-handed-over", "action-updated", "action-done",
        "action-dropped", "feedback-given", "minutes-draft", "minutes-approved",
        "minutes-published"])}
    # newest first; on one day, in the order things happen
    found.sort(key=lambda e: (e.date, -order.get(e.kind, 99), e.id), reverse=True)
    return found


def find_bodies(start: Path) -> list[Path]:
    """Every folder holding a kwartaal.toml below the repository root (or below start)."""
    repo = open_repo(start)
    top = Path(repo.working_tree_dir) if repo is not None else start
    found = []
    for config in sorted(top.rglob("kwartaal.toml")):
        parts = config.relative_to(top).parts
        if any(p.startswith(".") or p in ("node_modules", "__pycache__") for p in parts[:-1]):
            continue
        found.append(config.parent)
    return found
