"""Which files of a body git tracks, asked of git directly."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


def untracked(root: Path, paths: Sequence[Path]) -> list[Path]:
    """Which of paths (files of the body at root) git does not track; empty outside git.
    Asks git directly (`check` must stay quick, and GitPython is slow to import), or its kept
    answer (files/gitlisting.py)."""
    from kwartaal.files.gitlisting import ls_files
    from kwartaal.files.lock import find_place

    place = find_place(root)
    if place.git_dir is None or not paths:
        return []
    # their folders, not each path: git matches every path it tracks against every pattern
    # given (a third of a second at 4,000 files); the folders' files are then looked up here.
    # A link is asked about by its own name, as it always was.
    real = real_paths(paths)
    if any(path.is_symlink() for path in paths):
        asked = list(map(str, paths))
    else:
        asked = sorted({f":(literal){path.parent}" for path in paths})
    out = ls_files(root, ["-z", "--full-name", "--", *asked])
    if out is None:
        return []
    tracked = {(place.top / name).as_posix() for name in out.decode("utf-8", "replace")
               .split("\0") if name}
    return [p for p, where in zip(paths, real, strict=True) if where.as_posix() not in tracked]


def real_paths(paths: Sequence[Path]) -> list[Path]:
    """Where each path lies, links followed, as Path.resolve says: a file that is no link lies
    where its folder lies, so only each folder and each link is resolved, not every file."""
    folders: dict[Path, Path] = {}
    out = []
    for path in paths:
        if path.is_symlink():
            out.append(path.resolve())
            continue
        folder = folders.get(path.parent)
        if folder is None:
            folder = folders[path.parent] = path.parent.resolve()
        out.append(folder / path.name)
    return out
