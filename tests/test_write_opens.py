"""Each write of the benchmark, and the edits that look for the meetings after a date (move,
cancel, defer), run as people run them (a process of its own, with its commit, after an
ordinary read), open the meeting files they change and the few they refer to, never every
meeting file: counted by an audit hook inside that process, which sees every file Python
opens there, the heads read for the meetings' dates (files/meetingdates.py) included.

The dates of the meetings (which a write needs to find "the next meeting", "the last meeting",
the meetings of a year or since the previous meeting) are kept by the indexes that read every
meeting file anyway: the action index, the parse index and the check index. Without that, the
first write after a read opened the head of every meeting file (4,000 at 4,000 meetings).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import git

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402
from run import WRITES, commands  # noqa: E402

SIZE = 60  # meetings: far more than any write may open

# Runs kwartaal in this process, writing the path of each meeting file opened to a log.
COUNTING = """
import os, sys
log = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
def audit(event, args):
    if event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        if os.path.basename(os.path.dirname(path)) == "meetings" and path.endswith(".toml"):
            os.write(log, os.fsencode(path) + b"\\n")
sys.addaudithook(audit)
sys.argv = ["kwartaal", *sys.argv[2:]]
from kwartaal.cli.fast import main
main()
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.date]:
    body, today = generate(tmp_path_factory.mktemp("body") / "body", SIZE)
    time.sleep(2.1)  # old enough for an index to trust the files' stat records
    return body, today


def opened_by(body: Path, today: dt.date, args: list[str], log: Path,
              ok: tuple[int, ...] = (0,)) -> set[str]:
    """The names of the meeting files a kwartaal process opened (its exit code one of ok)."""
    log.unlink(missing_ok=True)
    env = {**os.environ, "KWARTAAL_TODAY": today.isoformat(), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-c", COUNTING, str(log), "--repo", str(body),
                             *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode in ok, (args, result.stdout, result.stderr)
    return {Path(line).name for line in log.read_text().splitlines()} if log.exists() else set()


@pytest.mark.parametrize("first", [["actions", "--json"], ["agenda"], ["check"]],
                         ids=["after actions", "after agenda", "after check"])
def test_no_write_opens_every_meeting_file(generated: tuple[Path, dt.date], tmp_path: Path,
                                           first: list[str]) -> None:
    body, today = generated
    base = git(body, "rev-parse", "HEAD").strip()
    log = tmp_path / "opened"
    assert len(opened_by(body, today, first, log, ok=(0, 1))) == SIZE  # check: 1, problems
    arguments = commands(body, today, tmp_path)
    try:
        for name in WRITES:
            opened = opened_by(body, today, arguments[name], log)
            assert 1 <= len(opened) <= 4, (name, sorted(opened))
            git(body, "reset", "-q", "--hard", base)  # as the benchmark does between runs
            git(body, "clean", "-q", "-f", "-d")
    finally:
        git(body, "reset", "-q", "--hard", base)
        git(body, "clean", "-q", "-f", "-d")


def test_edits_that_look_for_later_meetings_open_only_those(
        generated: tuple[Path, dt.date], tmp_path: Path) -> None:
    """Moving the planned meeting (refused before a held one: the meetings from that day on),
    cancelling it (the planned ones after it) and deferring an item of the last held meeting
    to it (the next planned one)."""
    body, today = generated
    base = git(body, "rev-parse", "HEAD").strip()
    log = tmp_path / "opened"
    names = sorted(p.stem for p in (body / "meetings").glob("*.toml"))
    held, planned = names[-2], names[-1]
    later = (dt.date.fromisoformat(planned) + dt.timedelta(days=7)).isoformat()
    opened_by(body, today, ["actions", "--json"], log)
    edits = [(["meeting", "move", planned, "--date", later], (0,)),
             (["meeting", "move", planned, "--date", held, "--force"], (1,)),
             (["meeting", "cancel", planned, "--reason", "Geen zaal"], (0,)),
             (["item", "defer", held, "p1"], (0,))]
    try:
        for args, ok in edits:
            opened = opened_by(body, today, args, log, ok=ok)
            assert 1 <= len(opened) <= 4, (args, sorted(opened))
            git(body, "reset", "-q", "--hard", base)
            git(body, "clean", "-q", "-f", "-d")
    finally:
        git(body, "reset", "-q", "--hard", base)
        git(body, "clean", "-q", "-f", "-d")
