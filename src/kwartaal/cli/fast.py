"""The command's entry point, with a fast lane for the two questions asked most often, by
people and by cron jobs: `actions ... --json` and `overdue ... --json`.

When every file of the body is provably unchanged since the action index was written (see
cache.py), those are answered from the index alone, before click or any of kwartaal's own
modules are imported: a Python process cannot start faster. Anything else — another
command, an option the lane does not know, a changed or new file, an unknown person, a
missing index — goes to the full command line, which answers the same question the long way
and refreshes the index. The two must agree to the byte; tests/test_fast.py holds them to it.

Being the entry point, it installs what an interrupt and a closed pipe do (files/signals.py)
from the first moment, in both lanes.
"""

from __future__ import annotations

import os
import sys

from kwartaal.files.signals import catch_signals, flush_output, ignore_signals, run_to_a_quiet_end

TYPE_CHECKING = False  # importing typing would cost this lane a tenth of its time
if TYPE_CHECKING:
    import datetime as dt
    from typing import Any, TextIO


# Run as the kwartaal command (the script or `python -m kwartaal`): catch interrupts from this
# line on, before anything else is imported. Imported by anything else (a test runner), leave
# that program's handlers alone; main() installs them.
if os.path.basename(sys.argv[0] if sys.argv else "") in ("kwartaal", "__main__.py",
                                                          "kwartaal.exe"):
    catch_signals()


GLOBAL = {"--repo": "repo", "--today": "today", "--lang": "lang"}


def _options(args: list[str], known: dict[str, str | None]) -> dict[str, Any] | None:
    """Parse `--name value`, `--name=value` and flags; None for anything unknown."""
    found: dict[str, Any] = {}
    index = 0
    while index < len(args):
        arg = args[index]
        name, eq, value = arg.partition("=")
        if name not in known:
            return None
        key = known[name]
        if key is None:  # a flag
            if eq:
                return None
            found[name] = True
        elif eq:
            found[key] = value
        else:
            index += 1
            if index >= len(args):
                return None
            found[key] = args[index]
        index += 1
    return found


def _split(argv: list[str]) -> tuple[dict[str, Any], str, list[str]] | None:
    """Global options, the command, and what follows it."""
    position = 0
    while position < len(argv):
        arg = argv[position]
        if arg in GLOBAL:
            position += 2
        elif arg.partition("=")[0] in GLOBAL:
            position += 1
        elif arg.startswith("-"):
            return None  # --help, --version, or something the lane does not know
        else:
            before = _options(argv[:position], dict(GLOBAL))
            return None if before is None else (before, arg, argv[position + 1:])
    return None


def _root(given: str | None) -> str | None:
    value = given or os.environ.get("KWARTAAL_REPO")
    if value:
        return os.path.realpath(value) if os.path.isfile(
            os.path.join(value, "kwartaal.toml")) else None
    folder = os.path.realpath(os.getcwd())
    while True:
        if os.path.isfile(os.path.join(folder, "kwartaal.toml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def try_fast(argv: list[str], out: TextIO) -> int | None:
    """Answer from the index and return the exit code, or None to take the full way."""
    import datetime as dt

    split = _split(argv)
    if split is None:
        return None
    glob, command, rest = split
    known: dict[str, str | None] = {"--json": None, "--owner": "owner", **GLOBAL}
    if command == "actions":
        known.update({"--overdue": None, "--everyone": None})
    elif command != "overdue":
        return None
    options = _options(rest, known)
    if options is None or not options.get("--json"):
        return None
    settings = {**glob, **{k: v for k, v in options.items() if not k.startswith("--")}}
    root = _root(settings.get("repo"))
    if root is None:
        return None
    try:
        today = dt.date.fromisoformat(settings.get("today") or os.environ.get(
            "KWARTAAL_TODAY") or dt.date.today().isoformat())
    except ValueError:
        return None
    owner = settings.get("owner")
    if command == "actions" and not owner and not options.get("--everyone"):
        owner = os.environ.get("KWARTAAL_ME") or None
    if options.get("--everyone"):
        owner = None
    rows = _rows(root, today, owner, overdue=command == "overdue" or bool(
        options.get("--overdue")))
    if rows is None:
        return None
    import json

    out.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n")
    return 3 if command == "overdue" and rows else 0


def _rows(root: str, today: dt.date, owner: str | None,
          overdue: bool) -> list[dict[str, Any]] | None:
    import datetime as dt

    from kwartaal.files.cache import read_index, stat_key, trusted

    index = read_index(root)
    if index is None:
        return None
    saved = index.get("saved", 0)
    if not (trusted(stat_key(os.path.join(root, "kwartaal.toml")), index.get("config") or (),
                    saved)):
        return None
    people_stat = stat_key(os.path.join(root, "people.toml"))
    if people_stat is None:
        if index.get("people_file") is not None:
            return None
    elif not trusted(people_stat, index.get("people_file") or (), saved):
        return None
    if owner and owner not in index.get("people", ()):
        return None  # the full way says plainly that this person is unknown
    folder = os.path.join(root, "meetings")
    files: dict[str, Any] = index.get("files", {})
    try:
        names = [entry.name for entry in os.scandir(folder)
                 if entry.name.endswith(".toml") and entry.is_file(follow_symlinks=False)]
        links = any(e.is_symlink() for e in os.scandir(folder))
    except OSError:
        return None
    if links or sorted(names) != sorted(files):
        return None
    today_ordinal = today.toordinal()
    found = []
    for name in names:
        entry = files[name]
        if not trusted(stat_key(os.path.join(folder, name)), entry[0], saved):
            return None
        meeting = entry[2][0]
        for (local, title, lead, others, due, theme, status, _closed, _item, _at) in entry[3]:
            if status not in ("open", "in-progress"):
                continue
            if owner and owner != lead and owner not in others:
                continue
            late = today_ordinal - due if due and due < today_ordinal else 0
            if overdue and not late:
                continue
            found.append((due or dt.date.max.toordinal(), f"{meeting}/{local}", {
                "id": f"{meeting}/{local}", "title": title, "owners": [lead, *others],
                "due": dt.date.fromordinal(due).isoformat() if due else None,
                "status": status, "theme": theme, "meeting": meeting,
                "overdue": late > 0, "days_overdue": late}))
    found.sort(key=lambda row: (row[0], row[1]))
    return [row[2] for row in found]


def _fast_or_full() -> None:
    if not os.environ.get("KWARTAAL_NO_FAST"):
        code = try_fast(sys.argv[1:], sys.stdout)
        if code is not None:
            flush_output()
            sys.exit(code)
    from kwartaal.cli.main import main as full

    full()


def main() -> None:
    catch_signals()
    run_to_a_quiet_end(_fast_or_full, after=ignore_signals)

