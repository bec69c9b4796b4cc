"""Many writers on one working copy, and recovery from whatever a kill, an interrupt, a refused
commit or a closed pipe leaves behind. Real processes and real git repositories throughout."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run, commit_all, commit_count, git, init_repo

KWARTAAL = [sys.executable, "-m", "kwartaal"]
MEETING = "2025-12-11"  # the example's last held meeting: where `action add` puts actions


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "KWARTAAL_TODAY": EXAMPLE_TODAY, "KWARTAAL_LANG": "en", **extra}


def _run(body: Path, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KWARTAAL, "--repo", str(body), *args], env=env or _env(),
                          capture_output=True, text=True, timeout=120)


def _start(body: Path, *args: str, env: dict[str, str] | None = None,
           **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen([*KWARTAAL, "--repo", str(body), *args], env=env or _env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **popen)  # type: ignore[call-overload]


def _no_traceback(text: str) -> None:
    assert "Traceback" not in text and "internal error" not in text and "Aborted!" not in text, \
        text


def _tree(top: Path) -> dict[str, bytes]:
    """Every file of the working tree, byte for byte."""
    return {p.relative_to(top).as_posix(): p.read_bytes() for p in top.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(top).parts}


def _state(top: Path) -> tuple[dict[str, bytes], str, str, str]:
    """The working tree, the index, HEAD and git status: what 'exactly as before' compares."""
    return (_tree(top), git(top, "ls-files", "-s"), git(top, "rev-parse", "HEAD"),
            git(top, "status", "--porcelain", "--untracked-files=all"))


def _actions(body: Path, meeting: str = MEETING) -> list[dict[str, object]]:
    data = tomllib.loads((body / "meetings" / f"{meeting}.toml").read_text(encoding="utf-8"))
    return list(data.get("action", []))


def _debris(top: Path) -> list[str]:
    """What a killed command may leave: temporary files, kwartaal's journal, git's locks."""
    found = [p.name for p in top.rglob(".*.tmp") if ".git" not in p.parts]
    found += [str(p) for p in (top / ".git").glob("*.lock") if p.name != "kwartaal.lock"]
    found += [str(p) for p in (top / ".git" / "refs").rglob("*.lock")]
    if (top / ".git" / "kwartaal-journal").exists():
        found.append("kwartaal-journal")
    return found


# -- one lock per repository -------------------------------------------------------------------

def test_twenty_writers_with_their_own_cache_folders_all_get_in(example: Path,
                                                                 tmp_path: Path) -> None:
    top = example.parent
    before = commit_count(top)
    writers = [_start(example, "action", "add", f"Parallel {n}", "--owner", "roos", "--due",
                      "+6w", env=_env(KWARTAAL_CACHE_DIR=str(tmp_path / f"cache-{n}")))
               for n in range(20)]
    errors = []
    for process in writers:
        _, err = process.communicate(timeout=180)
        _no_traceback(err)
        errors += [err] if process.returncode else []
    assert errors == []
    actions = _actions(example)
    assert sorted(a["title"] for a in actions if str(a["title"]).startswith("Parallel")) == \
        sorted(f"Parallel {n}" for n in range(20))
    assert len({a["id"] for a in actions}) == len(actions)
    assert commit_count(top) == before + 20
    assert git(top, "status", "--porcelain") == ""


def test_forty_writers_across_two_bodies_in_one_repository(tmp_path: Path) -> None:
    top = init_repo(tmp_path / "repo")
    for name in ("stad", "regio"):
        shutil.copytree(EXAMPLE, top / name)
    commit_all(top)
    before = commit_count(top)
    writers = []
    for n in range(40):
        body = top / ("stad" if n % 2 else "regio")
        args = ["action", "add", f"Samen {n}", "--owner", "roos", "--due", "+6w"] if n % 4 < 2 \
            else ["note", MEETING, "actueel", f"Notitie {n}"]
        writers.append(_start(body, *args, env=_env(
            KWARTAAL_CACHE_DIR=str(tmp_path / f"cache-{n % 7}"))))
    errs = []
    for process in writers:
        _, err = process.communicate(timeout=240)
        _no_traceback(err)
        assert process.returncode == 0, err
        errs.append(err)
    assert any("waiting for another kwartaal command" in err for err in errs)
    assert commit_count(top) == before + 40
    assert git(top, "status", "--porcelain") == ""
    for name in ("stad", "regio"):
        data = tomllib.loads((top / name / "meetings" / f"{MEETING}.toml").read_text("utf-8"))
        for kind in ("action", "note"):
            ids = [record["id"] for record in data[kind]]
            assert len(ids) == len(set(ids)), (name, kind)
        added = [a for a in data["action"] if str(a["title"]).startswith("Samen")]
        assert len(added) == 10
        assert len([n for n in data["note"] if str(n["text"]).startswith("Notitie")]) == 10


def test_a_body_outside_git_keeps_its_lock_in_a_folder_git_ignores(tmp_path: Path) -> None:
    body = tmp_path / "overleg"
    shutil.copytree(EXAMPLE, body)
    done = _run(body, "action", "add", "Zonder git", "--owner", "roos", "--due", "+6w")
    assert done.returncode == 0, done.stderr
    assert (body / ".kwartaal" / "kwartaal.lock").exists()
    init_repo(body)
    assert ".kwartaal" not in git(body, "status", "--porcelain", "--untracked-files=all")


HOLDER = """
import sys, time
from pathlib import Path
from kwartaal.files.lock import body_lock
with body_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_a_waiting_command_says_so_and_an_interrupt_leaves_nothing(example: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(example), "30"],
                              env=_env(), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        before = _state(example.parent)
        waiting = _start(example, "action", "add", "Wacht", "--owner", "roos", "--due", "+6w")
        assert waiting.stderr is not None
        line = waiting.stderr.readline()  # printed after a second of waiting
        assert "waiting for another kwartaal command (process" in line
        waiting.send_signal(signal.SIGINT)
        _, err = waiting.communicate(timeout=60)
        assert waiting.returncode == 130
        assert "interrupted: nothing was changed" in err
        _no_traceback(err)
        assert _state(example.parent) == before
    finally:
        holder.kill()
        holder.wait()


# -- git's own locks ---------------------------------------------------------------------------

def test_stale_git_locks_are_named_and_cleared(example: Path) -> None:
    top = example.parent
    stale = [top / ".git" / "index.lock", top / ".git" / "HEAD.lock",
             top / ".git" / "refs" / "heads" / "main.lock"]
    for lock in stale:
        lock.write_bytes(b"")
        os.utime(lock, (time.time() - 60, time.time() - 60))
    done = _run(example, "action", "add", "Na het slot", "--owner", "roos", "--due", "+6w")
    assert done.returncode == 0, done.stderr
    for lock in stale:
        assert not lock.exists()
        assert f"removed {lock}, a lock left by a git command that was stopped" in done.stderr
    assert "Na het slot" in [a["title"] for a in _actions(example)]
    assert git(top, "status", "--porcelain") == ""


def test_a_lock_held_by_a_running_git_refuses_naming_it(example: Path) -> None:
    top = example.parent
    (top / "extra.txt").write_text("een\n", encoding="utf-8")
    commit_all(top, "extra")
    (top / "extra.txt").write_text("twee\n", encoding="utf-8")
    # `git commit -a` holds the index lock while its editor is open: a git that still works
    editor = subprocess.Popen(["git", "-c", "core.editor=sleep 30; true", "commit", "-a"],
                              cwd=top, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not (top / ".git" / "index.lock").exists():
            assert time.monotonic() < deadline
            time.sleep(0.02)
        before = _tree(top)
        refused = _run(example, "action", "add", "Geweigerd", "--owner", "roos", "--due", "+6w")
        assert refused.returncode == 1
        assert f"git (process {editor.pid}) is working in this repository and holds" \
            in refused.stderr
        assert "index.lock" in refused.stderr and "nothing was changed" in refused.stderr
        assert _tree(top) == before
        assert (top / ".git" / "index.lock").exists()
    finally:
        editor.kill()
        editor.wait()


# -- a commit that fails -----------------------------------------------------------------------

REFUSING_HOOK = "#!/bin/sh\necho 'not today' >&2\nexit 1\n"


@pytest.mark.parametrize("args", [
    ["action", "add", "Geweigerd", "--owner", "roos", "--due", "+6w"],
    ["action", "done", "2025-09-11/a1"],
    ["meeting", "new", "--date", "2026-09-10"],
    ["person", "add", "nieuw", "--name", "Nieuw", "--visibility", "named", "--role", "lid"],
    ["propose", "Geweigerd punt", "--by", "roos"],
])
def test_a_refused_commit_puts_every_file_back(args: list[str], example: Path) -> None:
    top = example.parent
    hook = top / ".git" / "hooks" / "pre-commit"  # the example has no hook of kwartaal's
    hook.write_text(REFUSING_HOOK, encoding="utf-8")
    hook.chmod(0o755)
    before = _state(top)
    refused = _run(example, *args)
    assert refused.returncode == 1, refused.stdout
    assert "refused the commit, so nothing was committed" in refused.stderr
    assert "not today" in refused.stderr
    assert "The files this command changed are back as they were before it:" in refused.stderr
    assert _state(top) == before
    assert _debris(top) == []


# -- kills -------------------------------------------------------------------------------------

def _commands(n: int) -> list[str]:
    """The n-th writing command of the kill loop."""
    return [
        ["action", "add", f"Kill {n}", "--owner", "roos", "--due", "+6w"],
        ["note", MEETING, "actueel", f"Kill-notitie {n}"],
        ["meeting", "new", "--date", _date(n)],
        ["person", "add", f"kill-{n}", "--name", f"Kill {n}", "--visibility", "named",
         "--role", "lid"],
        ["propose", f"Kill-punt {n}", "--by", "roos", "--meeting", "2026-03-12"],
    ][n % 5]


def _date(n: int) -> str:
    return f"{2027 + n // 50}-{1 + n % 50 // 5:02d}-11"


def _mark(body: Path, n: int) -> bool:
    """Whether the change of the n-th command is in the body's files."""
    if n % 5 == 2:
        return (body / "meetings" / f"{_date(n)}.toml").exists()
    name = ["Kill {n}", "Kill-notitie {n}", "", "kill-{n}", "Kill-punt {n}"][n % 5]
    return any(f'"{name.format(n=n)}"' in p.read_text(encoding="utf-8")
               for p in (body / "people.toml", *(body / "meetings").glob("*.toml"))) or \
        f"[kill-{n}]" in (body / "people.toml").read_text(encoding="utf-8")


def _running(process: subprocess.Popen[str]) -> bool:
    """Whether the process still runs, asked without collecting it: until it is collected its
    id (and so its process group's) cannot be given to anyone else, so that signalling the
    group afterwards can only reach it and its children."""
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        return False


def _wait_for(process: subprocess.Popen[str], paths: list[Path]) -> None:
    """Until one of paths exists or the process has ended."""
    while _running(process) and not any(p.exists() for p in paths):
        time.sleep(0.0005)


def _kill_loop(body: Path, seed: int, kills: int) -> Counter[str]:
    """SIGKILL a writing command at a random moment, sometimes with its git children; then
    the next command must work, and leave nothing behind and nothing lost. The moment is
    random, and, so that most kills land where a write is under way whatever the machine's
    load, often counted from when the command's journal or git's index lock appears."""
    top = body.parent
    git_dir = top / ".git"
    rng = random.Random(seed)
    lengths = []
    for n in range(3):
        begin = time.monotonic()
        assert _run(body, *_commands(n)).returncode == 0
        lengths.append(time.monotonic() - begin)
    begin = time.monotonic()
    heads = [git(top, "rev-parse", "HEAD").strip()]
    done = [0, 1, 2]
    outcomes: Counter[str] = Counter()
    for n in range(3, 3 + 2 * kills, 2):
        victim = _start(body, *_commands(n), start_new_session=True)
        moment = rng.random()
        if moment < 0.3:  # anywhere: start-up, loading, the lock, writing, committing
            time.sleep(rng.uniform(0, 1.0) * sorted(lengths)[len(lengths) // 2])
        elif moment < 0.75:  # while it writes its files
            _wait_for(victim, [git_dir / "kwartaal-journal"])
            time.sleep(rng.uniform(0, 0.03))
        else:  # while git stages and commits
            _wait_for(victim, [git_dir / "kwartaal-journal"])
            _wait_for(victim, [git_dir / "index.lock"])
            time.sleep(rng.uniform(0, 0.015))
        with contextlib.suppress(ProcessLookupError):
            if rng.random() < 0.5:
                os.killpg(victim.pid, signal.SIGKILL)
            else:
                victim.kill()
        victim.communicate(timeout=60)
        outcomes["finished before the kill" if victim.returncode == 0 else "killed"] += 1
        started = time.monotonic()
        after = _run(body, *_commands(n + 1))  # the next command, with no manual step first
        lengths.append(time.monotonic() - started)
        assert after.returncode == 0, after.stderr
        _no_traceback(after.stderr)
        done.append(n + 1)
        for line in after.stderr.splitlines():
            outcomes[next((kind for kind, words in RECOVERIES if words in line), line)] += 1
        assert _debris(top) == []
        assert git(top, "status", "--porcelain", "--untracked-files=all") == ""
        heads.append(git(top, "rev-parse", "HEAD").strip())
        git(top, "merge-base", "--is-ancestor", heads[-2], heads[-1])  # no commit lost
    missing = [n for n in done if not _mark(body, n)]
    assert missing == [], missing  # and no committed change undone by a later one
    checked = _run(body, "check")
    assert checked.returncode == 0, checked.stdout
    assert "does not track" not in checked.stdout
    outcomes[f"seconds ({top.name})"] = round(time.monotonic() - begin)
    return outcomes


def test_kill_loop_leaves_nothing_for_a_person_to_do(example: Path, tmp_path: Path) -> None:
    """Two loops at once, each on its own repository (two cores), 80 kills in all."""
    from concurrent.futures import ThreadPoolExecutor

    other = init_repo(tmp_path / "tweede") / "meetings"
    shutil.copytree(EXAMPLE, other)
    commit_all(other.parent)
    kills = int(os.environ.get("KWARTAAL_KILLS", "50"))
    start = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        loops = [pool.submit(_kill_loop, body, seed, kills // 2)
                 for body, seed in ((example, 20260115), (other, 20260312))]
        outcomes = sum((loop.result() for loop in loops), Counter())
    print(f"\n{kills} kills in {time.monotonic() - start:.1f} s: {dict(outcomes)}")
    assert outcomes["killed"] >= kills // 2
    assert outcomes["undone"] + outcomes["committed for it"] >= 10, outcomes


RECOVERIES = [("undone", "was stopped in the middle of its change"),
              ("committed for it", "was stopped before it could commit its change"),
              ("git lock removed", "a lock left by a git command that was stopped"),
              ("waited for git", "waiting for git")]


def test_a_file_changed_again_after_the_kill_is_reported_with_the_commands(
        example: Path) -> None:
    top = example.parent
    path = example / "meetings" / f"{MEETING}.toml"
    journal = top / ".git" / "kwartaal-journal"
    # a command killed between writing the file and committing it
    killer = ("import os, signal, sys\nimport kwartaal.vcs.gitops as g\n"
              "def die(*a, **k):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
              "g.commit = die\nfrom kwartaal.cli.main import main\n"
              "sys.argv = ['kwartaal', *sys.argv[1:]]\nmain()\n")
    killed = subprocess.run([sys.executable, "-c", killer, "--repo", str(example), "note",
                             MEETING, "actueel", "Half"], env=_env(), capture_output=True)
    assert killed.returncode == -signal.SIGKILL
    assert journal.exists()
    with path.open("a", encoding="utf-8") as handle:
        handle.write("# met de hand erbij gezet\n")
    later = _run(example, "action", "add", "Elders", "--owner", "roos", "--due", "+6w",
                 "--meeting", "2025-09-11")
    assert later.returncode == 0, later.stderr
    assert "was changed by a kwartaal command that was stopped, and again since" in later.stderr
    assert "git add -- " in later.stderr and "git restore --source=HEAD" in later.stderr
    assert "# met de hand erbij gezet" in path.read_text(encoding="utf-8")  # left alone
    assert not journal.exists()


@pytest.mark.parametrize("reader", [["check"], ["minutes", MEETING, "--public"],
                                    ["agenda", "--public"]])
def test_a_reader_never_sees_a_change_that_was_killed_half_way(example: Path,
                                                               reader: list[str]) -> None:
    """A note written, then SIGKILL before the commit: the next command, even one that only
    reads, settles it first (here: undoes it, since it was not marked complete) and says
    so; what it reads is what the repository holds."""
    top = example.parent
    journal = top / ".git" / "kwartaal-journal"
    killer = ("import os, signal, sys\nimport kwartaal.vcs.gitops as g\n"
              "def die(*a, **k):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
              "g.commit = die\nfrom kwartaal.cli.main import main\n"
              "sys.argv = ['kwartaal', *sys.argv[1:]]\nmain()\n")
    before = commit_count(top)
    killed = subprocess.run([sys.executable, "-c", killer, "--repo", str(example), "note",
                             MEETING, "actueel", "Half af"], env=_env(), capture_output=True)
    assert killed.returncode == -signal.SIGKILL and journal.exists()
    read = _run(example, *reader)
    assert read.returncode == 0, read.stderr
    assert "was stopped in the middle of its change; it is undone" in read.stderr
    assert not journal.exists() and commit_count(top) == before
    assert git(top, "status", "--porcelain").strip() == ""
    assert "Half af" not in (example / "meetings" / f"{MEETING}.toml").read_text("utf-8")
    assert "Half af" not in read.stdout


def test_check_reports_meeting_files_git_does_not_track(example: Path) -> None:
    (example / "meetings" / "2026-09-10.toml").write_text(
        'date = 2026-09-10\nstatus = "planned"\n', encoding="utf-8")
    result = _run(example, "check")
    assert "2026-09-10.toml: warning: git does not track this file" in result.stdout
    assert "git add " in result.stdout


# -- interrupts --------------------------------------------------------------------------------

@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_write_finishes_or_leaves_everything_as_it_was(
        signum: int, example: Path) -> None:
    """The signal comes at a random moment, or right after the command's first write, or
    while git stages and commits; to the command alone (kill), or to it and its git
    children, as a ^C in a terminal does: the command either finishes its commit and says
    so, or leaves the repository exactly as it was and says that."""
    top = example.parent
    rng = random.Random(signum)
    seen: Counter[str] = Counter()
    for n in range(14):
        before = _state(top)
        process = _start(example, "action", "add", f"Onderbroken {n}", "--owner", "roos",
                         "--due", "+6w", start_new_session=True)
        if n % 3 == 0:
            time.sleep(rng.uniform(0.05, 0.4))
        else:
            _wait_for(process, [top / ".git" / "kwartaal-journal"])
            if n % 3 == 2:  # then git's index lock: staging and committing
                _wait_for(process, [top / ".git" / "index.lock"])
            time.sleep(rng.uniform(0, 0.005))
        if n % 2:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)
        out, err = process.communicate(timeout=60)
        _no_traceback(err)
        titles = [a["title"] for a in _actions(example)]
        assert _debris(top) == []
        if process.returncode == 0:  # done before the signal came
            assert f"Onderbroken {n}" in titles
            seen["finished first"] += 1
            continue
        if process.returncode == -signum:
            # killed while Python itself was starting, before kwartaal's first line could
            # take the signal: nothing was begun, so nothing may have changed
            assert _state(top) == before, err
            seen["before it started"] += 1
            continue
        assert process.returncode == 128 + signum, (process.returncode, err)
        if "stays" in err:  # "interrupted, but only after ... (commit X): its change stays"
            assert f"Onderbroken {n}" in titles
            assert git(top, "rev-parse", "HEAD") != before[2]
            assert git(top, "status", "--porcelain") == ""
            seen["committed, says so"] += 1
            continue
        assert _state(top) == before, err
        if "back as they were before it" in err:
            seen["files put back, says so"] += 1
        else:
            assert err.endswith("interrupted: nothing was changed\n") or err == "", err
            seen["nothing changed yet"] += 1
    print(f"\n{signal.Signals(signum).name}: {dict(seen)}")
    assert seen["files put back, says so"] and seen["committed, says so"], seen


def test_no_traceback_when_interrupted_during_start_up(example: Path) -> None:
    """From kwartaal's first line on, through every import, in both lanes. The moments
    Python itself spends starting (before any of kwartaal runs) are measured out: the
    process reports its imports (-X importtime) and the signal follows the first of ours."""
    rng = random.Random(7)
    _run(example, "actions", "--json")  # an action index, so that the fast lane answers
    for n in range(20):
        args = [["actions", "--json"], ["agenda"], ["log"], ["check"]][n % 4]
        process = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "kwartaal",
                                    "--repo", str(example), *args], env=_env(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        for line in process.stderr:
            if line.rstrip().endswith("kwartaal.fast"):
                break
        time.sleep(rng.uniform(0, 0.15))
        process.send_signal(signal.SIGINT if n % 3 else signal.SIGTERM)
        rest = process.stderr.read()
        process.wait(timeout=60)
        _no_traceback(rest)
        assert "Exception ignored" not in rest, rest
        assert process.returncode in (0, 130, 143), (process.returncode, rest)


# -- a closed pipe -----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["log"], ["actions", "--json"]])
def test_a_closed_pipe_ends_quietly(args: list[str], example: Path) -> None:
    _run(example, "actions", "--json")  # the fast lane's index
    codes = Counter()
    for n in range(10):
        process = _start(example, *args)
        assert process.stdout is not None and process.stderr is not None
        if n % 2:
            process.stdout.readline()  # `| head -1`
        process.stdout.close()
        err = process.stderr.read()
        process.wait(timeout=60)
        _no_traceback(err)
        assert err == ""
        assert process.returncode in (0, 141)
        codes[process.returncode] += 1
    assert codes[141] > 0


def test_no_change_while_git_is_in_the_middle_of_a_rebase(example: Path, run: Run) -> None:
    """A stopped sync can leave a rebase half done; a commit then would land on a detached
    HEAD, and 'git rebase --abort' afterwards would drop it."""
    git_dir = example.parent / ".git"
    (git_dir / "rebase-merge").mkdir()
    path = example / "meetings" / "2025-12-11.toml"
    before = path.read_bytes()
    out = run("--repo", str(example), "--today", "2026-01-15", "--lang", "en", "note",
              "2025-12-11", "actueel", "Nog een notitie", expect=1).output
    assert "in the middle of a rebase" in out and "git rebase --abort" in out
    assert path.read_bytes() == before
