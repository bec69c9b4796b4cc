"""Fuzzed input: mutated copies of the shipped example never produce a traceback.

Every command answers either correctly (exit 0; `check` and the others may also say what is
wrong with exit 1) — never an internal error (exit 70) or an uncaught exception.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import EXAMPLE, Run

FILES = sorted(p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*.toml"))
CASES = int(os.environ.get("KWARTAAL_FUZZ_CASES", "2000"))
COMMANDS = [["check"], ["agenda", "2026-03-12"], ["actions", "--status", "all", "--json"],
            ["minutes", "2025-06-12", "--public"]]


def _mutate(data: bytes, kind: str, draw: st.DataObject) -> bytes:
    lines = data.split(b"\n")
    index = draw.draw(st.integers(0, max(0, len(lines) - 1)), label="line")
    if kind == "delete-line":
        del lines[index]
    elif kind == "duplicate-line":
        lines.insert(index, lines[index])
    elif kind == "wrong-type":
        line = lines[index]
        if b"=" in line:
            key = line.split(b"=", 1)[0]
            value = draw.draw(st.sampled_from(
                [b'"tekst"', b"12", b"-3.5", b"true", b"2026-02-30", b"[1, 2]", b"{ a = 1 }",
                 b"1979-05-27T07:32:00Z", b'""', b"[]", b"nan", b'"2026-13-01"']), label="value")
            lines[index] = key + b"= " + value
    elif kind == "truncate":
        cut = draw.draw(st.integers(0, len(data)), label="cut")
        return data[:cut]
    elif kind == "random-bytes":
        noise = draw.draw(st.binary(min_size=1, max_size=40), label="noise")
        at = draw.draw(st.integers(0, len(data)), label="at")
        return data[:at] + noise + data[at:]
    elif kind == "invalid-utf8":
        at = draw.draw(st.integers(0, len(data)), label="at")
        return data[:at] + b"\xff\xfe\xc3" + data[at:]
    elif kind == "bom":
        return b"\xef\xbb\xbf" + data
    elif kind == "crlf":
        return data.replace(b"\n", b"\r\n")
    elif kind == "long-string":
        line = lines[index]
        if b'"' in line:
            lines[index] = line.replace(b'"', b'"' + b"\xc3\xa9x" * 20000, 1)
    elif kind == "deep-nesting":
        depth = draw.draw(st.integers(50, 3000), label="depth")
        lines.insert(index, b"diep = " + b"[" * depth + b"1" + b"]" * depth)
    elif kind == "duplicate-table":
        headers = [i for i, line in enumerate(lines) if line.startswith(b"[")]
        if headers:
            start = draw.draw(st.sampled_from(headers), label="table")
            end = next((i for i in headers if i > start), len(lines))
            lines.extend(lines[start:end])
    elif kind == "unicode":
        text = draw.draw(st.text(min_size=1, max_size=30), label="text")
        lines.insert(index, b"# " + text.encode("utf-8", "surrogatepass"))
    return b"\n".join(lines)


KINDS = ["delete-line", "duplicate-line", "wrong-type", "truncate", "random-bytes",
         "invalid-utf8", "bom", "crlf", "long-string", "deep-nesting", "duplicate-table",
         "unicode"]


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz") / "body"
    shutil.copytree(EXAMPLE, folder)
    return folder


@settings(max_examples=CASES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from(FILES), st.sampled_from(KINDS), st.data())
def test_mutated_files_never_crash(work: Path, run: Run, relative: Path, kind: str,
                                   data: st.DataObject) -> None:
    target = work / relative
    original = (EXAMPLE / relative).read_bytes()
    target.write_bytes(_mutate(original, kind, data))
    try:
        for command in COMMANDS:
            result = run("--repo", str(work), "--today", "2026-01-15", "--lang", "en",
                         *command, expect=None)
            assert result.exit_code in (0, 1), (kind, relative, command, result.output[-2000:])
            assert "Traceback" not in result.output
            if result.exit_code == 1:
                assert result.output.strip(), (kind, command)
    finally:
        target.write_bytes(original)
