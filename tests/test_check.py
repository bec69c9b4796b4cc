"""kwartaal check: the shipped example is clean; each kind of mistake is found at its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import EXAMPLE, EXAMPLE_TODAY, Run, commit_all, line_with, replace_in


def test_shipped_example_is_clean(run: Run) -> None:
    result = run("--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "check", "--strict")
    assert "0 fouten, 0 waarschuwingen" in result.output


def test_check_options_after_the_command(run: Run) -> None:
    result = run("check", "--repo", str(EXAMPLE), "--today", EXAMPLE_TODAY, "--lang", "en")
    assert "0 errors, 0 warnings" in result.output




def _errors(run: Run, body: Path) -> list[dict[str, object]]:
    result = run("--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", "en", "check",
                 "--json", expect=1)
    return json.loads(result.output)["errors"]


def _find(errors: list[dict[str, object]], fragment: str) -> dict[str, object]:
    found = [e for e in errors if fragment in str(e["message"])]
    assert found, (fragment, errors)
    return found[0]


SEPT = "meetings/2025-09-11.toml"
DEC = "meetings/2025-12-11.toml"

# (file, old text, new text, expected message fragment, text on the expected line)
CASES = {
    "syntax": (DEC, 'title = "Jaarevaluatie', 'title = Jaarevaluatie',
               "TOML syntax error at column", "title = Jaarevaluatie"),
    "unknown-key": (SEPT, 'owner = "kbg-1"', 'ownr = "kbg-1"', "unknown key 'ownr' (did you mean "
                    "'owner'?)", 'ownr = "kbg-1"'),
    "wrong-type": (SEPT, "minutes = 20", 'minutes = "twintig"', "'minutes' must be a whole number",
                   'minutes = "twintig"'),
    "impossible-native-date": (DEC, "due = 2026-01-31", "due = 2026-02-30",
                               "not a real date", "due = 2026-02-30"),
    "impossible-string-date": (DEC, "due = 2026-01-31", 'due = "2026-02-30"', "is not a real date",
                               'due = "2026-02-30"'),
    "unknown-person": (SEPT, 'owner = "p-devries"', 'owner = "p-devris"', "unknown person "
                       "'p-devris' (did you mean 'p-devries'?)", 'owner = "p-devris"'),
    "unknown-theme": (SEPT, 'theme = "laagdrempelige-zorg"', 'theme = "laagdrempelig"',
                      "unknown theme 'laagdrempelig'", 'theme = "laagdrempelig"'),
    "unknown-standing": (SEPT, 'under = "actueel"', 'under = "actueell"', "unknown standing item "
                         "'actueell'", 'under = "actueell"'),
    "unknown-item": (SEPT, 'item = "samenwerking"\ntext', 'item = "samenwerkin"\ntext',
                     "unknown agenda item 'samenwerkin'", 'item = "samenwerkin"'),
    "unknown-meeting": (SEPT, 'supersedes = "2025-03-13/d1"', 'supersedes = "2025-03-14/d1"',
                        "not a known decision id", 'supersedes = "2025-03-14/d1"'),
    "duplicate-id": (SEPT, 'id = "a5"', 'id = "a4"', "duplicate id 'a4'", 'id = "a4"'),
    "due-before-meeting": (SEPT, "due = 2026-01-10", "due = 2025-09-01", "is before meeting "
                           "2025-09-11", "due = 2025-09-01"),
    "unknown-status": (SEPT, 'status = "in-progress"', 'status = "busy"', "'status' = 'busy' is "
                       "not one of", 'status = "busy"'),
    "negative-amount": (DEC, "amount = 7.40", "amount = -7.40", "is negative", "amount = -7.40"),
    "not-present": (DEC, 'person = "kbg-2"', 'person = "kbg-1"', "not recorded as present",
                    'person = "kbg-1"'),
    "privacy-email": (SEPT, 'text = "De klankbordgroep wil', 'text = "Mail jade@example.nl. '
                      'De klankbordgroep wil', "an e-mail address ('jad•@•••••••.nl')",
                      "jade@example.nl"),
    "privacy-phone": (SEPT, 'text = "De klankbordgroep wil', 'text = "Bel Mila op 06-12345678. '
                      'De klankbordgroep wil', "a phone number", "06-12345678"),
    "privacy-iban": (DEC, 'kind = "travel"', 'kind = "travel"\nnote = "NL91 ABNA 0417 1643 00"',
                     "IBAN", "NL91 ABNA"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_mistake_is_found_at_its_line(case: str, example: Path, run: Run) -> None:
    relative, old, new, fragment, line_text = CASES[case]
    path = example / relative
    replace_in(path, old, new)
    commit_all(example.parent, case)
    error = _find(_errors(run, example), fragment)
    assert str(error["path"]).endswith(relative)
    assert error["line"] == line_with(path, line_text), error


def test_contact_details_of_someone_not_named(example: Path, run: Run) -> None:
    people = example / "people.toml"
    replace_in(people, 'name = "Jade"', 'name = "Jade"\nemail = "jade@example.nl"')
    errors = _errors(run, example)
    error = _find(errors, "[kbg-2] is role-only: remove 'email'")
    assert error["line"] == line_with(people, "jade@example.nl")


def test_named_people_may_keep_their_own_address(example: Path, run: Run) -> None:
    replace_in(example / "people.toml", 'name = "Marieke Jansen"',
             'name = "Marieke Jansen"\nemail = "m.jansen@voorbeeldstad.example"')
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "check", "--strict")


def test_allowed_public_address_passes(example: Path, run: Run) -> None:
    replace_in(example / "meetings/2025-09-11.toml", 'text = "De klankbordgroep wil',
             'text = "Vragen: info@zijweg.example. De klankbordgroep wil')
    replace_in(example / "kwartaal.toml", "allow = []", 'allow = ["info@zijweg.example"]')
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "check", "--strict")


def test_legal_looking_name_of_hidden_person_warns(example: Path, run: Run) -> None:
    replace_in(example / "people.toml", 'name = "Jade"', 'name = "Jade van Dam"')
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "check")
    assert "looks like a full legal name" in result.output
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "check", "--strict", expect=1)


def test_text_output_format(example: Path, run: Run) -> None:
    path = example / SEPT
    replace_in(path, 'owner = "p-devries"', 'owner = "nobody"')
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en", "check",
                 expect=1)
    line = line_with(path, 'owner = "nobody"')
    assert f"2025-09-11.toml:{line}: error: action 2025-09-11/a3: unknown person 'nobody'" \
        in result.output
    assert result.output.rstrip().endswith("1 error, 0 warnings")


def test_each_message_names_its_record(example: Path, run: Run) -> None:
    """The record a message is about, in English and in Dutch, for every check that names
    one (the place is made only when there is a problem)."""
    path = example / DEC
    for old, new in [('by = "roos"', 'by = "nobody1"'), ('theme = "samenwerking"',
                                                         'theme = "nothema"'),
                     ('item = "samenwerking"', 'item = "nopunt"'),
                     ('{ date = 2026-01-05, by = "roos"', '{ date = 2026-01-05, by = "nobody2"'),
                     ('owner = "l-demir"', 'owner = "nobody3"'),
                     ("amount = 16.80", "amount = 16.805"), ("amount = 12.50", "amount = -1"),
                     ('id = "c3"\nperson = "roos"', 'id = "c3"\nperson = "nobody4"')]:
        replace_in(path, old, new)
    commit_all(example.parent, "mistakes")
    expected = {
        "en": ["item 2025-12-11/p1: unknown person 'nobody1'",
               "item 2025-12-11/p2: unknown theme 'nothema'",
               "note 2025-12-11/n3: unknown agenda item 'nopunt'",
               "action 2025-12-11/a1 history: unknown person 'nobody2'",
               "action 2025-12-11/a4: unknown person 'nobody3'",
               "compensation line 2025-12-11/c1: 'amount' = 16.805 has more than two decimals",
               "compensation line 2025-12-11/c2: 'amount' is negative (-1)",
               "compensation line 2025-12-11/c3: unknown person 'nobody4'"],
        "nl": ["agendapunt 2025-12-11/p1: onbekende persoon 'nobody1'",
               "geschiedenis van actie 2025-12-11/a1: onbekende persoon 'nobody2'",
               "actie 2025-12-11/a4: onbekende persoon 'nobody3'"]}
    for lang, fragments in expected.items():
        result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang,
                     "check", expect=1)
        for fragment in fragments:
            assert fragment in result.output, (fragment, result.output)


def test_not_utf8_is_a_message(example: Path, run: Run) -> None:
    (example / SEPT).write_bytes(b'date = 2025-09-11\nplace = "caf\xe9"\n')
    error = _find(_errors(run, example), "not valid UTF-8")
    assert error["line"] == 2


def test_other_commands_refuse_broken_files(example: Path, run: Run) -> None:
    replace_in(example / SEPT, "minutes = 20", 'minutes = "twintig"')
    result = run("--repo", str(example), "--lang", "en", "person", "list", expect=1)
    assert "must be a whole number" in result.output
    assert "kwartaal check" in result.output


def test_missing_body_is_a_message(tmp_path: Path, run: Run) -> None:
    result = run("--repo", str(tmp_path), "--lang", "en", "check", expect=1)
    assert "holds no kwartaal.toml" in result.output


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_amounts_that_are_not_numbers(value: str, example: Path, run: Run) -> None:
    # Found by the fuzzer: TOML allows nan and inf, which no amount may be.
    path = example / DEC
    replace_in(path, "amount = 7.40", f"amount = {value}")
    error = _find(_errors(run, example), "'amount' must be an amount")
    assert error["line"] == line_with(path, f"amount = {value}")
    config = example / "kwartaal.toml"
    replace_in(config, "hourly_rate = 5.60", f"hourly_rate = {value}")
    _find(_errors(run, example), "'hourly_rate' must be an amount")
