"""A cold read shared between processes (files/prefill.py) gives what one process gives: the
same output, the same problems, nothing stale, and nothing left behind when a worker fails or
the command is stopped. Real forked processes, real files."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from kwartaal.files import loader, prefill, tomlread
from kwartaal.files import workers as sharing
from kwartaal.files.parsed import ParseIndex
from tests.conftest import generated_body

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")

MEETINGS = sharing.MIN_FILES + 40


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.date]:
    return generated_body(tmp_path_factory.mktemp("prefill") / "body", MEETINGS)


def kwartaal(root: Path, today: dt.date, cache: Path, workers: int,
             *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "KWARTAAL_CACHE_DIR": str(cache), "KWARTAAL_WORKERS": str(workers),
           "KWARTAAL_TODAY": today.isoformat(), "NO_COLOR": "1", "COLUMNS": "120"}
    return subprocess.run([sys.executable, "-m", "kwartaal", "--repo", str(root), *args],
                          env=env, capture_output=True, check=False)


def made_by(index: ParseIndex, language: str, seen: Path | None = None) -> prefill.Made:
    """What the loader gives prefill, noting (in the file seen) which process made each."""
    def made(path: Path) -> Any:
        if seen is not None:
            with open(seen, "a", encoding="utf-8") as out:
                out.write(f"{os.getpid()}\n")
        return index.formed(path, lambda data: tomlread.parsed_quietly(path, data),
                            lambda raw: loader.formed_meeting(raw, path, language, True))

    return made


def read_through(index: ParseIndex, files: list[Path], language: str) -> list[Any]:
    """Each file's meeting read through the index, as the loader reads it."""
    found = []
    problems: list[Any] = []
    for path in files:
        _, meeting = index.meeting(
            path, language, lambda data, p=path: loader.read_toml(p, problems, data),
            lambda raw, p=path: (loader.build_meeting(raw, p, problems, language), True),
            lambda raw, p=path: loader.formed_meeting(raw, p, language, True))
        found.append(meeting)
    assert not problems
    return found


def test_the_commands_print_the_same_with_and_without_workers(
        big: tuple[Path, dt.date], tmp_path: Path) -> None:
    root, today = big
    last = sorted((root / "meetings").glob("*.toml"))[-2].stem
    commands = [("agenda",), ("agenda", "--public"), ("minutes", last),
                ("minutes", last, "--public"), ("report", "--year", str(today.year - 1)),
                ("report", "--year", str(today.year - 1), "--public"), ("remind",)]
    for args in commands:
        answers = set()
        for workers in (1, 3, 2):
            cache = tmp_path / f"cache-{workers}-{'-'.join(args)}"
            cold = kwartaal(root, today, cache, workers, *args)
            warm = kwartaal(root, today, cache, workers, *args)  # from the index it made
            assert cold.returncode == 0, cold.stderr
            answers.add((cold.stdout, warm.stdout, warm.returncode))
        assert len(answers) == 1, args
    sites = []
    for workers in (1, 3):
        out = tmp_path / f"site-{workers}"
        done = kwartaal(root, today, tmp_path / f"site-cache-{workers}", workers, "site",
                        "--output", str(out))
        assert done.returncode == 0, done.stderr
        sites.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert sites[0] == sites[1] and len(sites[0]) > 5


def test_a_site_in_two_languages_is_the_same_with_and_without_workers(tmp_path: Path) -> None:
    """Its year reports made ahead in a worker, one language after the other."""
    root, today = generated_body(tmp_path / "body", MEETINGS)
    config = root / "kwartaal.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'language = "nl"\n', 'language = "nl"\nlanguages = ["nl", "en"]\n', 1),
        encoding="utf-8")
    sites = []
    for workers in (1, 2):
        out = tmp_path / f"site-{workers}"
        done = kwartaal(root, today, tmp_path / f"cache-{workers}", workers, "site",
                        "--output", str(out))
        assert done.returncode == 0, done.stderr
        again = kwartaal(root, today, tmp_path / f"cache-{workers}", workers, "site",
                         "--output", str(out))  # warm: the pages kept from the first
        assert again.returncode == 0 and again.stdout == done.stdout
        sites.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert sites[0] == sites[1]
    assert any(str(name).startswith("en/report-") for name in sites[0])


def test_the_year_reports_are_made_by_a_worker_on_a_warm_read(
        big: tuple[Path, dt.date], tmp_path: Path) -> None:
    """With the body read from the parse index (no worker reads files), a site built anew
    starts one worker for its year reports, and is the same site."""
    root, today = big
    cache = tmp_path / "cache"
    first = kwartaal(root, today, cache, 2, "site", "--output", str(tmp_path / "one"))
    assert first.returncode == 0
    for kept in [*cache.rglob("*.pages"), *cache.rglob("*.answer")]:
        kept.unlink()
    env = {**os.environ, "KWARTAAL_CACHE_DIR": str(cache), "KWARTAAL_WORKERS": "2",
           "KWARTAAL_TODAY": today.isoformat()}
    process = subprocess.Popen([sys.executable, "-m", "kwartaal", "--repo", str(root), "site",
                                "--output", str(tmp_path / "two")], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen: set[int] = set()
    while process.poll() is None:
        seen.update(children(process.pid))
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
    assert len(seen) == 1
    one, two = tmp_path / "one", tmp_path / "two"
    assert {p.relative_to(one): p.read_bytes() for p in one.rglob("*") if p.is_file()} == {
        p.relative_to(two): p.read_bytes() for p in two.rglob("*") if p.is_file()}


def test_a_site_refused_names_the_page_it_names_without_workers(tmp_path: Path) -> None:
    """A body's own report template that shows a closed item's title in two years, one in
    each process's share: the build is refused at the first, as without workers."""
    root, today = generated_body(tmp_path / "body", MEETINGS)
    first = int(min((root / "meetings").glob("*.toml")).stem[:4])
    shipped = Path(__file__).resolve().parent.parent / "templates" / "site" / "report.html.j2"
    own = root / "templates" / "site" / "report.html.j2"
    own.parent.mkdir(parents=True)
    hidden = next(line.split('"')[1] for line in min((root / "meetings").glob(
        "*.toml")).read_text(encoding="utf-8").splitlines() if line.startswith(
        'title = "Vertrouwelijk'))  # a closed item's title
    own.write_text(shipped.read_text(encoding="utf-8").replace(
        "{% block content %}", "{% block content %}{% if r.year in (" + str(first + 7) + ", "
        + str(first + 8) + ") %}" + hidden + "{% endif %}", 1), encoding="utf-8")
    refusals = set()
    for workers in (1, 2):
        done = kwartaal(root, today, tmp_path / f"cache-{workers}", workers, "site",
                        "--output", str(tmp_path / f"site-{workers}"))
        assert done.returncode != 0
        refusals.add(done.stderr)
        assert not (tmp_path / f"site-{workers}").exists()
    assert len(refusals) == 1  # the same page named (the site lists the newest year first)
    assert f"report-{first + 8}.html".encode() in refusals.pop()


def test_the_files_are_shared_between_processes_and_read_as_one_process_reads_them(
        big: tuple[Path, dt.date], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = big
    monkeypatch.setenv("KWARTAAL_WORKERS", "3")
    files = loader.meeting_files(root)
    language = loader.load_settings(root, [])[0].language
    index = ParseIndex.open(root)
    seen = tmp_path / "seen"
    prefill.prefill(index, files, language, made_by(index, language, seen))
    makers = seen.read_text(encoding="utf-8").split()
    assert len(makers) == len(files) and len(set(makers)) == 3
    assert str(os.getpid()) in makers
    assert index.fresh == {path.name for path in files}
    plain = loader.load(root).body.meetings
    assert read_through(index, sorted(files), language) == sorted(plain, key=lambda m: m.id)
    index.save()
    again = ParseIndex.open(root)  # saved, and trusted as any index is
    assert not again.lacking(files, language) and not again.fresh


@pytest.mark.parametrize("how", ["exit", "kill", "raise"])
def test_a_worker_that_fails_adds_nothing(big: tuple[Path, dt.date], how: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = big
    monkeypatch.setenv("KWARTAAL_WORKERS", "2")
    files = loader.meeting_files(root)
    language = loader.load_settings(root, [])[0].language
    index = ParseIndex.open(root)
    parent = os.getpid()
    made = made_by(index, language)
    calls = {"n": 0}

    def failing(path: Path) -> Any:
        calls["n"] += 1
        if os.getpid() != parent and calls["n"] == 5:
            if how == "exit":
                os._exit(3)
            if how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            raise RuntimeError("a worker's own failure")
        return made(path)

    wanted = index.lacking(files, language)
    prefill.prefill(index, files, language, failing)
    # two processes meet in the middle: the worker claimed the last files, one by one, and
    # failed at its fifth; the four it made are not taken, nor made here (the loader reads
    # them as without workers)
    missing = {path.name for path in wanted} - index.fresh
    assert missing == {path.name for path in wanted[-5:]}
    plain = loader.load(root).body.meetings
    assert read_through(index, sorted(files), language) == sorted(plain, key=lambda m: m.id)


def test_a_file_changed_after_it_was_parsed_is_read_again(
        big: tuple[Path, dt.date], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same size, its times put back: the entry made ahead is not taken by its stat."""
    root, _ = big
    monkeypatch.setenv("KWARTAAL_WORKERS", "2")
    files = loader.meeting_files(root)
    language = loader.load_settings(root, [])[0].language
    index = ParseIndex.open(root)
    prefill.prefill(index, files, language, made_by(index, language))
    changed = sorted(files)[7]
    before = changed.read_text(encoding="utf-8")
    times = os.stat(changed)
    assert 'time = "19:00"' in before
    try:
        changed.write_text(before.replace('time = "19:00"', 'time = "20:00"', 1),
                           encoding="utf-8")
        os.utime(changed, ns=(times.st_atime_ns, times.st_mtime_ns))
        assert os.stat(changed).st_size == times.st_size
        meeting = read_through(index, [changed], language)[0]
        assert meeting.time == "20:00"
    finally:
        changed.write_text(before, encoding="utf-8")


def test_problems_are_those_one_process_reports(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = generated_body(tmp_path / "body", MEETINGS)
    files = sorted((root / "meetings").glob("*.toml"))
    with open(files[3], "a", encoding="utf-8") as out:
        out.write('\nunknown_key = "a warning"\n')  # off the quick path
    with open(files[9], "a", encoding="utf-8") as out:  # not allowed anywhere
        out.write('\n[[note]]\nid = "n93"\nitem = "p1"\ntext = "Of 06-87654321"\n')
    files[10].write_text(files[10].read_text(encoding="utf-8").replace(
        'status = "held"', 'status = "helt"', 1), encoding="utf-8")  # an error
    with open(files[11], "a", encoding="utf-8") as out:
        out.write("\n[[broken\n")  # does not parse
    found = []
    for workers in ("1", "2", "3"):
        monkeypatch.setenv("KWARTAAL_WORKERS", workers)
        monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / f"cache-{workers}"))
        loaded = loader.load(root, indexed=True)
        assert loaded.problems and loaded.unreadable
        found.append(([(p.path, p.line, p.severity, p.message) for p in loaded.problems],
                      loaded.unreadable, loaded.body.meetings))
    assert found[0] == found[1] == found[2]


def test_check_prints_the_same_with_and_without_workers(tmp_path: Path) -> None:
    """Cold and warm, on a body whose files ask about files of other shares: a value allowed
    with --allow-private in an early file and written again later, a note and an action on
    an item of an earlier meeting, a reference to an item that does not exist, an error, a
    warning and a file that does not parse."""
    root, today = generated_body(tmp_path / "body", MEETINGS)
    files = sorted((root / "meetings").glob("*.toml"))
    first, second = files[2].stem, files[3].stem
    with open(files[2], "a", encoding="utf-8") as out:
        out.write('\n[[note]]\nid = "n90"\nitem = "p1"\n'
                  'text = "Bel 06-12345678" # kwartaal: allow-private\n')
    for later in (files[7], files[40], files[41]):
        with open(later, "a", encoding="utf-8") as out:
            out.write(f'\n[[note]]\nid = "n91"\nitem = "{first}/p1"\n'
                      'text = "Bereikbaar op 06-12345678"\n'
                      f'\n[[note]]\nid = "n92"\nitem = "{second}/p9"\ntext = "Onbekend"\n')
    with open(files[9], "a", encoding="utf-8") as out:  # not allowed anywhere
        out.write('\n[[note]]\nid = "n93"\nitem = "p1"\ntext = "Of 06-87654321"\n')
    files[10].write_text(files[10].read_text(encoding="utf-8").replace(
        'status = "held"', 'status = "helt"', 1), encoding="utf-8")
    with open(files[11], "a", encoding="utf-8") as out:
        out.write("\n[[broken\n")
    with open(files[12], "a", encoding="utf-8") as out:
        out.write('\nunknown_key = "a warning"\n')
    answers = set()
    for workers in (1, 2, 3):
        cache = tmp_path / f"cache-{workers}"
        for args in (("check",), ("check", "--json")):
            cold = kwartaal(root, today, cache, workers, *args)
            warm = kwartaal(root, today, cache, workers, *args)
            answers.add((args, cold.returncode, cold.stdout, warm.returncode, warm.stdout))
            shutil.rmtree(cache)
    assert len(answers) == 2
    text = next(answer[2] for answer in answers if answer[0] == ("check",)).decode()
    assert "helt" in text and files[11].name in text and "p9" in text
    assert "06-8•••••21" in text  # a number is reported as 06-1•••••78 would be, were it
    assert "06-1•••••78" not in text  # not allowed by the earlier file, in every share


def test_an_interrupt_leaves_no_worker_behind(big: tuple[Path, dt.date],
                                              tmp_path: Path) -> None:
    root, today = big
    marker = str(tmp_path / "cache-interrupted")  # names this run's processes alone
    env = {**os.environ, "KWARTAAL_CACHE_DIR": marker, "KWARTAAL_WORKERS": "3",
           "KWARTAAL_TODAY": today.isoformat()}
    process = subprocess.Popen([sys.executable, "-m", "kwartaal", "--repo", str(root),
                                "agenda"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    folder = Path(marker)
    deadline = time.monotonic() + 20
    while not folder.exists() and time.monotonic() < deadline:  # the workers' files
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: every process
    process.communicate(timeout=60)
    assert process.returncode != 0
    time.sleep(0.2)
    left = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker.encode() in (proc / "environ").read_bytes():
                left.append(proc.name)
        except OSError:
            continue
    assert not left
    done = kwartaal(root, today, folder, 3, "agenda")  # what it left is no index, or one
    plain = kwartaal(root, today, tmp_path / "plain", 1, "agenda")
    assert done.returncode == 0 and done.stdout == plain.stdout


def heavy(root: Path) -> None:
    """Every meeting file made longer, so that a cold read lasts long enough to be stopped
    in each of its stages: 200 more actions, each with a history."""
    for path in sorted((root / "meetings").glob("*.toml")):
        day = path.stem[:10]
        with open(path, "a", encoding="utf-8") as out:
            for index in range(200):
                out.write(f'\n[[action]]\nid = "a{100 + index}"\ntitle = "Nagaan {index}"\n'
                          f'owner = "p01"\ndue = {day}\nstatus = "done"\nhistory = [\n'
                          f'  {{ date = {day}, by = "p02", what = "aangemaakt" }},\n'
                          f'  {{ date = {day}, by = "p01", what = "afgerond" }},\n]\n')


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with open(task, encoding="ascii") as listed:
            found += [int(child) for child in listed.read().split()]
    return found


def gone(pid: int) -> bool:
    """Ended (a zombie left for a parent that does not reap counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[
            0] in ("Z", "X")
    except OSError:
        return True


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_command_stopped_alone_takes_its_workers_and_its_streams_with_it(
        tmp_path: Path, signum: int) -> None:
    """The signal sent to the command's own process, not its group, at moments across its
    cold read: no worker outlives it, and whoever reads its output sees the end at once."""
    root, today = generated_body(tmp_path / "body", MEETINGS)
    heavy(root)
    for delay in (0.0, 0.05, 0.1, 0.2):
        env = {**os.environ, "KWARTAAL_CACHE_DIR": str(tmp_path / f"cache-{delay}"),
               "KWARTAAL_WORKERS": "2", "KWARTAAL_TODAY": today.isoformat()}
        process = subprocess.Popen([sys.executable, "-m", "kwartaal", "--repo", str(root),
                                    "agenda"], env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        deadline, workers = time.monotonic() + 30, []
        while not workers and time.monotonic() < deadline and process.poll() is None:
            workers = children(process.pid)
        assert workers, "no worker started"
        time.sleep(delay)
        process.send_signal(signum)
        stopped = time.monotonic()
        process.communicate(timeout=30)
        # the streams ended with the command (killed, at once; else once it has stopped
        # and waited for its workers)
        assert time.monotonic() - stopped < (0.25 if signum == signal.SIGKILL else 1)
        deadline = time.monotonic() + 0.5
        while not all(gone(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert all(gone(pid) for pid in workers), delay


def test_the_action_lane_prints_the_same_with_and_without_workers(
        big: tuple[Path, dt.date], tmp_path: Path) -> None:
    root, today = big
    for args in (("actions", "--json"), ("actions", "--overdue"), ("overdue",), ("progress",),
                 ("actions", "--status", "all", "--json"), ("remind",)):
        answers = set()
        for workers in (1, 2, 3):
            cache = tmp_path / f"cache-{workers}-{'-'.join(args)}"
            cold = kwartaal(root, today, cache, workers, *args)
            warm = kwartaal(root, today, cache, workers, *args)
            answers.add((cold.returncode, cold.stdout, cold.stderr))
            answers.add((warm.returncode, warm.stdout, warm.stderr))
        assert len(answers) == 1, args


def test_an_action_entry_made_ahead_is_taken_only_for_the_same_bytes(
        big: tuple[Path, dt.date], monkeypatch: pytest.MonkeyPatch) -> None:
    from kwartaal.files import actionlane, cache

    assert actionlane.MIN_FILES == sharing.MIN_FILES  # (the lane's copy, to import less)
    root, _ = big
    monkeypatch.setenv("KWARTAAL_WORKERS", "2")
    files = loader.meeting_files(root)
    index = cache.ActionIndex.open(root)
    prefill.prefill_lane(index, files, "nl")
    assert index.fresh == {path.name for path in files}
    changed = sorted(files)[5]
    before = changed.read_bytes()
    times = os.stat(changed)
    try:
        changed.write_bytes(before.replace(b'status = "done"', b'status = "open"', 1))
        os.utime(changed, ns=(times.st_atime_ns, times.st_mtime_ns))
        entry, data = index.find(changed.name, cache.stat_key(changed), changed.read_bytes,
                                 "nl")
        assert entry is None and data is not None  # read again
        same = sorted(files)[6]
        entry, _ = index.find(same.name, cache.stat_key(same), same.read_bytes, "nl")
        assert entry is not None and entry[cache.KEY] == cache.digest(same.read_bytes()) + "nl"
    finally:
        changed.write_bytes(before)


def test_how_many_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    cores = len(os.sched_getaffinity(0))
    monkeypatch.delenv("KWARTAAL_WORKERS", raising=False)
    assert sharing.processes(sharing.MIN_FILES - 1) == 1
    assert sharing.processes(sharing.MIN_FILES) == max(1, min(cores, sharing.MAX_PROCESSES))
    for setting, expected in (("1", 1), ("2", 2), ("99", sharing.MAX_PROCESSES), ("0", 1),
                              ("two", 1), ("-3", 1), (" 3 ", 3), ("²", 1), ("٣", 1),
                              ("𝟚", 1), ("1_0", 1), ("1e3", 1)):
        monkeypatch.setenv("KWARTAAL_WORKERS", setting)
        assert sharing.processes(10_000) == expected
