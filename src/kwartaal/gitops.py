"""Git for commands that change files: commit exactly the touched files, nothing else."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .problems import KwartaalError, Msg, msg


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
    except git.GitCommandError as exc:
        raise KwartaalError(msg(
            "the files were changed but git could not stage them: {detail}",
            "de bestanden zijn gewijzigd maar git kon ze niet stagen: {detail}",
            detail=_output(exc))) from exc
    args = ["-q", "-m", message]
    if author:
        args.append(f"--author={author}")
    try:
        repo.git.commit(*args, "--only", "--", *rels, env=_hook_env())
    except git.GitCommandError as exc:
        raise KwartaalError(_commit_failure(repo, exc)) from exc
    return CommitResult(True, repo.head.commit.hexsha, "committed")


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
    from .hooks import SAYS, hook_path, is_ours

    detail = _output(exc)
    if any(phrase in detail for phrase in _NO_IDENTITY):
        return msg(
            "git does not know who is committing (no user.name / user.email), so nothing was "
            "committed. Set them once with git config --global user.name \"Your Name\" and "
            "git config --global user.email you@example.org, then try again",
            "git weet niet wie er vastlegt (geen user.name / user.email), dus er is niets "
            "vastgelegd. Stel ze één keer in met git config --global user.name \"Je Naam\" en "
            "git config --global user.email jij@example.org, en probeer het opnieuw")
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
            "de pre-commit-controle van kwartaal weigerde de commit, dus er is niets "
            "vastgelegd:\n{detail}\nHerstel wat die meldt en probeer het opnieuw",
            detail=detail)
    if hook_ran:
        return msg(
            "the repository's pre-commit hook ({hook}) refused the commit, so nothing was "
            "committed:\n{detail}",
            "de pre-commit-hook van de repository ({hook}) weigerde de commit, dus er is niets "
            "vastgelegd:\n{detail}", hook=hook, detail=detail)
    return msg("git could not commit the change: {detail}",
               "git kon de wijziging niet vastleggen: {detail}", detail=detail)


def _hook_env() -> dict[str, str]:
    """For the check the pre-commit hook runs: that kwartaal itself commits (its warnings do
    not refuse, see hooks.OWN_COMMIT), and the date and language this command was given, so
    that a change made with --today is checked against that same day."""
    import click

    from .hooks import OWN_COMMIT

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
