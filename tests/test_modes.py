"""File modes: a new file gets 0666 minus the umask, as any other program would give it; an
existing file keeps its own mode."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kwartaal.files import atomic

from .conftest import EXAMPLE_TODAY, Run, init_repo

SetUmask = Callable[[int], None]


@pytest.fixture
def set_umask() -> Iterator[SetUmask]:
    """Set the process umask for one test, and forget kwartaal's cached copy of it (a real run
    reads it once; here one process runs every test)."""
    before = os.umask(0o022)
    os.umask(before)

    def apply(mask: int) -> None:
        os.umask(mask)
        atomic.process_umask.cache_clear()

    try:
        yield apply
    finally:
        os.umask(before)
        atomic.process_umask.cache_clear()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts)


def test_the_umask_is_read_without_changing_it(set_umask: SetUmask) -> None:
    set_umask(0o027)
    assert atomic.process_umask() == 0o027
    assert os.umask(0o027) == 0o027


def test_site_files_are_readable_by_everyone(example: Path, tmp_path: Path, run: Run,
                                             set_umask: SetUmask) -> None:
    set_umask(0o022)
    folder = tmp_path / "site"
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "site", "--output", str(folder))
    files = _files(folder)
    assert any(p.suffix == ".html" for p in files)
    assert {str(p.relative_to(folder)): _mode(p) for p in files} == {
        str(p.relative_to(folder)): 0o644 for p in files}


def test_a_rebuilt_site_keeps_the_modes(example: Path, tmp_path: Path, run: Run,
                                        set_umask: SetUmask) -> None:
    set_umask(0o022)
    folder = tmp_path / "site"
    args = ("--repo", str(example), "--today", EXAMPLE_TODAY, "site", "--output", str(folder))
    run(*args)
    page = next(p for p in _files(folder) if p.suffix == ".html")
    page.chmod(0o664)
    run(*args)
    assert _mode(page) == 0o664
    assert all(_mode(p) == 0o644 for p in _files(folder) if p != page)


def test_agenda_html_output(example: Path, tmp_path: Path, run: Run,
                            set_umask: SetUmask) -> None:
    set_umask(0o022)
    out = tmp_path / "agenda.html"
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda", "--format", "html",
        "--output", str(out))
    assert _mode(out) == 0o644


def test_reminder_messages(example: Path, tmp_path: Path, run: Run,
                           set_umask: SetUmask) -> None:
    set_umask(0o022)
    out = tmp_path / "mail"
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "remind", "--format", "eml",
        "--output", str(out))
    messages = sorted(out.glob("*.eml"))
    assert messages
    assert {p.name: _mode(p) for p in messages} == {p.name: 0o644 for p in messages}


def test_init_follows_a_group_umask(tmp_path: Path, run: Run, set_umask: SetUmask) -> None:
    set_umask(0o027)
    repo = init_repo(tmp_path / "gedeeld")
    body = repo / "overleg"
    run("init", str(body), "--name", "Kwartaaloverleg Proefstad")
    files = {p.name: _mode(p) for p in _files(body)}
    assert "kwartaal.toml" in files and "people.toml" in files
    assert files == dict.fromkeys(files, 0o640)


def test_a_new_meeting_file_follows_a_group_umask(example: Path, run: Run,
                                                  set_umask: SetUmask) -> None:
    set_umask(0o027)
    before = set((example / "meetings").iterdir())
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "meeting", "new")
    [created] = set((example / "meetings").iterdir()) - before
    assert created.suffix == ".toml"
    assert _mode(created) == 0o640


def test_an_edited_file_keeps_its_own_mode(new_body: Path, run: Run,
                                           set_umask: SetUmask) -> None:
    set_umask(0o022)  # would give 0644 to a new file
    people = new_body / "people.toml"
    people.chmod(0o640)
    before = people.read_bytes()
    run("--repo", str(new_body), "person", "add", "roos", "--name", "Roos",
        "--visibility", "working-name")
    assert people.read_bytes() != before
    assert _mode(people) == 0o640
