"""Correcting agenda items: change, withdraw, defer to the next meeting, mark as done. Each
edit rewrites only the item's own keys (tomlkit keeps comments and layout)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.problems import KwartaalError, hints, msg
from kwartaal.edit.actions import require_meeting, require_theme
from kwartaal.edit.change import Change
from kwartaal.files import store

APPROVED = ("minutes-approved", "published")


def find_item(body: m.Body, meeting_id: str, ref: str) -> tuple[m.Meeting, m.Item]:
    """The item of this meeting that ref names: its number on the internal agenda (5.1), its
    id or the start of it. A fixed or standing part is no proposed item; an item that is only
    waiting to be carried over lives in its own meeting, where the command must go."""
    from kwartaal.core.ids import item_ref, pick

    meeting = require_meeting(body, meeting_id)
    direct = pick(meeting, "item", ref)  # withdrawn or deferred ones too: they say so
    if direct is not None:
        return meeting, direct
    key = item_ref(body, meeting, ref, elsewhere=True)
    own = [i for i in meeting.items if i.local_id == key]
    if own:
        return meeting, own[0]
    if "/" in key:
        source, _, local = key.partition("/")
        raise KwartaalError(msg(
            "item {ref} of {id} is carried over from {source}, not in {id}'s file yet; "
            "change it there: kwartaal item … {source} {local}",
            ref=ref, id=meeting.id, source=source, local=local))
    raise KwartaalError(msg(
        "'{ref}' is a fixed part of every agenda, not a proposed item; give an item's number "
        "or id (see 'kwartaal agenda {id}')", ref=ref, id=meeting.id))


def edit_item(item: m.Item, apply: Callable[[Any], None]) -> None:
    """Open the item's file, find its table and let apply change it."""
    with store.edit(item.src.path) as doc:
        for table in doc.get("item") or []:
            if str(table.get("id")) == item.local_id:
                apply(table)
                return
    raise KwartaalError(msg("item {id} vanished from its file", id=item.id))


def _put(table: Any, key: str, value: Any) -> None:
    """Set a key, or remove it when the value is the default (None, "", False)."""
    if value in (None, "", False):
        if key in table:
            del table[key]
    else:
        table[key] = value


def set_item(body: m.Body, meeting_id: str, ref: str, *, title: str | None = None,
             title_en: str | None = None, minutes: int | None = None,
             under: str | None = None, theme: str | None = None,
             closed: bool | None = None, level: str | None = None,
             asks_input: bool | None = None) -> Change:
    """Correct an item in place. None leaves a field as it is; under="" puts it at the top
    level; theme="" removes the theme; level="" removes the participation level."""
    meeting, item = find_item(body, meeting_id, ref)
    changes = (title, title_en, minutes, under, theme, level, asks_input)
    if meeting.status in APPROVED and changes != (None,) * len(changes) \
            or meeting.status in APPROVED and closed is False:
        # The approved minutes are the record; closing an item stays possible: privacy wins.
        raise KwartaalError(msg(
            "the minutes of {id} were approved; item {item} can only be closed now "
            "(--closed), not changed", id=meeting.id, item=item.id))
    wanted: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise KwartaalError(msg("the title is empty"))
        wanted["title"] = title.strip()
    if title_en is not None:
        wanted["title_en"] = title_en.strip()
    if minutes is not None:
        wanted["minutes"] = minutes
    if under is not None:
        standing = [s.key for s in body.config.standing]
        if under and under not in standing:
            raise KwartaalError(msg(
                "unknown standing item '{key}'{hint}; choose one of: {known}",
                key=under, known=", ".join(standing), **hints(under, standing)))
        wanted["under"] = under
    if theme is not None:
        require_theme(body, theme)
        wanted["theme"] = theme
    if closed is not None:
        wanted["closed"] = closed
    if level is not None:
        from kwartaal.edit.meetings import require_level

        require_level(level)
        wanted["level"] = level
    if asks_input is not None:
        refuse_unasking(item, asks_input, meeting.id)
        wanted["asks_input"] = asks_input
    if not wanted:
        raise KwartaalError(msg(
            "nothing to change; give --title, --title-en, --minutes, --under or --top, "
            "--theme, --level, --closed or --open, --asks-input or --no-asks-input"))
    changed = {key: value for key, value in wanted.items() if getattr(item, key) != value}
    if not changed:
        raise KwartaalError(msg("item {id} already reads so; nothing to change", id=item.id))

    def apply(table: Any) -> None:
        for key, value in changed.items():
            _put(table, key, value)

    edit_item(item, apply)
    keys = ", ".join(changed)
    return Change([item.src.path], f"item {item.id}: set {keys}", id=item.id,
                  summary=msg("item {id}: changed {keys}", id=item.id, keys=keys))


def refuse_unasking(record: m.Item | m.Note, asks_input: bool, meeting_id: str) -> None:
    """Input that was answered stays asked: the feedback would hang in the air."""
    if not asks_input and record.feedback:
        raise KwartaalError(msg(
            "{id} has feedback on its input; clear that first: kwartaal feedback {meeting} "
            "{local} --clear", id=record.id, meeting=meeting_id, local=record.local_id))


def _refuse_if_off(item: m.Item) -> None:
    if item.withdrawn:
        raise KwartaalError(msg("item {id} was withdrawn already ({reason})",
                                id=item.id, reason=item.withdrawn))
    if item.deferred_to:
        raise KwartaalError(msg("item {id} was deferred to {meeting} already; change it there",
                                id=item.id, meeting=item.deferred_to))


def records_under(meeting: m.Meeting, item: m.Item) -> list[str]:
    """The ids of the notes, decisions and actions recorded under the item itself."""
    refs = {item.local_id, item.id}
    return [r.id for r in (*meeting.notes, *meeting.decisions, *meeting.actions)
            if r.item in refs]


def withdraw_item(body: m.Body, meeting_id: str, ref: str, *, reason: str) -> Change:
    """Take an item off the agenda; it stays in the file with the reason, and is not carried
    over. An item something was recorded under was discussed: that is 'item done'."""
    meeting, item = find_item(body, meeting_id, ref)
    if meeting.status in APPROVED:
        raise KwartaalError(msg(
            "the minutes of {id} were approved; item {item} can only be closed now "
            "(--closed), not changed", id=meeting.id, item=item.id))
    _refuse_if_off(item)
    if not reason.strip():
        raise KwartaalError(msg("give a reason with --reason; it stays with the item"))
    under = records_under(meeting, item)
    if under:
        raise KwartaalError(msg(
            "item {id} was discussed ({records} recorded under it); mark it handled with "
            "'kwartaal item done {meeting} {local}' instead",
            id=item.id, records=", ".join(under), meeting=meeting.id, local=item.local_id))
    edit_item(item, lambda table: _put(table, "withdrawn", reason.strip()))
    return Change([item.src.path], f"item {item.id}: withdrawn — {reason.strip()}", id=item.id,
                  summary=msg("withdrew {id}: {title}", id=item.id, title=item.title))


def done_item(body: m.Body, meeting_id: str, ref: str) -> Change:
    """Mark an item handled: it is not carried over to the next meeting."""
    _, item = find_item(body, meeting_id, ref)
    _refuse_if_off(item)
    if item.handled is True:
        raise KwartaalError(msg("item {id} is marked handled already", id=item.id))

    def apply(table: Any) -> None:
        table["handled"] = True
        if "carry_over" in table:
            del table["carry_over"]

    edit_item(item, apply)
    return Change([item.src.path], f"item {item.id}: handled", id=item.id,
                  summary=msg("item {id} handled; it is not carried over", id=item.id))


def defer_item(body: m.Body, meeting_id: str, ref: str) -> Change:
    """Move an item to the next planned meeting, as an item carried from here, in one
    commit; here it stays in the file, marked where it went."""
    from kwartaal.core.ids import new_local_id, taken
    from kwartaal.edit.meetings import carried_copy, planned_after

    meeting, item = find_item(body, meeting_id, ref)
    _refuse_if_off(item)
    later = planned_after(body, meeting.date)
    if not later:
        raise KwartaalError(msg(
            "there is no planned meeting after {id} to defer the item to; plan one first with "
            "'kwartaal meeting new'", id=meeting.id))
    target = later[0]
    if any(i.carried_from == item.id for i in target.items):
        raise KwartaalError(msg("{target} has this item already", target=target.id))
    local = new_local_id("item", taken(target), key=item.id)
    edit_item(item, lambda table: _put(table, "deferred_to", target.id))
    store.append_table(target.src.path, "item", carried_copy(item, local), array=True)
    return Change([item.src.path, target.src.path],
                  f"item {item.id}: deferred to {target.id}/{local}", id=f"{target.id}/{local}",
                  summary=msg("deferred {id} to {target} as {new}", id=item.id,
                                         target=target.id, new=f"{target.id}/{local}"))
