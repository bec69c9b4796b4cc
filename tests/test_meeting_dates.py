"""A write finds the meetings of a stretch of dates by each file's own date, not its name:
`meeting move` keeps a meeting's name. The dates are kept in an index that is never stale
(the rule of the action index), and read from the head of the file when it is not trusted."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from kwartaal.files.meetingdates import head_date, meeting_dates

from .conftest import Run


def _k(run: Run, body: Path, today: str, *args: str, lang: str = "en", expect: int = 0) -> str:
    out = run("--repo", str(body), "--today", today, "--lang", lang, *args,
              expect=expect).output
    assert "Traceback" not in out, out
    return out


@pytest.mark.parametrize("text, date", [
    (b'date = 2026-03-12\nstatus = "planned"\n[[item]]\ndate = 1999-01-01\n', "2026-03-12"),
    (b'\xef\xbb\xbfstatus = "held"\ndate = 2025-12-11\n', "2025-12-11"),
    # the head cut in a string: the whole text is read
    (b'title = """\n[not a table]\n"""\ndate = 2025-01-02\n', "2025-01-02"),
    (b'date = "2026-03-12"\n', "2026-03-12"),  # as the loader reads it
    (b'date = " 2026-03-12 "\n[[item]]\n', "2026-03-12"),
    (b'date = "2026-02-30"\n', None), (b'date = 3000-01-01\n', None),
    (b'title = """\n[x]\n', None),
    (b'date = 2026-03-12T10:00:00\n', None),
    (b'[meeting]\ndate = 2026-03-12\n', None),
    (b'\xff\xfe', None),
])
def test_the_head_gives_the_date_or_nothing(text: bytes, date: str | None) -> None:
    assert head_date(text) == (dt.date.fromisoformat(date) if date else None)


def test_a_moved_meeting_counts_where_it_now_is(run: Run, new_body: Path) -> None:
    """The limits of the month the meeting moved into see it; the next meeting and the day
    it now takes are known by its new date."""
    today = "2025-10-01"
    _k(run, new_body, today, "person", "add", "sw", "--name", "Zora", "--visibility",
       "role-only", "--org", "KBG", "--role", "advisory member", "--role-plural",
       "advisory members", "--sex-worker", "--compensated", "--age-band", "21+")
    _k(run, new_body, today, "meeting", "new", "--date", "2026-01-14")
    _k(run, new_body, today, "meeting", "move", "2026-01-14", "--date", "2025-11-20")
    _k(run, new_body, today, "meeting", "new", "--date", "2025-11-27")
    today = "2025-11-28"
    for meeting in ("2026-01-14", "2025-11-27"):
        _k(run, new_body, today, "meeting", "held", meeting)
        _k(run, new_body, today, "attend", meeting, "sw", "--present")
    _k(run, new_body, today, "compensate", "2026-01-14", "sw", "--fee", "200", "--hours", "36")
    out = _k(run, new_body, today, "compensate", "2025-11-27", "sw", "--fee", "100", "--hours",
             "18", expect=1)
    assert "2025-11" in out


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_next_meeting_and_a_taken_day_follow_a_move(run: Run, example: Path,
                                                        lang: str) -> None:
    today = "2026-01-02"
    _k(run, example, today, "meeting", "new", "--date", "2026-01-07", lang=lang)
    _k(run, example, today, "meeting", "move", "2026-01-07", "--date", "2026-02-19", lang=lang)
    out = _k(run, example, "2026-01-15", "propose", "Een onderwerp", "--by", "m-jansen",
             lang=lang)
    assert "2026-01-07/" in out
    _k(run, example, today, "meeting", "move", "2026-01-07", "--date", "2026-06-11", lang=lang)
    _k(run, example, "2026-01-15", "meeting", "new", lang=lang)
    planned = sorted(p.name for p in (example / "meetings").glob("*.toml"))
    assert "2026-06-11.toml" not in planned, planned


def test_the_index_is_trusted_only_for_files_it_can_vouch_for(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              ) -> None:
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KWARTAAL_NO_CACHE", raising=False)
    root = tmp_path / "body"
    folder = root / "meetings"
    folder.mkdir(parents=True)
    for n in range(5):
        (folder / f"2025-0{n + 1}-10.toml").write_bytes(f"date = 2025-0{n + 1}-10\n".encode())
    names = sorted(p.stem for p in folder.glob("*.toml"))
    old = time.time() - 10
    for path in folder.iterdir():
        os.utime(path, (old, old))
    time.sleep(2.1)  # the change times too must be older than the index by two seconds
    first = meeting_dates(root, folder, names)
    assert first == {name: dt.date.fromisoformat(name) for name in names}
    # the same size, the modification time put back: the change time still tells
    path = folder / f"{names[0]}.toml"
    stat = path.stat()
    path.write_bytes(b"date = 2025-09-10\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert meeting_dates(root, folder, names)[names[0]] == dt.date(2025, 9, 10)
    # a copy with old times is another body: its own index
    assert meeting_dates(root, folder, names)[names[1]] == dt.date(2025, 2, 10)


def _date_file(date: str, padding: str = "") -> bytes:
    return f'date = {date}\nstatus = "planned"\n# {padding}\n[[item]]\nid = "p1"\n'.encode()


def test_every_attack_on_the_dates_index_is_seen(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Made after the index trusts the files' stat records: same-size edits with the old time,
    a checkout, a copy with old times, a file replaced by rename, deleted and added files, a
    file that no longer parses, a corrupt and a foreign index. Each answer must be what
    reading the files gives."""
    import shutil
    import subprocess

    from kwartaal.files.meetingdates import _index_path

    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KWARTAAL_NO_CACHE", raising=False)
    root = tmp_path / "body"
    folder = root / "meetings"
    folder.mkdir(parents=True)
    names = [f"2025-0{n}-10" for n in range(1, 8)]
    for name in names:
        (folder / f"{name}.toml").write_bytes(_date_file(name))

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "start")
    git("checkout", "-q", "-b", "other")
    (folder / f"{names[1]}.toml").write_bytes(_date_file("2025-11-20"))  # the same size
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "moved")
    git("checkout", "-q", "main")
    old = time.time() - 100
    for path in folder.iterdir():
        os.utime(path, (old, old))
    time.sleep(2.1)
    assert meeting_dates(root, folder, names) == {n: dt.date.fromisoformat(n) for n in names}

    def keep_times(path: Path, data: bytes) -> None:
        before = path.stat()
        path.write_bytes(data)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    keep_times(folder / f"{names[0]}.toml", _date_file("2025-12-24"))  # in place, same size
    git("checkout", "-q", "other")  # names[1] differs by the same number of bytes
    other = tmp_path / "elsewhere.toml"
    other.write_bytes(_date_file("2026-02-02"))
    os.utime(other, (old, old))
    shutil.copy2(other, folder / f"{names[2]}.toml")  # cp -p: other bytes, old times
    replacement = folder / "new.tmp"
    replacement.write_bytes(_date_file("2026-03-03"))
    os.utime(replacement, (old, old))
    os.replace(replacement, folder / f"{names[3]}.toml")  # replaced by rename, old time
    (folder / f"{names[4]}.toml").unlink()
    (folder / "2026-09-09.toml").write_bytes(_date_file("2026-09-09"))
    # a file that no longer parses (a string never closed): no date, the file is read whole
    keep_times(folder / f"{names[5]}.toml", b'title = """\n[x]\n\ndate = 2025-06-10\n#  \n')
    now = [*[n for n in names if n != names[4]], "2026-09-09"]
    truth = {n: head_date((folder / f"{n}.toml").read_bytes()) for n in now}
    assert truth[names[0]] == dt.date(2025, 12, 24) and truth[names[1]] == dt.date(2025, 11, 20)
    assert truth[names[5]] is None
    assert meeting_dates(root, folder, now) == truth
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    assert meeting_dates(root, folder, now) == truth
    monkeypatch.delenv("KWARTAAL_NO_CACHE")
    index = Path(_index_path(root))
    for damage in (b"", b"\x00" * 40, index.read_bytes()[:-7]):
        index.write_bytes(damage)
        assert meeting_dates(root, folder, now) == truth
    # another body's index under this body's name: stamped with its folder, not used
    twin = tmp_path / "twin"
    shutil.copytree(root, twin, symlinks=True)
    (twin / "meetings" / f"{names[6]}.toml").write_bytes(_date_file("2027-07-07"))
    meeting_dates(twin, twin / "meetings", now)
    shutil.copy2(_index_path(twin), index)
    assert meeting_dates(root, folder, now) == truth


@pytest.mark.parametrize("read", [["actions", "--json"], ["agenda"], ["check"], ["overdue"]])
def test_the_dates_a_read_keeps_are_the_files_own(run: Run, example: Path, read: list[str]
                                                  ) -> None:
    """The action, parse and check indexes keep the date of every meeting file they read, for
    the writes: each as the file itself says (a moved meeting by its new date), trusted by the
    same rule, so a same-size edit made after the read, its time put back, is read again."""
    from kwartaal.files.meetingdates import _index_path, _stored

    today = "2026-01-02"
    _k(run, example, today, "meeting", "new", "--date", "2026-01-07")
    _k(run, example, today, "meeting", "move", "2026-01-07", "--date", "2026-02-19")
    folder = example / "meetings"
    time.sleep(2.1)  # old enough for the read's index to trust them
    Path(_index_path(example)).unlink(missing_ok=True)  # kept by the writes above
    result = run("--repo", str(example), "--today", today, *read, expect=None)
    assert result.exit_code in (0, 1, 3), result.output
    names = sorted(p.stem for p in folder.glob("*.toml"))
    truth = {name: head_date((folder / f"{name}.toml").read_bytes()) for name in names}
    assert truth["2026-01-07"] == dt.date(2026, 2, 19)
    kept = _stored(example)
    assert {name: dt.date.fromordinal(entry[1]) for name, entry in kept.items()} == truth
    moved = folder / "2026-01-07.toml"
    before = moved.stat()
    moved.write_bytes(moved.read_bytes().replace(b"date = 2026-02-19", b"date = 2026-02-26"))
    os.utime(moved, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert moved.stat().st_size == before.st_size
    assert "2026-01-07" not in _stored(example)
    assert meeting_dates(example, folder, names)["2026-01-07"] == dt.date(2026, 2, 26)


@pytest.mark.parametrize("edit", [
    ("date = 2026-03-12", 'date = "2026-09-10"'),  # a date written as a string
    ('date = 2026-03-12\ntime = "19:00"\nplace = "Wijkcentrum De Linde, zaal 2"',
     'date = 2026-09-10\ntime = "19:00"\nplace = """\n[Wijkcentrum] De Linde, zaal 2"""'),
])
def test_a_write_plans_the_same_with_and_without_the_kept_dates(
        run: Run, example: Path, tmp_path: Path, edit: tuple[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A meeting file the loader reads cleanly but whose head alone tells no date: the dates a
    read keeps and the dates read from the files agree, so `meeting new` plans the same."""
    import shutil

    from .conftest import commit_all

    path = example / "meetings" / "2026-03-12.toml"
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    commit_all(example.parent)
    today = "2026-01-15"
    twin = tmp_path / "twin"
    shutil.copytree(example.parent, twin, symlinks=True)
    time.sleep(2.1)  # old enough for the read's index to vouch for them
    run("--repo", str(example), "--today", today, "check", expect=None)  # keeps the dates
    kept = _k(run, example, today, "meeting", "new", "--no-commit")
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    plain = _k(run, twin / "meetings", today, "meeting", "new", "--no-commit")
    assert kept == plain
    assert "2026-03-12-2" not in kept  # the last meeting is the one of 2026-09-10
