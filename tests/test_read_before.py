"""A cold `site` reads each file of the body once before loading it (files/readbefore.py):
the loader takes a worker's records of a file by the digest read then only while the file's
stat record is the one taken then, and old enough to stand for its bytes; any change in
between, even back to the same size and times, has it read again. Saves of the parse index
put off until the report worker runs (files/putoff.py) are done, and only once. Real files,
real forked processes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kwartaal.documents.site import site_files
from kwartaal.files import loader, prefill, putoff, readbefore
from kwartaal.files.cache import digest, stat_key
from kwartaal.files.pages import PageIndex
from kwartaal.files.parsed import index_path
from kwartaal.files.workers import MIN_FILES
from tests.conftest import generated_body

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")


@pytest.fixture(scope="module")
def aged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dt.date]:
    """A body of more meetings than a worker is forked for, whose files are old enough (two
    seconds) for their stat records to stand for their bytes."""
    found = generated_body(tmp_path_factory.mktemp("read-before") / "body", MIN_FILES + 60)
    time.sleep(2.1)
    return found


def _copy(aged: tuple[Path, dt.date], folder: Path) -> Path:
    """The aged body copied with its files' times, and old enough again."""
    root = folder / "body"
    shutil.copytree(aged[0], root)
    time.sleep(2.1)
    return root


def _site(root: Path, today: dt.date, cache: Path, *, workers: str,
          no_cache: bool = False) -> tuple[int, bytes, dict[str, bytes]]:
    out = root.parent / f"site-{workers}-{no_cache}"
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "KWARTAAL_CACHE_DIR": str(cache), "KWARTAAL_WORKERS": workers,
           "KWARTAAL_TODAY": today.isoformat(), "NO_COLOR": "1"}
    if no_cache:
        env["KWARTAAL_NO_CACHE"] = "1"
    done = subprocess.run([sys.executable, "-m", "kwartaal", "--repo", str(root), "site",
                           "--output", str(out)], env=env, capture_output=True, check=False)
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
             if p.is_file() and p.name != ".kwartaal-site"}
    return done.returncode, done.stderr, files


def test_files_read_before_give_the_site_one_process_gives(
        aged: tuple[Path, dt.date], tmp_path: Path) -> None:
    root, today = aged
    cold = _site(root, today, tmp_path / "two", workers="2")
    assert cold[0] == 0, cold[1]
    assert cold == _site(root, today, tmp_path / "one", workers="1")
    assert cold == _site(root, today, tmp_path / "none", workers="2", no_cache=True)
    assert any(saved.stat().st_size for saved in (tmp_path / "two").rglob("*.parsed"))


def test_the_digest_read_before_stands_only_for_the_same_stat_record(
        aged: tuple[Path, dt.date], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _copy(aged, tmp_path)
    monkeypatch.setattr(readbefore, "_READ", None)
    index = PageIndex(root)
    assert index.site_inputs("2026-01-01", "t") is not None
    files = loader.meeting_files(root)
    for path in files[:20]:
        assert readbefore.digest_read_before(path, stat_key(path)) == digest(path.read_bytes())
    # same size, its times put back: the inode change time is not, and it is read again
    changed = files[3]
    text = changed.read_text(encoding="utf-8")
    times = os.stat(changed)
    changed.write_text(text.replace('time = "19:00"', 'time = "20:00"', 1), encoding="utf-8")
    os.utime(changed, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert os.stat(changed).st_size == times.st_size
    assert readbefore.digest_read_before(changed, stat_key(changed)) is None
    # another body's file of the same name, and a file never read
    other = tmp_path / "other" / "meetings" / files[0].name
    other.parent.mkdir(parents=True)
    shutil.copy2(files[0], other)
    assert readbefore.digest_read_before(other, stat_key(other)) is None
    assert readbefore.digest_read_before(root / "meetings" / "none.toml", None) is None


def test_a_file_read_too_soon_after_it_was_written_is_read_again(
        aged: tuple[Path, dt.date], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "body"
    shutil.copytree(aged[0], root)  # its files written just now: no stat record stands
    monkeypatch.setattr(readbefore, "_READ", None)
    assert PageIndex(root).site_inputs("2026-01-01", "t") is not None
    path = loader.meeting_files(root)[0]
    assert readbefore.digest_read_before(path, stat_key(path)) is None


@pytest.mark.parametrize("when", ["before-parse", "after-parse"])
@pytest.mark.parametrize("back", [False, True], ids=["changed", "changed-back"])
def test_a_file_changed_after_its_first_read_is_read_again(
        aged: tuple[Path, dt.date], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        back: bool, when: str) -> None:
    """Written after the site's first read of the body, before or after the workers parsed
    it (the same size, its times put back; or changed and changed back): the site shows what
    the file holds when it is loaded, and that build is not kept."""
    root, today = _copy(aged, tmp_path), aged[1]
    monkeypatch.setenv("KWARTAAL_WORKERS", "2")
    changed = loader.meeting_files(root)[-1]  # (planned: its items are on the agenda)
    text = changed.read_text(encoding="utf-8")
    title = text.split('title = "', 1)[1].split('"', 1)[0]
    new_title = ("Q" if title[0] != "Q" else "R") + title[1:]
    times = os.stat(changed)

    def change() -> None:
        if back:
            changed.write_text(text.replace(title, new_title, 1), encoding="utf-8")
        changed.write_text(text if back else text.replace(title, new_title, 1),
                           encoding="utf-8")
        os.utime(changed, ns=(times.st_atime_ns, times.st_mtime_ns))

    def load() -> object:
        if when == "before-parse":
            change()
        return loader.load_checked(root, indexed=True)

    if when == "after-parse":
        parse = prefill.prefill

        def parsed_then_changed(*args: object) -> None:
            parse(*args)  # type: ignore[arg-type]
            change()

        monkeypatch.setattr(prefill, "prefill", parsed_then_changed)
    files, _, _ = site_files(root, today, load)
    loaded = loader.load(root).body
    assert {mt.id: [i.title for i in mt.items] for mt in loaded.meetings} == {
        mt.id: [i.title for i in mt.items]
        for mt in loader.load(root, indexed=True).body.meetings}
    page = files["agenda.html"]
    assert isinstance(page, str)
    assert (new_title in page) is not back
    assert PageIndex(root).site is None  # not kept: a file was written during the build


def test_saves_put_off_are_done_once_at_the_end_or_when_asked() -> None:
    done: list[str] = []
    assert not putoff.put_off(lambda: done.append("now"))  # outside: the caller saves now
    with putoff.putting_off() as save_now:
        assert putoff.put_off(lambda: done.append("a"))
        assert putoff.put_off(lambda: done.append("b"))
        assert done == []
        save_now()
        assert done == ["a", "b"]
        assert putoff.put_off(lambda: done.append("c"))
    assert done == ["a", "b", "c"]
    save_now()  # nothing left
    assert done == ["a", "b", "c"]
    assert not putoff.put_off(lambda: done.append("after"))


def test_saves_put_off_are_done_after_an_error_but_not_after_an_interrupt() -> None:
    done: list[str] = []
    with pytest.raises(ValueError), putoff.putting_off():
        putoff.put_off(lambda: done.append("error"))
        raise ValueError
    assert done == ["error"]
    with pytest.raises(KeyboardInterrupt), putoff.putting_off():
        putoff.put_off(lambda: done.append("interrupt"))
        raise KeyboardInterrupt
    assert done == ["error"]
    assert not putoff.put_off(lambda: None)


def test_a_cold_site_saves_the_parse_index_refused_or_not(
        aged: tuple[Path, dt.date], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index saved once the report worker runs is the index a warm run reads."""
    root, today = _copy(aged, tmp_path), aged[1]
    monkeypatch.setenv("KWARTAAL_WORKERS", "2")
    site_files(root, today, lambda: loader.load_checked(root, indexed=True))
    saved = Path(index_path(root))
    assert saved.stat().st_size > 0
    warm = loader.load(root, indexed=True)
    assert warm.body.meetings == loader.load(root).body.meetings
    # a body template that prints a closed title: refused, and the index saved all the same
    saved.unlink()
    (root / "templates" / "site").mkdir(parents=True)
    (root / "templates" / "site" / "agenda.html.j2").write_text(
        "{{ 'Vertrouwelijk' }}", encoding="utf-8")
    closed = next(line.split('"')[1] for path in loader.meeting_files(root)
                  for line in path.read_text(encoding="utf-8").splitlines()
                  if line.startswith('title = "Vertrouwelijk'))
    (root / "templates" / "site" / "agenda.html.j2").write_text(closed, encoding="utf-8")
    from kwartaal.core.problems import KwartaalError

    with pytest.raises(KwartaalError):
        site_files(root, today, lambda: loader.load_checked(root, indexed=True))
    assert saved.stat().st_size > 0


def test_an_index_trusts_stat_records_by_when_its_run_began_reading(tmp_path: Path) -> None:
    """A file written just before a run read it is not trusted by its stat record next time,
    however long after its read the index was saved: on a file system that keeps whole
    seconds, a write just after the read could leave the record as it was."""
    from kwartaal.files.cache import trusted
    from kwartaal.files.parsed import STAT, ParseIndex

    root = tmp_path / "body"
    shutil.copytree(Path(__file__).parents[1] / "meetings", root)  # written just now
    with putoff.putting_off():
        loader.load(root, indexed=True)
        time.sleep(2.1)  # the index is saved now, more than two seconds after every write
    index = ParseIndex.open(root)
    files = loader.meeting_files(root)
    assert files and all(path.name in index.entries for path in files)
    assert not any(trusted(stat_key(path), index.entries[path.name][STAT], index.saved_ns)
                   for path in files)
