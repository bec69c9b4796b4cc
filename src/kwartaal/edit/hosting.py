"""Writing the pipeline file of the group's git host (documents/pipelines.py says what is in it)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from kwartaal import __version__
from kwartaal.core import model as m
from kwartaal.core.problems import KwartaalError, msg
from kwartaal.documents.pipelines import pipeline_file, pipeline_path
from kwartaal.edit.change import Change
from kwartaal.files import store
from kwartaal.vcs import gitops


def setup_ci(body: m.Body, host: str, *, force: bool = False,
             requirement: str | None = None) -> Change:
    """The host's pipeline file at the top of the repository, for the body where it sits."""
    relative = pipeline_path(host)
    repo = gitops.open_repo(body.root)
    if repo is None:
        raise KwartaalError(msg(
            "{folder} is not in a git repository; a git host runs pipelines of repositories "
            "only. Run 'git init' first", folder=body.root))
    top = Path(repo.working_tree_dir).resolve()
    path = top / relative
    if path.exists() and not force:
        raise KwartaalError(msg(
            "{path} exists already; add --force to write it again (your changes to it are "
            "lost)", path=relative))
    folder = PurePosixPath(body.root.resolve().relative_to(top).as_posix())
    path.parent.mkdir(parents=True, exist_ok=True)
    store.atomic_write(path, pipeline_file(host, folder, __version__, requirement))
    return Change([path], f"ci: pipeline for {host} ({relative})",
                  summary=msg("wrote {path}: commit and push it, and the host checks every "
                              "push, publishes the site on every published minutes tag and "
                              "writes the week's reminders", path=relative))
