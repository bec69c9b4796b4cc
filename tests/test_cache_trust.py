"""What kwartaal keeps between runs is used only from a folder that is the user's own and closed
to others, and only whole and unchanged: a byte changed in any index or compiled template
since it was written gives the output of a run without them, never a wrong text or an internal
error (files/cache.py caching, sealed)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kwartaal.files.keeping import caching, sealed, unsealed
from kwartaal.files.meetingdates import meeting_dates

from .conftest import EXAMPLE_TODAY, Run

COMMANDS = [
    ["agenda", "--format", "md"], ["agenda", "--public", "--format", "html"],
    ["minutes", "2025-12-11", "--public"], ["minutes", "2025-12-11", "--format", "json"],
    ["report", "--year", "2025"], ["check"], ["actions", "--everyone", "--status", "all"],
    ["actions", "--everyone"], ["overdue"], ["progress"], ["--lang", "en", "agenda"],
]


def _outputs(run: Run, body: Path, site: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    for command in COMMANDS:
        result = run("--repo", str(body), "--today", EXAMPLE_TODAY, *command, expect=None)
        assert result.exit_code in (0, 1, 3), (command, result.output)
        out[" ".join(command)] = (result.exit_code, result.output)
    result = run("--repo", str(body), "--today", EXAMPLE_TODAY, "site", "--output", str(site),
                 expect=None)
    out["site"] = (result.exit_code, {p.relative_to(site).as_posix(): p.read_bytes()
                                      for p in sorted(site.rglob("*")) if p.is_file()})
    return out


def _kept(cache: Path) -> list[Path]:
    return sorted(p for p in cache.rglob("*") if p.is_file())


def test_sealed_bytes_come_back_only_unchanged() -> None:
    data = b"kwartaal" * 100
    assert unsealed(sealed(data)) == data
    for at in (0, 3, 4, 50, len(data) + 3):
        changed = bytearray(sealed(data))
        changed[at] ^= 0x01
        assert unsealed(bytes(changed)) is None
    assert unsealed(b"") is None and unsealed(sealed(data)[:-1]) is None


def test_a_changed_byte_in_any_index_gives_the_uncached_output(
        run: Run, example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = Path(os.environ["KWARTAAL_CACHE_DIR"])
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    expected = _outputs(run, example, tmp_path / "plain")
    monkeypatch.delenv("KWARTAAL_NO_CACHE")
    _outputs(run, example, tmp_path / "first")
    assert _outputs(run, example, tmp_path / "warm") == expected
    kept = _kept(cache)
    kinds = {p.suffix for p in kept}
    # (compiled templates: tests/test_template_cache.py, in processes of their own)
    assert {".actions", ".checks", ".pages", ".parsed"} <= kinds, kinds
    originals = {p: p.read_bytes() for p in kept}
    for where in (0.3, 0.6, 0.95):
        for path, data in originals.items():
            changed = bytearray(data)
            changed[min(len(data) - 1, int(len(data) * where))] ^= 0x20  # a letter's case
            path.write_bytes(bytes(changed))
        assert _outputs(run, example, tmp_path / f"flipped-{where}") == expected, where
        for path, data in originals.items():  # the next round starts from the same index
            path.write_bytes(data)


def test_a_changed_byte_in_the_dates_index_is_not_used(example: Path) -> None:
    folder = example / "meetings"
    names = sorted(p.stem for p in folder.glob("*.toml"))
    truth = meeting_dates(example, folder, names)
    [index] = Path(os.environ["KWARTAAL_CACHE_DIR"]).glob("*.dates")
    data = index.read_bytes()
    for at in range(5, len(data), max(1, len(data) // 40)):
        changed = bytearray(data)
        changed[at] ^= 0x01
        index.write_bytes(bytes(changed))
        assert meeting_dates(example, folder, names) == truth, at


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
def test_a_cache_folder_open_to_others_is_closed_first(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "open"
    folder.mkdir()
    folder.chmod(0o777)
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(folder))
    assert caching()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    new = tmp_path / "new" / "kwartaal"
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(new))
    assert caching() and stat.S_IMODE(new.stat().st_mode) == 0o700
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("not a folder")
    assert not caching()
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(folder))
    assert not caching()


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0,
                    reason="giving a folder to another user needs root")
def test_a_cache_folder_of_another_user_is_never_used(
        run: Run, example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone who can write the folder could forge a page index that calls a page holding a
    closed item clean: such a folder is not read, nor written."""
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    expected = _outputs(run, example, tmp_path / "plain")
    monkeypatch.delenv("KWARTAAL_NO_CACHE")
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o777)
    theirs.chmod(0o777)
    os.chown(theirs, 65534, 65534)
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(theirs))
    assert not caching()
    assert _outputs(run, example, tmp_path / "once") == expected
    assert _outputs(run, example, tmp_path / "twice") == expected
    assert _kept(theirs) == []


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file size limits")
def test_a_cache_that_cannot_be_written_only_costs_time(example: Path, tmp_path: Path) -> None:
    """A full disk or a file size limit while indexes are written (the spool of a cold run
    included): the output is the uncached one."""
    import resource
    import signal
    import subprocess
    import sys

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails: EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (1500, 1500))

    def agenda(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kwartaal", "--repo", str(example), "--today", EXAMPLE_TODAY,
             "agenda", "--format", "md"], capture_output=True, text=True, preexec_fn=limited,
            env={**os.environ, "KWARTAAL_CACHE_DIR": str(tmp_path / "small"), **env})

    plain = agenda(KWARTAAL_NO_CACHE="1")
    assert plain.returncode == 0, plain.stderr
    for _ in range(2):
        done = agenda()
        assert (done.returncode, done.stdout) == (0, plain.stdout), done.stderr


def test_a_clean_verdict_belongs_to_the_code_that_gave_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page the site's privacy check found clean is taken as clean only under the same code:
    a kwartaal that searches better searches every page again."""
    from kwartaal.files import pages

    pages._package_digest.cache_clear()
    before = pages.PageIndex.check_key("<p>page</p>", "searched for", ("€ 10,00",))
    monkeypatch.setattr(pages, "_folder_stats", lambda base: [b"kwartaal, searching better"])
    pages._package_digest.cache_clear()
    try:
        assert pages.PageIndex.check_key("<p>page</p>", "searched for", ("€ 10,00",)) != before
    finally:
        monkeypatch.undo()
        pages._package_digest.cache_clear()
    assert pages.PageIndex.check_key("<p>page</p>", "searched for", ("€ 10,00",)) == before


LANE_COMMANDS = (["overdue"], ["actions", "--everyone", "--json"],
                 ["actions", "--everyone", "--status", "all", "--json"])


def _process(body: Path, command: list[str]) -> tuple[int, str]:
    """A command as a process: the fast lane answers these from the action index."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "kwartaal", "--repo", str(body), "--today",
                           EXAMPLE_TODAY, *command], capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout + done.stderr


def test_an_index_cut_short_gives_the_uncached_output(
        run: Run, example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every kept index cut at its header's end, inside its blobs and one byte short, with
    the meeting files' times changed (so each is known by its content): the answer of a run
    without an index, of each command as the first to read the cut index, in the fast lane
    too."""
    cache = Path(os.environ["KWARTAAL_CACHE_DIR"])
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    expected = {" ".join(c): _process(example, c) for c in LANE_COMMANDS}
    expected["all"] = _outputs(run, example, tmp_path / "plain")
    monkeypatch.delenv("KWARTAAL_NO_CACHE")
    _outputs(run, example, tmp_path / "first")
    for command in LANE_COMMANDS:
        _process(example, command)
    originals = {p: p.read_bytes() for p in _kept(cache)}
    moved = 0.0

    def cut_and_touch(cut: str) -> None:
        nonlocal moved
        for path, data in originals.items():
            header = 12 + int.from_bytes(data[4:12], "little") if len(data) > 12 else 0
            at = {"header": min(len(data) - 1, header + 16), "half": len(data) // 2,
                  "byte": len(data) - 1}[cut]
            path.write_bytes(data[:max(at, 0)])
        moved += 10
        for meeting in (example / "meetings").glob("*.toml"):
            when = meeting.stat().st_mtime + moved
            os.utime(meeting, (when, when))

    for cut in ("header", "half", "byte"):
        for command in LANE_COMMANDS:
            cut_and_touch(cut)
            assert _process(example, command) == expected[" ".join(command)], (cut, command)
        cut_and_touch(cut)
        assert _outputs(run, example, tmp_path / f"cut-{cut}") == expected["all"], cut
