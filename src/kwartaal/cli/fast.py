"""The command's entry point, with a fast lane for the questions asked most often, by people
and by cron jobs: `actions` and `overdue`, as a table or `--json`.

When every file of the body is provably unchanged since the action index was written (see
files/cache.py), those are answered from the index alone, before click or the record classes
are imported: a Python process cannot start much faster. Most lists read only the index's
header (the open and in-progress actions); `--status all`, `done` or `dropped` read the blobs
of the others too. A table for a terminal is printed by cli/output.py (rich), as the full
command prints it; elsewhere it is plain text (documents/actiontable.py). The lane shares
with the full command its query (core/query.py), its table (documents/actiontable.py), its
root finder (files/paths.py) and the index's reader; only the parsing of the argument list
is its own, and its option table is held equal to click's.
With no index, or a file changed, added or removed since it was saved, the lane reads the
body as the full command does (files/actionlane.py), saves the index and answers from it:
a first run need not import click and the command modules either. Anything else — another
command, an option or value the lane does not take, an unknown person, theme or meeting, a
file with errors, an index that could not be saved — goes to the full command line, which
answers the same question the long way (or says what is wrong).
The two must agree to the byte; tests/test_fast.py and tests/test_fast_property.py hold them
to it.

Being the entry point, it installs what an interrupt and a closed pipe do (files/signals.py)
from the first moment, in both lanes.
"""

from __future__ import annotations

import os
import stat
import sys
from functools import cache

from kwartaal.files.paths import root_folder
from kwartaal.files.signals import (
    catch_signals,
    closed_pipe_exit,
    flush_output,
    ignore_signals,
    output_failed,
    run_to_a_quiet_end,
)

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


# The options of the commands the lane serves, as click declares them: the global ones
# (cli/options.py; before the command name also read from the environment) and those of
# `actions` and `overdue` (cli/actions.py). name -> (click's name for it, its type): FLAG,
# TEXT, PATH (click.Path(file_okay=False)), DAYS (click.IntRange(0, query.DUE_WITHIN_MAX)) or
# a tuple of choices. tests/test_fast.py holds these tables equal to click's parameters.
FLAG, TEXT, PATH, DAYS = "flag", "text", "path", "days"
GLOBAL: dict[str, tuple[str, Any]] = {
    "--repo": ("repo", PATH), "--today": ("today", TEXT), "--lang": ("lang", ("nl", "en"))}
GLOBAL_ENV = {"repo": "KWARTAAL_REPO", "today": "KWARTAAL_TODAY", "lang": "KWARTAAL_LANG"}


@cache
def served_commands() -> dict[str, dict[str, tuple[str, Any]]]:
    """The commands the lane serves and their options. Made when first asked, after the
    command word was found to be one of them: `kwartaal --help` never imports the query."""
    from kwartaal.core import query

    return {
        "actions": {
            "--owner": ("owner", TEXT), "--everyone": ("everyone", FLAG),
            "--overdue": ("overdue", FLAG), "--due-within": ("due_within", DAYS),
            "--status": ("status", query.STATUS_CHOICES), "--theme": ("theme", TEXT),
            "--meeting": ("meeting", TEXT), "--sort": ("sort", query.SORT_CHOICES),
            "--all-bodies": ("all_bodies", FLAG), "--json": ("as_json", FLAG), **GLOBAL},
        "overdue": {"--owner": ("owner", TEXT), "--all-bodies": ("all_bodies", FLAG),
                    "--json": ("as_json", FLAG), **GLOBAL},
    }


SERVED = ("actions", "overdue")  # the keys of served_commands(), known without making it
LEFT_TO_THE_FULL_WAY = ("all_bodies",)  # known options whose answer the index cannot give


def valid(kind: Any, value: str) -> bool:
    """Whether click takes this value for an option of this type."""
    if kind == TEXT:
        return True
    if kind == PATH:  # nothing there yet will do; a file or an unreadable folder will not
        try:
            found = os.stat(value)
        except OSError:
            return True
        return not stat.S_ISREG(found.st_mode) and os.access(value, os.R_OK)
    if kind == DAYS:
        from kwartaal.core.query import DUE_WITHIN_MAX

        try:
            return 0 <= int(value) <= DUE_WITHIN_MAX
        except ValueError:
            return False
    return value in kind


def _options(args: list[str], known: dict[str, tuple[str, Any]]) -> dict[str, Any] | None:
    """Parse `--name value`, `--name=value` and flags as click does (the last one given wins);
    None for anything unknown, anything click would refuse, and a bare `--`."""
    found: dict[str, Any] = {}
    index = 0
    while index < len(args):
        name, eq, value = args[index].partition("=")
        if name not in known:
            return None
        key, kind = known[name]
        if kind == FLAG:
            if eq:
                return None
            found[key] = True
        else:
            if not eq:
                index += 1
                if index >= len(args):
                    return None
                value = args[index]
            if not valid(kind, value):
                return None
            found[key] = value
        index += 1
    return found


def _split(argv: list[str]) -> tuple[dict[str, Any], str, list[str]] | None:
    """The global options before the command (with the environment's where none was given),
    the command, and what follows it."""
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
            before = _options(argv[:position], GLOBAL)
            if before is None:
                return None
            for key, variable in GLOBAL_ENV.items():
                value = os.environ.get(variable)
                if key not in before and value:  # click ignores an empty variable
                    if not valid(GLOBAL[f"--{key}"][1], value):
                        return None
                    before[key] = value
            return before, arg, argv[position + 1:]
    return None


def try_fast(argv: list[str], out: TextIO) -> int | None:
    """Answer from the index and return the exit code, or None to take the full way."""
    split = _split(argv)
    if split is None:
        return None
    before, command, rest = split
    known = served_commands().get(command) if command in SERVED else None
    options = None if known is None else _options(rest, known)
    if options is None or any(options.get(key) for key in LEFT_TO_THE_FULL_WAY):
        return None
    given = {**before, **options}  # after the command name wins, as in click
    from kwartaal.core import query
    from kwartaal.files.cache import fresh_index

    root = root_folder(given.get("repo"), os.getcwd())
    today = query.today_from(given.get("today"), os.environ.get("KWARTAAL_TODAY"))
    if root is None or today is None:
        return None
    stored = fresh_index(root) or _refreshed(root)
    if stored is None:
        return None
    try:
        answer = _answer(command, given, stored, today)
    except (LookupError, TypeError, ValueError, EOFError):  # an index of another shape
        return None
    finally:
        stored.close()
    if answer is None:
        return None
    code, text = answer
    if isinstance(text, tuple) and out is not sys.stdout:
        return None
    try:
        if isinstance(text, tuple):  # a table for a terminal: rich prints it, as the full way
            from kwartaal.cli.output import table

            table(*text, narrow_drop=(6,))
        else:
            out.write(text)
    except BrokenPipeError:  # as the full way and a kept answer meet them
        closed_pipe_exit()
    except OSError as exc:  # a full disk, a closed terminal
        output_failed(exc)
    return code


def _refreshed(root: str) -> Any:
    """No fresh index: the lane reads the body and saves one, as the full command would
    (files/actionlane.py), and the answer is read from that one (known by the time it was
    saved at: not another run's, nor an older one left where it could not be written).
    None when that reading found something wrong, for the full way to say."""
    from pathlib import Path

    from kwartaal.files.actionlane import refresh_index
    from kwartaal.files.cache import read_index

    saved = refresh_index(Path(root))
    stored = None if saved is None else read_index(root)
    if stored is not None and stored.data.get("saved") != saved:
        stored.close()
        return None
    return stored


def _answer(command: str, given: dict[str, Any], stored: Any,
            today: dt.date) -> tuple[int, Any] | None:
    """The exit code and the output (text, or the parts of a table for rich), or None where
    the full way must answer."""
    from kwartaal.core import query
    from kwartaal.files.cache import CLOSED, MEETING, MEETING_ID, OPEN, all_rows, plain_rows

    index = stored.data
    owner = given.get("owner")
    if command == "actions":
        owner = None if given.get("everyone") else (owner or os.environ.get("KWARTAAL_ME"))
    theme, meeting = given.get("theme"), given.get("meeting")
    entries = index.get("files", {}).values()
    # Unknown people, themes and meetings: the full way says plainly what is wrong.
    if ((owner and owner not in index.get("people", ()))
            or (theme and theme not in (index.get("themes") or ()))
            or (meeting and meeting not in {entry[MEETING][MEETING_ID] for entry in entries})):
        return None
    status = given.get("status") or "active"
    if status in ("active", "open", "in-progress"):  # the header holds every open action
        plains = [plain for entry in entries for plain in plain_rows(entry, entry[OPEN])]
    else:
        plains = [plain for entry in entries
                  for plain in plain_rows(entry, all_rows(entry, stored.rows(entry[CLOSED])))]
    within = given.get("due_within")
    today_ordinal = today.toordinal()
    overdue = command == "overdue"
    chosen = query.select(
        ((plain, plain) for plain in plains), today_ordinal,
        owner=owner or None, overdue=overdue or bool(given.get("overdue")),
        within=None if within is None else int(within), status=status,
        theme=theme, meeting=meeting, sort=given.get("sort") or "due")
    code = 3 if overdue and chosen else 0
    if given.get("as_json"):
        return code, query.json_text([query.row(plain, today_ordinal) for plain in chosen]) + "\n"
    return code, _table(chosen, today_ordinal, given.get("lang") or index["language"], overdue)


def _table(chosen: list[Any], today: int, lang: str, overdue: bool) -> Any:
    """The printed list: plain text, or the parts of a table for rich on a terminal (as
    cli/output.py decides)."""
    from kwartaal.core.words import tr

    if not chosen:
        return tr("no overdue actions", lang).format() + "\n" if overdue else \
            tr("no actions", lang) + "\n"
    from kwartaal.documents.actiontable import action_table, plain_text

    headers, rows, styles = action_table(chosen, today, lang)
    if sys.stdout.isatty() and "NO_COLOR" not in os.environ:
        return headers, rows, styles
    return plain_text(headers, rows)


def _fast_or_full() -> None:
    recorder = None
    # Shell completion (click's _KWARTAAL_COMPLETE) and runs without a stdout or stderr take
    # the full way: the lanes would print an answer where click prints something else.
    if (not os.environ.get("KWARTAAL_NO_FAST") and "_KWARTAAL_COMPLETE" not in os.environ
            and sys.stdout is not None and sys.stderr is not None):
        code = try_fast(sys.argv[1:], sys.stdout)
        if code is None:
            code, recorder = _kept(sys.argv[1:])
        if code is not None:
            flush_output()
            sys.exit(code)
    from kwartaal.cli.main import main as full

    if recorder is None:
        full()
        return
    try:
        full()
    except SystemExit as done:
        flush_output()  # a failure to write is told now, and no answer is kept with it
        recorder.finish(done.code if isinstance(done.code, int) else 1)
        raise
    flush_output()
    recorder.finish(0)


def _kept(argv: list[str]) -> tuple[int | None, Any]:
    """The kept answer to a read command (files/answers.py) printed, and its exit code; else
    no code and, when the answer may be kept, what records the full way's run."""
    split = _split(argv)
    if split is None:
        return None, None
    before, command, rest = split
    if any(arg.partition("=")[0] == "--repo" for arg in rest):
        return None, None  # the body is named after the command: click's to find
    from kwartaal.files import answers

    if not answers.eligible(command, rest):
        return None, None
    root = root_folder(before.get("repo"), os.getcwd())
    if root is None:
        return None, None
    kept = answers.kept_answer(argv, root, sys.stdout, command)
    if kept is None:
        return None, answers.Recorder(argv, root, command)
    code, parts = kept
    try:
        answers.print_answer(parts, sys.stdout)
    except BrokenPipeError:
        closed_pipe_exit()
    except OSError as exc:
        output_failed(exc)
    return code, None


def main() -> None:
    catch_signals()
    run_to_a_quiet_end(_fast_or_full, after=ignore_signals)

