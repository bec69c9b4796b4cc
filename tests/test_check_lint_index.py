"""The check index keeps each meeting file's hidden-name findings (the privacy lint's largest
part): a warm `check` lints again only what changed, and its output is the uncached one —
also when people.toml hides a name that unchanged files use."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLE_TODAY, Run

MEETING = "2025-09-11"
COMMANDS = [["check"], ["check", "--json"], ["--lang", "en", "check"],
            ["--lang", "en", "check", "--json", "--strict"]]


def _outputs(run: Run, body: Path) -> list[tuple[int, str]]:
    out = []
    for command in COMMANDS:
        result = run("--repo", str(body), "--today", EXAMPLE_TODAY, *command, expect=None)
        out.append((result.exit_code, result.output))
    return out


def _same(run: Run, body: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    with monkeypatch.context() as patch:
        patch.setenv("KWARTAAL_NO_CACHE", "1")
        expected = _outputs(run, body)
    assert _outputs(run, body) == expected
    assert _outputs(run, body) == expected  # from the index
    return expected


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_hiding_a_name_relints_unchanged_files(example: Path, run: Run,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    meeting = example / "meetings" / f"{MEETING}.toml"
    _replace(meeting, 'title = "Weerbaarheidstraining voor sekswerkers"',
             'title = "Weerbaarheidstraining van Roos voor sekswerkers"')
    time.sleep(2.1)  # the index trusts the files' stat records from here on
    before = _same(run, example, monkeypatch)
    assert "roos" not in before[1][1]
    # roos is shown by her working name; now she chooses to be shown only by her role
    _replace(example / "people.toml", 'name = "Roos"                 # werknaam; kiest er zelf '
             'voor zichtbaar te zijn\nvisibility = "working-name"',
             'name = "Roos"\nvisibility = "role-only"')
    after = _same(run, example, monkeypatch)
    assert re.search(rf"{MEETING}\.toml.*roos", after[0][1], re.S)
    assert after != before
    # back to shown: the finding goes again
    _replace(example / "people.toml", 'visibility = "role-only"\n',
             'visibility = "working-name"\n')
    assert _same(run, example, monkeypatch) == before


def test_language_and_closing_change_the_findings(example: Path, run: Run,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    meeting = example / "meetings" / f"{MEETING}.toml"
    _replace(meeting, 'title = "Weerbaarheidstraining voor sekswerkers"',
             'title = "Weerbaarheidstraining van Mila voor sekswerkers"')
    time.sleep(2.1)
    with_name = _same(run, example, monkeypatch)
    assert "kbg-1" in with_name[0][1]
    # an edit of kwartaal.toml elsewhere in the file: everything is linted again
    config = example / "kwartaal.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n# opmerking\n", encoding="utf-8")
    assert _same(run, example, monkeypatch) == with_name
    # the name removed again with the file's old size and times: found from its content
    _replace(meeting, "van Mila voor", "van Anna voor")
    assert "kbg-1" not in _same(run, example, monkeypatch)[0][1]


def test_closing_an_item_in_another_file_relints_its_carried_copy(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    carried = example / "meetings" / "2026-03-12.toml"  # its p3 is carried from 2025-12-11/p3
    _replace(carried, 'title = "Betaling in 2026: de nieuwe',
             'title = "Betaling in 2026 (Mila): de nieuwe')
    time.sleep(2.1)
    shown = _same(run, example, monkeypatch)
    assert re.search(r"2026-03-12\.toml.*kbg-1", shown[0][1], re.S)
    # closing the original in the other file hides the unchanged carried copy from the public
    _replace(example / "meetings" / "2025-12-11.toml", "minutes = 10\ncarry_over = true",
             "minutes = 10\nclosed = true\ncarry_over = true")
    hidden = _same(run, example, monkeypatch)
    assert not re.search(r"2026-03-12\.toml:\d+: [^\n]*kbg-1", hidden[0][1])
