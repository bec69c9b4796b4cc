"""What the command modules share: the options that many commands take, each declared once
here (as sqlite-utils does); running a change through the write pipeline (edit.pipeline) and
reporting it; output."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from kwartaal.cli.options import common, current_state
from kwartaal.cli.output import on_terminal
from kwartaal.core.problems import KwartaalError, Msg, msg
from kwartaal.core.words import tr


def write_or_print(text: str | bytes, output: Path | None) -> None:
    if output is None:
        if isinstance(text, bytes):
            if sys.stdout is not None:  # (closed: nowhere to write, as click.echo takes it)
                sys.stdout.buffer.write(text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
        return
    from kwartaal.files.outputs import write_chosen_file

    write_chosen_file(output, text if isinstance(text, bytes) else text.encode("utf-8"))


def pick_meeting(body: Any, meeting_id: str | None, today: Any, *, held: bool) -> Any:
    from kwartaal.core.rules import last_held, next_planned, require_meeting

    if meeting_id:
        return require_meeting(body, meeting_id)
    found = last_held(body, today) if held else next_planned(body, today)
    if found is None:
        raise KwartaalError(msg(
            "no {what} meeting; give its id",
            what=msg("held") if held else msg("planned")))
    return found


# -- options, each declared once -----------------------------------------------------------------

def json_option(help: str = "Print a JSON list.") -> Callable[[Any], Any]:
    return click.option("--json", "as_json", is_flag=True, help=help)


def level_option(help: str = "The participation level: inform, consult, advise, co-decide "
                 "or sex-worker-led.") -> Callable[[Any], Any]:
    from kwartaal.cli import complete

    return click.option("--level", default=None, metavar="LEVEL", help=help,
                        shell_complete=complete.levels)


def force_option(help: str) -> Callable[[Any], Any]:
    """--force: what it forces differs per command, so each says so."""
    return click.option("--force", is_flag=True, help=help)


def output_option(help: str | None = None, *, folder: bool = False) -> Callable[[Any], Any]:
    return click.option("--output", type=click.Path(file_okay=not folder, dir_okay=folder,
                                                     path_type=Path), default=None, help=help)


NO_COMMIT = click.option("--no-commit", is_flag=True, help="Leave the change uncommitted.")
AUTHOR = click.option("--author", default=None, help="Commit author, 'Name <email>'.")
ALLOW_PRIVATE = click.option(
    "--allow-private", is_flag=True,
    help="Write a text even though the privacy check finds contact details, a bank account, a "
         "citizen service number or a hidden name in it (the line is marked so).")


def into_state(*options: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Declare options whose values the command does not take as arguments: they go to its
    State as the CommitOptions the write pipeline runs with."""
    def decorate(func: Callable[..., Any]) -> Any:
        @functools.wraps(func)
        def wrapper(*args: Any, no_commit: bool = False, author: str | None = None,
                    allow_private: bool = False, **kwargs: Any) -> Any:
            from kwartaal.edit.pipeline import CommitOptions

            current_state().commit = CommitOptions(no_commit, author, allow_private)
            return func(*args, **kwargs)

        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate


def commit_options(func: Any) -> Any:
    """For a command that commits a change: --no-commit, --author, --allow-private, and the
    global options."""
    return common(into_state(NO_COMMIT, AUTHOR, ALLOW_PRIVATE)(func))


def writes(func: Any) -> Any:
    """For a command that changes files without a commit of its own (sync): --allow-private."""
    return into_state(ALLOW_PRIVATE)(func)


# -- running a change ---------------------------------------------------------------------------

def warn(note: Msg) -> None:
    """What the lock and recovery have to say: on standard error, beside the command's output."""
    click.echo(note.render(current_state().lang()), err=True)


def tell(change: Any) -> None:
    """What a change said, before it is committed: the files it wrote, then its warnings."""
    state = current_state()
    lang = state.lang()
    for line in change.said:
        click.echo(line.render(lang))
    for note in change.notes:
        click.echo((tr("note: ", lang)) + note.render(lang))


def apply(edit: Callable[[Any], Any], *, force: bool = False, forceable: bool = False,
          load: Callable[[Path], Any] | None = None) -> Any:
    """Run edit (body -> Change) through the write pipeline with this command's options, and
    report it. force: take files with uncommitted changes along; forceable: the command has a
    --force for that. load: read only what the edit needs (default: the settings and the
    people, and each meeting file when the edit asks for it: files/scope.py)."""
    from kwartaal.edit.pipeline import CommitOptions, run_change

    state = current_state()

    def loaded(root: Path) -> Any:
        if load is None and state.has_body():
            return state.body()
        from kwartaal.files.scope import load_scoped

        body = (load or load_scoped)(root)  # meetings read as the edit asks for them
        state.use(body)  # people and settings for the messages, not every meeting
        return body

    outcome = run_change(state.root(), edit, options=state.commit or CommitOptions(),
                         force=force, forceable=forceable, load=loaded, report=tell, say=warn)
    state.committed(outcome.commit, outcome.change.report())
    return outcome


@contextmanager
def writing() -> Iterator[None]:
    """The pipeline's frame around a command that changes the repository in its own way
    (sync, setup-git): the lock, recovery, checked and journaled writes."""
    from kwartaal.edit.pipeline import CommitOptions
    from kwartaal.edit.pipeline import writing as frame

    state = current_state()
    options = state.commit or CommitOptions()
    with frame(state.root(), allow_private=options.allow_private, get_body=state.loaded,
               say=warn):
        yield


DOCUMENT_FORMATS = ("docx", "pdf")  # files, written with --output or into a pipe


def refuse_binary_on_terminal(fmt: str, output: Path | None) -> None:
    """A Word or PDF file printed on a terminal is noise, and can upset it: refused before
    anything is rendered."""
    if fmt in DOCUMENT_FORMATS and output is None and on_terminal():
        raise KwartaalError(msg(
            "--format {fmt} makes a file: give --output FILE (or send the output into a file "
            "or a pipe)", fmt=fmt))
