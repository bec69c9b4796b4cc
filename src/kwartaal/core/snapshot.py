"""What approved minutes said, declared as records like those of model.py: the [approved] table
of a meeting's file and its [[approved.action]] tables (see documents/frozen.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kwartaal.core.fields import toml
from kwartaal.core.model import ACTION_STATUSES


@dataclass(slots=True)
class FrozenAction:
    """An action as approved minutes showed it: records, not rendered text, so that who may be
    named is still decided when the minutes are shown."""

    id: str = toml("str", required=True, default="", rule="ref",
                   help="the action's full id: 2025-06-12/a-7kq2")
    title: str = toml("str", required=True, default="", rule="line", public=True)
    owner: str = toml("str", required=True, default="", rule="id")
    co_owners: list[str] = toml("list[str]", default=[], rule="id", key="with")
    due: dt.date | None = toml("date")
    status: str = toml("str", required=True, choices=ACTION_STATUSES, default="open")
    closed: bool = toml("bool", default=False)
    item: str = toml("str", default="", rule="ref")
    review: bool = toml("bool", default=False,
                        help="true: in the review of earlier actions; false: made at this meeting")


@dataclass(slots=True)
class Approved:
    """What the minutes said when they were approved ([approved] in the meeting's file); they
    are shown from this, whatever happens to the actions later."""

    date: dt.date | None = toml("date", required=True, help="the day they were approved")
    chair: str = toml("str", default="", rule="opt-id")
    secretary: str = toml("str", default="", rule="opt-id")
    present: list[str] = toml("list[str]", default=[], rule="id")
    excused: list[str] = toml("list[str]", default=[], rule="id")
    absent: list[str] = toml("list[str]", default=[], rule="id")
    online: list[str] = toml("list[str]", default=[], rule="id")
    next_meeting: dt.date | None = toml("date", help="the next meeting's date as it stood")
    previous_approved: dt.date | None = toml(
        "date", help="the date of the previous meeting whose minutes this meeting approved")
    actions: list[FrozenAction] = toml("any", default=[], key="action",
                                       help="[[approved.action]] tables")
    co_chair: str = toml("str", default="", rule="opt-id", init="")
    said: str = toml("str", default="", rule="line", init="",
                     help="a fingerprint of what the items, notes and decisions said")


# What approved minutes say in words, by record: the fields a later change must not touch.
# Not `closed` (closing a record after approval is allowed) and not what later meetings add to
# a record (feedback on input).
SAID_FIELDS: dict[str, tuple[str, ...]] = {
    "items": ("local_id", "title", "title_en", "note", "under", "withdrawn", "deferred_to",
              "level", "by", "by_org"),
    "notes": ("local_id", "item", "text"),
    "decisions": ("local_id", "item", "text", "supersedes", "level"),
}


def said(meeting: Any) -> str:
    """The fingerprint of what a meeting's items, notes and decisions say: the same for the
    same words, whatever the order of the tables in the file."""
    import hashlib
    import json

    records = {kind: sorted([[str(getattr(record, name)) for name in names]
                             for record in getattr(meeting, kind)])
               for kind, names in SAID_FIELDS.items()}
    text = json.dumps(records, ensure_ascii=False, sort_keys=True)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
