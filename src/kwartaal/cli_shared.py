"""Helpers shared by the command modules: output, committing, guarding files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .cli import _state, common
from .problems import KwartaalError, msg


def _write_or_print(text: str | bytes, output: Path | None) -> None:
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
        return
    from .store import atomic_write, atomic_write_bytes

    output.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        atomic_write_bytes(output, text)
    else:
        atomic_write(output, text)


def pick_meeting(body: Any, meeting_id: str | None, today: Any, *, held: bool) -> Any:
    from .actions import require_meeting
    from .rules import last_held, next_planned

    if meeting_id:
        return require_meeting(body, meeting_id)
    found = last_held(body, today) if held else next_planned(body, today)
    if found is None:
        raise KwartaalError(msg(
            "no {what} meeting; give its id", "geen {what_nl} vergadering; geef het id",
            what="held" if held else "planned", what_nl="gehouden" if held else "geplande"))
    return found


def _commit_options(func: Any) -> Any:
    func = click.option("--author", default=None, help="Commit author, 'Name <email>'.")(func)
    func = click.option("--no-commit", is_flag=True, help="Leave the change uncommitted.")(func)
    return common(func)


def _finish(paths: list[Path], message: str, no_commit: bool, author: str | None,
            notes: list[tuple[str, str]] | None = None, tag: str | None = None) -> None:
    from .gitops import commit

    state = _state()
    body = state.body()
    lang = state.lang()
    for en, nl in notes or []:
        click.echo(("let op: " if lang == "nl" else "note: ") + (nl if lang == "nl" else en))
    result = commit(body.root, paths, message, no_commit=no_commit, author=author)
    if tag and result.reason == "committed":
        from .gitops import tag_head

        tag_head(body.root, tag, message)
    state.committed(result, message)


def _guard(paths: list[Path], force: bool = False) -> None:
    from .gitops import refuse_dirty

    refuse_dirty(_state().body().root, paths, force)


def _meeting_path(meeting_id: str) -> Path:
    from .actions import require_meeting

    return Path(require_meeting(_state().body(), meeting_id).src.path)
