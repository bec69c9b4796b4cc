"""Recording, minutes (internal and public), publishing, and compensation with limits."""

from __future__ import annotations

import json
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from .conftest import EXAMPLE, Run, commit_count, git

HELD = ["2025-03-13", "2025-06-12", "2025-09-11", "2025-12-11"]


def _load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _must_be_absent(body: Path) -> list[str]:
    """Everything public minutes must not contain, computed from the files themselves."""
    absent: set[str] = set()
    people = _load(body / "people.toml")
    absent.update(p["name"] for p in people.values() if p["visibility"] == "role-only")
    for path in (body / "meetings").glob("*.toml"):
        data = _load(path)
        closed_items = {i["id"] for i in data.get("item", []) if i.get("closed")}
        for item in data.get("item", []):
            if item.get("closed"):
                absent.update(s for s in (item["title"], item.get("note", "")) if s)
        for kind, key in (("note", "text"), ("decision", "text"), ("action", "title")):
            for record in data.get(kind, []):
                if record.get("closed") or record.get("item") in closed_items:
                    absent.add(record[key])
        for line in data.get("compensation", []):
            amount = Decimal(str(line["amount"]))
            absent.add(f"{amount:.2f}")
            absent.add(f"{amount:.2f}".replace(".", ","))
    return sorted(absent)


@pytest.mark.parametrize("meeting", HELD)
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_public_minutes_leak_nothing(meeting: str, lang: str, fmt: str, run: Run) -> None:
    public = run("--repo", str(EXAMPLE), "--lang", lang, "minutes", meeting, "--public",
                 "--format", fmt).output
    found = [s for s in _must_be_absent(EXAMPLE) if s in public]
    assert found == []
    assert not re.search(r"vergoeding|compensation", public, re.IGNORECASE)
    internal = run("--repo", str(EXAMPLE), "--lang", lang, "minutes", meeting, "--format",
                   fmt, "--with-compensation").output
    assert re.search(r"vergoeding|compensation", internal, re.IGNORECASE)


def test_public_minutes_count_role_only_people(run: Run) -> None:
    text = run("--repo", str(EXAMPLE), "minutes", "2025-06-12", "--public").output
    assert "twee leden van de klankbordgroep" in text
    english = run("--repo", str(EXAMPLE), "--lang", "en", "minutes", "2025-06-12",
                  "--public").output
    assert "two members of the advisory group" in english
    closed = run("--repo", str(EXAMPLE), "minutes", "2025-06-12", "--public").output
    assert "Besloten gedeelte" in closed


def test_internal_minutes_hold_everything(run: Run) -> None:
    data = json.loads(run("--repo", str(EXAMPLE), "minutes", "2025-06-12", "--format",
                          "json", "--with-compensation").output)
    closed_titles = [i["title"] for i in data["items"] if i["closed"]]
    assert closed_titles == ["Verkenning non-profit werkplek: locatie en subsidie"]
    lines = _load(EXAMPLE / "meetings" / "2025-06-12.toml")["compensation"]
    assert data["compensation"]["total"] == f"{sum(Decimal(str(c['amount'])) for c in lines):.2f}"
    register = [d["id"] for d in data["decisions"]]
    assert register == ["2025-06-12/d1", "2025-06-12/d2"]
    assert all(d["anchor"].startswith("besluit-") for d in data["decisions"])
    public = json.loads(run("--repo", str(EXAMPLE), "minutes", "2025-06-12", "--public",
                            "--format", "json").output)
    assert "compensation" not in public
    assert [d["id"] for d in public["decisions"]] == ["2025-06-12/d1"]
    assert all(not i["closed"] for i in public["items"])


def test_default_minutes_are_of_the_last_held_meeting(run: Run) -> None:
    text = run("--repo", str(EXAMPLE), "--today", "2026-01-15", "minutes").output
    assert "donderdag 11 december 2025" in text


def test_superseded_decision_is_linked(run: Run) -> None:
    march = json.loads(run("--repo", str(EXAMPLE), "minutes", "2025-03-13", "--public",
                           "--format", "json").output)
    first = next(d for d in march["decisions"] if d["id"] == "2025-03-13/d1")
    assert first["superseded_by"] == "2025-09-11/d4"
    html = run("--repo", str(EXAMPLE), "minutes", "2025-09-11", "--format", "html").output
    assert 'id="besluit-2025-09-11-d4"' in html


def test_hostile_body_template_cannot_print_hidden_data(example: Path, run: Run) -> None:
    folder = example / "templates"
    folder.mkdir()
    (folder / "minutes.md.j2").write_text(
        "{{ m }}\n{% for i in m['items'] %}{{ i }}{% endfor %}\n", encoding="utf-8")
    public = run("--repo", str(example), "minutes", "2025-06-12", "--public").output
    assert [s for s in _must_be_absent(example) if s in public] == []
    (folder / "minutes.md.j2").write_text(
        "{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8")
    result = run("--repo", str(example), "--lang", "en", "minutes", "2025-06-12", "--public",
                 expect=1)
    assert "template minutes.md.j2" in result.output


def test_public_text_naming_a_hidden_person_is_redacted_and_warned(example: Path,
                                                                  run: Run) -> None:
    path = example / "meetings" / "2025-06-12.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "In de workshop vertellen", "Jade stelt voor: in de workshop vertellen"),
        encoding="utf-8")
    public = run("--repo", str(example), "minutes", "2025-06-12", "--public").output
    assert "Jade" not in public
    assert "lid van de klankbordgroep stelt voor" in public
    # An error now, as at write time: a hand edit must be rephrased before it is committed.
    result = run("--repo", str(example), "--lang", "en", "check", expect=1)
    assert "names kbg-2, who is not shown by name" in result.output


def _repo(body: Path, today: str = "2026-03-12") -> list[str]:
    return ["--repo", str(body), "--today", today]


def test_recording_a_meeting_end_to_end(example: Path, run: Run) -> None:
    r = _repo(example)
    start = commit_count(example.parent)
    run(*r, "meeting", "held", "2026-03-12")
    run(*r, "attend", "2026-03-12", "m-jansen", "l-demir", "roos", "kbg-1", "yara", "--present")
    run(*r, "attend", "2026-03-12", "t-elkaddouri", "--present", "--online")
    run(*r, "attend", "2026-03-12", "kbg-2", "--excused")
    run(*r, "attend", "2026-03-12", "w-smit", "--absent")
    run(*r, "note", "2026-03-12", "p1", "De behandeling is uitgesteld tot na de zomer.")
    run(*r, "note", "2026-03-12", "p4", "Het pand aan de Havenweg valt af.", "--closed")
    run(*r, "decide", "2026-03-12", "Het overleg schrijft het ministerie een brief.",
        "--item", "p1")
    run(*r, "decide", "2026-03-12", "Nieuwe vergadertijd: 19.30 uur.", "--item",
        "samenwerking", "--supersedes", "2025-09-11/d4")
    run(*r, "action", "add", "Brief aan het ministerie", "--owner", "roos", "--due", "+4w",
        "--meeting", "2026-03-12", "--item", "p1")
    result = run(*r, "--lang", "en", "compensate", "2026-03-12", "--all-present")
    assert "travel is reimbursed at actual cost" in result.output
    assert "no allowance limits are known for 2026" in result.output
    run(*r, "compensate", "2026-03-12", "roos", "--travel", "7.40")
    again = run(*r, "--lang", "en", "compensate", "2026-03-12", "--all-present", expect=1)
    assert "already has compensation recorded there; nothing was recorded" in again.output
    assert commit_count(example.parent) == start + 12
    data = _load(example / "meetings" / "2026-03-12.toml")
    assert data["status"] == "held"
    assert data["present"] == ["m-jansen", "l-demir", "roos", "kbg-1", "yara", "t-elkaddouri"]
    assert data["online"] == ["t-elkaddouri"]
    assert data["excused"] == ["kbg-2"] and data["absent"] == ["w-smit"]
    lines = data["compensation"]
    assert {(c["person"], c["kind"]) for c in lines} == {
        (p, k) for p in ("roos", "kbg-1", "yara") for k in ("fee", "meal")} | {("roos", "travel")}
    assert all(Decimal(str(c["amount"])) == Decimal("16.80") for c in lines if c["kind"] == "fee")
    # the feedback owed to this meeting on input asked in December (else check warns)
    run(*r, "feedback", "2025-12-11", "p1", "De reactie is meegestuurd met de brief.")
    run(*r, "check", "--strict")
    # review, approve, publish
    run(*r, "minutes", "review", "2026-03-12")
    draft = (example / "minutes" / "2026-03-12.md").read_text(encoding="utf-8")
    assert "Het pand aan de Havenweg valt af." in draft and "Vergoedingen" in draft
    result = run(*r, "--lang", "en", "publish", "2026-03-12", expect=1)
    assert "not approved" in result.output
    # approved at the next meeting, on its day: a date still to come is refused
    run(*_repo(example, "2026-06-11"), "minutes", "approve", "2026-03-12", "--date", "2026-06-11")
    run(*r, "publish", "2026-03-12")
    folder = example / "public" / "minutes"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["2026-03-12.en.html", "2026-03-12.en.md", "2026-03-12.html",
                     "2026-03-12.md"]
    absent = [*_must_be_absent(example), "Het pand aan de Havenweg valt af.", "Mila"]
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        assert [s for s in absent if s in text] == []
        assert "De reactie is meegestuurd met de brief." in text  # in the review of actions
    assert "minutes/2026-03-12" in git(example.parent, "tag").split()
    assert _load(example / "meetings" / "2026-03-12.toml")["status"] == "published"
    run(*r, "check", "--strict")


BAD = [
    (["compensate", "2025-12-11", "kbg-1", "--fee", "10"], "not recorded as present"),
    (["compensate", "2025-12-11", "roos", "--fee", "-5"], "must be zero or more"),
    (["compensate", "2025-12-11", "roos", "--fee", "tien"], "is not an amount"),
    (["compensate", "2025-12-11", "roos", "--travel", "Infinity"], "is not an amount"),
    (["compensate", "2025-12-11", "roos", "--travel", "1" + "0" * 308], "far above any payment"),
    (["compensate", "2025-12-12", "roos", "--fee", "5"], "did you mean '2025-12-11'"),
    (["compensate", "2025-12-11", "rooss", "--fee", "5"], "unknown person 'rooss'"),
    (["compensate", "2025-12-11", "roos", "--fee", "5.555"], "at most two decimals"),
    (["minutes", "approve", "2026-03-12"], "has not been held yet"),
    (["publish", "2026-03-12"], "not approved"),
    (["note", "2025-12-11", "p9", "x"], "unknown agenda item 'p9'"),
    (["decide", "2025-12-11", "x", "--supersedes", "2025-12-11/d9"], "no decision"),
    (["attend", "2025-12-11", "nobody", "--present"], "unknown person 'nobody'"),
    (["meeting", "held", "2026-03-12"], "still to come"),
]


@pytest.mark.parametrize("args,fragment", BAD, ids=[" ".join(b[0][:2]) + str(i)
                                                    for i, b in enumerate(BAD)])
def test_bad_input_changes_nothing(args: list[str], fragment: str, example: Path,
                                   run: Run) -> None:
    files = {p: p.read_bytes() for p in example.rglob("*") if p.is_file()}
    commits = commit_count(example.parent)
    result = run("--repo", str(example), "--today", "2026-01-15", "--lang", "en", *args,
                 expect=1)
    assert fragment in result.output
    assert {p: p.read_bytes() for p in example.rglob("*") if p.is_file()} == files
    assert commit_count(example.parent) == commits


# -- limits ------------------------------------------------------------------------------------

@pytest.fixture
def payer(new_body: Path, run: Run) -> Path:
    """A new body with one compensated person present at meetings in 2023, 2025 and 2027."""
    r = ["--repo", str(new_body), "--today", "2027-12-31"]
    run(*r, "person", "add", "kbg", "--name", "Iris", "--visibility", "role-only", "--role",
        "lid van de klankbordgroep", "--compensated")
    run(*r, "person", "add", "jong", "--name", "Noa", "--visibility", "role-only", "--role",
        "lid van de klankbordgroep", "--compensated", "--age-band", "under-21")
    for date in ("2023-03-09", "2023-03-23", "2025-03-13", "2025-03-27", "2025-06-12",
                 "2027-03-11"):
        run(*r, "meeting", "new", "--date", date, "--force")
        run(*r, "meeting", "held", date)
        run(*r, "attend", date, "kbg", "jong", "--present")
    return new_body


def _pay(run: Run, body: Path, date: str, *args: str, expect: int = 0) -> str:
    return run("--repo", str(body), "--today", "2027-12-31", "--lang", "en", "compensate", date,
               *args, expect=expect).output.replace("\xa0", " ")


def test_hourly_limit_2025(payer: Path, run: Run) -> None:
    out = _pay(run, payer, "2025-03-13", "kbg", "--hours", "2", "--fee", "11.22", expect=1)
    assert "€5.61 an hour is above the 2025 limit of €5.60" in out
    assert "€0.02 too high" in out
    _pay(run, payer, "2025-03-13", "kbg", "--hours", "2", "--fee", "11.20")
    out = _pay(run, payer, "2025-03-13", "jong", "--hours", "2", "--fee", "6.62", expect=1)
    assert "under 21" in out
    _pay(run, payer, "2025-03-13", "jong", "--hours", "2", "--fee", "6.60")


def test_month_limit_2025_and_warnings(payer: Path, run: Run) -> None:
    _pay(run, payer, "2025-03-13", "kbg", "--hours", "18", "--fee", "100.00")
    # 168.00 = 80 % of 210
    out = _pay(run, payer, "2025-03-27", "kbg", "--hours", "13", "--fee", "68.00")
    assert "month 2025-03 reaches €168.00, 80% of the limit of €210.00" in out
    out = _pay(run, payer, "2025-03-27", "kbg", "--voucher", "42.01", expect=1)
    assert "month 2025-03 would reach €210.01, €0.01 above the limit of €210.00" in out
    _pay(run, payer, "2025-03-27", "kbg", "--voucher", "42.00")
    overview = json.loads(run("--repo", str(payer), "compensation", "--year", "2025",
                              "--format", "json").output)
    person = next(p for p in overview["people"] if p["id"] == "kbg")
    assert person["months"] == {"2025-03": "210.00"}
    assert person["limit"]["status"] == "warning"


def test_force_records_above_the_limit_and_the_overview_says_so(payer: Path, run: Run) -> None:
    out = _pay(run, payer, "2025-06-12", "kbg", "--hours", "45", "--fee", "250.00", "--force")
    assert "forced" in out
    overview = json.loads(run("--repo", str(payer), "compensation", "--year", "2025",
                              "--format", "json").output)
    assert overview["people"][0]["limit"]["status"] == "exceeded"


def test_year_without_limits_gives_a_notice(payer: Path, run: Run) -> None:
    out = _pay(run, payer, "2027-03-11", "kbg", "--hours", "10", "--fee", "50.00")
    assert "no allowance limits are known for 2027" in out
    assert "compensation.limits.2027.month" in out
    overview = json.loads(run("--repo", str(payer), "compensation", "--year", "2027",
                              "--format", "json").output)
    assert overview["people"][0]["limit"]["status"] == "unknown"
    assert overview["people"][0]["limit"]["messages"]


def test_2023_costs_count_toward_the_month_limit(payer: Path, run: Run) -> None:
    out = _pay(run, payer, "2023-03-09", "kbg", "--hours", "3", "--fee", "12.00", "--travel",
               "208.00", expect=1)
    assert "month 2023-03 would reach €220.00, €30.00 above the limit of €190.00" in out
    run("--repo", str(payer), "config", "set", "compensation.costs_count", "false")
    _pay(run, payer, "2023-03-09", "kbg", "--hours", "3", "--fee", "12.00", "--travel",
         "208.00")


def test_fee_regime_has_no_limits(payer: Path, run: Run) -> None:
    run("--repo", str(payer), "config", "set", "compensation.regime", "fee")
    out = _pay(run, payer, "2025-03-13", "kbg", "--fee", "400.00")
    assert "limit" not in out


def test_totals_computed_independently(run: Run) -> None:
    overview = json.loads(run("--repo", str(EXAMPLE), "compensation", "--year", "2025",
                              "--format", "json").output)
    expected: dict[str, dict[str, Decimal]] = {}
    unpaid: dict[str, Decimal] = {}
    for path in sorted((EXAMPLE / "meetings").glob("2025-*.toml")):
        data = _load(path)
        month = path.stem[:7]
        for line in data.get("compensation", []):
            amount = Decimal(str(line["amount"]))
            expected.setdefault(line["person"], {}).setdefault(month, Decimal(0))
            expected[line["person"]][month] += amount
            if "paid" not in line:
                unpaid[line["person"]] = unpaid.get(line["person"], Decimal(0)) + amount
    assert {p["id"] for p in overview["people"]} == set(expected)
    for person in overview["people"]:
        months = expected[person["id"]]
        assert person["months"] == {k: f"{v:.2f}" for k, v in sorted(months.items())}
        assert person["total"] == f"{sum(months.values()):.2f}"
        assert person["unpaid"] == f"{unpaid.get(person['id'], Decimal(0)):.2f}"
        assert person["limit"]["status"] == "ok"
        assert all(set(line) >= {"meeting", "kind", "amount", "paid"} for line in person["lines"])


def test_finance_csv_names_only_named_people(run: Run) -> None:
    import csv
    import io

    text = run("--repo", str(EXAMPLE), "compensation", "--year", "2025", "--format", "csv").output
    rows = [row for row in csv.DictReader(io.StringIO(text)) if row["kind"] != "total"]
    lines = sum(len(_load(p).get("compensation", []))
                for p in (EXAMPLE / "meetings").glob("2025-*.toml"))
    assert len(rows) == lines
    people = _load(EXAMPLE / "people.toml")
    for row in rows:
        if row["payee_type"] == "organisation":
            assert row["person"] == row["name"] == ""
            continue
        assert row["name"] == (people[row["person"]]["name"]
                               if people[row["person"]]["visibility"] == "named" else "")
        assert row["description"].startswith("vergoeding overleg ")
    hidden = [p["name"] for p in people.values() if p["visibility"] != "named"]
    assert not any(name in text for name in hidden)


def test_paid_marks_open_lines(example: Path, run: Run) -> None:
    run("--repo", str(example), "compensation", "paid", "2025-12-11", "roos", "--date",
        "2026-01-05")
    data = _load(example / "meetings" / "2025-12-11.toml")
    assert {str(c["paid"]) for c in data["compensation"] if c["person"] == "roos"} == {
        "2026-01-05"}
    run("--repo", str(example), "--lang", "en", "compensation", "paid", "2025-12-11", "roos",
        "--date", "2026-01-06", expect=1)


def test_amounts_in_both_languages(run: Run) -> None:
    nl = run("--repo", str(EXAMPLE), "--today", "2026-01-15", "compensation", "--year",
             "2025").output.replace("\xa0", " ")
    lines = [c for p in (EXAMPLE / "meetings").glob("2025-*.toml")
             for c in _load(p).get("compensation", []) if c["person"] == "yara"]
    total = sum(Decimal(str(c["amount"])) for c in lines)
    assert f"€ {total:.2f}".replace(".", ",") in nl
    from kwartaal.core.formats import money

    assert money(Decimal("1234.56"), "nl") == "€\xa01.234,56"  # no break between € and amount
    assert money(Decimal("1234.56"), "en") == "€1,234.56"


def test_an_unknown_meeting_of_a_large_body_names_those_around_it(
        generated: tuple[Path, Any], run: Run) -> None:
    """Of a body of more meetings than a message can list: the nearest meeting in time as the
    hint, a dozen meetings around the id, and how many there are, in English and Dutch."""
    root, today = generated
    ids = sorted(path.stem for path in (root / "meetings").glob("*.toml"))
    asked = ids[10][:8] + ("28" if ids[10][8:10] != "28" else "27")  # same month, no meeting
    assert asked not in ids
    result = run("--repo", str(root), "--today", today.isoformat(), "--lang", "en", "minutes",
                 asked, expect=1)
    assert f"(did you mean '{ids[10]}'?)" in result.output
    assert "the meetings around it: " + ", ".join(ids[5:17]) in result.output
    assert f"({len(ids)} in all: 'kwartaal meeting list' shows them)" in result.output
    assert ids[0] not in result.output and ids[-1] not in result.output
    result = run("--repo", str(root), "--today", today.isoformat(), "minutes", asked, expect=1)
    assert f"de vergaderingen eromheen: {ids[5]}" in result.output
    assert f"(bedoelde je '{ids[10]}'?)" in result.output
    # before the first meeting, after the last: a dozen all the same, and no far-off hint
    for asked, shown in (("1000-01-01", ids[:12]), ("2999-12-31", ids[-12:]),
                         (ids[-1][:5] + "1-1", ids[-12:])):
        result = run("--repo", str(root), "--today", today.isoformat(), "--lang", "en",
                     "minutes", asked, expect=1)
        assert "the meetings around it: " + ", ".join(shown) + " (" in result.output
        assert "did you mean" not in result.output or asked.endswith("1-1")
    # not a date: the closest spelling, and the latest meetings
    result = run("--repo", str(root), "--today", today.isoformat(), "--lang", "en", "minutes",
                 ids[-1] + "-3", expect=1)
    assert f"(did you mean '{ids[-1]}'?); the latest meetings: " + ", ".join(ids[-12:]) \
        in result.output
