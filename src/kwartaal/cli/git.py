"""Commands for working together through git: set-up, sync, log."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kwartaal.cli import complete
from kwartaal.cli.options import common, current_state
from kwartaal.cli.shared import commit_options, json_option, writes, writing


@click.command("setup-git")
@commit_options
def setup_git_cmd() -> None:
    """Register kwartaal's merge driver in this clone, so that additions made in two clones
    merge by themselves, and install the pre-commit hook that checks every commit first
    (privacy included). Run once per clone; 'kwartaal init' does it too, 'sync' the driver.

    An existing pre-commit hook that kwartaal did not write is left as it is; the command
    says which line to add to it.

    \b
    Example:
      kwartaal setup-git
    """
    from kwartaal.edit.change import Change
    from kwartaal.edit.pipeline import commit_change
    from kwartaal.vcs.hooks import install_hook
    from kwartaal.vcs.sync import configure_driver, write_attributes

    state = current_state()
    root = state.root()
    with writing():
        changed = write_attributes(root)
        if not configure_driver(root):
            state.say("not a git repository: wrote .gitattributes only")
            return
        if changed is not None:
            result = commit_change(root, Change([changed], "git: merge kwartaal files by record"),
                                   state.commit)
            state.committed(result, "setup-git")
        else:
            state.say("merge driver registered")
        # After the commit above: that one needs no check, and an old planned meeting in the
        # body must not keep a fresh clone from being set up.
        hook = install_hook(root, state.lang())
    notice = hook.notice()
    if hook.status == "failed" and notice is not None:
        from kwartaal.core.problems import KwartaalError

        raise KwartaalError(notice)  # the merge driver is set up; the check is not
    if notice is not None:
        click.echo(notice.render(state.lang()))
    elif hook.status in ("unchanged", "foreign-calls-kwartaal"):
        state.say("pre-commit hook in place: {path}",
                  path=hook.path)


@click.command("merge-driver", hidden=True)
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("ours", type=click.Path(path_type=Path))
@click.argument("theirs", type=click.Path(path_type=Path))
@click.argument("shown", default="")
def merge_driver_cmd(base: Path, ours: Path, theirs: Path, shown: str) -> None:
    """Called by git: merge three versions of a kwartaal file record by record."""
    from kwartaal.vcs.sync import run_driver

    sys.exit(run_driver(base, ours, theirs, shown or str(ours)))


@click.command("setup-ci")
@click.argument("host", type=click.Choice(["forgejo", "gitlab", "github"]))
@click.option("--force", is_flag=True, help="Write the file again even though it exists.")
@click.option("--install", "requirement", default=None, metavar="REQUIREMENT",
              help="What the host installs, when not this version from PyPI, e.g. "
                   "'kwartaal @ git+https://git.example.org/tools/kwartaal@v1.2.0'.")
@commit_options
def setup_ci_cmd(host: str, force: bool, requirement: str | None) -> None:
    """Write the pipeline file of the group's git host (Forgejo or Gitea, GitLab, GitHub):
    every push is checked ('check --strict'), every published minutes tag publishes the public
    site to the host's pages, and every Monday the overdue list and the reminders are made,
    as a download of the run. Versions are pinned; the file holds no secrets.

    \b
    Examples:
      kwartaal setup-ci forgejo
      kwartaal setup-ci gitlab --install "kwartaal @ git+https://git.example.org/kwartaal@v1"
    """
    from kwartaal.cli.shared import apply
    from kwartaal.edit.hosting import setup_ci

    apply(lambda body: setup_ci(body, host, force=force, requirement=requirement))


@click.command("sync")
@common
@writes
def sync_cmd() -> None:
    """Fetch and rebase on the shared remote, check, push; say what was done.

    Additions made in other clones merge by themselves, record by record; no record is ever
    renumbered. On a real conflict it stops and says what to do.

    \b
    Example:
      kwartaal sync
    """
    from kwartaal.files.loader import load
    from kwartaal.files.validate import validate
    from kwartaal.vcs.sync import sync

    state = current_state()
    root = state.root()

    def check() -> int:
        loaded = load(root)
        return sum(1 for p in validate(loaded, state.today()) if p.severity == "error")

    with writing():
        report = sync(root, check=check)
    from kwartaal.core.words import Plural

    state.say("synced with {remote}/{branch}: {pulled} pulled, {pushed} pushed",
              remote=report.remote, branch=report.branch,
              pulled=Plural("{count} commit", "{count} commits", report.pulled),
              pushed=report.pushed)
    if report.merged:
        state.say("merged record by record: {files}",
                  files=", ".join(report.merged))
    for note in report.notes:
        click.echo(note.render(state.lang()))


@click.command("log")
@click.option("--since", "since_text", default=None, metavar="YYYY-MM-DD")
@click.option("--meeting", default=None, shell_complete=complete.meetings)
@json_option()
@common
def log_cmd(since_text: str | None, meeting: str | None, as_json: bool) -> None:
    """What happened when, newest first: meetings scheduled, items proposed, decisions,
    actions created, moved, handed over, finished.

    \b
    Example:
      kwartaal log --since 2025-09-01
    """
    from kwartaal.core.dates import parse_iso
    from kwartaal.core.rules import require_meeting
    from kwartaal.vcs.history import events

    state = current_state()
    body = state.body()
    if meeting:
        require_meeting(body, meeting)
    since = parse_iso(since_text, "--since") if since_text else None
    found = events(body, since=since, meeting_id=meeting)
    if as_json:
        from kwartaal.cli.output import emit_json

        emit_json([e.as_dict() for e in found])
        return
    from kwartaal.core.events import event_word

    lang = state.lang()
    for event in found:
        who = f" ({event.by})" if event.by else ""
        text = f" — {event.text}" if event.text else ""
        click.echo(f"{event.date}  {event_word(event.kind, lang):<24} {event.id}{who}{text}")
