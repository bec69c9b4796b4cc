"""What `git ls-files` says about a body, kept between runs while everything its answer depends
on is the same, so that a repeated `check` starts no git process.

Which files git tracks and which untracked files it would add depend on, and the kept answer
is used only when each of these is what it was:

- the question: the arguments, the body's folder and where its repository lies (found as git
  finds it, files/lock.py `find_place`, and checked against git's own answer when kept);
- the environment git reads (every `GIT_*` variable, HOME, XDG_CONFIG_HOME, PATH) and the git
  program that PATH finds; a variable that points git elsewhere (GIT_DIR, GIT_INDEX_FILE, a
  setting given in the environment, ...) means git is asked every time;
- the bytes of every settings file git may read (system, global, the repository's own and
  its worktree's); settings that include other files mean git is asked every time; git's
  list of where its settings came from must name none but these, and the file of ignore
  patterns they name (core.excludesFile) is read from that list when it is kept;
- the bytes of git's index (the files it tracks);
- the bytes of every file of ignore patterns: the repository's info/exclude, the user's, and
  each .gitignore from the top of the working tree down to the body's folder and in it;
- the listing of every folder in the body's folder, each entry by name and kind (file,
  folder, link, other), links not followed: what git walks to find untracked files. A folder
  with a repository of its own in it (a .git), or more than MOST_ENTRIES entries, means git
  is asked every time.

Every input is compared by its content, not its times, so no timestamp can hide a change; an
answer is kept only when the inputs were the same before and after git ran. Inputs read by
their stat record alone (the program, the .git entries of the folders above the body) are
announced (files/keeping.py `relied_on`), so that a kept answer of the whole command
(files/answers.py) depends on them too; all others are opened or listed, which it sees.
Plain values (marshal), sealed, one file per body in the user's cache folder
(files/keeping.py); anything unreadable is no answer; KWARTAAL_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kwartaal.files.cache import digest, where
from kwartaal.files.keeping import caching, index_file, read_sealed, relied_on, sealed

FORMAT = 1
SUFFIX = ".gitls"
MOST_ENTRIES = 100_000
# Environment variables that make git look for its repository, index or settings elsewhere
# than find_place and the settings files below say.
ELSEWHERE = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
             "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
             "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_CONFIG",
             "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS", "GIT_NAMESPACE", "GIT_PREFIX")
READ_BY_GIT = ("HOME", "XDG_CONFIG_HOME", "PATH")
FACTS = "facts"  # the stored entry of what git's settings say (see _learn)


def ls_files(root: Path, args: list[str]) -> bytes | None:
    """What `git ls-files ARGS`, run in root, prints; None when git fails (no repository, no
    git): kept while its inputs are the same (see above)."""
    outer = _outer(root) if caching() else None
    if outer is None:
        return _git(root, ["ls-files", *args])
    key, place, settings = outer
    path = index_file(root, SUFFIX)
    entries = _entries(read_sealed(path), root, key)
    learnt = entries is None
    if entries is None:  # new, or made under other settings: none of it holds
        entries = {FACTS: (key, _learn(root, place, settings))}
    excludes = entries[FACTS][1]
    if excludes is None:
        if learnt:
            _save(path, root, entries)  # remember that git is to be asked every time
        return _git(root, ["ls-files", *args])
    asked = tuple(args)
    before = _inner(root, place, excludes)
    kept = entries.get(asked)
    if (before is not None and isinstance(kept, tuple) and len(kept) == 2
            and kept[0] == before and isinstance(kept[1], bytes)):
        return kept[1]
    out = _git(root, ["ls-files", *args])
    if before is None or out is None:
        return out
    again = _outer(root)
    if again is None or again[0] != key or _inner(root, place, excludes) != before:
        return out  # changed while git ran: its answer may stand for neither state
    entries[asked] = (before, out)
    _save(path, root, entries)
    return out


def _entries(stored: Any, root: Path, key: str) -> dict[Any, Any] | None:
    """The stored answers, when they were made under these settings (key)."""
    if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == FORMAT
            and stored[1] == where(root) and isinstance(stored[2], dict)):
        return None
    facts = stored[2].get(FACTS)
    if not (isinstance(facts, tuple) and len(facts) == 2 and facts[0] == key
            and (facts[1] is None or isinstance(facts[1], str))):
        return None
    return stored[2]


def _git(root: Path, args: list[str]) -> bytes | None:
    import subprocess

    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def _outer(root: Path) -> tuple[str, Any, list[str]] | None:
    """What the question, git's environment and program, the repository's place and the
    settings files' bytes come to (a digest), the place and the settings files; None when
    the answer cannot be kept."""
    from kwartaal.files.lock import find_place

    environment = sorted((name, value) for name, value in os.environ.items()
                         if name.startswith("GIT_") or name in READ_BY_GIT)
    if any(name in ELSEWHERE for name, _ in environment):
        return None
    program = _program()
    if program is None:
        return None
    place = find_place(root)
    if place.git_dir is None or place.common_dir is None:
        return None
    real = Path(os.path.realpath(root))
    for folder in (real, *real.parents):  # where git looks for its repository
        relied_on(folder / ".git")
        if folder == place.top:
            break
    settings = _settings_files(place, program[-1][0])
    if settings is None:
        return None
    contents = [(name, _content(name)) for name in settings]
    if any(data is not None and b"include" in data.lower() for _, data in contents):
        return None  # settings that take in other files: which ones is git's to know
    return digest(repr((FORMAT, str(real), environment, program, str(place.top),
                        str(place.git_dir), str(place.common_dir),
                        [(name, None if data is None else digest(data))
                         for name, data in contents])).encode("utf-8", "surrogateescape")), \
        place, settings


def _program() -> tuple[Any, ...] | None:
    """Every place PATH names for git, up to the one that has it (the last), with its stat
    record; None when it is not found in a fixed place."""
    seen: list[Any] = []
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        if not os.path.isabs(folder):
            return None  # found from the working folder: not a fixed program
        candidate = os.path.join(folder, "git")
        relied_on(candidate)
        try:
            found = os.stat(candidate)
        except (OSError, ValueError):
            seen.append((candidate, None))
            continue
        seen.append((candidate, (found.st_size, found.st_mtime_ns, found.st_ctime_ns,
                                 found.st_ino, found.st_mode)))
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return tuple(seen)
    return None


def _settings_files(place: Any, program: str) -> list[str] | None:
    """Every settings file git may read for this repository, as git documents them."""
    home = os.environ.get("HOME")
    if not home:
        return None
    xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    files: list[str] = []
    if not _true(os.environ.get("GIT_CONFIG_NOSYSTEM")):
        system = os.environ.get("GIT_CONFIG_SYSTEM")
        if system is None:
            prefix = os.path.dirname(os.path.dirname(os.path.realpath(program)))
            files += sorted({"/etc/gitconfig", os.path.join(prefix, "etc", "gitconfig")})
        elif system:
            files.append(system)
    glob = os.environ.get("GIT_CONFIG_GLOBAL")
    if glob is None:
        files += [os.path.join(xdg, "git", "config"), os.path.join(home, ".gitconfig")]
    elif glob:
        files.append(glob)
    files += [str(place.common_dir / "config"), str(place.git_dir / "config.worktree"),
              str(place.common_dir / "config.worktree")]
    return [os.path.abspath(name) for name in files]


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _content(name: str) -> bytes | None:
    try:
        with open(name, "rb") as handle:
            return handle.read()
    except (OSError, ValueError):
        return None


def _inner(root: Path, place: Any, excludes: str) -> str | None:
    """What git's index, the files of ignore patterns and the listings of the body's folders
    come to (a digest); None when the answer cannot be kept."""
    real = os.path.realpath(root)
    top = str(place.top)
    parts: list[Any] = [_digest_of(str(place.git_dir / "index")),
                        _digest_of(str(place.common_dir / "info" / "exclude")),
                        excludes, _digest_of(excludes) if excludes else None]
    above = []
    if real != top:  # the .gitignore of each folder from the top down to the body's
        for folder in Path(real).parents:
            above.append((str(folder), _digest_of(str(folder / ".gitignore"))))
            if str(folder) == top:
                break
    parts.append(above)
    listings = _listings(real, top)
    if listings is None:
        return None
    parts.append(listings)
    return digest(repr(parts).encode("utf-8", "surrogateescape"))


def _digest_of(name: str) -> str | None:
    data = _content(name)
    return None if data is None else digest(data)


def _listings(real: str, top: str) -> str | None:
    """Each folder's entries by name and kind, and each .gitignore's digest, as one digest
    (in the order the system lists them: the same for a folder that did not change)."""
    listed: list[str] = []
    pending = [real]
    while pending:
        folder = pending.pop()
        listed.append(f"\0\0{folder}\0")
        try:
            with os.scandir(folder) as found:
                entries = list(found)
        except OSError:
            listed.append("\1")
            continue
        if len(listed) + len(entries) > MOST_ENTRIES:
            return None
        for entry in entries:
            name = entry.name
            if name == ".git":
                if folder == top:
                    continue  # the repository itself
                return None  # a repository inside the body: git judges it by its content
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
                listed.append(name + "\0d")
                continue
            kind = "f" if entry.is_file(follow_symlinks=False) else (
                "l" if entry.is_symlink() else "o")
            if name == ".gitignore" and kind != "o":
                kind += _digest_of(entry.path) or ""
            listed.append(f"{name}\0{kind}")
    return digest("\0".join(listed).encode("utf-8", "surrogateescape"))


def _learn(root: Path, place: Any, settings: list[str]) -> str | None:
    """Ask git where its repository, index and own ignore file are, where its settings came
    from, and which file of ignore patterns they name; the latter ("" for none), or None when
    git's answers are not those the inputs above are read from."""
    where_out = _git(root, ["rev-parse", "--path-format=absolute", "--show-toplevel",
                            "--git-dir", "--git-common-dir", "--git-path", "index",
                            "--git-path", "info/exclude"])
    listed = _git(root, ["config", "--list", "-z", "--show-origin"])
    if where_out is None or listed is None:
        return None
    said = [os.path.realpath(line) for line in os.fsdecode(where_out).splitlines()]
    expected = [os.path.realpath(str(path)) for path in (
        place.top, place.git_dir, place.common_dir, place.git_dir / "index",
        place.common_dir / "info" / "exclude")]
    if said != expected:
        return None
    known = {os.path.realpath(name) for name in settings}
    parts = os.fsdecode(listed).split("\0")
    excludes: str | None = None
    for origin, entry in zip(parts[0::2], parts[1::2], strict=False):
        kind, _, name = origin.partition(":")
        if kind != "file" or os.path.realpath(os.path.join(place.top, name)) not in known:
            return None
        key, _, value = entry.partition("\n")
        if key.lower() == "core.excludesfile":
            excludes = value
    home = os.environ.get("HOME", "")
    if excludes is None:
        xdg = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
        return os.path.join(xdg, "git", "ignore")
    if not excludes:
        return ""
    if excludes.startswith("~/"):
        return os.path.join(home, excludes[2:])
    return excludes if os.path.isabs(excludes) else None


def _save(path: str, root: Path, entries: dict[Any, Any]) -> None:
    import marshal

    from kwartaal.files.atomic import replace_file

    try:
        blob = sealed(marshal.dumps((FORMAT, where(root), entries)))
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, blob, durable=False)
    except (OSError, ValueError):
        pass  # a cache that cannot be written only makes the next run ask git
