"""Where a body's files are: the root, the settings, the people, the meetings; and a path as a
person would type it.

The fast lane (cli/fast.py) finds the root with this module too, before pathlib is imported:
so pathlib is imported only inside the functions that make paths.
"""

from __future__ import annotations

import errno
import os

TYPE_CHECKING = False  # importing typing would cost the fast lane a tenth of its time
if TYPE_CHECKING:
    from pathlib import Path

CONFIG_FILE = "kwartaal.toml"


PEOPLE_FILE = "people.toml"


MEETINGS_DIR = "meetings"


def published_minutes(publish_folder: str) -> str:
    """Where `publish` writes the public minutes, below the body's folder (with '/')."""
    return f"{publish_folder}/minutes"


def find_root(start: Path) -> Path | None:
    """The nearest folder upward from start that holds kwartaal.toml."""
    from pathlib import Path

    found = root_folder(None, os.fspath(start))
    return None if found is None else Path(found)


def root_folder(given: str | None, start: str) -> str | None:
    """The body's folder, links resolved: the given one (--repo, KWARTAAL_REPO) when it holds
    kwartaal.toml, else None; with none given, the nearest folder upward from start that
    holds one. The one root finder of both the full command line and the fast lane."""
    if given is not None:
        return os.path.realpath(given) if os.path.isfile(
            os.path.join(given, CONFIG_FILE)) else None
    folder = os.path.realpath(start)
    while True:
        if os.path.isfile(os.path.join(folder, CONFIG_FILE)):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def meeting_files(root: Path) -> list[Path]:
    """The meeting files, without any that a link would take outside the body."""
    folder = root / MEETINGS_DIR
    if not folder.is_dir() or not inside(root, folder):
        return []
    found = []
    with os.scandir(folder) as entries:  # one listing: no stat or path resolution per file
        for entry in entries:
            path = folder / entry.name
            if path.suffix != ".toml" or not entry.is_file():
                continue
            # a file that is no link lies where its folder lies, inside; a link is followed
            if entry.is_symlink() and not inside(root, path):
                continue
            found.append(path)
    return sorted(found)


def inside(root: Path, path: Path) -> bool:
    """Whether path, links followed, stays within the body's folder."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def escaping_links(root: Path) -> list[Path]:
    """Files and folders of the body that are links pointing outside it (reported by check)."""
    candidates = [root / CONFIG_FILE, root / PEOPLE_FILE, root / MEETINGS_DIR, root / "templates"]
    folder = root / MEETINGS_DIR
    if folder.is_dir() and inside(root, folder):
        with os.scandir(folder) as entries:  # the kind of each entry comes with the listing
            links = [folder / e.name for e in entries
                     if e.name.endswith(".toml") and e.is_symlink()]
        candidates = [p for p in candidates if p.is_symlink()] + links
    return [p for p in candidates if p.is_symlink() and not inside(root, p)]


def shown_path(path: Path) -> str:
    """A path as a person would type it: relative to the current folder where possible; a
    byte of a name that is not UTF-8 as \\xff, as every message shows it (core.problems)."""
    from kwartaal.core.problems import printable

    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(printable(str(path)))
    return str(printable(str(path) if rel.startswith("..") else rel))


# opened without following a link in the last place of the path (where the system can)
_NO_LINK = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def read_in_place(path: Path) -> bytes:
    """The bytes of a file of the body, never through a link that leads outside the body
    (the nearest folder upward that holds kwartaal.toml): a file is opened without following
    a link, so that a link put in its place after the body's links were checked (a pull while
    a command runs) is followed only when it leads inside."""
    try:
        fd = os.open(path, _NO_LINK)
    except OSError as error:
        if error.errno not in (errno.ELOOP, errno.EMLINK) or _NO_LINK == os.O_RDONLY:
            raise
        from pathlib import Path

        root = root_folder(None, os.path.dirname(path))
        if root is None or not inside(Path(root), path):
            raise OSError(errno.ELOOP, "it is a link that leads outside the body's folder; "
                          "kwartaal does not follow it", str(path)) from None
        fd = os.open(os.path.realpath(path), _NO_LINK)
    with open(fd, "rb") as handle:
        return handle.read()
