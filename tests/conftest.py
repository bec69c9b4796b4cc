"""Shared fixtures: real git repositories in temporary folders, and a CLI runner."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kwartaal.cli.main import cli

EXAMPLE = Path(__file__).resolve().parent.parent / "meetings"
EXAMPLE_TODAY = "2026-01-15"
GENERATE = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"


def generated_body(folder: Path, meetings: int) -> tuple[Path, dt.date]:
    """A body made by benchmarks/generate.py in folder, and the day it was made for."""
    result = subprocess.run([sys.executable, str(GENERATE), str(folder), "--meetings",
                             str(meetings)], check=True, capture_output=True, text=True)
    where, _, rest = result.stdout.strip().partition(" (today: ")
    return Path(where), dt.date.fromisoformat(rest.rstrip(")"))


@pytest.fixture
def generated(tmp_path: Path) -> tuple[Path, dt.date]:
    """A generated body of 24 meetings, and a day 20 days before its last meeting."""
    root, _ = generated_body(tmp_path / "generated", 24)
    last = max((root / "meetings").glob("*.toml")).stem
    return root, dt.date.fromisoformat(last[:10]) - dt.timedelta(days=20)


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Commits work on a machine with no git identity, and ignore the user's own settings."""
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Secretaris Test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "secretaris@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Secretaris Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "secretaris@example.org")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KWARTAAL_NO_CACHE", raising=False)
    for name in ("KWARTAAL_REPO", "KWARTAAL_TODAY", "KWARTAAL_LANG", "KWARTAAL_ME",
                 "KWARTAAL_WORKERS"):
        monkeypatch.delenv(name, raising=False)


def new_id(letter: str) -> str:
    """A regular expression for a new record's local id of one kind: `a-7kq2`."""
    return rf"{letter}-[23456789bcdfghjkmnpqrstvwxz]{{4}}"


def found_id(letter: str, text: str) -> str:
    """The one new local id of this kind in a command's output or a file's new text."""
    ids = set(re.findall(rf"\b{new_id(letter)}\b", text))
    assert len(ids) == 1, (letter, ids, text)
    return ids.pop()


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def commit_all(path: Path, message: str = "start") -> None:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)


def commit_count(path: Path) -> int:
    return int(git(path, "rev-list", "--count", "HEAD").strip())


Run = Callable[..., Result]


def invoke(*args: str, expect: int | None = 0, input: str | None = None) -> Result:
    """Invoke the CLI; a traceback is never an acceptable outcome."""
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    if expect is not None:
        assert result.exit_code == expect, (result.exit_code, result.output)
    return result


@pytest.fixture
def run() -> Run:
    """Invoke the CLI; a traceback is never an acceptable outcome."""
    return invoke


def _dated(body: Path, args: list[str], today: str, lang: str | None) -> list[str]:
    return ["--repo", str(body), "--today", today, *(["--lang", lang] if lang else []), *args]


def answer(body: Path, args: list[str], today: str, lang: str | None = None) -> tuple[int, str]:
    """Exit code and output of the full command line on body, on that day (in lang)."""
    result = invoke(*_dated(body, args, today, lang), expect=None)
    return result.exit_code, result.output


def lane(body: Path, args: list[str], today: str,
         lang: str | None = None) -> tuple[int | None, str]:
    """The fast lane's exit code (None: it stepped aside) and output for the same command."""
    import io

    from kwartaal.cli.fast import try_fast

    out = io.StringIO()
    code = try_fast(_dated(body, args, today, lang), out)
    return code, out.getvalue()


@contextmanager
def no_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every command within reads the files themselves (KWARTAAL_NO_CACHE)."""
    with monkeypatch.context() as patch:
        patch.setenv("KWARTAAL_NO_CACHE", "1")
        yield


def uncached(monkeypatch: pytest.MonkeyPatch, body: Path, args: list[str], today: str,
             lang: str | None = None) -> tuple[int, str]:
    """answer() with every file read itself, no index used."""
    with no_cache(monkeypatch):
        return answer(body, args, today, lang)


@pytest.fixture
def settled(tmp_path: Path) -> Path:
    """The example in a git repository, its files old enough for an index to trust them."""
    import time

    repo = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    time.sleep(2.1)
    return repo / "meetings"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The shipped example body, as a subfolder of a fresh git repository."""
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    return repo / "meetings"


@pytest.fixture
def new_body(tmp_path: Path, run: Run) -> Path:
    """A body made with 'kwartaal init'."""
    path = tmp_path / "overleg"
    run("init", str(path), "--name", "Kwartaaloverleg Proefstad")
    return path


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a body file by hand, as a person would; old must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_with(path: Path, needle: str) -> int:
    """The number of the first line of path that holds needle."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def work_tree(repo: Path) -> dict[Path, bytes]:
    """Every file of a work tree (git's own folder aside: a lock file comes and goes)."""
    return {p: p.read_bytes() for p in repo.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(repo).parts}


def assert_refused(output: Callable[[], str], repo: Path, says: str) -> str:
    """Run a command that must be refused: it says so, shows no traceback, and leaves every
    file and the commit count as they were."""
    before, commits = work_tree(repo), commit_count(repo)
    out = output()
    assert says in out, out
    assert "Traceback" not in out
    assert work_tree(repo) == before
    assert commit_count(repo) == commits
    return out


def run_site(run: Run, body: Path, folder: Path, *args: str,
               expect: int | None = 0) -> Result:
    """`site` of body into folder, on the example's day (args go before the command)."""
    return run("--repo", str(body), "--today", EXAMPLE_TODAY, *args, "site", "--output",
               str(folder), expect=expect)


def site_tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by its path there."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
