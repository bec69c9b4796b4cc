"""Where generated files may go: into their output folder and nowhere else.

Every output path is checked before anything is written. A file's name may not climb out of
its folder, and no part of the way may be a symbolic link: a link `public -> /var/www` or
`site/minutes -> ~/.ssh` committed to a shared repository would otherwise make `kwartaal site`
or `kwartaal publish` write wherever it points. Inside a body (a folder with kwartaal.toml
above the output folder) the way is checked from the body's folder down, so the default
`public/site` cannot be redirected either.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from kwartaal.core.problems import KwartaalError, msg

CONFIG_FILE = "kwartaal.toml"


def _link_on_the_way(start: Path, parts: tuple[str, ...]) -> Path | None:
    """The first link among start/parts[0], start/parts[0]/parts[1], …"""
    here = start
    for part in parts:
        here = here / part
        if here.is_symlink():
            return here
    return None


def _refuse_link(link: Path) -> KwartaalError:
    return KwartaalError(msg(
        "{link} is a link; kwartaal writes output only into real folders and files, since a "
        "link could send it anywhere. Remove the link, or choose another output folder",
        link=link))


def output_folder(folder: Path) -> Path:
    """The folder as an absolute path, refused when it lies in a body and a part of the way
    from the body's folder down to it (the folder included) is a link."""
    folder = folder.absolute()
    link: Path | None = None
    for here in (folder, *folder.parents):  # as written, nearest first: links are not followed
        if here.is_symlink():
            link = link or here
        elif (here / CONFIG_FILE).is_file():
            if link is not None:
                raise _refuse_link(link)
            break
    return folder


def output_file(folder: Path, name: str) -> Path:
    """folder/name, refused when the name leaves the folder or passes through a link."""
    relative = PurePosixPath(name)
    if (relative.is_absolute() or not relative.parts or "\\" in name or "\0" in name
            or any(part in ("..", ".") for part in relative.parts)):
        raise KwartaalError(msg(
            "refused to write '{name}': the file would not lie inside {folder}",
            name=name, folder=folder))
    link = _link_on_the_way(folder, relative.parts)
    if link is not None:
        raise _refuse_link(link)
    target = folder.joinpath(*relative.parts)
    if folder.exists() and not target.resolve().is_relative_to(folder.resolve()):
        raise KwartaalError(msg(
            "refused to write '{name}': the file would not lie inside {folder}",
            name=name, folder=folder))
    return target


def write_chosen_file(path: Path, data: bytes) -> None:
    """Write a document to the file a person named with --output, as the shell's `>` would:
    through a link to where it points, into a pipe, terminal or device as a stream, and a
    regular file whole or not at all (a temporary file renamed over it). Renaming over a link
    or a device would replace it with a regular file instead of writing to it."""
    import stat

    from kwartaal.files.atomic import replace_file

    try:
        target = path.resolve() if path.is_symlink() else path
        try:
            mode = target.stat().st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "it is a folder")
        if mode is not None and not stat.S_ISREG(mode):
            with open(target, "wb") as stream:  # a pipe, a terminal, /dev/null
                stream.write(data)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, data)
    except OSError as error:
        reason = error.strerror or str(error)
        raise KwartaalError(msg(
            "cannot write {path}: {reason}. Choose a file in a folder you can write to",
            path=path, reason=reason)) from None


def files_in_folder(folder: Path, names: list[str]) -> list[Path]:
    """Where each of names goes in folder, the folder made: every path is checked before the
    first file is written, so nothing lands outside the folder or behind a link."""
    folder = output_folder(folder)
    targets = [output_file(folder, name) for name in names]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KwartaalError(msg("cannot make the folder {folder}: {reason}; choose another "
                                "with --output", folder=folder,
                                reason=exc.strerror or exc)) from None
    return targets
