"""The native TOML parser of the read path gives exactly what tomllib gives, or refuses.

Differential: the shipped example, benchmark bodies, the fuzz corpus of tests/test_fuzz.py and
hostile snippets are read both ways. Whenever the native parser accepts a text, tomllib accepts
it too with equal values of equal types (Decimals to the digit, dates, local times, offsets);
read_toml, which falls back to tomllib for whatever the native parser refuses, returns the same
tables and the same problems with and without KWARTAAL_TOML=tomllib.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import timeit
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.files import tomlread
from kwartaal.files.tomlread import native_loads, parse_text, read_toml

from .conftest import EXAMPLE
from .test_fuzz import CASES, FILES, KINDS, mutate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

pytestmark = pytest.mark.skipif(native_loads() is None, reason="toml-rs is not installed")


def typed(value: Any) -> Any:
    """A value with every leaf's exact type and digits, comparable with =="""
    if isinstance(value, dict):
        return ("dict", {key: typed(item) for key, item in value.items()})
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, Decimal):
        return ("Decimal", str(value))  # 16.80 stays 16.80; NaN compares as text
    if isinstance(value, dt.datetime):
        return ("datetime", value.isoformat(), value.utcoffset())
    return (type(value).__name__, value)


def outcome(parse: Any, text: str) -> tuple[str, Any]:
    try:
        return "ok", typed(parse(text))
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        return "refused", type(exc).__name__
    except Exception as exc:  # noqa: BLE001 - the native parser's own error class
        return "refused", type(exc).__name__


def assert_same(text: str) -> None:
    native = outcome(native_loads(), text) if tomlread.native_safe(text) else ("deep", None)
    standard = outcome(lambda t: tomllib.loads(t, parse_float=Decimal), text)
    if native[0] == "ok":
        assert standard == native, text[:300]
    # parse_text, what read_toml uses: tomllib's answer whatever the native parser says
    assert outcome(parse_text, text) == standard, text[:300]


def read_both(path: Path, data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = []
    for forced in ("", "tomllib"):
        monkeypatch.setenv("KWARTAAL_TOML", forced)
        problems: list[Any] = []
        result = read_toml(path, problems, data)
        answers.append((typed(result), [(p.path, p.line, p.severity, str(p.message))
                                         for p in problems]))
    monkeypatch.delenv("KWARTAAL_TOML")
    assert answers[0] == answers[1], path


def test_forcing_tomllib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KWARTAAL_TOML", "tomllib")
    assert native_loads() is None
    monkeypatch.setenv("KWARTAAL_TOML", "")
    assert native_loads() is not None


@pytest.mark.parametrize("relative", FILES, ids=str)
def test_example_reads_the_same(relative: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (EXAMPLE / relative).read_bytes()
    assert_same(data.decode("utf-8-sig"))
    read_both(EXAMPLE / relative, data, monkeypatch)
    values = native_loads()((EXAMPLE / relative).read_text(encoding="utf-8-sig"))
    if relative.name == "kwartaal.toml":  # amounts keep their written digits
        assert str(values["compensation"]["meal"]) == "12.50"


def test_benchmark_bodies_read_the_same(tmp_path: Path) -> None:
    body, _ = generate(tmp_path / "body", 12)
    files = sorted(body.rglob("*.toml"))
    assert len(files) == 14
    for path in files:
        assert_same(path.read_text(encoding="utf-8"))


@settings(max_examples=CASES // 3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FILES), st.sampled_from(KINDS), st.data())
def test_fuzz_corpus_reads_the_same(monkeypatch: pytest.MonkeyPatch, relative: Path, kind: str,
                                    data: st.DataObject) -> None:
    mutated = mutate((EXAMPLE / relative).read_bytes(), kind, data)
    try:
        text = mutated.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        assert_same(text)
    read_both(EXAMPLE / relative, mutated, monkeypatch)


HOSTILE = [
    "a = 2025-02-29", "a = 2024-02-29", "a = 2026-02-30", "a = 1979-05-27T07:32:00Z",
    "a = 1979-05-27T07:32:00-07:00", "a = 1979-05-27T07:32:00+14:00", "a = 07:32:00.123456789",
    "a = 1979-05-27T00:32:00.999999999", "a = 1979-05-27 07:32:00", "a = 07:32",
    "a = 1979-05-27T07:32Z", "a = 0000-01-01", "a = 9999-12-31T23:59:59.999999Z",
    "a = inf", "a = -nan", "a = +inf", "a = 0.1e1000", "a = 1e-400", "a = 16.80",
    "a = 0.12345678901234567890123", "a = -0.0", "a = 1_000.000_1", "a = 1__0", "a = 01",
    "a = 99999999999999999999", "a = -9223372036854775809", "a = 0x7fffffffffffffffff",
    "a = " + "1" * 5000, "a = 0b102", "a = 0o8", "a = 1.", "a = .1", "a = 1e", "a = +0x1",
    "a = 1\nb = 2\na = 3", "[t]\n[t]", "[[t]]\n[t]", "a = {b = 1}\na.c = 2", "a.b = 1\n[a]\nb = 2",
    "a = {b = 1,}", "a = {\nb = 1}", "a = [1,,]", "a = [1,2,]", "a = [\n1,\n# c\n2\n]",
    'a = "\\e"', 'a = "\\x41"', 'a = "\\u00e9\\U0001F600"', 'a = "\\uD800"', 'a = "\u0000"',
    'a = "tab\there"', 'a = "a\rb"', "a = 'lit\\'", "a = '''x''''", 'a = """x"""""',
    'a = """x""""""', 'a = """\\\n   x"""', "a = '''\nfirst'''", "a = true\r\n", "a = 1\rb = 2",
    "a = 1 # \u0007", "\ufeffa = 1", "a = 1\n\ufeffb = 2", "a = \ufeff1", "a = \"\u2028\"",
    "= 1", "a =", "\"\" = 1", "'' = 2",
    "a.\"b.c\".d = 1", "a . b = 1", "[ a . b ]\nc = 1", "[a]\n[a.b]\n[a]", "a = [[1], ['x']]",
    "a = [1, 'x', 2.5, {b = 1}]", "x = [" * 40 + "]" * 40, "x = " + "[" * 31 + "]" * 31,
    "x = " + "{a = " * 40 + "1" + "}" * 40, "x = " + "[" * 100_000, "x = " + "{a=" * 100_000,
    "x = [" + '"]", [' * 50 + "]" * 51, "[" + "a." * 300 + "b]\nc = 1", "a." * 300 + "b = 1",
    "true = 1\nfalse = 2\ninf = 3", "1234 = 5", "1.2 = 3", "a = truee", "a = True",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_snippets(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert_same(text)
    read_both(tmp_path / "x.toml", text.encode("utf-8", "surrogatepass"), monkeypatch)


@pytest.mark.parametrize("data", [b"a = 1\xff", b"\xef\xbb\xbfa = 1", b"a = 1\r\nb = 2\r\n",
                                  b"\xef\xbb\xbf\xef\xbb\xbfa = 1", b"a = '\xc3'"])
def test_bytes_read_the_same(data: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read_both(tmp_path / "x.toml", data, monkeypatch)


def test_deep_nesting_never_reaches_the_native_parser() -> None:
    """The native parser would exhaust its stack (a crash) on these; tomllib refuses them."""
    for text in ("x = " + "[" * 200_000 + "]" * 200_000, "x = " + "{a=" * 50_000 + "1" +
                 "}" * 50_000, "x = [" + "1, [" * 50_000 + "]" * 50_001):
        assert not tomlread.native_safe(text)
        with pytest.raises(RecursionError):
            parse_text(text)


@pytest.mark.parametrize("closing", ['"', '""'])
def test_nesting_after_a_string_ending_in_quotes_is_seen(closing: str) -> None:
    """A multi-line string may end in one or two quotes of its own (three quotes, x, four
    quotes is 'x"'): the scan reads it to its true end, so nesting after it counts."""
    text = ('x = ["""\nx"""' + closing + ", " + "[" * 100_000 + "]" * 100_000 +
            ', """z"""\n]\n')
    assert not tomlread.native_safe(text)
    with pytest.raises(RecursionError):
        parse_text(text)
    shallow = 'x = ["""\nx"""' + closing + ', [[1]], """z"""]\n'
    assert tomlread.native_safe(shallow)
    assert parse_text(shallow) == {"x": ["x" + closing, [[1]], "z"]}


@pytest.mark.parametrize("unit", ['\\"', "'''x", '"', "1", "1" * 4299 + " ", "\\", "[", "]",
                                  '"""\\"', "# [\n", "'[", "{a="])
def test_the_safety_check_is_linear(unit: str) -> None:
    """Four times the text, about four times the time, however it is written: measured
    against str.count over the same text, so that load on the machine cancels."""
    def ratio(repeat: int) -> float:
        text = 'a = "' + unit * repeat
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            tomlread.native_safe(text)
            best = min(best, time.perf_counter() - start)
        reference = min(timeit.repeat(lambda: text.count("x"), number=20, repeat=3)) / 20
        return best / reference

    size = 200_000 // len(unit)
    assert ratio(4 * size) < 3 * ratio(size) + 5


SETTINGS = (EXAMPLE / "kwartaal.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [
    SETTINGS, "\ufeff" + SETTINGS, SETTINGS.replace('language = "nl"', 'language = "en"'),
    SETTINGS.replace('language = "nl"', "language = 1"), SETTINGS + "\n[body\n", "",
    '[body]\nlanguage = "nl"\n', 'body = { language = "nl" }\n', 'body.language = "nl"\n',
    '[body]\nlanguage = "fr"\n', "[body]\nlanguage = 'nl' # x\n", '[body]\nlanguage = """nl"""\n',
    "[body]\nx = " + "[" * 300 + "]" * 300 + '\nlanguage = "nl"\n', "\x00", "a = 1\na = 2\n"])
def test_the_language_of_messages_is_the_loaders_reading(text: str, tmp_path: Path) -> None:
    """The language a command speaks before it loads the body is read from the settings with
    the standard parser: what the loader's reading gives, or English where it refuses."""
    from kwartaal.cli.options import State

    (tmp_path / "kwartaal.toml").write_bytes(text.encode("utf-8"))
    try:
        expected = parse_text(text.removeprefix("\ufeff")).get("body", {}).get("language")
    except Exception:  # noqa: BLE001 - refused: no preference
        expected = None
    state = State()
    state.repo = tmp_path  # type: ignore[assignment]
    assert state.lang() == (expected if expected in ("nl", "en") else "en")
