"""Kept answers (files/answers.py): a read command's output printed again only for the very
same question about the very same files, and always equal to what the long way prints.

Real processes: an answer is kept by the command line's entry point, seen through an audit
hook, which only a whole process has."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLE, commit_all, git, init_repo

TODAY = "2026-01-15"
HELD, PLANNED = "2025-12-11", "2026-03-12"
QUESTIONS = [
    ["agenda"], ["agenda", "--public", "--format", "html"], ["agenda", "--format", "json"],
    ["minutes", HELD], ["--lang", "en", "minutes", HELD, "--public", "--format", "md"],
    ["report", "--year", "2025"], ["report", "--year", "2025", "--internal"], ["progress"],
    ["remind"], ["calendar"], ["calendar", "--public"], ["--lang", "en", "agenda", PLANNED],
]
# The entry point as the installed command runs it, telling afterwards whether click was
# imported (the long way) or not (a kept answer was printed).
ENTRY = """
import atexit, os, sys
atexit.register(lambda: open(os.environ["SEEN"], "w").write(
    "long" if "click" in sys.modules else "kept"))
sys.argv = ["kwartaal", *sys.argv[1:]]
from kwartaal.cli.fast import main
main()
"""


def kw(body: Path, *args: str, **env: str) -> tuple[int, bytes, bytes, str]:
    """Exit code, output, errors, and 'kept' or 'long'."""
    seen = body.parent / "seen"
    environment = {**os.environ, "KWARTAAL_TODAY": TODAY, "SEEN": str(seen), **env}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    done = subprocess.run([sys.executable, "-c", ENTRY, "--repo", str(body), *args],
                          capture_output=True, env=environment, timeout=120)
    return done.returncode, done.stdout, done.stderr, seen.read_text(encoding="utf-8")


def long_way(body: Path, *args: str, **env: str) -> tuple[int, bytes, bytes]:
    code, out, err, how = kw(body, *args, KWARTAAL_NO_CACHE="1", **env)
    assert how == "long"
    return code, out, err


def printed_kept(body: Path, *args: str, expected: object = None) -> tuple[int, bytes, bytes]:
    """Run until an answer is printed from what was kept (each run equal to expected when
    given): a run that made a one-time change to the installation (a compiled catalog) keeps
    none, the next one does."""
    for _ in range(4):
        code, out, err, how = kw(body, *args)
        if expected is not None:
            assert (code, out, err) == expected, args
        if how == "kept":
            return code, out, err
    raise AssertionError(f"no answer was kept for {args}")


def kept_files() -> list[Path]:
    return sorted(Path(os.environ["KWARTAAL_CACHE_DIR"]).glob("*.answer"))


def bodies(tmp_path: Path, count: int) -> list[Path]:
    """Copies of the example in git repositories, their files old enough to be trusted."""
    found = []
    for number in range(count):
        repo = init_repo(tmp_path / f"repo{number}")
        shutil.copytree(EXAMPLE, repo / "meetings")
        commit_all(repo)
        found.append(repo / "meetings")
    time.sleep(2.5)  # answers are kept only from files at least two seconds old
    return found


def test_a_kept_answer_equals_the_long_way(tmp_path: Path) -> None:
    (body,) = bodies(tmp_path, 1)
    for args in QUESTIONS:
        expected = long_way(body, *args)
        first = kw(body, *args)
        assert first[:3] == expected and first[3] == "long", args
        printed_kept(body, *args, expected=expected)
    assert len(kept_files()) == len(QUESTIONS)


def edit_same_size_keep_times(path: Path) -> None:
    """The attack a stat record alone would miss: same size, modification time put back."""
    before = path.stat()
    text = path.read_bytes()
    changed = text.replace(b"De Linde", b"De Lindx", 1)
    assert changed != text and len(changed) == len(text)
    path.write_bytes(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def attacks(body: Path) -> list[tuple[str, object]]:
    meetings = body / "meetings"
    planned = meetings / f"{PLANNED}.toml"
    held = meetings / f"{HELD}.toml"

    def checkout_older() -> None:
        repo = body.parent
        git(repo, "rm", "-q", f"meetings/meetings/{PLANNED}.toml")
        git(repo, "commit", "-q", "-m", "gone")
        git(repo, "checkout", "-q", "HEAD~1", "--", f"meetings/meetings/{PLANNED}.toml")

    def copy_with_old_times() -> None:
        other = body.parent / "other.toml"
        shutil.copy2(held, other)
        text = other.read_text(encoding="utf-8")
        other.write_text(text.replace("De Linde", "De Lindx", 1), encoding="utf-8")
        os.utime(other, ns=(held.stat().st_atime_ns, held.stat().st_mtime_ns))
        shutil.copy2(other, held)

    def people_changed() -> None:
        people = body / "people.toml"
        people.write_text(people.read_text(encoding="utf-8").replace(
            "Roos", "Roosje", 1), encoding="utf-8")

    def language_changed() -> None:
        config = body / "kwartaal.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace('language = "nl"', 'language = "en"', 1),
                          encoding="utf-8")

    def own_template() -> None:
        (body / "templates").mkdir()
        (body / "templates" / "agenda.txt.j2").write_text(
            "Eigen agenda: {{ meeting.id }}\n", encoding="utf-8")

    def new_meeting() -> None:
        text = planned.read_text(encoding="utf-8").replace(PLANNED, "2026-02-05")
        (meetings / "2026-02-05.toml").write_text(text, encoding="utf-8")

    def journal_left() -> None:
        from kwartaal.files.lock import JOURNAL, find_place

        (find_place(body).state / JOURNAL).mkdir()

    return [
        ("same size, times put back", lambda: edit_same_size_keep_times(planned)),
        ("same size, held", lambda: edit_same_size_keep_times(held)),
        ("git rm and checkout", checkout_older),
        ("copy with old times", copy_with_old_times),
        ("deleted", lambda: planned.unlink()),
        ("added", new_meeting),
        ("people", people_changed),
        ("settings", language_changed),
        ("own template", own_template),
        ("journal", journal_left),
    ]


@pytest.mark.parametrize(("args", "chosen"), [
    (["agenda"], None),  # every attack
    (["minutes", HELD, "--public"], ("same size, held", "copy with old times", "people",
                                     "journal")),
])
def test_no_attack_gets_a_stale_answer(tmp_path: Path, args: list[str],
                                       chosen: tuple[str, ...] | None) -> None:
    names = [name for name, _ in attacks(tmp_path) if chosen is None or name in chosen]
    changed = []
    for body, name in zip(bodies(tmp_path, len(names)), names, strict=True):
        before = printed_kept(body, *args)
        dict(attacks(body))[name]()  # type: ignore[operator]
        expected = long_way(body, *args)
        assert kw(body, *args)[:3] == expected, name
        assert kw(body, *args)[:3] == expected, name  # kept again or not: still the same
        if expected != before:
            changed.append(name)
    assert len(changed) >= min(4, len(names) - 1), changed  # they change what is printed


def test_other_questions_get_their_own_answers(tmp_path: Path) -> None:
    (body,) = bodies(tmp_path, 1)
    kw(body, "agenda")
    for args, env in [(["agenda"], {"KWARTAAL_TODAY": "2026-03-13"}),
                      (["agenda"], {"KWARTAAL_LANG": "en"}),
                      (["agenda"], {"KWARTAAL_ME": "roos"}),
                      (["--today", "2025-06-01", "agenda"], {}),
                      (["agenda", "--format", "md"], {})]:
        expected = long_way(body, *args, **env)
        assert kw(body, *args, **env)[:3] == expected, (args, env)


def test_what_is_not_kept(tmp_path: Path) -> None:
    (body,) = bodies(tmp_path, 1)
    target = tmp_path / "agenda.txt"
    code, _, _, _ = kw(body, "agenda", "--output", str(target))
    assert code == 0 and target.exists()
    assert kw(body, "agenda", "--output", str(target))[3] == "long"
    assert kw(body, "minutes", "1999-01-01")[0] != 0  # a refusal
    assert kw(body, "minutes", "1999-01-01")[3] == "long"
    assert kw(body, "check", "--staged")[3] == "long"  # git's index, not the files: never kept
    assert kw(body, "check", "--staged")[3] == "long"
    assert kept_files() == []
    fresh = body / "meetings" / f"{PLANNED}.toml"
    fresh.write_bytes(fresh.read_bytes())  # written just now: its stat is not trusted yet
    kw(body, "agenda")
    assert kw(body, "agenda")[3] == "long"
    assert kept_files() == []


def test_a_damaged_answer_is_no_answer(tmp_path: Path) -> None:
    (body,) = bodies(tmp_path, 1)
    expected = long_way(body, "agenda")
    printed_kept(body, "agenda")
    (kept,) = kept_files()
    data = bytearray(kept.read_bytes())
    for position in (0, 5, len(data) // 2, len(data) - 1):
        damaged = bytearray(data)
        damaged[position] ^= 0x20
        kept.write_bytes(bytes(damaged))
        assert kw(body, "agenda")[:3] == expected, position
    kept.write_bytes(b"not an answer")
    assert kw(body, "agenda")[:3] == expected


def test_the_body_named_after_the_command(tmp_path: Path) -> None:
    """`--repo` after the command wins in click: the answer must be about that body."""
    first, second = bodies(tmp_path, 2)
    args = ["agenda", "--repo", str(second), "--public"]
    environment = {**os.environ, "KWARTAAL_TODAY": TODAY}

    def run(**env: str) -> tuple[int, bytes]:
        done = subprocess.run([sys.executable, "-m", "kwartaal", *args], cwd=first,
                              capture_output=True, env={**environment, **env}, timeout=120)
        return done.returncode, done.stdout

    run()
    run()
    planned = second / "meetings" / f"{PLANNED}.toml"
    text = planned.read_text(encoding="utf-8")
    title = text.split('title = "', 1)[1].split('"', 1)[0]
    planned.write_text(text.replace(f'title = "{title}"', f'title = "{title}"\nclosed = true',
                                    1), encoding="utf-8")
    assert run() == run(KWARTAAL_NO_CACHE="1")
    assert title.encode() not in run()[1]


def test_templates_in_subfolders_and_switched_links(tmp_path: Path) -> None:
    nested, linked = bodies(tmp_path, 2)
    (nested / "templates" / "nl").mkdir(parents=True)
    kw(nested, "remind")
    sets = linked / "templates" / "sets"  # links inside the templates folder are followed
    sets.mkdir(parents=True)
    (sets / "a.j2").write_text("VERSIE A\n", encoding="utf-8")
    (sets / "b.j2").write_text("VERSIE B\n", encoding="utf-8")
    (linked / "templates" / "agenda.txt.j2").symlink_to(sets / "a.j2")
    time.sleep(2.1)
    for body, args in ((nested, ["remind"]), (linked, ["agenda"])):
        printed_kept(body, *args)
    (nested / "templates" / "nl" / "reminder.txt.j2").write_text(
        "EIGEN HERINNERING\n", encoding="utf-8")
    link = linked / "templates" / "agenda.txt.j2"
    link.unlink()
    link.symlink_to(sets / "b.j2")
    for body, args in ((nested, ["remind"]), (linked, ["agenda"])):
        expected = long_way(body, *args)
        assert kw(body, *args)[:3] == expected, args
    assert b"VERSIE B" in kw(linked, "agenda")[1]


def test_an_answer_of_another_user_or_of_nothing_is_no_answer(tmp_path: Path) -> None:
    import marshal

    from kwartaal.files.keeping import sealed, unsealed

    (body,) = bodies(tmp_path, 1)
    expected = long_way(body, "agenda", "--public")
    printed_kept(body, "agenda", "--public")
    (kept,) = kept_files()
    stored = list(marshal.loads(unsealed(kept.read_bytes()) or b""))
    stored[5] = ["FORGED closed item\n"]
    kept.write_bytes(sealed(marshal.dumps(tuple(stored))))
    assert kw(body, "agenda", "--public")[1] == b"FORGED closed item\n"  # the test's own forgery
    os.chmod(kept, 0o666)  # others may change it: not trusted
    assert kw(body, "agenda", "--public")[:3] == expected
    os.chmod(kept, 0o600)
    if os.getuid() == 0:
        os.chown(kept, 65534, 65534)  # another user's
        assert kw(body, "agenda", "--public")[:3] == expected
        os.chown(kept, 0, 0)
    stored[2], stored[3] = [], []  # made from nothing: would match forever
    kept.write_bytes(sealed(marshal.dumps(tuple(stored))))
    assert kw(body, "agenda", "--public")[:3] == expected


def test_output_that_cannot_be_written(tmp_path: Path) -> None:
    (body,) = bodies(tmp_path, 1)
    printed_kept(body, "agenda")
    environment = {**os.environ, "KWARTAAL_TODAY": TODAY}
    for extra in ({}, {"KWARTAAL_NO_CACHE": "1"}):
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-m", "kwartaal", "--repo", str(body),
                                   "agenda"], stdout=full, stderr=subprocess.PIPE,
                                  env={**environment, **extra}, timeout=120)
        assert done.returncode == 1, done.stderr
        assert done.stderr.decode().strip() == "kwartaal: No space left on device"
    closed = [subprocess.run(
        ["bash", "-c", f'"{sys.executable}" -m kwartaal --repo "{body}" agenda >&-'],
        capture_output=True, env={**environment, **extra}, timeout=120).returncode
        for extra in ({}, {"KWARTAAL_NO_CACHE": "1"})]
    assert closed[0] == closed[1]
    completion = [subprocess.run(
        [sys.executable, "-m", "kwartaal", "--repo", str(body), "agenda"], capture_output=True,
        env={**environment, "_KWARTAAL_COMPLETE": "bash_source", **extra}, timeout=120).stdout
        for extra in ({}, {"KWARTAAL_NO_CACHE": "1"})]
    assert completion[0] == completion[1]
