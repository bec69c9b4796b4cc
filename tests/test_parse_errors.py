"""A file that does not parse gives exactly one error, its own, and nothing follows from it."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.files.library import check, load
from tests.conftest import EXAMPLE, Run

FILES = sorted(str(p.relative_to(EXAMPLE)) for p in EXAMPLE.rglob("*.toml"))
TODAY = dt.date(2026, 1, 15)


def _breakages(text: str) -> list[str]:
    """Ways people break a TOML file: each gives text that no longer parses."""
    tables = [line for line in text.splitlines() if line.startswith("[") and
              not line.startswith("[[")]
    first_table = tables[0] if tables else "[extra]\na = 1\n\n[extra]"
    first_key = next(line for line in text.splitlines()
                     if "=" in line and not line.startswith(("#", "[")))
    return [
        text + "\n" + first_table + "\n",           # the same table twice
        text.replace(first_key, first_key + "\n" + first_key, 1),  # the same key twice
        text + '\nnote = "not closed\n',            # an unclosed string
        text + "\nwhen = 2025-13-45\n",             # a date that does not exist
        text + "\nx = = 1\n",                       # a value that is not one
    ]


@pytest.fixture(scope="module")
def body_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("parse") / "body"
    shutil.copytree(EXAMPLE, target)
    return target


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(FILES), way=st.integers(0, 4), lang=st.sampled_from(["nl", "en"]))
def test_a_file_that_does_not_parse_gives_one_error(body_copy: Path, name: str, way: int,
                                                     lang: str) -> None:
    path = body_copy / name
    original = (EXAMPLE / name).read_text(encoding="utf-8")
    broken = _breakages(original)[way]
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(broken)
    path.write_text(broken, encoding="utf-8")
    try:
        problems = check(load(body_copy), TODAY)
    finally:
        path.write_text(original, encoding="utf-8")
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1, [(str(p.path), p.line, p.text(lang)) for p in errors]
    assert errors[0].path == path and errors[0].line
    text = errors[0].text(lang)
    assert ("TOML-syntaxfout" if lang == "nl" else "TOML syntax error") in text


def test_check_shows_the_one_error_with_file_line_and_column(example: Path, run: Run) -> None:
    people = example / "people.toml"
    text = people.read_text(encoding="utf-8")
    people.write_text('[yara]\nname = "X"\n\n' + text, encoding="utf-8")
    out = run("--repo", str(example), "--today", "2026-01-15", "check", expect=1).output
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 2, out  # the error and the count
    assert "people.toml:" in lines[0] and "kolom" in lines[0] and "twice" in lines[0]
    english = run("--repo", str(example), "--lang", "en", "check", expect=1).output
    assert "at column" in english and "kolom" not in english


EXTREMES = [
    # a key dotted a thousand deep: tables nested deeper than anything can walk them
    ("dotted", "\n[[item]]", "\nx." + ".".join(["a"] * 1000) + " = 1\n\n[[item]]",
     "'x'"),
    # an amount whose exponent overflows the decimal context
    ("amount", "amount = 16.80", "amount = 1e1000000", "1E+1000000"),
    ("hours", "\nhours = 3\n", "\nhours = 9.5e+999999999\n", "9.5E+999999999"),
]


@pytest.mark.parametrize(("name", "old", "new", "named"), EXTREMES,
                         ids=[e[0] for e in EXTREMES])
@pytest.mark.parametrize("cached", [True, False])
def test_extreme_values_are_errors_in_every_command(
        example: Path, run: Run, name: str, old: str, new: str, named: str, cached: bool,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused with the file's error by every command that reads the body, cached or not;
    check names it."""
    if not cached:
        monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    path = next(p for p in sorted((example / "meetings").glob("*.toml"))
                if old in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    base = ["--repo", str(example), "--today", "2026-01-15"]
    checked = run(*base, "check", expect=1).output
    assert path.name in checked and named in checked
    for args in (["agenda"], ["minutes", path.stem], ["report", "--year", path.stem[:4]],
                 ["compensation", "--year", path.stem[:4]], ["actions"]):
        result = run(*base, *args, expect=1)
        assert path.name in result.output, (args, result.output)
