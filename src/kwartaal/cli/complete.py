"""Shell completion of ids (bash, zsh, fish, through click's shell_complete): people,
meetings, actions and agenda items, read straight from the body's files.

Completion runs on every press of TAB, so it reads as little as it can: file names for
meetings, people.toml for people, and only the meeting files the word typed so far can lead
to. A body it cannot read completes nothing; it never prints an error into the shell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kwartaal.cli.options import State


def _root(ctx: click.Context) -> Path | None:
    try:
        return ctx.ensure_object(State).root()
    except Exception:  # noqa: BLE001 - no body here: nothing to offer
        return None


def _toml(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, ValueError):
        return {}


def _meeting_ids(root: Path) -> list[str]:
    from kwartaal.files.paths import MEETINGS_DIR

    try:
        return sorted(p.stem for p in (root / MEETINGS_DIR).glob("*.toml"))
    except OSError:
        return []


def _records(root: Path, meeting_id: str, kind: str,
             statuses: tuple[str, ...] | None = None) -> list[str]:
    from kwartaal.files.paths import MEETINGS_DIR

    tables = _toml(root / MEETINGS_DIR / f"{meeting_id}.toml").get(kind)
    return [str(t["id"]) for t in tables or [] if isinstance(t, dict) and "id" in t
            and (statuses is None or t.get("status", "open") in statuses)]


# The actions each command can change: offering the others would only lead to a refusal.
CHANGEABLE = {"start": ("open",), "done": ("open", "in-progress"),
              "drop": ("open", "in-progress"), "update": ("open", "in-progress"),
              "handover": ("open", "in-progress")}


def people(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from kwartaal.files.paths import PEOPLE_FILE

    root = _root(ctx)
    if root is None:
        return []
    return [pid for pid, value in _toml(root / PEOPLE_FILE).items()
            if isinstance(value, dict) and pid.startswith(incomplete)]


def meetings(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    root = _root(ctx)
    return [] if root is None else [mid for mid in _meeting_ids(root)
                                     if mid.startswith(incomplete)]


def actions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """MEETING/ACTION: only the meetings whose id fits what was typed are read."""
    root = _root(ctx)
    if root is None:
        return []
    wanted = incomplete.split("/", 1)[0]
    found = []
    for mid in _meeting_ids(root):
        if mid.startswith(wanted) and (mid == wanted or "/" not in incomplete):
            found += [f"{mid}/{aid}" for aid in _records(root, mid, "action",
                                                          CHANGEABLE.get(ctx.info_name or ""))]
    return [aid for aid in found if aid.startswith(incomplete)]


def items(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """The standing items' keys and the items of the meeting given on the same line."""
    from kwartaal.files.paths import CONFIG_FILE

    root = _root(ctx)
    if root is None:
        return []
    standing = _toml(root / CONFIG_FILE).get("standing") or []
    found = [str(s["key"]) for s in standing if isinstance(s, dict) and "key" in s]
    meeting = ctx.params.get("meeting_id") or ctx.params.get("meeting")
    if isinstance(meeting, str) and meeting:
        found += _records(root, meeting, "item")
    return [key for key in found if key.startswith(incomplete)]


def _meeting_records(ctx: click.Context, kind: str, incomplete: str) -> list[str]:
    """The local ids of one kind in the meeting given on the same line."""
    root = _root(ctx)
    meeting = ctx.params.get("meeting_id")
    if root is None or not isinstance(meeting, str) or not meeting:
        return []
    return [rid for rid in _records(root, meeting, kind) if rid.startswith(incomplete)]


def notes(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    return _meeting_records(ctx, "note", incomplete)


def decisions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    return _meeting_records(ctx, "decision", incomplete)


def lines(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    return _meeting_records(ctx, "compensation", incomplete)


def meeting_items(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """The ids of the items still on the agenda of the meeting given on the same line: what
    'item set/withdraw/defer/done' can change."""
    from kwartaal.files.paths import MEETINGS_DIR

    root = _root(ctx)
    meeting = ctx.params.get("meeting_id")
    if root is None or not isinstance(meeting, str) or not meeting:
        return []
    tables = _toml(root / MEETINGS_DIR / f"{meeting}.toml").get("item") or []
    return [str(t["id"]) for t in tables if isinstance(t, dict) and "id" in t
            and not t.get("withdrawn") and not t.get("deferred_to")
            and str(t["id"]).startswith(incomplete)]


def levels(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from kwartaal.core.model import LEVELS

    return [level for level in LEVELS if level.startswith(incomplete)]


def organisations(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    from kwartaal.files.paths import CONFIG_FILE

    root = _root(ctx)
    found = _toml(root / CONFIG_FILE).get("organisations") if root is not None else None
    return [key for key in found or {} if key.startswith(incomplete)] \
        if isinstance(found, dict) else []
