"""The one way a change gets into a body: lock, settle, refuse, change, check, commit.

run_change holds the repository's lock from reading the body to committing, so that commands
at the same moment all get their change in, one after the other; settles what a killed command
left (vcs.recovery); refuses while git is in the middle of a rebase or a merge, and refuses to
touch a file with uncommitted changes (unless forced); passes every write of a body file through
the write check (privacy, and no new errors); commits exactly the files the change wrote; and
makes it all or nothing: a failure, or an interrupt before the commit, puts every file back as
it was (store.Journal). SIGINT and SIGTERM wait for a safe point meanwhile.

No click here: the command line is one user of it, a script or a test another.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kwartaal.core import model as m
from kwartaal.core.problems import KwartaalError, Msg, msg
from kwartaal.edit.change import Change

Say = Callable[[Msg], None]
GitState = tuple[str | None, bool]  # the commit HEAD points at; whether a rebase is under way


# What git takes for --author without looking anything up: a name, then an e-mail in <>.
AUTHOR = re.compile(r"[^<>\n]*[^<>\s][^<>\n]* <[^<>\s]+>")


def ignore(_: Msg) -> None:
    """For callers that do not want to hear about the lock or recovery."""


@dataclass(frozen=True, slots=True)
class CommitOptions:
    """How a change is committed: not at all (no_commit), under another author, and whether a
    write may add what the privacy check would refuse (the line is then marked)."""

    no_commit: bool = False
    author: str | None = None
    allow_private: bool = False

    def __post_init__(self) -> None:
        if self.author is not None and not AUTHOR.fullmatch(self.author):
            raise KwartaalError(msg(  # before anything is written, not when git refuses it
                "the author '{author}' must be written as 'Name <e-mail>', e.g. 'Lotte Demir "
                "<l.demir@example.org>'", author=self.author))


@dataclass(slots=True)
class Outcome:
    change: Change
    commit: Any  # gitops.CommitResult
    body: m.Body | None = None  # the body as the edit read it


@dataclass(slots=True)
class Guard:
    """Which files with uncommitted changes the change may touch: none (the default), or, when
    forced, any (they are committed with it). forceable: the caller can force (a --force), so
    the refusal says how."""

    force: bool = False
    forceable: bool = False
    seen: set[Path] = field(default_factory=set)

    def check(self, root: Path, path: Path) -> None:
        if self.force or path in self.seen:
            return
        from kwartaal.vcs.gitops import refuse_dirty

        refuse_dirty(root, [path], forceable=self.forceable)
        self.seen.add(path)


def run_change(root: Path | str, edit: Callable[[m.Body], Change], *,
               options: CommitOptions | None = None, force: bool = False,
               forceable: bool = False, load: Callable[[Path], m.Body] | None = None,
               report: Callable[[Change], None] | None = None, say: Say = ignore) -> Outcome:
    """Run edit on the body at root (read with load, default the whole checked body) and commit
    the Change it returns. report is called with the change before it is committed (to show
    what it said while the command still runs); say hears about the lock and recovery."""
    from kwartaal.files.library import body_folder
    from kwartaal.files.store import checked_writes, current_journal, current_write_check

    if not isinstance(root, Path):  # from a program: say plainly when it is not a body
        root = body_folder(root)
    options = options or CommitOptions()
    loaded: list[m.Body] = []

    def body() -> m.Body:
        if not loaded:
            from kwartaal.files.loader import load_checked

            loaded.append((load or load_checked)(root))
        return loaded[0]

    guard = Guard(force, forceable)
    with writing(root, allow_private=options.allow_private, get_body=body, say=say):
        check = current_write_check()

        def guarded(path: Path, old: str, new: str) -> str:
            guard.check(root, path)
            if force:  # what --force takes along was never checked: check it with the change
                from kwartaal.vcs.gitops import committed_text

                base = committed_text(root, path)
                old = old if base is None else base
            return check(path, old, new) if check is not None else new

        with checked_writes(guarded):
            change = edit(body())
            if not isinstance(change, Change):  # a program's mistake: its writes are put back
                raise TypeError(f"the edit function must return a Change, not "
                                f"{type(change).__name__}")
            journal = current_journal()
            for path in change.paths:  # named but left as it was (a value set to itself):
                written = journal is not None and journal.rel(path) in journal.files
                if not written and path.suffix == ".toml" and path.is_file():
                    _pass_through(path)  # it is committed, so it is checked all the same
        if report is not None:
            report(change)
        result = commit_change(root, change, options)
    return Outcome(change, result, loaded[0] if loaded else None)


def _pass_through(path: Path) -> None:
    """Write a file as it is, through the checks every write passes: the refusal of
    uncommitted changes, and under --force the privacy and format check of what they add."""
    from kwartaal.files.store import read_text, write_body_file

    text, bom = read_text(path)
    write_body_file(path, text, text, bom=bom)


def commit_change(root: Path, change: Change, options: CommitOptions) -> Any:
    """Commit exactly the change's files (tagged, if it asks); within a writing session."""
    from kwartaal.vcs.gitops import CommitResult, commit, tag_head

    if not change.paths:
        return CommitResult(False, None, "nothing-changed")
    result = commit(root, change.paths, change.message, no_commit=options.no_commit,
                    author=options.author)
    if change.tag and result.reason == "committed":
        tag_head(root, change.tag, change.message)
    return result


@contextmanager
def writing(root: Path, *, allow_private: bool = False,
            get_body: Callable[[], m.Body] | None = None, say: Say = ignore) -> Iterator[None]:
    """The frame of any change to the repository (run_change, and sync): hold the lock, clear
    git's stale locks and settle what a killed command left; check every write of a body file
    (get_body gives the body the check compares with); journal every write so that a failure
    or an interrupt before the commit puts the files back as they were; hold SIGINT and SIGTERM
    back until a safe point, and say in which state they left things. An interrupt ends with
    SystemExit(128 + the signal's number)."""
    from kwartaal.files.lock import JOURNAL, body_lock, clear_stale_git_locks
    from kwartaal.files.signals import Interrupted, held_signals, raise_if_signalled
    from kwartaal.files.store import Journal, checked_writes, journaled
    from kwartaal.files.writecheck import write_check
    from kwartaal.vcs.recovery import recover, refuse_during_git_operation

    if get_body is None:
        from kwartaal.files.loader import load_checked

        def get_body() -> m.Body:
            return load_checked(root)

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
                            get_body, allow_private=allow_private)):
                        raise_if_signalled()
                        yield
                except Interrupted as exc:
                    _undo(place, start, journal, exc, held.signum, say)
                    raise
                except SystemExit:
                    journal.drop()  # a deliberate end, not a failure
                    raise
                except BaseException as exc:
                    _undo(place, start, journal, exc, held.signum, say)
                    raise
                journal.drop()  # what it wrote and did not commit, it meant to leave so
                if held.signum is not None:
                    _interrupted(journal, held.signum, [], say, finished=True)
    except Interrupted as exc:  # while waiting for a lock: nothing was touched yet
        _interrupted(None, exc.signum, [], say)


def settle_interrupted(root: Path, say: Say = ignore) -> None:
    """Before a command reads: a change killed before it finished left its journal; settle it
    now, as the next writing command would (commit it when it was complete, else undo it), so
    that no reader sees a half-made change. A change still under way holds the lock: waiting
    for it means reading what it made. Not inside a git hook: the commit that runs the hook
    holds git's index (and kwartaal's own commit, the lock)."""
    import os

    from kwartaal.files.lock import journal_left
    from kwartaal.vcs.hooks import OWN_COMMIT

    if os.environ.get(OWN_COMMIT) or os.environ.get("GIT_INDEX_FILE") or not journal_left(root):
        return
    try:
        with writing(root, say=say):
            pass
    except KwartaalError as exc:  # git in the middle of a rebase, say: read on, and say so
        say(exc.message)


def _undo(place: Any, start: GitState, journal: Any, exc: BaseException, signum: int | None,
          say: Say) -> None:
    """The change failed or was interrupted: put back what it changed and did not commit,
    and say so; returns only to let the caller re-raise exc."""
    from kwartaal.files.lock import clear_own_git_locks
    from kwartaal.files.signals import Interrupted
    from kwartaal.vcs.recovery import settle_by_hand

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
    raise SystemExit(128 + signum)


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
