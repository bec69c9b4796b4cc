"""Helpers shared by the command modules: output, committing, guarding files; and the frame
every command that writes runs in (run_writing): the repository's lock, recovery from what a
killed command left, all-or-nothing changes, and interrupts that wait for a safe point."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kwartaal.cli.options import common, current_state
from kwartaal.core.problems import KwartaalError, Msg, msg

Say = Callable[[Msg], None]
GitState = tuple[str | None, bool]  # the commit HEAD points at; whether a rebase is under way


def write_or_print(text: str | bytes, output: Path | None) -> None:
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            click.echo(text, nl=not text.endswith("\n"))
        return
    from kwartaal.files.store import atomic_write, atomic_write_bytes

    output.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        atomic_write_bytes(output, text)
    else:
        atomic_write(output, text)


def pick_meeting(body: Any, meeting_id: str | None, today: Any, *, held: bool) -> Any:
    from kwartaal.core.rules import last_held, next_planned
    from kwartaal.edit.actions import require_meeting

    if meeting_id:
        return require_meeting(body, meeting_id)
    found = last_held(body, today) if held else next_planned(body, today)
    if found is None:
        raise KwartaalError(msg(
            "no {what} meeting; give its id",
            what=msg("held") if held else msg("planned")))
    return found


def commit_options(func: Any) -> Any:
    func = click.option("--author", default=None, help="Commit author, 'Name <email>'.")(func)
    func = click.option("--no-commit", is_flag=True, help="Leave the change uncommitted.")(func)
    return common(func)


def finish(paths: list[Path], message: str, no_commit: bool, author: str | None,
            notes: list[Msg] | None = None, tag: str | None = None,
            said: Msg | None = None) -> None:
    from kwartaal.vcs.gitops import commit

    state = current_state()
    body = state.body()
    lang = state.lang()
    for note in notes or []:
        click.echo(msg("note: {note}", note=note).render(lang))
    result = commit(body.root, paths, message, no_commit=no_commit, author=author)
    if tag and result.reason == "committed":
        from kwartaal.vcs.gitops import tag_head

        tag_head(body.root, tag, message)
    state.committed(result, said or message)


def guard(paths: list[Path], force: bool = False) -> None:
    from kwartaal.vcs.gitops import refuse_dirty

    refuse_dirty(current_state().body().root, paths, force)


def meeting_path(meeting_id: str) -> Path:
    from kwartaal.edit.actions import require_meeting

    return Path(require_meeting(current_state().body(), meeting_id).src.path)


# -- the frame of a writing command ---------------------------------------------------------------

def run_writing(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], *,
                allow_private: bool) -> Any:
    """Run a command that changes files (see cli.writes): hold the repository's lock from
    reading to committing; clear git's stale locks and settle what a killed command left;
    check every write for privacy; journal every write so that a failure or an interrupt
    before the commit puts the files back as they were; hold SIGINT and SIGTERM back until a
    safe point, and say in which state they left things."""
    from kwartaal.files.lock import body_lock, clear_stale_git_locks
    from kwartaal.files.signals import Interrupted, held_signals, raise_if_signalled
    from kwartaal.files.store import JOURNAL, Journal, checked_writes, journaled
    from kwartaal.files.writecheck import write_check

    state = current_state()
    root = state.root()

    def say(note: Msg) -> None:
        click.echo(note.render(state.lang()), err=True)

    try:
        with body_lock(root, say=say) as place:
            for note in clear_stale_git_locks(place, say):
                say(note)
            start = _git_state(place)
            with held_signals() as held:
                journal = Journal(place.state / JOURNAL, place.top)
                try:
                    refuse_during_git_operation(place)
                    for note in recover(place, root):
                        say(note)
                    with journaled(journal), checked_writes(write_check(
                            state.loaded,
                            allow_private=allow_private)):
                        raise_if_signalled()
                        result = func(*args, **kwargs)
                except Interrupted as exc:
                    _undo(place, start, journal, exc, held.signum, say)
                    raise
                except (click.exceptions.Exit, SystemExit):
                    journal.drop()  # a deliberate end, not a failure
                    raise
                except BaseException as exc:
                    _undo(place, start, journal, exc, held.signum, say)
                    raise
                journal.drop()  # what it wrote and did not commit, it meant to leave so
                if held.signum is not None:
                    _interrupted(journal, held.signum, [], say, finished=True)
                return result
    except Interrupted as exc:  # while waiting for a lock: nothing was touched yet
        _interrupted(None, exc.signum, [], say)


def _undo(place: Any, start: GitState, journal: Any, exc: BaseException, signum: int | None,
          say: Say) -> None:
    """The command failed or was interrupted: put back what it changed and did not commit,
    and say so; returns only to let the caller re-raise exc."""
    from kwartaal.files.lock import clear_own_git_locks
    from kwartaal.files.signals import Interrupted

    restored, changed = journal.rollback()
    if isinstance(exc, Interrupted):
        signum = exc.signum
    if signum is not None:
        for note in clear_own_git_locks(place):
            say(note)
        for path in changed:
            say(settle_by_hand(path, None))
        _interrupted(journal, signum, restored, say, git=(start, _git_state(place)))
    if isinstance(exc, KwartaalError) and (restored or changed):
        from kwartaal.files.paths import shown_path

        notes = [settle_by_hand(path, None) for path in changed]
        undone = msg("The files this command changed are back as they were before it: {files}",
                     files=", ".join(shown_path(p) for p in restored)) if restored else None
        raise KwartaalError(_joined([exc.message, *([undone] if undone else []), *notes]),
                            exit_code=exc.exit_code) from exc


def _interrupted(journal: Any, signum: int, restored: list[Any], say: Say, *,
                 finished: bool = False, git: tuple[GitState, GitState] | None = None) -> None:
    """Say in which state an interrupt left things, and end with 128 + the signal's number.
    git: the branch and rebase before and after, for what git itself did (sync)."""
    from kwartaal.files.paths import shown_path

    made = journal.made if journal is not None else []
    files = ", ".join(shown_path(p) for p in restored)
    if finished:
        say(msg("interrupted, but only after the command had finished{sha}: its change stays",
                sha=f" (commit {made[-1][:8]})" if made else ""))
    elif made:
        say(msg("interrupted after commit {sha} was made: that stays{rest}",
                sha=made[-1][:8], rest=msg("; what this command changed after it is undone: "
                                           "{files}", files=files)
                if restored else ""))
    elif restored:
        say(msg("interrupted: nothing was committed, and the files this command changed are "
                "back as they were before it: {files}",
                files=files))
    elif git is not None and git[1][1] and not git[0][1]:
        say(msg("interrupted in the middle of a rebase: finish it with 'git rebase --continue' "
                "or undo it with 'git rebase --abort'"))
    elif git is not None and git[1][0] != git[0][0]:
        say(msg("interrupted after git had moved this branch from {old} to {new}: that stays; "
                "nothing else was changed",
                old=(git[0][0] or "-")[:8], new=(git[1][0] or "-")[:8]))
    else:
        say(msg("interrupted: nothing was changed"))
    raise click.exceptions.Exit(128 + signum)


def _git_state(place: Any) -> GitState:
    """The commit HEAD points at and whether a rebase is under way, read from the files (a
    git process could itself have been stopped by the interrupt)."""
    if place.git_dir is None:
        return None, False
    rebasing = any((place.git_dir / name).exists() for name in ("rebase-merge", "rebase-apply"))
    try:
        head = (place.git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if head.startswith("ref: "):
            ref = head[len("ref: "):]
            loose = place.common_dir / ref
            packed = place.common_dir / "packed-refs"
            head = loose.read_text(encoding="utf-8").strip() if loose.is_file() else next(
                (line.split()[0] for line in packed.read_text(encoding="utf-8").splitlines()
                 if line.endswith(f" {ref}")), None) if packed.is_file() else None
    except (OSError, UnicodeDecodeError):
        head = None
    return head, rebasing


def _joined(parts: list[Msg]) -> Msg:
    """Several messages as one, a line each."""
    template = "\n".join(f"{{p{i}}}" for i in range(len(parts)))
    return Msg(template, {f"p{i}": part for i, part in enumerate(parts)})  # no words of its own


# -- recovery: what a killed command left ---------------------------------------------------------

def refuse_during_git_operation(place: Any) -> None:
    """No change while git is in the middle of a rebase or a merge (a sync that was stopped,
    or one's own): a commit now would land on a detached or half-merged state, and undoing
    the rebase afterwards would drop it."""
    if place.git_dir is None:
        return
    busy = [name for name in ("rebase-merge", "rebase-apply", "MERGE_HEAD", "CHERRY_PICK_HEAD",
                              "REVERT_HEAD") if (place.git_dir / name).exists()]
    if not busy:
        return
    raise KwartaalError(msg(
        "git is in the middle of a {what} (perhaps a sync that was stopped), so nothing was "
        "changed. Finish it ('git status' says how), or put your branch back as it was before "
        "it, with all your commits, by 'git rebase --abort' (or 'git merge --abort'); then "
        "run the command again",
        what=msg("rebase") if busy[0].startswith("rebase") else msg("merge")))


def recover(place: Any, body_root: Path) -> list[Msg]:
    """Before a command writes, with the repository's lock held (and git's stale locks
    cleared): remove the temporary files that killed writes left, and settle the journal of a
    kwartaal command that was killed before it finished (see store.Journal): commit its
    change when it was complete and about to be committed, else undo it. Says what it did."""
    from kwartaal.files.paths import MEETINGS_DIR
    from kwartaal.files.store import JOURNAL, Journal

    notes: list[Msg] = []
    journal = Journal.load(place.state / JOURNAL, place.top)
    folders = {body_root, body_root / MEETINGS_DIR}
    if journal is not None:
        folders |= {(place.top / rel).parent for rel in journal.files}
        notes += _settle(place, journal)
    for folder in folders:
        clear_stale_temporaries(folder)
    return notes


def _settle(place: Any, journal: Any) -> list[Msg]:
    from kwartaal.files.lock import wait_for_git
    from kwartaal.vcs.gitops import open_repo, restore_index

    # The killed command's git child may outlive it and still be finishing the commit.
    wait_for_git(place)
    pending = journal.commit
    rels = [r for r in (pending or {}).get("paths", []) if r in journal.files]
    repo = open_repo(place.top) if pending is not None else None
    if repo is not None and rels and all(journal.state(r) == "after" for r in rels):
        if not repo.git.status("--porcelain", "--", *rels).strip():
            journal.drop()  # its commit was made after all
            return []
        return [_commit_for(place, journal, pending, rels)]
    if repo is not None:
        restore_index(repo, [r for r in pending["paths"] if r in journal.files
                              and journal.state(r) != "changed"], pending.get("index", ""))
    restored, changed = journal.rollback()
    notes = []
    if restored:
        notes.append(msg(
            "a kwartaal command (process {pid}) was stopped in the middle of its change; it is "
            "undone, so these files are as they were before it: {files}",
            pid=journal.pid, files=", ".join(_shown(p) for p in restored)))
    for path in changed:
        notes.append(settle_by_hand(path, (pending or {}).get("message")))
    journal.drop()
    return notes


def _commit_for(place: Any, journal: Any, pending: dict[str, Any], rels: list[str]) -> Msg:
    """Make the commit a killed command was making: its files are exactly as it wrote them."""
    from kwartaal.files.store import journaled
    from kwartaal.vcs.gitops import commit

    try:
        with journaled(journal):
            result = commit(place.top, [place.top / r for r in rels], pending["message"],
                            author=pending.get("author"))
    except KwartaalError as exc:
        restored, _ = journal.rollback()
        journal.drop()
        raise KwartaalError(msg(
            "a kwartaal command (process {pid}) was stopped before it could commit its change "
            "({message}); committing it now failed, so it is undone ({files}):\n{reason}",
            pid=journal.pid, message=pending["message"],
            files=", ".join(_shown(p) for p in restored) or "-", reason=exc.message)) from exc
    journal.drop()  # anything else it wrote belongs to the change it finished
    return msg("a kwartaal command (process {pid}) was stopped before it could commit its "
               "change; committed it now: {message} (commit {sha})",
               pid=journal.pid, message=pending["message"], sha=(result.sha or "")[:8])


def _shown(path: Path) -> str:
    from kwartaal.files.paths import shown_path

    return shown_path(path)


def settle_by_hand(path: Path, message: str | None) -> Msg:
    """The exact commands that settle a file a stopped command changed, when kwartaal cannot
    tell what to do with it (it was changed again since)."""
    import shlex

    from kwartaal.vcs.gitops import open_repo

    name = shlex.quote(_shown(path))
    keep = f"git add -- {name} && git commit -m " \
        f"{shlex.quote(message or 'kwartaal: ' + _shown(path))} -- {name}"
    repo = open_repo(path.parent)
    tracked = repo is not None and bool(repo.git.ls_files("--", str(path)).strip())
    drop = f"git restore --source=HEAD --staged --worktree -- {name}" if tracked else \
        f"git rm -q --cached --ignore-unmatch -- {name}; rm -- {name}"
    return msg("{file} was changed by a kwartaal command that was stopped, and again since; "
               "kwartaal leaves it alone. To keep it: {keep} — to drop it: {drop}",
               file=_shown(path), keep=keep, drop=drop)


STALE_TEMPORARY = 600.0  # no write takes ten minutes: older means its process id was reused


def clear_stale_temporaries(folder: Path, pattern: str = ".*.tmp") -> list[Path]:
    """Remove the temporary files of writes that were killed half-way: the name
    (.NAME.PID.XXXXXXXX.tmp) carries the writer's process id; its process is gone."""
    import time

    from kwartaal.files.lock import pid_alive

    removed = []
    try:
        strays = list(folder.glob(pattern))
    except OSError:
        return []
    for stray in strays:
        parts = stray.name[1:-len(".tmp")].rsplit(".", 2)
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[2]) != 8:
            continue
        try:
            old = time.time() - stray.stat().st_mtime > STALE_TEMPORARY
            if old or not pid_alive(int(parts[1])):
                stray.unlink()
                removed.append(stray)
        except OSError:
            continue
    return removed


def writes(func: Callable[..., Any]) -> Callable[..., Any]:
    """For commands that change files: hold the repository's lock from reading to committing,
    so that commands at the same moment all get their change in, one after the other; first
    settle what a killed command left; pass every write of a body file through the privacy
    check (--allow-private to override); and make the change all or nothing: when the command
    fails, or is interrupted before its commit, the files it changed are put back as they
    were (see store.Journal). SIGINT and SIGTERM wait for a safe point meanwhile."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, allow_private: bool = False, **kwargs: Any) -> Any:
        from kwartaal.cli.shared import run_writing

        return run_writing(func, args, kwargs, allow_private=allow_private)

    return click.option(
        "--allow-private", is_flag=True,
        help="Write a text even though the privacy check finds contact details, a bank "
             "account, a citizen service number or a hidden name in it (the line is marked "
             "so).")(wrapper)
