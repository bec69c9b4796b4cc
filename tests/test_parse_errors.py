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
