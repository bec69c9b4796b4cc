"""Correcting and voiding compensation lines, and the rules every way of recording a line obeys:
in place, one commit each, refusals leave every file untouched, void lines count nowhere."""

from __future__ import annotations

import json
import shutil
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import (
    EXAMPLE,
    EXAMPLE_TODAY,
    Run,
    assert_refused,
    commit_count,
    git,
    line_with,
    replace_in,
    work_tree,
)
from .test_complete import complete

HELD = "2025-12-11"  # roos: c3 (fee, unpaid), c4 (travel 7.40, unpaid); yara c1, c2 paid


def _k(run: Run, body: Path, *args: str, expect: int = 0, today: str = EXAMPLE_TODAY) -> str:
    return run("--repo", str(body), "--today", today, "--lang", "en", *args,
               expect=expect).output.replace("\xa0", " ")


def _file(body: Path, meeting: str = HELD) -> Path:
    return body / "meetings" / f"{meeting}.toml"


def _lines(body: Path, meeting: str = HELD) -> dict[str, dict[str, Any]]:
    with _file(body, meeting).open("rb") as handle:
        return {c["id"]: c for c in tomllib.load(handle).get("compensation", [])}


def _snapshot(body: Path) -> dict[Path, bytes]:
    return work_tree(body)


def _overview(run: Run, body: Path, year: int = 2025) -> dict[str, Any]:
    return json.loads(_k(run, body, "compensation", "--year", str(year), "--format", "json"))


# -- compensation set --------------------------------------------------------------------------

def test_set_corrects_in_place_keeps_comments_and_commits_once(example: Path,
                                                               run: Run) -> None:
    path = _file(example)
    replace_in(path, 'id = "c3"\nperson = "roos"', 'id = "c3"  # klopt dit?\nperson = "roos"')
    git(example.parent, "commit", "-qam", "comment")
    before = path.read_text(encoding="utf-8").splitlines()
    commits = commit_count(example.parent)
    out = _k(run, example, "compensation", "set", HELD, "c3", "--hours", "2", "--note",
             "na de pauze weg")
    assert f"corrected {HELD}/c3: hours 2, amount 11.20, note" in out
    after = path.read_text(encoding="utf-8").splitlines()
    assert 'id = "c3"  # klopt dit?' in after
    start = after.index('id = "c3"  # klopt dit?')
    assert after[:start] == before[:start]
    assert after[start:start + 7] == ['id = "c3"  # klopt dit?', 'person = "roos"',
                                      'kind = "fee"', "hours = 2", "amount = 11.20",
                                      'method = "bank"', 'note = "na de pauze weg"']
    assert after[start + 7:] == before[start + 6:]
    assert commit_count(example.parent) == commits + 1
    assert git(example.parent, "log", "-1", "--format=%s").strip() == \
        f"compensation {HELD}/c3: corrected hours 2, amount 11.20, note"
    _k(run, example, "check", "--strict")


@pytest.mark.parametrize("written,stored", [("2.5", "2.50"), ("3,5", "3.50")])
def test_set_takes_part_of_an_hour_as_compensate_does(example: Path, run: Run, written: str,
                                                      stored: str) -> None:
    out = _k(run, example, "compensation", "set", HELD, "c3", "--hours", written)
    assert f"hours {stored}" in out or f"hours {written.replace(',', '.')}" in out
    assert f"hours = {stored}" in _file(example).read_text(encoding="utf-8")


def test_set_rechecks_the_limits_in_place_of_the_old_line(example: Path, run: Run) -> None:
    before = _snapshot(example.parent)
    out = _k(run, example, "compensation", "set", HELD, "c3", "--amount", "30", expect=1)
    assert "an hour is above the 2025 limit of €5.60" in out and "Nothing was changed" in out
    assert _snapshot(example.parent) == before
    out = _k(run, example, "compensation", "set", HELD, "c3", "--amount", "30", "--force")
    assert "forced" in out
    assert _lines(example)["c3"]["amount"] == 30
    # the corrected line replaces the old one in the month total (30.00 + c4 <= 210.00);
    # were it added to it, 30.00 + 7.40 + 180.00 would be above the limit
    out = _k(run, example, "compensation", "set", HELD, "c4", "--amount", "180.01", expect=1)
    assert "month 2025-12 would reach €210.01" in out
    _k(run, example, "compensation", "set", HELD, "c4", "--amount", "180.00")


PAYMENT_REFUSALS = [
    (["compensation", "set", HELD, "c1", "--amount", "3"], "a paid line stays as it was paid"),
    (["compensation", "set", HELD, "c3"], "nothing to change"),
    (["compensation", "set", HELD, "c9", "--amount", "3"], "no compensation line 'c9'"),
    (["compensation", "set", HELD, "c3", "--amount", "1.555"], "at most two decimals"),
    (["compensation", "set", HELD, "c3", "--amount", "-1"], "must be zero or more"),
    (["compensation", "set", HELD, "c4", "--kind", "fee"], "a fee needs its hours"),
    (["compensation", "set", HELD, "c3", "--method", "bank"], "already reads so"),
    (["compensation", "set", HELD, "c4", "--hours", "2"], "--hours goes with a fee"),
    (["compensation", "void", HELD, "c1", "--reason", "fout"], "stays on record as paid"),
    (["compensation", "void", HELD, "c3", "--reason", " "], "say why"),
    (["compensation", "paid", HELD, "roos", "--date", "2025-12-10"], "before meeting"),
    (["compensation", "paid", HELD, "roos", "--date", "2026-01-16"], "after today"),
    (["compensate", HELD, "roos", "--fee", "10"], "a fee needs its hours"),
    (["compensate", HELD, "m-jansen", "--travel", "3"],
     "kwartaal person set m-jansen --compensated"),
    (["compensate", HELD, "roos", "--travel", "3", "--paid", "2025-12-01"], "before meeting"),
    (["compensation", "set", HELD, "c3", "--note", "IBAN NL91ABNA0417164300"], "bank"),
]


@pytest.mark.parametrize("args,says", PAYMENT_REFUSALS,
                         ids=[" ".join(a[:2]) + f" {i}" for i, (a, _) in
                              enumerate(PAYMENT_REFUSALS)])
def test_refusals_exit_1_and_leave_every_file_untouched(
        args: list[str], says: str, example: Path, run: Run) -> None:
    assert_refused(lambda: _k(run, example, *args, expect=1), example.parent, says)


def test_the_note_of_a_paid_line_can_still_be_set(example: Path, run: Run) -> None:
    _k(run, example, "compensation", "set", HELD, "c1", "--note", "te veel: zie c-regel")
    assert _lines(example)["c1"]["note"] == "te veel: zie c-regel"


# -- void --------------------------------------------------------------------------------------

def test_void_keeps_the_line_and_takes_it_out_of_every_total(example: Path, run: Run) -> None:
    before = _overview(run, example)
    roos = next(p for p in before["people"] if p["id"] == "roos")
    commits = commit_count(example.parent)
    out = _k(run, example, "compensation", "void", HELD, "c4", "--reason", "dubbel geboekt")
    assert f"voided {HELD}/c4: dubbel geboekt" in out
    assert commit_count(example.parent) == commits + 1
    line = _lines(example)["c4"]
    assert line["void"].isoformat() == EXAMPLE_TODAY and line["void_reason"] == "dubbel geboekt"
    after = next(p for p in _overview(run, example)["people"] if p["id"] == "roos")
    assert Decimal(after["total"]) == Decimal(roos["total"]) - Decimal("7.40")
    assert Decimal(after["unpaid"]) == Decimal(roos["unpaid"]) - Decimal("7.40")
    assert f"{HELD}/c4" not in [x["id"] for x in after["lines"]]
    csv = _k(run, example, "compensation", "--year", "2025", "--format", "csv")
    rows = [row.split(",") for row in csv.splitlines()]
    assert [row for row in rows if row[:2] == ["roos", "person"] and row[7] == "fee"
            and row[3] == HELD]  # the search below would find a row
    assert not [row for row in rows if row[:2] == ["roos", "person"] and row[7] == "travel"
                and row[3] == HELD]
    internal = _k(run, example, "minutes", HELD, "--with-compensation")
    assert "7.40" not in internal and "7,40" not in internal
    public = _k(run, example, "minutes", HELD, "--public")
    assert "dubbel geboekt" not in public and "7.40" not in public and "€" not in public
    # a void line is not paid, with the person or by its id
    out = _k(run, example, "compensation", "paid", HELD, "c4", "--date", EXAMPLE_TODAY,
             expect=1)
    assert "a void line is not paid" in out
    _k(run, example, "compensation", "paid", HELD, "roos", "--date", EXAMPLE_TODAY)
    assert "paid" not in _lines(example)["c4"] and "paid" in _lines(example)["c3"]
    out = _k(run, example, "compensation", "void", HELD, "c4", "--reason", "x", expect=1)
    assert "already voided" in out
    _k(run, example, "check", "--strict")


def test_all_present_fills_in_for_someone_whose_lines_are_all_void(example: Path,
                                                                  run: Run) -> None:
    for local in ("c3", "c4"):
        _k(run, example, "compensation", "void", HELD, local, "--reason", "fout")
    out = _k(run, example, "compensate", HELD, "--all-present", "--force")
    assert "roos" in out
    assert len([c for c in _lines(example).values() if c["person"] == "roos"]) > 2


def test_check_reports_a_paid_void_line_and_a_void_line_without_reason(example: Path,
                                                                       run: Run) -> None:
    path = _file(example)
    replace_in(path, 'paid = 2025-12-23\n', 'paid = 2025-12-23\nvoid = 2026-01-02\n')
    out = _k(run, example, "check", expect=None)
    assert f"compensation line {HELD}/c1 is both paid and void" in out
    assert f"{HELD}.toml:{line_with(path, 'void = 2026-01-02')}" in out
    replace_in(path, 'paid = 2025-12-23\nvoid = 2026-01-02\n', 'paid = 2025-12-23\n')
    replace_in(path, 'amount = 7.40\nmethod = "bank"\n',
               'amount = 7.40\nmethod = "bank"\nvoid = 2026-01-02\n')
    out = _k(run, example, "check", expect=None)
    assert f"compensation line {HELD}/c4 is void without a reason" in out


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(voided=st.sets(st.sampled_from(["c3", "c4"]), max_size=2),
       hand=st.sets(st.sampled_from(["c1", "c2", "c5", "c6"]), max_size=4))
def test_totals_are_the_sum_of_the_lines_that_are_not_void(
        voided: set[str], hand: set[str], tmp_path_factory: pytest.TempPathFactory) -> None:
    """Through the library, against totals computed from the file: void lines (voided by the
    edit, or by hand even when paid) count in no total, limit or log."""
    from kwartaal.core.compensation import totals
    from kwartaal.documents.minutes import compensation_log
    from kwartaal.edit.payments import void_line
    from kwartaal.edit.publish import compensation_overview
    from kwartaal.files.loader import load_checked

    body = tmp_path_factory.mktemp("b") / "meetings"
    shutil.copytree(EXAMPLE, body)
    for local in sorted(voided):
        void_line(load_checked(body), HELD, local, reason="fout",
                  today=__import__("datetime").date(2026, 1, 15))
    text = _file(body).read_text(encoding="utf-8")
    for local in sorted(hand):
        text = text.replace(f'id = "{local}"\n', f'id = "{local}"\nvoid = 2026-01-10\n')
    _file(body).write_text(text, encoding="utf-8")
    loaded = load_checked(body)
    gone = voided | hand
    with _file(body).open("rb") as handle:
        lines = tomllib.load(handle)["compensation"]
    meeting = loaded.meeting(HELD)
    assert meeting is not None
    log = compensation_log(loaded, meeting, "en")
    assert log["total"] == sum((Decimal(str(c["amount"])) for c in lines
                                if c["id"] not in gone), Decimal(0))
    overview = compensation_overview(loaded, 2025, None, "en")
    for person in overview["people"]:
        assert not [x for x in person["lines"] if x["id"].split("/")[1] in gone
                    and x["meeting"] == HELD]
        counted = sum((Decimal(str(c["amount"])) for c in lines
                       if c["person"] == person["id"] and c["id"] not in gone), Decimal(0))
        assert Decimal(person["months"].get("2025-12", "0")) == counted  # HELD: all of 2025-12
        months, _years = totals(loaded, person["id"])
        assert months.get("2025-12", Decimal(0)) == counted


# -- the rules on every path --------------------------------------------------------------------

def test_a_flat_fee_goes_without_hours(example: Path, run: Run) -> None:
    _k(run, example, "config", "set", "compensation.fixed_fee", "15.00")
    _k(run, example, "compensate", HELD, "roos", "--fee", "15.00", "--force")
    out = _k(run, example, "compensate", HELD, "roos", "--fee", "14.00", expect=1)
    assert "a fee needs its hours" in out


def test_the_library_obeys_the_same_rules(example: Path) -> None:
    from kwartaal.core.compensation import NewLine
    from kwartaal.core.problems import KwartaalError
    from kwartaal.edit.payments import compensate
    from kwartaal.files.loader import load_checked

    body = load_checked(example)
    before = _snapshot(example.parent)
    with pytest.raises(KwartaalError, match="a fee needs its hours"):
        compensate(body, HELD, [NewLine("roos", "fee", Decimal("10.00"))], force=True)
    with pytest.raises(KwartaalError, match="not marked compensated"):
        compensate(body, HELD, [NewLine("m-jansen", "meal", Decimal("5.00"))], force=True)
    assert _snapshot(example.parent) == before


def test_check_rechecks_lines_against_limits_filled_in_later(example: Path, run: Run) -> None:
    held = "2026-03-12"
    r = ["--today", "2026-03-20"]
    _k(run, example, *r, "meeting", "held", held, today="2026-03-20")
    _k(run, example, "attend", held, "roos", "--present", today="2026-03-20")
    out = _k(run, example, "compensate", held, "roos", "--hours", "2", "--fee", "30.00",
             today="2026-03-20")
    assert "NOT checked" in out
    assert "above" not in _k(run, example, "check", today="2026-03-20")
    for key, value in (("hour_21plus", "5.60"), ("month", "20.00")):
        _k(run, example, "config", "set", f"compensation.limits.2026.{key}", value,
           today="2026-03-20")
    out = _k(run, example, "check", today="2026-03-20", expect=None)
    path = _file(example, held)
    where = f"{held}.toml:{line_with(path, 'amount = 30.00')}"
    assert f"{where}" in out
    assert "€15.00 an hour is above the 2026 limit of €5.60" in out
    assert "reaches €30.00 in 2026-03, above the limit of €20.00" in out


# -- completion --------------------------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("kwartaal note set 2025-12-11 n", ["n1", "n2", "n3", "n4"]),
    ("kwartaal decide remove 2025-12-11 ", ["d1", "d2"]),
    ("kwartaal compensation void 2025-12-11 c", ["c1", "c2", "c3", "c4", "c5", "c6"]),
    ("kwartaal note 2025-12-11 ", ["beleid", "actueel", "samenwerking", "p1", "p2", "p3"]),
])
def test_ids_of_notes_decisions_and_lines_complete(example: Path, line: str,
                                                   expected: list[str]) -> None:
    assert complete(example, line) == expected


def test_compensate_refuses_a_payment_date_still_to_come(example: Path, run: Run) -> None:
    path = example / "meetings" / "2025-12-11.toml"
    before = path.read_bytes()
    out = run("--repo", str(example), "--today", "2026-01-15", "--lang", "en", "compensate",
              "2025-12-11", "roos", "--meal", "12.50", "--paid", "2026-02-01", expect=1).output
    assert "after today (2026-01-15)" in out
    assert path.read_bytes() == before


@pytest.mark.parametrize("typed", ["1_000", "١٢", "1e3", "NaN", "Infinity", "0x10", "12.5.0",
                                   "1.000,50", " ", "12 50"])
def test_an_amount_is_plain_digits_with_at_most_one_decimal_mark(typed: str) -> None:
    from kwartaal.core.problems import KwartaalError
    from kwartaal.edit.payments import parse_amount

    with pytest.raises(KwartaalError, match="is not an amount"):
        parse_amount(typed, "--travel")
    assert parse_amount("€ 7,40", "--travel") == Decimal("7.40")
