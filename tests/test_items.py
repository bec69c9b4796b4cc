"""Correcting agenda items (set, withdraw, defer, done), naming them by number, id or word,
the ids on the internal agenda, and what 'meeting new' carries over out loud."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwartaal.core.ids import FIXED_WORDS, item_ref
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE, Run, commit_count, git, replace_in
from .test_meeting_edits import NEXT, k, meeting_file, read, refuses

ITEM_P4_TITLE = "Non-profit werkplek: uitkomst van de locatieverkenning"


def with_comment(body: Path) -> None:
    replace_in(meeting_file(body), 'id = "p1"', '# brought in at the last meeting\nid = "p1"')
    git(body.parent, "commit", "-qam", "a comment")


def item(body: Path, local: str, meeting_id: str = NEXT) -> dict:
    return next(i for i in read(body, meeting_id)["item"] if i["id"] == local)


def test_set_by_number_changes_the_item_in_place(example: Path, run: Run) -> None:
    with_comment(example)
    commits = commit_count(example.parent)
    # 4.1 on the internal agenda is p1 (under 'actueel')
    k(run, example, "item", "set", NEXT, "4.1", "--title", "Wet regulering sekswerk",
      "--title-en", "Sex work regulation bill", "--minutes", "25", "--top", "--theme", "")
    assert commit_count(example.parent) == commits + 1
    found = item(example, "p1")
    assert found["title"] == "Wet regulering sekswerk" and found["minutes"] == 25
    assert found["title_en"] == "Sex work regulation bill"
    assert "under" not in found and "theme" not in found
    assert "# brought in at the last meeting" in meeting_file(example).read_text("utf-8")
    assert "Sex work regulation bill" in k(run, example, "agenda", NEXT)
    k(run, example, "check", "--strict")
    k(run, example, "item", "set", NEXT, "p1", "--closed")
    public = k(run, example, "agenda", NEXT, "--public")
    assert "Wet regulering" not in public and "Sex work regulation" not in public


def test_item_refusals_touch_nothing(example: Path, run: Run) -> None:
    cases = [
        (("item", "set", NEXT, "p9", "--minutes", "5"), "unknown agenda item"),
        (("item", "set", NEXT, "rondvraag", "--minutes", "5"), "fixed part"),
        (("item", "set", NEXT, "p1"), "nothing to change"),
        (("item", "set", NEXT, "p1", "--minutes", "15"), "nothing to change"),
        (("item", "set", NEXT, "p1", "--title", " "), "title is empty"),
        (("item", "set", NEXT, "p1", "--under", "nergens"), "unknown standing item"),
        (("item", "set", NEXT, "p1", "--under", "beleid", "--top"), "not both"),
        (("item", "set", NEXT, "p1", "--theme", "geen"), "unknown theme"),
        (("item", "set", "2026-01-01", "p1", "--minutes", "5"), "no meeting"),
        (("item", "withdraw", NEXT, "p1", "--reason", ""), "--reason"),
        (("item", "withdraw", "2025-12-11", "p1", "--reason", "x"), "item done"),
        (("item", "defer", NEXT, "p1"), "meeting new"),
        (("item", "set", NEXT, "p3", "--title", "bel 06-12345678"), "phone"),
    ]
    for args, says in cases:
        refuses(run, example, *args, says=says)
    k(run, example, "item", "withdraw", NEXT, "p5", "--reason", "x")
    refuses(run, example, "item", "withdraw", NEXT, "p5", "--reason", "x", says="withdrawn")
    refuses(run, example, "item", "done", NEXT, "p5", says="withdrawn")
    k(run, example, "item", "done", NEXT, "p2")
    refuses(run, example, "item", "done", NEXT, "p2", says="handled already")


def test_withdraw_keeps_the_item_off_the_agenda_and_out_of_public(example: Path,
                                                                   run: Run) -> None:
    with_comment(example)
    commits = commit_count(example.parent)
    # p4 is closed: its title must never reach a public agenda, withdrawn or not
    k(run, example, "item", "withdraw", NEXT, "p4", "--reason", "not ready yet")
    k(run, example, "item", "withdraw", NEXT, "p1", "--reason", "the bill was postponed")
    assert commit_count(example.parent) == commits + 2
    assert item(example, "p4")["withdrawn"] == "not ready yet"
    assert "# brought in at the last meeting" in meeting_file(example).read_text("utf-8")
    internal = k(run, example, "agenda", NEXT)
    numbered, _, tail = internal.partition("Withdrawn:")
    assert ITEM_P4_TITLE not in numbered and "[p4]" in tail and "not ready yet" in tail
    for fmt in ("text", "md", "html", "json"):
        public = k(run, example, "agenda", NEXT, "--public", "--format", fmt)
        assert ITEM_P4_TITLE not in public and "not ready yet" not in public
        if fmt == "json":
            assert json.loads(public)["withdrawn"] == []
        else:
            assert "withdrawn" not in public.lower()
    k(run, example, "check", "--strict")
    # not carried over once the meeting was held
    k(run, example, "meeting", "held", NEXT, today="2026-03-13")
    k(run, example, "meeting", "new", "--date", "2026-06-11", today="2026-03-13")
    titles = [i["title"] for i in read(example, "2026-06-11").get("item", [])]
    assert ITEM_P4_TITLE not in titles and not any("Wet regulering" in t for t in titles)


def test_defer_moves_the_item_to_the_next_meeting_in_one_commit(example: Path,
                                                                 run: Run) -> None:
    k(run, example, "meeting", "new", "--date", "2026-06-11")
    commits = commit_count(example.parent)
    out = k(run, example, "item", "defer", NEXT, "3.1")  # p2, under beleid
    assert "deferred 2026-03-12/p2 to 2026-06-11" in out
    assert commit_count(example.parent) == commits + 1
    changed = git(example.parent, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(changed) == ["meetings/meetings/2026-03-12.toml",
                               "meetings/meetings/2026-06-11.toml"]
    assert item(example, "p2")["deferred_to"] == "2026-06-11"
    copies = [i for i in read(example, "2026-06-11")["item"]
              if i.get("carried_from") == f"{NEXT}/p2"]
    assert len(copies) == 1
    assert "Uitkomst van het gesprek" not in k(run, example, "agenda", NEXT)
    later = k(run, example, "agenda", "2026-06-11")
    assert later.count("Uitkomst van het gesprek") == 1
    assert f"[{copies[0]['id']}]" in later
    k(run, example, "check", "--strict")
    refuses(run, example, "item", "defer", NEXT, "p2", says="deferred")


def test_done_is_not_carried_over(example: Path, run: Run) -> None:
    k(run, example, "item", "done", NEXT, "p2")
    assert item(example, "p2")["handled"] is True
    k(run, example, "meeting", "held", NEXT, today="2026-03-13")
    out = k(run, example, "meeting", "new", "--date", "2026-06-11", today="2026-03-13")
    titles = [i["title"] for i in read(example, "2026-06-11").get("item", [])]
    assert not any("Uitkomst van het gesprek" in t for t in titles)
    assert "Uitkomst van het gesprek" not in out


def test_meeting_new_says_what_it_carries_and_skips_what_was_discussed(example: Path,
                                                                       run: Run) -> None:
    k(run, example, "meeting", "held", NEXT, today="2026-03-13")
    # p1 is under 'actueel': a note there means it was discussed
    k(run, example, "note", NEXT, "actueel", "Besproken.", today="2026-03-13")
    out = k(run, example, "meeting", "new", "--date", "2026-06-11", today="2026-03-13")
    carried = read(example, "2026-06-11").get("item", [])
    froms = {i["carried_from"] for i in carried}
    assert f"{NEXT}/p1" not in froms and f"{NEXT}/p2" in froms
    assert "carried over from earlier meetings" in out
    agenda = k(run, example, "agenda", "2026-06-11", today="2026-03-13")
    checked = 0
    for line in out.splitlines()[1:]:
        found = re.match(r"\s+(\d+) (.+) \(from (\S+); to leave it off: kwartaal item "
                         r"withdraw (\S+) (\S+) --reason … or kwartaal item done \S+ \S+\)$",
                         line)
        if not found:
            continue
        number, title, source, again, local = found.groups()
        assert source == again == NEXT
        assert re.search(rf"^{number}\.\s+\[p-\w+\] {re.escape(title)}", agenda, re.M), line
        assert any(i["title"] == title and i["id"] == local for i in read(example)["item"])
        checked += 1
    assert checked == len(carried)


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_internal_agenda_shows_ids_and_public_never(example: Path, run: Run,
                                                    fmt: str) -> None:
    internal = k(run, example, "agenda", NEXT, "--format", fmt)
    for local in ("p1", "p2", "p3", "p4", "p5"):
        assert f"[{local}]" in internal
    public = k(run, example, "agenda", NEXT, "--public", "--format", fmt)
    assert not re.search(r"\[p[-\d]", public)
    assert ITEM_P4_TITLE not in public


def test_every_command_takes_the_number_the_id_and_the_words(example: Path, run: Run) -> None:
    body = load_checked(example)
    meeting = body.meeting(NEXT)
    assert meeting is not None
    for word, key in FIXED_WORDS.items():
        assert item_ref(body, meeting, word) == key
        assert item_ref(body, meeting, word.upper().replace("-", " ")) == key
    assert item_ref(body, meeting, "vorige notulen") == "previous-minutes"
    # note and action add use the same references
    k(run, example, "note", "2025-12-11", "rondvraag", "Geen vragen.")
    assert read(example, "2025-12-11")["note"][-1]["item"] == "any-other-business"


@settings(max_examples=30, deadline=None, derandomize=True)
@given(st.sampled_from(["1", "2", "3", "3.1", "4", "4.1", "5", "5.1", "6", "7", "8", "9",
                        "10", "p1", "p2", "p3", "p4", "p5"]))
def test_a_number_and_the_id_shown_beside_it_name_the_same_item(ref: str) -> None:
    """What the internal agenda shows as 'N [id]' resolves to the same item both ways."""
    body = load_checked(EXAMPLE)
    meeting = body.meeting(NEXT)
    assert meeting is not None
    from kwartaal.documents.agenda import build_agenda

    agenda = build_agenda(body, meeting, dt.date(2026, 1, 15), "nl", public=False)
    shown = {i["number"]: i["ref"] for top in agenda["items"]
             for i in (top, *top["children"]) if i["ref"]}
    resolved = item_ref(body, meeting, ref)
    if ref in shown:
        assert item_ref(body, meeting, shown[ref]) == resolved
    if ref in shown.values():
        number = next(n for n, r in shown.items() if r == ref)
        assert item_ref(body, meeting, number) == resolved


def test_nothing_is_recorded_under_a_withdrawn_item(example: Path, run: Run) -> None:
    k(run, example, "item", "withdraw", NEXT, "p5", "--reason", "later")
    k(run, example, "meeting", "held", NEXT, today="2026-03-13")
    refuses(run, example, "note", NEXT, "p5", "x", says="off the agenda", today="2026-03-13")
    # written by hand all the same: check names it
    path = meeting_file(example)
    path.write_text(path.read_text("utf-8") + '\n[[note]]\nid = "n-2222"\nitem = "p5"\n'
                    'text = "x"\n', encoding="utf-8")
    out = k(run, example, "check", expect=1, today="2026-03-13")
    assert "p5 is withdrawn but" in out


def test_item_commands_complete_the_items_still_on_the_agenda(example: Path, run: Run) -> None:
    from .test_complete import complete

    assert complete(example, f"kwartaal item set {NEXT} p") == [f"p{n}" for n in range(1, 8)]
    k(run, example, "item", "withdraw", NEXT, "p7", "--reason", "later")
    assert complete(example, f"kwartaal item done {NEXT} ") == [f"p{n}" for n in range(1, 7)]


def test_an_item_not_reached_is_carried_again_and_again(example: Path, run: Run) -> None:
    """p3 of March is itself carried from December: not reached in March, it goes on to
    June, pointing at the March copy; every item of a meeting where nothing was recorded
    comes along."""
    k(run, example, "meeting", "held", NEXT, today="2026-03-13")
    k(run, example, "meeting", "new", "--date", "2026-06-11", today="2026-03-13")
    froms = sorted(i["carried_from"] for i in read(example, "2026-06-11")["item"])
    assert froms == [f"{NEXT}/p{n}" for n in range(1, 8)]
    # the feedback owed to this meeting on input asked in December (else check warns)
    k(run, example, "feedback", "2025-12-11", "p1", "Verstuurd.", today="2026-03-13")
    k(run, example, "check", "--strict", today="2026-03-13")


def test_an_item_of_approved_minutes_can_only_be_closed(example: Path, run: Run) -> None:
    base = ["--repo", str(example), "--today", "2026-01-15", "--lang", "en"]
    path = example / "meetings" / "2025-09-11.toml"
    before = path.read_bytes()
    for args in (["--title", "Anders"], ["--minutes", "5"], ["--open"]):
        out = run(*base, "item", "set", "2025-09-11", "p1", *args, expect=1).output
        assert "can only be closed now" in out
    run(*base, "item", "withdraw", "2025-09-11", "p2", "--reason", "x", expect=1)
    assert path.read_bytes() == before
    run(*base, "item", "set", "2025-09-11", "p1", "--closed")
    assert b"closed = true" in path.read_bytes()
