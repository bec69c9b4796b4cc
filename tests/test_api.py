"""The library API: every public name resolves, importing it stays lazy, docs/api.md's example
runs, edits through the API pass the same privacy check and all-or-nothing as the commands,
and the library's errors speak to a program, not to someone at a command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

import kwartaal
from tests.conftest import Run, git

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-01-15"
HEAVY = ("click", "tomlkit", "git", "jinja2", "rich", "babel", "icalendar")


def imported_after(statement: str) -> list[str]:
    """The modules a fresh interpreter holds after running statement."""
    code = f"import sys\n{statement}\nimport json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)


def test_importing_kwartaal_imports_nothing_else() -> None:
    modules = imported_after("import kwartaal; kwartaal.__version__")
    ours = [m for m in modules if m.startswith("kwartaal.")]
    heavy = [m for m in modules if m.split(".")[0] in HEAVY]
    assert not ours and not heavy, (ours, heavy)


def test_the_fast_lane_imports_only_what_it_shares() -> None:
    """The lane shares the signals, the query, the index and the root finder with the full
    command, all standard-library only; nothing else of kwartaal's."""
    modules = imported_after("import kwartaal.cli.fast")
    heavy = [m for m in modules if m.split(".")[0] in HEAVY]
    ours = {m for m in modules if m.startswith("kwartaal")}
    assert not heavy, heavy
    assert ours <= {"kwartaal", "kwartaal.cli", "kwartaal.cli.fast", "kwartaal.core",
                    "kwartaal.core.query", "kwartaal.files", "kwartaal.files.signals",
                    "kwartaal.files.cache", "kwartaal.files.paths"}, ours


def test_every_public_name_resolves() -> None:
    assert kwartaal.__all__ == ["__version__", *kwartaal.API]
    for name, place in kwartaal.API.items():
        module, _, attribute = place.partition(":")
        value = getattr(kwartaal, name)
        assert value is getattr(sys.modules[module], attribute), name
        assert name in dir(kwartaal)
    with pytest.raises(AttributeError):
        kwartaal.no_such_name  # noqa: B018


def test_the_api_covers_what_the_brief_names() -> None:
    wanted = {"load", "check", "select_actions", "build_agenda", "render_agenda",
              "render_minutes", "build_site", "add_action", "set_status", "propose", "attend",
              "note", "decide", "compensate", "KwartaalError", "Body", "Meeting", "Action",
              "Person", "run_change", "Change"}
    assert wanted <= set(kwartaal.API)


def test_docs_api_md_names_every_public_name() -> None:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [name for name in kwartaal.API if not re.search(rf"\b{name}\b", text)]
    assert not missing, f"docs/api.md does not mention {missing}"


def python_example(doc: str) -> str:
    text = (ROOT / doc).read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, f"{doc} has no python example"
    return blocks[0]


def test_the_documented_example_runs(example: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(example.parent)
    before = int(git(example, "rev-list", "--count", "HEAD"))
    exec(compile(python_example("docs/api.md"), "docs/api.md", "exec"), {"__name__": "doc"})
    out = capsys.readouterr().out
    assert "days overdue" in out
    assert "# Agenda Kwartaaloverleg Sekswerk Voorbeeldstad" in out
    assert "committed" in out
    assert "geen actie '2025-06-12/zz'" in out
    assert int(git(example, "rev-list", "--count", "HEAD")) == before + 1
    assert "Flyer voor buren" in git(example, "log", "-1", "--format=%s")
    assert not git(example, "status", "--porcelain")


def test_the_readme_example_runs(example: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(example.parent)
    exec(compile(python_example("README.md"), "README.md", "exec"), {"__name__": "doc"})
    assert "# Agenda Kwartaaloverleg Sekswerk Voorbeeldstad" in capsys.readouterr().out


PRIVATE = st.sampled_from([
    "bel 06-12345678",                 # a mobile number
    "rekening NL91ABNA0417164300",     # an IBAN
    "mail roos@example.org",           # an e-mail address
])


@seed(20260115)
@settings(max_examples=6, deadline=None)
@given(private=PRIVATE, words=st.sampled_from(["Flyer", "Afspraak met", "Terugbellen"]))
def test_a_change_with_private_data_is_refused_and_leaves_the_file(
        tmp_path_factory: pytest.TempPathFactory, private: str, words: str) -> None:
    import datetime as dt
    import shutil

    from tests.conftest import EXAMPLE, commit_all, init_repo

    repo = init_repo(tmp_path_factory.mktemp("body") / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    folder = repo / "meetings"
    files = {p: p.read_bytes() for p in folder.rglob("*.toml")}
    with pytest.raises(kwartaal.KwartaalError, match="privacy"):
        kwartaal.run_change(folder, lambda body: kwartaal.add_action(
            body, title=f"{words} {private}", owner="h-visser", co_owners=[], due="+2w",
            theme="", meeting_id=None, closed=False, by="", today=dt.date(2026, 1, 15),
            lang="nl"))
    assert {p: p.read_bytes() for p in folder.rglob("*.toml")} == files
    assert not git(repo, "status", "--porcelain")


def test_a_failing_change_puts_every_file_back(example: Path) -> None:
    import datetime as dt

    files = {p: p.read_bytes() for p in example.rglob("*.toml")}
    def two_edits_then_a_failure(body: kwartaal.Body) -> kwartaal.Change:
        kwartaal.add_action(body, title="Eerste", owner="h-visser", co_owners=[], due="+2w",
                            theme="", meeting_id=None, closed=False, by="",
                            today=dt.date(2026, 1, 15), lang="nl")
        kwartaal.set_status(body, "2025-06-12/a3", "done", by="", today=dt.date(2026, 1, 15),
                            lang="nl")
        raise RuntimeError("the program fails after two edits")

    with pytest.raises(RuntimeError):
        kwartaal.run_change(example, two_edits_then_a_failure)
    assert {p: p.read_bytes() for p in example.rglob("*.toml")} == files


def test_an_edit_that_returns_no_change_is_named_and_put_back(example: Path) -> None:
    import datetime as dt

    files = {p: p.read_bytes() for p in example.rglob("*.toml")}

    def forgets_to_return(body: kwartaal.Body) -> kwartaal.Change:
        kwartaal.add_action(body, title="Eerste", owner="h-visser", co_owners=[], due="+2w",
                            theme="", meeting_id=None, closed=False, by="",
                            today=dt.date(2026, 1, 15), lang="nl")
        return None  # type: ignore[return-value]

    with pytest.raises(TypeError, match="must return a Change, not NoneType"):
        kwartaal.run_change(example, forgets_to_return)
    assert {p: p.read_bytes() for p in example.rglob("*.toml")} == files


@pytest.mark.parametrize(("option", "value"), [("status", "klaar"), ("sort", "owner")])
def test_select_actions_refuses_what_it_does_not_know(example: Path, option: str,
                                                      value: str) -> None:
    import datetime as dt

    body = kwartaal.load(example).body
    with pytest.raises(kwartaal.KwartaalError, match=f"'{value}'; choose one of"):
        kwartaal.select_actions(body, dt.date(2026, 1, 15), **{option: value})


def test_load_says_plainly_when_a_folder_is_no_body(tmp_path: Path) -> None:
    with pytest.raises(kwartaal.KwartaalError, match="holds no kwartaal.toml"):
        kwartaal.load(tmp_path)


def test_library_errors_do_not_send_the_reader_to_the_command_line(example: Path,
                                                                    run: Run) -> None:
    path = example / "meetings" / "2025-09-11.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("minutes = 20",
                                                             'minutes = "twintig"'),
                    encoding="utf-8")
    problems = kwartaal.check(kwartaal.load(example))
    assert any(p.severity == "error" for p in problems)
    with pytest.raises(kwartaal.InvalidBody) as caught:
        kwartaal.load_checked(example)
    for lang in ("en", "nl"):
        assert "kwartaal check" not in caught.value.render(lang)
    # the command line adds it, in the user's language
    result = run("--repo", str(example), "--lang", "en", "person", "list", expect=1)
    assert "run 'kwartaal check' to see every problem" in result.output
    result = run("--repo", str(example), "--lang", "nl", "person", "list", expect=1)
    assert "draai 'kwartaal check'" in result.output
