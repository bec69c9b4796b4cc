"""The fast lane answers exactly what the full command line answers, or steps aside."""

from __future__ import annotations

import io
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kwartaal.cli.fast import try_fast
from kwartaal.cli.main import cli

from .conftest import EXAMPLE, commit_all, init_repo

TODAYS = ["2025-06-01", "2026-01-15", "2026-03-12", "2027-01-01"]
ARGS = [
    ["actions", "--json"], ["actions", "--overdue", "--json"],
    ["actions", "--owner", "l-demir", "--json"], ["actions", "--everyone", "--json"],
    ["actions", "--json", "--owner=kbg-2", "--overdue"], ["overdue", "--json"],
    ["overdue", "--owner", "roos", "--json"],
]


@pytest.fixture
def settled(tmp_path: Path) -> Path:
    """The example, with file times old enough for the index to trust them."""
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    time.sleep(2.1)
    return repo / "meetings"


def _full(body: Path, args: list[str], today: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--repo", str(body), "--today", today, *args])
    return result.exit_code, result.output


def _fast(body: Path, args: list[str], today: str) -> tuple[int | None, str]:
    out = io.StringIO()
    return try_fast(["--repo", str(body), "--today", today, *args], out), out.getvalue()


def test_fast_lane_equals_the_full_command(settled: Path) -> None:
    _full(settled, ["actions", "--json"], "2026-01-15")  # builds the index
    for today in TODAYS:
        for args in ARGS:
            code, text = _fast(settled, args, today)
            assert code is not None, args  # the lane answered
            assert (code, text) == _full(settled, args, today), (args, today)


def test_kwartaal_me_and_unknown_people(settled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _full(settled, ["actions", "--json"], "2026-01-15")
    monkeypatch.setenv("KWARTAAL_ME", "roos")
    assert _fast(settled, ["actions", "--json"], "2026-01-15") == _full(
        settled, ["actions", "--json"], "2026-01-15")
    assert _fast(settled, ["actions", "--owner", "nobody", "--json"], "2026-01-15")[0] is None


def test_steps_aside_for_what_it_does_not_know(settled: Path) -> None:
    _full(settled, ["actions", "--json"], "2026-01-15")
    for args in (["actions"], ["actions", "--all-bodies", "--json"], ["overdue"],
                 ["agenda"], ["--help"], ["actions", "--json", "--help"], ["--version"]):
        assert _fast(settled, args, "2026-01-15")[0] is None, args
    assert try_fast(["--repo", str(settled), "--today", "2026-02-30", "actions", "--json"],
                    io.StringIO()) is None


def test_any_change_sends_it_the_full_way(settled: Path) -> None:
    _full(settled, ["actions", "--json"], "2026-01-15")
    path = settled / "meetings" / "2025-09-11.toml"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = text.replace('title = "Weerbaarheidstraining voorbereiden"',
                           'title = "Weerbaarheidstraining voorbereideN"')
    assert len(changed) == len(text)
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    assert _fast(settled, ["actions", "--json"], "2026-01-15")[0] is None
    code, text_out = _full(settled, ["actions", "--json"], "2026-01-15")
    assert "voorbereideN" in text_out
    (settled / "meetings" / "2025-12-11.toml").unlink()
    assert _fast(settled, ["actions", "--json"], "2026-01-15")[0] is None
    people = settled / "people.toml"
    people.write_text(people.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _fast(settled, ["actions", "--json"], "2026-01-15")[0] is None


def test_no_index_no_lane(settled: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _fast(settled, ["actions", "--json"], "2026-01-15")[0] is None
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    _full(settled, ["actions", "--json"], "2026-01-15")
    assert _fast(settled, ["actions", "--json"], "2026-01-15")[0] is None
