"""Organisation payees and the neutral payment description: who the finance export pays, that
a row paid to an organisation names no person, that the limits still count per person, that
the description names the month and never what the meeting is about, and that none of it
reaches public output."""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import tomllib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import (
    EXAMPLE,
    EXAMPLE_TODAY,
    Run,
    assert_refused,
    commit_all,
    git,
    line_with,
    replace_in,
)

HELD = "2025-12-11"  # roos: c3 (fee), c4 (travel), unpaid; yara: c1, c2 paid; kbg-2: c5, c6 paid
LANGS = ("nl", "en")


def _k(run: Run, body: Path, *args: str, lang: str = "en", expect: int = 0) -> str:
    out = run("--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", lang, *args,
              expect=expect).output
    assert "Traceback" not in out and "internal error" not in out, out
    return out.replace("\xa0", " ")


def _rows(run: Run, body: Path, *args: str, lang: str = "en") -> list[dict[str, str]]:
    text = _k(run, body, "compensation", "--year", "2025", "--format", "csv", *args, lang=lang)
    return list(csv.DictReader(io.StringIO(text)))


def _toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _people(body: Path) -> dict[str, Any]:
    return _toml(body / "people.toml")


def _lines(body: Path, meeting: str = HELD) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in _toml(body / "meetings" / f"{meeting}.toml")["compensation"]}


def _who_identifies(body: Path, person: str) -> list[str]:
    """What would point at a person in a row: their id, name and aliases."""
    record = _people(body)[person]
    return [person, record["name"], *record.get("aliases", [])]


def _cells_hold(row: dict[str, str], needle: str) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(needle)}(?![\w-])", cell or "", re.IGNORECASE)
               for cell in row.values())


# -- the finance export ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_rows_paid_to_an_organisation_name_the_organisation_and_no_person(lang: str,
                                                                           run: Run) -> None:
    rows = _rows(run, EXAMPLE, lang=lang)
    via_group = [r for r in rows if r["payee"] == "klankbordgroep"]
    lines = [r for r in via_group if r["kind"] != "total"]
    # kbg-2 through people.toml (2025-06-12 c6, c7; 2025-12-11 c5, c6), kbg-1 on one line
    assert len(lines) == 5
    for row in via_group:
        assert row["payee_type"] == "organisation"
        assert row["payee_name"] == "Stichting Klankbord Voorbeeldstad"   # its account_name
        assert row["person"] == "" and row["name"] == ""
        for person in ("kbg-1", "kbg-2"):
            for word in _who_identifies(EXAMPLE, person):
                assert not _cells_hold(row, word), (word, row)
    # the same lines paid to a person carry the person's id
    assert {r["payee"] for r in rows if r["payee_type"] == "person"} == {"kbg-1", "roos", "yara"}
    assert all(r["person"] == r["payee"] for r in rows
               if r["payee_type"] == "person" and r["kind"] != "total")


@pytest.mark.parametrize("lang", LANGS)
def test_every_payee_has_a_total_and_the_totals_add_up(lang: str, run: Run) -> None:
    rows = _rows(run, EXAMPLE, lang=lang)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    totals: dict[str, Decimal] = {}
    order: list[str] = []
    for row in rows:
        if not order or order[-1] != row["payee"]:
            assert row["payee"] not in order, "a payee's rows stand together"
            order.append(row["payee"])
        if row["kind"] == "total":
            totals[row["payee"]] = Decimal(row["amount"])
        else:
            sums[row["payee"]] += Decimal(row["amount"])
    assert totals == sums and set(totals) == set(order)
    assert order[0] == "klankbordgroep", "organisations come first"
    assert rows[-1]["kind"] == "total"
    every_line = sum((Decimal(str(c["amount"])) for p in (EXAMPLE / "meetings").glob("2025-*")
                      for c in _toml(p).get("compensation", [])), Decimal(0))
    assert sum(totals.values()) == every_line


def test_the_description_names_the_month_in_the_bodys_language(example: Path,
                                                                run: Run) -> None:
    for lang in LANGS:  # the reader's language does not matter: the bank's is the body's
        rows = _rows(run, example, lang=lang)
        by_date = {r["date"]: r["description"] for r in rows if r["kind"] != "total"}
        assert by_date["2025-12-11"] == "vergoeding overleg december 2025"
        assert by_date["2025-03-13"] == "vergoeding overleg maart 2025"
        assert {r["description"] for r in rows if r["kind"] == "total"} == {
            "vergoeding overleg 2025"}
    _k(run, example, "config", "set", "body.language", "en")
    rows = _rows(run, example, lang="nl")
    assert "vergoeding overleg December 2025" in {r["description"] for r in rows}
    _k(run, example, "config", "set", "compensation.description", "Meeting allowance")
    assert {r["description"] for r in _rows(run, example)} == {"Meeting allowance"}


def test_the_overview_says_who_each_line_is_paid_to(run: Run) -> None:
    import json

    data = json.loads(_k(run, EXAMPLE, "compensation", "--year", "2025", "--format", "json"))
    payees = {line["id"]: line["payee"] for person in data["people"] for line in person["lines"]}
    assert payees["2025-12-11/c5"] == "klankbordgroep"        # kbg-2's own payee
    assert payees["2025-09-11/c5"] == "klankbordgroep"        # kbg-1's line
    assert payees["2025-09-11/c6"] is None and payees["2025-12-11/c3"] is None


# -- recording payees --------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_person_set_and_add_take_a_payee_by_key_or_name(lang: str, example: Path,
                                                        run: Run) -> None:
    before = {(r["date"], r["kind"], r["amount"]) for r in _rows(run, example, lang=lang)
              if r["payee"] == "roos" and r["paid"]}
    out = _k(run, example, "person", "set", "roos", "--payee", "Klankbordgroep Sekswerk",
             lang=lang)
    assert _people(example)["roos"]["payee"] == "klankbordgroep"
    assert git(example.parent, "log", "-1", "--format=%s").strip() == \
        "person roos: payee klankbordgroep"
    # what was paid stays paid to roos, in every file, in the same commit; the rest follows
    changed = git(example.parent, "show", "--name-only", "--format=", "HEAD").split()
    assert len(changed) == 4 and "meetings/people.toml" in changed
    assert "2025-03-13/c3" in out and "2025-12-11/c3" not in out, out
    assert _lines(example)["c3"].get("payee") is None
    assert _lines(example, "2025-09-11")["c3"]["payee"] == "roos"
    rows = _rows(run, example, lang=lang)
    assert {(r["date"], r["kind"], r["amount"]) for r in rows if r["payee"] == "roos"
            and r["kind"] != "total"} == before
    assert {(r["date"], r["person"]) for r in rows if r["payee"] == "klankbordgroep"
            and r["paid"] == "" and r["kind"] != "total"} == {(HELD, "")}
    _k(run, example, "person", "set", "roos", "--payee", "", lang=lang)
    assert "payee" not in _people(example)["roos"]
    assert len(git(example.parent, "show", "--name-only", "--format=", "HEAD").split()) == 1
    _k(run, example, "person", "add", "kbg-3", "--name", "Nova", "--visibility", "role-only",
       "--role", "lid van de klankbordgroep", "--compensated", "--payee", "klankbordgroep",
       lang=lang)
    assert _people(example)["kbg-3"]["payee"] == "klankbordgroep"
    _k(run, example, "check", "--strict", lang=lang)


PAID = ("a paid line stays as it was paid", "een betaalde regel blijft zoals hij betaald is")
PAYEE_REFUSALS = [
    (["person", "set", "roos", "--payee", "zijweg"],
     ("does not accept payments", "neemt geen betalingen aan")),
    (["person", "set", "roos", "--payee", "klankbordgroup"],
     ("did you mean 'klankbordgroep'", "bedoelde je 'klankbordgroep'")),
    (["person", "add", "kbg-3", "--name", "Nova", "--visibility", "role-only", "--role", "lid",
      "--payee", "ggd"], ("does not accept payments", "neemt geen betalingen aan")),
    (["compensate", HELD, "roos", "--travel", "3", "--payee", "zijweg"],
     ("does not accept payments", "neemt geen betalingen aan")),
    (["compensation", "set", HELD, "c3", "--payee", "nergens"],
     ("is not an organisation of kwartaal.toml", "is geen organisatie uit kwartaal.toml")),
    (["compensation", "set", HELD, "c1", "--payee", "klankbordgroep"],
     PAID),
    (["compensation", "set", HELD, "c5", "--payee", ""], PAID),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("args,says", PAYEE_REFUSALS,
                         ids=[f"{' '.join(a[:2])} {i}" for i, (a, _) in
                              enumerate(PAYEE_REFUSALS)])
def test_a_payee_that_cannot_be_paid_is_refused(lang: str, args: list[str],
                                                says: tuple[str, str], example: Path,
                                                run: Run) -> None:
    expected = says[0] if lang == "en" else says[1]
    assert_refused(lambda: _k(run, example, *args, lang=lang, expect=1), example.parent,
                   expected)


@pytest.mark.parametrize("lang", LANGS)
def test_compensate_and_set_write_the_payee_of_a_line(lang: str, example: Path,
                                                      run: Run) -> None:
    out = _k(run, example, "compensate", HELD, "roos", "--meal", "12.50", "--payee",
             "klankbordgroep", lang=lang)
    new = [c for c in _lines(example).values() if c.get("payee")
           and c["person"] == "roos"]
    assert len(new) == 1 and new[0]["payee"] == "klankbordgroep", out
    text = (example / "meetings" / f"{HELD}.toml").read_text(encoding="utf-8")
    assert 'method = "bank"\npayee = "klankbordgroep"' in text   # in declared order
    _k(run, example, "compensation", "set", HELD, "c3", "--payee", "klankbordgroep", lang=lang)
    assert _lines(example)["c3"]["payee"] == "klankbordgroep"
    assert git(example.parent, "log", "-1", "--format=%s").strip() == \
        f"compensation {HELD}/c3: corrected payee klankbordgroep"
    rows = _rows(run, example, lang=lang)
    group = [r for r in rows if r["payee"] == "klankbordgroep" and r["date"] == HELD]
    assert {r["kind"] for r in group} == {"fee", "meal"} and len(group) == 4
    _k(run, example, "compensation", "set", HELD, "c3", "--payee", "", lang=lang)
    assert "payee" not in _lines(example)["c3"]
    _k(run, example, "check", "--strict", lang=lang)


def test_the_limits_still_count_per_person(example: Path, run: Run) -> None:
    """roos has 24.20 in December 2025; a line paid to an organisation is still hers."""
    out = _k(run, example, "compensate", HELD, "roos", "--travel", "190", "--payee",
             "klankbordgroep", expect=1)
    assert "roos: month 2025-12 would reach €214.20" in out
    _k(run, example, "compensate", HELD, "roos", "--travel", "185", "--payee", "klankbordgroep")
    status = _k(run, example, "compensation", "--year", "2025", "--person", "roos")
    assert "80%" in status


# -- check ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_check_reports_a_payee_that_cannot_be_paid_at_its_line(lang: str, example: Path,
                                                               run: Run) -> None:
    replace_in(example / "people.toml", 'payee = "klankbordgroep"', 'payee = "zijweg"')
    meeting = example / "meetings" / "2025-09-11.toml"
    replace_in(meeting, 'payee = "klankbordgroep"', 'payee = "klankbordgroup"')
    replace_in(example / "people.toml", '[yara]\n', '[yara]\npayee = "bank"\n')
    out = _k(run, example, "check", lang=lang, expect=1)
    people_line = line_with(example / "people.toml", 'payee = "zijweg"')
    assert f"people.toml:{people_line}: " in out
    meeting_line = line_with(meeting, 'payee = "klankbordgroup"')
    assert f"2025-09-11.toml:{meeting_line}: " in out
    yara_line = line_with(example / "people.toml", 'payee = "bank"')
    assert f"people.toml:{yara_line}: " in out
    if lang == "en":
        assert "[kbg-2] payee: organisation 'zijweg' does not accept payments" in out
        assert "compensation line 2025-09-11/c5: payee: 'klankbordgroup' is not an " \
               "organisation of kwartaal.toml (did you mean 'klankbordgroep'?)" in out
    else:
        assert "neemt geen betalingen aan" in out and "is geen organisatie" in out
    # the organisation says it accepts payments: the person's payee is fine
    config = example / "kwartaal.toml"
    replace_in(config, 'kind = "social-work"', 'kind = "social-work"\npayee = true')
    out = _k(run, example, "check", lang=lang, expect=1)
    assert f"people.toml:{people_line}: " not in out


@pytest.mark.parametrize("lang", LANGS)
def test_a_description_with_a_sensitive_word_or_an_unknown_placeholder_is_an_error(
        lang: str, example: Path, run: Run) -> None:
    config = example / "kwartaal.toml"
    for bad, says in (("vergoeding SEKSWERK {month}", ("bank statement", "bankafschrift")),
                      ("vergoeding Prostitutie-overleg", ("bank statement", "bankafschrift")),
                      ("vergoeding overleg {maand}", ("{maand}", "{maand}")),
                      ("vergoeding overleg {month", ("lone brace", "losse accolade"))):
        text = config.read_text(encoding="utf-8")
        replace_in(config, 'description = "vergoeding overleg {month}"',
                   f'description = "{bad}"')
        out = _k(run, example, "check", lang=lang, expect=1)
        line = line_with(config, f'description = "{bad}"')
        assert f"kwartaal.toml:{line}: " in out, out
        assert says[0 if lang == "en" else 1] in out, out
        config.write_text(text, encoding="utf-8")
        assert_refused(lambda bad=bad: _k(run, example, "config", "set",  # type: ignore[misc]
                                          "compensation.description", bad, lang=lang,
                                          expect=1), example.parent,
                       "compensation.description")
    _k(run, example, "config", "set", "compensation.description", "onkosten {month}",
       lang=lang)
    _k(run, example, "check", "--strict", lang=lang)


def test_sensitive_words_are_the_bodys_own_list(example: Path, run: Run) -> None:
    """The description is checked against [privacy] sensitive_words, not a list of its own."""
    replace_in(example / "kwartaal.toml", "[privacy]\n",
               '[privacy]\nsensitive_words = ["kwartaal"]\n')
    commit_all(example.parent, "own list")
    _k(run, example, "config", "set", "compensation.description", "sekswerk {month}")
    _k(run, example, "config", "set", "compensation.description", "Kwartaal {month}",
       expect=1)


# -- privacy -----------------------------------------------------------------------------------

def test_public_output_holds_no_compensation_data(example: Path, run: Run,
                                                  tmp_path: Path) -> None:
    """Public minutes of every held meeting and the whole site: no amount, no payment
    description, no payee's account name."""
    folder = tmp_path / "site"
    _k(run, example, "site", "--output", str(folder))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*")
             if p.is_file()]
    for meeting in ("2025-03-13", "2025-06-12", "2025-09-11", "2025-12-11"):
        for lang in LANGS:
            for fmt in ("md", "html", "json"):
                texts.append(_k(run, example, "minutes", meeting, "--public", "--format", fmt,
                                lang=lang))
    texts.append(_k(run, example, "agenda", "--public", "--format", "json"))
    assert len(texts) > 20
    for text in texts:
        for needle in ("16.80", "16,80", "12.50", "12,50", "Stichting Klankbord",
                       "vergoeding overleg", "account_name", "payee"):
            assert needle not in text, needle


PAID_LINES = [(meeting.stem, line["id"]) for meeting in sorted((EXAMPLE / "meetings").glob("*"))
              for line in _toml(meeting).get("compensation", [])]


@settings(max_examples=12, deadline=None, derandomize=True)
@given(st.sets(st.sampled_from(PAID_LINES), max_size=len(PAID_LINES)),
       st.sets(st.sampled_from(("yara", "roos", "kbg-1", "kbg-2")), max_size=4))
def test_an_organisations_rows_never_point_at_a_person(
        on_lines: set[tuple[str, str]], on_people: set[str]) -> None:
    """Whichever lines and people are paid to the organisation: its rows carry no id, name
    or alias of anyone, every line is in the export once, and the totals add up."""
    from kwartaal import load_checked
    from kwartaal.documents.finance import compensation_csv

    with tempfile.TemporaryDirectory() as tmp:
        body = Path(tmp) / "meetings"
        shutil.copytree(EXAMPLE, body)
        people = body / "people.toml"
        text = people.read_text(encoding="utf-8").replace('payee = "klankbordgroep"', "")
        for pid in on_people:
            text = text.replace(f"[{pid}]\n", f'[{pid}]\npayee = "klankbordgroep"\n')
        text = text.replace('name = "Yara"', 'name = "Yara"\naliases = ["Yaar"]')
        people.write_text(text, encoding="utf-8")
        for path in (body / "meetings").glob("*.toml"):
            path.write_text(path.read_text(encoding="utf-8").replace(
                'payee = "klankbordgroep"', ""), encoding="utf-8")
        for meeting, local in on_lines:
            path = body / "meetings" / f"{meeting}.toml"
            replace_in(path, f'id = "{local}"\n', f'id = "{local}"\npayee = "klankbordgroep"\n')
        loaded = load_checked(body)
        rows = list(csv.DictReader(io.StringIO(compensation_csv(loaded, 2025, None))))
        group = [r for r in rows if r["payee"] == "klankbordgroep"]
        for row in group:
            for pid in ("yara", "roos", "kbg-1", "kbg-2"):
                for word in _who_identifies(body, pid):
                    assert not _cells_hold(row, word), (word, row)
        paid_via = {(mt.id, line.local_id) for mt in loaded.meetings for line in mt.compensation
                    if line.payee or loaded.people[line.person].payee}
        expected = {(m, c) for m, c in PAID_LINES if m.startswith("2025")}
        assert len([r for r in rows if r["kind"] != "total"]) == len(expected)
        assert len([r for r in group if r["kind"] != "total"]) == len(
            {x for x in paid_via if x[0].startswith("2025")})
        totals = sum(Decimal(r["amount"]) for r in rows if r["kind"] == "total")
        assert totals == sum(Decimal(r["amount"]) for r in rows if r["kind"] != "total")


def test_init_writes_the_month_pattern(tmp_path: Path, run: Run) -> None:
    path = tmp_path / "nieuw"
    run("init", str(path), "--name", "Overleg Proefstad")
    config = _toml(path / "kwartaal.toml")
    assert config["compensation"]["description"] == "vergoeding overleg {month}"


@pytest.mark.parametrize("lang", LANGS)
def test_a_line_can_be_paid_to_its_own_person_and_to_no_other(lang: str, example: Path,
                                                              run: Run) -> None:
    """kbg-2 is paid through the Klankbordgroep; one line of hers goes to her directly."""
    _k(run, example, "compensate", HELD, "kbg-2", "--travel", "3.10", "--payee", "kbg-2",
       lang=lang)
    rows = _rows(run, example, lang=lang)
    own = [r for r in rows if r["payee"] == "kbg-2" and r["kind"] == "travel"]
    assert len(own) == 1 and own[0]["payee_type"] == "person" and own[0]["person"] == "kbg-2"
    assert own[0]["name"] == "" and own[0]["payee_name"] == ""      # role-only: no name
    _k(run, example, "check", "--strict", lang=lang)
    says = ("is not an organisation of kwartaal.toml", "is geen organisatie uit kwartaal.toml")
    assert_refused(lambda: _k(run, example, "compensate", HELD, "kbg-2", "--meal", "2",
                              "--payee", "roos", lang=lang, expect=1), example.parent,
                   says[0] if lang == "en" else says[1])


def test_config_set_makes_an_organisation_a_payee(example: Path, run: Run) -> None:
    assert_refused(lambda: _k(run, example, "person", "set", "yara", "--payee", "zijweg",
                              expect=1), example.parent,
                   "kwartaal config set organisations.zijweg.payee true")
    _k(run, example, "config", "set", "organisations.zijweg.payee", "true")
    _k(run, example, "config", "set", "organisations.zijweg.account_name", "Zijweg Betalingen")
    _k(run, example, "person", "set", "yara", "--payee", "zijweg")
    _k(run, example, "compensate", HELD, "yara", "--travel", "2")   # her paid lines stay hers
    rows = _rows(run, example)
    assert [r["amount"] for r in rows if r["payee"] == "zijweg" and r["kind"] != "total"] == [
        "2.00"]
    assert {r["payee_name"] for r in rows if r["payee"] == "zijweg"} == {"Zijweg Betalingen"}
    out = _k(run, example, "config", "set", "organisations.zijweg.pay", "true", expect=1)
    assert "did you mean 'organisations.zijweg.payee'" in out
    # a hidden name in the account name would reach the finance department: refused
    assert_refused(lambda: _k(run, example, "config", "set", "organisations.zijweg.account_name",
                              "Rekening Mila", expect=1), example.parent, "kbg-1")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_an_organisation_still_paid_cannot_stop_accepting_payments(example: Path, run: Run,
                                                                    lang: str) -> None:
    from tests.conftest import assert_refused

    out = assert_refused(lambda: run("--repo", str(example), "--today", "2026-01-15",
                                     "--lang", lang, "config", "set",
                                     "organisations.klankbordgroep.payee", "false",
                                     expect=1).output,
                         example.parent, "klankbordgroep")
    assert "2025-09-11/c5" in out
