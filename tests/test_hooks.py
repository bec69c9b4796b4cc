"""The pre-commit hook: plain `git commit` runs kwartaal's check on what is staged, in real git
repositories, with the body in a subfolder and with two bodies in one repository."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kwartaal.core.problems import KwartaalError
from kwartaal.vcs.gitops import commit
from kwartaal.vcs.hooks import COMPANION, MARK, SAYS, hook_script

from .conftest import EXAMPLE_TODAY, Run, commit_all, commit_count, git, line_with, replace_in

SEPT = "meetings/2025-09-11.toml"
NOTE = 'text = "De klankbordgroep wil een training'
IBAN = "NL91ABNA0417164300"
MOBILE = "0612345678"


def _env(**extra: str) -> dict[str, str]:
    """For a real `git commit`: this venv's kwartaal on PATH, the example's fixed today (the
    hook's check depends on the date) and English messages."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(KWARTAAL_TODAY=EXAMPLE_TODAY, KWARTAAL_LANG="en")
    env.update(extra)
    return env


def _commit(cwd: Path, *args: str, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "commit", "-q", "-m", "change", *args], cwd=cwd,
                          env=env or _env(), capture_output=True, text=True, check=False)


def _hook(repo: Path) -> Path:
    return repo / ".git" / "hooks" / "pre-commit"


@pytest.fixture
def hooked(example: Path, run: Run) -> Path:
    """The example body (a subfolder of its repository) with kwartaal's hook set up, speaking
    English."""
    run("--repo", str(example), "--lang", "en", "setup-git")
    return example


def test_init_installs_an_executable_hook(new_body: Path) -> None:
    hook = _hook(new_body)
    text = hook.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh\n") and MARK in text
    assert f"{sys.executable} -m kwartaal check $strict --staged --new --all-bodies" in text
    assert "kwartaal check $strict --staged --new --all-bodies" in text.split("elif", 1)[1]
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(hook.stat().st_mode) == 0o777 & ~umask
    assert git(new_body, "status", "--porcelain") == ""


@pytest.mark.parametrize(("secret", "what"), [(IBAN, "a bank account number (IBAN)"),
                                              (MOBILE, "a phone number")])
def test_plain_git_commit_with_a_privacy_leak_is_refused(hooked: Path, secret: str,
                                                         what: str) -> None:
    path = hooked / SEPT
    replace_in(path, NOTE, f'text = "Bel {secret}. De klankbordgroep wil een training')
    git(hooked, "add", SEPT)
    before = commit_count(hooked)
    done = _commit(hooked / "meetings")  # from a folder below the body: the hook runs at the top
    assert done.returncode != 0
    line = line_with(path, secret)
    assert f"meetings/{SEPT}:{line}: error: privacy: {what}" in done.stderr
    assert f"{SAYS} kwartaal's check refused this commit" in done.stderr
    assert "git commit --no-verify" in done.stderr
    assert commit_count(hooked) == before
    assert git(hooked, "diff", "--cached", "--name-only").strip() == f"meetings/{SEPT}"


def test_a_clean_commit_passes(hooked: Path) -> None:
    replace_in(hooked / SEPT, NOTE, 'text = "Aangevuld. De klankbordgroep wil een training')
    git(hooked, "add", SEPT)
    before = commit_count(hooked)
    done = _commit(hooked)
    assert done.returncode == 0, done.stderr
    assert commit_count(hooked) == before + 1


def test_the_staged_version_is_checked_not_the_working_tree(hooked: Path) -> None:
    path = hooked / SEPT
    clean = path.read_text(encoding="utf-8")
    # A bad line only in the working tree does not block a clean staged change.
    replace_in(path, NOTE, 'text = "Aangevuld. De klankbordgroep wil een training')
    git(hooked, "add", SEPT)
    replace_in(path, "Aangevuld.", f"Aangevuld, bel {MOBILE}.")
    done = _commit(hooked)
    assert done.returncode == 0, done.stderr
    assert MOBILE not in git(hooked, "show", f"HEAD:meetings/{SEPT}")
    assert MOBILE in path.read_text(encoding="utf-8")
    # And a bad staged line blocks even when the working tree was cleaned up since.
    git(hooked, "add", SEPT)
    path.write_text(clean, encoding="utf-8")
    done = _commit(hooked)
    assert done.returncode != 0
    assert "phone number" in done.stderr and MOBILE not in done.stderr  # shown masked


def test_staged_check_from_the_command_line_names_the_real_files(hooked: Path,
                                                                 run: Run) -> None:
    path = hooked / SEPT
    replace_in(path, NOTE, f'text = "IBAN {IBAN}. De klankbordgroep wil een training')
    git(hooked, "add", SEPT)
    out = run("--repo", str(hooked), "--today", EXAMPLE_TODAY, "--lang", "en", "check",
              "--staged", "--json", expect=1).output
    errors = json.loads(out)["errors"]
    assert [(e["path"], e["line"]) for e in errors] == [(str(path.resolve()),
                                                         line_with(path, IBAN))]
    git(hooked, "reset", "-q")  # unstaged, the bad line is no longer the staged check's
    run("--repo", str(hooked), "--today", EXAMPLE_TODAY, "check", "--staged", "--strict")
    run("--repo", str(hooked), "--today", EXAMPLE_TODAY, "check", expect=1)


def test_setup_git_installs_it_in_an_existing_clone_and_rewrites_its_own(example: Path,
                                                                          run: Run) -> None:
    repo = example.parent
    hook = _hook(repo)
    assert not hook.exists()
    out = run("--repo", str(example), "--lang", "en", "setup-git").output
    assert "installed the pre-commit hook" in out
    text = hook.read_text(encoding="utf-8")
    assert os.access(hook, os.X_OK)
    out = run("--repo", str(example), "--lang", "en", "setup-git").output  # idempotent
    assert "installed" not in out and "pre-commit hook in place" in out
    assert hook.read_text(encoding="utf-8") == text
    hook.write_text(hook_script("en", "/gone/python"), encoding="utf-8")  # an older kwartaal
    run("--repo", str(example), "setup-git")
    assert hook.read_text(encoding="utf-8") == text


def test_core_hooks_path_is_respected(example: Path, run: Run) -> None:
    repo = example.parent
    git(repo, "config", "core.hooksPath", ".githooks")
    run("--repo", str(example), "setup-git")
    assert MARK in (repo / ".githooks" / "pre-commit").read_text(encoding="utf-8")
    assert not _hook(repo).exists()


def test_a_hook_that_cannot_be_written_is_said(example: Path, run: Run) -> None:
    repo = example.parent
    (repo / "not-a-folder").write_text("", encoding="utf-8")
    git(repo, "config", "core.hooksPath", "not-a-folder/hooks")
    out = run("--repo", str(example), "--lang", "en", "setup-git", expect=1).output
    assert "could not write the pre-commit hook" in out and "NOT checked" in out
    result = run("init", str(repo / "intercity"), "--lang", "en")  # the body is made anyway
    assert "could not write the pre-commit hook" in result.output
    assert (repo / "intercity" / "kwartaal.toml").exists()


def test_a_foreign_hook_is_left_alone(hooked: Path, run: Run) -> None:
    hook = _hook(hooked.parent)
    foreign = "#!/bin/sh\n# the group's own checks\nexit 0\n"
    hook.write_text(foreign, encoding="utf-8")
    out = run("--repo", str(hooked), "--lang", "en", "setup-git").output
    assert hook.read_text(encoding="utf-8") == foreign
    assert "kwartaal did not write" in out and "NOT checked" in out
    line = f'"$(git rev-parse --git-path hooks)/{COMPANION}" || exit 1'
    assert line in out
    # The line the user is told to add runs kwartaal's check, which refuses a leak.
    hook.write_text(f"#!/bin/sh\n# the group's own checks\n{line}\nexit 0\n", encoding="utf-8")
    assert "pre-commit hook in place" in run("--repo", str(hooked), "--lang", "en",
                                             "setup-git").output
    replace_in(hooked / SEPT, NOTE, f'text = "IBAN {IBAN}. De klankbordgroep wil een training')
    git(hooked, "add", SEPT)
    done = _commit(hooked)
    assert done.returncode != 0 and "IBAN" in done.stderr


def test_warnings_refuse_commits_by_hand_but_not_kwartaals_own(new_body: Path,
                                                              run: Run) -> None:
    # A year's limits are set one key at a time; until all four are there, check warns.
    run("--repo", str(new_body), "config", "set", "compensation.limits.2026.month", "220")
    config = new_body / "kwartaal.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "\n[compensation.limits.2027]\nmonth = 230\n", encoding="utf-8")
    git(new_body, "add", "kwartaal.toml")
    done = _commit(new_body)
    assert done.returncode != 0
    assert "[compensation.limits.2027]: no hour_21plus" in done.stderr
    # The 2026 warning is in the last commit already: listed, but not what refused.
    assert "0 errors, 2 warnings, 1 of them already in the last commit" in done.stderr


def test_problems_already_committed_do_not_refuse_new_commits(hooked: Path) -> None:
    # With the real date the example's 2026-03-12 meeting is 'planned' in the past, and the
    # feedback due by it is late: warnings in the last commit already, which must not stop an
    # unrelated commit.
    replace_in(hooked / SEPT, NOTE, 'text = "Aangevuld. De klankbordgroep wil een training')
    git(hooked, "add", SEPT)
    done = _commit(hooked, env=_env(KWARTAAL_TODAY="2026-11-23"))
    assert done.returncode == 0, done.stderr
    assert "2 warnings, 2 of them already in the last commit" in done.stderr


def test_two_bodies_in_one_repository(hooked: Path, run: Run) -> None:
    repo = hooked.parent
    other = repo / "intercity"
    run("init", str(other), "--name", "Interstedelijk overleg")
    people = other / "people.toml"
    people.write_text(people.read_text(encoding="utf-8") + f'\n# rekening {IBAN}\n',
                      encoding="utf-8")
    replace_in(hooked / SEPT, NOTE, 'text = "Aangevuld. De klankbordgroep wil een training')
    git(repo, "add", "-A")
    done = _commit(repo)
    assert done.returncode != 0
    assert f"intercity/people.toml:{line_with(people, IBAN)}: error: privacy" in done.stderr
    assert "meetings: 0 errors, 0 warnings" in done.stderr  # the other body was checked
    git(repo, "reset", "-q", "--", "intercity")
    done = _commit(repo)  # the first body alone passes
    assert done.returncode == 0, done.stderr
    # Without --staged, --all-bodies checks every body's working tree.
    out = run("--repo", str(hooked), "--today", EXAMPLE_TODAY, "--lang", "en", "check",
              "--all-bodies", expect=1).output
    assert "intercity: 1 error, 0 warnings" in out
    assert "meetings: 0 errors, 0 warnings" in out


def test_a_failed_commit_says_the_hook_refused(new_body: Path) -> None:
    people = new_body / "people.toml"
    people.write_text(people.read_text(encoding="utf-8") + f"# rekening {IBAN}\n",
                      encoding="utf-8")
    with pytest.raises(KwartaalError) as refused:
        commit(new_body, [people], "person: edited by hand")
    text = refused.value.render("en")
    assert text.startswith("kwartaal's pre-commit check refused the commit")
    assert f"people.toml:{line_with(people, IBAN)}: " in text and IBAN not in text
    assert "user.name" not in text


def test_a_foreign_hook_refusing_is_named(example: Path, run: Run) -> None:
    hook = _hook(example.parent)
    hook.write_text("#!/bin/sh\necho 'commits are frozen today' >&2\nexit 1\n",
                    encoding="utf-8")
    hook.chmod(0o755)
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "note",
                 "2025-12-11", "actions", "Bijgewerkt.", expect=1)
    assert "pre-commit hook" in result.output and "commits are frozen today" in result.output
    assert "kwartaal's" not in result.output and "user.name" not in result.output


def test_missing_identity_is_named(new_body: Path, run: Run,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("EMAIL", "")
    git(new_body, "config", "user.useConfigOnly", "true")  # no guessing from the host name
    result = run("--repo", str(new_body), "--lang", "en", "theme", "add", "wonen",
                 "--title", "Wonen", expect=1)
    assert "git does not know who is committing" in result.output
    assert "pre-commit" not in result.output


def test_the_hook_falls_back_to_kwartaal_on_path(hooked: Path) -> None:
    hook = _hook(hooked.parent)
    hook.write_text(hook_script("en", "/gone/python"), encoding="utf-8")
    replace_in(hooked / SEPT, NOTE, f'text = "IBAN {IBAN}. De klankbordgroep wil een training')
    git(hooked, "add", SEPT)
    done = _commit(hooked)
    assert done.returncode != 0 and "IBAN" in done.stderr  # found through PATH
    bare = _env(PATH=os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                                     if not Path(p, "kwartaal").exists()))
    done = _commit(hooked, env=bare)
    assert done.returncode != 0
    assert f"{SAYS} kwartaal is not installed here any more" in done.stderr


def test_a_repository_without_bodies_in_the_commit_is_not_checked(hooked: Path) -> None:
    repo = hooked.parent
    (repo / "README.txt").write_text(f"IBAN {IBAN}\n", encoding="utf-8")
    before = commit_count(repo)
    commit_all(repo, "readme")  # outside every body: not kwartaal's to judge
    assert commit_count(repo) == before + 1
