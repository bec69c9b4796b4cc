"""Organisations at the table: declared in kwartaal.toml, named by people by key or name."""

from __future__ import annotations

from pathlib import Path

from kwartaal.core.organisations import holds_sex_worker_seat, organisation_named, organisation_of
from kwartaal.files.loader import load
from tests.conftest import EXAMPLE_TODAY, Run, replace_in


def test_example_people_belong_to_declared_organisations(example: Path) -> None:
    body = load(example).body
    config = body.config
    assert config.organisations["klankbordgroep"].kind == "sex-worker-org"
    assert config.organisations["gemeente"].independent is False
    for person in body.people.values():
        if person.organisation:
            assert organisation_of(config, person) is not None, person.id
    assert holds_sex_worker_seat(config, body.people["kbg-1"])  # by organisation
    assert holds_sex_worker_seat(config, body.people["yara"])  # by her own seat
    assert not holds_sex_worker_seat(config, body.people["m-jansen"])


def test_names_match_whatever_their_case_spacing_or_unicode_form(example: Path) -> None:
    config = load(example).body.config
    for written in ("klankbordgroep", "Klankbordgroep Sekswerk", "KLANKBORDGROEP  sekswerk",
                    "Ｋｌａｎｋｂｏｒｄｇｒｏｅｐ Sekswerk"):
        found = organisation_named(config, written)
        assert found is not None and found.key == "klankbordgroep", written
    assert organisation_named(config, "Stichting Elders") is None
    assert organisation_named(config, "") is None


def test_an_unknown_organisation_is_a_warning_with_a_hint(example: Path, run: Run) -> None:
    replace_in(example / "people.toml", 'organisation = "GGD Voorbeeldregio"',
               'organisation = "GGD Voorbeeldregoi"')
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY]
    result = run(*base, "--lang", "en", "check")
    assert "people.toml" in result.output and "GGD Voorbeeldregoi" in result.output
    assert "[organisations.KEY]" in result.output
    assert "geen van de organisaties" in run(*base, "check").output


def test_a_bad_organisation_key_or_kind_is_an_error(example: Path, run: Run) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en"]
    replace_in(example / "kwartaal.toml", 'kind = "health"', 'kind = "hospital"')
    result = run(*base, "check", expect=None)
    assert result.exit_code != 0
    assert "hospital" in result.output and "kwartaal.toml" in result.output
    replace_in(example / "kwartaal.toml", "[organisations.ggd]", '[organisations."GGD x"]')
    result = run(*base, "check", expect=None)
    assert "an organisation key may hold only" in result.output


def test_a_body_without_organisations_warns_about_nobody(new_body: Path, run: Run) -> None:
    base = ["--repo", str(new_body), "--lang", "en"]
    run(*base, "person", "add", "x-ray", "--name", "X Ray", "--visibility", "named",
        "--org", "Somewhere", "--sex-worker")
    assert "organisation" not in run(*base, "check").output
    assert "sex_worker = true" in (new_body / "people.toml").read_text()
    run(*base, "person", "set", "x-ray", "--no-sex-worker")
    assert "sex_worker" not in (new_body / "people.toml").read_text().replace(
        "sex_worker = false", "")
