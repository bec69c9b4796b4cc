"""Working together through git: the merge driver's set-up, and sync with a shared remote."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kwartaal.core.ids import KIND_WORDS
from kwartaal.core.problems import InvalidBody, KwartaalError, Msg, Said, msg
from kwartaal.core.words import Plural
from kwartaal.vcs.gitops import open_repo

ATTRIBUTES = (
    "# kwartaal merges its TOML files record by record (kwartaal setup-git)\n"
    "kwartaal.toml merge=kwartaal\n"
    "people.toml merge=kwartaal\n"
    "meetings/*.toml merge=kwartaal\n"
    "polls/*.toml merge=kwartaal\n"
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
    from kwartaal.files.store import atomic_write

    text = current + ("" if not current or current.endswith("\n") else "\n")
    every = [line for line in ATTRIBUTES.splitlines() if line and not line.startswith("#")]
    text += ATTRIBUTES if len(missing) == len(every) else "\n".join(missing) + "\n"
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


LOG_ENV = "KWARTAAL_MERGE_LOG"  # set by sync: where the driver also writes what it did


def run_driver(base: Path, ours: Path, theirs: Path, shown: str) -> int:
    """What git calls: merge into `ours`; 0 when clean, 1 when git must mark it conflicted."""
    from kwartaal.vcs.merge import Conflict, merge_texts

    try:
        outcome = merge_texts(base.read_text(encoding="utf-8"),
                              ours.read_text(encoding="utf-8"),
                              theirs.read_text(encoding="utf-8"))
    except Conflict as exc:
        _tell(shown, "conflict", msg(
            "{path}: both sides changed '{what}' differently; merged by lines, with conflict "
            "markers where they differ",
            path=shown, what=str(exc)))
        return _line_merge(base, ours, theirs)
    except Exception as exc:  # noqa: BLE001 - an unreadable side: let git's merge decide
        _tell(shown, "conflict", msg(
            "{path}: cannot merge record by record ({err}); merged by lines",
            path=shown, err=str(exc)))
        return _line_merge(base, ours, theirs)
    # git's own temporary file, read back at once: no need for the store's fsync
    ours.write_bytes(outcome.text.encode("utf-8"))
    if outcome.collisions:
        from kwartaal.core.ids import new_local_id

        used = {str(r.get("id")) for r in _records(outcome.text)}
        rebasing = _rebasing()
        for clash in outcome.collisions:
            word = KIND_WORDS.get(clash.kind, clash.kind)
            free = new_local_id(clash.kind, used) if clash.kind in KIND_WORDS else ""
            # During a rebase the replayed side ("theirs") is the local, unpushed commit.
            mine = clash.theirs if rebasing else clash.ours
            _tell(shown, "collision", msg(
                "{path}: both sides added a different {kind} with the same id '{id}': '{ours}' "
                "and '{theirs}'. kwartaal does not renumber records, because an id may already "
                "be used elsewhere, so the file is marked as conflicted and holds both. Give "
                "yours, '{mine}', which was not shared yet, a new id{example} (and change "
                "whatever refers to it), then 'git add' the file and continue",
                path=shown, kind=word, id=clash.id,
                ours=_summary(clash.ours), theirs=_summary(clash.theirs), mine=_summary(mine),
                example=msg(", for example '{free}'", free=free) if free else ""))
        return 1
    _tell(shown, "merged", msg("{path}: merged record by record",
                               path=shown))
    return 0


def _rebasing() -> bool:
    """Whether git is replaying commits (rebase) rather than merging two branches."""
    found = subprocess.run(["git", "rev-parse", "--git-path", "rebase-merge"],
                           capture_output=True, text=True, check=False)
    return found.returncode == 0 and Path(found.stdout.strip()).is_dir()


def _records(text: str) -> list[dict[str, Any]]:
    import tomllib

    data = tomllib.loads(text.removeprefix("\ufeff"))
    return [r for value in data.values() if isinstance(value, list)
            for r in value if isinstance(r, dict)]


def _summary(record: dict[str, Any]) -> str:
    text = " ".join(str(record.get("title") or record.get("text") or record.get("person")
                        or "").split())
    return text[:40] + ("…" if len(text) > 40 else "")


def _tell(shown: str, event: str, message: Msg) -> None:
    """Say what the driver did: on stderr, which git passes on to a terminal (git pull), and
    in sync's log, because sync runs git with its output captured."""
    print(f"kwartaal: {message.render(_language(shown))}", file=sys.stderr)
    log = os.environ.get(LOG_ENV)
    if log:
        import json

        line = json.dumps({"path": shown, "event": event, "en": message.render("en"),
                           "nl": message.render("nl")}, ensure_ascii=False)
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def _language(shown: str) -> str:
    """The language of the body the file belongs to (git runs the driver at the top)."""
    if os.environ.get("KWARTAAL_LANG") in ("nl", "en"):
        return os.environ["KWARTAAL_LANG"]
    import tomllib

    folder = Path(shown).resolve().parent
    for candidate in (folder, *folder.parents):
        config = candidate / "kwartaal.toml"
        if config.is_file():
            try:
                body = tomllib.loads(config.read_text(encoding="utf-8")).get("body", {})
            except (OSError, ValueError):
                break
            return "en" if body.get("language") == "en" else "nl"
    return "nl"


def read_log(path: Path) -> list[dict[str, str]]:
    """The driver's entries, each once (a rebase may merge one file for several commits)."""
    import json

    if not path.exists():
        return []
    seen: dict[tuple[str, str, str], dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        seen.setdefault((entry.get("path", ""), entry.get("event", ""), entry.get("en", "")),
                        entry)
    return list(seen.values())


def _line_merge(base: Path, ours: Path, theirs: Path) -> int:
    result = subprocess.run(["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs",
                             str(ours), str(base), str(theirs)], check=False)
    return 1 if result.returncode != 0 else 0


@dataclass(slots=True)
class SyncReport:
    remote: str
    branch: str
    pulled: int = 0  # commits taken from the remote
    pushed: int = 0  # commits sent to it
    merged: list[str] = field(default_factory=list)  # files the driver merged record by record
    notes: list[Msg] = field(default_factory=list)  # anything else the driver said


def _git_error(exc: Any) -> str:
    return (getattr(exc, "stderr", "") or str(exc)).strip().removeprefix("stderr:").strip(" '\n")


def _abort_rebase(repo: Any, git_dir: Path) -> None:
    """Undo a rebase this sync started and did not finish: the branch, with every local
    commit, is back where it was, and git's temporary merge files are gone."""
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        import contextlib
        import subprocess

        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(["git", "rebase", "--abort"], cwd=repo.working_tree_dir,
                           capture_output=True, timeout=60)


def sync(root: Path, *, check: Any) -> SyncReport:
    """Fetch, rebase on the remote branch, check, push. Stops with a plain explanation."""
    import git

    repo = open_repo(root)
    if repo is None:
        raise KwartaalError(msg(
            "{root} is not in a git repository, so there is nothing to sync; make it one with "
            "'git init' and add a remote", root=root))
    git_dir = Path(repo.git_dir)
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        raise KwartaalError(msg(
            "an earlier sync stopped in the middle of a rebase; finish it with 'git rebase "
            "--continue' after fixing the files, or undo it with 'git rebase --abort'"))
    if repo.head.is_detached:
        raise KwartaalError(msg(
            "HEAD is detached (not on a branch); switch to your branch first, e.g. "
            "'git switch main'"))
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
            "'git remote add origin URL'"))
    if repo.is_dirty(untracked_files=False):
        raise KwartaalError(msg(
            "there are uncommitted changes; commit them (or 'git stash' them) before sync"))
    configure_driver(root)
    report = SyncReport(remote_name, branch.name)
    try:
        repo.git.fetch(remote_name)
    except git.GitCommandError as exc:
        raise KwartaalError(msg("fetching from '{remote}' failed: {err}",
                                remote=remote_name,
                                err=_git_error(exc))) from exc
    upstream = f"{remote_name}/{remote_branch}"
    has_upstream = any(ref.name == upstream for ref in repo.remotes[remote_name].refs)
    if has_upstream:
        behind = int(repo.git.rev_list("--count", f"HEAD..{upstream}"))
        report.pulled = behind
        if behind:
            log = git_dir / "kwartaal-merge.log"
            log.unlink(missing_ok=True)
            try:
                repo.git.rebase(upstream, env={LOG_ENV: str(log)})
            except git.GitCommandError as exc:
                said = _said(log)
                conflicted = repo.git.diff("--name-only", "--diff-filter=U").split()
                if not conflicted:
                    _abort_rebase(repo, git_dir)
                    raise KwartaalError(msg("the rebase on {up} failed: {err}; your branch is "
                                            "as it was before the sync",
                                            up=upstream,
                                            err=_git_error(exc))) from exc
                raise _stopped(conflicted, said) from exc
            except BaseException:  # interrupted: put the branch back as it was
                _abort_rebase(repo, git_dir)
                raise
            said = _said(log)
            report.merged = list(dict.fromkeys(e["path"] for e in said if e["event"] == "merged"))
            report.notes = [_as_msg(e) for e in said if e["event"] != "merged"]
    errors = check()
    if errors:
        raise InvalidBody(msg(
            "after pulling, the body has {errors}; nothing was pushed. Fix them, commit, "
            "and sync again", errors=Plural("{count} error", "{count} errors", errors)))
    outgoing = f"{upstream}..HEAD" if has_upstream else "HEAD"
    ahead = int(repo.git.rev_list("--count", outgoing))
    if ahead:
        _refuse_private_history(repo, root, outgoing)
        try:
            args = ["-u"] if tracking is None else []
            repo.git.push(*args, remote_name, f"HEAD:refs/heads/{remote_branch}")
        except git.GitCommandError as exc:
            raise KwartaalError(msg(
                "the remote '{remote}' refused the push: {err}\nYour commits are safe here; "
                "run 'kwartaal sync' again (someone may have pushed in the meantime)",
                remote=remote_name,
                err=_git_error(exc))) from exc
        report.pushed = ahead
    return report


def _refuse_private_history(repo: Any, root: Path, outgoing: str) -> None:
    """Every partner who clones gets the whole history: a phone number, an address or a bank
    account that one commit added and a later one removed is still in it. So each outgoing
    commit is looked at, not only the result, and nothing is pushed if one adds such a line
    (a clone without kwartaal's pre-commit hook could have made it)."""
    from kwartaal.core.detect import allowed_values, scan_text
    from kwartaal.files.loader import load_settings

    config, people = load_settings(root, [])
    from kwartaal.core import model as m

    allowed_text, allowed_digits = allowed_values(m.Body(root, config, people, []))
    rel = Path(repo.working_tree_dir).resolve()
    body_rel = root.resolve().relative_to(rel).as_posix() if root.resolve() != rel else "."
    log = repo.git.log("-p", "--no-color", "--no-ext-diff", "-U0", "--format=%x1e%h",
                       outgoing, "--", body_rel)
    found: list[str] = []
    for block in log.split("\x1e")[1:]:
        sha, _, diff = block.partition("\n")
        path = ""
        for line in diff.splitlines():
            if line.startswith("+++ "):
                path = line[6:] if line.startswith("+++ b/") else ""
            elif line.startswith("+") and path:
                for problem in scan_text(Path(path), line[1:], allowed_text, allowed_digits):
                    found.append(f"{sha.strip()} {path}: {problem.message.params['value']}")
    if found:
        raise KwartaalError(msg(
            "nothing was pushed: these commits add private details, which would stay in "
            "everyone's history even where a later commit removed them:\n  {found}\nRewrite "
            "them before you sync ('git rebase -i' to edit or drop them)",
            found="\n  ".join(found[:10])))


def _said(log: Path) -> list[dict[str, str]]:
    entries = read_log(log)
    log.unlink(missing_ok=True)
    return entries


def _as_msg(entry: dict[str, str]) -> Msg:
    # Already rendered by the driver in both languages; braces are text, not placeholders.
    return Msg("{text}", {"text": Said({"en": entry.get("en", ""), "nl": entry.get("nl", "")})})


def _stopped(conflicted: list[str], said: list[dict[str, str]]) -> KwartaalError:
    """Why a rebase stopped and what to do, with what the merge driver said about it."""
    files = " ".join(conflicted)
    details = [e for e in said if e["event"] != "merged"]
    listed = Said({lang: "".join(f"\n- {e[lang]}" for e in details) for lang in ("en", "nl")})
    if any(e["event"] == "collision" for e in details):
        return KwartaalError(msg(
            "sync stopped: two records with one id in {files}:{details}\nThen run 'git add "
            "{files}', 'git rebase --continue' and 'kwartaal sync' again. To go back to how it "
            "was before the sync: 'git rebase --abort'.",
            files=files, details=listed))
    return KwartaalError(msg(
        "sync stopped: both you and someone else changed the same thing in {files}.{details}"
        "\nOpen the file(s), look for the lines between <<<<<<< and >>>>>>>, keep "
        "the right value, then run 'git add {files}' and 'git rebase --continue' "
        "and 'kwartaal sync' again. To go back to how it was before the sync: "
        "'git rebase --abort'.",
        files=files, details=listed))
