"""The write pipeline (edit.pipeline): used directly, without the command line; all or nothing
when a change fails half way; and the commit options alike on every writing command."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core.problems import KwartaalError, msg
from kwartaal.edit.actions import set_status
from kwartaal.edit.change import Change
from kwartaal.edit.pipeline import CommitOptions, run_change
from kwartaal.files import store

from .conftest import (
    EXAMPLE,
    EXAMPLE_TODAY,
    Run,
    assert_refused,
    commit_all,
    commit_count,
    git,
    init_repo,
)

TODAY = dt.date.fromisoformat(EXAMPLE_TODAY)
AUTHOR = "Ander Persoon <ander@example.org>"


def test_an_edit_runs_through_the_pipeline_without_the_command_line(example: Path) -> None:
    commits = commit_count(example.parent)
    outcome = run_change(example, lambda body: set_status(
        body, "2025-12-11/a2", "in-progress", by="roos", today=TODAY, lang="nl"),
        options=CommitOptions(author=AUTHOR))
    assert outcome.change.id == "2025-12-11/a2"
    assert outcome.commit.reason == "committed"
    assert commit_count(example.parent) == commits + 1
    assert git(example.parent, "log", "-1", "--format=%an <%ae>|%s").strip() == \
        f"{AUTHOR}|action 2025-12-11/a2: start"
    assert git(example.parent, "status", "--porcelain") == ""
    assert 'status = "in-progress"' in (example / "meetings" / "2025-12-11.toml").read_text(
        encoding="utf-8")


def test_the_pipeline_leaves_a_change_uncommitted_when_asked(example: Path) -> None:
    commits = commit_count(example.parent)
    outcome = run_change(example, lambda body: set_status(
        body, "2025-12-11/a2", "in-progress", by="", today=TODAY, lang="en"),
        options=CommitOptions(no_commit=True))
    assert outcome.commit.reason == "no-commit"
    assert commit_count(example.parent) == commits
    assert git(example.parent, "status", "--porcelain").strip() == \
        "M meetings/meetings/2025-12-11.toml"


def test_the_pipeline_refuses_a_dirty_file_naming_it_in_full(example: Path) -> None:
    people = example / "people.toml"
    people.write_text(people.read_text(encoding="utf-8") + "# draft\n", encoding="utf-8")

    def edit(body: object) -> Change:
        store.append_table(people, "nieuw", {"name": "Nieuw", "visibility": "named"},
                           array=False)
        return Change([people], "person: add nieuw")

    with pytest.raises(KwartaalError) as refused:
        run_change(example, edit)
    text = refused.value.render("en")
    assert "people.toml has uncommitted changes" in text  # the whole name
    assert "--force" not in text
    with pytest.raises(KwartaalError) as forceable:
        run_change(example, edit, forceable=True)
    assert "pass --force" in forceable.value.render("en")
    outcome = run_change(example, edit, force=True)
    assert outcome.commit.reason == "committed"
    assert git(example.parent, "status", "--porcelain") == ""


def _body_files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and ".git" not in p.parts}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = init_repo(tmp_path_factory.mktemp("template") / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    return repo


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=st.lists(st.sampled_from(["people.toml", "kwartaal.toml",
                                        "meetings/2025-12-11.toml", "meetings/2026-03-12.toml",
                                        "notes/new.toml"]), min_size=1, max_size=5),
       fail_after=st.integers(min_value=0, max_value=5), by_commit=st.booleans())
def test_a_change_that_fails_half_way_leaves_files_and_git_as_they_were(
        template: Path, tmp_path_factory: pytest.TempPathFactory, writes: list[str],
        fail_after: int, by_commit: bool) -> None:
    """Whatever the change wrote (existing files, new files, new folders) before it failed,
    or when git refused its commit, is put back; HEAD and the index do not move."""
    repo = tmp_path_factory.mktemp("half") / "repo"
    shutil.copytree(template, repo)
    root = repo / "meetings"
    before = _body_files(repo)
    head = git(repo, "rev-parse", "HEAD")
    if by_commit:  # git itself refuses: a pre-commit hook that fails
        hook = repo / ".git" / "hooks" / "pre-commit"
        hook.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
        hook.chmod(0o755)

    def edit(body: object) -> Change:
        written = []
        for number, rel in enumerate(writes):
            if number == fail_after and not by_commit:
                raise KwartaalError(msg("stopped half way"))
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            store.append_table(path, f"extra{number}", {"value": number}, array=False)
            written.append(path)
        if not by_commit:
            raise KwartaalError(msg("stopped at the end"))
        return Change(written, "a change git refuses")

    with pytest.raises(KwartaalError):
        run_change(root, edit)
    after = _body_files(repo)
    assert {p: b for p, b in after.items() if not p.name.startswith(".")} == \
        {p: b for p, b in before.items() if not p.name.startswith(".")}
    assert git(repo, "rev-parse", "HEAD") == head
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


# -- the commit options, alike on every writing command --------------------------------------------

WRITING_COMMANDS = {
    "action add": ["action", "add", "Flyer voor buren", "--owner", "roos", "--due", "+4w"],
    "action start": ["action", "start", "2025-12-11/a2"],
    "action done": ["action", "done", "2025-12-11/a1"],
    "action drop": ["action", "drop", "2025-12-11/a3", "--reason", "geregeld"],
    "action update": ["action", "update", "2025-12-11/a2", "--note", "besproken"],
    "action handover": ["action", "handover", "2025-12-11/a2", "--to", "s-bakker"],
    "attend": ["attend", "2025-12-11", "f-mulder", "--excused"],
    "note": ["note", "2025-12-11", "beleid", "De wet komt later."],
    "decide": ["decide", "2025-12-11", "Het overleg schrijft een brief."],
    "minutes review": ["minutes", "review", "2025-12-11"],
    "minutes approve": ["minutes", "approve", "2025-12-11"],
    "publish": ["publish", "2025-12-11", "--force"],
    "compensate": ["compensate", "2025-12-11", "roos", "--travel", "5"],
    "compensation paid": ["compensation", "paid", "2025-12-11", "roos", "--date",
                          "2026-01-10"],
    "meeting new": ["meeting", "new"],
    "meeting held": ["meeting", "held", "2025-12-11", "--force"],
    "propose": ["propose", "Evaluatie", "--by", "roos", "--meeting", "2025-12-11"],
    "person add": ["person", "add", "nieuw", "--name", "Nieuw", "--visibility", "role-only",
                   "--role", "lid van de klankbordgroep"],
    "theme add": ["theme", "add", "nieuw-thema", "--title", "Nieuw thema"],
    "config set": ["config", "set", "cadence.time", "19:30"],
    "setup-git": ["setup-git"],
    "init": ["init", "{repo}/tweede-overleg", "--name", "Tweede overleg"],
}


def _writing_command(name: str, example: Path) -> tuple[list[str], list[str]]:
    """The global options and the command's own arguments, in a clone ready for it."""
    repo = example.parent
    if name == "setup-git":  # a clone whose body has no .gitattributes yet
        git(repo, "rm", "-q", "meetings/.gitattributes")
        git(repo, "commit", "-q", "-m", "no attributes")
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en"]
    return base, [arg.replace("{repo}", str(repo)) for arg in WRITING_COMMANDS[name]]


@pytest.mark.parametrize("name", sorted(WRITING_COMMANDS))
def test_no_commit_and_author_behave_alike_on_every_writing_command(
        name: str, example: Path, run: Run) -> None:
    repo = example.parent
    base, args = _writing_command(name, example)
    commits = commit_count(repo)
    out = run(*base, *args, "--no-commit").output
    assert commit_count(repo) == commits
    assert git(repo, "status", "--porcelain", "--untracked-files=all").strip(), out
    assert "(not committed)" in out
    git(repo, "reset", "-q", "--hard")
    git(repo, "clean", "-qfd")
    out = run(*base, *args, "--author", AUTHOR).output
    assert commit_count(repo) == commits + 1
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == AUTHOR
    assert "(commit " in out
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


@pytest.mark.parametrize("name", sorted(WRITING_COMMANDS))
def test_an_author_git_would_refuse_is_refused_before_anything_is_written(
        name: str, example: Path, run: Run) -> None:
    repo = example.parent
    base, args = _writing_command(name, example)
    commits = commit_count(repo)
    for author in ("bob", "Bob <>", "<bob@example.org>", "Bob <bob@example.org"):
        out = run(*base, *args, "--author", author, expect=1).output
        assert "Name <e-mail>" in out, (name, author, out)
        assert commit_count(repo) == commits
        assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


@pytest.mark.parametrize("args, forceable", [
    (["person", "add", "zoe", "--name", "Zoë", "--visibility", "role-only", "--role", "lid"],
     False),
    (["theme", "add", "nieuw", "--title", "Nieuw"], False),
    (["attend", "2025-12-11", "f-mulder", "--excused"], False),
    (["action", "start", "2025-12-11/a2"], True),
    (["propose", "Evaluatie", "--by", "roos", "--meeting", "2025-12-11"], True),
])
def test_a_dirty_file_is_named_in_full_and_force_suggested_only_where_it_exists(
        args: list[str], forceable: bool, example: Path, run: Run) -> None:
    for rel in ("people.toml", "kwartaal.toml", "meetings/2025-12-11.toml"):
        path = example / rel
        path.write_text(path.read_text(encoding="utf-8") + "# draft\n", encoding="utf-8")
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", *args,
              expect=1).output
    name = next(n for n in ("people.toml", "kwartaal.toml", "2025-12-11.toml") if n in out)
    assert f"/{name} has uncommitted changes" in out or out.startswith(f"error: {name}")
    assert ("--force" in out) == forceable


def test_remind_lists_as_json(example: Path, run: Run) -> None:
    import json

    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "remind", "--json").output
    reminders = json.loads(out)
    assert reminders and {"person", "lang", "to", "subject", "text"} == set(reminders[0])
    text = run("--repo", str(example), "--today", EXAMPLE_TODAY, "remind").output
    assert all(f"[{r['person']}] {r['subject']}" in text for r in reminders)


@pytest.mark.parametrize("hand_edit", [
    'text = "Jade is bereikbaar op 06-12345678"',   # a phone number and a hidden name
    'text = "Jades voorstel"',                       # a hidden name, possessive
])
def test_force_does_not_sweep_unchecked_hand_edits_into_a_commit(hand_edit: str,
                                                                  example: Path,
                                                                  run: Run) -> None:
    """--force takes a file's uncommitted edits along: they are checked as part of the
    change, as if the command had written them."""
    path = example / "meetings" / "2025-12-11.toml"
    note = f'\n[[note]]\nid = "n-x"\nitem = "p1"\n{hand_edit}\n'
    edited = path.read_text(encoding="utf-8") + note
    path.write_text(edited, encoding="utf-8")
    before = commit_count(example)
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "action",
              "done", "2025-12-11/a2", "--force", expect=1).output
    assert "nothing was written" in out or "privacy" in out, out
    assert commit_count(example) == before
    assert path.read_text(encoding="utf-8") == edited  # the person's edit is still there
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "action", "done", "2025-12-11/a2",
        "--force", "--allow-private")
    assert commit_count(example) == before + 1


def test_a_setting_set_to_its_own_value_does_not_commit_hand_edits(example: Path,
                                                                   run: Run) -> None:
    path = example / "kwartaal.toml"
    edited = path.read_text(encoding="utf-8") + "# Mila: 06-12345678\n"
    path.write_text(edited, encoding="utf-8")
    before = commit_count(example)
    time = run("--repo", str(example), "config", "get", "cadence.time").output.strip()
    out = run("--repo", str(example), "--lang", "en", "config", "set", "cadence.time", time,
              expect=1).output
    assert "kwartaal.toml has uncommitted changes" in out
    assert commit_count(example) == before and path.read_text(encoding="utf-8") == edited


@pytest.mark.parametrize("lang,says", [("en", "compensated but not recorded as present"),
                                       ("nl", "krijgt een vergoeding maar staat niet")])
def test_a_write_that_check_would_reject_across_records_is_refused(
        example: Path, run: Run, lang: str, says: str) -> None:
    """kbg-2 is paid for 2025-12-11: recording them absent would leave two payments to someone
    who was not there. Nothing is written, nothing committed."""
    assert_refused(lambda: run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang,
                               "attend", "2025-12-11", "kbg-2", "--absent", expect=1).output,
                   example.parent, says)
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "check")
