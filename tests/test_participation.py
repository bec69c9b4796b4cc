"""Participation: the level of items and decisions, input without a name, chair and co-chair."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core import model as m
from kwartaal.core.participation import NO_LEVEL, levels_by_year
from kwartaal.files.loader import load
from tests.conftest import (
    EXAMPLE,
    EXAMPLE_TODAY,
    Run,
    assert_refused,
    git,
    line_with,
    replace_in,
)

PLANNED = "2026-03-12"
DRAFT = "2025-12-11"  # held, minutes not approved yet


def base(body: Path, lang: str) -> list[str]:
    return ["--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", lang]


def items_of(body: Path, meeting: str) -> list[dict[str, object]]:
    with (body / "meetings" / f"{meeting}.toml").open("rb") as handle:
        return tomllib.load(handle)["item"]


def last_item(body: Path, meeting: str = PLANNED) -> dict[str, object]:
    return items_of(body, meeting)[-1]


# -- the level --------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "label"), [("nl", "in de lead van sekswerkers"),
                                              ("en", "led by sex workers")])
def test_propose_with_a_level_shows_it_on_every_agenda(example: Path, run: Run, lang: str,
                                                       label: str) -> None:
    run(*base(example, lang), "propose", "Werkplekken in de binnenstad", "--by", "roos",
        "--under", "beleid", "--theme", "veilige-werkplekken", "--level", "sex-worker-led")
    assert last_item(example)["level"] == "sex-worker-led"
    word = {"nl": "participatie", "en": "participation"}[lang]
    for public in ("--public", "--internal"):
        for fmt in ("text", "md", "html"):
            out = run(*base(example, lang), "agenda", public, "--format", fmt).output
            assert f"{word}: {label}" in out, (public, fmt)
        data = json.loads(run(*base(example, lang), "agenda", public, "--format",
                              "json").output)
        children = [c for i in data["items"] for c in i["children"]]
        found = [c for c in children if c["title"] == "Werkplekken in de binnenstad"]
        assert found[0]["level"] == "sex-worker-led" and found[0]["level_label"] == label


def test_an_unknown_level_is_refused_with_a_hint(example: Path, run: Run) -> None:
    for lang, says in (("en", "unknown participation level 'co-decid' (did you mean"),
                       ("nl", "onbekend participatieniveau 'co-decid'")):
        assert_refused(lambda lang=lang: run(*base(example, lang), "propose", "X", "--by",
                                             "roos", "--level", "co-decid", expect=1).output,
                       example.parent, says)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_item_set_sets_and_clears_the_level(example: Path, run: Run, lang: str) -> None:
    run(*base(example, lang), "item", "set", PLANNED, "p5", "--level", "co-decide")
    assert items_of(example, PLANNED)[4]["level"] == "co-decide"
    assert "level" in git(example.parent, "log", "-1", "--format=%s")
    run(*base(example, lang), "item", "set", PLANNED, "p5", "--level", "")
    assert "level" not in items_of(example, PLANNED)[4]
    assert_refused(lambda: run(*base(example, lang), "item", "set", PLANNED, "p5", "--level",
                               "everything", expect=1).output, example.parent, "everything")


@pytest.mark.parametrize(("lang", "label"), [("nl", "meebeslissen"), ("en", "co-decide")])
def test_a_decision_carries_its_level_into_both_minutes(example: Path, run: Run, lang: str,
                                                        label: str) -> None:
    out = run(*base(example, lang), "decide", DRAFT, "Het overleg schrijft samen een brief.",
              "--item", "p1", "--level", "co-decide").output
    with (example / "meetings" / f"{DRAFT}.toml").open("rb") as handle:
        decision = tomllib.load(handle)["decision"][-1]
    assert decision["level"] == "co-decide", out
    for public in ("--public", "--internal"):
        for fmt in ("md", "html"):
            text = run(*base(example, lang), "minutes", DRAFT, public, "--format", fmt).output
            assert label in text, (public, fmt)
    run(*base(example, lang), "decide", "set", DRAFT, decision["id"], "--level", "")
    with (example / "meetings" / f"{DRAFT}.toml").open("rb") as handle:
        assert "level" not in tomllib.load(handle)["decision"][-1]
    run(*base(example, lang), "decide", "set", DRAFT, decision["id"], "--level", "advise")
    with (example / "meetings" / f"{DRAFT}.toml").open("rb") as handle:
        assert tomllib.load(handle)["decision"][-1]["level"] == "advise"


def test_the_example_shows_its_levels_in_public_minutes(run: Run) -> None:
    out = run("--repo", str(EXAMPLE), "--lang", "en", "minutes", DRAFT, "--public").output
    assert "participation: led by sex workers" in out and "participation: consult" in out


@pytest.mark.parametrize(("lang", "says"), [
    ("en", "only informs them"), ("nl", "informeert hen alleen")])
def test_check_warns_when_a_sex_work_item_only_informs(example: Path, run: Run, lang: str,
                                                      says: str) -> None:
    path = example / "meetings" / f"{PLANNED}.toml"
    replace_in(path, 'level = "co-decide"', 'level = "inform"')  # p2, veilige-werkplekken
    out = run(*base(example, lang), "check").output
    line = line_with(path, 'level = "inform"')
    assert f"meetings/{PLANNED}.toml:{line}:" in out and says in out, out
    assert "--level" in out


def test_check_warns_when_a_sex_work_item_says_no_level(example: Path, run: Run) -> None:
    path = example / "meetings" / f"{PLANNED}.toml"
    replace_in(path, 'level = "consult"\n\n# Anoniem', '\n# Anoniem')  # p5, destigmatisering
    out = run(*base(example, "en"), "check").output
    assert "2026-03-12/p5 is about sex workers' work or safety" in out
    assert "says no participation level" in out
    # a theme that is not about sex workers' work: no warning
    replace_in(example / "kwartaal.toml", 'title = { nl = "Destigmatisering", en = '
               '"Destigmatisation" }\nconcerns_sex_work = true',
               'title = { nl = "Destigmatisering", en = "Destigmatisation" }')
    assert "says no participation level" not in run(*base(example, "en"), "check").output


def test_check_warns_about_an_informing_decision_under_a_sex_work_item(example: Path,
                                                                      run: Run) -> None:
    run(*base(example, "en"), "item", "set", DRAFT, "p1", "--theme", "toegang", "--level",
        "consult")
    run(*base(example, "en"), "decide", DRAFT, "De politie vertelt hoe het werkt.", "--item",
        "p1", "--level", "inform")
    out = run(*base(example, "en"), "check").output
    assert "decision 2025-12-11/" in out and "only informs them" in out


def test_levels_by_year_counts_each_item_once(example: Path) -> None:
    body = load(example).body
    counts = levels_by_year(body, 2026)
    assert list(counts) == [*m.LEVELS, NO_LEVEL]
    # 2026-03-12: p1 advise, p2 co-decide, p4 co-decide (closed), p5 consult, p6 consult,
    # p7 sex-worker-led; p3 is carried from 2025 and counted there
    assert counts == {"inform": 0, "consult": 2, "advise": 1, "co-decide": 2,
                      "sex-worker-led": 1, NO_LEVEL: 0}
    assert levels_by_year(body, 2026, public=True)["co-decide"] == 1  # the closed one left out
    last_year = levels_by_year(body, 2025)
    assert last_year["sex-worker-led"] == 1 and last_year["consult"] == 1  # two decisions
    assert last_year[NO_LEVEL] > 0
    assert sum(levels_by_year(body, 2019).values()) == 0


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(levels=st.lists(st.sampled_from(["", *m.LEVELS]), min_size=30, max_size=30))
def test_levels_by_year_adds_up_to_the_records_counted(levels: list[str]) -> None:
    """However the levels are spread, each counted record is counted once, under its level,
    and the public count never exceeds the internal one."""
    body = load(EXAMPLE).body
    records = [r for mt in body.meetings for r in (*mt.items, *mt.decisions)]
    for record, level in zip(records, levels * 3, strict=False):
        record.level = level
    for year in (2025, 2026):
        internal = levels_by_year(body, year)
        public = levels_by_year(body, year, public=True)
        decisions = sum(len(mt.decisions) for mt in body.meetings if mt.date.year == year)
        assert sum(internal.values()) >= decisions
        for key, count in public.items():
            assert 0 <= count <= internal[key]


# -- input without a name ---------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "shown"), [("nl", "anoniem ingebracht"),
                                             ("en", "submitted anonymously")])
def test_an_anonymous_proposal_names_nobody(example: Path, run: Run, lang: str, shown: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KWARTAAL_ME", "s-bakker")
    run(*base(example, lang), "propose", "Controles bij thuiswerkers", "--by", "anonymous",
        "--theme", "toegang", "--level", "consult")
    item = last_item(example)
    assert item["by"] == "anonymous" and item["entered_by"] == "s-bakker"
    message = git(example.parent, "log", "-1", "--format=%B")
    assert "anonymously, entered by s-bakker" in message
    for public in ("--public", "--internal"):
        for fmt in ("text", "md", "html", "json"):
            out = run(*base(example, lang), "agenda", public, "--format", fmt).output
            assert shown in out, (public, fmt)
            section = out[out.index("Controles bij thuiswerkers"):][:300]
            assert "Sander" not in section and "s-bakker" not in section, (public, fmt)


@pytest.mark.parametrize(("lang", "shown"), [
    ("nl", "ingebracht door Klankbordgroep Sekswerk"),
    ("en", "submitted by Klankbordgroep Sekswerk")])
def test_a_proposal_by_an_organisation(example: Path, run: Run, lang: str, shown: str) -> None:
    # no KWARTAAL_ME: the meeting's secretary entered it
    run(*base(example, lang), "propose", "Meldpunt voor thuiswerkers", "--by-org",
        "klankbordgroep", "--meeting", DRAFT)
    item = last_item(example, DRAFT)
    assert item["by_org"] == "klankbordgroep" and item["entered_by"] == "l-demir"
    assert "by" not in item
    assert "entered by l-demir" in git(example.parent, "log", "-1", "--format=%B")
    for public in ("--public", "--internal"):
        out = run(*base(example, lang), "minutes", DRAFT, public).output
        assert shown in out, public
    run(*base(example, lang), "check")


def test_input_without_a_name_is_checked(example: Path, run: Run,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    en = base(example, "en")
    assert_refused(lambda: run(*en, "propose", "X", "--by-org", "klankbordgroup",
                               expect=1).output, example.parent,
                   "unknown organisation 'klankbordgroup' (did you mean 'klankbordgroep'?)")
    assert_refused(lambda: run(*en, "propose", "X", "--by", "roos", "--by-org",
                               "klankbordgroep", expect=1).output, example.parent,
                   "give --by or --by-org, not both")
    assert_refused(lambda: run(*en, "propose", "X", expect=1).output, example.parent,
                   "say who proposes it")
    assert_refused(lambda: run(*base(example, "nl"), "person", "add", "anonymous", "--name",
                               "Anna", "--role", "lid", expect=1).output, example.parent,
                   "gereserveerd")
    monkeypatch.setenv("KWARTAAL_ME", "niemand")
    assert_refused(lambda: run(*en, "propose", "X", "--by", "anonymous", expect=1).output,
                   example.parent, "unknown person entering it 'niemand'")
    # KWARTAAL_ME is who enters an organisation's item, not a second proposer
    monkeypatch.setenv("KWARTAAL_ME", "l-demir")
    run(*en, "propose", "Y", "--by-org", "ggd")
    assert last_item(example)["entered_by"] == "l-demir"


def test_check_validates_by_org_and_the_reserved_id(example: Path, run: Run) -> None:
    path = example / "meetings" / f"{PLANNED}.toml"
    replace_in(path, 'by_org = "klankbordgroep"', 'by_org = "klankbordgroup"')
    with (example / "people.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[anonymous]\nname = "Anna"\nvisibility = "named"\n')
    for lang, says in (("en", "is not one of the organisations"), ("nl", "is geen van de")):
        result = run(*base(example, lang), "check", expect=None)
        assert result.exit_code != 0
        line = line_with(path, 'by_org = "klankbordgroup"')
        assert f"meetings/{PLANNED}.toml:{line}:" in result.output and says in result.output
        assert "people.toml" in result.output and "reserved" in result.output \
            or "gereserveerd" in result.output


def _hidden_entry_body(example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example with an anonymous and an organisation's proposal in a planned and a held
    meeting, entered by someone whose name is nowhere else."""
    run(*base(example, "en"), "person", "add", "invoer-q", "--name", "Quirine Voskuijlen",
        "--visibility", "named", "--role", "notulist")
    monkeypatch.setenv("KWARTAAL_ME", "invoer-q")
    for meeting in (PLANNED, DRAFT):
        run(*base(example, "en"), "propose", "Zonder naam", "--by", "anonymous", "--meeting",
            meeting, "--level", "consult")
        run(*base(example, "en"), "propose", "Namens de GGD", "--by-org", "ggd", "--meeting",
            meeting)
    monkeypatch.delenv("KWARTAAL_ME")
    return example


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_output_names_who_entered_input_without_a_name(
        example: Path, run: Run, lang: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    body = _hidden_entry_body(example, run, monkeypatch)
    secret = ("Quirine", "Voskuijlen", "invoer-q")
    outputs = {}
    for fmt in ("text", "md", "html", "json"):
        for public in ("--public", "--internal"):
            outputs[f"agenda {public} {fmt}"] = run(*base(body, lang), "agenda", PLANNED,
                                                    public, "--format", fmt).output
    for fmt in ("md", "html", "json"):
        for public in ("--public", "--internal"):
            outputs[f"minutes {public} {fmt}"] = run(*base(body, lang), "minutes", DRAFT,
                                                     public, "--format", fmt).output
    site = tmp_path / "site"
    run(*base(body, lang), "site", "--output", str(site))
    for page in site.rglob("*.html"):
        outputs[str(page)] = page.read_text(encoding="utf-8")
    assert any("Zonder naam" in text for name, text in outputs.items() if "site" in name)
    for name, text in outputs.items():
        assert "Zonder naam" in text or "site" in name, name
        for word in secret:
            assert word not in text, (name, word)


# -- chair and co-chair -----------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "label", "role"), [
    ("nl", "Co-voorzitter", "lid van de klankbordgroep"),
    ("en", "Co-chair", "member of the advisory group")])
def test_a_role_only_co_chair_shows_by_role_in_public(example: Path, run: Run, lang: str,
                                                      label: str, role: str) -> None:
    run(*base(example, lang), "meeting", "set", PLANNED, "--co-chair", "kbg-1")
    people = load(example).body.people
    hidden = people["kbg-1"].name
    public = run(*base(example, lang), "agenda", "--public", "--format", "md").output
    assert f"**{label}:** {role}" in public and hidden not in public
    internal = run(*base(example, lang), "agenda", "--format", "md").output
    assert f"**{label}:** {hidden}" in internal
    assert "co_chair" in git(example.parent, "log", "-1", "--format=%s")


def test_meeting_new_takes_a_chair_and_co_chair(example: Path, run: Run) -> None:
    en = base(example, "en")
    run(*en, "meeting", "new", "--date", "2026-06-11", "--chair", "l-demir", "--co-chair",
        "yara")
    with (example / "meetings" / "2026-06-11.toml").open("rb") as handle:
        data = tomllib.load(handle)
    assert (data["chair"], data["co_chair"]) == ("l-demir", "yara")
    run(*en, "meeting", "new", "--date", "2026-09-10")
    with (example / "meetings" / "2026-09-10.toml").open("rb") as handle:
        data = tomllib.load(handle)
    assert (data["chair"], data["co_chair"]) == ("m-jansen", "roos")  # the body's
    assert_refused(lambda: run(*en, "meeting", "set", "2026-06-11", "--co-chair", "rose",
                               expect=1).output, example.parent, "unknown co-chair 'rose'")


@pytest.mark.parametrize(("lang", "says"), [("en", "which the body marks as not independent"),
                                            ("nl", "als niet onafhankelijk aanmerkt")])
def test_check_warns_about_a_chair_who_is_not_neutral(example: Path, run: Run, lang: str,
                                                     says: str) -> None:
    assert says not in run(*base(example, lang), "check").output  # the body agreed
    run(*base(example, lang), "meeting", "set", PLANNED, "--chair", "t-elkaddouri")
    out = run(*base(example, lang), "check").output
    line = line_with(example / "meetings" / f"{PLANNED}.toml", 'chair = "t-elkaddouri"')
    assert f"meetings/{PLANNED}.toml:{line}:" in out and says in out
    assert 'agreed_chairs = ["t-elkaddouri"]' in out
    replace_in(example / "kwartaal.toml", 'agreed_chairs = ["m-jansen"]', "")
    out = run(*base(example, lang), "check").output
    line = line_with(example / "kwartaal.toml", 'chair = "m-jansen"')
    assert f"kwartaal.toml:{line}:" in out and 'agreed_chairs = ["m-jansen"]' in out


@pytest.mark.parametrize("lang,says", [("en", "is both chair and co-chair"),
                                       ("nl", "zowel voorzitter als co-voorzitter")])
def test_one_person_as_chair_and_co_chair_is_warned_about(example: Path, run: Run, lang: str,
                                                          says: str) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang]
    run(*base, "meeting", "set", "2026-03-12", "--chair", "kbg-1", "--co-chair", "kbg-1")
    assert says in run(*base, "check").output
