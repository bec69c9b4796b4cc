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


# opened as it is read: never blocking on a FIFO put in a file's place (it is refused below)
_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(
    os, "O_CLOEXEC", 0)


def read_in_place(path: Path) -> bytes:
    """The bytes of a file of the body, never from outside the body (the nearest folder
    upward that holds kwartaal.toml) nor from anything but a plain file: where the file
    opened lies is asked of the open file itself, so a link put in the place of the file or
    of a folder on its way after the body's links were checked (a pull while a command runs)
    is refused, whenever it was put there; a link that leads inside the body is followed."""
    import stat

    fd = os.open(path, _READ)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "it is not a plain file", str(path))
        real = _opened_at(fd, path)
        if real != os.path.abspath(path):  # a link on the way: it must stay in the body
            root = _body_of(os.path.dirname(os.path.abspath(path)))
            if real is None or root is None or not real.startswith(root + os.sep):
                raise OSError(errno.ELOOP, "it is a link that leads outside the body's "
                              "folder; kwartaal does not follow it", str(path))
        with open(fd, "rb", closefd=True) as handle:
            fd = -1
            return handle.read()
    finally:
        if fd >= 0:
            os.close(fd)


def _opened_at(fd: int, path: Path) -> str | None:
    """Where the file open as fd lies, links resolved: as the system says (Linux), else the
    path resolved now when it still names that very file; None when it cannot be told."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        pass
    real = os.path.realpath(path)
    try:
        now, opened = os.stat(real), os.fstat(fd)
    except OSError:
        return None
    return real if (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino) else None


_BODIES: dict[str, str | None] = {}  # the body each folder lies in, links resolved


def _body_of(folder: str) -> str | None:
    if folder not in _BODIES:
        _BODIES[folder] = root_folder(None, folder)
    return _BODIES[folder]


def read_text_in_place(path: Path) -> str:
    """read_in_place's bytes as Path.read_text(encoding="utf-8-sig") reads a file: each line
    end ('\\r\\n', '\\r') a '\\n'."""
    text = read_in_place(path).decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
