"""The check index (files/checkindex.py): `check` keeps each meeting file's problems and says
exactly what it says without the index, after any change to any file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from kwartaal.files.cache import cache_dir

from .conftest import EXAMPLE_TODAY, Run, git
from .test_read_scope import ATTACKS, _same_size_edit

CHECKS = [["check"], ["--lang", "en", "check"], ["check", "--json"], ["check", "--strict"]]


def _check(run: Run, body: Path, today: str = EXAMPLE_TODAY) -> list[Any]:
    return [(args, (r := run("--repo", str(body), "--today", today, *args, expect=None))
             .exit_code, r.output) for args in CHECKS]


def _uncached(run: Run, body: Path, monkeypatch: pytest.MonkeyPatch,
              today: str = EXAMPLE_TODAY) -> list[Any]:
    with monkeypatch.context() as patch:
        patch.setenv("KWARTAAL_NO_CACHE", "1")
        return _check(run, body, today)


def _index() -> list[Path]:
    return sorted(cache_dir().glob("*.checks"))


def _with_problems(body: Path) -> None:
    """Problems in several files, some of them across files."""
    meetings = body / "meetings"
    first = meetings / "2025-03-13.toml"
    first.write_text(first.read_text(encoding="utf-8") + (
        "\n[[note]]\nid = \"n99\"\ntext = \"Verwijst naar niets\"\nitem = \"2025-06-12/i99\"\n"
        "\n[[decision]]\nid = \"d99\"\ntext = \"Vervangt\"\nsupersedes = \"2025-06-12/d1\"\n"),
        encoding="utf-8")
    later = meetings / "2025-12-11.toml"
    later.write_text(later.read_text(encoding="utf-8") + (
        "\n[[action]]\nid = \"a99\"\ntitle = \"Onbekende eigenaar\"\nowner = \"niemand\"\n"
        "status = \"open\"\n"), encoding="utf-8")


def _assert_same(run: Run, body: Path, monkeypatch: pytest.MonkeyPatch,
                 today: str = EXAMPLE_TODAY) -> list[Any]:
    expected = _uncached(run, body, monkeypatch, today)
    assert _check(run, body, today) == expected
    assert _index()
    assert _check(run, body, today) == expected  # each file's problems from the index
    return expected


def test_check_from_the_index_equals_a_full_check(example: Path, run: Run,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _assert_same(run, example, monkeypatch)
    _with_problems(example)
    found = _assert_same(run, example, monkeypatch)
    assert "niemand" in found[0][2] and found[0][1] == 1


def test_cross_file_answers_are_asked_again(example: Path, run: Run,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that did not change gets a new problem when what it refers to goes away in
    another file, and loses it when that comes back."""
    _with_problems(example)
    _assert_same(run, example, monkeypatch)
    target = example / "meetings" / "2025-06-12.toml"
    text = target.read_text(encoding="utf-8")
    assert 'id = "d1"' in text
    target.write_text(text.replace('id = "d1"', 'id = "d7"', 1), encoding="utf-8")
    changed = _assert_same(run, example, monkeypatch)
    target.write_text(text, encoding="utf-8")
    assert _assert_same(run, example, monkeypatch) != changed


def test_settings_people_and_today_are_part_of_the_key(example: Path, run: Run,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _with_problems(example)
    first = _assert_same(run, example, monkeypatch)
    people = example / "people.toml"
    people.write_text(people.read_text(encoding="utf-8") + (
        "\n[niemand]\nname = \"Niemand\"\nvisibility = \"named\"\n"), encoding="utf-8")
    assert "'niemand'" not in _assert_same(run, example, monkeypatch)[1][2]
    assert "'niemand'" in first[1][2]
    settings = example / "kwartaal.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'language = "nl"', 'language = "en"', 1), encoding="utf-8")
    _assert_same(run, example, monkeypatch)
    before = _assert_same(run, example, monkeypatch, "2025-01-01")
    assert before != _assert_same(run, example, monkeypatch, "2027-06-01")


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.__name__[8:])
def test_no_change_gets_past_the_check_index(example: Path, run: Run, attack: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    _with_problems(example)
    git(example.parent, "add", "-A")
    git(example.parent, "commit", "-q", "-m", "problems")
    time.sleep(2.1)  # the files' stat records are trusted from here on
    _check(run, example)
    attack(example)
    expected = _uncached(run, example, monkeypatch)
    assert _check(run, example) == expected
    assert _check(run, example) == expected


def test_a_copy_of_the_body_with_old_times(example: Path, run: Run,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The body replaced by a copy whose files keep their times, one of them edited."""
    _with_problems(example)
    _check(run, example)
    copy = example.parent / "copy"
    shutil.copytree(example, copy, copy_function=shutil.copy2)
    _same_size_edit(copy / "meetings" / "2025-09-11.toml")
    shutil.rmtree(example)
    os.rename(copy, example)
    _assert_same(run, example, monkeypatch)
