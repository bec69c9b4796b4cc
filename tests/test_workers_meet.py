"""Items shared by two processes met in the middle (files/workers.py, meet): this process
takes them from the first on once its own other work is done, a forked worker from the last
back as soon as it starts, each claiming an item before working on it. Every item is made,
at most the one where they meet twice; the busier process takes fewer; a worker that fails
part way leaves what it claimed unmade, which the caller then makes; real forked processes."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from kwartaal.files import workers as sharing

ITEMS = list(range(120))


def _run(items: list[int], work_seconds: float, first_seconds: float,
         fail_at: int | None = None) -> tuple[list[int], list[int]]:
    """share_out met in the middle: (the items this process made, those the worker made),
    each in the order taken; fail_at: the worker is killed as it reaches that item."""
    parent = os.getpid()

    def work(share: Iterable[int]) -> Iterator[tuple[Any, bytes]]:
        for item in share:
            mine = os.getpid() == parent
            if not mine and item == fail_at:
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(work_seconds)
            yield (item, mine), str(item).encode()

    ours: list[int] = []
    theirs: list[int] = []

    def take(value: Any, blob: Any) -> bool:
        item, mine = value
        data = blob if isinstance(blob, bytes) else blob[2].read(blob[0], blob[1])
        assert data == str(item).encode()
        (ours if mine else theirs).append(item)
        return True

    sharing.share_out(items, 2, work, take, lambda: time.sleep(first_seconds), meet=True)
    return ours, theirs


def test_every_item_is_made_once_but_where_they_meet() -> None:
    ours, theirs = _run(ITEMS, 0.002, 0.0)
    assert ours == ITEMS[:len(ours)]  # from the first on
    assert theirs == ITEMS[::-1][:len(theirs)]  # from the last back
    assert ours and theirs
    assert sorted(set(ours + theirs)) == ITEMS
    assert len(ours) + len(theirs) - len(ITEMS) in (0, 1)  # at most the one they met at


def test_the_process_busy_with_other_work_takes_fewer() -> None:
    """This process's other work (first) takes as long as 60 items: the worker makes those
    meanwhile, and the two share the rest."""
    ours, theirs = _run(ITEMS, 0.005, 0.3)
    assert sorted(set(ours + theirs)) == ITEMS
    assert len(theirs) > len(ours) + 30


def test_a_worker_killed_part_way_leaves_its_claim_to_the_caller() -> None:
    ours, theirs = _run(ITEMS, 0.002, 0.05, fail_at=110)
    assert theirs == []  # nothing of a worker that did not end well
    assert ours == ITEMS[:len(ours)]
    assert 110 not in ours  # claimed by the worker: left for the caller to make
    assert set(ours) <= set(ITEMS[:111])


def test_with_one_process_nothing_is_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sharing.WORKERS_VARIABLE, "1")
    firsts: list[bool] = []
    assert not sharing.shared(ITEMS, lambda share: iter(()), lambda value, blob: True,
                              least=1, first=lambda: firsts.append(True), meet=True)
    assert firsts == []


def test_met_in_the_middle_is_two_processes_however_many_are_allowed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sharing.WORKERS_VARIABLE, "4")
    makers: set[int] = set()

    def work(share: Iterable[int]) -> Iterator[tuple[Any, bytes]]:
        for item in share:
            time.sleep(0.001)
            yield (item, os.getpid()), b""

    taken: list[int] = []

    def take(value: Any, blob: Any) -> bool:
        taken.append(value[0])
        makers.add(value[1])
        return True

    assert sharing.shared(ITEMS, work, take, least=1, meet=True)
    assert len(makers) == 2 and sorted(set(taken)) == ITEMS
