"""`check` as a kept answer (files/answers.py): once git's listings are kept too
(files/gitlisting.py) it starts no process, and its answer is printed again while nothing it
was made from changed. After every kind of change — to the files git tracks or would add, to
what it ignores, to the texts the privacy lint reads — it prints what the long way prints.
Real processes, as tests/test_kept_answers.py."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from .conftest import EXAMPLE, commit_all, git, init_repo
from .test_kept_answers import PLANNED, bodies, kw, long_way, printed_kept

ADDRESS = b"jan.jansen@example.org"


def same_size_keep_times(path: Path, old: bytes, new: bytes) -> None:
    before = path.stat()
    data = path.read_bytes()
    assert len(old) == len(new) and old in data
    path.write_bytes(data.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def with_files(body: Path) -> None:
    """What the changes change: an untracked meeting file, and in new folders a note with an
    e-mail address and a file too large to read."""
    meetings = body / "meetings"
    text = (meetings / f"{PLANNED}.toml").read_text(encoding="utf-8")
    (meetings / "2026-02-05.toml").write_text(text.replace(PLANNED, "2026-02-05"),
                                              encoding="utf-8")
    deep = body / "archief" / "2025" / "q1"
    deep.mkdir(parents=True)
    (deep / "notitie.md").write_bytes(b"Bel of mail: " + ADDRESS + b"\n")
    (deep / "groot.txt").write_bytes(b"a" * 6_000_000)


def changes(tmp_path: Path) -> dict[str, Callable[[Path], None]]:
    """Each changes what check prints, made to a body with_files."""
    def at(relative: str) -> Callable[[Path], Path]:
        return lambda body: body / relative

    note, large = at("archief/2025/q1/notitie.md"), at("archief/2025/q1/groot.txt")

    def append(where: Callable[[Path], Path], line: str) -> Callable[[Path], None]:
        def change(body: Path) -> None:
            with where(body).open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        return change

    def another_note(body: Path) -> None:
        (body / "archief" / "2024").mkdir()
        (body / "archief" / "2024" / "oud.md").write_bytes(b"Mail " + ADDRESS + b"\n")

    def user_ignore(body: Path) -> None:
        (tmp_path / "ignore").write_text("notitie.md\n", encoding="utf-8")
        (tmp_path / "gitconfig").write_text(
            f"[core]\n\texcludesFile = {tmp_path / 'ignore'}\n", encoding="utf-8")

    def shrunk_in_place(body: Path) -> None:  # the same file, now small, its times put back
        before = large(body).stat()
        with large(body).open("r+b") as handle:
            handle.write(b"Mail " + ADDRESS + b"\n")
            handle.truncate()
        os.utime(large(body), ns=(before.st_atime_ns, before.st_mtime_ns))

    def link_for_large(body: Path) -> None:
        large(body).unlink()
        large(body).symlink_to(note(body))

    return {
        "an untracked note in another new folder": another_note,
        "git add": lambda body: git(body.parent, "add", "meetings/meetings/2026-02-05.toml"),
        "the meeting file deleted": lambda body: (body / "meetings" / "2026-02-05.toml").unlink(),
        "the body's .gitignore": append(at(".gitignore"), "archief/"),
        "a .gitignore in a subfolder": append(at("archief/2025/.gitignore"), "*.md"),
        "a .gitignore above the body": append(lambda body: body.parent / ".gitignore",
                                              "notitie.md"),
        "info/exclude": append(lambda body: body.parent / ".git" / "info" / "exclude",
                               "notitie.md"),
        "renamed to a name ignored": lambda body: note(body).rename(
            note(body).with_suffix(".swp")),
        "same size, times put back": lambda body: same_size_keep_times(
            note(body), ADDRESS, b"jan.jansen(example.org"),
        "the large file shrunk in place, times put back": shrunk_in_place,
        "the large file replaced by a link": link_for_large,
        "the user's ignore file": user_ignore,  # last: every body's git reads it
    }


def test_check_equals_the_long_way_after_every_change(tmp_path: Path) -> None:
    args = ["check", "--strict"]  # exits 1: warnings fail
    chosen = changes(tmp_path)
    found = []
    for number in range(len(chosen)):
        repo = init_repo(tmp_path / f"repo{number}")
        shutil.copytree(EXAMPLE, repo / "meetings")
        commit_all(repo)
        with_files(repo / "meetings")
        found.append(repo / "meetings")
    time.sleep(2.5)  # answers are kept only from files at least two seconds old
    unchanged = []
    for body, (name, change) in zip(found, chosen.items(), strict=True):
        before = printed_kept(body, *args)
        assert before[0] == 1
        change(body)
        expected = long_way(body, *args)
        assert kw(body, *args)[:3] == expected, name
        assert kw(body, *args)[:3] == expected, name  # kept again or not: still the same
        if expected == before:
            unchanged.append(name)
    assert unchanged == []


def test_what_check_keeps(tmp_path: Path) -> None:
    (body,) = bodies(tmp_path, 1)
    for args in (["check"], ["check", "--json"]):
        expected = long_way(body, *args)
        printed_kept(body, *args, expected=expected)
    for args in (["check", "--staged"], ["check", "--new"], ["check", "--all-bodies"]):
        kw(body, *args)
        assert kw(body, *args)[3] == "long", args  # other questions than the files'
    shutil.copytree(body, tmp_path / "copy")
    copy = tmp_path / "copy"  # outside git: it asks git every time, so keeps nothing
    time.sleep(2.1)
    kw(copy, "check")
    assert kw(copy, "check")[3] == "long"
    expected = long_way(body, "check")
    environment = {"GIT_INDEX_FILE": str(body.parent / ".git" / "index")}
    assert kw(body, "check", **environment)[:3] == expected  # git's environment: asked again
    assert kw(body, "check", **environment)[3] == "long"
