"""The git host's pipeline: a valid file for each host, and its steps pass on a fresh clone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from kwartaal.documents.pipelines import HOSTS, SYSTEM_STEP
from tests.conftest import EXAMPLE_TODAY, Run, commit_count, git

GITLAB_KEYWORDS = {"image", "stages", "default", "variables", "include", "workflow"}


def generated(example: Path, run: Run, host: str, *more: str) -> tuple[Path, dict[str, Any]]:
    repo = example.parent
    run("--repo", str(example), "--lang", "en", "setup-ci", host, *more)
    path = repo / HOSTS[host][0]
    return path, yaml.safe_load(path.read_text(encoding="utf-8"))


def actions_jobs(data: dict[str, Any]) -> dict[str, Any]:
    """GitHub's and Forgejo's required keys: on (YAML 1.1 reads the key as true), jobs, each
    with runs-on and steps that either use an action or run a command."""
    triggers = data.get("on", data.get(True))
    assert set(triggers) >= {"push", "schedule"}, triggers
    assert triggers["push"]["tags"] == ["minutes/**"]
    jobs = data["jobs"]
    assert set(jobs) == {"check", "site", "reminders"}
    for job in jobs.values():
        assert job["runs-on"] and job["steps"]
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
    return {name: [step["run"] for step in job["steps"] if "run" in step]
            for name, job in jobs.items()}


def gitlab_jobs(data: dict[str, Any]) -> dict[str, Any]:
    """GitLab's: stages, and each job in one of them with a script; pages keeps public/."""
    stages = data["stages"]
    jobs = {name: job for name, job in data.items() if name not in GITLAB_KEYWORDS}
    assert set(jobs) == {"check", "pages", "reminders"}
    for job in jobs.values():
        assert job["stage"] in stages and job["script"] and job["rules"]
    assert jobs["pages"]["artifacts"]["paths"] == ["public"]
    assert data["default"]["before_script"]
    return {"check": jobs["check"]["script"], "site": jobs["pages"]["script"],
            "reminders": jobs["reminders"]["script"]}


def shell(folder: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KWARTAAL_TODAY": EXAMPLE_TODAY,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_the_pipeline_is_valid_and_its_steps_pass_on_a_fresh_clone(
        example: Path, run: Run, tmp_path: Path, host: str) -> None:
    before = commit_count(example)
    path, data = generated(example, run, host)
    assert commit_count(example) == before + 1  # the file, in a commit of its own
    assert git(example, "show", "--name-only", "--format=", "HEAD").split() == [HOSTS[host][0]]
    text = path.read_text(encoding="utf-8")
    assert "secret" not in text.replace("No secrets", "")
    assert "kwartaal==" in text and "@v" in text or host == "gitlab"
    jobs = gitlab_jobs(data) if host == "gitlab" else actions_jobs(data)
    # the clone a runner makes, with the repository it came from as origin
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(example.parent), str(origin))
    clone = tmp_path / "runner"
    git(tmp_path, "clone", "-q", str(origin), str(clone))
    skipped = {SYSTEM_STEP.command}
    for job, commands in jobs.items():
        for command in commands:
            if command in skipped or command.startswith("pip install"):
                continue  # the runner's image, and kwartaal as installed here
            done = shell(clone, command)
            assert done.returncode == 0, (host, job, command, done.stdout, done.stderr)
    site = clone / ("public" if host == "gitlab" else "_site")
    assert (site / "index.html").is_file()
    assert list((clone / "reminders").glob("*.eml"))
    if host == "forgejo":  # the site went to the pages branch of origin
        listed = git(origin, "ls-tree", "-r", "--name-only", "pages")
        assert "index.html" in listed.split()


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_existing_file_is_kept_unless_forced(example: Path, run: Run, lang: str) -> None:
    path, _ = generated(example, run, "gitlab")
    path.write_text("# our own pipeline\n", encoding="utf-8")
    git(example, "commit", "-qam", "own pipeline")
    refused = run("--repo", str(example), "--lang", lang, "setup-ci", "gitlab", expect=1)
    assert ".gitlab-ci.yml" in refused.output and "--force" in refused.output
    assert path.read_text(encoding="utf-8") == "# our own pipeline\n"
    run("--repo", str(example), "--lang", lang, "setup-ci", "gitlab", "--force")
    assert "stages:" in path.read_text(encoding="utf-8")


def test_a_body_at_the_top_and_another_install_source(new_body: Path, run: Run) -> None:
    path_text = run("--repo", str(new_body), "setup-ci", "github", "--install",
                    "kwartaal @ git+https://git.example.org/kwartaal@v1").output
    assert ".github/workflows/kwartaal.yml" in path_text
    text = (new_body / ".github/workflows/kwartaal.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    commands = [c for cs in actions_jobs(data).values() for c in cs]
    assert "kwartaal check --strict" in commands  # no --repo: the body is the repository
    assert 'pip install --quiet "kwartaal @ git+https://git.example.org/kwartaal@v1"' in commands


def test_an_unknown_host_is_refused(example: Path, run: Run) -> None:
    result = run("--repo", str(example), "setup-ci", "bitbucket", expect=2)
    assert "bitbucket" in result.output
