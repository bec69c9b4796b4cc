"""A file name that is not valid UTF-8 is printed one way by every command, on every stream
and in JSON: its byte as \\xff (core.problems.printable, files.paths.shown_path)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE_TODAY, Run

SHOWN = "bad\\xff.toml"  # a backslash, x, f, f


@pytest.fixture
def odd_name(example: Path) -> Path:
    folder = example / "meetings"
    raw = os.fsencode(folder) + b"/bad\xff.toml"
    with open(raw, "wb") as handle:
        handle.write((folder / "2025-09-11.toml").read_bytes())
    return example


def _processes(body: Path, lang: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "KWARTAAL_TODAY": EXAMPLE_TODAY, "KWARTAAL_LANG": lang,
           "KWARTAAL_NO_FAST": "1"}
    return subprocess.run([sys.executable, "-m", "kwartaal", "--repo", str(body), *args],
                          capture_output=True, env=env, timeout=120, check=False)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_check_and_actions_print_the_name_alike_on_both_streams(odd_name: Path,
                                                                lang: str) -> None:
    for args in (["check"], ["actions"]):
        done = _processes(odd_name, lang, *args)
        assert done.returncode == 1, done
        said = done.stdout + done.stderr
        assert b"\xff" not in said and b"\\udcff" not in said, said
        assert SHOWN.encode() in said, said


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_check_json_and_the_command_line_agree(odd_name: Path, run: Run, lang: str) -> None:
    common = ["--repo", str(odd_name), "--today", EXAMPLE_TODAY, "--lang", lang, "check"]
    found = json.loads(run(*common, "--json", expect=1).stdout)
    paths = {entry["path"] for entry in found["errors"] + found["warnings"]}
    assert any(path.endswith("meetings/" + SHOWN) for path in paths), paths
    assert all("\ufffd" not in entry["message"] for entry in found["errors"])
    text = run(*common, expect=1).output
    assert "meetings/" + SHOWN in text and "\ufffd" not in text and "\udcff" not in text


def test_printable_leaves_other_values_alone() -> None:
    from kwartaal.core.problems import printable

    assert printable("één") == "één"
    assert printable(Path("a/b")) == Path("a/b")
    assert printable(3) == 3
    assert printable("x\udcffy\ud800") == "x\\xffy\\ud800"
    assert printable(Path("m/\udc80.toml")) == "m/\\x80.toml"
