"""One numbering for every output: the agenda, the minutes and item references agree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kwartaal.core.ids import item_ref
from kwartaal.core.outline import numbered, outline
from kwartaal.core.problems import KwartaalError
from kwartaal.documents.agenda import build_agenda
from kwartaal.documents.minutes import build_minutes
from kwartaal.files.loader import load_checked as load

TODAY = dt.date(2026, 3, 1)


def _numbers(items: list[dict]) -> dict[str, str]:
    found = {}
    for item in items:
        found[item["key"]] = item["number"]
        for child in item["children"]:
            found[child["key"]] = child["number"]
    return found


@pytest.mark.parametrize("public", [False, True])
def test_agenda_and_minutes_number_every_part_alike(example: Path, public: bool) -> None:
    body = load(example)
    for meeting in body.meetings:
        agenda = _numbers(build_agenda(body, meeting, TODAY, "nl", public)["items"])
        minutes = _numbers(build_minutes(body, meeting, "nl", public)["items"])
        minutes.pop("other", None)
        assert agenda == minutes, meeting.id
        numbers = list(agenda.values())
        assert len(numbers) == len(set(numbers))
        tops = [int(n) for n in numbers if "." not in n]
        assert sorted(tops) == list(range(1, len(tops) + 1))  # no gaps, public or not


def test_an_item_is_named_by_its_agenda_number(example: Path) -> None:
    body = load(example)
    for meeting in body.meetings:
        for number, entry in numbered(outline(body, meeting)).items():
            ref = item_ref(body, meeting, number)
            assert ref in entry.refs
            assert item_ref(body, meeting, number + ".") == ref


def test_an_unknown_number_says_which_numbers_exist(example: Path) -> None:
    body = load(example)
    meeting = body.meetings[-1]
    with pytest.raises(KwartaalError) as caught:
        item_ref(body, meeting, "42.7")
    text = caught.value.render("en")
    assert "42.7" in text and " to " in text
