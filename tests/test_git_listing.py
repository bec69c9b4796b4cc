"""What `git ls-files` says about a body, kept between runs (files/gitlisting.py): after every
kind of change, the kept answer equals git's own, and it is used only while nothing it
depends on changed. Real repositories; git itself is run to compare (the function that starts
it is only counted)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from kwartaal.files import gitlisting
from kwartaal.files.gitlisting import ls_files

from .conftest import EXAMPLE, commit_all, git, init_repo


def questions(body: Path) -> list[list[str]]:
    """What `check` asks: every file git tracks or would add; the tracked meeting files."""
    return [["-z", "-c", "-o", "--exclude-standard"],
            ["-z", "--full-name", "--", f":(literal){body / 'meetings'}"],
            ["-z"]]  # and, to show each change of the index, every file it tracks


def git_says(body: Path, args: list[str]) -> bytes:
    return subprocess.run(["git", "ls-files", *args], cwd=body, capture_output=True,
                          check=True).stdout


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each git command ls_files starts, by its first word."""
    calls: list[str] = []
    original = gitlisting._git

    def counting(root: Path, args: list[str]) -> bytes | None:
        calls.append(args[0])
        return original(root, args)

    monkeypatch.setattr(gitlisting, "_git", counting)
    return calls


def assert_same(body: Path, started: list[str], *, kept: bool = True) -> None:
    """ls_files answers as git does; asked again of the unchanged files, it starts no git
    (kept) or starts git again (what the answer depends on cannot be known)."""
    for args in questions(body):
        assert ls_files(body, args) == git_says(body, args), args
    started.clear()
    for args in questions(body):
        assert ls_files(body, args) == git_says(body, args), args
    assert (started == []) == kept, started


def same_size_keep_times(path: Path, old: bytes, new: bytes) -> None:
    before = path.stat()
    text = path.read_bytes()
    assert len(old) == len(new) and old in text
    path.write_bytes(text.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def changes(body: Path, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Callable[[], None], bool]]:
    """(what, the change, whether its answer may be kept), each made after the ones before."""
    repo = body.parent
    deep = body / "archief" / "2025" / "q1"
    settings = tmp_path / "gitconfig"  # the user's settings file (GIT_CONFIG_GLOBAL)

    def write(path: Path, text: str) -> Callable[[], None]:
        def change() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return change

    def append(path: Path, line: str) -> Callable[[], None]:
        def change() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        return change

    def text_files() -> None:
        (body / "lijst.txt").write_text("x\n", encoding="utf-8")
        (deep / "ruw.txt").write_text("x\n", encoding="utf-8")

    def excludes_file() -> None:
        (tmp_path / "ignore").write_text("*.txt\n", encoding="utf-8")
        settings.write_text(f"[core]\n\texcludesFile = {tmp_path / 'ignore'}\n",
                            encoding="utf-8")

    def default_excludes() -> None:
        settings.unlink()
        write(tmp_path / "xdg" / "git" / "ignore", "*.txt\n")()
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))

    def link_for_file() -> None:
        (body / "notes.md").unlink()
        (body / "notes.md").symlink_to(body / "kwartaal.toml")

    def file_for_folder() -> None:
        shutil.rmtree(body / "archief" / "2025")
        (body / "archief" / "2025").write_text("nu een bestand\n", encoding="utf-8")

    def other_branch() -> None:
        git(repo, "checkout", "-q", "-b", "ander")
        (body / "alleen-hier.md").write_text("tak\n", encoding="utf-8")
        commit_all(repo, "tak")
        git(repo, "checkout", "-q", "main")

    def include() -> None:
        (tmp_path / "more").write_text("[core]\n\texcludesFile = /dev/null\n", encoding="utf-8")
        settings.write_text(f"[include]\n\tpath = {tmp_path / 'more'}\n", encoding="utf-8")

    def repository_inside() -> None:
        settings.unlink()
        init_repo(body / "sub")

    def linked_repository_inside() -> None:
        shutil.rmtree(body / "sub")
        (body / "sub").mkdir()
        (body / "sub" / ".git").write_text(f"gitdir: {repo / '.git'}\n", encoding="utf-8")

    def other_index() -> None:
        shutil.rmtree(body / "sub")
        shutil.copy(repo / ".git" / "index", repo / ".git" / "other-index")
        monkeypatch.setenv("GIT_INDEX_FILE", str(repo / ".git" / "other-index"))
        git(repo, "rm", "-q", "--cached", "meetings/people.toml")

    def commit() -> None:
        git(repo, "add", "meetings/archief")
        git(repo, "commit", "-q", "-m", "archief")

    return [
        ("an untracked file", write(body / "notes.md", "x\n"), True),
        ("an untracked file in new folders", write(deep / "verslag.md", "verslag\n"), True),
        ("git add", lambda: git(repo, "add", "meetings/archief"), True),
        ("git rm --cached", lambda: git(repo, "rm", "-q", "--cached",
                                        "meetings/archief/2025/q1/verslag.md"), True),
        ("a commit", commit, True),
        ("the body's .gitignore", append(body / ".gitignore", "*.md"), True),
        ("same size, times put back", lambda: same_size_keep_times(
            body / ".gitignore", b"*.md", b"*.mx"), True),
        ("a .gitignore above the body", append(repo / ".gitignore", "notes.md"), True),
        ("text files", text_files, True),
        ("a .gitignore in a subfolder", append(deep / ".gitignore", "*.txt"), True),
        ("an untracked poll", write(body / "polls" / "concept.toml", "x = 1\n"), True),
        ("info/exclude", append(repo / ".git" / "info" / "exclude", "concept.toml"), True),
        ("the user's ignore file, named in the settings", excludes_file, True),
        ("the user's ignore file edited", lambda: same_size_keep_times(
            tmp_path / "ignore", b"*.txt", b"x.txt"), True),
        ("the user's own ignore file", default_excludes, True),
        ("a file replaced by a link", link_for_file, True),
        ("a folder replaced by a file", file_for_folder, True),
        ("renamed", lambda: (body / "polls" / "concept.toml").rename(
            body / "polls" / "ontwerp.toml"), True),
        ("an untracked file edited, times put back", lambda: same_size_keep_times(
            body / "polls" / "ontwerp.toml", b"x = 1", b"y = 2"), True),
        ("a branch checked out and back", other_branch, True),
        ("settings that include others", include, False),
        ("a repository inside the body", repository_inside, False),
        ("a .git file inside the body", linked_repository_inside, False),
        ("another index (GIT_INDEX_FILE)", other_index, False),
        ("back to the index", lambda: monkeypatch.delenv("GIT_INDEX_FILE"), True),
    ]


def test_equal_to_git_after_every_change(tmp_path: Path, started: list[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    body = repo / "meetings"
    assert_same(body, started)
    said = [git_says(body, args) for args in questions(body)]
    unchanged = []
    for name, change, kept in changes(body, tmp_path, monkeypatch):
        change()
        try:
            assert_same(body, started, kept=kept)
        except AssertionError as failed:
            raise AssertionError(name) from failed
        before, said = said, [git_says(body, args) for args in questions(body)]
        if said == before:
            unchanged.append(name)
    # git lists a file and a link alike, and a repository inside as one entry; an edit
    # changes no listing
    assert unchanged == ["a file replaced by a link", "an untracked file edited, times put back",
                         "a .git file inside the body"]


def test_the_body_at_the_top_and_in_a_worktree(tmp_path: Path, started: list[str]) -> None:
    top = tmp_path / "top"
    shutil.copytree(EXAMPLE, top)
    init_repo(top)
    commit_all(top)
    assert_same(top, started)
    (top / "meetings" / "los.toml").write_text("x = 1\n", encoding="utf-8")
    assert_same(top, started)
    git(top, "worktree", "add", "-q", str(tmp_path / "tree"))
    tree = tmp_path / "tree"
    assert_same(tree, started)
    (tree / "notes.md").write_text("x\n", encoding="utf-8")
    assert_same(tree, started)
    with (top / ".git" / "info" / "exclude").open("a", encoding="utf-8") as handle:
        handle.write("notes.md\n")  # shared by every worktree
    assert_same(tree, started)


def test_not_kept(tmp_path: Path, started: list[str],
                  monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    shutil.copytree(EXAMPLE, outside)
    assert ls_files(outside, questions(outside)[0]) is None  # no repository: git fails
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    body = repo / "meetings"
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    assert_same(body, started, kept=False)
    monkeypatch.delenv("KWARTAAL_NO_CACHE")
    assert_same(body, started)
    (kept,) = Path(os.environ["KWARTAAL_CACHE_DIR"]).glob("*.gitls")
    data = bytearray(kept.read_bytes())
    data[len(data) // 2] ^= 0x20
    kept.write_bytes(bytes(data))  # damaged: no answer, made again
    (body / "notes.md").write_text("x\n", encoding="utf-8")
    for args in questions(body):
        assert ls_files(body, args) == git_says(body, args)
    other = init_repo(tmp_path / "other")
    shutil.copytree(EXAMPLE, other / "meetings")
    commit_all(other)
    assert_same(other / "meetings", started)
    (theirs,) = set(Path(os.environ["KWARTAAL_CACHE_DIR"]).glob("*.gitls")) - {kept}
    shutil.copy(kept, theirs)  # another body's answers: not used
    (other / "meetings" / "notes.md").write_text("x\n", encoding="utf-8")
    assert_same(other / "meetings", started)
