"""What the public API (the package's `__init__`) adds over the layers: a body loaded from a
folder given as a string, its check with today's date, and the frame a program's edits run
in — the same lock, privacy check and all-or-nothing that every writing command has."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from kwartaal.core.problems import KwartaalError, Problem, msg
from kwartaal.files.loader import Loaded
from kwartaal.files.paths import CONFIG_FILE


def body_folder(folder: str | os.PathLike[str]) -> Path:
    """The folder of a body, refused plainly when it holds no kwartaal.toml."""
    root = Path(folder)
    if not (root / CONFIG_FILE).is_file():
        raise KwartaalError(msg("{folder} holds no kwartaal.toml; give the folder of a body",
                                folder=root))
    return root.resolve()


def load(folder: str | os.PathLike[str]) -> Loaded:
    """The body in folder as records (`.body`) and the problems met reading it (`.problems`).
    Never raises for bad content; see `check` for every problem, `load_checked` to refuse."""
    from kwartaal.files.loader import load as load_folder

    return load_folder(body_folder(folder))


def check(loaded: Loaded, today: dt.date | None = None) -> list[Problem]:
    """Every problem of a loaded body — the loader's, the cross-checks', privacy — sorted by
    file and line: what `kwartaal check` prints."""
    from kwartaal.files.validate import validate

    return validate(loaded, today or dt.date.today())
