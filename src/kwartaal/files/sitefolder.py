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

from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path

from kwartaal.core.problems import KwartaalError, msg

MARKER = ".kwartaal-site"
_MARKER_HEAD = "made by kwartaal site"
# what a build of an older version wrote, whose marker lists nothing: its pages only
_OLD_PAGES = (".html", ".ics", ".css")


def is_site_folder(folder: Path) -> bool:
    """Whether kwartaal made this folder for a site (its marker is there)."""
    return (folder / MARKER).is_file()


def without_published(root: Path, paths: list[Path], published: Path | None) -> list[Path]:
    """The paths of a body (below root) that are not published output, which is what lies in
    published (the minutes `publish` wrote) or in a site folder."""
    sites: dict[Path, bool] = {}

    def in_site(path: Path) -> bool:
        for folder in path.parents:
            if folder == root or not folder.is_relative_to(root):
                return False
            if folder not in sites:
                sites[folder] = is_site_folder(folder)
            if sites[folder]:
                return True
        return False

    return [path for path in paths if not (published is not None and path.is_relative_to(
        published)) and not in_site(path)]


def write_site_folder(names: list[str], data_of: Callable[[str], bytes], folder: Path,
                      kept_clear: Iterable[Path] = ()) -> list[Path]:
    """Write each of names (its bytes: data_of(name)) into folder, and remove the files the
    last build wrote that this one does not; kept_clear: folders the site folder may not
    be or hold (the body's, its published minutes')."""
    from kwartaal.files.atomic import clear_stale_temporaries, written_by
    from kwartaal.files.outputs import output_file, output_folder
    from kwartaal.files.store import atomic_write_bytes

    folder = output_folder(folder)
    for clear in kept_clear:
        clear = clear.absolute()
        if clear == folder or clear.is_relative_to(folder):
            raise KwartaalError(msg(
                "the site cannot be built into {folder}: it holds the body's files or its "
                "published minutes, which a build would remove; choose a folder of its own, "
                "such as public/site", folder=folder))
    targets = {name: output_file(folder, name) for name in names}
    marker = output_file(folder, MARKER)
    try:
        clear_stale_temporaries([marker])  # (a build killed while writing its marker)
        marked, before = _listed(marker)
        if not marked and _holds_files(folder, written_by):
            raise KwartaalError(msg(
                "{folder} exists and was not made by 'kwartaal site'; choose an empty or "
                "new folder", folder=folder))
        folder.mkdir(parents=True, exist_ok=True)
        # first, with what the last build wrote too: a build killed from here on leaves a
        # marker that still names every page it may have left
        _mark(marker, [*(before or []), *names])
        clear_stale_temporaries(targets.values())  # each folder listed once, not once a page
        written = []
        for name in names:
            path = targets[name]
            path.parent.mkdir(parents=True, exist_ok=True)
            data = data_of(name)
            if not _holds(path, data):  # an unchanged page is not written again
                # without fsync: a site is made again from the body (a page a crash left
                # empty or old differs from what the next build makes, and is written again)
                atomic_write_bytes(path, data, durable=False, cleared=True)
            written.append(path)
        _remove_old(folder, before, set(names))
        _mark(marker, names)
    except OSError as error:
        raise KwartaalError(msg(
            "cannot write {path}: {reason}; remove what is in the way or choose another "
            "folder with --output", path=error.filename or folder,
            reason=error.strerror or error)) from None
    return written


def _listed(marker: Path) -> tuple[bool, list[str] | None]:
    """Whether there is a marker, and the files the last build wrote as it lists them (None:
    an older version's marker, which lists nothing). A name that is not a page's (hidden,
    or leaving the folder) is not taken."""
    if marker.is_symlink() or not marker.is_file():
        return False, []
    lines = marker.read_text(encoding="utf-8", errors="replace").splitlines()
    if len(lines) <= 1:
        return True, None
    names = []
    for name in lines[1:]:
        parts = name.split("/")
        if name and not any(part in ("", ".", "..") or part.startswith(".") or "\\" in part
                            for part in parts):
            names.append(name)
    return True, names


def _mark(marker: Path, names: list[str]) -> None:
    text = "\n".join([_MARKER_HEAD, *dict.fromkeys(names)]) + "\n"
    data = text.encode("utf-8")
    if not _holds(marker, data):
        from kwartaal.files.store import atomic_write_bytes

        atomic_write_bytes(marker, data, cleared=True)


def _holds_files(folder: Path, written_by: Callable[[str], tuple[str, int] | None]) -> bool:
    """Whether the folder holds anything but the temporary file of a build's marker (a
    build writing its marker at this moment)."""
    try:
        entries = list(folder.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return False
    for entry in entries:
        found = written_by(entry.name)
        if found is None or found[0] != MARKER:
            return True
    return False


def _remove_old(folder: Path, before: list[str] | None, names: set[str]) -> None:
    """The files the last build wrote that this one did not, and folders they leave empty;
    with an older marker that lists nothing, the pages of that build."""
    from kwartaal.files.outputs import output_file

    if before is None:  # (an older version's marker: its pages were files of these kinds)
        before = [str(path.relative_to(folder).as_posix()) for path in folder.rglob("*")
                  if path.suffix in _OLD_PAGES and not path.is_symlink() and path.is_file()
                  and not any(part.startswith(".") for part in path.relative_to(folder).parts)]
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
