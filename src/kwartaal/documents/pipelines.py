"""The pipeline file of a git host: check every push, publish the site on a minutes tag, write
the week's reminders. The steps are written once, here; each host's template only arranges them
the way that host reads a pipeline (templates/ci/)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import PurePosixPath

from kwartaal.core.problems import KwartaalError, msg

# host: (where the host reads its pipeline, relative to the repository's top; the template)
HOSTS: dict[str, tuple[str, str]] = {
    "forgejo": (".forgejo/workflows/kwartaal.yml", "ci/forgejo.yml.j2"),
    "gitlab": (".gitlab-ci.yml", "ci/gitlab.yml.j2"),
    "github": (".github/workflows/kwartaal.yml", "ci/github.yml.j2"),
}
# GitLab serves its pages from a folder that must be called public; the others take any.
SITE_FOLDER = {"gitlab": "public"}
DEFAULT_SITE_FOLDER = "_site"
REMINDERS_FOLDER = "reminders"
WEEKLY_CRON = "0 6 * * 1"  # Monday 06:00 UTC: the week's reminders are there in the morning
# The publish tag of edit/publish.py is minutes/<meeting>; the templates trigger on it.
PUBLISH_TAG_PREFIX = "minutes/"


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    run: str  # one shell command line, as a YAML double-quoted string (JSON is valid YAML)

    @property
    def command(self) -> str:
        return str(json.loads(self.run))


def _step(name: str, command: str) -> Step:
    return Step(name, json.dumps(command))


def pipeline_path(host: str) -> str:
    if host not in HOSTS:
        raise KwartaalError(msg("unknown git host '{host}'; choose one of {hosts}",
                                host=host, hosts=", ".join(HOSTS)))
    return HOSTS[host][0]


def steps(host: str, body: PurePosixPath) -> dict[str, list[Step]]:
    """The commands each job runs, from the repository's top; body is the body's folder."""
    repo = "" if str(body) == "." else f"--repo {body} "
    site = SITE_FOLDER.get(host, DEFAULT_SITE_FOLDER)
    return {
        "check": [_step("Check the body (warnings fail too)", f"kwartaal {repo}check --strict")],
        "site": [_step("Build the public site", f"kwartaal {repo}site --output {site}")],
        # Forgejo has no pages action: the site goes to the 'pages' branch, which Forgejo and
        # Codeberg pages serve; the checkout's own credentials push it.
        "pages_branch": [_step(
            "Publish the site on the pages branch",
            "git config user.name kwartaal && git config user.email kwartaal@localhost && "
            f"git add -f {site} && git push -f origin "
            f"\"$(git commit-tree -m 'public site' \"$(git write-tree --prefix={site}/)\")"
            ":refs/heads/pages\"")],
        "reminders": [
            # overdue exits 3 when actions are overdue: that is the news, not a failure
            _step("List overdue actions", f"kwartaal {repo}overdue || test $? -eq 3"),
            _step("Write the reminders", f"kwartaal {repo}remind --format eml --output "
                                         f"{REMINDERS_FOLDER}")],
    }


def install_step(version: str, requirement: str | None) -> Step:
    """Pinned: the host installs the version that wrote the file, unless told where else."""
    return _step("Install kwartaal",
                 f"pip install --quiet {json.dumps(requirement or f'kwartaal=={version}')}")


# What the slim Python image lacks: git for the checkout and the pages branch, Node.js for the
# checkout action of Forgejo's runner.
SYSTEM_STEP = _step("Install git", "apt-get update -qq && apt-get install -y -qq git nodejs "
                                   "> /dev/null")


def pipeline_file(host: str, body: PurePosixPath, version: str,
                  requirement: str | None = None) -> str:
    from kwartaal.documents.render import render

    pipeline_path(host)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    return render(None, HOSTS[host][1], "en", version=version, python=python,
                  install=install_step(version, requirement), system=SYSTEM_STEP,
                  steps=steps(host, body), weekly_cron=WEEKLY_CRON,
                  site_folder=SITE_FOLDER.get(host, DEFAULT_SITE_FOLDER),
                  reminders_folder=REMINDERS_FOLDER)
