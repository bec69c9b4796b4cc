"""A change commits exactly its own files, whether or not something else is staged, and the
user's pre-commit hook runs either way (vcs.gitops.commit)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import Run, commit_count, git, work_tree

TODAY = "2026-01-15"
MEETING = "meetings/meetings/2026-03-12.toml"


def _propose(run: Run, body: Path, lang: str, expect: int = 0) -> str:
    return run("--repo", str(body), "--today", TODAY, "--lang", lang, "propose",
               "Iets nieuws", "--by", "roos", expect=expect).output


def _hook(top: Path, script: str) -> Path:
    """A pre-commit hook of the user's own, which leaves a trace when it runs."""
    hook = top / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    hook.chmod(0o755)
    return top / "hook-ran"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_with_nothing_else_staged_the_commit_holds_only_the_change(example: Path, run: Run,
                                                                   lang: str) -> None:
    top = example.parent
    trace = _hook(top, f"echo ran >> '{top / 'hook-ran'}'\n")
    (top / "notes.txt").write_text("not staged\n", encoding="utf-8")  # changed, not staged
    before = commit_count(top)
    _propose(run, example, lang)
    assert commit_count(top) == before + 1
    assert git(top, "show", "--name-only", "--format=", "HEAD").split() == [MEETING]
    assert trace.read_text(encoding="utf-8") == "ran\n"
    assert git(top, "status", "--porcelain", "--", MEETING) == ""
    assert git(top, "diff", "--cached", "--name-only") == ""
    assert "?? notes.txt" in git(top, "status", "--porcelain")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_what_else_is_staged_stays_staged_and_out_of_the_commit(example: Path, run: Run,
                                                                lang: str) -> None:
    top = example.parent
    trace = _hook(top, f"echo ran >> '{top / 'hook-ran'}'\n")
    # a staged addition, a staged deletion and a staged edit of another meeting file: none
    # of them goes into the change's commit
    (top / "notes.txt").write_text("draft\n", encoding="utf-8")
    git(top, "add", "notes.txt")
    git(top, "rm", "-q", "--cached", "meetings/people.toml")
    other = top / "meetings" / "meetings" / "2025-09-11.toml"
    other.write_text(other.read_text(encoding="utf-8") + "# staged\n", encoding="utf-8")
    git(top, "add", "--", str(other.relative_to(top)))
    before = commit_count(top)
    _propose(run, example, lang)
    assert commit_count(top) == before + 1
    assert git(top, "show", "--name-only", "--format=", "HEAD").split() == [MEETING]
    assert trace.read_text(encoding="utf-8") == "ran\n"
    staged = sorted(git(top, "diff", "--cached", "--name-only").split())
    assert staged == ["meetings/meetings/2025-09-11.toml", "meetings/people.toml",
                      "notes.txt"]


@pytest.mark.parametrize("staged_else", [False, True])
def test_a_refusing_hook_leaves_everything_as_it_was(example: Path, run: Run,
                                                     staged_else: bool) -> None:
    top = example.parent
    _hook(top, "echo 'not today' >&2\nexit 1\n")
    if staged_else:
        (top / "notes.txt").write_text("draft\n", encoding="utf-8")
        git(top, "add", "notes.txt")
    before = (work_tree(top), git(top, "ls-files", "-s"), commit_count(top))
    out = _propose(run, example, "en", expect=1)
    assert "not today" in out
    assert (work_tree(top), git(top, "ls-files", "-s"), commit_count(top)) == before


def test_an_unchanged_file_is_not_committed(example: Path, run: Run) -> None:
    top = example.parent
    before = commit_count(top)
    # a title set to what it is: the file is named but unchanged, so nothing is committed
    from kwartaal.edit.change import Change
    from kwartaal.edit.pipeline import run_change

    path = example / "meetings" / "2026-03-12.toml"
    outcome = run_change(example, lambda body: Change([path], "nothing"))
    assert outcome.commit.reason == "nothing-changed"
    assert commit_count(top) == before
    assert os.path.exists(path)


@pytest.mark.parametrize("name", ["b[x]", "b*", "b?"])
def test_a_body_folder_named_like_a_pattern_commits_only_its_own_file(
        tmp_path: Path, run: Run, name: str) -> None:
    """Paths reach git as literal pathspecs: 'b[x]' is not a pattern that takes in bx."""
    import shutil

    from .conftest import EXAMPLE, commit_all, init_repo

    top = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, top / name)
    shutil.copytree(EXAMPLE, top / "bx")
    commit_all(top)
    other = top / "bx" / "meetings" / "2026-03-12.toml"
    with open(other, "a", encoding="utf-8") as handle:
        handle.write("# half af\n")
    run("--repo", str(top / name), "--today", TODAY, "propose", "Iets nieuws", "--by", "roos")
    assert git(top, "show", "--name-only", "--format=", "HEAD").split() == [
        f"{name}/meetings/2026-03-12.toml"]
    assert "bx/meetings/2026-03-12.toml" in git(top, "status", "--porcelain")
