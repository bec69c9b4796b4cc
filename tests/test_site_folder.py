"""The folder a site is written into: only what a build wrote is ever removed, builds at the
same time and builds killed in the middle leave it as one build does, and whatever stands in
the way is a message, never a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run, commit_all, init_repo


def _files(top: Path) -> dict[str, bytes]:
    return {str(p.relative_to(top)): p.read_bytes() for p in sorted(top.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def _site(run: Run, body: Path, folder: Path | None = None, expect: int | None = 0) -> str:
    args = ["--repo", str(body), "--today", EXAMPLE_TODAY, "site"]
    if folder is not None:
        args += ["--output", str(folder)]
    return run(*args, expect=expect).output


@pytest.fixture
def body(tmp_path: Path) -> Path:
    root = tmp_path / "repo" / "body"
    shutil.copytree(EXAMPLE, root)
    init_repo(root.parent)
    commit_all(root.parent, "example")
    return root


def _command(body: Path, folder: Path) -> list[str]:
    return [sys.executable, "-m", "kwartaal", "--repo", str(body), "--today", EXAMPLE_TODAY,
            "site", "--output", str(folder)]


def test_builds_into_a_new_folder_at_the_same_time_all_succeed(tmp_path: Path) -> None:
    """The marker is written first; a folder that holds only a marker being written is
    not taken for a stranger's."""
    alone = tmp_path / "alone"
    env = {**os.environ, "KWARTAAL_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run(_command(EXAMPLE, alone), env=env, check=True, capture_output=True)
    for round_ in range(6):
        folder = tmp_path / f"site{round_}"
        builds = [subprocess.Popen(_command(EXAMPLE, folder), env={
            **env, "KWARTAAL_CACHE_DIR": str(tmp_path / f"cache{n}")}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True) for n in range(3)]
        for build in builds:
            _, err = build.communicate(timeout=120)
            assert build.returncode == 0, err
        assert _files(folder) == _files(alone)


def test_a_build_killed_while_writing_its_marker_does_not_lock_the_folder(
        run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (folder / f"..kwartaal-site.{dead.pid}.abcd1234.tmp").write_text("made by")
    _site(run, EXAMPLE, folder)
    assert (folder / "index.html").is_file()
    assert not list(folder.glob(".*.tmp"))


def test_killed_builds_leave_the_folder_as_one_build_does(tmp_path: Path) -> None:
    """SIGKILL at seeded moments of a build, then a build: the folder is one build's."""
    import random

    env = {**os.environ, "KWARTAAL_CACHE_DIR": str(tmp_path / "cache")}
    alone, folder = tmp_path / "alone", tmp_path / "site"
    subprocess.run(_command(EXAMPLE, alone), env=env, check=True, capture_output=True)
    chance = random.Random(7)
    for _ in range(6):
        build = subprocess.Popen(_command(EXAMPLE, folder), env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(chance.uniform(0.05, 0.6))
        build.send_signal(signal.SIGKILL)
        build.wait()
        done = subprocess.run(_command(EXAMPLE, folder), env=env, capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stderr
        assert _files(folder) == _files(alone)


def test_only_what_a_build_wrote_is_removed(body: Path, run: Run, tmp_path: Path) -> None:
    """Pages no longer built go, with the folders they leave empty; a person's own files, a
    .git and a .htpasswd stay, even beside a marker copied from another site."""
    config = body / "kwartaal.toml"
    folder = tmp_path / "site"
    _site(run, body, folder)
    assert (folder / "en" / "index.html").is_file()
    config.write_text(config.read_text(encoding="utf-8").replace(
        'languages = ["nl", "en"]', 'languages = ["nl"]'), encoding="utf-8")
    _site(run, body, folder)
    assert not (folder / "en").exists()
    own = {"notes.txt": b"mine", ".htpasswd": b"user:x", ".git/config": b"[core]",
           "archive/index.html": b"old site"}
    www = tmp_path / "www"
    for name, data in own.items():
        (www / name).parent.mkdir(parents=True, exist_ok=True)
        (www / name).write_bytes(data)
    shutil.copytree(folder, www, dirs_exist_ok=True)  # a copied site, marker and all
    (www / "stale.html").write_text("not listed by any marker")
    _site(run, body, www)
    for name, data in own.items():
        assert (www / name).read_bytes() == data, name
    assert (www / "stale.html").exists()


def test_a_marker_of_an_older_version_has_its_pages_written_over(
        run: Run, tmp_path: Path) -> None:
    """An older version's marker lists nothing: its pages are written over and nothing is
    removed (not a person's own page either)."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / ".kwartaal-site").write_text("made by kwartaal site\n")
    (folder / "google1234abcd.html").write_text("a person's own page")
    (folder / "notes.txt").write_text("mine")
    _site(run, EXAMPLE, folder)
    assert (folder / "google1234abcd.html").read_text() == "a person's own page"
    assert (folder / "notes.txt").read_text() == "mine"
    assert "index.html" in (folder / ".kwartaal-site").read_text().splitlines()


def test_a_marker_names_only_pages_and_an_empty_one_is_none(run: Run, tmp_path: Path) -> None:
    """A marker listing a person's own files removes none of them ('notes.txt' is no
    page's name); an empty marker, or one kwartaal did not write, makes no site folder."""
    folder = tmp_path / "site"
    _site(run, EXAMPLE, folder)
    marker = folder / ".kwartaal-site"
    marker.write_text(marker.read_text() + "notes.txt\n../outside.html\n.git/config\n")
    (folder / "notes.txt").write_text("mine")
    (tmp_path / "outside.html").write_text("not the site's")
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("[core]")
    _site(run, EXAMPLE, folder)
    assert (folder / "notes.txt").exists() and (tmp_path / "outside.html").exists()
    assert (folder / ".git" / "config").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / ".kwartaal-site").write_text("")
    (other / "page.html").write_text("mine")
    out = _site(run, EXAMPLE, other, expect=1)
    assert "niet door 'kwartaal site' gemaakt" in out
    assert (other / "page.html").read_text() == "mine"


@pytest.mark.parametrize(("output", "said"), [
    ("public", "de site kan niet in"), ("public/minutes", "de site kan niet in"),
    (".", "de site kan niet in"), ("..", "de site kan niet in"),
    ("meetings/../public", "de site kan niet in"), ("public/x/..", "de site kan niet in"),
    ("meetings", "is niet door 'kwartaal site' gemaakt")])
def test_a_folder_that_holds_the_body_or_its_published_minutes_is_refused(
        body: Path, run: Run, output: str, said: str) -> None:
    """Even when empty: `publish` writes the minutes there later, and the next build would
    remove them."""
    before = _files(body)
    out = _site(run, body, Path(str(body) + "/" + output), expect=1)  # as written
    assert said in out, out
    after = _files(body)
    assert {k: v for k, v in after.items() if k in before} == before


def test_check_does_not_read_the_site_or_the_published_minutes(body: Path, run: Run) -> None:
    """A calendar's 'UID:2025-12-11@….kwartaal' looks like an address; the site passed the
    search of public output when it was built."""
    _site(run, body)
    assert (body / "public" / "site" / "kwartaal.ics").is_file()
    out = run("--repo", str(body), "--today", EXAMPLE_TODAY, "check").output
    assert "kwartaal.ics" not in out and "0 fouten" in out, out
    (body / "notes.txt").write_text("bel 06-12345678\n", encoding="utf-8")
    out = run("--repo", str(body), "--today", EXAMPLE_TODAY, "check", expect=1).output
    assert "notes.txt" in out
    # a marker does not hide what a build did not write beside it, nor does a marker that
    # kwartaal did not write
    site_notes = body / "public" / "site" / "n.md"
    site_notes.write_text("jan@example.org\n", encoding="utf-8")
    (body / "notes").mkdir()
    (body / "notes" / ".kwartaal-site").write_text("", encoding="utf-8")
    (body / "notes" / "n.html").write_text("bel 06-13572468\n", encoding="utf-8")
    out = run("--repo", str(body), "--today", EXAMPLE_TODAY, "check", expect=1).output
    assert "n.md" in out and "notes/n.html" in out, out


def test_what_stands_in_the_way_is_a_message(run: Run, tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    out = _site(run, EXAMPLE, afile / "sub", expect=1)
    assert "afile" in out and "Traceback" not in out and "internal error" not in out, out
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    out = _site(run, EXAMPLE, dangling, expect=1)
    assert "dangling" in out and "internal error" not in out, out
    folder = tmp_path / "site"
    _site(run, EXAMPLE, folder)
    (folder / "index.html").unlink()
    (folder / "index.html").mkdir()
    out = _site(run, EXAMPLE, folder, expect=1)
    assert "index.html" in out and ".tmp" not in out and "internal error" not in out, out
    (folder / "index.html").rmdir()
    shutil.rmtree(folder / "en")
    (folder / "en").write_text("x")
    out = _site(run, EXAMPLE, folder, expect=1)
    assert "en" in out and "internal error" not in out, out
