"""files/pacing.py: full collections are held back while files are read, and the collector is
left as it was found, however the reading ends."""

from __future__ import annotations

import gc

import pytest

from kwartaal.files.loader import load
from kwartaal.files.pacing import YOUNG_EVERY, full_collections_held, paced

from .conftest import EXAMPLE


@pytest.fixture(autouse=True)
def collector_back() -> object:
    was = gc.isenabled()
    yield None
    gc.enable() if was else gc.disable()


def test_held_while_reading_and_restored_after() -> None:
    seen = []
    for _ in paced(range(3)):
        seen.append(gc.isenabled())
    assert seen == [False] * 3 and gc.isenabled()


def test_restored_after_a_break_and_an_error() -> None:
    for _ in paced(range(10)):
        break
    assert gc.isenabled()
    with pytest.raises(ValueError), full_collections_held():
        raise ValueError
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    gc.disable()
    list(paced(range(3)))
    assert not gc.isenabled()


def test_young_generations_are_collected_on_the_way() -> None:
    """Every YOUNG_EVERY items the young generations are collected: garbage with cycles made
    while reading does not pile up until the end."""
    before = gc.get_stats()[1]["collections"]
    for _ in paced(range(YOUNG_EVERY * 3)):
        pass
    assert gc.get_stats()[1]["collections"] >= before + 3


def test_loading_a_body_leaves_the_collector_on() -> None:
    assert load(EXAMPLE).body.meetings and gc.isenabled()
