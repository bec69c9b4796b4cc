"""Fuzzed input: mutated copies of the shipped example never produce a traceback.

Every command answers either correctly (exit 0; `check` and the others may also say what is
wrong with exit 1) — never an internal error (exit 70) or an uncaught exception.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import EXAMPLE, Run

FILES = sorted(p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*.toml"))
# sized for CI's time budget (about 35 s of one of its two cores); more with
# KWARTAAL_FUZZ_CASES
CASES = int(os.environ.get("KWARTAAL_FUZZ_CASES", "400"))
COMMANDS = [["check"], ["agenda", "2026-03-12"], ["actions", "--status", "all", "--json"],
            ["minutes", "2025-06-12", "--public"]]
# Valid-but-extreme values reach further than broken files: after those, every output too
# (and `meeting new`, whose file is removed again), on a day drawn from the edges of time.
EXTREME_COMMANDS = [["calendar"], ["remind", "--format", "eml", "--output", "{work}/../mail"],
                    ["compensation", "--year", "2025", "--format", "csv"],
                    ["site", "--output", "{work}/../site"], ["meeting", "new", "--no-commit"]]
TODAYS = ["2026-01-15", "2026-01-15", "1900-01-01", "2999-12-31"]

_DATE = re.compile(rb"\b[0-9]{4}-[0-9]{2}-[0-9]{2}\b")
_INT = re.compile(rb"(?m)(=\s*|\[\s*|,\s*)-?[0-9]+(?=\s*(?:[,\]#]|$))")
_TEXT = re.compile(rb'(?m)^(\w+ = )"[^"\n]*"')
_INLINE_HISTORY = re.compile(rb"history = \[\n((?:  \{[^\n]*\},?\n)*)\]\n")
EDGE_DATES = [b"1900-01-01", b"2999-12-31", b"1899-12-31", b"3000-01-01", b"9999-12-31",
              b"0001-01-01"]
EXTREME_INTS = [b"0", b"-1", b"1440", b"1441", b"9223372036854775807",
                b"-9223372036854775808", b"1" + b"0" * 40, b"1" + b"0" * 5000]
# escapes as written in TOML, so the file stays valid and the value holds the character
CONTROLS = [b"\\r\\n", b"\\n", b"\\t", b"\\u0000", b"\\u001b[2J", b"\\u2028", b"\\u0085",
            b"\\r\\nBcc: x@y.example"]
HOSTILE_TEXTS = [b'"javascript:alert(1)"', b'"../../etc/passwd"', b'"a/b"', b'"=HYPERLINK(1)"',
                 b'"@SUM(1)"', b'"' + b"x" * 70 + b'"']


def _as_tables(data: bytes, which: int) -> bytes:
    """One inline history rewritten as [[action.history]] tables (valid TOML when the history
    is the action's last key, as kwartaal writes it)."""
    found = list(_INLINE_HISTORY.finditer(data))
    if not found:
        return data
    match = found[which % len(found)]
    tables = b""
    for entry in re.findall(rb"\{([^\n]*)\}", match.group(1)):
        keys = re.findall(rb'(\w+) = ("[^"]*"|[0-9-]+)', entry)
        tables += b"\n[[action.history]]\n" + b"".join(k + b" = " + v + b"\n" for k, v in keys)
    return data[:match.start()] + tables.lstrip(b"\n") + data[match.end():]


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
    elif kind in _EXTREME:
        return _EXTREME[kind](data, draw)
    return b"\n".join(lines)


def _pick(data: bytes, pattern: re.Pattern[bytes], draw: st.DataObject) -> re.Match[bytes] | None:
    """One of the places pattern finds, outside comments."""
    found = [m for m in pattern.finditer(data)
             if not data[data.rfind(b"\n", 0, m.start()) + 1:m.start()].lstrip().startswith(b"#")]
    return draw.draw(st.sampled_from(found), label="where") if found else None


def _replace(data: bytes, pattern: re.Pattern[bytes], draw: st.DataObject,
             new: list[bytes], keep_group: bool = False) -> bytes:
    """One value, or every value of its kind in the file, replaced by an extreme one: every
    date 2999-12-31 or every number 1440 is a valid body that reaches every edge at once."""
    value = draw.draw(st.sampled_from(new), label="value")
    if draw.draw(st.booleans(), label="every"):
        return pattern.sub(lambda m: (m.group(1) if keep_group else b"") + value, data)
    found = _pick(data, pattern, draw)
    if found is None:
        return data
    start = found.end(1) if keep_group else found.start()
    return data[:start] + value + data[found.end():]


def _control(data: bytes, draw: st.DataObject) -> bytes:
    found = _pick(data, re.compile(rb'= "'), draw)
    if found is None:
        return data
    escape = draw.draw(st.sampled_from(CONTROLS), label="control")
    return data[:found.end()] + escape + data[found.end():]


def _long_line(data: bytes, draw: st.DataObject) -> bytes:
    # a quadratic pattern anywhere on the way takes minutes on this; linear ones, milliseconds
    filler = draw.draw(st.sampled_from([b"a", b"1", b"1-", b"a.", b"@a"]), label="filler")
    return b"# " + filler * (300_000 // len(filler)) + b"@\n" + data


_EXTREME = {
    "edge-date": lambda data, draw: _replace(data, _DATE, draw, EDGE_DATES),
    "extreme-int": lambda data, draw: _replace(data, _INT, draw, EXTREME_INTS, keep_group=True),
    "control-char": _control,
    "hostile-text": lambda data, draw: _replace(data, _TEXT, draw, HOSTILE_TEXTS,
                                                keep_group=True),
    "long-line": _long_line,
    "history-tables": lambda data, draw: _as_tables(
        data, draw.draw(st.integers(0, 50), label="which")),
}
KINDS = ["delete-line", "duplicate-line", "wrong-type", "truncate", "random-bytes",
         "invalid-utf8", "bom", "crlf", "long-string", "deep-nesting", "duplicate-table",
         "unicode", *_EXTREME]
mutate = _mutate  # the same corpus feeds tests/test_parser_native.py


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
    commands, today = COMMANDS, "2026-01-15"
    if kind in _EXTREME:
        commands = [*COMMANDS, *([a.replace("{work}", str(work)) for a in c]
                                 for c in EXTREME_COMMANDS)]
        today = data.draw(st.sampled_from(TODAYS), label="today")
    meetings = set((work / "meetings").iterdir())
    try:
        for command in commands:
            result = run("--repo", str(work), "--today", today, "--lang", "en", *command,
                         expect=None)
            assert result.exit_code in (0, 1), (kind, relative, command, result.output[-2000:])
            assert "Traceback" not in result.output
            if result.exit_code == 1:
                assert result.output.strip(), (kind, command)
    finally:
        target.write_bytes(original)
        for made in set((work / "meetings").iterdir()) - meetings:
            made.unlink()
