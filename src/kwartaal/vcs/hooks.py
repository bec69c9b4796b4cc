"""The pre-commit hook: kwartaal's check runs on what is being committed, before it is.

The repository is cloned by every partner, police included, with its whole history: a phone
number committed once is hard to take back. So `kwartaal init` and `kwartaal setup-git` put a
hook in the clone that runs `kwartaal check --strict --staged --new --all-bodies`:

- --staged: the index's version of each body with staged changes, not the working tree;
- --new: a commit is judged by what it brings in. Problems the last commit already has are
  listed but do not refuse: refusing would not take them out of the history, and would stop
  every unrelated commit (a meeting whose date passed before anyone recorded it as held);
- --strict: warnings refuse too, for commits made by hand (see OWN_COMMIT).

This module writes that hook, finds the bodies with staged changes, and lays out the staged
(or the committed) version of a body's files in a temporary folder for the check.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kwartaal.core.problems import KwartaalError, Msg, msg
from kwartaal.core.words import N_, tr

# The first lines of the hook kwartaal writes: a hook holding MARK is ours to rewrite; any other
# pre-commit hook belongs to someone else and is never touched.
MARK = "# kwartaal pre-commit hook"
# Every line the hook script itself prints starts with this, in either language, so that a
# failed commit can be told apart from git's own errors (gitops.commit looks for it).
SAYS = "kwartaal pre-commit:"
CHECK_ARGS = "check $strict --staged --new --all-bodies"
# Set by gitops.commit for kwartaal's own commits. Their input is validated by the command, and
# some warnings are legitimate steps on the way (a year's limits set one key at a time, a meeting
# entered after its date with --force): there only errors, every privacy leak among them,
# refuse. Commits made by hand are held to warnings as well.
OWN_COMMIT = "KWARTAAL_OWN_COMMIT"
# Beside someone else's pre-commit hook, kwartaal's is written under this name for that hook
# to call.
COMPANION = "pre-commit.kwartaal"

# Git exports these to hooks, sometimes as paths relative to the top of the work tree
# (GIT_INDEX_FILE=.git/index); a git started from another folder would misread them.
_GIT_PATH_VARIABLES = ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "GIT_OBJECT_DIRECTORY",
                       "GIT_COMMON_DIR")

# What the hook says (each line after SAYS), in the body's language; the Dutch is in the
# catalog.
_REFUSED = (
    N_("kwartaal's check refused this commit because of the problems listed above; "
       "nothing was committed."),
    N_("fix them in the files, 'git add' them and commit again. The repository is "
       "cloned by every partner (police included) with its whole history, so a leak "
       "committed once is hard to remove."),
    N_("only if you are certain the commit is right may you skip this check: git "
       "commit --no-verify"),
)
_MISSING = N_("kwartaal is not installed here any more ({python} cannot run it and "
              "'kwartaal' is not on PATH), so the commit was refused unchecked. "
              "Install kwartaal and run 'kwartaal setup-git' in this clone again.")


def _echo(lines: tuple[str, ...] | list[str], indent: str) -> str:
    return "\n".join(f"{indent}echo {shlex.quote(line)} >&2" for line in lines)


def _says(lang: str, python: str, indent: str) -> str:
    """The hook's own words in one language: missing kwartaal, or refused by the check."""
    missing = _echo([f"{SAYS} " + tr(_MISSING, lang).format(python=python)], indent + "    ")
    refused = _echo([f"{SAYS} " + tr(line, lang) for line in _REFUSED], indent + "    ")
    return f'{indent}if [ -n "$missing" ]; then\n{missing}\n{indent}else\n{refused}\n{indent}fi'


def hook_script(lang: str = "nl", python: str | None = None) -> str:
    """The hook: this interpreter's kwartaal first, since the git client (an IDE, a GUI) may
    run hooks with another PATH; `kwartaal` on PATH when that interpreter is gone. Its own
    words follow KWARTAAL_LANG, else lang (the language of the body that first installed it)."""
    lang = lang if lang in ("nl", "en") else "en"
    python = python or sys.executable
    py = shlex.quote(python)
    return f"""#!/bin/sh
{MARK}: written by 'kwartaal init' / 'kwartaal setup-git', which rewrite it.
# Checks the staged files of every kwartaal body that has staged changes, before the commit;
# refusing (exit 1) also when kwartaal cannot be found, since the check is the point.
# kwartaal's own commands set {OWN_COMMIT}=1: for them only errors refuse (see hooks.py).
# The repository is the one being committed to (git runs hooks at its top), whatever
# KWARTAAL_REPO says.
unset KWARTAAL_REPO
missing=
strict=--strict
[ "${{{OWN_COMMIT}:-}}" = 1 ] && strict=
if [ -x {py} ] && {py} -c 'import kwartaal' >/dev/null 2>&1; then
    {py} -m kwartaal {CHECK_ARGS} && exit 0
elif command -v kwartaal >/dev/null 2>&1; then
    kwartaal {CHECK_ARGS} && exit 0
else
    missing=yes
fi
case "${{KWARTAAL_LANG:-{lang}}}" in
nl)
{_says("nl", python, "    ")}
    ;;
*)
{_says("en", python, "    ")}
    ;;
esac
exit 1
"""


def hook_language(text: str) -> str | None:
    """The default language written in a hook of kwartaal's, kept when it is rewritten."""
    found = re.search(r"\$\{KWARTAAL_LANG:-(nl|en)\}", text)
    return found.group(1) if found else None


def hook_line() -> str:
    """The line that makes someone else's pre-commit hook run kwartaal's (the companion)."""
    return f'"$(git rev-parse --git-path hooks)/{COMPANION}" || exit 1'


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in _GIT_PATH_VARIABLES:
        value = env.get(name)
        if value and not os.path.isabs(value):
            env[name] = os.path.abspath(value)
    return env


def _git(cwd: Path, *args: str, stdin: bytes | None = None,
         index: Path | None = None) -> bytes:
    env = _git_env()
    if index is not None:
        env["GIT_INDEX_FILE"] = str(index)
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                              env=env, check=False)
    except OSError as exc:
        raise KwartaalError(msg("cannot run git: {err}",
                                err=exc.strerror or str(exc))) from exc
    if done.returncode != 0:
        raise KwartaalError(msg(
            "git {cmd} failed: {err}", cmd=args[0],
            err=done.stderr.decode("utf-8", "replace").strip()))
    return done.stdout


def _existing(folder: Path) -> Path:
    """folder, or its nearest existing parent (a body may be staged yet gone from disk)."""
    folder = folder.absolute()
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    return folder


def work_tree(folder: Path) -> Path | None:
    """The top of the git work tree holding folder, or None outside git."""
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=_existing(folder),
                              capture_output=True, env=_git_env(), check=False)
    except OSError:
        return None
    top = done.stdout.decode("utf-8", "surrogateescape").strip()
    return Path(top) if done.returncode == 0 and top else None


def _require_work_tree(folder: Path) -> Path:
    top = work_tree(folder)
    if top is None:
        raise KwartaalError(msg(
            "{folder} is not in a git repository, so nothing is staged to check; "
            "run 'kwartaal check' without --staged",
            folder=folder))
    return top


def _names(raw: bytes) -> list[str]:
    return [n for n in raw.decode("utf-8", "surrogateescape").split("\0") if n]


# -- which bodies, and their staged files ---------------------------------------------------------

def staged_bodies(start: Path) -> list[Path]:
    """The folders of the bodies (a kwartaal.toml in the index) holding staged changes, under
    the work tree that holds start; the nearest body upward owns a file."""
    top = _require_work_tree(start)
    # --no-renames: a file moved out of a body is a change to that body too.
    changed = _names(_git(top, "diff", "--cached", "--name-only", "--no-renames", "-z"))
    if not changed:
        return []
    configs = _names(_git(top, "ls-files", "--cached", "-z", "--", "kwartaal.toml",
                          "*/kwartaal.toml"))
    homes = {os.path.dirname(c) for c in configs if os.path.basename(c) == "kwartaal.toml"}
    found: set[str] = set()
    for name in changed:
        folder = os.path.dirname(name)
        while True:
            if folder in homes:
                found.add(folder)
                break
            if not folder:
                break
            folder = os.path.dirname(folder)
    return [top / rel if rel else top for rel in sorted(found)]


def _body_rel(top: Path, body: Path) -> str:
    try:
        rel = body.absolute().resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        rel = body.absolute().relative_to(top).as_posix()
    return "" if rel == "." else rel


def _wanted(rel: str) -> list[str]:
    """The body's settings first (to tell whether there is a body at all), then everything in
    its folder: check reads the records, and its privacy lint every text file beside them."""
    prefix = f"{rel}/" if rel else ""
    return [f"{prefix}kwartaal.toml", rel or "."]


@contextmanager
def staged_copy(body: Path) -> Iterator[Path]:
    """The index version of the body's files, laid out in a temporary folder that is removed
    afterwards; yields the body's folder inside it."""
    top = _require_work_tree(body)
    rel = _body_rel(top, body)
    if not _names(_git(top, "ls-files", "--cached", "-z", "--", _wanted(rel)[0])):
        raise KwartaalError(msg(
            "{body}: kwartaal.toml is not staged (nor committed), so there is no staged body to "
            "check; 'git add' it first", body=body))
    with tempfile.TemporaryDirectory(prefix="kwartaal-staged-") as folder:
        copy = Path(folder).resolve()
        _checkout(top, rel, copy, None)
        yield copy / rel if rel else copy


@contextmanager
def committed_copy(body: Path) -> Iterator[Path | None]:
    """The body's files as in the last commit (HEAD), like staged_copy; None when there is no
    commit yet, the body is not in it, or it is not in git at all."""
    top = work_tree(body)
    if top is None:
        yield None
        return
    rel = _body_rel(top, body)
    with tempfile.TemporaryDirectory(prefix="kwartaal-committed-") as folder:
        copy = Path(folder).resolve()
        # A throw-away index holding HEAD's tree: checkout-index then lays it out as it does
        # the real index, links and all, and the real index is not touched.
        index = copy / "index"
        try:
            _git(top, "read-tree", "HEAD", index=index)
        except KwartaalError:
            yield None  # no commit yet: everything staged is new
            return
        files = copy / "files"
        if not _names(_git(top, "ls-files", "--cached", "-z", "--", _wanted(rel)[0],
                           index=index)):
            yield None
            return
        _checkout(top, rel, files, index)
        yield files / rel if rel else files


def _checkout(top: Path, rel: str, dest: Path, index: Path | None) -> None:
    names = _git(top, "ls-files", "--cached", "-z", "--", *_wanted(rel), index=index)
    if names:
        # -q: an unmerged entry is skipped (git refuses such a commit anyway).
        _git(top, "checkout-index", "-q", "-z", "--stdin", f"--prefix={dest}{os.sep}",
             stdin=names, index=index)


# -- writing the hook -----------------------------------------------------------------------------

@dataclass(slots=True)
class HookResult:
    # installed, updated, unchanged, foreign (someone else's hook: left alone, kwartaal's
    # written beside it), foreign-calls-kwartaal (the same, and it already calls kwartaal's),
    # failed (could not be written: error says why), not-a-repository
    status: str
    path: Path | None = None
    error: str = ""

    def notice(self) -> Msg | None:
        """What to tell the user, or None when there is nothing new to say."""
        if self.status in ("installed", "updated"):
            return msg(
                "installed the pre-commit hook {path}: every commit is checked first with "
                "'kwartaal check --strict' (privacy included)",
                path=self.path)
        if self.status == "foreign":
            return msg(
                "{path} is a pre-commit hook that kwartaal did not write; it was left as it is, "
                "so commits are NOT checked by kwartaal yet. kwartaal's hook is written beside "
                "it as {companion}; add this line to {path} to run it:\n  {line}",
                path=self.path, companion=COMPANION, line=hook_line())
        if self.status == "failed":
            return msg(
                "could not write the pre-commit hook {path}: {error}; commits are NOT checked "
                "by kwartaal. Run 'kwartaal setup-git' again once that is solved",
                path=self.path or "pre-commit", error=self.error)
        return None


def hook_path(folder: Path) -> Path | None:
    """Where git looks for this clone's pre-commit hook (core.hooksPath respected), or None
    outside git."""
    top = work_tree(folder)
    if top is None:
        return None
    hooks = _git(top, "rev-parse", "--git-path", "hooks").decode("utf-8", "surrogateescape")
    return (top / hooks.strip() / "pre-commit").absolute()


def is_ours(path: Path) -> bool:
    try:
        return MARK in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def install_hook(folder: Path, lang: str = "nl") -> HookResult:
    """Write kwartaal's pre-commit hook for the clone holding folder. An existing hook that
    kwartaal did not write is left alone: kwartaal's goes beside it, for it to call."""
    path: Path | None = None
    # The body is made (or set up) by now: a hook that cannot be written is said, not raised.
    try:
        path = hook_path(folder)
        if path is None:
            return HookResult("not-a-repository")
        if path.exists() or path.is_symlink():
            current = path.read_text(encoding="utf-8", errors="replace") if path.is_file() \
                else ""
            if MARK not in current:
                _write_ours(path.with_name(COMPANION), lang)
                calls = COMPANION in current
                return HookResult("foreign-calls-kwartaal" if calls else "foreign", path)
        return HookResult(_write_ours(path, lang), path)
    except OSError as exc:
        return HookResult("failed", path, exc.strerror or str(exc))
    except KwartaalError as exc:
        return HookResult("failed", path, exc.render("en"))


def _write_ours(path: Path, lang: str) -> str:
    """Write (or rewrite) kwartaal's hook at path: installed, updated or unchanged."""
    current = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    # Bodies of both languages in one repository must not flip the hook back and forth.
    text = hook_script((current and hook_language(current)) or lang)
    if current == text and os.access(path, os.X_OK):
        return "unchanged"
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_executable(path, text)
    return "installed" if current is None else "updated"


def _write_executable(path: Path, text: str) -> None:
    """Replace path at once (a half-written hook would block every commit), readable and
    executable as far as the umask allows, as 'chmod +x' does: a shared clone stays shared."""
    from kwartaal.files.store import atomic_write_bytes

    atomic_write_bytes(path, text.encode("utf-8"), executable=True)
