"""The folder a site is written into: kwartaal's own, recognised by its marker file, which
lists the files the last build wrote.

Only those files are ever removed (a page no longer built), never anything else in the folder:
a person's own file, a `.git`, a `.htpasswd`, or the temporary file of a build running at the
same time. The marker is written before the first page, so a second build that starts
meanwhile knows the folder; every path is checked before the first write (files/outputs.py);
a folder that holds the body or its published minutes is refused, as a build would remove
what it did not write there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path

from kwartaal.core.problems import KwartaalError, msg

MARKER = ".kwartaal-site"
_MARKER_HEAD = "made by kwartaal site"
# what a site's files are: the marker lists no other (a person's own 'notes.txt' is never
# removed, whatever a marker says)
PAGE_SUFFIXES = (".html", ".ics", ".css")


def site_files_listed(folder: Path) -> set[str] | None:
    """The files a site build wrote into this folder, as its marker lists them (relative,
    with '/'); None when it is no site folder (no marker, or not one kwartaal wrote)."""
    marked, names = _listed(folder / MARKER)
    return set(names or ()) if marked else None


def without_published(root: Path, paths: list[Path], published: Path | None) -> list[Path]:
    """The paths of a body (below root) that are not published output, which is what lies in
    published (the minutes `publish` wrote) or what a site build wrote (its marker lists
    it: any other file in that folder is read as any file of the body)."""
    listed: dict[Path, set[str] | None] = {}

    def built(path: Path) -> bool:
        for folder in path.parents:
            if folder == root or not folder.is_relative_to(root):
                return False
            if folder not in listed:
                listed[folder] = site_files_listed(folder)
            names = listed[folder]
            if names is not None:
                return path.relative_to(folder).as_posix() in names
        return False

    return [path for path in paths if not (published is not None and path.is_relative_to(
        published)) and not built(path)]


def write_site_folder(names: list[str], data_of: Callable[[str], bytes], folder: Path,
                      kept_clear: Iterable[Path] = ()) -> list[Path]:
    """Write each of names (its bytes: data_of(name)) into folder, and remove the files the
    last build wrote that this one does not; kept_clear: folders the site folder may not
    be or hold (the body's, its published minutes')."""
    try:
        return _write(names, data_of, folder, kept_clear)
    except _PageNotWritten as failed:
        path, error = failed.path, failed.error
    except OSError as error_:  # (the way to the folder: a folder that may not be read)
        path, error = error_.filename or folder, error_
    raise KwartaalError(msg(
        "cannot write {path}: {reason}; remove what is in the way or choose another folder "
        "with --output", path=path, reason=error.strerror or error))


class _PageNotWritten(Exception):
    def __init__(self, path: Path, error: OSError) -> None:
        self.path, self.error = path, error


def _write(names: list[str], data_of: Callable[[str], bytes], folder: Path,
           kept_clear: Iterable[Path]) -> list[Path]:
    from kwartaal.files.atomic import clear_stale_temporaries
    from kwartaal.files.outputs import output_file, output_folder
    from kwartaal.files.store import atomic_write_bytes

    folder = output_folder(folder)
    plain = Path(os.path.normpath(folder))  # 'meetings/../public' is 'public'
    for clear in kept_clear:
        clear = Path(os.path.normpath(clear.absolute()))
        # (a path is relative to itself; as written, and with links followed)
        if clear.is_relative_to(plain) or clear.resolve().is_relative_to(plain.resolve()):
            raise KwartaalError(msg(
                "the site cannot be built into {folder}: it holds the body's files or its "
                "published minutes, which a build would remove; choose a folder of its own, "
                "such as public/site", folder=folder))
    targets = {name: output_file(folder, name) for name in names}
    marker = output_file(folder, MARKER)
    clear_stale_temporaries([marker])  # (a build killed while writing its marker)
    # the folder's files before its marker: a build writes its marker before anything else,
    # so a file seen before a marker that is there now is that build's
    strangers = _holds_files(folder)
    marked, before = _listed(marker)
    if strangers and not marked:
        raise KwartaalError(msg(
            "{folder} exists and was not made by 'kwartaal site'; choose an empty or new "
            "folder", folder=folder))
    folder.mkdir(parents=True, exist_ok=True)
    # first, with what the last build wrote too: a build killed from here on leaves a marker
    # that still names every page it may have left
    _mark(marker, [*(before or []), *names])
    clear_stale_temporaries(targets.values())  # each folder listed once, not once a page
    written = []
    for name in names:
        path = targets[name]
        data = data_of(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not _holds(path, data):  # an unchanged page is not written again
                # without fsync: a site is made again from the body (a page a crash left
                # empty or old differs from what the next build makes, and is written again)
                atomic_write_bytes(path, data, durable=False, cleared=True)
        except OSError as error:
            raise _PageNotWritten(path, error) from None
        written.append(path)
    _remove_old(folder, before or [], set(names))
    _mark(marker, names)
    return written


def _listed(marker: Path) -> tuple[bool, list[str] | None]:
    """Whether there is a marker, and the files the last build wrote as it lists them (None:
    an older version's marker, which lists nothing). A name that is not a page's (hidden,
    leaving the folder, of another kind) is not taken."""
    if marker.is_symlink() or not marker.is_file():
        return False, []
    lines = marker.read_text(encoding="utf-8", errors="replace").splitlines()
    if not lines or lines[0] != _MARKER_HEAD:
        return False, []
    if len(lines) == 1:
        return True, None
    names = []
    for name in lines[1:]:
        parts = name.split("/")
        if name.endswith(PAGE_SUFFIXES) and not any(
                part in ("", ".", "..") or part.startswith(".") or "\\" in part
                for part in parts):
            names.append(name)
    return True, names


def _mark(marker: Path, names: list[str]) -> None:
    text = "\n".join([_MARKER_HEAD, *dict.fromkeys(names)]) + "\n"
    data = text.encode("utf-8")
    if not _holds(marker, data):
        from kwartaal.files.store import atomic_write_bytes

        atomic_write_bytes(marker, data, cleared=True)


def _holds_files(folder: Path) -> bool:
    """Whether the folder holds anything but the temporary file of a build's marker (a
    build writing its marker at this moment)."""
    from kwartaal.files.atomic import written_by

    try:
        entries = list(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return False
    for entry in entries:
        found = written_by(entry.name)
        if found is None or found[0] != MARKER:
            return True
    return False


def _remove_old(folder: Path, before: list[str], names: set[str]) -> None:
    """The files the last build wrote that this one did not, and folders they leave empty.
    (An older version's marker lists nothing: its pages are written over, none removed.)"""
    from kwartaal.files.outputs import output_file

    for name in before:
        if name in names:
            continue
        try:
            path = output_file(folder, name)
        except KwartaalError:  # (a link on its way now: not followed)
            continue
        if path.is_symlink() or not path.is_file():
            continue
        with suppress(FileNotFoundError):  # (removed by a build running at the same time)
            path.unlink()
        parent = path.parent
        while parent != folder:
            try:
                parent.rmdir()  # only when empty
            except OSError:
                break
            parent = parent.parent


def _holds(path: Path, data: bytes) -> bool:
    """Whether path is a plain file with exactly these bytes."""
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
