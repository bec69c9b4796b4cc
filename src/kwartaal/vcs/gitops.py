"""Git for commands that change files: commit exactly the touched files, nothing else."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kwartaal.core.problems import KwartaalError, Msg, msg


@dataclass(slots=True)
class CommitResult:
    committed: bool
    sha: str | None
    reason: str  # "committed", "no-commit", "not-a-repository", "nothing-changed"


def open_repo(folder: Path) -> Any | None:
    """The git repository holding folder (it may be a subfolder), or None."""
    import git

    try:
        return git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None


def _rel(repo: Any, path: Path) -> str:
    return str(path.resolve().relative_to(Path(repo.working_tree_dir).resolve()))


def refuse_dirty(folder: Path, paths: Sequence[Path], force: bool = False, *,
                 forceable: bool = True) -> None:
    """Refuse to edit files that hold uncommitted changes, unless force. forceable: whether
    the command has a --force that takes them along (only then is it suggested)."""
    if force:
        return
    repo = open_repo(folder)
    if repo is None:
        return
    existing = [p for p in paths if p.exists()]
    if not existing or not repo.head.is_valid():
        return
    rels = [_rel(repo, p) for p in existing]
    # -z: each entry is "XY path", unquoted and never trimmed (a leading space is part of XY)
    listed = repo.git.status("--porcelain", "-z", "--no-renames", "--", *literal(rels))
    changed = [entry[3:] for entry in listed.split("\0") if len(entry) > 3]
    if changed:
        from kwartaal.files.paths import shown_path

        top = Path(repo.working_tree_dir)
        names = ", ".join(shown_path(top / name) for name in changed)
        if not forceable:
            raise KwartaalError(msg(
                "{names} has uncommitted changes; commit or discard them first "
                "(git commit / git restore)",
                names=names))
        raise KwartaalError(msg(
            "{names} has uncommitted changes; commit or discard them first "
            "(git commit / git restore), or pass --force to include them in this change",
            names=names))


def committed_text(folder: Path, path: Path) -> str | None:
    """The file as the last commit has it: '' when the commit lacks it, None outside git or
    before the first commit. What --force takes along is checked against this."""
    repo = open_repo(folder)
    if repo is None or not repo.head.is_valid():
        return None
    try:
        data = repo.git.show(f"HEAD:{_rel(repo, path)}", stdout_as_string=False)
    except Exception:  # noqa: BLE001 - git says the commit has no such file
        return ""
    return bytes(data).decode("utf-8", "replace").removeprefix("\ufeff")


def commit(folder: Path, paths: Sequence[Path], message: str, *, no_commit: bool = False,
           author: str | None = None) -> CommitResult:
    """Commit exactly paths with message; other staged or changed files stay as they are.

    When git refuses, the index is put back as it was and KwartaalError is raised; the writing
    pipeline (edit.pipeline) then puts the files back from its journal."""
    from kwartaal.files.store import current_journal

    journal = current_journal()
    if no_commit:
        return _settled(journal, paths, CommitResult(False, None, "no-commit"))
    repo = open_repo(folder)
    if repo is None:
        return _settled(journal, paths, CommitResult(False, None, "not-a-repository"))
    import git

    from kwartaal.files.signals import raise_if_signalled

    raise_if_signalled()  # the last safe point: after this the commit is made or undone
    rels = [_rel(repo, p) for p in paths]
    head = _head(repo)
    index = repo.git.ls_files("-s", "-z", "--", *literal(rels))
    if journal is not None:
        journal.committing(rels, message, author, head, index)
    try:
        alone = head is not None and _only_staged(repo, rels)
        repo.git.add("--", *literal(rels))
        if not _differs(repo, rels, head):
            return _settled(journal, paths, CommitResult(False, None, "nothing-changed"))
    except git.GitCommandError as exc:
        restore_index(repo, rels, index)
        raise KwartaalError(msg(
            "git could not stage the files, so nothing was committed: {detail}",
            detail=_output(exc))) from exc
    args = ["-q", "-m", message]
    if author:
        args.append(f"--author={author}")
    # With nothing else staged, the index is the commit: a plain commit makes the same one,
    # without the second, temporary index of the whole tree that --only builds
    only = [] if alone else ["--only", "--", *literal(rels)]
    try:
        repo.git.commit(*args, *only, env=_hook_env())
    except git.GitCommandError as exc:
        # git may have been stopped (a ^C reaches it too) after the commit was made
        if not _made(repo, head, rels):
            restore_index(repo, rels, index)
            raise KwartaalError(_commit_failure(repo, exc)) from exc
    except BaseException:
        if not _made(repo, head, rels):
            restore_index(repo, rels, index)
        raise
    sha = _head(repo)
    return _settled(journal, paths, CommitResult(True, sha, "committed"), repo)


def _settled(journal: Any, paths: Sequence[Path], result: CommitResult,
             repo: Any = None) -> CommitResult:
    if journal is not None:
        rels = [r for r in (journal.rel(p) for p in paths) if r is not None]
        journal.settle(rels, result.sha)
    return result


def literal(rels: Sequence[str]) -> list[str]:
    """Paths as git pathspecs that mean just those paths: a body folder named 'b[x]' or 'a*'
    is not a pattern that takes in other bodies' files."""
    return [f":(literal){rel}" for rel in rels]


def _only_staged(repo: Any, rels: list[str]) -> bool:
    """Whether the index holds no change against HEAD but (perhaps) in rels: then committing
    the index after adding rels commits exactly rels. Git compares only what changed (the
    index keeps the trees it has seen), so this does not grow with the body."""
    import git

    outside = [f":(exclude,literal){rel}" for rel in rels]
    try:
        repo.git.diff_index("--cached", "--quiet", "HEAD", "--", ":/", *outside)
    except git.GitCommandError:  # exit 1: something else is staged (or git refused)
        return False
    return True


def _differs(repo: Any, rels: list[str], head: str | None) -> bool:
    """Whether the staged rels differ from HEAD (before the first commit: whether git
    lists them at all)."""
    import git

    if head is None:
        return bool(repo.git.status("--porcelain", "--", *literal(rels)).strip())
    try:
        repo.git.diff_index("--cached", "--quiet", "HEAD", "--", *literal(rels))
    except git.GitCommandError as exc:
        if exc.status == 1:
            return True
        raise
    return False


def _head(repo: Any) -> str | None:
    """HEAD's commit, asked of a new git process (GitPython's long-running reader may have
    been stopped by the same ^C)."""
    import git

    try:
        return repo.git.rev_parse("--verify", "-q", "HEAD").strip() or None
    except git.GitCommandError:
        return None


def _made(repo: Any, head: str | None, rels: list[str]) -> bool:
    """Whether a commit that git reported as failed was made all the same."""
    import git

    try:
        return _head(repo) != head and not repo.git.status("--porcelain", "--",
                                                           *literal(rels)).strip()
    except git.GitCommandError:
        return False


def restore_index(repo: Any, rels: list[str], index: str) -> None:
    """Put the index entries of rels back as `git ls-files -s -z` listed them before (a path
    that was not there is removed: mode 0). A git stopped by the same ^C may have left its
    index lock, which would refuse this."""
    import subprocess

    from kwartaal.files.lock import clear_own_git_locks, find_place

    clear_own_git_locks(find_place(Path(repo.working_tree_dir)))

    listed = {entry.split("\t", 1)[1]: entry for entry in index.split("\0") if "\t" in entry}
    entries = [listed.get(rel, f"0 {'0' * 40}\t{rel}") for rel in rels]
    subprocess.run(["git", "update-index", "-z", "--index-info"], cwd=repo.working_tree_dir,
                   input="".join(e + "\0" for e in entries).encode("utf-8"),
                   capture_output=True, check=False)


def _output(exc: Any) -> str:
    """What git (and any hook it ran, whose output git sends to stderr) printed."""
    parts = []
    for raw, label in ((exc.stderr, "stderr"), (exc.stdout, "stdout")):
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
        # GitPython wraps it as "\n  stderr: '...'"
        text = text.strip()
        if text.startswith(f"{label}: '") and text.endswith("'"):
            text = text[len(label) + 3:-1]
        if text.strip():
            parts.append(text.strip("\n"))
    return "\n".join(parts) or str(exc)


# What git says when it does not know who is committing (with LC_ALL=C, as GitPython runs it).
_NO_IDENTITY = ("Please tell me who you are", "identity unknown",
                "unable to auto-detect email address", "empty ident name", "no email was given")


def _commit_failure(repo: Any, exc: Any) -> Msg:
    """Why `git commit` failed, in words that point at the real cause."""
    from kwartaal.vcs.hooks import SAYS, hook_path, is_ours

    detail = _output(exc)
    if any(phrase in detail for phrase in _NO_IDENTITY):
        return msg(
            "git does not know who is committing (no user.name / user.email), so nothing was "
            "committed. Set them once with git config --global user.name \"Your Name\" and "
            "git config --global user.email you@example.org, then try again")
    try:
        hook = hook_path(Path(repo.working_tree_dir))
    except KwartaalError:
        hook = None  # git's own message below is still the right one to show
    # Git prints nothing of its own when the pre-commit hook fails and exits 1; the hook ran
    # before git looked at anything else.
    hook_ran = hook is not None and os.access(hook, os.X_OK) and exc.status == 1
    if SAYS in detail or (hook_ran and is_ours(hook)):
        return msg(
            "kwartaal's pre-commit check refused the commit, so nothing was committed:\n"
            "{detail}\nFix what it reports and try again",
            detail=detail)
    if hook_ran:
        return msg(
            "the repository's pre-commit hook ({hook}) refused the commit, so nothing was "
            "committed:\n{detail}",
            hook=hook, detail=detail)
    return msg("git could not commit the change: {detail}",
               detail=detail)


def _hook_env() -> dict[str, str]:
    """For the check the pre-commit hook runs: that kwartaal itself commits (its warnings do
    not refuse, see hooks.OWN_COMMIT), and the date and language this command was given, so
    that a change made with --today is checked against that same day."""
    import click

    from kwartaal.vcs.hooks import OWN_COMMIT

    env = {OWN_COMMIT: "1"}
    ctx = click.get_current_context(silent=True)
    state = ctx.find_root().obj if ctx is not None else None
    for attr, name in (("today_text", "KWARTAAL_TODAY"), ("lang_option", "KWARTAAL_LANG")):
        value = getattr(state, attr, None)
        if isinstance(value, str) and value:
            env[name] = value
    return env


@dataclass(slots=True)
class CommitInfo:
    sha: str
    date: str
    author: str
    subject: str


def commits_touching(path: Path, first: int, last: int) -> list[CommitInfo]:
    """Commits that changed lines first..last of path as they are now (git log -L), newest
    first; empty outside git or for a file git does not track yet."""
    repo = open_repo(path.parent)
    if repo is None or not repo.head.is_valid():
        return []
    import git

    rel = _rel(repo, path)
    try:
        out = repo.git.log(f"-L{first},{last}:{rel}", "--no-patch",
                           "--format=%x1e%H%x1f%ad%x1f%an%x1f%s", "--date=short")
    except git.GitCommandError:
        return []
    commits = []
    for block in out.split("\x1e"):
        head = block.strip().splitlines()[0] if block.strip() else ""
        parts = head.split("\x1f")
        if len(parts) == 4:
            commits.append(CommitInfo(*parts))
    return commits


def tag_head(folder: Path, name: str, message: str) -> None:
    """An annotated tag on HEAD; an existing tag of that name is moved (re-publishing)."""
    repo = open_repo(folder)
    if repo is None:
        return
    repo.git.tag("-f", "-a", name, "-m", message)


