"""The action lane (files/actionlane.py, files/cache.py, cli/fast.py): `actions`, `overdue`,
`progress` and `remind` read the action index's header, the blobs of done and dropped actions
only when a list shows them, and give what they gave without any index, to the byte, in nl
and en — after every change the index could miss."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kwartaal.files import cache

from .conftest import answer, commit_all, generated_body, git, lane, uncached

TODAYS = ("2026-01-15", "2025-06-20", "2026-04-01")
COMMANDS = [
    ["actions"], ["actions", "--json"], ["actions", "--overdue"],
    ["actions", "--overdue", "--json"],
    ["actions", "--everyone", "--status", "all"], ["actions", "--status", "all", "--json"],
    ["actions", "--status", "done"], ["actions", "--status", "dropped", "--json"],
    ["actions", "--status", "in-progress", "--sort", "urgency"], ["actions", "--owner", "roos"],
    ["actions", "--theme", "destigmatisering", "--status", "all"],
    ["actions", "--due-within", "30"], ["actions", "--meeting", "2025-09-11", "--status", "all"],
    ["overdue"], ["overdue", "--json"], ["overdue", "--owner", "roos"],
    ["progress"], ["progress", "--json"], ["remind"], ["remind", "--json"],
    ["remind", "--within", "90", "--owner", "roos"],
]
CHECKED = [["actions", "--status", "all", "--json"], ["actions"], ["overdue"],
           ["progress", "--json"], ["remind", "--json"]]


def _same(body: Path, monkeypatch: pytest.MonkeyPatch, commands: list[list[str]] = CHECKED,
          todays: tuple[str, ...] = TODAYS[:1]) -> None:
    """Each command, cached (and by the lane where it answers), equals the uncached one."""
    for today in todays:
        for lang in ("nl", "en"):
            for args in commands:
                expected = uncached(monkeypatch, body, args, today, lang)
                assert answer(body, args, today, lang) == expected, (args, lang, today)
                code, text = lane(body, args, today, lang)
                if code is not None:
                    assert (code, text) == expected, (args, lang, today)


def _index_file() -> Path:
    found = sorted(cache.cache_dir().glob("*.actions"))
    assert len(found) == 1, found
    return found[0]


def test_every_command_equals_the_uncached_one(settled: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    answer(settled, ["actions"], TODAYS[0], "nl")  # builds the index
    _same(settled, monkeypatch, COMMANDS, TODAYS)
    # the lane answered the tables and lists it knows, from the header
    for args in (["actions"], ["overdue"], ["actions", "--status", "all"],
                 ["actions", "--overdue", "--json"]):
        assert lane(settled, args, TODAYS[0], "en")[0] is not None, args


def test_an_active_list_reads_no_blob(settled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answer(settled, ["actions"], TODAYS[0], "nl")
    expected = {tuple(args): uncached(monkeypatch, settled, args, TODAYS[0], "nl")
                for args in (["actions"], ["overdue", "--json"], ["progress", "--json"],
                             ["remind", "--json"])}

    def no_blob(*_: object) -> None:
        raise AssertionError("a blob was read")

    monkeypatch.setattr(cache.Stored, "rows", no_blob)
    for args, output in expected.items():
        assert answer(settled, list(args), TODAYS[0], "nl") == output, args
    assert lane(settled, ["actions"], TODAYS[0], "nl") == expected[("actions",)]


def _same_size_edit(path: Path, old: str, new: str, keep_times: bool = True) -> None:
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text and len(old.encode()) == len(new.encode()), old
    with open(path, "r+b") as handle:  # the same inode
        handle.write(text.replace(old, new, 1).encode())
    if keep_times:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size


def test_attacks_are_seen(settled: Path, monkeypatch: pytest.MonkeyPatch,
                          tmp_path: Path) -> None:
    """Each change, made after the index trusts the files' stat records, is seen by every
    command of the lane, cached and by the fast lane alike."""
    sept = settled / "meetings" / "2025-09-11.toml"
    repo = settled.parent

    def settle() -> None:
        answer(settled, ["actions", "--status", "all"], TODAYS[0], "nl")
        time.sleep(2.1)
        answer(settled, ["actions"], TODAYS[0], "nl")  # saved later than the files: trusted

    settle()
    # a status changed in place, same size, modification time put back
    _same_size_edit(sept, 'status = "open"', 'status = "done"')
    _same(settled, monkeypatch)
    # a title changed the same way
    _same_size_edit(sept, "Regionale conferentie", "Regionale bijeenkomst"[:21])
    _same(settled, monkeypatch)
    # a branch whose file differs by the same number of bytes
    git(repo, "checkout", "-q", "--", ".")
    settle()
    git(repo, "checkout", "-q", "-b", "other")
    _same_size_edit(sept, 'status = "open"', 'status = "done"', keep_times=False)
    commit_all(repo, "other")
    git(repo, "checkout", "-q", "main")
    settle()
    git(repo, "checkout", "-q", "other")
    _same(settled, monkeypatch)
    git(repo, "checkout", "-q", "main")
    # a copy with other bytes and old times (cp -p), and a file replaced by rename
    settle()
    copy = tmp_path / "copy.toml"
    shutil.copy2(sept, copy)
    _same_size_edit(copy, 'status = "open"', 'status = "done"')
    os.utime(copy, ns=(sept.stat().st_atime_ns, sept.stat().st_mtime_ns))
    subprocess.run(["cp", "-p", str(copy), str(sept)], check=True)
    _same(settled, monkeypatch)
    git(repo, "checkout", "-q", "--", ".")
    settle()
    shutil.copy2(copy, sept.with_suffix(".new"))
    os.replace(sept.with_suffix(".new"), sept)
    _same(settled, monkeypatch)
    # a deleted meeting, an added one, people.toml and kwartaal.toml edited
    git(repo, "checkout", "-q", "--", ".")
    settle()
    moved = settled / "meetings" / "2025-06-12.toml"
    kept = moved.read_bytes()
    moved.unlink()
    _same(settled, monkeypatch)
    (settled / "meetings" / "2025-06-19.toml").write_bytes(
        kept.replace(b"2025-06-12", b"2025-06-19"))
    _same(settled, monkeypatch)
    git(repo, "checkout", "-q", "--", ".")
    git(repo, "clean", "-qfd")
    settle()
    _same_size_edit(settled / "kwartaal.toml", 'language = "nl"', 'language = "en"')
    _same(settled, monkeypatch)
    people = settled / "people.toml"
    _same_size_edit(people, 'name = "Roos"', 'name = "Rosa"')  # how reminders greet her
    _same(settled, monkeypatch)
    people.write_text(people.read_text(encoding="utf-8").replace(
        'visibility = "working-name"', 'visibility = "role-only"', 1), encoding="utf-8")
    _same(settled, monkeypatch)


def test_damaged_indexes_are_ignored(settled: Path, monkeypatch: pytest.MonkeyPatch,
                                     tmp_path: Path) -> None:
    answer(settled, ["actions", "--status", "all"], TODAYS[0], "nl")
    index = _index_file()
    whole = index.read_bytes()
    header = len(cache.MAGIC) + 8 + int.from_bytes(whole[len(cache.MAGIC):len(cache.MAGIC) + 8],
                                                   "little")
    assert len(whole) > header  # there are blobs
    for damaged in (whole[:header + 7],  # the header whole, the blobs cut short
                    whole[:header - 5], b"", b"KWAI" + b"\xff" * 8 + whole[12:],
                    whole[:header] + bytes(len(whole) - header)):  # blobs of zeros
        index.write_bytes(damaged)
        _same(settled, monkeypatch, [["actions", "--status", "all", "--json"], ["actions"],
                                     ["progress"]])
        index.write_bytes(damaged)  # the lane steps aside, or reads again: never the damage
        done = ["actions", "--status", "done"]
        found = lane(settled, done, TODAYS[0], "en")
        assert found[0] is None or found == uncached(monkeypatch, settled, done, TODAYS[0], "en")
        time.sleep(0.01)
    # a blob cut short is left out when the index is saved again: that file is read again
    index.write_bytes(whole[:header + 7])
    (settled / "meetings" / "2026-03-12.toml").touch()
    answer(settled, ["actions"], TODAYS[0], "nl")
    _same(settled, monkeypatch)
    # another body's index in this body's place (a foreign folder in its stamp)
    other = tmp_path / "other"
    shutil.copytree(settled.parent, other)
    shutil.copy2(index, cache.index_path(other / "meetings"))
    _same(other / "meetings", monkeypatch)


def test_an_unparsable_file_refuses_as_without_index(settled: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    answer(settled, ["actions"], TODAYS[0], "nl")
    path = settled / "meetings" / "2025-12-11.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[action]\n", encoding="utf-8")
    for args in CHECKED:
        expected = uncached(monkeypatch, settled, args, TODAYS[0], "en")
        assert expected[0] != 0
        assert answer(settled, args, TODAYS[0], "en") == expected
        assert lane(settled, args, TODAYS[0], "en")[0] is None


def test_progress_and_remind_equal_the_whole_body(settled: Path) -> None:
    """The lane's counts and reminders are those of the records loaded whole."""
    import datetime as dt

    from kwartaal.core.reports import progress_rows
    from kwartaal.core.reports import theme_rows as lane_rows
    from kwartaal.documents import remind
    from kwartaal.files.actionlane import read_lane
    from kwartaal.files.loader import load_checked

    body = load_checked(settled)
    for today in (dt.date.fromisoformat(t) for t in (*TODAYS, "2025-12-12", "2030-01-01")):
        index = read_lane(settled)
        for lang in ("nl", "en"):
            assert lane_rows(index.progress(today.toordinal()), index.config, lang) == \
                progress_rows(body, today, lang)
        light = remind.reminder_body(index, today)
        for within in (0, 14, 400):
            assert remind.reminders(light, today, within=within) == remind.reminders(
                body, today, within=within), (today, within)


def test_a_generated_body_equals_the_uncached_one(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    body, _ = generated_body(tmp_path / "generated", 24)
    last = sorted((body / "meetings").glob("*.toml"))[-1].stem[:10]
    today = str(__import__("datetime").date.fromisoformat(last)
                - __import__("datetime").timedelta(days=20))
    time.sleep(2.1)
    answer(body, ["actions"], today, "nl")
    _same(body, monkeypatch, [*CHECKED, ["actions", "--owner", "p03", "--status", "all"],
                              ["actions", "--sort", "urgency", "--due-within", "60"]], (today,))
    assert lane(body, ["actions", "--overdue"], today, "nl")[0] is not None
