"""A site of a thousand year reports in little memory, searched as strictly as before: every
action passes once without staying decoded with its meeting (model.passing), each page is
searched as it is made and held packed (files/sitefiles.py); and the search itself reads a
long rendering a part at a time and looks for each closed text only where the words it needs
are (forbidden.Needles). Each is held here to what the straightforward way gives."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kwartaal.core import folding, forbidden, longtext
from kwartaal.core import model as m
from kwartaal.core.folding import READINGS, fold, fold_mapped, name_fold, name_fold_mapped
from kwartaal.core.problems import msg
from kwartaal.documents.site import build_site, site_files
from kwartaal.files.loader import load, load_checked
from kwartaal.files.sitefiles import SiteFiles, encoded, pack, unpack

from .conftest import EXAMPLE_TODAY

FIXED = settings(derandomize=True, max_examples=300, deadline=None)


# -- reading a long rendering a part at a time ----------------------------------------------------

_ICAL_FOLD = re.compile(r"\r?\n[ \t]")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _as_read(text: str) -> str:
    """as_read as it was, on the whole text at once."""
    text = _ICAL_FOLD.sub("", text)
    if "\\" in text:
        text = _ESCAPED.sub(r"\1", text.replace("\\n", "\n"))
    for _ in range(4):
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


_PIECES = ["\r\n ", "\n ", "\n\t", "\r", "\n", " ", "\t", "\\", "\\\\", "\\_", "\\n", "\\*",
           "&amp;", "&", "a", "Zoë", "€", "—", "<b>", "</b>", "<!--", "-->", "<", ">",
           "<a href='x'>", "<div\n>", "_", "*", "\u00a0", "\u2003", "ᴢᴏᴇ", "Ⅻ", "x\u0308"]
texts = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=3)),
                 max_size=60).map("".join)


@FIXED
@given(texts)
def test_a_text_read_in_parts_reads_as_a_whole(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(longtext, "PART", 3)  # parts of a few characters: many in a short text
        assert folding.as_read(text) == _as_read(text)
        assert forbidden.spaced(text) == " ".join(text.split())
        spaced = forbidden.spaced(text)
        assert forbidden.words_of(spaced) == set(re.findall("[^ ]+", spaced))
        assert forbidden.words_of(text) == set(re.findall("[^ ]+", text))


@FIXED
@given(texts, st.sampled_from(READINGS))
def test_a_text_folded_in_parts_folds_as_a_whole(text: str, markup: str | None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(longtext, "PART", 3)
        assert fold(text, markup) == fold_mapped(text, markup)[0]
        assert name_fold(text, markup) == name_fold_mapped(text, markup)[0]


def test_a_long_page_folds_as_a_whole() -> None:
    """A page of many parts (PART characters each), with tags, comments and a few letters
    that are not ASCII."""
    rows = "".join(f"<tr><td>Actie {n}</td><td>Zoë — {n} €</td></tr>\n" for n in range(9000))
    for comment in ("", "<!-- lijst -->\n"):
        page = f"<html><body>{comment}<table>\n{rows}</table></body></html>\n"
        assert len(page) > 3 * longtext.PART
        for markup in READINGS:
            assert fold(page, markup) == fold_mapped(page, markup)[0]
        assert forbidden.spaced(fold(page, " ")) == " ".join(fold(page, " ").split())


class _Table(dict[int, str]):
    """A translation that fills itself, as folding's do: a few letters changed, one left out,
    one made two, one made into another that the text may hold too (é to e, ë to é)."""

    def __missing__(self, code: int) -> str:
        found = self[code] = {"a": "b", "x": "", "ß": "ss", "ë": "é", "é": "e", "—": "-",
                              "€": "€", "\ud800": "?"}.get(chr(code), chr(code))
        return found


class _Widening(_Table):
    """One ASCII letter made two: ASCII is then not translated as bytes."""

    def __missing__(self, code: int) -> str:
        found = self[code] = "qq" if code == ord("q") else super().__missing__(code)
        return found


@FIXED
@given(st.lists(st.sampled_from(["a", "x", "q", "Zoë", "é", "—", "€", "ß", "\ud800", " ",
                                 "<td>", "\n", "\u2003", "😀"]), min_size=1, max_size=40)
       .map("".join), st.integers(1, 60))
def test_a_long_text_translated_as_bytes_is_translated_as_characters(text: str,
                                                                      times: int) -> None:
    long = text * times + "a" * 256  # long enough not to be translated as it is
    for table in (_Table(), _Widening()):
        assert longtext.translated(long, table) == long.translate(table)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(longtext, "PART", 300)  # in parts, each translated as bytes
            assert longtext.translated(long, table) == long.translate(table)


# -- the search for closed texts ------------------------------------------------------------------

WORDS = ["zaal", "twee", "het", "overleg", "havenweg", "12", "25,00", "de", "a", "kade"]
spaced_texts = st.lists(st.sampled_from(WORDS + ["dezaal", "kadetwee"]), max_size=60).map(
    " ".join)
needles = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=7).map(" ".join),
                   max_size=40, unique=True)


@FIXED
@given(spaced_texts, needles, st.sets(st.sampled_from([" ".join(WORDS[:3]), "het", "de zaal"])))
def test_the_needles_find_what_searching_for_each_finds(text: str, found: list[str],
                                                        allowed: set[str]) -> None:
    pairs = [(needle, msg("the text of closed record {id}", id=str(number)))
             for number, needle in enumerate(found)]
    search = forbidden.Needles(pairs)
    expected = [what for needle, what in pairs if needle in text and needle not in allowed]
    assert search.found_in(text, allowed) == expected
    assert search.found_in(text, allowed) == expected  # made once, searched again


@FIXED
@given(st.lists(st.sampled_from(WORDS + [f"w{number}" for number in range(40)]), min_size=100,
                max_size=400),
       st.lists(st.tuples(st.integers(0, 399), st.integers(1, 7), st.booleans()), min_size=30,
                max_size=60),
       st.sets(st.sampled_from([" ".join(WORDS[:3]), "het", "de zaal"])))
def test_the_needles_find_the_parts_of_a_text(words: list[str],
                                              cuts: list[tuple[int, int, bool]],
                                              allowed: set[str]) -> None:
    """Needles cut from the text itself (most found, some with one word changed), enough of
    them for a text to be searched word by word and then all at once (MANY_WORDS)."""
    text = " ".join(words)
    found = []
    for start, length, changed in cuts:
        part = words[start % len(words):][:length]
        if changed:
            part = [*part[:-1], "kade" if part[-1] != "kade" else "zaal"]
        found.append(" ".join(part))
    pairs = [(needle, msg("the text of closed record {id}", id=str(number)))
             for number, needle in enumerate(dict.fromkeys(found))]
    expected = [what for needle, what in pairs if needle in text and needle not in allowed]
    assert forbidden.Needles(pairs).found_in(text, allowed) == expected
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(longtext, "PART", 3)  # the text's words read in many parts
        assert forbidden.Needles(pairs).found_in(text, allowed) == expected


# -- the site -------------------------------------------------------------------------------------


def test_packed_files_are_what_was_packed() -> None:
    for content in ["", "Zoë — €", "\ud800 los", b"", b"\x00\xffBEGIN:VCALENDAR\r\n"]:
        packed = pack(content)
        assert unpack(packed) == content and type(unpack(packed)) is type(content)
    assert encoded(pack("Zoë — €")) == ("Zoë — €".encode(), False)  # as written to a file
    assert encoded(pack(b"\xed\xa0")) == (b"\xed\xa0", True)
    with pytest.raises(UnicodeEncodeError):  # as encoding the text itself would
        encoded(pack("\ud800 los"))
    files = SiteFiles()
    files.packed.update({"a.html": pack("<p>a</p>"), "kwartaal.ics": pack(b"ics")})
    assert dict(files) == {"a.html": "<p>a</p>", "kwartaal.ics": b"ics"}
    assert list(files) == ["a.html", "kwartaal.ics"] and len(files) == 2




def _pending(body: m.Body) -> dict[str, int]:
    """How many meetings keep each list still undecoded."""
    return {part: sum(1 for mt in body.meetings if getattr(getattr(mt, part), "pending", False))
            for part in ("notes", "decisions", "actions", "compensation")}


def test_a_pass_over_every_action_leaves_them_undecoded(
        generated: tuple[Path, dt.date], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "cache"))
    root = generated[0]
    load(root, indexed=True)
    body = load(root, indexed=True).body
    before = _pending(body)
    assert before["actions"] == len(body.meetings)
    passed = list(body.each_action())
    assert _pending(body) == before
    assert passed == load(root, indexed=False).body.all_actions()
    for meeting in body.meetings:
        assert m.passing(meeting.decisions) == list(meeting.decisions)  # now decoded: itself
        assert m.passing(meeting.decisions) is meeting.decisions


def test_a_site_leaves_the_actions_and_lines_of_every_meeting_undecoded(
        generated: tuple[Path, dt.date], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """What a site of a thousand years holds at once: no meeting keeps its actions or its
    compensation lines decoded after the build (each passed once), and the site is the one
    built from the records read without any index."""
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "cache"))
    root, today = generated
    load(root, indexed=True)
    body = load_checked(root, indexed=True)
    files = build_site(body, today)
    assert _pending(body)["compensation"] == len(body.meetings)
    # the actions decoded and kept: those of the agenda's meeting and of the one before it
    # (what it carries over), which the agenda itself reads
    planned = next(mt for mt in body.meetings if mt.status == "planned")
    before = [mt for mt in body.meetings if mt.date < planned.date][-1]
    assert {mt.id for mt in body.meetings if not mt.actions.pending} <= {planned.id, before.id}
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    assert files == build_site(load_checked(root, indexed=False), today)


def test_the_files_a_site_writes_are_those_it_built(example: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(tmp_path / "cache"))
    today = dt.date.fromisoformat(EXAMPLE_TODAY)
    expected = build_site(load_checked(example), today)
    for _ in range(2):  # built, then the kept site
        files, _, _ = site_files(example, today, lambda: load_checked(example, indexed=True))
        assert isinstance(files, SiteFiles) and dict(files) == expected


# -- the actions the year reports count, every year at once ---------------------------------------

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2012, 12, 31))
year_ends = st.integers(2000, 2012).map(lambda year: dt.date(year, 12, 31))
actions = st.lists(st.tuples(days, st.one_of(st.none(), days, year_ends),
                             st.sampled_from(m.ACTION_STATUSES),
                             st.sampled_from(["a", "b", "", "x"]),
                             st.one_of(st.none(), days, year_ends)), max_size=40)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(actions, st.one_of(days, year_ends))
def test_every_year_is_counted_as_each_year_alone(found: list[tuple[Any, ...]],
                                                   today: dt.date) -> None:
    """The tallies of every year from one pass equal those of the rule applied to each
    action for that year alone (themes outside the settings in the order first counted)."""
    from kwartaal.core.actioncounts import ActionCounts, add, count_one
    from kwartaal.core.yearreport import report_date

    made_years = [made.year for made, *_ in found] or [2005]
    counts = ActionCounts(min(made_years), max(made_years), today, ["a", "b"])
    for made, finished, status, theme, due in found:
        counts.add(made, finished, status, theme, due)
    for year in range(min(made_years), max(made_years) + 1):
        as_of, _ = report_date(year, today)
        expected: dict[str, dict[str, int]] = {}
        for made, finished, status, theme, due in found:
            counted = count_one(made, finished, status, due, dt.date(year, 1, 1), as_of)
            if counted is not None:
                add(expected, theme, counted)
        tallies = counts.tallies(year, as_of)
        assert tallies == expected, year
        assert [t for t in tallies if t not in {"a", "b"}] == [
            t for t in expected if t not in {"a", "b"}]


def test_the_search_for_a_digit_is_the_test_of_every_character() -> None:
    """Contact details are looked for in a text only when it holds a digit (str.isdigit:
    superscripts too), an '@' or, for a public text, a character past U+2000: one search
    each instead of a test of every character."""
    from kwartaal.core import detect

    def wide(text: str) -> bool:
        return detect._hint().search(text) is not None or detect._WIDE.search(text) is not None

    for code in range(0x110000):
        ch = chr(code)
        assert detect._hinted(ch) == (ch.isdigit() or ch == "@"), hex(code)
        assert wide(ch) == (ch.isdigit() or ch == "@" or code > 0x2000), hex(code)
        # the one search a public text passes first: those, a bracket, an entity, an escape
        assert (detect._may_hold().search(ch) is not None) == (
            ch.isdigit() or code > 0x2000 or ch in "@([{<«&\\"), hex(code)
    for text in ["Mila", "tel ²", "Zoë ①", "a@b", "", "\u2001", "ab\u0661"]:
        assert detect._hinted(text) == any(ch.isdigit() or ch == "@" for ch in text)
