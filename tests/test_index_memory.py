"""What the indexes hold in memory: a cold run spools the parse index's new blobs to a
temporary file and writes the index part by part, so that it never holds the body's records
and their stored form at once; the output stays the uncached one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from kwartaal.files import atomic, parsed, records
from kwartaal.files.cache import cache_dir
from kwartaal.files.loader import load

from .conftest import EXAMPLE_TODAY, Run

COMMANDS = [["agenda"], ["--lang", "en", "minutes", "2025-09-11", "--format", "json"],
            ["check"], ["report", "--year", "2025", "--format", "md"]]


def _outputs(run: Run, body: Path) -> list[tuple[int, str]]:
    results = []
    for command in COMMANDS:
        result = run("--repo", str(body), "--today", EXAMPLE_TODAY, *command)
        results.append((result.exit_code, result.output))
    return results


def test_a_cold_load_keeps_no_blob_in_memory(example: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    held: list[Any] = []
    save = parsed.ParseIndex.save

    def watched(index: parsed.ParseIndex) -> None:
        for entry in index.used.values():
            held.extend([entry[parsed.TABLES], *entry[parsed.RECORDS].values()])
        save(index)

    monkeypatch.setattr(parsed.ParseIndex, "save", watched)
    cold = load(example, indexed=True)
    assert held and all(isinstance(blob, tuple) and len(blob) == 3
                        for blob in held if blob is not None)
    # the spool is gone with the run: only the indexes stay in the cache folder (the parse
    # index, and the meetings' dates it found, for the writes)
    assert sorted(p.suffix for p in cache_dir().iterdir()) == [".dates", ".parsed"]
    held.clear()
    warm = load(example, indexed=True)
    assert warm.body.meetings == cold.body.meetings
    # nothing new: every blob is a place in the index file, read when needed
    assert held and all(isinstance(blob, tuple) and len(blob) == 2
                        for blob in held if blob is not None)


def test_outputs_equal_the_uncached_ones_cold_and_warm(example: Path, run: Run,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        patch.setenv("KWARTAAL_NO_CACHE", "1")
        expected = _outputs(run, example)
    assert _outputs(run, example) == expected  # cold: spooled, then written part by part
    assert _outputs(run, example) == expected  # warm: from the index
    # an index refreshed after a change copies the unchanged blobs from the old index file
    path = example / "meetings" / "2025-09-11.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setenv("KWARTAAL_NO_CACHE", "1")
        expected = _outputs(run, example)
    assert _outputs(run, example) == expected
    assert _outputs(run, example) == expected


def test_no_index_no_spool(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    load(example, indexed=True)
    assert not cache_dir().exists() or not any(cache_dir().iterdir())


def test_replace_file_writes_parts_in_order(tmp_path: Path) -> None:
    target = tmp_path / "file"
    atomic.replace_file(target, iter([b"one ", b"", b"two"]), durable=False)
    assert target.read_bytes() == b"one two"
    atomic.replace_file(target, b"three", durable=False)
    assert target.read_bytes() == b"three"
    assert os.listdir(tmp_path) == ["file"]


def test_decoded_dates_are_shared_and_equal() -> None:
    path = Path("x.toml")
    first = records.decode(("d", 739000), path)
    again = records.decode(("L", [("d", 739000)]), path)[0]
    assert first is again and first.toordinal() == 739000
