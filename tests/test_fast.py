"""The fast lane answers exactly what the full command line answers, or steps aside."""

from __future__ import annotations

import io
import os
from pathlib import Path

import click
import pytest

from kwartaal.cli import fast
from kwartaal.cli.fast import try_fast
from kwartaal.cli.main import cli
from kwartaal.core import query

from .conftest import answer, lane

TODAYS = ["2025-06-01", "2026-01-15", "2026-03-12", "2027-01-01"]
ARGS = [
    ["actions", "--json"], ["actions", "--overdue", "--json"], ["actions"], ["overdue"],
    ["actions", "--overdue"], ["actions", "--status", "all"], ["--lang", "en", "actions"],
    ["actions", "--status", "done", "--json"], ["overdue", "--owner", "roos", "--lang", "en"],
    ["actions", "--owner", "l-demir", "--json"], ["actions", "--everyone", "--json"],
    ["actions", "--json", "--owner=kbg-2", "--overdue"], ["overdue", "--json"],
    ["overdue", "--owner", "roos", "--json"],
]


def test_fast_lane_equals_the_full_command(settled: Path) -> None:
    answer(settled, ["actions", "--json"], "2026-01-15")  # builds the index
    for today in TODAYS:
        for args in ARGS:
            code, text = lane(settled, args, today)
            assert code is not None, args  # the lane answered
            assert (code, text) == answer(settled, args, today), (args, today)


def test_kwartaal_me_and_unknown_people(settled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answer(settled, ["actions", "--json"], "2026-01-15")
    monkeypatch.setenv("KWARTAAL_ME", "roos")
    assert lane(settled, ["actions", "--json"], "2026-01-15") == answer(
        settled, ["actions", "--json"], "2026-01-15")
    assert lane(settled, ["actions", "--owner", "nobody", "--json"], "2026-01-15")[0] is None


def test_steps_aside_for_what_it_does_not_know(settled: Path) -> None:
    answer(settled, ["actions", "--json"], "2026-01-15")
    for args in (["actions", "--all-bodies", "--json"], ["overdue", "--all-bodies"],
                 ["agenda"], ["progress"], ["--help"], ["actions", "--json", "--help"],
                 ["--version"]):
        assert lane(settled, args, "2026-01-15")[0] is None, args
    assert try_fast(["--repo", str(settled), "--today", "2026-02-30", "actions", "--json"],
                    io.StringIO()) is None


def test_any_change_is_read_again(settled: Path) -> None:
    """A changed, removed or new file: the lane reads the body again, as the full command
    would, and answers what the full command answers."""
    answer(settled, ["actions", "--json"], "2026-01-15")
    path = settled / "meetings" / "2025-09-11.toml"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace('title = "Weerbaarheidstraining voorbereiden"',
                           'title = "Weerbaarheidstraining voorbereideN"')
    assert len(changed) == len(text)
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    code, text_out = lane(settled, ["actions", "--json"], "2026-01-15")
    assert code == 0 and "voorbereideN" in text_out
    assert (code, text_out) == answer(settled, ["actions", "--json"], "2026-01-15")
    (settled / "meetings" / "2025-12-11.toml").unlink()
    gone = lane(settled, ["actions", "--json"], "2026-01-15")
    assert gone[0] == 0 and '"2025-12-11/' not in gone[1]
    assert gone == answer(settled, ["actions", "--json"], "2026-01-15")
    people = settled / "people.toml"
    people.write_text(people.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    for args in ARGS:
        assert lane(settled, args, "2026-01-15") == answer(settled, args, "2026-01-15"), args


def test_no_index_the_lane_makes_one(settled: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    first = lane(settled, ["actions", "--json"], "2026-01-15")
    assert first[0] == 0 and first == answer(settled, ["actions", "--json"], "2026-01-15")
    for number, (today, args) in enumerate((t, a) for t in TODAYS for a in ARGS):
        monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / f"cache-{number}"))  # none yet
        assert lane(settled, args, today) == answer(settled, args, today), (args, today)
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")  # nothing kept: nothing to answer from
    assert lane(settled, ["actions", "--json"], "2026-01-15")[0] is None


def test_a_file_with_errors_goes_the_full_way(settled: Path) -> None:
    """The lane reads without a word: the full command says what is wrong."""
    path = settled / "meetings" / "2025-09-11.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[action]]\nid = 3\n",
                    encoding="utf-8")
    assert lane(settled, ["actions", "--json"], "2026-01-15") == (None, "")
    code, text = answer(settled, ["actions", "--json"], "2026-01-15")
    assert code != 0 and "2025-09-11.toml" in text
    path.write_text("title = [", encoding="utf-8")
    assert lane(settled, ["overdue"], "2026-01-15") == (None, "")


def test_an_index_that_cannot_be_written_is_not_answered_from(settled: Path,
                                                              tmp_path: Path) -> None:
    """A stale index, and a run that cannot write the fresh one (a file size limit): its
    answer is what the files say now, never what the stale index says."""
    import resource
    import signal
    import subprocess
    import sys

    env = {**os.environ, "KWARTAAL_CACHE_DIR": str(tmp_path / "cache"),
           "KWARTAAL_TODAY": "2026-01-15", "NO_COLOR": "1"}
    env.pop("KWARTAAL_NO_CACHE", None)
    command = [sys.executable, "-m", "kwartaal", "--repo", str(settled), "actions", "--json"]
    before = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert list((tmp_path / "cache").rglob("*"))  # the index is kept
    path = settled / "meetings" / "2025-09-11.toml"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace('title = "Weerbaarheidstraining voorbereiden"',
                           'title = "Weerbaarheidstraining voorbereideN"')
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))

    after = subprocess.run(command, env=env, capture_output=True, text=True,
                           preexec_fn=limited, check=True)
    assert "voorbereideN" not in before.stdout
    assert "voorbereideN" in after.stdout


def _lane_kind(param: click.Parameter, ctx: click.Context) -> object:
    """An option's type in the lane's terms (cli/fast.py), or a description the lane's table
    can never equal, so that a new kind of option fails the test below."""
    kind = param.type
    if isinstance(param, click.Option) and param.is_flag:
        return fast.FLAG if not param.secondary_opts and not param.get_default(ctx) else (
            "flag with a default or an off switch", param.name)
    if param.nargs != 1 or getattr(param, "multiple", False) or getattr(param, "count", False):
        return ("takes more than one value", param.name)
    if isinstance(kind, click.Choice):
        return tuple(kind.choices)
    if isinstance(kind, click.IntRange) and (kind.min, kind.max, kind.min_open,
                                             kind.max_open, kind.clamp) == (
                                                 0, query.DUE_WITHIN_MAX, False, False, False):
        return fast.DAYS
    if isinstance(kind, click.Path) and (kind.exists, kind.file_okay, kind.dir_okay,
                                         kind.readable, kind.writable, kind.executable,
                                         kind.resolve_path, kind.allow_dash) == (
                                             False, False, True, True, False, False, False,
                                             False):
        return fast.PATH
    if kind is click.STRING:
        return fast.TEXT
    return ("a type the lane does not check", param.name, kind)


def _click_table(params: list[click.Parameter],
                 ctx: click.Context) -> dict[str, tuple[str, object]]:
    table = {}
    for param in params:
        assert isinstance(param, click.Option), param  # an argument: the lane knows none
        for name in (*param.opts, *param.secondary_opts):
            table[name] = (param.name, _lane_kind(param, ctx))
    return table


def test_the_lane_knows_exactly_the_options_click_declares() -> None:
    """Names, aliases, flags or values and their types, per command: a renamed, added or
    removed click option fails here until the lane's table follows."""
    group = cli
    assert isinstance(group, click.Group)
    with click.Context(group) as ctx:
        served = {name: group.get_command(ctx, name) for name in fast.served_commands()}
        global_params = [p for p in group.params if p.name != "version"]
        assert _click_table(global_params, ctx) == fast.GLOBAL
        assert {p.name: p.envvar for p in global_params} == fast.GLOBAL_ENV
        for name, command in served.items():
            assert command is not None, name
            assert _click_table(command.params, ctx) == fast.served_commands()[name], name
            # Defaults the lane assumes when an option is not given.
            defaults = {p.name: p.get_default(ctx) for p in command.params}
            assert defaults.get("sort", "due") == "due" and defaults.get("status") is None
            # Help is click's own option, never in the lane's table: it steps aside.
            assert not set(command.get_help_option(ctx).opts) & set(fast.served_commands()[name])
    assert set(fast.LEFT_TO_THE_FULL_WAY) <= {key for table in fast.served_commands().values()
                                              for key, _ in table.values()}


def test_the_query_shares_the_records_constants() -> None:
    from kwartaal.core import model, values

    assert query.OPEN_STATUSES == model.OPEN_STATUSES
    assert set(query.STATUS_CHOICES) == {*model.ACTION_STATUSES, "all"}
    assert (query.YEAR_MIN, query.YEAR_MAX) == (values.YEAR_MIN, values.YEAR_MAX)


def test_the_lane_imports_no_typing_and_no_click() -> None:
    import subprocess
    import sys

    code = ("import sys\nbefore = set(sys.modules)\nimport kwartaal.cli.fast\n"
            "print(sorted(m for m in ('typing', 'click', 'pathlib', 'dataclasses', "
            "'kwartaal.core.model') if m in set(sys.modules) - before))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


def test_the_index_layout_names_the_records_fields() -> None:
    """The index's layout (files/cache.py) is declared by name: names of record fields, but
    for the few it stores in another form (a table's position for its source)."""
    from dataclasses import fields

    from kwartaal.core import model
    from kwartaal.files import cache

    assert set(cache.ACTION_FIELDS) - {"section"} <= {f.name for f in fields(model.Action)}
    assert set(cache.MEETING_FIELDS) <= {f.name for f in fields(model.Meeting)}
    assert len(set(cache.ACTION_FIELDS)) == len(cache.ACTION_FIELDS)


def test_a_first_answer_imports_no_click(settled: Path, tmp_path: Path) -> None:
    """No index yet: the lane makes it and answers, without click or the command modules."""
    import subprocess
    import sys

    env = {**os.environ, "KWARTAAL_CACHE_DIR": str(tmp_path / "cache"),
           "KWARTAAL_TODAY": "2026-01-15", "NO_COLOR": "1"}
    env.pop("KWARTAAL_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "kwartaal", "--repo",
                           str(settled), "actions", "--overdue", "--json"], env=env,
                          capture_output=True, text=True, check=False)
    imported = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert done.returncode in (0, 3) and done.stdout.startswith("[")
    assert "kwartaal.files.actionlane" in imported
    assert not imported & {"click", "kwartaal.cli.main", "kwartaal.core.reports"}


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["actions"], ["overdue", "--json"],
                                  ["actions", "--status", "all", "--json"]])
def test_output_that_cannot_be_written_is_said_plainly(settled: Path, tmp_path: Path,
                                                        args: list[str]) -> None:
    """A full disk, on the first run and on a later one; a closed standard output."""
    import subprocess
    import sys

    env = {**os.environ, "KWARTAAL_CACHE_DIR": str(tmp_path / "cache"),
           "KWARTAAL_TODAY": "2026-01-15", "NO_COLOR": "1"}
    env.pop("KWARTAAL_NO_CACHE", None)
    command = [sys.executable, "-m", "kwartaal", "--repo", str(settled), *args]
    for _ in range(2):
        with open("/dev/full", "w") as full:
            done = subprocess.run(command, env=env, stdout=full, stderr=subprocess.PIPE,
                                  text=True, check=False)
        assert done.returncode == 1, done.stderr
        assert done.stderr.strip() == "kwartaal: No space left on device", done.stderr
    closed = subprocess.run(command, env=env, stderr=subprocess.PIPE, text=True, check=False,
                            preexec_fn=lambda: os.close(1))
    assert closed.returncode in (0, 3) and closed.stderr == "", closed.stderr


def test_help_imports_no_shutil_and_is_as_wide_as_clicks_own() -> None:
    """`kwartaal --help` finds the terminal's width as click would with shutil, without
    importing it; in a terminal of any width, with or without COLUMNS."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    code = ("import sys\nfrom kwartaal.cli.fast import main\nsys.argv = ['kwartaal', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('shutil' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stderr.strip() == "False" and "Usage: kwartaal" in done.stdout
    compare = ("import shutil\nfrom kwartaal.cli.main import terminal_columns\n"
               "import sys\nprint(terminal_columns(), shutil.get_terminal_size().columns, "
               "file=sys.stderr)")
    for width in (0, 37, 97, 250):
        for columns in (None, "", "0", "-4", "abc", "63", " 90 ", "120"):
            env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
            if columns is not None:
                env["COLUMNS"] = columns
            main, other = pty.openpty()
            try:
                fcntl.ioctl(other, termios.TIOCSWINSZ, struct.pack("HHHH", 30, width, 0, 0))
                found = subprocess.run([sys.executable, "-c", compare], stdout=other,
                                       stderr=subprocess.PIPE, text=True, env=env, check=True)
            finally:
                os.close(main)
                os.close(other)
            ours, theirs = found.stderr.split()
            assert ours == theirs, (width, columns)
