"""Each meeting's facts (core/facts.py), stored by the parse index: public output is checked
against exactly what walking every record of the body would give, never against stale facts,
and a warm public command decodes no other meeting's notes, decisions or compensation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sys
import time
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core import facts, forbidden
from kwartaal.core import model as m
from kwartaal.core.fields import public_fields as fields_public
from kwartaal.core.folding import fold
from kwartaal.core.formats import money
from kwartaal.core.labels import labels
from kwartaal.core.problems import Msg, msg
from kwartaal.core.visibility import View
from kwartaal.files.loader import load

from .conftest import EXAMPLE_TODAY, Run, commit_all, git

PROPERTY = settings(derandomize=True, max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


def searched(value: str) -> str:
    """A text folded, its punctuation (a Unicode category P*) as spaces, single-spaced."""
    return " ".join("".join(" " if unicodedata.category(ch)[0] == "P" else ch
                            for ch in fold(value)).split())


def reference(view: View, body: m.Body) -> list[tuple[str, Msg]]:
    """What must never appear in public output, as it was found before meetings had facts:
    by walking every record of every meeting (written here again, as it was)."""
    public_texts: set[str] = set()
    amounts: dict[tuple[str, str], str] = {}
    closed: list[tuple[str, Msg]] = []
    for meeting in body.meetings:
        rows: list[tuple[Any, tuple[str, ...]]] = []
        rows += [(i, (i.title, i.note, i.feedback)) for i in meeting.items]
        rows += [(r, (r.text, getattr(r, "feedback", "")))
                 for r in (*meeting.notes, *meeting.decisions)]
        rows += [(a, (a.title,)) for a in meeting.actions]
        for record, texts in rows:
            target = closed if view.is_closed(record) else None
            for value in texts:
                folded = searched(value)
                if target is None:
                    public_texts.add(folded)
                elif len(folded) >= 8:
                    target.append((folded, msg("the text of closed record {id}",
                                               id=record.id)))
    out = [(needle, what) for needle, what in closed if needle not in public_texts]
    cfg = body.config
    links = {cfg.cadence.link, *(mt.link for mt in body.meetings)}
    if not cfg.public_link:  # as written, and without its scheme
        out += [(searched(text), msg("the meeting link")) for link in links
                if len(link.strip()) >= 6
                for text in (link, link.strip().split("://", 1)[-1])]
    for meeting in body.meetings:
        if not view.place_is_public(meeting):
            place = meeting.place or cfg.cadence.place
            if len(place.strip()) >= 4:
                out.append((searched(place), msg(
                    "the place of meeting {id}, which is internal", id=meeting.id)))
        for line in meeting.compensation:
            for language in ("nl", "en"):
                if (str(line.amount), language) not in amounts:
                    amounts[str(line.amount), language] = searched(money(line.amount,
                                                                         language))
                out.append((amounts[str(line.amount), language], msg(
                    "a compensation amount of meeting {id}", id=meeting.id)))
    for language in ("nl", "en"):
        out.append((searched(labels(language)["compensation_heading"]),
                    msg("the compensation section")))
    unique: dict[str, Msg] = {}
    for needle, what in out:
        if any(ch.isalnum() for ch in needle):
            unique.setdefault(needle, what)
    return list(unique.items())


# -- random bodies -------------------------------------------------------------------------------

# Texts that fold alike, texts shorter than a closed text is searched for, and others
TEXTS = ["Evaluatie van het spreekuur", "EVALUATIE van het Spreekuur", "Évaluatie van het "
         "spreekuur", "Pand aan de Havenweg", "pand  aan de havenweg", "Kort", "Subsidie",
         "Gesprek met de woonstichting", ""]
DATES = ["2025-03-13", "2025-06-12", "2025-09-11"]
STANDING = ["beleid", "actueel"]


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


refs = st.one_of(st.sampled_from(["", "opening", "any-other-business", "zz", *STANDING]),
                 st.sampled_from(["p1", "p2", "p3"]),
                 st.tuples(st.sampled_from(DATES), st.sampled_from(["p1", "p2", "p9"]))
                 .map("/".join))
items = st.lists(st.tuples(st.booleans(), st.sampled_from(TEXTS[:-1]), st.sampled_from(TEXTS),
                           st.one_of(st.just(""), refs.filter(lambda r: "/" in r))),
                 max_size=3)
records = st.lists(st.tuples(st.booleans(), st.sampled_from(TEXTS[:-1]), refs), max_size=3)
meetings = st.lists(st.tuples(items, records, records, records,
                              st.lists(st.sampled_from(["15.00", "12.50", "37.45"]),
                                       max_size=2),
                              st.sampled_from(["", "Havenweg 12", "Stadhuis"]),
                              st.sampled_from([None, True, False])),
                    min_size=1, max_size=3)


def _meeting_file(date: str, found: Any) -> str:
    its, notes, decisions, actions, amounts, place, public_place = found
    out = [f"date = {date}", 'status = "held"']
    if place:
        out.append(f"place = {_q(place)}")
    if public_place is not None:
        out.append(f"public_place = {str(public_place).lower()}")
    for index, (closed, title, note, carried) in enumerate(its, start=1):
        out += ["", "[[item]]", f'id = "p{index}"', f"title = {_q(title)}",
                f"closed = {str(closed).lower()}"]
        out += [f"note = {_q(note)}"] if note else []
        out += [f"carried_from = {_q(carried)}"] if carried else []
    for index, (closed, text, ref) in enumerate(notes, start=1):
        out += ["", "[[note]]", f'id = "n{index}"', f"item = {_q(ref or 'opening')}",
                f"text = {_q(text)}", f"closed = {str(closed).lower()}"]
    for index, (closed, text, ref) in enumerate(decisions, start=1):
        out += ["", "[[decision]]", f'id = "d{index}"', f"text = {_q(text)}",
                f"closed = {str(closed).lower()}"]
        out += [f"item = {_q(ref)}"] if ref else []
    for index, (closed, title, ref) in enumerate(actions, start=1):
        out += ["", "[[action]]", f'id = "a{index}"', f"title = {_q(title)}", 'owner = "p01"',
                f"due = {date}", 'status = "open"', f"closed = {str(closed).lower()}"]
        out += [f"item = {_q(ref)}"] if ref else []
    for index, amount in enumerate(amounts, start=1):
        out += ["", "[[compensation]]", f'id = "c{index}"', 'person = "p01"', 'kind = "fee"',
                f"amount = {amount}"]
    return "\n".join(out) + "\n"


def _settings(standing: list[str], public_place: bool) -> str:
    out = ['[body]', 'name = "Proefoverleg"', 'language = "nl"', "",
           "[cadence]", 'place = "Wijkcentrum De Linde"', 'link = "https://meet.example.org/x"',
           "", "[privacy]", f"public_place = {str(public_place).lower()}"]
    for key in standing:
        out += ["", "[[standing]]", f"key = {_q(key)}", f"title = {_q(key.title())}"]
    return "\n".join(out) + "\n"


def _write_body(root: Path, found: list[Any], standing: list[str], public_place: bool) -> None:
    shutil.rmtree(root, ignore_errors=True)
    (root / "meetings").mkdir(parents=True)
    (root / "kwartaal.toml").write_text(_settings(standing, public_place), encoding="utf-8")
    (root / "people.toml").write_text('[p01]\nname = "Persoon Een"\nvisibility = "named"\n',
                                      encoding="utf-8")
    for date, meeting in zip(DATES, found, strict=False):
        (root / "meetings" / f"{date}.toml").write_text(_meeting_file(date, meeting),
                                                        encoding="utf-8")


def _loaded(root: Path, indexed: bool) -> m.Body:
    return load(root, indexed=indexed).body


@PROPERTY
@given(meetings, st.lists(st.sampled_from(STANDING), unique=True),
       st.lists(st.sampled_from(STANDING), unique=True), st.booleans(),
       st.sampled_from(["nl", "en"]))
def test_the_facts_give_what_walking_every_record_gives(
        tmp_path: Path, found: list[Any], standing: list[str], later: list[str],
        public_place: bool, lang: str) -> None:
    """From the records, from an index made this run, from an index of an earlier run, and
    after the settings changed (what is closed depends on them, the facts do not)."""
    root = tmp_path / "body"
    _write_body(root, found, standing, public_place)
    for indexed in (False, True, True):
        body = _loaded(root, indexed)
        view = View(body, lang, public=True)
        assert forbidden.forbidden_texts(view, body) == reference(view, body)
    (root / "kwartaal.toml").write_text(_settings(later, not public_place), encoding="utf-8")
    body = _loaded(root, True)
    stored = [mt.actions.stored_facts(facts.CLOSABLE) for mt in body.meetings]
    assert all(found is not None for found in stored)  # the facts came from the index
    view = View(body, lang, public=True)
    assert forbidden.forbidden_texts(view, body) == reference(view, body)


@PROPERTY
@given(meetings)
def test_records_no_view_closes_are_never_closed(tmp_path: Path, found: list[Any]) -> None:
    """What the facts keep only as keys is open for every view, whatever the settings."""
    root = tmp_path / "body"
    _write_body(root, found, [], True)
    loaded = _loaded(root, False)
    for standing in ([], STANDING):
        config = dataclasses.replace(loaded.config, standing=[
            dataclasses.replace(loaded.config.standing[0], key=key) for key in standing]
            if loaded.config.standing else [])
        body = dataclasses.replace(loaded, config=config)
        view = View(body, "nl", public=True)
        for meeting in body.meetings:
            closable = {row[1] for row in facts.meeting_facts(meeting)[facts.CLOSABLE]}
            for record, _ in facts.record_texts(meeting):
                if record.id not in closable:
                    assert not view.is_closed(record), record.id
                else:
                    flag, ref = getattr(record, "closed", False), getattr(record, "item", "")
                    assert view.closes(meeting.id, isinstance(record, m.Item), record.id,
                                       flag, ref) == view.is_closed(record)


# -- the search of a rendering ----------------------------------------------------------------

WORDS = ["zaal", "twee", "het", "overleg", "havenweg", "12", "€", "25,00", "ab", "a"]
spacing = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u2003", "\x1c", "\r\n"])
texts = st.lists(st.tuples(st.sampled_from(WORDS), spacing), max_size=40).map(
    lambda parts: "".join(word + space for word, space in parts))


@settings(derandomize=True, max_examples=300, deadline=None)
@given(texts, st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5)
                       .map(" ".join), max_size=12), st.sets(st.sampled_from(WORDS)))
def test_the_search_finds_what_a_plain_search_finds(text: str, needles: list[str],
                                                    allowed: set[str]) -> None:
    spaced = forbidden.spaced(text)
    assert spaced == " ".join(text.split())
    pairs = [(needle, msg("the meeting link")) for needle in needles]
    assert forbidden.found_in(spaced, pairs, allowed) == [
        what for needle, what in pairs if needle in spaced and needle not in allowed]


# pieces of texts, ordinary and not: every step of the fold (escapes, entities, iCalendar
# lines, markup, Markdown marks, other scripts, whitespace split() sees) and the NUL that
# parts texts read together
PIECES = ["Havenweg 12", "ZAAL", " ", "\t", "\n", "\n ", "\r\n\t", "\x1c", "\x00", "a\x00",
          ",", "'s", "-", "\\", "\\_", "\\n", "&amp;", "&lt;b&gt;", "&", "<b>", "<!--", "-->",
          "](x)", "[a]", "_", "*", "~", "`", "é", "Ë", "\u200b", "€", "\u00a0", "I", "ǅ"]
facts_texts = st.lists(st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
                       max_size=8)


@settings(derandomize=True, max_examples=500, deadline=None)
@given(facts_texts)
def test_texts_folded_together_are_folded_as_each_alone(values: list[str]) -> None:
    assert facts.folded_each(values) == [facts.folded(value) for value in values]


def test_plain_texts_are_folded_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """The common case takes the joint reading (it alone is fast enough for 130,000 texts)."""
    values = ["Evaluatie opvang, 2e kwartaal", "Overleg\nmet de GGD", "a.b  c"]
    alone = [facts.folded(value) for value in values]
    monkeypatch.setattr(facts, "folded", None)  # not called
    assert facts.folded_each(values) == alone == ["evaluatie opvang 2e kwartaal",
                                                  "overleg met de ggd", "a b c"]
    monkeypatch.undo()
    assert facts.folded_each(["a\x00b", "c"]) == [facts.folded("a\x00b"), "c"]


def test_a_needle_split_differently_is_not_missed() -> None:
    """Inner words are whole words of the rendering wherever the needle is found."""
    found = forbidden.found_in("de zaal twee is vrij", [("zaal twee is", msg("x"))], set())
    assert found == [msg("x")]
    assert forbidden.found_in("de zaaltwee is vrij", [("de zaal twee", msg("x"))], set()) == []


# -- never stale, warm -----------------------------------------------------------------------

AGENDA = ["agenda", "2026-03-12", "--public", "--format", "md"]
MINUTES = ["minutes", "2025-12-11", "--public", "--format", "html"]
REPORT = ["report", "--year", "2025", "--format", "json"]
PUBLIC = [[*lang, *command] for lang in ([], ["--lang", "en"])
          for command in (AGENDA, MINUTES, REPORT)]
# In a file that none of these commands renders (only its facts are read): a closed item
CLOSED_FILE = "2025-06-12.toml"
CLOSED_TITLE = 'title = "Verkenning non-profit werkplek: locatie en subsidie"'
# ... and text that the public agenda shows, in the middle of an item's title
SHOWN = "Voorlichting aan buren"


def _outputs(run: Run, body: Path, commands: list[list[str]]) -> list[Any]:
    return [(args, *_result(run, body, args)) for args in commands]


def _result(run: Run, body: Path, args: list[str]) -> tuple[int, str]:
    result = run("--repo", str(body), "--today", EXAMPLE_TODAY, *args, expect=None)
    return result.exit_code, result.output


def _uncached(run: Run, body: Path, commands: list[list[str]],
              monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with monkeypatch.context() as patch:
        patch.setenv("KWARTAAL_NO_CACHE", "1")
        return _outputs(run, body, commands)


def _same_size(path: Path, old: str, new: str, *, in_place: bool = True) -> None:
    """old replaced by new, padded with spaces inside its quotes to the same size; the file
    rewritten in place (or replaced) with its modification time put back."""
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    assert len(new.encode()) <= len(old.encode())
    padded = new[:-1] + " " * (len(old.encode()) - len(new.encode())) + new[-1]
    data = text.replace(old, padded, 1).encode()
    assert len(data) == stat.st_size
    if in_place:
        with open(path, "r+b") as handle:
            handle.write(data)
    else:
        fresh = path.with_suffix(".new")
        fresh.write_bytes(data)
        os.replace(fresh, path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _closed_title(body: Path) -> None:
    _same_size(body / "meetings" / CLOSED_FILE, CLOSED_TITLE, f'title = "{SHOWN}"')


def _closed_title_replaced(body: Path) -> None:
    _same_size(body / "meetings" / CLOSED_FILE, CLOSED_TITLE, f'title = "{SHOWN}"',
               in_place=False)


def _closed_title_checked_out(body: Path) -> None:
    repo = body.parent
    git(repo, "checkout", "-q", "-b", "other")
    _closed_title(body)
    commit_all(repo, "other")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "other")


def _closed_title_copied_with_old_times(body: Path) -> None:
    source = body / "meetings" / CLOSED_FILE
    spare = body.parent / "spare.toml"
    shutil.copy2(source, spare)
    _same_size(spare, CLOSED_TITLE, f'title = "{SHOWN}"')
    old = source.stat()
    shutil.copy2(spare, source)
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns))
    spare.unlink()


def _closed_item_added(body: Path) -> None:
    path = body / "meetings" / "2024-12-12.toml"
    path.write_text(f'date = 2024-12-12\nstatus = "held"\n\n[[item]]\nid = "p1"\n'
                    f'title = "Besloten"\nclosed = true\nnote = "{SHOWN}"\n', encoding="utf-8")
    stat = (body / "meetings" / CLOSED_FILE).stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _amount(body: Path) -> None:
    """A compensation line of a meeting none of the commands renders now pays the amount a
    public item's title mentions (set up by _mentions)."""
    _same_size(body / "meetings" / "2025-03-13.toml", "amount = 12.50", "amount = 37.45")


def _place(body: Path) -> None:
    """The internal place of a meeting none of the commands renders is now a name that the
    public agenda shows."""
    _same_size(body / "meetings" / "2025-03-13.toml", 'place = "Havenweg 12, achteringang"',
               'place = "Stichting Zijweg"')


def _standing_renamed(body: Path) -> None:
    """The standing item a note hangs under is renamed: the note is closed now, and its text
    is in the public agenda."""
    _same_size(body / "kwartaal.toml", 'key = "samenwerking"', 'key = "samenwerkinx"')


def _facts_blob_changed(body: Path) -> None:
    """Every byte of the index after its header changed: sealed, so never read."""
    del body
    for index in _parsed_indexes():
        data = bytearray(index.read_bytes())
        header = 8 + int.from_bytes(data[:8], "big")
        for at in range(header, len(data), 97):
            data[at] ^= 0x5A
        index.write_bytes(bytes(data))


def _parsed_indexes() -> list[Path]:
    from kwartaal.files.cache import cache_dir

    return sorted(cache_dir().glob("*.parsed"))


ATTACKS = [_closed_title, _closed_title_replaced, _closed_title_checked_out,
           _closed_title_copied_with_old_times, _closed_item_added, _amount, _place,
           _standing_renamed]


def _mentions(body: Path) -> None:
    """Set up before the index is made: an amount in a public title, an internal place, and a
    note under a standing item whose text the public agenda shows in the middle of a title."""
    path = body / "meetings" / "2026-03-12.toml"
    text = path.read_text(encoding="utf-8")
    title = 'title = "Voorlichting aan buren: thuiswerken is toegestaan"'
    assert title in text
    path.write_text(text.replace(
        title, 'title = "Voorlichting aan buren: thuiswerken is toegestaan, € 37,45"'),
        encoding="utf-8")
    path = body / "meetings" / "2025-03-13.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('place = "Wijkcentrum De Linde, zaal 2"',
                                 'place = "Havenweg 12, achteringang"\npublic_place = false'),
                    encoding="utf-8")
    path = body / "meetings" / "2025-09-11.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[[note]]\nid = "n-q7zx"\n'
                    'item = "samenwerking"\ntext = "thuiswerken is toegestaan"\n',
                    encoding="utf-8")
    commit_all(body.parent, "mentions")


@pytest.fixture
def warm(example: Path, run: Run) -> Path:
    """The example, set up, with a parse index written more than two seconds after the files:
    their stat records are trusted, the path the attacks have to get past."""
    _mentions(example)
    time.sleep(2.1)
    for args in PUBLIC:
        assert _result(run, example, args)[0] == 0, args
    return example


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.__name__[1:])
def test_a_forbidden_text_from_a_file_not_rendered_is_refused_warm(
        warm: Path, run: Run, monkeypatch: pytest.MonkeyPatch, attack: Any) -> None:
    attack(warm)
    expected = _uncached(run, warm, PUBLIC, monkeypatch)
    assert _outputs(run, warm, PUBLIC) == expected
    assert _outputs(run, warm, PUBLIC) == expected
    refused = [args for args, code, _ in expected if code != 0]
    assert AGENDA in refused and ["--lang", "en", *AGENDA] in refused, expected
    says = {"amount": "compensation amount", "place": "place of meeting"}.get(
        attack.__name__[1:], "text of closed record")
    [english] = [output for args, _, output in expected if args == ["--lang", "en", *AGENDA]]
    assert says in english, english


def test_a_damaged_index_is_not_read(warm: Path, run: Run,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _closed_title(warm)
    _facts_blob_changed(warm)
    expected = _uncached(run, warm, PUBLIC, monkeypatch)
    assert _outputs(run, warm, PUBLIC) == expected
    assert expected[0][1] != 0


# -- what a warm public command reads -----------------------------------------------------------

def test_a_warm_public_agenda_decodes_no_other_meeting(example: Path, run: Run,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from kwartaal.documents.agenda import render_agenda
    from kwartaal.documents.minutes import render_minutes

    run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda")  # writes the index
    body = load(example, indexed=True).body
    computed: list[str] = []
    made = facts.meeting_facts

    def counting(meeting: m.Meeting) -> tuple[Any, ...]:
        computed.append(meeting.id)
        return made(meeting)

    monkeypatch.setattr(facts, "meeting_facts", counting)
    others = [mt for mt in body.meetings if mt.id not in ("2026-03-12", "2025-12-11")]
    meeting = body.meeting("2026-03-12")
    assert meeting is not None
    render_agenda(body, meeting, dt.date(2026, 1, 15), "nl", public=True, fmt="md")
    held = body.meeting("2025-12-11")
    assert held is not None
    render_minutes(body, held, "nl", public=True, fmt="md")
    assert computed == []  # every meeting's facts came from the index
    # no other meeting's compensation lines, nor the notes of any but the meeting before
    # each (what may be carried over)
    assert all(mt.compensation.pending for mt in others)
    assert all(mt.notes.pending for mt in others if mt.id != "2025-09-11")


def test_facts_are_those_of_the_records(example: Path, run: Run) -> None:
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda")
    warm = load(example, indexed=True).body
    cold = load(example).body
    for stored, built in zip(warm.meetings, cold.meetings, strict=True):
        whole = facts.meeting_facts(built)
        assert facts.facts_of(stored) == (whole[0], None, *whole[2:])
        assert facts.open_keys(stored) == whole[facts.OPEN]
        assert facts.facts_of(built) == whole
    assert any(facts.keys(facts.open_keys(mt)) for mt in warm.meetings)
    assert sys.byteorder in ("little", "big")


def test_amounts_are_kept_as_written() -> None:
    line = m.CompensationLine(id="x/c1", local_id="c1", person="p", kind="fee", hours=None,
                              amount=Decimal("16.80"), method="bank", payee="", paid=None,
                              note="", void=None, void_reason="", src=None)  # type: ignore[arg-type]
    meeting = m.Meeting(id="2025-01-01", date=dt.date(2025, 1, 1), time="", length=None,
                        place="", format="", link="", status="held", chair="", secretary="",
                        invited=[], present=[], excused=[], absent=[], online=[],
                        minutes_reviewed=None, minutes_approved=None, published=None,
                        items=[], notes=[], decisions=[], actions=[],
                        compensation=[line, line], src=None)  # type: ignore[arg-type]
    assert facts.meeting_facts(meeting)[facts.AMOUNTS] == ("16.80",)


def test_feedback_given_at_a_meeting_is_what_reported_at_says(tmp_path: Path) -> None:
    """given_at judges each entry once; the same entries as asking reported_at of each."""

    from kwartaal.core.feedback import asked, given_at, reported_at

    from .conftest import EXAMPLE, generated_body

    generated, _ = generated_body(tmp_path / "generated", 40)
    for root in (EXAMPLE, generated):
        body = load(root).body
        # the same dates twice, and meetings not held, in the middle of the list
        body.meetings[2:2] = [dataclasses.replace(body.meetings[3], id="x", status=status)
                              for status in ("held", "planned", "cancelled")]
        entries = asked(body)
        assert any(entry.answered for entry in entries)
        for meeting in body.meetings:
            expected = [entry for entry in entries if reported_at(body, entry) is meeting]
            assert given_at(body, meeting) == expected



# -- records stored by a command without public output ------------------------------------------

INTERNAL = [["agenda", "2026-03-12", "--format", "md"], ["minutes", "2025-12-11"],
            ["--lang", "en", "agenda", "2026-03-12", "--format", "json"],
            ["meeting", "list", "--json"]]


def _kinds(body: Path) -> set[str]:
    """The kinds of records the body's parse index holds (files/parsed.py RECORDS)."""
    from kwartaal.files.parsed import RECORDS, ParseIndex

    index = ParseIndex.open(body)
    try:
        return {kind for entry in index.entries.values() for kind in entry[RECORDS]}
    finally:
        index.close()


@pytest.fixture
def warm_inside(example: Path, run: Run) -> Path:
    """As warm, but the parse index written by commands that make no public output: its
    records are stored without the facts public output is checked with."""
    _mentions(example)
    time.sleep(2.1)
    for args in INTERNAL:
        assert _result(run, example, args)[0] == 0, args
    assert _kinds(example) == {"nl/inside"}
    return example


@pytest.mark.parametrize("attack", [None, *ATTACKS],
                         ids=lambda attack: "none" if attack is None else attack.__name__[1:])
def test_records_stored_without_public_facts_never_let_a_forbidden_text_out(
        warm_inside: Path, run: Run, monkeypatch: pytest.MonkeyPatch, attack: Any) -> None:
    """The first public command after internal ones reads every file again and stores its
    records with their facts; its output, and every later one, is the uncached output."""
    if attack is not None:
        attack(warm_inside)
    expected = _uncached(run, warm_inside, [*PUBLIC, *INTERNAL], monkeypatch)
    assert _outputs(run, warm_inside, PUBLIC) == expected[:len(PUBLIC)]
    assert _kinds(warm_inside) == {"nl"}  # records with public facts stand for the others
    assert _outputs(run, warm_inside, INTERNAL) == expected[len(PUBLIC):]
    assert _kinds(warm_inside) == {"nl"}
    assert _outputs(run, warm_inside, [*PUBLIC, *INTERNAL]) == expected
    if attack is not None:
        refused = [args for args, code, _ in expected if code != 0]
        assert AGENDA in refused and ["--lang", "en", *AGENDA] in refused, expected


def test_a_public_view_of_records_without_public_facts_computes_them(
        warm_inside: Path) -> None:
    """Loaded without public facts, a body still gives a public view everything it must
    not show: computed from the records (core/facts.py), as a body loaded uncached gives."""
    body = load(warm_inside, indexed=True, public=False).body
    assert all(mt.actions.stored_facts(facts.CLOSABLE) is None for mt in body.meetings)
    assert all(mt.actions.stored_facts(facts.NOTES) is not None for mt in body.meetings)
    uncached = load(warm_inside).body
    for lang in ("nl", "en"):
        view = View(body, lang, public=True)
        assert forbidden.forbidden_texts(view, body) == reference(view, body) == \
            forbidden.forbidden_texts(View(uncached, lang, public=True), uncached)


# -- every field public output may show is a closed text when its record is closed ----------

# The closed records of the example under closed item 2025-09-11/p3, by kind: (table, id).
CLOSED_RECORDS = {m.Item: ("item", "p3"), m.Note: ("note", "n3"),
                  m.Decision: ("decision", "d3"), m.Action: ("action", "a4")}
FIELDS = [(cls, decl) for cls in CLOSED_RECORDS for decl in fields_public(cls)]


@pytest.mark.parametrize(("cls", "decl"), FIELDS,
                         ids=[f"{cls.__name__}.{decl.key}" for cls, decl in FIELDS])
def test_each_public_field_of_a_closed_record_is_refused_when_quoted(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch, cls: type, decl: Any) -> None:
    """Whatever field of a closed record public output could show (an item's English title
    as much as its title), quoted whole in an open note, is refused by every public output,
    cached or not, in either language."""
    import tomlkit

    secret = "Vertrouwelijk verslag over de melding in de Tulpstraat op dinsdag"
    table, record_id = CLOSED_RECORDS[cls]
    path = example / "meetings" / "2025-09-11.toml"
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    [row] = [row for row in document[table] if row["id"] == record_id]
    row[decl.key] = secret
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
    held = example / "meetings" / "2025-12-11.toml"
    text = held.read_text(encoding="utf-8")
    quoted = 'text = "De politie meldt dat de wijkagent Centrum vast'
    assert quoted in text
    held.write_text(text.replace(quoted, f'text = "{secret}. De politie meldt dat de '
                                         'wijkagent Centrum vast', 1), encoding="utf-8")
    commit_all(example.parent, "quoted")
    commands = [[*lang, "minutes", "2025-12-11", "--public"] for lang in ([], ["--lang", "en"])]
    expected = _uncached(run, example, commands, monkeypatch)
    assert all(code != 0 and f"2025-09-11/{record_id}" in output and secret not in output
               for _, code, output in expected), expected
    assert _outputs(run, example, commands) == expected  # cold
    assert _outputs(run, example, commands) == expected  # warm
