"""Git for commands that change files: commit exactly the touched files, nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .problems import KwartaalError, msg


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


def refuse_dirty(folder: Path, paths: Sequence[Path], force: bool = False) -> None:
    """Refuse to edit files that hold uncommitted changes, unless force."""
    if force:
        return
    repo = open_repo(folder)
    if repo is None:
        return
    existing = [p for p in paths if p.exists()]
    if not existing or not repo.head.is_valid():
        return
    rels = [_rel(repo, p) for p in existing]
    changed = repo.git.status("--porcelain", "--", *rels).strip()
    if changed:
        names = ", ".join(line[3:] for line in changed.splitlines())
        raise KwartaalError(msg(
            "{names} has uncommitted changes; commit or discard them first "
            "(git commit / git restore), or pass --force to include them in this change",
            "{names} heeft wijzigingen die nog niet zijn vastgelegd; leg ze eerst vast of "
            "draai ze terug (git commit / git restore), of gebruik --force om ze mee te nemen",
            names=names))


def commit(folder: Path, paths: Sequence[Path], message: str, *, no_commit: bool = False,
           author: str | None = None) -> CommitResult:
    """Commit exactly paths with message; other staged or changed files stay as they are."""
    if no_commit:
        return CommitResult(False, None, "no-commit")
    repo = open_repo(folder)
    if repo is None:
        return CommitResult(False, None, "not-a-repository")
    import git

    rels = [_rel(repo, p) for p in paths]
    try:
        repo.git.add("--", *rels)
        if not repo.git.status("--porcelain", "--", *rels).strip():
            return CommitResult(False, None, "nothing-changed")
        args = ["-q", "-m", message]
        if author:
            args.append(f"--author={author}")
        repo.git.commit(*args, "--only", "--", *rels)
    except git.GitCommandError as exc:
        detail = (exc.stderr or str(exc)).strip().removeprefix("stderr:").strip(" '")
        raise KwartaalError(msg(
            "the files were changed but git could not commit them: {detail}\n"
            "the change is in your working tree; commit it yourself once git is set up "
            "(e.g. git config user.name / user.email)",
            "de bestanden zijn gewijzigd maar git kon ze niet vastleggen: {detail}\n"
            "de wijziging staat in je werkmap; leg die zelf vast zodra git is ingesteld "
            "(bijv. git config user.name / user.email)", detail=detail)) from exc
    return CommitResult(True, repo.head.commit.hexsha, "committed")


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
