"""Compiled templates kept between runs (documents/render.py): used only while the template's
text is the same, never from a folder others can write, and never a reason to fail."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_TODAY


def agenda(body: Path, cache: Path, *more: str, env: dict[str, str] | None = None) -> str:
    """The agenda as a person gets it: a new process each time (Jinja2's own cache inside
    one process is not what is tested here)."""
    done = subprocess.run(
        [sys.executable, "-m", "kwartaal", "--repo", str(body), "--today", EXAMPLE_TODAY,
         "agenda", "--format", "md", *more],
        capture_output=True, text=True, env={**os.environ, "KWARTAAL_CACHE_DIR": str(cache),
                                             **(env or {})})
    assert done.returncode == 0, done.stderr
    assert "internal error" not in done.stderr
    return done.stdout


def kept(cache: Path) -> list[Path]:
    return sorted(cache.glob("templates-*/*.cache"))


def own_template(body: Path, text: str) -> Path:
    """The body's own agenda template: the shipped one with text added on top."""
    shipped = Path(__file__).resolve().parent.parent / "templates" / "agenda.md.j2"
    path = body / "templates" / "agenda.md.j2"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text + shipped.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_a_kept_template_gives_the_same_document(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = agenda(example, cache)
    assert kept(cache), "the compiled template was not kept"
    assert agenda(example, cache) == first
    assert agenda(example, cache, env={"KWARTAAL_NO_CACHE": "1"}) == first
    folder = next(cache.glob("templates-*"))
    assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0  # the user's own


def test_an_edit_with_the_old_size_and_time_is_seen(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = own_template(example, "Kop AAAA\n")
    assert "Kop AAAA" in agenda(example, cache)
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(b"AAAA", b"BBBB"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    text = agenda(example, cache)
    assert "Kop BBBB" in text and "AAAA" not in text


def test_a_damaged_kept_template_is_compiled_again(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = agenda(example, cache)
    for number, path in enumerate(kept(cache)):
        data = path.read_bytes()
        # cut short, garbage, the right header followed by garbage
        path.write_bytes([data[:len(data) // 2], os.urandom(300),
                          data[:20] + os.urandom(300)][number % 3])
    assert agenda(example, cache) == first
    assert agenda(example, cache) == first  # and rewritten whole


def test_a_compiled_template_with_a_byte_changed_is_compiled_again(example: Path,
                                                                  tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = agenda(example, cache, "--public")
    originals = {path: path.read_bytes() for path in kept(cache)}
    for where in (0.2, 0.5, 0.8):
        for path, data in originals.items():
            changed = bytearray(data)
            changed[int(len(data) * where)] ^= 0x20
            path.write_bytes(bytes(changed))
        assert agenda(example, cache, "--public") == first, where


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_can_write_is_not_used(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = agenda(example, cache)
    folder = next(cache.glob("templates-*"))
    shutil.rmtree(folder)
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)  # the umask may have taken bits away
    assert agenda(example, cache) == first
    assert not kept(cache), "compiled templates were kept where others can write"


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() == 0,
                    reason="root writes into read-only folders")
def test_a_read_only_cache_only_means_compiling(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = agenda(example, cache)
    for path in kept(cache):
        path.unlink()
    folder = next(cache.glob("templates-*"))
    folder.chmod(0o500)
    try:
        assert agenda(example, cache) == first
    finally:
        folder.chmod(0o700)


def test_no_cache_keeps_nothing(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    agenda(example, cache, env={"KWARTAAL_NO_CACHE": "1"})
    assert not list(cache.glob("templates-*"))


def test_a_cache_path_that_is_a_file_is_no_error(example: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = agenda(example, cache)
    shutil.rmtree(cache)
    cache.write_text("not a folder")
    assert agenda(example, cache) == first


def test_one_process_sees_an_edit_that_keeps_the_old_time(tmp_path: Path) -> None:
    """A library user rendering twice in one process: Jinja2 keeps the template it loaded and
    asks whether it is up to date; that answer goes by the text, not the file's time."""
    from kwartaal.documents.render import render

    body = tmp_path / "body"
    path = body / "templates" / "probe.txt.j2"
    path.parent.mkdir(parents=True)
    path.write_text("AAAA {{ lang }}\n", encoding="utf-8")
    assert render(body, "probe.txt.j2", "nl") == "AAAA nl\n"
    before = path.stat()
    path.write_text("BBBB {{ lang }}\n", encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert render(body, "probe.txt.j2", "nl") == "BBBB nl\n"


def _rendered(body: Path) -> str:
    from kwartaal.documents.render import render

    return render(body, "note.md.j2", "nl", who="Zoë")


@pytest.mark.parametrize("settled", [False, True])
def test_a_template_edited_within_one_process_is_read_again(tmp_path: Path,
                                                            settled: bool) -> None:
    """Within one process a template is used again without reading it while its stat record
    is that of the file read and was old enough then; an edit of the same size with its old
    modification time is seen, right away or later; so is the folder made a link to another
    folder of the body holding a file of the same size and times."""
    import time

    body = tmp_path / "body"
    own = body / "templates"
    own.mkdir(parents=True)
    path = own / "note.md.j2"
    path.write_text("AAAA {{ who }}\n", encoding="utf-8")
    if settled:
        old = time.time_ns() - 10**10  # long before it is read: trusted by its stat record
        os.utime(path, ns=(old, old))
        time.sleep(2.1)  # (its inode change time too)
    assert _rendered(body) == "AAAA Zoë\n"
    assert _rendered(body) == "AAAA Zoë\n"
    times = path.stat()
    with open(path, "r+b") as handle:
        handle.write(b"BBBB")
    os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert _rendered(body) == "BBBB Zoë\n"
    other = body / "other"
    other.mkdir()
    (other / "note.md.j2").write_text("CCCC {{ who }}\n", encoding="utf-8")
    os.utime(other / "note.md.j2", ns=(times.st_atime_ns, times.st_mtime_ns))
    os.rename(own, body / "was")
    os.symlink(other, own)
    assert _rendered(body) == "CCCC Zoë\n"
