"""`check` file by file (files/checkrun.py): each meeting file is judged as it is read, its
problems and the facts the checks across files need are kept in the check index, and a
repeated check builds no records of the files that did not change — with the output of a
full check, to the byte, whatever changed in between."""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from pathlib import Path
from typing import Any

import pytest

from kwartaal.files import loader

from .conftest import Run, git, no_cache
from .test_read_scope import _generated

CHECKS = [["check"], ["--lang", "en", "check"], ["check", "--json"], ["check", "--strict"]]


def _check(run: Run, body: Path, today: str) -> list[Any]:
    return [(args, (r := run("--repo", str(body), "--today", today, *args, expect=None))
             .exit_code, r.output) for args in CHECKS]


def _uncached(run: Run, body: Path, today: str, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with no_cache(monkeypatch):
        return _check(run, body, today)


def _assert_same(run: Run, body: Path, today: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    expected = _uncached(run, body, today, monkeypatch)
    assert _check(run, body, today) == expected
    assert _check(run, body, today) == expected
    return expected


def _keep_time(path: Path, text: str) -> None:
    """Write text, with the file's modification time put back."""
    stat = path.stat()
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _plant(body: Path, seed: int) -> None:
    """Problems of every kind the checks across files find, in random files: references to
    items and decisions of later and earlier meetings and to none, carried and deferred items,
    input asked without feedback, hidden names, contact details allowed in one file and
    repeated in another, compensation over the limits, an action of someone who left,
    duplicate ids; the modification times are put back."""
    rnd = random.Random(seed)
    files = sorted((body / "meetings").glob("*.toml"))
    config = body / "kwartaal.toml"
    text = config.read_text(encoding="utf-8")
    if "volunteer-allowance" not in text:
        year = files[0].stem[:4]
        _keep_time(config, text.replace('regime = "fee"', (
            f'regime = "volunteer-allowance"\n\n[compensation.limits.{year}]\n'
            'hour_21plus = 5.00\nhour_under21 = 2.00\nmonth = 30.00\nyear = 100.00')))
    people = body / "people.toml"
    text = people.read_text(encoding="utf-8")
    if "left = " not in text:
        _keep_time(people, text.replace("[p05]\n", "[p05]\nleft = 1970-01-01\n", 1))

    def other(i: int, step: int) -> str:
        return files[max(0, min(len(files) - 1, i + step * rnd.randint(1, 3)))].stem

    snippets = [
        lambda i: f'\n[[note]]\nid = "nf{i}"\ntext = "Vooruit"\nitem = "{other(i, 1)}/p1"\n',
        lambda i: f'\n[[note]]\nid = "nx{i}"\ntext = "Nergens"\nitem = "{other(i, 1)}/p99"\n',
        lambda i: (f'\n[[decision]]\nid = "ds{i}"\ntext = "Vervangt"\nsupersedes = '
                   f'"{other(i, 1)}/d1"\nitem = "{other(i, -1)}/p2"\nlevel = "inform"\n'),
        lambda i: (f'\n[[item]]\nid = "pc{i}"\ntitle = "Meegenomen"\ncarried_from = '
                   f'"{other(i, -1)}/p8"\nasks_input = true\n'),
        lambda i: (f'\n[[item]]\nid = "pd{i}"\ntitle = "Uitgesteld"\n'
                   f'deferred_to = "{other(i, 1)}"\n'),
        lambda i: (f'\n[[note]]\nid = "nh{i}"\ntext = "Besproken met Werknaam6"\n'
                   f'item = "{other(i, -1)}/p8"\n'),
        lambda i: (f'\n[[note]]\nid = "ni{i}"\ntext = "Werknaam12 vroeg"\nitem = "p1"\n'
                   'asks_input = true\n'),
        lambda i: "\n# bel 06-12345678 of mail piet(at)example.org\n",
        lambda i: "\n# jan@voorbeeld.nl # kwartaal: allow-private\n",
        lambda i: "\n# nogmaals jan@voorbeeld.nl\n",
        lambda i: (f'\n[[compensation]]\nid = "cx{i}"\nperson = "p03"\nkind = "fee"\nhours = 1\n'
                   'amount = 40.00\n'),
        lambda i: (f'\n[[action]]\nid = "ax{i}"\ntitle = "Vertrokken"\nowner = "p05"\n'
                   'due = 2999-01-01\n'),
        lambda i: '\n[[item]]\nid = "p1"\ntitle = "Dubbel"\n',
        lambda i: '\n[[item]]\nid = "p8"\nclosed = true\ntitle = "Dicht"\n',
    ]
    for i, path in enumerate(files):
        if rnd.random() < 0.5:
            text = path.read_text(encoding="utf-8")
            for _ in range(rnd.randint(1, 3)):
                text += rnd.choice(snippets)(i)
            _keep_time(path, text)


@pytest.fixture
def generated(tmp_path: Path) -> tuple[Path, str]:
    body, today = _generated(tmp_path, 12)
    time.sleep(2.1)  # the index written next trusts the files' stat records
    return body, today


def test_planted_problems_the_same_cold_warm_and_after_edits(
        generated: tuple[Path, str], run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    body, today = generated
    _plant(body, 1)
    first = _assert_same(run, body, today, monkeypatch)
    assert first[0][1] == 1 and first[0][2].count("\n") > 20  # problems of many kinds
    for seed in (2, 3):  # more of them, in files the index trusts by their stat records
        _plant(body, seed)
        _assert_same(run, body, today, monkeypatch)
    later = f"{int(today[:4]) + 1}{today[4:]}"  # another day: feedback owed, people who left
    _assert_same(run, body, later, monkeypatch)


def test_a_repeated_check_builds_no_records(generated: tuple[Path, str], run: Run,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    body, today = generated
    _plant(body, 4)
    built: list[Path] = []
    build = loader.build_meeting

    def counted(raw: Any, path: Path, *args: Any) -> Any:
        built.append(path)
        return build(raw, path, *args)

    monkeypatch.setattr(loader, "build_meeting", counted)
    expected = _uncached(run, body, today, monkeypatch)
    built.clear()
    assert _check(run, body, today) == expected
    assert built
    built.clear()
    assert _check(run, body, today) == expected
    assert built == []  # every file from the index, records of none
    path = sorted((body / "meetings").glob("*.toml"))[-1]
    _keep_time(path, path.read_text(encoding="utf-8") + '\n[[note]]\nid = "n77"\ntext = "Nieuw"\n'
               'item = "p1"\n')
    expected = _uncached(run, body, today, monkeypatch)
    built.clear()
    assert _check(run, body, today) == expected
    assert set(built) == {path}  # only the file that changed, four times (one per command)


def test_answers_about_later_files_are_asked_again(generated: tuple[Path, str], run: Run,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that refers to an item of a later meeting is judged before that meeting is read:
    the answer is checked against the whole body, cold and warm; removing the item and putting
    it back in the later file changes the earlier file's problems."""
    body, today = generated
    files = sorted((body / "meetings").glob("*.toml"))
    first, last = files[0], files[-1]
    _keep_time(first, first.read_text(encoding="utf-8") + (
        f'\n[[note]]\nid = "n90"\ntext = "Vooruit"\nitem = "{last.stem}/p2"\n'
        f'\n[[item]]\nid = "p90"\ntitle = "Uitgesteld"\ndeferred_to = "{last.stem}"\n'))
    clean = _assert_same(run, body, today, monkeypatch)
    original = last.read_text(encoding="utf-8")
    _keep_time(last, original.replace('id = "p2"', 'id = "q2"', 1))
    broken = _assert_same(run, body, today, monkeypatch)
    assert broken != clean and f"{last.stem}/p2" in broken[0][2]
    _keep_time(last, original)
    assert _assert_same(run, body, today, monkeypatch) == clean


def test_what_one_file_allows_another_may_say(generated: tuple[Path, str], run: Run,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An address written with --allow-private in one file is allowed in the files read after
    it: adding and removing the mark changes the findings of an unchanged later file."""
    body, today = generated
    files = sorted((body / "meetings").glob("*.toml"))
    later = files[-1]
    _keep_time(later, later.read_text(encoding="utf-8") + "\n# mail jan@voorbeeld.nl\n")
    found = _assert_same(run, body, today, monkeypatch)
    assert "jan@" in found[1][2]
    earlier = files[0]
    original = earlier.read_text(encoding="utf-8")
    _keep_time(earlier, original + "\n# jan@voorbeeld.nl # kwartaal: allow-private\n")
    allowed = _assert_same(run, body, today, monkeypatch)
    assert "jan@" not in allowed[1][2]
    _keep_time(earlier, original)
    assert _assert_same(run, body, today, monkeypatch) == found


def test_untracked_and_tracked_again(generated: tuple[Path, str], run: Run,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    body, today = generated
    files = sorted((body / "meetings").glob("*.toml"))
    new = body / "meetings" / f"{int(files[-1].stem[:4]) + 1}-01-05.toml"
    new.write_text('date = ' + new.stem + '\nstatus = "planned"\n', encoding="utf-8")
    untracked = _assert_same(run, body, today, monkeypatch)
    assert "git" in untracked[1][2] and new.name in untracked[1][2]
    git(body, "add", str(new))
    git(body, "commit", "-q", "-m", "meeting")
    tracked = _assert_same(run, body, today, monkeypatch)
    assert new.name not in tracked[1][2]


def test_a_new_day_judges_again_only_what_today_changes(
        generated: tuple[Path, str], run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is a question like the others: the next day, with no meeting date or leaving day
    in between, builds no records; a day past a planned meeting's date judges that file again
    and reports it, as a full check does."""
    body, today = generated
    _plant(body, 5)
    built: list[Path] = []
    build = loader.build_meeting

    def counted(raw: Any, path: Path, *args: Any) -> Any:
        built.append(path)
        return build(raw, path, *args)

    monkeypatch.setattr(loader, "build_meeting", counted)
    _assert_same(run, body, today, monkeypatch)
    day = dt.date.fromisoformat(today)
    files = sorted((body / "meetings").glob("*.toml"))
    dates = sorted(dt.date.fromisoformat(path.stem[:10]) for path in files)
    quiet = day + dt.timedelta(days=1)
    assert not any(day < date <= quiet for date in dates)
    expected = _uncached(run, body, quiet.isoformat(), monkeypatch)
    built.clear()
    assert _check(run, body, quiet.isoformat()) == expected
    assert built == []  # no file's answers changed
    planned = [date for date in dates if date > day]
    assert planned, "the generated body has meetings still to come"
    past = planned[0] + dt.timedelta(days=1)
    built.clear()
    expected = _uncached(run, body, past.isoformat(), monkeypatch)
    built.clear()
    assert _check(run, body, past.isoformat()) == expected
    assert f"{planned[0].isoformat()}" in expected[0][2]
    assert built and len(set(built)) < len(files)  # judged again: only what today changed
