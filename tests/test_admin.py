"""init, people, themes and settings from the command line: edits in place, one commit each."""

from __future__ import annotations

import json
from pathlib import Path

from kwartaal.cli.main import cli

from .conftest import EXAMPLE, Run, commit_all, commit_count, git, init_repo


def _all_commands() -> list[list[str]]:
    import click

    found: list[list[str]] = []

    def walk(group: click.Group, prefix: list[str]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            if command.hidden:
                continue
            found.append([*prefix, name])
            if isinstance(command, click.Group):
                walk(command, [*prefix, name])

    walk(cli, [])
    return found


def test_version_and_help_with_examples(run: Run) -> None:
    assert "kwartaal, version" in run("--version").output
    for path in _all_commands():
        output = run(*path, "--help").output
        assert "Example" in output, path
        if "Commands:" not in output and path != ["init"]:
            assert "--repo" in output, path  # the global options work after the command too


def test_init_creates_a_clean_committed_body(new_body: Path, run: Run) -> None:
    for name in ("kwartaal.toml", "people.toml", "meetings", ".gitignore"):
        assert (new_body / name).exists(), name
    assert commit_count(new_body) == 1
    assert git(new_body, "status", "--porcelain") == ""
    run("--repo", str(new_body), "check", "--strict")
    config = (new_body / "kwartaal.toml").read_text(encoding="utf-8")
    for title in ("Beleid", "Actuele ontwikkelingen", "Samenwerking"):
        assert title in config
    assert run("--repo", str(new_body), "config", "get", "compensation.regime").output.strip() \
        == "volunteer-allowance"
    assert run("--repo", str(new_body), "config", "get",
               "compensation.limits.2025.month").output.strip() == "210.00"


def test_init_refuses_an_existing_body(new_body: Path, run: Run) -> None:
    before = {p: p.read_bytes() for p in new_body.rglob("*") if p.is_file() and ".git" not in
              p.parts}
    result = run("init", str(new_body), expect=1)
    assert "already holds a body" in result.output or "bevat al een overleg" in result.output
    after = {p: p.read_bytes() for p in new_body.rglob("*") if p.is_file() and ".git" not in
             p.parts}
    assert before == after
    assert commit_count(new_body) == 1


def test_init_in_a_subfolder_of_a_repository(tmp_path: Path, run: Run) -> None:
    repo = init_repo(tmp_path / "gemeente")
    run("init", str(repo / "overleg"), "--lang", "en", "--name", "Quarterly Meeting")
    assert not (repo / "overleg" / ".git").exists()
    assert commit_count(repo) == 1
    files = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert all(f.startswith("overleg/") for f in files)


def test_person_add_and_list(new_body: Path, run: Run) -> None:
    people = new_body / "people.toml"
    before = people.read_text(encoding="utf-8")
    run("--repo", str(new_body), "person", "add", "roos", "--name", "Roos",
        "--visibility", "working-name", "--org", "Klankbordgroep",
        "--role", "lid van de klankbordgroep", "--compensated", "--age-band", "21+")
    run("--repo", str(new_body), "person", "add", "m-jansen", "--name", "Marieke Jansen",
        "--visibility", "named", "--org", "Gemeente", "--role", "beleidsadviseur", "--invited")
    after = people.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert commit_count(new_body) == 3
    assert git(new_body, "log", "-1", "--format=%s").strip() == "person: add m-jansen"
    listed = json.loads(run("--repo", str(new_body), "person", "list", "--json").output)
    assert listed == [
        {"id": "roos", "name": "Roos", "visibility": "working-name",
         "organisation": "Klankbordgroep", "role": "lid van de klankbordgroep", "core": True,
         "compensated": True},
        {"id": "m-jansen", "name": "Marieke Jansen", "visibility": "named",
         "organisation": "Gemeente", "role": "beleidsadviseur", "core": False,
         "compensated": False},
    ]
    run("--repo", str(new_body), "check", "--strict")
    plain = run("--repo", str(new_body), "--lang", "en", "person", "list").output
    assert "roos" in plain and "working-name" in plain


def test_person_add_bad_input(new_body: Path, run: Run) -> None:
    people = new_body / "people.toml"
    before = people.read_bytes()
    run("--repo", str(new_body), "--lang", "en", "person", "add", "kbg", "--name", "X",
        "--visibility", "role-only", expect=1)
    run("--repo", str(new_body), "person", "add", "Roos!", "--name", "Roos",
        "--visibility", "named", expect=1)
    run("--repo", str(new_body), "person", "add", "roos", "--name", "Roos",
        "--visibility", "visible", expect=2)
    assert people.read_bytes() == before
    assert commit_count(new_body) == 1


def test_person_add_refuses_uncommitted_changes(new_body: Path, run: Run) -> None:
    people = new_body / "people.toml"
    people.write_text(people.read_text(encoding="utf-8") + "# draft\n", encoding="utf-8")
    result = run("--repo", str(new_body), "--lang", "en", "person", "add", "roos", "--name",
                 "Roos", "--visibility", "working-name", expect=1)
    assert "uncommitted changes" in result.output


def test_theme_add_keeps_every_other_byte(new_body: Path, run: Run) -> None:
    config = new_body / "kwartaal.toml"
    before = config.read_text(encoding="utf-8").splitlines(keepends=True)
    run("--repo", str(new_body), "theme", "add", "destigmatisering", "--title",
        "Destigmatisering", "--title-en", "Destigmatisation")
    after = config.read_text(encoding="utf-8").splitlines(keepends=True)
    # Only lines were added; every original line is still there, in order.
    iterator = iter(after)
    assert all(any(line == other for other in iterator) for line in before)
    listed = json.loads(run("--repo", str(new_body), "theme", "list", "--json").output)
    assert listed == [{"key": "destigmatisering", "title": "Destigmatisering"}]
    english = json.loads(run("--repo", str(new_body), "--lang", "en", "theme", "list",
                             "--json").output)
    assert english[0]["title"] == "Destigmatisation"
    run("--repo", str(new_body), "theme", "add", "destigmatisering", "--title", "X", expect=1)
    run("--repo", str(new_body), "check", "--strict")
    assert commit_count(new_body) == 2


def test_config_set_validates_before_writing(new_body: Path, run: Run) -> None:
    config = new_body / "kwartaal.toml"
    run("--repo", str(new_body), "config", "set", "compensation.regime", "fee")
    assert run("--repo", str(new_body), "config", "get", "compensation.regime").output.strip() \
        == "fee"
    assert "# volunteer-allowance | fee | none" in config.read_text(encoding="utf-8")
    run("--repo", str(new_body), "config", "set", "cadence.months", "1,4,7,10")
    assert json.loads(run("--repo", str(new_body), "config", "get", "cadence.months").output) \
        == [1, 4, 7, 10]
    run("--repo", str(new_body), "config", "set", "compensation.limits.2026.month", "220")
    before = config.read_bytes()
    for key, value, fragment in (
        ("compensation.regime", "gift", "is not one of"),
        ("cadence.length", "long", "not valid"),
        ("cadence.tijd", "19:00", "did you mean"),
        ("cadence.time", "25:00", "must be a time"),
    ):
        result = run("--repo", str(new_body), "--lang", "en", "config", "set", key, value,
                     expect=1)
        assert fragment in result.output, (key, result.output)
    assert config.read_bytes() == before
    assert commit_count(new_body) == 4
    assert git(new_body, "log", "-1", "--format=%s").strip() == \
        "config: compensation.limits.2026.month = 220"


def test_config_get_unknown_key(run: Run) -> None:
    result = run("--repo", str(EXAMPLE), "--lang", "en", "config", "get", "body.nam", expect=1)
    assert "did you mean 'body.name'" in result.output


def test_outside_git_edits_without_committing(tmp_path: Path, run: Run) -> None:
    body = tmp_path / "los"
    run("init", str(body))
    (body / ".git").rename(tmp_path / "moved-git")
    result = run("--repo", str(body), "--lang", "en", "theme", "add", "zorg", "--title", "Zorg")
    assert "not a git repository" in result.output
    assert "zorg" in (body / "kwartaal.toml").read_text(encoding="utf-8")


def test_no_commit_leaves_the_change_in_the_tree(new_body: Path, run: Run) -> None:
    run("--repo", str(new_body), "theme", "add", "zorg", "--title", "Zorg", "--no-commit")
    assert commit_count(new_body) == 1
    assert "kwartaal.toml" in git(new_body, "status", "--porcelain")


def test_repo_found_upward_and_from_environment(example: Path, run: Run,
                                                monkeypatch: object) -> None:
    import os

    here = os.getcwd()
    try:
        os.chdir(example / "meetings")
        assert "roos" in run("person", "list", "--json").output
    finally:
        os.chdir(here)
    monkeypatch.setenv("KWARTAAL_REPO", str(example))  # type: ignore[attr-defined]
    assert "roos" in run("person", "list", "--json").output


def test_init_refuses_a_folder_inside_a_body(tmp_path: Path, run: Run) -> None:
    import shutil

    repo = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    before = commit_count(repo)
    for inside in (repo / "meetings" / "meetings", repo / "meetings" / "nieuw"):
        out = run("init", str(inside), "--name", "Binnen", "--lang", "en", expect=1).output
        assert "is inside the body at" in out and "nothing was changed" in out
    assert not (repo / "meetings" / "nieuw").exists()
    assert not (repo / "meetings" / "meetings" / "kwartaal.toml").exists()
    assert commit_count(repo) == before


def test_a_payment_description_that_outs_people_is_refused(tmp_path: Path, run: Run) -> None:
    import shutil

    repo = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    body = ["--repo", str(repo / "meetings"), "--lang", "en"]
    before = commit_count(repo)
    for outing in ("vergoeding sekswerk overleg", "Seks-werk overleg", "sex work meeting"):
        out = run(*body, "config", "set", "compensation.description", outing, expect=1).output
        assert "bank statement" in out, outing
    assert commit_count(repo) == before
    run(*body, "config", "set", "compensation.description", "vergoeding overleg")


def test_a_failed_init_leaves_nothing_behind(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "nieuw"
    out = run("init", str(target), "--name", "Nieuw", "--author", "bob", expect=1).output
    assert "bob" in out
    assert not target.exists()
    existing = tmp_path / "bestaand"
    existing.mkdir()
    run("init", str(existing), "--name", "Bestaand", "--author", "bob", expect=1)
    assert list(existing.iterdir()) == []
    run("init", str(existing), "--name", "Bestaand")  # a second try starts clean
    assert (existing / "kwartaal.toml").is_file() and (existing / ".git").is_dir()
