"""Rendering minutes, publishing them, and the compensation overview (the finance CSV is
documents/finance.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.compensation import cents, counts_toward_limits, limit_status, year_lines
from kwartaal.core.payees import payee_key
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.documents.minutes import render_minutes
from kwartaal.edit.actions import require_meeting
from kwartaal.edit.change import Change
from kwartaal.files import store


def publish(body: m.Body, meeting_id: str, today: dt.date, *, force: bool) -> Change:
    """The public minutes (md and html, in every language of the body) in the publish folder,
    the meeting marked published; the commit is tagged minutes/<meeting>."""
    meeting = require_meeting(body, meeting_id)
    if meeting.status not in ("minutes-approved", "published") and not force:
        raise KwartaalError(msg(
            "the minutes of {id} are '{status}', not approved; approve them first "
            "(kwartaal minutes approve {id}), or pass --force",
            id=meeting.id, status=meeting.status))
    if meeting.status == "planned":
        raise KwartaalError(msg("meeting {id} has not been held yet",
                                id=meeting.id))
    from kwartaal.files.outputs import output_file

    # from the body's folder down: a link anywhere on the way (public/, public/minutes/, the
    # file itself) could send the minutes outside the body, so it is refused
    from kwartaal.files.paths import published_minutes

    base = published_minutes(body.config.publish_folder)
    rendered: dict[Path, str] = {}
    for lang in body.config.languages:
        suffix = "" if lang == body.config.language else f".{lang}"
        for fmt in ("md", "html"):
            target = output_file(body.root, f"{base}/{meeting.id}{suffix}.{fmt}")
            rendered[target] = render_minutes(body, meeting, lang, public=True, fmt=fmt)
    next(iter(rendered)).parent.mkdir(parents=True, exist_ok=True)
    for path, text in rendered.items():
        store.atomic_write(path, text)
    with store.edit(meeting.src.path) as doc:
        doc["status"] = "published"
        doc["published"] = today
    return Change([meeting.src.path, *rendered], f"minutes {meeting.id}: published",
                  id=meeting.id, tag=f"minutes/{meeting.id}",
                  said=[msg("wrote {path}", path=path) for path in rendered],
                  summary=msg("minutes of {id} published", id=meeting.id))


def review_minutes(body: m.Body, meeting_id: str, today: dt.date, lang: str, *,
                   output: Path | None, force: bool, with_compensation: bool) -> Change:
    """Mark the minutes as a draft for correction and write the internal version, to output
    or to minutes/<meeting>.md in the body (committed with it only when inside the body)."""
    from kwartaal.edit.recording import set_meeting_status
    from kwartaal.files.loader import load_checked

    status = set_meeting_status(body, meeting_id, "minutes-draft", today,
                                date_key="minutes_reviewed", force=force)
    fresh = load_checked(body.root)
    meeting = require_meeting(fresh, meeting_id)
    if output is None:  # the body's own drafts folder: it may not lead out of the body
        from kwartaal.files.outputs import output_file, output_folder

        target = output_file(output_folder(body.root / "minutes"), f"{meeting_id}.md")
    else:
        target = output
    target.parent.mkdir(parents=True, exist_ok=True)
    store.atomic_write(target, render_minutes(fresh, meeting, lang, public=False, fmt="md",
                                              with_compensation=with_compensation))
    inside = target.resolve().is_relative_to(body.root.resolve())
    return Change([*status.paths, *([target] if inside else [])],
                  f"minutes {meeting_id}: draft for review", id=meeting.id,
                  summary=msg("minutes of {id}: draft for review", id=meeting_id),
                  said=[msg("draft minutes for review: {path}",
                            path=target)])


def compensation_overview(body: m.Body, year: int, person: str | None,
                          lang: str) -> dict[str, Any]:
    """The JSON shape: {"year", "people": [{"id", "lines", "months", "total", "unpaid",
    "limit": {"status", "messages"}}]} with amounts as strings with two decimals; each line
    says its "payee", the organisation it is paid to (None: the person)."""
    per_person: dict[str, list[tuple[m.Meeting, m.CompensationLine]]] = defaultdict(list)
    for meeting, line in year_lines(body, year, person):
        per_person[line.person].append((meeting, line))
    policy = body.config.compensation
    people = []
    for pid in sorted(per_person):
        entries = per_person[pid]
        months: dict[str, Decimal] = defaultdict(Decimal)
        total = unpaid = Decimal(0)
        lines = []
        for meeting, line in entries:
            months[f"{meeting.date:%Y-%m}"] += line.amount
            total += line.amount
            if line.paid is None:
                unpaid += line.amount
            lines.append({"id": line.id, "meeting": meeting.id, "date": meeting.date.isoformat(),
                          "kind": line.kind,
                          "hours": str(line.hours) if line.hours is not None else None,
                          "amount": f"{cents(line.amount):.2f}", "method": line.method,
                          "paid": line.paid.isoformat() if line.paid else None,
                          "payee": payee_key(body, line) or None,
                          "counts_toward_limits": counts_toward_limits(line.kind, policy)})
        status, messages = limit_status(body, pid, year)
        people.append({
            "id": pid, "lines": lines,
            "months": {k: f"{cents(v):.2f}" for k, v in sorted(months.items())},
            "total": f"{cents(total):.2f}", "unpaid": f"{cents(unpaid):.2f}",
            "limit": {"status": status,
                      "messages": [message.render(lang) for message in messages]},
        })
    return {"year": year, "people": people}
