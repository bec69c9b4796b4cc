"""Working together through git: the merge driver's set-up, and sync with a shared remote."""

from __future__ import annotations

import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .gitops import open_repo
from .problems import KwartaalError, msg

ATTRIBUTES = (
    "# kwartaal merges its TOML files record by record (kwartaal setup-git)\n"
    "kwartaal.toml merge=kwartaal\n"
    "people.toml merge=kwartaal\n"
    "meetings/*.toml merge=kwartaal\n"
)


def driver_command() -> str:
    return f"{shlex.quote(sys.executable)} -m kwartaal merge-driver %O %A %B %P"


def write_attributes(root: Path) -> Path | None:
    """Add kwartaal's lines to the body's .gitattributes; the file if it changed."""
    path = root / ".gitattributes"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    missing = [line for line in ATTRIBUTES.splitlines()
               if line and not line.startswith("#") and line not in current.splitlines()]
    if not missing:
        return None
    from .store import atomic_write

    text = current + ("" if not current or current.endswith("\n") else "\n")
    text += ATTRIBUTES if len(missing) == 3 else "\n".join(missing) + "\n"
    atomic_write(path, text)
    return path


def configure_driver(root: Path) -> bool:
    """Register the driver in this clone's git configuration; False outside git."""
    repo = open_repo(root)
    if repo is None:
        return False
    with repo.config_writer() as config:
        config.set_value('merge "kwartaal"', "name", "kwartaal record merge")
        config.set_value('merge "kwartaal"', "driver", driver_command())
    return True


def run_driver(base: Path, ours: Path, theirs: Path, shown: str) -> int:
    """What git calls: merge into `ours`; 0 when clean, 1 with conflict markers left."""
    from .merge import Conflict, merge_texts
    from .store import atomic_write

    try:
        outcome = merge_texts(base.read_text(encoding="utf-8"),
                              ours.read_text(encoding="utf-8"),
                              theirs.read_text(encoding="utf-8"))
    except Conflict as exc:
        print(f"kwartaal: {shown}: both sides changed '{exc}'; merging by lines",
              file=sys.stderr)
        return _line_merge(base, ours, theirs)
    except Exception as exc:  # noqa: BLE001 - an unreadable side: let git's merge decide
        print(f"kwartaal: {shown}: cannot merge by record ({exc}); merging by lines",
              file=sys.stderr)
        return _line_merge(base, ours, theirs)
    atomic_write(ours, outcome.text)
    for old, new in outcome.renumbered.items():
        print(f"kwartaal: {shown}: incoming record {old} renumbered to {new} (both sides added "
              f"{old})", file=sys.stderr)
    return 0


def _line_merge(base: Path, ours: Path, theirs: Path) -> int:
    result = subprocess.run(["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs",
                             str(ours), str(base), str(theirs)], check=False)
    return 1 if result.returncode != 0 else 0


@dataclass(slots=True)
class SyncReport:
    remote: str
    branch: str
    pulled: int = 0
    pushed: bool = False
    notes: list[tuple[str, str]] = field(default_factory=list)


def _git_error(exc: Any) -> str:
    return (getattr(exc, "stderr", "") or str(exc)).strip().removeprefix("stderr:").strip(" '\n")


def sync(root: Path, *, check: Any) -> SyncReport:
    """Fetch, rebase on the remote branch, check, push. Stops with a plain explanation."""
    import git

    repo = open_repo(root)
    if repo is None:
        raise KwartaalError(msg(
            "{root} is not in a git repository, so there is nothing to sync; make it one with "
            "'git init' and add a remote", "{root} staat niet in een git-repository; maak er "
            "een van met 'git init' en voeg een remote toe", root=root))
    git_dir = Path(repo.git_dir)
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        raise KwartaalError(msg(
            "an earlier sync stopped in the middle of a rebase; finish it with 'git rebase "
            "--continue' after fixing the files, or undo it with 'git rebase --abort'",
            "een eerdere sync is midden in een rebase gestopt; maak die af met 'git rebase "
            "--continue' na het herstellen, of draai terug met 'git rebase --abort'"))
    if repo.head.is_detached:
        raise KwartaalError(msg(
            "HEAD is detached (not on a branch); switch to your branch first, e.g. "
            "'git switch main'", "HEAD staat los (op geen branch); ga eerst naar je branch, "
            "bijv. 'git switch main'"))
    branch = repo.active_branch
    tracking = branch.tracking_branch()
    if tracking is not None:
        remote_name, remote_branch = tracking.remote_name, tracking.remote_head
    elif repo.remotes:
        remote_name = "origin" if "origin" in [r.name for r in repo.remotes] else \
            repo.remotes[0].name
        remote_branch = branch.name
    else:
        raise KwartaalError(msg(
            "no remote is configured; add the shared repository once with "
            "'git remote add origin URL'",
            "er is geen remote ingesteld; voeg de gedeelde repository één keer toe met "
            "'git remote add origin URL'"))
    if repo.is_dirty(untracked_files=False):
        raise KwartaalError(msg(
            "there are uncommitted changes; commit them (or 'git stash' them) before sync",
            "er zijn wijzigingen die nog niet zijn vastgelegd; leg ze vast (of 'git stash') "
            "voor de sync"))
    configure_driver(root)
    report = SyncReport(remote_name, branch.name)
    try:
        repo.git.fetch(remote_name)
    except git.GitCommandError as exc:
        raise KwartaalError(msg("fetching from '{remote}' failed: {err}",
                                "ophalen van '{remote}' mislukte: {err}", remote=remote_name,
                                err=_git_error(exc))) from exc
    upstream = f"{remote_name}/{remote_branch}"
    has_upstream = any(ref.name == upstream for ref in repo.remotes[remote_name].refs)
    if has_upstream:
        behind = int(repo.git.rev_list("--count", f"HEAD..{upstream}"))
        report.pulled = behind
        if behind:
            try:
                repo.git.rebase(upstream)
            except git.GitCommandError as exc:
                conflicted = repo.git.diff("--name-only", "--diff-filter=U").split()
                if not conflicted:
                    raise KwartaalError(msg("the rebase on {up} failed: {err}",
                                            "de rebase op {up} mislukte: {err}", up=upstream,
                                            err=_git_error(exc))) from exc
                raise KwartaalError(msg(
                    "sync stopped: both you and someone else changed the same thing in {files}."
                    "\nOpen the file(s), look for the lines between <<<<<<< and >>>>>>>, keep "
                    "the right value, then run 'git add {files}' and 'git rebase --continue' "
                    "and 'kwartaal sync' again. To go back to how it was before the sync: "
                    "'git rebase --abort'.",
                    "sync gestopt: jij en iemand anders hebben hetzelfde gewijzigd in {files}."
                    "\nOpen het bestand, zoek de regels tussen <<<<<<< en >>>>>>>, houd de "
                    "juiste waarde, draai dan 'git add {files}' en 'git rebase --continue' en "
                    "opnieuw 'kwartaal sync'. Terug naar hoe het was vóór de sync: "
                    "'git rebase --abort'.", files=" ".join(conflicted))) from exc
    errors = check()
    if errors:
        raise KwartaalError(msg(
            "after pulling, 'kwartaal check' finds {n} error(s); nothing was pushed. Fix them, "
            "commit, and sync again", "na het ophalen vindt 'kwartaal check' {n} fout(en); er "
            "is niets verstuurd. Herstel ze, leg vast en sync opnieuw", n=errors))
    ahead = int(repo.git.rev_list("--count", f"{upstream}..HEAD")) if has_upstream else 1
    if ahead:
        try:
            args = ["-u"] if tracking is None else []
            repo.git.push(*args, remote_name, f"HEAD:refs/heads/{remote_branch}")
        except git.GitCommandError as exc:
            raise KwartaalError(msg(
                "the remote '{remote}' refused the push: {err}\nYour commits are safe here; "
                "run 'kwartaal sync' again (someone may have pushed in the meantime)",
                "de remote '{remote}' weigerde: {err}\nJe commits staan hier veilig; draai "
                "opnieuw 'kwartaal sync' (misschien pushte iemand net)", remote=remote_name,
                err=_git_error(exc))) from exc
        report.pushed = True
    return report
