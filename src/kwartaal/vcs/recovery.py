"""What a killed command left, settled by the next one: the journal of a change that was
stopped before it finished (store.Journal) is committed when it was complete, else undone;
temporary files of killed writes are removed. And no change while git is in the middle of a
rebase or a merge. Used by the write pipeline (edit.pipeline) with the repository's lock held."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kwartaal.core.problems import KwartaalError, Msg, msg


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
    change when it was complete and about to be committed, else undo it. Says what it did.

    A write names its file in the journal before it makes its temporary file, so only the
    folders of a journal left behind can hold one: without a journal no folder is listed (a
    write does not grow with the number of meetings). A temporary file of a write outside a
    journal goes with the next write of the same file (files.atomic)."""
    from kwartaal.files.lock import JOURNAL
    from kwartaal.files.store import Journal

    notes: list[Msg] = []
    journal = Journal.load(place.state / JOURNAL, place.top)
    if journal is None:
        return notes
    folders = {(place.top / rel).parent for rel in journal.files}
    notes += _settle(place, journal)
    for folder in folders:
        clear_stale_temporaries(folder)
    return notes


def _settle(place: Any, journal: Any) -> list[Msg]:
    from kwartaal.files.lock import wait_for_git
    from kwartaal.vcs.gitops import literal, open_repo, restore_index

    # The killed command's git child may outlive it and still be finishing the commit.
    wait_for_git(place)
    pending = journal.commit
    rels = [r for r in (pending or {}).get("paths", []) if r in journal.files]
    repo = open_repo(place.top) if pending is not None else None
    if repo is not None and rels and all(journal.state(r) == "after" for r in rels):
        if not repo.git.status("--porcelain", "--", *literal(rels)).strip():
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

    from kwartaal.vcs.gitops import literal, open_repo

    name = shlex.quote(_shown(path))
    keep = f"git add -- {name} && git commit -m " \
        f"{shlex.quote(message or 'kwartaal: ' + _shown(path))} -- {name}"
    repo = open_repo(path.parent)
    tracked = repo is not None and bool(repo.git.ls_files("--", *literal([str(path)])).strip())
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

