"""Reading one TOML file of a body: size, encoding and syntax problems become Problems with
file, line and column; the parsed tables come back as plain Python values.

A native parser (toml-rs, TOML 1.0 as tomllib reads it, floats as exact Decimals) reads a body
about ten times faster than the standard tomllib; tomllib stays the fallback when the native
wheel is missing, when KWARTAAL_TOML=tomllib asks for it, and for every file the native parser
refuses: tomllib then accepts it or words the error, so messages stay the same either way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from kwartaal.core.problems import Problem, msg
from kwartaal.core.values import MAX_FILE_BYTES, parse_date
from kwartaal.files.keeping import relied_on
from kwartaal.files.paths import read_in_place, read_text_in_place

_NATIVE: list[Callable[[str], dict[str, Any]] | None] = []


def native_loads() -> Callable[[str], dict[str, Any]] | None:
    """The native parser, configured to give what tomllib gives; None when it is not installed
    or KWARTAAL_TOML=tomllib forces the standard parser."""
    if os.environ.get("KWARTAAL_TOML", "").strip().lower() == "tomllib":
        return None
    if not _NATIVE:
        try:
            import toml_rs
        except ImportError:
            _NATIVE.append(None)
        else:
            def loads(text: str) -> dict[str, Any]:
                return toml_rs.loads(text, parse_float=Decimal, toml_version="1.0.0")

            _NATIVE.append(loads)
    return _NATIVE[0]


# Strings and comments, so that brackets inside them are not taken for nesting. Written for
# valid TOML; on an invalid text it may misread, but then the native parser stops at the first
# error, which comes before anything this reading could hide. Linear: a string never starts
# after a backslash (an escaped quote inside an unclosed string is not tried again as a start),
# and a long number is only looked for where a run of digits starts. Every alternative begins
# with its own first character (the look-behind for a backslash comes after the quote:
# `"(?<!\\")` is `(?<!\\)"`), so the engine jumps from one quote or '#' to the next instead of
# trying each alternative at every character: the same matches, two to three times faster.
_QUOTED = re.compile(
    # multi-line basic string; its text may end in one or two quotes ("""x"""" is 'x"')
    r'"(?<!\\")""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""(?:""?)?(?!")'
    r"|'''[\s\S]*?'''(?!')"  # multi-line literal string
    r'|"(?<!\\")[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # basic string
    r"|'[^'\n]*'|#[^\n]*")  # literal string, comment
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_PAIR = re.compile(rb"\[\]|\{\}")
_LONG_DIGITS = re.compile(r"(?<![0-9_])[0-9_]{4300}")
NATIVE_DEPTH = 32  # kwartaal's files nest three or four levels deep
# A text with at most this many opening brackets in all (strings and comments included) cannot
# nest deeper, whatever its strings hide: the native parser uses under 2.1 KB of stack a level
# (it reads 4,000 levels in the 8 MB of a main thread, not 6,000), so 256 levels stay under
# 0.6 MB, inside the smallest main-thread stack of the systems Python runs on (1 MB).
OPENERS_ANY_DEPTH = 256
_DIGIT_RUNS = bytes(0x30 if byte in b"0123456789_" else 0x20 for byte in range(256))
_LONG_RUN = b"0" * 4300


def native_safe(text: str) -> bool:
    """Whether the native parser may read a text: its arrays and inline tables nest at most
    NATIVE_DEPTH deep, every bracket matched, and no number has 4,300 digits; or else the text
    has at most OPENERS_ANY_DEPTH opening brackets and no run of 4,300 digits anywhere. Other
    texts go to tomllib, which refuses what nests too deeply for Python's stack (the native
    parser would run out of its own: a crash, not an error) and integers longer than Python's
    int() limit (the native parser would build them). A byte order mark left after decoding
    (a second one) is refused by tomllib alone."""
    if text.startswith("\ufeff"):
        return False
    raw = text.encode("utf-8", "surrogatepass")
    # the quick answer: two counts and one translation, a tenth of the scan below
    if raw.count(b"[") + raw.count(b"{") <= OPENERS_ANY_DEPTH and (
            _LONG_RUN not in raw.translate(_DIGIT_RUNS)):
        return True
    code = _QUOTED.sub("", text)
    if _LONG_DIGITS.search(code):
        return False
    brackets = code.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    for _ in range(NATIVE_DEPTH):
        if not brackets:
            return True
        brackets, removed = _PAIR.subn(b"", brackets)
        if not removed:
            return False
    return not brackets


def parse_text(text: str) -> dict[str, Any]:
    """A TOML text's tables, by the native parser when it accepts the text, else by tomllib
    (which then accepts it too, or raises the error that gets worded)."""
    native = native_loads()
    if native is not None and native_safe(text):
        try:
            return native(text)
        except Exception:  # noqa: BLE001, S110 - any refusal: tomllib decides and words it
            pass
    import tomllib  # here only: most runs never need it (a tenth of a small command's start)

    return tomllib.loads(text, parse_float=Decimal)


_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_LONG_NUMBER = re.compile(r"[0-9_]{4000,}")


def too_large(path: Path, size: int) -> Problem:
    return Problem(path, None, "error", msg(
        "the file is {mb:.1f} MB, more than the {limit} MB kwartaal reads; a body's files are "
        "far smaller (thousands of meetings fit in one): look for pasted data and remove it",
        mb=size / 2**20, limit=MAX_FILE_BYTES // 2**20))


def parsed_quietly(path: Path, data: bytes) -> dict[str, Any] | None:
    """The tables of a file that parses without a problem, or None."""
    found: list[Problem] = []
    raw = read_toml(path, found, data)
    return None if found else raw


def read_toml(path: Path, problems: list[Problem],
              data: bytes | None = None) -> dict[str, Any] | None:
    """Parse one file (or its bytes, already read); a syntax error becomes a problem with line
    and column."""
    if data is None:
        relied_on(path)  # a file too large is judged by its size alone
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:  # refused before reading: parsing 50 MB takes minutes
                problems.append(too_large(path, size))
                return None
            data = read_in_place(path)
        except OSError as exc:
            problems.append(Problem(path, None, "error", msg(
                "cannot read the file: {err}",
                err=exc.strerror or str(exc))))
            return None
    if len(data) > MAX_FILE_BYTES:
        problems.append(too_large(path, len(data)))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(path, line, "error", msg(
            "the file is not valid UTF-8 text (byte {pos}); save it as UTF-8",
            pos=exc.start)))
        return None
    try:
        return parse_text(text)
    except RecursionError:
        problems.append(Problem(path, None, "error", msg(
            "the file nests arrays or tables too deeply to read; no kwartaal file needs more "
            "than a few levels")))
        return None
    except ValueError as exc:
        import tomllib  # imported by parse_text by then: only tomllib refuses with an error

        if isinstance(exc, tomllib.TOMLDecodeError):
            problems.append(_syntax_problem(path, text, str(exc)))
            return None
        # tomllib's int() refuses more than 4,300 digits, without a position
        long = _LONG_NUMBER.search(text)
        problems.append(Problem(path, text.count("\n", 0, long.start()) + 1 if long else None,
                                "error", msg(
            "a number too long to read (thousands of digits); no value of kwartaal needs one")))
        return None


def _syntax_problem(path: Path, text: str, message: str) -> Problem:
    found = _POSITION.search(message)
    reason = _POSITION.sub("", message).strip()
    line = column = None
    if found:
        line, column = int(found.group(1)), int(found.group(2))
    else:
        # tomllib says "at end of document" for some errors; tomlkit knows the line.
        try:
            import tomlkit

            tomlkit.parse(text)
        except Exception as exc:  # noqa: BLE001 - any parse error carries the position we want
            line = getattr(exc, "line", None)
            column = getattr(exc, "col", None)
            reason = re.sub(r"\s*at line \d+ col \d+$", "", str(exc)) or reason
    if reason.startswith("Invalid date") or _impossible_date_on(text, line):
        return Problem(path, line, "error", msg(
            "TOML syntax error at column {col}: not a real date or time (e.g. 2026-02-30); "
            "write an existing date as YYYY-MM-DD",
            col=column or "?"))
    return Problem(path, line, "error", msg(
        "TOML syntax error{at}: {reason}",
        at=msg(" at column {col}", col=column) if column else "", reason=reason))


def _impossible_date_on(text: str, line: int | None) -> bool:
    """Whether the line holds something shaped like a date that does not exist (2025-12-32)."""
    if line is None:
        return False
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return False
    for token in re.findall(r"(?<![\d\"'])\d{4}-\d{2}-\d{2}(?![\d\"'])", lines[line - 1]):
        if parse_date(token) is None:
            return True
    return False


_HISTORY_HEADER = re.compile(r"""^\s*\[\[\s*["']?action["']?\s*\.\s*["']?history["']?\s*\]\]""")


def history_entry_line(path: Path, section: tuple[object, ...], index: int) -> int | None:
    """The line of an action's index-th history entry, in either form: `history = [ {…}, ]`
    (entries counted by their opening brace) or `[[action.history]]` tables."""
    from kwartaal.core.lines import line_of

    try:
        lines = read_text_in_place(path).splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    key = line_of(path, section, "history")
    if key is not None:  # inline
        seen = -1
        for number in range(key, len(lines) + 1):
            seen += lines[number - 1].count("{")
            if seen >= index:
                return number
        return key
    header = line_of(path, section)
    if header is None:
        return None
    seen = -1
    for number in range(header + 1, len(lines) + 1):
        line = lines[number - 1]
        if _HISTORY_HEADER.match(line):
            seen += 1
            if seen == index:
                return number
        elif line.lstrip().startswith("["):
            break
    return header
