"""What an edit did, as data: every edit function returns one Change, and the write pipeline
(edit.pipeline) commits it; what to tell the person travels with it, to be shown in their
language by whoever runs the edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kwartaal.core.problems import Msg, msg


@dataclass(slots=True)
class Change:
    """paths: the files the edit wrote, committed together under message. id: the record it
    made or changed (a new action's id, a new meeting's id), if any. summary: the line that
    reports it (default: the commit message). said: lines to show before the report (the
    files a command wrote); notes: warnings for the person. tag: a tag to put on the commit."""

    paths: list[Path]
    message: str
    id: str | None = None
    summary: Msg | None = None
    said: list[Msg] = field(default_factory=list)
    notes: list[Msg] = field(default_factory=list)
    tag: str | None = None

    @property
    def path(self) -> Path:
        """The file of an edit that writes one file."""
        return self.paths[0]

    def report(self) -> Msg:
        return self.summary if self.summary is not None else msg(
            "{text}", text=self.message)
