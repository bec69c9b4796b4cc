"""The cache of parsed records: never stale, never in the way."""

from __future__ import annotations

import json
import os
from pathlib import Path

from kwartaal.files.cache import cache_dir
from kwartaal.files.loader import load, load_actions

from .conftest import Run, git


def _titles(run: Run, body: Path) -> dict[str, str]:
    rows = json.loads(run("--repo", str(body), "--today", "2026-01-15", "actions", "--status",
                          "all", "--json").output)
    return {r["id"]: r["title"] for r in rows}


def _cache_files() -> list[Path]:
    return sorted(cache_dir().glob("*.actions"))


def _view(body: object) -> list[tuple[object, ...]]:
    return [(a.id, a.title, a.owners, a.due, a.theme, a.status, a.closed, a.item, a.meeting,
             a.src.path, a.src.section, a.src.line)
            for a in body.all_actions()]  # type: ignore[attr-defined]


def test_indexed_actions_equal_a_fresh_parse(example: Path, monkeypatch: object) -> None:
    first = load_actions(example)
    assert _cache_files()
    second = load_actions(example)  # from the index
    full = load(example).body
    assert _view(first) == _view(second) == _view(full)
    assert [(mt.id, mt.date, mt.status) for mt in second.meetings] == [
        (mt.id, mt.date, mt.status) for mt in full.meetings]
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")  # type: ignore[attr-defined]
    assert _view(load_actions(example)) == _view(full)


def test_index_refuses_broken_files_like_a_full_load(example: Path, run: Run) -> None:
    _titles(run, example)
    path = example / "meetings" / "2025-09-11.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("status = \"open\"",
                                                             "status = \"opne\"", 1),
                    encoding="utf-8")
    result = run("--repo", str(example), "--lang", "en", "actions", "--json", expect=1)
    assert "'status' = 'opne' is not one of" in result.output


def test_same_size_same_mtime_edit_is_seen(example: Path, run: Run) -> None:
    path = example / "meetings" / "2025-09-11.toml"
    assert _titles(run, example)["2025-09-11/a3"].startswith("Regionale conferentie")
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Regionale conferentie", "Regionale bijeenkomst")
    # keep the byte length: pad the shorter title with spaces
    difference = len(text.encode()) - len(edited.encode())
    edited = edited.replace("bijeenkomst", "bijeenkomst" + " " * difference, 1)
    assert len(edited.encode()) == len(text.encode())
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_size == stat.st_size
    assert _titles(run, example)["2025-09-11/a3"].startswith("Regionale bijeenkomst")


def test_switching_branches_is_seen(example: Path, run: Run) -> None:
    repo = example.parent
    _titles(run, example)
    git(repo, "checkout", "-q", "-b", "ander")
    run("--repo", str(example), "--today", "2026-01-15", "action", "add", "Alleen op de tak",
        "--owner", "roos", "--due", "+2w")
    assert "Alleen op de tak" in _titles(run, example).values()
    git(repo, "checkout", "-q", "main")
    assert "Alleen op de tak" not in _titles(run, example).values()
    git(repo, "checkout", "-q", "ander")
    assert "Alleen op de tak" in _titles(run, example).values()


def test_a_deleted_meeting_is_gone(example: Path, run: Run) -> None:
    assert any(k.startswith("2025-12-11/") for k in _titles(run, example))
    (example / "meetings" / "2025-12-11.toml").unlink()
    (example / "meetings" / "2026-03-12.toml").write_text(
        (example / "meetings" / "2026-03-12.toml").read_text(encoding="utf-8").replace(
            'carried_from = "2025-12-11/p3"\n', ""), encoding="utf-8")
    assert not any(k.startswith("2025-12-11/") for k in _titles(run, example))


def test_a_corrupt_or_unreadable_cache_is_rebuilt(example: Path, run: Run) -> None:
    expected = _titles(run, example)
    for cache in _cache_files():
        cache.write_bytes(b"\x80\x05 not a pickle")
    assert _titles(run, example) == expected
    for cache in _cache_files():
        cache.write_bytes(b"")
        cache.chmod(0o000)
    try:
        assert _titles(run, example) == expected
    finally:
        for cache in _cache_files():
            cache.chmod(0o600)


def test_cache_is_outside_the_repository(example: Path, run: Run) -> None:
    _titles(run, example)
    assert _cache_files()
    assert all(not str(p).startswith(str(example.parent)) for p in _cache_files())
    assert git(example.parent, "status", "--porcelain") == ""


def test_cache_can_be_turned_off(example: Path, run: Run, monkeypatch: object) -> None:
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")  # type: ignore[attr-defined]
    _titles(run, example)
    assert _cache_files() == []
