"""Shell completion of ids, driven the way a shell drives it: the real command in a process,
with click's completion variables, in a real body."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE_TODAY, Run


def complete(cwd: Path, line: str, shell: str = "bash") -> list[str]:
    """What the shell would offer for the last word of line (an empty last word: a space)."""
    words = line.split(" ")
    # fish passes the word being completed itself; bash and zsh its position
    cword = words[-1] if shell == "fish" else str(len(words) - 1)
    env = {**os.environ, "_KWARTAAL_COMPLETE": f"{shell}_complete",
           "COMP_WORDS": line, "COMP_CWORD": cword}
    out = subprocess.run([sys.executable, "-m", "kwartaal"], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stdout.splitlines()
    if shell == "zsh":  # TYPE, VALUE, HELP: three lines an item
        return [lines[i + 1] for i in range(0, len(lines) - 2, 3)]
    # bash and fish: "TYPE,VALUE" (fish: a tab and the help after it)
    return [item.split(",", 1)[1].split("\t", 1)[0] for item in lines if item]


@pytest.mark.parametrize("line, expected", [
    ("kwartaal attend 2025-12", ["2025-12-11"]),
    ("kwartaal attend 2025-12-11 kbg-", ["kbg-1", "kbg-2"]),
    ("kwartaal action show 2025-12-11/", ["2025-12-11/a1", "2025-12-11/a2", "2025-12-11/a3",
                                          "2025-12-11/a4"]),
    ("kwartaal action handover 2025-12-11/a2 --to s-", ["s-bakker"]),
    ("kwartaal note 2025-12-11 ", ["beleid", "actueel", "samenwerking", "p1", "p2", "p3"]),
    ("kwartaal actions --owner ro", ["roos"]),
    ("kwartaal minutes approve 2025-0", ["2025-03-13", "2025-06-12", "2025-09-11"]),
])
def test_ids_complete_from_the_body(example: Path, line: str, expected: list[str]) -> None:
    assert complete(example, line) == expected


def test_every_action_id_completes_in_zsh_and_fish(example: Path) -> None:
    every = complete(example, "kwartaal action show ")
    assert {"2025-03-13/a1", "2025-12-11/a2"} <= set(every)
    assert len(every) == len(set(every)) > 4
    zsh = complete(example, "kwartaal action show 2025-12-11/a", shell="zsh")
    assert zsh == ["2025-12-11/a1", "2025-12-11/a2", "2025-12-11/a3", "2025-12-11/a4"]
    fish = complete(example, "kwartaal action show 2025-12-11/a", shell="fish")
    assert fish == ["2025-12-11/a1", "2025-12-11/a2", "2025-12-11/a3", "2025-12-11/a4"]


def test_a_new_record_completes_at_once(example: Path, run: Run) -> None:
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "person", "add", "zoe", "--name",
        "Zoë", "--visibility", "role-only", "--role", "lid van de klankbordgroep")
    assert complete(example, "kwartaal attend 2025-12-11 zo") == ["zoe"]


def test_outside_a_body_nothing_completes_and_nothing_breaks(tmp_path: Path) -> None:
    assert complete(tmp_path, "kwartaal attend ") == []
    assert complete(tmp_path, "kwartaal action done 2025") == []


def test_only_actions_a_command_can_change_are_offered(example: Path) -> None:
    import tomllib

    status = {}
    for path in (example / "meetings").glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        status.update({f"{path.stem}/{a['id']}": a.get("status", "open")
                       for a in data.get("action", [])})
    assert set(complete(example, "kwartaal action show 20")) == set(status)
    assert {status[a] for a in complete(example, "kwartaal action start 20")} == {"open"}
    done = complete(example, "kwartaal action done 20")
    assert done and {status[a] for a in done} <= {"open", "in-progress"}
    assert {a for a, s in status.items() if s in ("open", "in-progress")} == set(done)
