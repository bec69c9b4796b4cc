"""Hidden names in look-alike and split spellings ('MiIa', 'Mi1a', 'Mi-la', 'M/i/l/a'): public
output replaces them and `check` refuses them, by one definition (core/spelling.py), while
ordinary Dutch — the shipped example's texts and the source reports — stays as written."""

from __future__ import annotations

import dataclasses
import html
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kwartaal.core.folding import READINGS, name_fold, name_fold_mapped
from kwartaal.core.spelling import COMMON_WORDS, NameMatcher
from kwartaal.core.visibility import View
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run, replace_in
from .test_privacy import public_outputs, write_body

# Ordinary Dutch besides the example's texts: every Dutch message kwartaal itself prints.
CATALOG = Path(__file__).resolve().parent.parent / "src" / "kwartaal" / "locale" / "nl" \
    / "LC_MESSAGES" / "kwartaal.po"

# The spellings of the issue, and the family around them.
DISGUISES = ["MiIa", "Mi1a", "Mi-la", "Mi la", "Mi.la", "M-i-l-a", "M/i/l/a", "M i l a",
             "Mi_la", "M-i.l a", "M·i·l·a", "Mi\u200bla", "Mi\u2060la", "Mi\u00adla",
             "Mi\u00a0la", "M\\i\\l\\a", "Mi - la", "rnila", "M1la", "MILA", "M1I4", "Mi|a",
             "M!la", "Μila", "Mi\u3164la", "MI-LA", "Mi\u2009la", "Mi+la", "Mi:la",
             "M i\nl a", "M%ila", "Mi%la", "Mi&la", "Mi@la", "Mi$la", "Mi^la", "Mi?la",
             'Mi"la', "Mi`la", "M%i%l%a"]


# -- the one definition ------------------------------------------------------------------------


def _matcher(*names: str) -> NameMatcher:
    entries = sorted(((n, n, True) for n in names), key=lambda e: -len(e[0]))
    return NameMatcher(entries)


def _found(matcher: NameMatcher, text: str) -> list[str]:
    folded = name_fold(text)
    return [f.owner for f in matcher.find(folded) if f.owner is not None]


@pytest.mark.parametrize("text", DISGUISES)
def test_every_disguise_of_the_issue_is_the_name(text: str) -> None:
    assert _found(_matcher("Mila"), f"Gesprek met {text} over de wijkagent") == ["Mila"]


@pytest.mark.parametrize(("names", "text"), [
    (["Bente", "Ben"], "ik ben te laat"),  # 'Ben' itself, as written, stays a hidden name
    (["Bente"], "ik ben te laat"),
    (["Ena"], "optie b en a"),
    (["Dewi"], "in de wijk de wil"),
    (["Inge"], "in ge"),
    (["Lotte"], "het lot te bepalen"),
    (["Ali"], "dat weten we al!"),
    (["Ali"], "alle ALL all"),
    (["Ole"], "netnummer 013"),
    (["Ede"], "het 3de kwartaal"),
    (["Ale"], "actie a13 en a1"),
    (["Bo"], "papier B0, de B.O. en punt b o"),
    (["Lo"], "I/O en IO"),
    (["Jasmijn"], "mijn jas, jas mijn"),
])
def test_ordinary_words_are_no_disguise(names: list[str], text: str) -> None:
    found = _found(_matcher(*names), text)
    assert found == (["Ben"] if "Ben" in names else []), found


def test_short_names_count_only_as_written() -> None:
    matcher = _matcher("Bo", "Eva", "Ans")
    assert _found(matcher, "Bo en BO") == ["Bo", "Bo"]
    assert _found(matcher, "B0 b-o b.o") == []
    assert _found(matcher, "E-v-a, 3va? Ev4 en A n s") == ["Eva", "Eva", "Ans"]


def test_a_shown_name_that_holds_a_hidden_one_stays(example: Path) -> None:
    body = load_checked(example)
    hidden = next(p for p in body.people.values() if p.visibility == "role-only")
    shown = next(p for p in body.people.values() if p.visibility == "named")
    body.people[hidden.id] = dataclasses.replace(hidden, name="Marieke")
    view = View(body, "nl", public=True)
    assert shown.name.startswith("Marieke")
    text = f"Gesprek met {shown.name} en Mar-ieke"
    assert view.text(text) == f"Gesprek met {shown.name} en een lid van de klankbordgroep"


def test_the_name_reading_is_folds_with_its_capitals() -> None:
    for text in [*DISGUISES, "Ingrid IJsselmeer", "ÍŃGE", "Ｉnge", "<b>I</b>la", "Ⅰla"]:
        for markup in READINGS:
            assert name_fold(text, markup) == name_fold_mapped(text, markup)[0]
    assert name_fold("MILA Ｉ Ι І") == "mIla I I I"


# -- replaced in public output, refused by check: the same ---------------------------------------


_NAMES = ["Mila", "Jade", "Ivana", "Noor", "Lotte", "Ilse", "Eva", "Roosje", "Anne-Marie",
          "Wilma", "Tom", "Sem", "Ali"]
_SEPARATORS = ["-", ".", "/", " ", "_", "\u200b", "\u2060", "·", " - ", "\\", "+"]
_LOOKS = {"l": ["I", "1", "|"], "i": ["1", "|", "!"], "o": ["0"], "e": ["3"], "a": ["4"],
          "s": ["5"], "t": ["7"], "m": ["rn"], "w": ["vv"]}


@st.composite
def disguised(draw: st.DrawFn) -> tuple[str, str]:
    """A name and a disguise of it: letters swapped for look-alikes (never the first, and at
    most one digit or mark per two letters), pieces parted by separators, case changed."""
    name = draw(st.sampled_from(_NAMES))
    letters = list(name)
    marks = (len(name) - name.count("-")) // 2
    swappable = [i for i, c in enumerate(letters) if i > 0 and c.lower() in _LOOKS]
    for index in draw(st.lists(st.sampled_from(swappable), unique=True, max_size=3)):
        look = draw(st.sampled_from(_LOOKS[letters[index].lower()]))
        if look == "!" and index == len(letters) - 1:
            continue  # 'Ali!' is Ali and an exclamation
        if not look.isalpha():
            if marks == 0:
                continue
            marks -= 1
        letters[index] = look
    cuts = draw(st.lists(st.integers(1, len(letters) - 1), unique=True, max_size=3))
    for cut in sorted(cuts, reverse=True):
        letters.insert(cut, draw(st.sampled_from(_SEPARATORS)))
    text = "".join(letters)
    # Parted by spaces into common words ('Ja de') it reads as ordinary words: no name
    pieces = [re.sub(r"\W", "", piece).lower() for piece in text.split()]
    assume(len(pieces) < 2 or not any(len(p) > 1 and p in COMMON_WORDS for p in pieces))
    if draw(st.booleans()):
        text = text.upper()
    return name, text


_BODY = load_checked(EXAMPLE)
_HIDDEN = next(p for p in _BODY.people.values() if p.visibility == "role-only")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(disguised(), st.sampled_from(["Gesprek met {} over de wijkagent.", "{} vertelt.",
                                     "Op voorstel van **{}**: flyers.", "({})", "{}s voorstel"]))
def test_replacement_and_check_agree_on_every_disguise(case: tuple[str, str],
                                                       sentence: str) -> None:
    name, text = case
    _BODY.people = {**_BODY.people, _HIDDEN.id: dataclasses.replace(_HIDDEN, name=name)}
    view = View(_BODY, "nl", public=True)
    written = sentence.format(text)
    assert view.hidden_person_in(written) is not None, written  # what check refuses
    shown = view.text(written)
    assert text not in shown and view.hidden_person_in(shown) is None, (written, shown)
    assert "lid van de klankbordgroep" in shown.lower()


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(disguised(), min_size=3, max_size=3), st.sampled_from(["nl", "en"]))
def test_no_public_output_shows_a_disguised_name(tmp_path_factory: pytest.TempPathFactory,
                                                 cases: list[tuple[str, str]],
                                                 lang: str) -> None:
    names = list(dict.fromkeys(name for name, _ in cases))
    stored = (names + [n for n in _NAMES if n not in names])[:3]
    mentions = [text for _, text in cases] * 4
    root = tmp_path_factory.mktemp("body") / "overleg"
    write_body(root, mentions, stored, lang, hostile=False)
    for where, output in public_outputs(root).items():
        readable = html.unescape(re.sub(r"\r?\n[ \t]", "", output)).replace("\\,", ",")
        unescaped = readable.replace("\\", "")  # Markdown's escapes
        assert [m for m in mentions if m in readable or m in unescaped] == [], where
        assert [m for m in mentions if len(name_fold(m)) > 3
                and name_fold(m) in name_fold(unescaped)] == [], where


def _say_in_first_note(body: Path, words: str) -> None:
    """Words put at the start of the first note of the meeting of 2025-09-11."""
    path = body / "meetings" / "2025-09-11.toml"
    text = path.read_text(encoding="utf-8")
    first = re.search(r'^text = "', text, flags=re.MULTILINE)
    assert first is not None
    path.write_text(text[:first.end()] + words + text[first.end():], encoding="utf-8")


@pytest.mark.parametrize("spelling", ["MiIa", "Mi1a", "Mi-la", "Mi la", "Mi.la", "M-i-l-a",
                                      "M/i/l/a"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_check_refuses_and_public_minutes_replace(example: Path, run: Run, spelling: str,
                                                  lang: str) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang]
    _say_in_first_note(example, f"{spelling} vertelde. ")
    out = run(*base, "check", expect=1).output
    assert "kbg-1" in out and spelling not in out
    for fmt in ("md", "html", "json"):
        public = run(*base, "minutes", "2025-09-11", "--public", "--format", fmt).output
        assert spelling not in public.replace("\\", ""), fmt
        assert "vertelde" in public, fmt
    assert spelling in run(*base, "minutes", "2025-09-11", "--format", "md").output


@pytest.mark.parametrize("name", ["Kiki!", "Wow!"])
def test_a_hidden_name_ending_in_a_mark_is_found(example: Path, run: Run, name: str) -> None:
    """A name whose last character is one that passes for a letter elsewhere ('!' for an i)
    is searched for as written: check refuses it and public minutes replace it."""
    replace_in(example / "people.toml", 'name = "Jade"', f'name = "{name}"')
    _say_in_first_note(example, f"{name} vertelde. ")
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en"]
    assert "kbg-2" in run(*base, "check", expect=1).output
    public = run(*base, "minutes", "2025-09-11", "--public", "--format", "md").output
    assert name not in public and "vertelde" in public


def test_writing_a_disguised_name_is_refused(example: Path, run: Run) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en"]
    path = example / "meetings" / "2025-12-11.toml"
    before = path.read_bytes()
    out = run(*base, "decide", "2025-12-11", "J-a-d-e gaat het ministerie bellen",
              expect=1).output
    assert "kbg-2" in out and "J-a-d-e" not in out
    assert path.read_bytes() == before


# -- no false positives on ordinary Dutch --------------------------------------------------------

# Dutch first names, short ones and ones that are also words among them.
POOL = ["Bo", "Eva", "Ans", "Ena", "Ben", "Bente", "Lotte", "Inge", "Dewi", "Ali", "Ede", "Ole",
        "Kim", "Roos", "Mila", "Jade", "Noor", "Ilse", "Iris", "Tim", "Sam", "Emma", "Anna",
        "Sanne", "Lisa", "Fleur", "Sem", "Daan", "Lieke", "Femke", "Marleen", "Yara", "Amira",
        "Fatima", "Zoë", "Noa", "Lin", "Ivo", "Ida", "Ina", "Els", "Lea", "Tess", "Nina",
        "Esra", "Elif", "Ayla", "Dana", "Vera", "Wim", "Anja", "Mirjam", "Ria", "Joke",
        "Hanna", "Ilona", "Tamara", "Nadia", "Sara", "Eline", "Lana", "Demi", "Sophie",
        "Romy", "Jasmijn", "Rosa", "Kiki", "Mo", "Ad", "Jan", "Kees", "Henk", "Ahmed"]


def _ordinary_texts() -> list[str]:
    body = load_checked(EXAMPLE)
    texts: list[str] = []
    for meeting in body.meetings:
        for record in (*meeting.items, *meeting.notes, *meeting.decisions, *meeting.actions):
            texts += [getattr(record, key, "") for key in ("title", "text", "note")]
    from babel.messages.pofile import read_po

    with open(CATALOG, "rb") as handle:
        for message in read_po(handle):
            for string in (message.string if isinstance(message.string, tuple)
                           else (message.string,)):
                if string:
                    texts += re.split(r"(?<=[.!?:])\s+|\n+", re.sub(r"\{\w*\}", "", string))
    return [t.strip() for t in texts if t and t.strip()]


def _flat(value: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", value.casefold())
                   if not unicodedata.combining(c))


@cache
def _plain_pattern(name: str) -> re.Pattern[str]:
    words = r"[\s\-'.]*".join(re.escape(p) for p in re.split(r"[\s\-']+", _flat(name)))
    return re.compile(rf"(?<![^\W_]){words}")


def _plainly_names(text: str, name: str) -> bool:
    """An independent search for a name as written: whole word, any case, accents away,
    and its own parts apart."""
    return _plain_pattern(name).search(_flat(text)) is not None


def test_ordinary_texts_without_a_name_are_unchanged(example: Path) -> None:
    texts = _ordinary_texts()
    assert len(texts) > 1000
    body = load_checked(example)
    hidden = [p for p in body.people.values() if p.visibility == "role-only"]
    shown = {pid: p for pid, p in body.people.items() if p.visibility == "named"}
    for start in range(0, len(POOL), 12):
        names = POOL[start:start + 12]
        people = dict(shown)
        for number, name in enumerate(names):
            template = hidden[number % len(hidden)]
            pid = f"kbg-x{number}"
            people[pid] = dataclasses.replace(template, id=pid, name=name, aliases=[])
        body.people = people
        view = View(body, "nl", public=True)
        patterns = [_plain_pattern(name) for name in names]
        for text in texts:
            flat = _flat(text)
            if any(pattern.search(flat) for pattern in patterns):
                continue
            assert view.hidden_person_in(text) is None, (names, text)


def test_the_examples_public_texts_stay_as_written(example: Path) -> None:
    body = load_checked(example)
    view = View(body, "nl", public=True)
    for meeting in body.meetings:
        for record in (*meeting.items, *meeting.notes, *meeting.decisions):
            for key in ("title", "text", "note"):
                value = getattr(record, key, "")
                if value and not view.hides(record) and not any(
                        _plainly_names(value, n) for n in ("Mila", "Jade")):
                    assert view.text(value) == value.replace("\u202e", ""), value


# -- check: one search over a file's texts before asking each ------------------------------

PIECES = [*DISGUISES, "Mila", "mila", "Mi", "la", "M", "ila", "de wijkagent", "\n", " ", "-",
          "&amp;", "%4D", "<b>", "](x)", "\u202e", "ik ben te laat", "Bente", "é", "\u200b",
          "(", ")", "Sanne de Boer", "Sanne", "2026-03-12", "_", "*"]


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=5).map("".join), max_size=6))
def test_one_search_over_many_texts_misses_no_name(texts: list[str]) -> None:
    """may_name_hidden is False only when hidden_person_in finds no one in any text: the
    texts searched together by a line break between them, pieces of a name at the end of one
    text and the start of the next included."""
    view = _hostile_view()
    if not view.may_name_hidden(texts):
        assert all(view.hidden_person_in(text) is None for text in texts), texts
    if any(view.hidden_person_in(text) is not None for text in texts):
        assert view.may_name_hidden(texts)


@cache
def _hostile_view() -> View:
    """A public view of the example with a hidden Mila and a hidden Sanne beside a named
    Sanne de Boer."""
    body = load_checked(EXAMPLE)
    people = dict(body.people)
    first, second, third = list(people)[:3]
    people[first] = dataclasses.replace(people[first], name="Mila", visibility="role-only")
    people[second] = dataclasses.replace(people[second], name="Sanne", visibility="role-only")
    people[third] = dataclasses.replace(people[third], name="Sanne de Boer", visibility="named")
    return View(dataclasses.replace(body, people=people), "nl", public=True)


@pytest.mark.parametrize("text", ["Mi<b>la", "%4Dila", "M%69la", "Mi&shy;la", "Mi](x)la",
                                  "Mi<!-- -->la", "Mila", "MiIa", "Mi-la", "\u202eMila",
                                  "xMila", "Mila's", "rnila"])
def test_a_name_in_any_reading_is_never_missed(text: str) -> None:
    """Each way a text can name Mila that hidden_person_in sees: alone, among other texts, at
    the end of one and at the start of the next."""
    view = _hostile_view()
    if view.hidden_person_in(text) is None:
        return  # (no name in any reading: 'xMila' is another word)
    for texts in ([text], ["de wijkagent", text, "alles goed"], [f"over {text}", "x"],
                  ["x", f"{text} komt"]):
        assert view.may_name_hidden(texts), texts


def test_no_hidden_people_no_search() -> None:
    body = load_checked(EXAMPLE)
    people = {pid: dataclasses.replace(p, visibility="named") for pid, p in body.people.items()}
    view = View(dataclasses.replace(body, people=people), "nl", public=True)
    assert not view.may_name_hidden(["Mila", "alles"])


# -- may_find: the search that skips to where a name may start -----------------------------------

NAME_LETTERS = "ilmwoeastbr-'. 1é!|([^\\*"
TEXT_PIECES = ["i", "I", "l", "1", "|", "!", "m", "rn", "w", "vv", "v", "o", "0", "e", "3", "a",
               "4", "s", "5", "t", "7", "b", "-", ".", " ", "_", "\n", "x", "é", "je", "s2"]


@settings(max_examples=500, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(NAME_LETTERS, max_size=7), st.booleans()), max_size=4),
       st.data())
def test_may_find_answers_as_the_whole_search(names: list[tuple[str, bool]],
                                              data: st.DataObject) -> None:
    """The search of may_find and find, which starts at the class of every name's first
    character, finds a name exactly where the matcher's whole pattern does: names of any
    letters, look-alikes and pairs ('rn' for m, 'vv' for w) at the start, hidden or shown,
    one or two letters, none; in texts of look-alikes, marks and the names themselves."""
    pieces = st.sampled_from(TEXT_PIECES + [before + name for name, _ in names if name
                                            for before in ("", "_", "x", "1", "é")])
    texts = data.draw(st.lists(st.lists(pieces, max_size=8).map("".join), max_size=5))
    matcher = NameMatcher([(name, index, hidden)
                           for index, (name, hidden) in enumerate(names)])
    whole = re.compile(matcher.pattern)
    for text in [*texts, "\n".join(texts)]:
        folded = name_fold(text)
        for end in range(len(folded) + 1):  # each prefix: where each name is found ends one
            part = folded[:end]
            assert matcher.may_find(part) == (whole.search(part) is not None), (names, part)


@pytest.mark.parametrize("name, text", [("Wil", "vvil"), ("Wil", "wil"), ("Mila", "rnila"),
                                        ("Ilse", "lIse"), ("Ilse", "llse"), ("Lies", "Iies"),
                                        ("Ole", "0le"), ("Mila", "xmila"), ("Mila", "mila's"),
                                        ("Bo", "bo"), ("Bo", "b0")])
def test_may_find_at_a_name_start(name: str, text: str) -> None:
    matcher = NameMatcher([(name, 0, True)])
    folded = name_fold(text)
    assert matcher.may_find(folded) == (re.search(matcher.pattern, folded) is not None)


@pytest.mark.parametrize("text", ["%254Dila", "%25254Dila", "M%ila", "Mi%25la",
                                  "%E2%80%AEalim", "over %E2%80%AE%61lim", "M%2569la"])
def test_a_name_escaped_twice_split_by_a_percent_or_turned_around_escaped_is_found(
        text: str) -> None:
    """Percent-escapes decoded again while that changes the text; the decoded text also read
    in the order a right-to-left override shows it; a '%' between letters parts them."""
    view = _hostile_view()
    assert view.hidden_person_in(text) is not None
    assert view.leaks(f"<p>{text}</p>")
    assert view.leaks(f"Agenda: {text}.")
