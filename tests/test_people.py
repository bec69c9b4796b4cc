"""Correcting people from the command line: person set, person leave; and config set, which
judges the whole configuration before it writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_TODAY, Run, commit_count, git


def _cli(run: Run, example: Path, *args: str, expect: int = 0, lang: str = "nl") -> str:
    return run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang, *args,
               expect=expect).output


def _files(example: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in example.rglob("*") if p.is_file()}


def test_person_set_changes_only_what_is_given_in_place(example: Path, run: Run) -> None:
    people = example / "people.toml"
    before = people.read_text(encoding="utf-8")
    commits = commit_count(example.parent)
    out = _cli(run, example, "person", "set", "yara", "--org", "Stichting Nieuwe Weg",
               "--compensated")
    assert "yara" in out
    after = people.read_text(encoding="utf-8")
    head, yara = before.split("[yara]")
    assert after == head + "[yara]" + yara.replace('organisation = "Stichting Zijweg"',
                                                   'organisation = "Stichting Nieuwe Weg"', 1)
    assert 'name = "Yara"                 # werknaam' in after  # the comment stays
    assert commit_count(example.parent) == commits + 1
    assert "person yara" in git(example.parent, "log", "-1", "--format=%s")
    _cli(run, example, "person", "set", "yara", "--org", "")
    assert "Stichting" not in people.read_text(encoding="utf-8").split("[yara]")[1][:200]


@pytest.mark.parametrize("args", [
    ["person", "set", "nobody", "--name", "X"],
    ["person", "set", "yara"],
    ["person", "set", "yara", "--name", " "],
    ["person", "set", "yara", "--visibility", "role-only", "--role", ""],
    ["person", "set", "yara", "--visibility", "secret"],
    ["person", "leave", "yara", "--date", "2026-13-01"],
    ["person", "leave", "yara", "--date", "2026-01-10", "--handover-to", "yara"],
    ["person", "leave", "yara", "--date", "2026-01-10", "--handover-to", "nobody"],
    ["config", "set", "cadence.months", "2,5,8,13"],
    ["config", "set", "cadence.months", "3,3,6"],
    ["config", "set", "body.chair", "nobody"],
    ["config", "set", "body.convenors", "roos,nobody"],
    ["config", "set", "cadence.week", "-2"],
])
def test_a_refused_correction_leaves_every_file_and_commit(example: Path, run: Run,
                                                          args: list[str]) -> None:
    files, commits = _files(example), commit_count(example.parent)
    result = run("--repo", str(example), "--today", EXAMPLE_TODAY, *args, expect=None)
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert _files(example) == files
    assert commit_count(example.parent) == commits


def test_config_set_takes_a_negative_number_without_a_double_dash(example: Path,
                                                                  run: Run) -> None:
    _cli(run, example, "config", "set", "cadence.week", "-1")
    assert "week = -1" in (example / "kwartaal.toml").read_text(encoding="utf-8")
    out = _cli(run, example, "config", "set", "body.chair", "nobody", expect=1, lang="en")
    assert "unknown person 'nobody'" in out and "nothing was changed" in out


def test_a_person_made_role_only_is_named_in_no_public_output(example: Path, run: Run,
                                                              tmp_path: Path) -> None:
    # m-jansen is named (the chair) and shows in public minutes and agendas
    public_minutes = _cli(run, example, "minutes", "2025-12-11", "--public")
    assert "Jansen" in public_minutes
    # a legal name may not stay beside a hidden person: the privacy check asks for another
    out = _cli(run, example, "person", "set", "m-jansen", "--visibility", "role-only",
               expect=1, lang="en")
    assert "working name or a role" in out
    _cli(run, example, "person", "set", "m-jansen", "--visibility", "role-only", "--name",
         "Beleidsadviseur gemeente")
    outputs = [_cli(run, example, "minutes", meeting.stem, "--public", "--format", fmt)
               for meeting in sorted((example / "meetings").glob("*.toml"))
               for fmt in ("md", "html", "json")]
    outputs += [_cli(run, example, "agenda", "--public", "--format", fmt)
                for fmt in ("md", "html", "json")]
    outputs.append(_cli(run, example, "calendar", "--public"))
    _cli(run, example, "site", "--output", str(tmp_path / "site"))
    outputs += [p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*.html")]
    name = git(example.parent, "show", "HEAD:meetings/people.toml").split("[m-jansen]")[1]
    name = name.split('name = "')[1].split('"')[0]
    for text in outputs:
        assert name.lower() not in text.lower()
        assert "jansen" not in text.lower()


def test_leave_hands_every_open_action_over_in_one_commit(example: Path, run: Run) -> None:
    commits = commit_count(example.parent)
    mine = _cli(run, example, "actions", "--owner", "l-demir", "--json")
    assert "2025-12-11/a2" in mine  # a co-owned action
    out = _cli(run, example, "person", "leave", "l-demir", "--date", "2026-01-10",
               "--handover-to", "h-visser", "--by", "m-jansen")
    assert commit_count(example.parent) == commits + 1
    assert "h-visser" in out
    assert "left = 2026-01-10" in (example / "people.toml").read_text(encoding="utf-8")
    assert _cli(run, example, "actions", "--owner", "l-demir", "--json").strip() == "[]"
    a2 = _cli(run, example, "action", "show", "2025-12-11/a2", "--json")
    assert "h-visser" in a2 and "l-demir" not in a2.split('"history"')[0]
    assert "kwartaal action handover" not in _cli(run, example, "check", "--json")
    # someone who left gets no new work
    out = _cli(run, example, "action", "add", "Nieuw", "--owner", "l-demir", "--due", "+2w",
               expect=1, lang="en")
    assert "left on 2026-01-10" in out
    _cli(run, example, "person", "leave", "l-demir", "--date", "2026-01-10", expect=1)


def test_leave_without_handover_lists_the_actions_and_check_warns(example: Path,
                                                                   run: Run) -> None:
    out = _cli(run, example, "person", "leave", "t-elkaddouri", "--date", "2026-01-10",
               lang="en")
    assert "2025-12-11/a3" in out and "kwartaal action handover 2025-12-11/a3" in out
    check = _cli(run, example, "check", lang="en")
    assert "2025-12-11/a3 is open, but t-elkaddouri left on 2026-01-10" in check
    assert "2025-12-11.toml:" in check


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_hidden_persons_former_name_stays_hidden_after_a_rename(example: Path, run: Run,
                                                                   lang: str) -> None:
    """Roos, a working name, goes role-only under a new name: texts written before still say
    Roos, and public output must keep hiding it."""
    _cli(run, example, "note", "2025-12-11", "p1", "Roos vertelde over haar ervaringen met de "
         "bank.")
    out = _cli(run, example, "person", "set", "roos", "--visibility", "role-only", "--name",
               "Rosalie", lang=lang)
    assert "Roos" in out  # said: the former name is kept as an alias
    people = (example / "people.toml").read_text(encoding="utf-8")
    assert 'aliases = ["Roos"]' in people
    public = _cli(run, example, "minutes", "2025-12-11", "--public")
    assert "vertelde over haar ervaringen" in public and "Roos" not in public
    # a second rename keeps both; a named person's typo fix keeps nothing
    _cli(run, example, "person", "set", "roos", "--name", "Rosa")
    assert 'aliases = ["Roos", "Rosalie"]' in (example / "people.toml").read_text(
        encoding="utf-8")
    _cli(run, example, "person", "set", "s-bakker", "--name", "Sander Bakkers")
    assert "Sander Bakker\"]" not in (example / "people.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("lang,says", [("en", "who left on 2026-01-15; choose who takes over"),
                                       ("nl", "vertrokken is; kies wie het overneemt")])
def test_roles_of_someone_who_left_are_warned_about(example: Path, run: Run, lang: str,
                                                   says: str) -> None:
    _cli(run, example, "person", "leave", "l-demir", "--date", EXAMPLE_TODAY, "--handover-to",
         "s-bakker")
    out = _cli(run, example, "check", lang=lang)
    assert says in out
    assert "config set body.secretary" in out and "organisations.zijweg.contact" in out
