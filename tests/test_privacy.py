"""What may leave the group, proved on generated bodies.

Bodies are generated with hidden names (of people shown only by role, and other names of people
shown by working name) written into every free-text field, in other cases and Unicode forms;
closed items with actions, notes and decisions hanging under them from other meetings; a
meeting link and an internal place; compensation lines. Every public output — the agenda in
every format, the minutes in every format, the year reports in every format, every page of
the site and the public calendar, in Dutch and English, with the shipped templates and with a
hostile body template that prints everything it is given — is searched for what it must not
contain, by a search written here, independently of the one kwartaal uses.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.documents.agenda import render_agenda
from kwartaal.documents.calendar import calendar
from kwartaal.documents.report import render_report
from kwartaal.documents.site import build_site
from kwartaal.edit.publish import render_minutes
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run, commit_all, init_repo

TODAY = dt.date(2026, 1, 15)
LINK = "https://meet.example.org/besloten-kamer-7319"
AMOUNT = "37.45"
CLOSED = "zqxgesloten"  # every closed text carries this token with a number
NAMES = ["Ivana", "Zoë", "Noa de Wit", "Jade", "Ayşe", "Ségolène", "Jörg", "Mila", "Anne-Marie",
         "D'Arcy"]
CYRILLIC = str.maketrans("aeiocpxyMHTBK", "аеіосрхуМНТВК")
GREEK = str.maketrans("ABEZHIKMNOPTYXo", "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧο")  # capitals that pass for Latin
SMALL_CAPS = str.maketrans("abcdefghijklmnoprstuvwyz", "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ")


def _fold(text: str) -> str:
    """Case, Unicode form, accents and invisible characters away; entities and iCalendar
    folding undone."""
    text = re.sub(r"\r?\n[ \t]", "", text)
    text = html.unescape(text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n"))
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in unicodedata.normalize("NFKD", decomposed)
                   if unicodedata.category(c) not in ("Mn", "Me", "Cf"))


def _as_rendered(text: str) -> str:
    """Roughly what a reader of rendered Markdown sees: no comments, tags or link targets, no
    emphasis marks, entities and percent-escapes decoded."""
    from urllib.parse import unquote

    text = re.sub(r"<!--.*?-->|</?[A-Za-z][^<>]*>|\]\([^()\s]*\)", "", text, flags=re.DOTALL)
    text = re.sub(r"[*~`\[\]]", "", text).replace("_", " ")
    return unquote(html.unescape(text))


def _contains_name(output: str, name: str) -> bool:
    words = r"[\s\-']*".join(re.escape(w) for w in re.split(r"[\s\-']+", _fold(name)))
    return any(re.search(rf"(?<![^\W_]){words}(?![^\W_])", _fold(reading)) is not None
               for reading in (output, _as_rendered(output)))


def _leaks(output: str, hidden: list[str], with_amount: bool = True) -> list[str]:
    found = [f"name {n!r}" for n in hidden if _contains_name(output, n)]
    folded = _fold(output)
    if CLOSED in folded:
        found.append("closed text")
    if "besloten-kamer-7319" in folded:
        found.append("link")
    if with_amount and ("37,45" in folded or "37.45" in folded):
        found.append("amount")
    if "vergoedingen van deelnemers" in folded or "compensation of participants" in folded:
        found.append("compensation section")
    return found


# -- writing a body ---------------------------------------------------------------------------

def _variant(name: str, form: str) -> str:
    if form == "upper":
        name = name.upper()
    elif form == "lower":
        name = name.lower()
    elif form == "nfd":
        name = unicodedata.normalize("NFD", name)
    elif form == "zero-width" and len(name) > 2:
        name = name[:2] + "\u200b" + name[2:]
    elif form == "italic":
        name = f"_{name}_"
    elif form == "bold-inside" and len(name) > 2:
        name = f"{name[:2]}**{name[2:]}**"
    elif form == "comment-inside" and len(name) > 2:
        name = f"{name[:2]}<!-- -->{name[2:]}"
    elif form == "entity" and len(name) > 2:
        name = f"{name[:2]}&#{ord(name[2])};{name[3:]}"
    elif form == "cyrillic":
        name = name.translate(CYRILLIC)
    elif form == "greek":
        name = name.translate(GREEK)
    elif form == "greek-upper":
        name = name.upper().translate(GREEK)
    elif form == "small-caps":
        name = name.lower().translate(SMALL_CAPS)
    elif form == "dotless":
        name = name.replace("i", "ı")
    elif form == "angle":
        name = f"<{name}>"
    elif form == "in-comment":
        name = f"<!-- {name} -->"
    elif form == "link-split" and len(name) > 2:
        name = f"[{name[:2]}](https://x.org/){name[2:]}"
    elif form == "percent":
        from urllib.parse import quote

        name = "https://x.org/" + quote(name, safe="")
    elif form == "right-to-left":
        name = "\u202e" + name[::-1] + "\u202c"
    elif form == "blank-inside" and len(name) > 2:
        name = name[:2] + "\u3164" + name[2:]
    elif form == "other-scripts":
        name = name.replace("o", "\u0585").replace("a", "\u0251").replace("l", "\u01c0")
    elif form == "spelling":  # how people write it on a keyboard without the right keys
        name = (name.replace("-", " ").replace("'", "’").replace("ö", "oe")
                .replace("ë", "e"))
    return name


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _role_only(pid: str, name: str) -> str:
    return f"""[{pid}]
name = {_q(name)}
visibility = "role-only"
role = "lid van de klankbordgroep"
role_plural = "leden van de klankbordgroep"
role_en = "member of the advisory group"
role_plural_en = "members of the advisory group"
core = true
compensated = true
"""


def write_body(root: Path, mentions: list[str], stored: list[str], lang: str,
               hostile: bool) -> None:
    """A body whose free texts are mentions[0..]; stored are the hidden names as people.toml
    holds them (trailing spaces, another Unicode form)."""
    texts = iter(mentions * 3)
    root.mkdir(parents=True)
    (root / "meetings").mkdir()
    (root / "kwartaal.toml").write_text(f"""
[body]
name = "Kwartaaloverleg Sekswerk Proefstad"
language = "{lang}"
languages = ["nl", "en"]
chair = "m-jansen"
secretary = "m-jansen"

[cadence]
place = {_q("Werkplek van " + next(texts))}
format = "hybrid"
link = "{LINK}"

[[standing]]
key = "beleid"
title = {{ nl = "Beleid", en = "Policy" }}

[themes.veilig]
title = {{ nl = "Veilige werkplekken", en = "Safe workplaces" }}

[compensation]
regime = "fee"
""", encoding="utf-8")
    (root / "people.toml").write_text(f"""
[m-jansen]
name = "Marleen Jansen"
visibility = "named"
organisation = "Gemeente Proefstad"
role = "beleidsadviseur"
core = true

{_role_only("kbg-a", stored[0])}
{_role_only("kbg-b", stored[1])}
[roos]
name = "Roos"
visibility = "working-name"
aliases = [{_q(stored[2])}]
role = "lid van de klankbordgroep"
core = true
""", encoding="utf-8")

    def meeting(date: str, status: str, extra: str, top: str = "") -> None:
        (root / "meetings" / f"{date}.toml").write_text(f"""
date = {date}
status = "{status}"
{top}
place = {_q(next(texts) + " zaal")}
format = "hybrid"
chair = "m-jansen"
invited = ["m-jansen", "kbg-a", "kbg-b", "roos"]
present = ["m-jansen", "kbg-a", "kbg-b", "roos"]
{extra}""", encoding="utf-8")

    def item(pid: str, title: str, *, closed: bool = False, note: str = "",
             carried: str = "", by: str = "kbg-a") -> str:
        return (f'\n[[item]]\nid = "{pid}"\ntitle = {_q(title)}\nby = "{by}"\n'
                + ("closed = true\n" if closed else "")
                + (f"note = {_q(note)}\n" if note else "")
                + (f'carried_from = "{carried}"\n' if carried else ""))

    def note(nid: str, ref: str, text: str) -> str:
        return f'\n[[note]]\nid = "{nid}"\nitem = "{ref}"\ntext = {_q(text)}\n'

    def decision(did: str, ref: str, text: str) -> str:
        return f'\n[[decision]]\nid = "{did}"\nitem = "{ref}"\ntext = {_q(text)}\n'

    def action(aid: str, ref: str, title: str, due: str) -> str:
        return (f'\n[[action]]\nid = "{aid}"\ntitle = {_q(title)}\nowner = "kbg-a"\n'
                f'with = ["m-jansen", "kbg-b"]\ndue = {due}\nstatus = "open"\ntheme = "veilig"\n'
                + (f'item = "{ref}"\n' if ref else "")
                + "history = [\n  { date = 2025-06-12, by = \"m-jansen\", what = \"added\" },\n]\n")

    meeting("2025-06-12", "published", "".join([
        item("p1", f"Gesprek met {next(texts)} over de wijkagent", note=next(texts) + " vertelt"),
        item("p2", f"Werkplek {CLOSED}1 locatie", closed=True, note=f"{CLOSED}2 subsidie"),
        note("n1", "p1", f"{next(texts)} vertelt hoe het ging. Daarna praat {next(texts)} mee "
                         "zqxopen1."),
        note("n2", "p2", f"Pand aan de Havenweg {CLOSED}3"),
        note("n3", "beleid", f"Op voorstel van {next(texts)}: 'sekswerk' overal zqxopen2."),
        decision("d1", "p1", f"{next(texts)} en de wijkagent spreken maandelijks af zqxopen3."),
        decision("d2", "p2", f"Het pand {CLOSED}4 wordt verkend."),
        action("a1", "p1", f"{next(texts)} bellen over de workshop", "2025-09-01"),
        action("a2", "p2", f"Subsidie {CLOSED}5 navragen", "2026-06-01"),
        f'\n[[compensation]]\nid = "c1"\nperson = "kbg-a"\nkind = "fee"\nhours = 2.0\n'
        f'amount = {AMOUNT}\nmethod = "cash"\n',
    ]), top="minutes_approved = 2025-09-11\npublished = 2025-09-15")
    meeting("2025-09-11", "published", "".join([
        item("p1", f"Terugblik met {next(texts)}", by="roos"),
        note("n1", "2025-06-12/p2", f"Vervolg {CLOSED}6 uit juni"),
        decision("d1", "2025-06-12/p2", f"Besluit {CLOSED}7 over het pand"),
        action("a1", "2025-06-12/p2", f"Huurprijs {CLOSED}8 opvragen", "2026-05-01"),
        action("a2", "", f"Flyer maken met {next(texts)} zqxopen4", "2026-02-01"),
    ]))
    meeting("2026-03-12", "planned", "".join([
        item("p1", f"Ervaringen van {next(texts)} met de politie zqxopen5",
             note=f"{next(texts)} ook"),
        item("p2", f"Gesloten {CLOSED}9 kwestie", closed=True, note=f"{CLOSED}10"),
        item("p3", f"Verder {CLOSED}11 met het pand", carried="2025-06-12/p2"),
    ]))
    if hostile:  # a body's own templates that print everything they are handed
        folder = root / "templates"
        (folder / "site").mkdir(parents=True)
        (folder / "agenda.md.j2").write_text("{{ a }}\n", encoding="utf-8")
        (folder / "minutes.md.j2").write_text("{{ m }}\n", encoding="utf-8")
        (folder / "report.md.j2").write_text("{{ r }}\n", encoding="utf-8")
        (folder / "site" / "index.html.j2").write_text(
            "{{ minutes }} {{ agenda }} {{ progress }}\n", encoding="utf-8")


def public_outputs(root: Path) -> dict[str, str]:
    body = load_checked(root)
    planned = body.meeting("2026-03-12")
    outputs: dict[str, str] = {}
    for lang in ("nl", "en"):
        for fmt in ("text", "md", "html", "json"):
            outputs[f"agenda.{lang}.{fmt}"] = render_agenda(body, planned, TODAY, lang,
                                                            public=True, fmt=fmt)
        for mid in ("2025-06-12", "2025-09-11"):
            for fmt in ("md", "html", "json"):
                outputs[f"minutes {mid}.{lang}.{fmt}"] = render_minutes(
                    body, body.meeting(mid), lang, public=True, fmt=fmt)
        outputs[f"calendar.{lang}"] = calendar(body, lang, TODAY, public=True).decode()
        for year in (2025, 2026):
            for fmt in ("md", "html", "json"):
                outputs[f"report {year}.{lang}.{fmt}"] = render_report(
                    body, year, TODAY, lang, public=True, fmt=fmt)
    for name, content in build_site(body, TODAY).items():
        outputs[f"site/{name}"] = content.decode() if isinstance(content, bytes) else content
    return outputs


forms = st.sampled_from(["as-is", "upper", "lower", "nfd", "zero-width", "italic", "bold-inside",
                         "comment-inside", "entity", "cyrillic", "small-caps", "dotless",
                         "spelling", "angle", "in-comment", "link-split", "percent",
                         "right-to-left", "blank-inside", "other-scripts", "greek",
                         "greek-upper"])


@settings(max_examples=36, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.sampled_from(NAMES), min_size=3, max_size=3, unique=True),
       stored_forms=st.lists(st.sampled_from(["as-is", "trailing", "nfd"]), min_size=3,
                             max_size=3),
       mention_forms=st.lists(forms, min_size=12, max_size=12),
       picks=st.lists(st.integers(0, 2), min_size=12, max_size=12),
       lang=st.sampled_from(["nl", "en"]), hostile=st.booleans())
def test_no_public_output_contains_what_it_hides(tmp_path_factory: pytest.TempPathFactory,
                                                 names: list[str], stored_forms: list[str],
                                                 mention_forms: list[str], picks: list[int],
                                                 lang: str, hostile: bool) -> None:
    root = tmp_path_factory.mktemp("body") / "overleg"
    stored = [name + " " if form == "trailing" else _variant(name, form if form == "nfd"
                                                                   else "as-is")
              for name, form in zip(names, stored_forms, strict=True)]
    mentions = [_variant(names[p], f) for p, f in zip(picks, mention_forms, strict=True)]
    write_body(root, mentions, stored, lang, hostile)
    outputs = public_outputs(root)
    if not hostile:  # Word files are laid out without templates: a hostile one changes nothing
        outputs.update(public_word_files(root, [lang]))  # and one language each, for time
    for where, output in outputs.items():
        assert _leaks(output, names) == [], where
        # Whatever the spelling, the mention as it was written is not there either.
        readable = html.unescape(re.sub(r"\r?\n[ \t]", "", output)).replace("\\,", ",")
        assert [m for m in mentions if m in readable] == [], where
    # What is public is published: hiding too much would pass the search above unnoticed.
    june = outputs["minutes 2025-06-12.nl.md"]
    assert all(f"zqxopen{n}" in june for n in (1, 2, 3)), june
    agenda = outputs["agenda.nl.md"]
    assert "zqxopen4" in agenda and "zqxopen5" in agenda, agenda
    report = outputs["report 2025.nl.json"]
    assert "zqxopen3" in report and "Proefstad" in report, report
    # And the internal versions do hold what they should: the test would see a leak.
    body = load_checked(root)
    internal = render_minutes(body, body.meeting("2025-06-12"), lang, public=False, fmt="md",
                              with_compensation=True)
    assert CLOSED in _fold(internal)


def test_redaction_reads_well(tmp_path: Path) -> None:
    root = tmp_path / "overleg"
    write_body(root, ["Ivana"] * 12, ["Ivana", "Jade", "Mila"], "nl", False)
    body = load_checked(root)
    text = render_agenda(body, body.meeting("2026-03-12"), TODAY, "nl", public=True, fmt="md")
    assert "Ervaringen van een lid van de klankbordgroep met de politie" in text
    assert "Een lid van de klankbordgroep ook" in text
    english = render_agenda(body, body.meeting("2026-03-12"), TODAY, "en", public=True,
                            fmt="text")
    assert "Ervaringen van a member of the advisory group met de politie" in english
    # Closed follows its links: the carried-over item and the actions under the closed item of
    # June (made in September) are not on the public agenda; internally they are, marked.
    internal = render_agenda(body, body.meeting("2026-03-12"), TODAY, "nl", public=False,
                             fmt="md")
    assert f"{CLOSED}11" in internal and f"{CLOSED}8" in internal
    assert internal.startswith("**Vertrouwelijk — alleen voor deelnemers**")
    assert "meet.example.org" in internal


def test_a_name_inside_a_word_is_not_a_name(tmp_path: Path) -> None:
    root = tmp_path / "overleg"
    write_body(root, ["Evaluatie"] * 12, ["Eva", "Jade", "Mila"], "nl", False)
    body = load_checked(root)
    text = render_agenda(body, body.meeting("2026-03-12"), TODAY, "nl", public=True, fmt="md")
    assert "Ervaringen van Evaluatie met de politie" in text


@pytest.mark.parametrize("mention", ["Jades", "JADES", "Jade`s", "Mila2", "Milaatje", "Jadeke",
                                     "J.a.d.e.", "M i l a", "Jadetje"])
def test_a_name_with_a_possessive_diminutive_or_spelled_out_is_still_the_name(
        tmp_path: Path, mention: str) -> None:
    root = tmp_path / "overleg"
    write_body(root, [mention] * 12, ["Eva", "Jade", "Mila"], "nl", False)
    body = load_checked(root)
    for public in (render_agenda(body, body.meeting("2026-03-12"), TODAY, "nl", public=True,
                                 fmt="md"),
                   render_minutes(body, body.meeting("2025-06-12"), "nl", public=True,
                                  fmt="md")):
        assert mention not in public
        assert not re.search(r"(?i)\bj\W?a\W?d\W?e|\bm\W?i\W?l\W?a", public), public


def test_a_named_persons_name_is_not_taken_for_a_hidden_one(tmp_path: Path) -> None:
    root = tmp_path / "overleg"
    write_body(root, ["Marleen Jansen"] * 12, ["Marleen", "Jade", "Mila"], "nl", False)
    body = load_checked(root)
    text = render_agenda(body, body.meeting("2026-03-12"), TODAY, "nl", public=True, fmt="md")
    assert "Ervaringen van Marleen Jansen met de politie" in text


# -- through the command line, as a chair and a secretary would ------------------------------

@pytest.fixture
def hidden_body(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    write_body(repo / "overleg", ["Ivana", "JADE", "mila"] * 4, ["Ivana ", "Jade", "Mila"], "nl",
               False)
    commit_all(repo)
    return repo / "overleg"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_public_command_keeps_the_secrets(hidden_body: Path, run: Run, tmp_path: Path,
                                                lang: str) -> None:
    base = ["--repo", str(hidden_body), "--today", EXAMPLE_TODAY, "--lang", lang]
    names = ["Ivana", "Jade", "Mila"]
    for fmt in ("text", "md", "html", "json"):
        out = run(*base, "agenda", "--public", "--format", fmt).output
        assert _leaks(out, names) == [], fmt
    for fmt in ("md", "html", "json"):
        out = run(*base, "minutes", "2025-06-12", "--public", "--format", fmt).output
        assert _leaks(out, names) == [], fmt
    out = run(*base, "calendar", "--public").output
    assert _leaks(out, names) == []
    for fmt in ("md", "html", "json"):  # public without being asked
        out = run(*base, "report", "--year", "2025", "--format", fmt).output
        assert _leaks(out, names) == [], fmt
        assert "zqxopen3" in out
    site = tmp_path / f"site-{lang}"
    run(*base, "site", "--output", str(site))
    for page in site.rglob("*"):
        if page.is_file():
            assert _leaks(page.read_text(encoding="utf-8"), names) == [], page


def test_calendar_and_reminders_use_a_neutral_name(hidden_body: Path, run: Run,
                                                   tmp_path: Path) -> None:
    base = ["--repo", str(hidden_body), "--today", "2026-03-01"]
    ics = run(*base, "calendar").output
    assert "SUMMARY:Kwartaaloverleg Proefstad" in ics
    assert "sekswerk" not in ics.lower()
    assert "meet.example.org" in ics  # the internal calendar is for participants
    public = run(*base, "calendar", "--public").output
    assert "meet.example.org" not in public
    out = tmp_path / "mail"
    run(*base, "remind", "--format", "eml", "--output", str(out))
    messages = list(out.glob("*.eml"))
    assert messages
    for message in messages:
        head = message.read_text(encoding="utf-8").split("\n\n", 1)[0]
        assert "sekswerk" not in _fold(head), head


def test_the_link_is_published_only_when_the_body_says_so(hidden_body: Path, run: Run) -> None:
    base = ["--repo", str(hidden_body), "--today", EXAMPLE_TODAY]
    assert LINK not in run(*base, "agenda", "--public", "--format", "md").output
    config = hidden_body / "kwartaal.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[privacy]\npublic_link = true\n",
                      encoding="utf-8")
    assert LINK in run(*base, "agenda", "--public", "--format", "md").output


def test_an_internal_place_stays_inside(hidden_body: Path, run: Run) -> None:
    base = ["--repo", str(hidden_body), "--today", EXAMPLE_TODAY]
    path = hidden_body / "meetings" / "2026-03-12.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'place = ".*"', 'place = "Achterkamer Kerkstraat 5"\n'
                           'public_place = false', text, count=1), encoding="utf-8")
    public = run(*base, "agenda", "--public", "--format", "md").output
    assert "Kerkstraat" not in public and "locatie bekend bij de deelnemers" in public
    assert "Kerkstraat" in run(*base, "agenda", "--format", "md").output


def test_review_draft_is_marked_and_leaves_out_compensation(hidden_body: Path,
                                                            run: Run) -> None:
    base = ["--repo", str(hidden_body), "--today", EXAMPLE_TODAY]
    internal = run(*base, "minutes", "2025-06-12", "--format", "html").output
    assert "Vertrouwelijk — alleen voor deelnemers" in internal
    assert "37,45" not in internal
    assert "37,45" in run(*base, "minutes", "2025-06-12", "--with-compensation").output
    english = run(*base, "--lang", "en", "minutes", "2025-06-12").output
    assert "Confidential — participants only" in english


# -- at write time -------------------------------------------------------------------------------

def test_a_phone_number_is_refused_at_write_time(example: Path, run: Run) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY]
    path = example / "meetings" / "2025-12-11.toml"
    before = path.read_bytes()
    result = run(*base, "note", "2025-12-11", "actueel", "Bel Mila op 06-12345678, "
                 "NL91ABNA0417164300", expect=1)
    assert "telefoonnummer" in result.output and "IBAN" in result.output
    assert path.read_bytes() == before
    result = run(*base, "--lang", "en", "decide", "2025-12-11",
                 "Jade gaat het ministerie bellen", expect=1)
    assert "kbg-2" in result.output and "Jade" not in result.output
    assert path.read_bytes() == before
    # Closed, the same name may be written; with --allow-private a number too, marked so.
    run(*base, "decide", "2025-12-11", "Jade gaat het ministerie bellen", "--closed")
    run(*base, "note", "2025-12-11", "actueel", "GGD-lijn 06-12345678", "--allow-private")
    assert "06-12345678\"  # kwartaal: allow-private" in path.read_text(encoding="utf-8")
    run(*base, "check", "--strict")


def test_contact_details_written_with_allow_private_stay_inside(example: Path,
                                                               run: Run) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY]
    run(*base, "note", "2025-12-11", "actueel", "JADE vertelde, bel 06-12345678, mail "
        "jade@example.org of NL91ABNA0417164300", "--allow-private")
    public = run(*base, "minutes", "2025-12-11", "--public").output
    for private in ("06-12345678", "example.org", "NL91ABNA0417164300", "JADE", "@"):
        assert private not in public, private
    assert public.count("\\[contactgegevens weggelaten\\]") == 3  # as Markdown text
    internal = run(*base, "minutes", "2025-12-11").output
    assert "06-12345678" in internal and "jade@example.org" in internal


def test_an_action_under_a_closed_item_of_another_meeting_stays_closed(example: Path,
                                                                       run: Run) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY]
    run(*base, "action", "add", "Huurprijs Havenweg opvragen", "--owner", "roos", "--due",
        "2026-04-01", "--item", "2025-06-12/p2")
    public = run(*base, "agenda", "--public", "--format", "md").output
    assert "Havenweg" not in public
    internal = run(*base, "agenda", "--format", "md").output
    assert "Huurprijs Havenweg opvragen" in internal


def test_the_shipped_example_is_clean(tmp_path: Path) -> None:
    body = tmp_path / "voorbeeld"
    shutil.copytree(EXAMPLE, body)
    outputs = public_outputs_example(body)
    loaded = load_checked(body)
    internal = json.loads(render_report(loaded, 2025, TODAY, "nl", public=False, fmt="json"))
    paid = [p["amount"] for p in internal["compensation"]["per_person"]]
    assert len(paid) == 4
    figures = [figure for amount in paid for figure in (amount, amount.replace(".", ","))]
    for where, output in outputs.items():
        assert _leaks(output, ["Mila", "Jade"], with_amount=False) == [], where
        assert [f for f in figures if f in output] == [], where  # nobody's own pay
    assert "report-2025.html" in outputs


def public_outputs_example(root: Path) -> dict[str, str]:
    body = load_checked(root)
    outputs = {}
    for name, content in build_site(body, TODAY).items():
        outputs[name] = content.decode() if isinstance(content, bytes) else content
    for lang in ("nl", "en"):
        for fmt in ("md", "html", "json"):
            outputs[f"report.{lang}.{fmt}"] = render_report(body, 2025, TODAY, lang,
                                                            public=True, fmt=fmt)
    outputs.update(public_word_files(root, ["nl", "en"], minutes=("2025-09-11",),
                                     agenda="2026-03-12"))
    return outputs


def test_check_warns_when_a_hidden_name_is_also_someone_elses(new_body: Path, run: Run) -> None:
    base = ["--repo", str(new_body), "--lang", "en"]
    run(*base, "person", "add", "kbg-1", "--name", "Sanne", "--visibility", "role-only",
        "--role", "lid van de klankbordgroep")
    run(*base, "person", "add", "sanne", "--name", "SANNE", "--visibility", "working-name",
        "--role", "ervaringsdeskundige")
    out = run(*base, "check", expect=None).output
    assert "[kbg-1]: a name of this person" in out and "[sanne]" in out


@pytest.mark.parametrize(("name", "neutral"), [
    ("Kwartaaloverleg Sekswerk Voorbeeldstad", "Kwartaaloverleg Voorbeeldstad"),
    ("Sex Work and Escort Platform Testville", "Platform Testville"),
    ("Overleg Seks-werk Den Bosch", "Overleg Den Bosch"),
    ("Seks werk overleg Tilburg", "Overleg Tilburg"),
    ("Ѕекswerk overleg", "Overleg"),  # Cyrillic look-alikes
    ("Sex\u2011Work Meeting Essex", "Meeting Essex"),
    ("Sekswerk", "Overleg"),
    ("Overleg Sexuele Dienstverlening Essex", "Overleg Dienstverlening Essex"),
])
def test_the_neutral_name_leaves_out_what_outs_people(name: str, neutral: str) -> None:
    from kwartaal.core import model as m
    from kwartaal.core.naming import neutral_name

    config = m.Config(name=name, language="nl", languages=["nl"], chair=None, co_chair=None,
                      secretary=None, convenors=[], cadence=None,  # type: ignore[arg-type]
                      agenda=m.AgendaTimes(), standing=[], themes={},
                      compensation=m.CompensationPolicy(), publish_folder="public",
                      privacy_allow=[], src=m.Source(Path("kwartaal.toml")))
    assert neutral_name(config) == neutral


def test_every_text_file_of_the_body_is_checked(example: Path, run: Run) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en"]
    (example / "minutes").mkdir(exist_ok=True)
    (example / "minutes" / "aantekeningen.md").write_text("Mila belt 06\u201312345678\n",
                                                          encoding="utf-8")
    out = run(*base, "check", expect=1).output
    assert "aantekeningen.md:1" in out and "a phone number" in out
    assert "12345678" not in out  # the message shows enough to find it, not to use it


@pytest.mark.parametrize("text", ["06\u201312345678", "06/12345678", "nl91abna0417164300",
                                  "NL 91 ABNA 0417 1643 00", "111.222.333", "jan\uff20example.org",
                                  "jan@exa\u200bmple.org", "jan(at)example.org"])
def test_disguised_numbers_and_addresses_are_refused(example: Path, run: Run, text: str) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY]
    path = example / "meetings" / "2025-12-11.toml"
    before = path.read_bytes()
    run(*base, "note", "2025-12-11", "actueel", f"Contact: {text}", expect=1)
    assert path.read_bytes() == before


@pytest.mark.parametrize(("args", "where"), [
    (["theme", "add", "veilig", "--title", "Veiligheid voor Mila"], "kwartaal.toml"),
    (["person", "add", "x-1", "--name", "Xandra", "--visibility", "named", "--org",
      "Stichting Mila"], "people.toml"),
    (["person", "add", "x-2", "--name", "Yara de Vries", "--visibility", "role-only",
      "--role", "lid"], "people.toml"),
    (["config", "set", "body.neutral_name", "Overleg met Mila"], "kwartaal.toml"),
])
def test_hidden_names_in_settings_and_people_are_refused(example: Path, run: Run,
                                                         args: list[str], where: str) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en"]
    before = (example / where).read_bytes()
    out = run(*base, *args, expect=1).output
    assert "Mila" not in out and "Yara" not in out
    assert (example / where).read_bytes() == before


@pytest.mark.parametrize(("name", "template"), [
    ("agenda.md.j2", "<!-- Vertrouwelijk — alleen voor deelnemers -->\n# {{ a.body }}\n"),
    ("agenda.html.j2", "<html><head><title>Vertrouwelijk — alleen voor deelnemers</title>"
                       "</head><body><h1>{{ a.body }}</h1></body></html>"),
])
def test_the_banner_of_an_internal_document_is_visible(example: Path, run: Run, name: str,
                                                       template: str) -> None:
    (example / "templates").mkdir()
    (example / "templates" / name).write_text(template, encoding="utf-8")
    fmt = name.split(".")[1]
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda", "--format", fmt).output
    if fmt == "md":
        assert out.startswith("**Vertrouwelijk — alleen voor deelnemers**")
    else:
        assert '<body><p class="confidential"><strong>Vertrouwelijk' in out


def test_the_marker_counts_only_as_kwartaals_own_comment(example: Path, run: Run) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY]
    path = example / "meetings" / "2025-12-11.toml"
    before = path.read_bytes()
    run(*base, "note", "2025-12-11", "actueel", "Bel 06-12345678 # kwartaal: allow-private",
        expect=1)
    assert path.read_bytes() == before


def test_the_allow_list_does_not_allow_personal_numbers(example: Path, run: Run) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY]
    before = (example / "kwartaal.toml").read_bytes()
    run(*base, "config", "set", "privacy.allow", "111222333", expect=1)
    run(*base, "config", "set", "privacy.allow", "NL91ABNA0417164300", expect=1)
    assert (example / "kwartaal.toml").read_bytes() == before


def test_files_of_any_kind_and_hidden_files_are_checked(example: Path, run: Run) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en"]
    (example / ".prive").mkdir()
    (example / ".prive" / "bellijst.rst").write_text("bel 06-12345678\n", encoding="utf-8")
    (example / "export.csv").write_bytes("café;0612345678\n".encode("cp1252"))
    out = run(*base, "check", expect=1).output
    assert "bellijst.rst:1" in out and "export.csv:1" in out


def test_a_hidden_name_as_a_theme_key_is_refused(example: Path, run: Run) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY]
    run(*base, "theme", "add", "mila-zaken", "--title", "Zaken", expect=1)


def test_counts_use_the_plural_given(new_body: Path, run: Run) -> None:
    base = ["--repo", str(new_body)]
    run(*base, "person", "add", "kbg-1", "--name", "Mila", "--visibility", "role-only",
        "--role", "lid van de klankbordgroep", "--role-plural", "leden van de klankbordgroep")
    assert 'role_plural = "leden van de klankbordgroep"' in \
        (new_body / "people.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_the_banner_is_shown_once(fmt: str, run: Run) -> None:
    out = run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "agenda", "--format", fmt).output
    assert out.casefold().count("vertrouwelijk — alleen voor deelnemers") == 1


# -- Word and PDF -------------------------------------------------------------------------------

_TEMPLATE_PARTS: dict[str, bytes] = {}


def _docx_readings(data: bytes) -> str:
    """Every part of a Word file that is not python-docx's blank template as it ships (the
    text, the document properties, comments, headers, relationships), as XML and with each
    paragraph's runs joined, decoded the way a reader of the XML would."""
    import io
    import zipfile

    if not _TEMPLATE_PARTS:
        import docx

        blank = io.BytesIO()
        docx.Document().save(blank)
        with zipfile.ZipFile(blank) as parts:
            _TEMPLATE_PARTS.update({n: parts.read(n) for n in parts.namelist()})
    readings = []
    with zipfile.ZipFile(io.BytesIO(data)) as parts:
        for name in parts.namelist():
            content = parts.read(name)
            if _TEMPLATE_PARTS.get(name) == content:
                continue
            xml = content.decode("utf-8", errors="replace")
            readings.append(xml)
            for paragraph in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.DOTALL):
                readings.append("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>",
                                                   paragraph)))
    assert readings and any("<w:body" in r for r in readings)
    return "\n".join(readings)


def public_word_files(root: Path, langs: list[str], *,
                      minutes: tuple[str, ...] = ("2025-06-12",),
                      agenda: str = "2026-03-12", year: int = 2025) -> dict[str, str]:
    from kwartaal.documents.office import agenda_file, minutes_file, report_file

    body = load_checked(root)
    outputs = {}
    for lang in langs:
        outputs[f"agenda.{lang}.docx"] = _docx_readings(agenda_file(
            body, body.meeting(agenda), TODAY, lang, public=True, fmt="docx"))
        for mid in minutes:
            outputs[f"minutes {mid}.{lang}.docx"] = _docx_readings(minutes_file(
                body, body.meeting(mid), lang, public=True, fmt="docx"))
        outputs[f"report {year}.{lang}.docx"] = _docx_readings(report_file(
            body, year, TODAY, lang, public=True, fmt="docx"))
    return outputs


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    texts = [page.extract_text() or "" for page in reader.pages]
    info = reader.metadata or {}
    texts += [str(value) for value in info.values()]
    if shutil.which("pdftotext"):
        import subprocess

        path = tmp_path / "read.pdf"
        path.write_bytes(data)
        texts.append(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                    capture_output=True, check=True, text=True).stdout)
    return unicodedata.normalize("NFKC", "\n".join(texts))


@pytest.mark.parametrize("engine", ["chromium", "weasyprint"])
@pytest.mark.parametrize(("lang", "hostile", "forms"), [
    ("nl", True, ["as-is", "upper", "nfd", "italic", "entity", "spelling"]),
    ("en", False, ["lower", "zero-width", "cyrillic", "comment-inside", "angle", "percent"]),
])
def test_public_pdf_files_keep_the_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           engine: str, lang: str, hostile: bool,
                                           forms: list[str]) -> None:
    """A few fixed generated bodies, printed by each engine (PDF is slow; the Word files are
    searched for every generated body above). A hostile body prints everything it is handed in
    its HTML templates too."""
    from kwartaal.documents.office import agenda_file, minutes_file, report_file
    from kwartaal.documents.pdf import chromium_path, weasyprint_module

    if engine == "chromium" and chromium_path() is None:
        pytest.skip("no chromium, chromium-browser or google-chrome on the PATH")
    if engine == "weasyprint" and weasyprint_module() is None:
        pytest.skip("WeasyPrint (with the Pango library) is not installed")
    monkeypatch.setenv("KWARTAAL_PDF", engine)
    names = ["Ivana", "Ségolène", "Noa de Wit"]
    root = tmp_path / "overleg"
    mentions = [_variant(names[i % 3], forms[i % len(forms)]) for i in range(12)]
    write_body(root, mentions, names, lang, hostile)
    if hostile:
        for kind, letter in (("agenda", "a"), ("minutes", "m"), ("report", "r")):
            (root / "templates" / f"{kind}.html.j2").write_text(
                f"<html><body>{{{{ {letter} }}}}</body></html>\n", encoding="utf-8")
    body = load_checked(root)
    outputs = {
        "agenda": agenda_file(body, body.meeting("2026-03-12"), TODAY, lang, public=True,
                              fmt="pdf"),
        "minutes": minutes_file(body, body.meeting("2025-06-12"), lang, public=True, fmt="pdf"),
        "report": report_file(body, 2025, TODAY, lang, public=True, fmt="pdf"),
    }
    texts = {where: _pdf_text(data, tmp_path) for where, data in outputs.items()}
    for where, text in texts.items():
        assert _leaks(text, names) == [], where
    # The search would see what is there: the open texts are printed.
    assert "zqxopen5" in texts["agenda"] and "zqxopen1" in texts["minutes"]
    assert "Proefstad" in texts["report"]


@pytest.mark.parametrize("spelling", ["\u039cila", "\u039c\u0399LA", "M\u0399LA", "Mil\u0391"])
def test_greek_capitals_that_pass_for_latin_do_not_show_a_hidden_name(example: Path,
                                                                        spelling: str) -> None:
    """'Μila' with a Greek capital Mu: case folding makes it μ, which looks like a u, so the
    capitals are read as the Latin letters they look like."""
    body = load_checked(example)
    meeting = body.meeting("2025-06-12")
    meeting.notes[0].text = f"{spelling} vertelde over de avond."
    for lang in ("nl", "en"):
        for fmt in ("md", "html", "json"):
            text = render_minutes(body, meeting, lang, public=True, fmt=fmt)
            assert spelling not in text and "vertelde over de avond" in text, (lang, fmt)
