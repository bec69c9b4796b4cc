"""Which cache folder kwartaal keeps its indexes in (files/keeping.py caching()): never one
inside a git working tree that git would commit, a link only to a folder that is the user's
own and closed to others."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import EXAMPLE_TODAY, Run, git, work_tree

SAYS = {"en": "lies inside the git working tree", "nl": "ligt in de git-werkmap"}


def _actions(run: Run, body: Path, lang: str) -> str:
    return run("--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", lang, "actions",
               "--json").output


def _kept(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_relative_cache_folder_in_the_body_is_refused_and_said_once(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    top = example.parent
    expected = _actions(run, example, lang)  # with the cache folder outside the tree
    before = work_tree(top)
    monkeypatch.chdir(example)
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", ".kwartaal-cache")
    out = _actions(run, example, lang)
    assert out.count(SAYS[lang]) == 1
    assert expected in out  # the same answer, read from the files themselves
    assert not (example / ".kwartaal-cache").exists()
    assert work_tree(top) == before
    assert git(top, "status", "--porcelain") == ""


def test_a_cache_folder_that_is_the_top_of_a_working_tree_is_refused(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(example.parent))
    assert SAYS["en"] in _actions(run, example, "en")


def test_a_cache_folder_git_ignores_is_used(example: Path, run: Run,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    top = example.parent
    (top / ".gitignore").write_text(".cache/\n", encoding="utf-8")
    git(top, "add", ".gitignore")
    git(top, "commit", "-q", "-m", "ignore the cache")
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(top / ".cache" / "kwartaal"))
    out = _actions(run, example, "en")
    assert SAYS["en"] not in out
    assert _kept(top / ".cache" / "kwartaal")
    assert git(top, "status", "--porcelain") == ""


def test_a_link_to_a_closed_folder_of_ones_own_is_followed(example: Path, run: Run,
                                                           tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "real-cache"
    target.mkdir(mode=0o700)
    link = tmp_path / "cache-link"
    link.symlink_to(target)
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(link))
    expected = _actions(run, example, "en")
    assert _kept(target)
    assert link.is_symlink()  # followed, not replaced
    assert _actions(run, example, "en") == expected


@pytest.mark.parametrize("mode", [0o755, 0o770, 0o701])
def test_a_link_to_a_folder_open_to_others_is_not_used_nor_tightened(
        example: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        mode: int) -> None:
    target = tmp_path / "open-cache"
    target.mkdir()
    os.chmod(target, mode)
    link = tmp_path / "cache-link"
    link.symlink_to(target)
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(link))
    monkeypatch.setenv("KWARTAAL_NO_FAST", "1")
    _actions(run, example, "en")
    assert _kept(target) == []
    assert target.stat().st_mode & 0o777 == mode


def test_a_link_to_a_file_or_nowhere_is_not_used(example: Path, run: Run, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    nowhere = tmp_path / "cache-link"
    nowhere.symlink_to(tmp_path / "missing")
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(nowhere))
    expected = _actions(run, example, "en")
    assert not (tmp_path / "missing").exists()
    file = tmp_path / "a-file"
    file.write_text("x", encoding="utf-8")
    to_file = tmp_path / "file-link"
    to_file.symlink_to(file)
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(to_file))
    assert _actions(run, example, "en") == expected
    assert file.read_text(encoding="utf-8") == "x"


def test_a_folder_that_was_open_to_others_is_emptied_when_closed(
        example: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What others could put in (or replace in) an open folder is not trusted once it is
    closed: a forged index or kept answer is gone before anything reads it."""
    folder = tmp_path / "opened"
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(folder))
    assert run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda").exit_code == 0
    kept = sorted(path.name for path in folder.iterdir())
    assert kept  # the indexes are there
    (folder / "forged.answer").write_bytes(b"planted")
    os.chmod(folder, 0o777)
    assert run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda").exit_code == 0
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    assert not (folder / "forged.answer").exists()


def test_a_body_folder_whose_name_is_not_utf8(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    from .conftest import EXAMPLE

    body = os.fsdecode(os.fsencode(str(tmp_path)) + b"/caf\xe9")
    shutil.copytree(EXAMPLE, body)
    environment = {**os.environ, "KWARTAAL_TODAY": EXAMPLE_TODAY}
    for args in (["actions"], ["check"], ["agenda"], ["site", "--output", str(tmp_path / "s")]):
        runs = [subprocess.run([sys.executable, "-m", "kwartaal", "--repo", body, *args],
                               capture_output=True, env={**environment, **extra}, timeout=120)
                for extra in ({"KWARTAAL_NO_CACHE": "1"}, {}, {})]
        assert {(done.returncode, done.stdout) for done in runs} == {(0, runs[0].stdout)}, args
