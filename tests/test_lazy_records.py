"""Records read from the parse index decode a meeting's notes, decisions, actions,
compensation lines and action histories only when first used (files/records.py `Later`),
and the agenda and the minutes choose actions by their stored status and last date
without decoding the others. The output is the uncached one, public and internal, on the
privacy tests' random and hostile bodies; the lists behave as lists; an index whose parts
are cut short is not used."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core import model as m
from kwartaal.core.problems import KwartaalError
from kwartaal.documents.agenda import render_agenda
from kwartaal.documents.report import render_report
from kwartaal.documents.site import build_site
from kwartaal.edit.publish import render_minutes
from kwartaal.files import meetingblob, parsed, records
from kwartaal.files.loader import load, load_checked
from tests.test_privacy import NAMES, TODAY, _variant, forms, write_body


def _outputs(root: Path) -> dict[str, str]:
    """agenda, minutes and report of the body as loaded (indexed or not), public and
    internal, nl and en; and its site."""
    body = load_checked(root, indexed=not os.environ.get("KWARTAAL_NO_CACHE"))
    out: dict[str, str] = {}
    for lang in ("nl", "en"):
        for public in (True, False):
            key = f"{lang}.{'public' if public else 'internal'}"
            for fmt in ("md", "json"):
                out[f"agenda {key}.{fmt}"] = render_agenda(
                    body, body.meeting("2026-03-12"), TODAY, lang, public=public, fmt=fmt)
                for mid in ("2025-06-12", "2025-09-11"):
                    out[f"minutes {mid} {key}.{fmt}"] = render_minutes(
                        body, body.meeting(mid), lang, public=public, fmt=fmt,
                        with_compensation=not public)
                out[f"report {key}.{fmt}"] = render_report(body, 2025, TODAY, lang,
                                                           public=public, fmt=fmt)
    try:  # every page, counted by the actions' stored facts (core/actionfacts.py)
        out.update({f"site {name}": str(page) for name, page in build_site(body, TODAY).items()})
    except KwartaalError as refused:
        out["site"] = str(refused)
    return out


def _uncached(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    try:
        return _outputs(root)
    finally:
        monkeypatch.delenv("KWARTAAL_NO_CACHE")


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.sampled_from(NAMES), min_size=3, max_size=3, unique=True),
       mention_forms=st.lists(forms, min_size=12, max_size=12),
       picks=st.lists(st.integers(0, 2), min_size=12, max_size=12),
       lang=st.sampled_from(["nl", "en"]), hostile=st.booleans())
def test_outputs_from_lazy_records_are_the_uncached_ones(
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
        names: list[str], mention_forms: list[str], picks: list[int], lang: str,
        hostile: bool) -> None:
    root = tmp_path_factory.mktemp("body") / "overleg"
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(cache))
    mentions = [_variant(names[p], f) for p, f in zip(picks, mention_forms, strict=True)]
    write_body(root, mentions, names, lang, hostile)
    expected = _uncached(root, monkeypatch)
    assert _outputs(root) == expected  # cold: built, spooled, read back lazily
    assert _outputs(root) == expected  # warm: from the index file
    shutil.rmtree(cache)




def _warm(root: Path) -> m.Body:
    load(root, indexed=True)
    return load(root, indexed=True).body


def test_lists_are_decoded_only_when_used(generated: tuple[Path, dt.date]) -> None:
    body = _warm(generated[0])
    meeting = body.meetings[-3]
    lists = [meeting.notes, meeting.decisions, meeting.actions, meeting.compensation]
    assert all(type(found) is records.Later and found.pending for found in lists)
    chosen = meeting.actions.chosen(lambda status, last: True)  # one by one: histories later
    assert meeting.actions.pending and all(a.history.pending for a in chosen)
    assert chosen[0].history[0].date <= meeting.date and not chosen[0].history.pending
    first = meeting.actions[0]  # any use decodes the list, and then it is an ordinary list
    assert not meeting.actions.pending and type(first) is m.Action
    assert type(meeting.actions) is records.Decoded and isinstance(meeting.actions, list)
    assert type(first.history) is list and first.history == chosen[0].history
    assert meeting.notes.pending


def test_lazy_lists_behave_as_lists(generated: tuple[Path, dt.date]) -> None:
    root = generated[0]
    plain = load(root).body
    body = _warm(root)
    assert body.meetings == plain.meetings  # both sides decoded when compared
    fresh = _warm(root)
    assert plain.meetings == fresh.meetings  # and with the plain list on the left
    for mine, theirs in zip(_warm(root).meetings, plain.meetings, strict=True):
        assert len(mine.actions) == len(theirs.actions) and bool(mine.notes) == bool(
            theirs.notes)
        assert list(reversed(mine.decisions)) == list(reversed(theirs.decisions))
        assert mine.actions + theirs.actions == theirs.actions + theirs.actions
    again = _warm(root).meetings[-3]
    copied = copy.deepcopy(again)
    assert type(copied.actions) is list and copied == plain.meetings[-3]
    assert dataclasses.asdict(_warm(root).meetings[-3]) == dataclasses.asdict(
        plain.meetings[-3])


def test_lists_decoded_or_not_compare_and_add_as_plain_lists_in_either_order(
        generated: tuple[Path, dt.date]) -> None:
    """A decoded list, one still to be decoded and a plain one, on either side of every
    comparison and of +, give what plain lists give."""
    import operator

    root = generated[0]
    plain = next(mt for mt in load(root).body.meetings if len(mt.actions) > 1)

    def each_kind() -> list[tuple[str, Any]]:
        pending = next(mt for mt in _warm(root).meetings if mt.id == plain.id).actions
        decoded = next(mt for mt in _warm(root).meetings if mt.id == plain.id).actions
        len(decoded)
        assert pending.pending and type(decoded) is records.Decoded
        return [("plain", list(plain.actions)), ("pending", pending), ("decoded", decoded)]

    shorter = plain.actions[:-1]
    for op in (operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge,
               operator.add):
        for left_kind, _ in each_kind():
            for right_kind, _ in each_kind():
                for cut in ("none", "left", "right"):
                    left = dict(each_kind())[left_kind]
                    right = dict(each_kind())[right_kind]
                    want_left = shorter if cut == "left" else list(plain.actions)
                    want_right = shorter if cut == "right" else list(plain.actions)
                    if cut == "left":
                        left = shorter
                    if cut == "right":
                        right = shorter
                    assert op(left, right) == op(want_left, want_right), (
                        op.__name__, left_kind, right_kind, cut)
    for kind, added in each_kind():  # in place, on a decoded list
        decoded = dict(each_kind())["decoded"]
        decoded += added
        assert decoded == list(plain.actions) * 2, kind


@pytest.mark.parametrize("warm", [False, True])
def test_chosen_actions_are_those_of_the_whole_list(generated: tuple[Path, dt.date],
                                                    warm: bool) -> None:
    root, today = generated
    plain = load(root).body
    body = _warm(root) if warm else load(root, indexed=True).body
    assert body.open_actions() == [a for a in plain.all_actions() if a.is_open]
    for meeting in plain.meetings[::5]:
        day = meeting.date
        expected = [a for a in plain.all_actions() if a.is_open or (
            a.history and a.history[-1].date >= day)]
        assert body.actions_open_on(day) == expected
        assert [a.history for a in body.actions_open_on(day)] == [a.history for a in expected]
        earlier = {m.id for m in plain.meetings if m.date < day}
        assert body.actions_open_on(day, made_before=True) == [
            a for a in expected if a.meeting in earlier]
    # after the whole list was decoded, the same answer from it
    assert body.all_actions() == plain.all_actions()
    assert body.actions_open_on(today) == plain.actions_open_on(today)


def test_an_index_whose_parts_are_cut_is_not_used(generated: tuple[Path, dt.date]) -> None:
    root = generated[0]
    plain = load(root).body
    load(root, indexed=True)
    [index] = Path(os.environ["KWARTAAL_CACHE_DIR"]).glob("*.parsed")
    data = index.read_bytes()
    index.write_bytes(data[:-10])  # the header whole, the last meeting's parts cut
    assert parsed.ParseIndex.open(root).entries == {}
    assert load(root, indexed=True).body.meetings == plain.meetings


@pytest.mark.parametrize("where", [0.1, 0.5, 0.99])
def test_an_index_with_a_byte_changed_in_its_parts_is_not_used(
        generated: tuple[Path, dt.date], where: float) -> None:
    """Parts are decoded long after the index was opened: a changed byte (a disk error, a
    damaged copy) must not surface then as a wrong text or an internal error."""
    root = generated[0]
    plain = load(root).body
    load(root, indexed=True)
    [index] = Path(os.environ["KWARTAAL_CACHE_DIR"]).glob("*.parsed")
    data = bytearray(index.read_bytes())
    start = 8 + int.from_bytes(data[:8], "big")  # the header's length, the header: the blobs
    at = start + int((len(data) - start) * where)
    data[at] ^= 0x20  # 'a' <-> 'A' in a text: still a valid blob
    index.write_bytes(bytes(data))
    assert parsed.ParseIndex.open(root).entries == {}
    body = load(root, indexed=True).body
    assert body.meetings == plain.meetings
    assert [[a.history for a in mt.actions] for mt in body.meetings] == [
        [a.history for a in mt.actions] for mt in plain.meetings]


def test_a_stored_meeting_keeps_its_index_file_open_only_while_needed(
        generated: tuple[Path, dt.date]) -> None:
    root = generated[0]
    load(root, indexed=True)
    body = load(root, indexed=True).body
    [index] = Path(os.environ["KWARTAAL_CACHE_DIR"]).glob("*.parsed")
    index.unlink()  # replaced or removed: what was opened is still read whole
    assert [len(mt.notes) for mt in body.meetings] == [
        len(mt.notes) for mt in load(root).body.meetings]


def _encoded_round_trip(meeting: Any) -> Any:
    import marshal

    return records.decode(marshal.loads(marshal.dumps(records.encode(meeting, meeting.src.path))),
                          meeting.src.path)


def test_packed_and_encoded_meetings_are_the_built_ones(example: Path) -> None:
    for meeting in load(example).body.meetings:
        path = meeting.src.path
        blob = meetingblob.pack(meeting, path)
        unpacked = meetingblob.unpack(
            lambda offset, length, blob=blob: blob[offset:offset + length], path)
        assert unpacked == meeting
        assert _encoded_round_trip(meeting) == meeting
        assert [a.status for a in meetingblob.unpack(
            lambda offset, length, blob=blob: blob[offset:offset + length], path
        ).actions.chosen(lambda status, last: True)] == [a.status for a in meeting.actions]
