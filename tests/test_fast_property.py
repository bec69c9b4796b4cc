"""The fast lane against the full command line, on random bodies and random argument lists:
whenever the lane answers, its output and exit code are the full command's to the byte; and
whenever the full command fails, the lane has stepped aside."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from kwartaal.cli.fast import try_fast
from kwartaal.cli.main import cli

from .conftest import commit_all, git

PEOPLE = ("roos", "yara", "kbg-2")
THEMES = ("groen", "veilig")
STATUSES = ("open", "in-progress", "done", "dropped")
MEETING_DATES = ("2025-03-13", "2025-06-12", "2025-09-11", "2026-03-12")
ALWAYS = ["--everyone", "--json"]  # the lane must answer this on every body


@dataclass(frozen=True)
class Action:
    title: str
    owner: str
    others: tuple[str, ...]
    due: str
    theme: str
    status: str


titles = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "P")), min_size=1,
                 max_size=12).map(str.strip).filter(bool)
dates = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31)).map(str)
actions = st.builds(Action, titles, st.sampled_from(PEOPLE),
                    st.lists(st.sampled_from(PEOPLE), max_size=2, unique=True).map(tuple), dates,
                    st.sampled_from(("", *THEMES)), st.sampled_from(STATUSES))
bodies = st.dictionaries(st.sampled_from(MEETING_DATES), st.lists(actions, max_size=5),
                         min_size=1, max_size=3)

# Values of each option: mostly ones the full command takes, else refused and odd ones.
REPO = (("{body}", "."), ("{body}/meetings", "{body}/people.toml", "", "{body}/nowhere"))
TODAY = (("2025-06-01", "2026-01-15", "2026-03-12", "2027-01-01", " 2026-01-15", "20260115",
          ""), ("2026-02-30", "3000-01-01", "1899-12-31", "2026-W03-4", "today"))
LANG = (("nl", "en"), ("fr", "", "EN"))
OWNER = ((*PEOPLE, ""), ("nobody", "--json", "ROOS"))
DAYS = (("0", "7", "30", "+7", " 7", "400000", "1_0", "\u0663"), ("-1", "400001", "x", ""))
STATUS = (("open", "in-progress", "done", "dropped", "all"), ("active", "ALL", ""))
THEME = ((*THEMES, ""), ("nope",))
MEETING = ((*MEETING_DATES, ""), ("2024-01-01",))
SORT = (("due", "urgency"), ("Due", ""))


def _valued(name: str, values: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    value = st.sampled_from(values)
    return st.one_of(value.map(lambda v: [name, v]), value.map(lambda v: [f"{name}={v}"]))


def _flag(name: str, wild: bool) -> st.SearchStrategy[list[str]]:
    return st.sampled_from([[name], [f"{name}=1"]] if wild else [[name]])


def _cases(wild: bool) -> st.SearchStrategy[tuple[list[str], dict[str, str], str]]:
    """An argument list, an environment and a current folder. Sound ones use only what the
    full command takes (though a person, theme or meeting may still be unknown to the body);
    wild ones anything: refused values, unknown options, options of the other command."""

    def pick(pools: tuple[tuple[str, ...], tuple[str, ...]]) -> tuple[str, ...]:
        return pools[0] + pools[1] if wild else pools[0]

    global_options = st.one_of(_valued("--repo", pick(REPO)),
                               _valued("--today", pick(TODAY)), _valued("--lang", pick(LANG)))
    shared = [_flag("--json", wild), _flag("--json", wild), _valued("--owner", pick(OWNER)),
              global_options]
    actions_only = [_flag("--everyone", wild), _flag("--overdue", wild),
                    _valued("--due-within", pick(DAYS)), _valued("--status", pick(STATUS)),
                    _valued("--theme", pick(THEME)), _valued("--meeting", pick(MEETING)),
                    _valued("--sort", pick(SORT))]
    odd = st.sampled_from([["--"], ["--own", "roos"], ["-h"], ["extra"], ["--help"], ["-"],
                           ["--version"], ["--json", "--"], ["--owner"], ["--all-bodies"]])
    if wild:
        before = st.lists(st.one_of(global_options, odd), max_size=3)
        command = st.sampled_from(["actions", "overdue", "agenda", "--json"])
        after = st.lists(st.one_of(*shared, *actions_only, odd), max_size=5)
    else:
        before = st.lists(global_options, max_size=2)
        command = st.sampled_from(["actions", "actions", "overdue"])
        after = st.lists(st.one_of(*shared, *actions_only), max_size=4)

    def arguments(before: list[list[str]], command: str, after: list[list[str]],
                  json_at: int) -> list[str]:
        if command == "overdue" and not wild:
            after = [option for option in after if option[0].partition("=")[0] in (
                "--json", "--owner", "--repo", "--today", "--lang")]
        if not wild:  # the lane answers JSON only
            after = [*after[:json_at], ["--json"], *after[json_at:]]
        return [*sum(before, []), command, *sum(after, [])]

    argument_lists = st.builds(arguments, before, command, after, st.integers(0, 5))
    environments = st.fixed_dictionaries({}, optional={
        "KWARTAAL_TODAY": st.sampled_from(pick(TODAY)),
        "KWARTAAL_ME": st.sampled_from(pick(OWNER)),
        "KWARTAAL_REPO": st.sampled_from(pick(REPO)),
        "KWARTAAL_LANG": st.sampled_from(pick(LANG))})
    folders = st.sampled_from(["{body}", "{body}/meetings", *(["{outside}"] if wild else [])])
    return st.tuples(argument_lists, environments, folders)


@st.composite
def _one_thing_wrong(draw: st.DrawFn) -> tuple[list[str], dict[str, str], str]:
    """A sound case with one refused value or odd argument: where a lane that is too lenient
    shows, since nothing else makes the full command fail."""
    argv, env, cwd = draw(_cases(wild=False))
    variable, pools = draw(st.sampled_from([("KWARTAAL_TODAY", TODAY), ("KWARTAAL_ME", OWNER),
                                            ("KWARTAAL_REPO", REPO), ("KWARTAAL_LANG", LANG)]))
    odd_value = draw(st.sampled_from(pools[1]))
    where = draw(st.integers(0, len(argv)))
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return argv, {**env, variable: odd_value}, cwd
    if choice == 1:
        name = {"KWARTAAL_TODAY": "--today", "KWARTAAL_ME": "--owner", "KWARTAAL_REPO": "--repo",
                "KWARTAAL_LANG": "--lang"}[variable]
        return [*argv[:where], name, odd_value, *argv[where:]], env, cwd
    token = draw(st.sampled_from([
        *(f"--{name}={value}" for name, pools in (("due-within", DAYS), ("status", STATUS),
                                                  ("sort", SORT), ("theme", THEME),
                                                  ("meeting", MEETING))
          for value in pools[1]),
        "--", "--json=1", "--everyone=", "-h", "--version", "extra", "--all-bodies"]))
    return [*argv[:where], token, *argv[where:]], env, cwd


cases = st.one_of(_cases(wild=False), _one_thing_wrong(), _cases(wild=True))


def _meeting_file(date: str, listed: list[Action]) -> str:
    lines = [f"date = {date}", 'time = "19:00"', 'place = ""', 'format = "in-person"',
             'status = "planned"', f"invited = {json.dumps(list(PEOPLE))}", ""]
    for number, action in enumerate(listed, 1):
        lines += ["[[action]]", f'id = "a{number}"',
                  f"title = {json.dumps(action.title, ensure_ascii=False)}",
                  f'owner = "{action.owner}"', f"due = {action.due}",
                  f'status = "{action.status}"']
        others = [p for p in action.others if p != action.owner]
        if others:
            lines.append(f"with = {json.dumps(others)}")
        if action.theme:
            lines.append(f'theme = "{action.theme}"')
        lines.append("")
    return "\n".join(lines)


def _new_body(base: Path) -> Path:
    body = base / "body"
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(body), "--name", "Proef"]).exit_code == 0
    for pid in PEOPLE:
        assert runner.invoke(cli, ["--repo", str(body), "person", "add", pid, "--name",
                                   pid.title(), "--visibility", "named", "--role",
                                   "lid"]).exit_code == 0
    for theme in THEMES:
        assert runner.invoke(cli, ["--repo", str(body), "theme", "add", theme, "--title",
                                   theme.title()]).exit_code == 0
    for hook in (body / ".git" / "hooks").glob("pre-commit*"):
        hook.unlink()  # a check per commit would only make every example slower
    return body


def _both(argv: list[str], env: dict[str, str], cwd: str,
          monkeypatch: pytest.MonkeyPatch) -> tuple[int | None, str, int, str]:
    with monkeypatch.context() as patch:
        for name in ("KWARTAAL_TODAY", "KWARTAAL_ME", "KWARTAAL_REPO", "KWARTAAL_LANG"):
            patch.delenv(name, raising=False)
        for name, value in env.items():
            patch.setenv(name, value)
        patch.chdir(cwd)
        out = io.StringIO()
        code = try_fast(argv, out)
        full = CliRunner().invoke(cli, argv)
    if full.exception is not None and not isinstance(full.exception, SystemExit):
        raise full.exception
    return code, out.getvalue(), full.exit_code, full.stdout


def test_the_lane_answers_as_the_full_command_or_steps_aside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = _new_body(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    answered = []

    @settings(max_examples=10, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(bodies, st.lists(cases, min_size=30, max_size=30))
    def check(meetings: dict[str, list[Action]],
              cases: list[tuple[list[str], dict[str, str], str]]) -> None:
        folder = body / "meetings"
        shutil.rmtree(folder)
        folder.mkdir()
        for date, listed in meetings.items():
            (folder / f"{date}.toml").write_text(_meeting_file(date, listed), encoding="utf-8")
        git(body, "add", "-A")
        git(body, "commit", "-q", "--no-verify", "--allow-empty", "-m", "random actions")
        time.sleep(2.1)  # older than the index by more than its racy window: trusted

        def fill(text: str) -> str:
            return text.format(body=body, outside=outside)

        # Builds the index; the body must be sound for the comparison to mean anything.
        first = CliRunner().invoke(cli, ["--repo", str(body), "actions", *ALWAYS])
        assert first.exit_code == 0, first.output
        assert try_fast(["--repo", str(body), "actions", *ALWAYS], io.StringIO()) == 0
        for argv, env, cwd in cases:
            argv = [fill(a) for a in argv]
            env = {k: fill(v) for k, v in env.items()}
            lane, lane_out, code, out = _both(argv, env, fill(cwd), monkeypatch)
            if code not in (0, 3):
                assert lane is None, (argv, env, cwd, code, out)
            if lane is not None:
                answered.append(argv)
                assert (lane, lane_out) == (code, out), (argv, env, cwd)
            event("answered" if lane is not None else f"declined, full exit {code}")

    check()
    assert len(answered) >= 100  # the lane really was tested, not only its stepping aside


def test_a_real_process_prints_the_same_either_way(tmp_path: Path) -> None:
    """The installed entry point, not only try_fast: the same bytes and code on stdout."""
    import subprocess
    import sys

    body = _new_body(tmp_path)
    (body / "meetings" / "2025-06-12.toml").write_text(_meeting_file("2025-06-12", [
        Action("Flyer é “drukken”", "roos", ("yara",), "2025-07-01", "groen", "open"),
        Action("Zaal", "yara", (), "2026-09-01", "", "in-progress")]), encoding="utf-8")
    commit_all(body)
    time.sleep(2.1)
    base = [sys.executable, "-m", "kwartaal", "--repo", str(body), "--today", "2026-01-15"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    subprocess.run([*base, "actions", "--json"], env=env, capture_output=True, check=True)
    for args in (["actions", "--everyone", "--json"], ["overdue", "--json"],
                 ["actions", "--owner", "yara", "--sort", "urgency", "--json"]):
        fast = subprocess.run([sys.executable, "-X", "importtime", *base[1:], *args], env=env,
                              capture_output=True)
        assert b"click" not in fast.stderr  # the lane answered
        full = subprocess.run([*base, *args], env={**env, "KWARTAAL_NO_FAST": "1"},
                              capture_output=True)
        assert (fast.returncode, fast.stdout) == (full.returncode, full.stdout), args
