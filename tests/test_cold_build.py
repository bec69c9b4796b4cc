"""The cheaper parts of a cold read decide exactly what the general code decides.

- The parser's safety scan (files/tomlread.py `native_safe`) finds strings and comments with a
  regular expression whose alternatives each begin with their first character; it is held to
  the former expression (kept here) on the example, a benchmark body, the fuzz corpus, the
  hostile snippets and random texts made of the characters that matter: the same text left
  once strings and comments are taken out, and the same decision.
- The quick path of the schema (files/schema.py `quick_table`) gives, for a table it takes, the
  values `full_table` gives (same keys in the same order, same types, same digits) and only
  when `full_table` finds no problem, and `quick_valid` takes exactly the tables it takes: on
  every table of the example and of a benchmark body, on fuzzed files and on hypothesis-made
  tables of every declared table, with wrong, missing and unknown keys and values of every
  TOML type.
- The action lane's reading of a valid file (files/laneentry.py `lane_entry`) gives the
  index entry of the whole meeting, and leaves every file with a problem to build_meeting.
- Whole commands, cold, in nl and en: the same output and exit code with the quick path turned
  off (every table converted by full_table).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.files import cache, schema, tomlread
from kwartaal.files.laneentry import lane_entry
from kwartaal.files.loader import build_meeting

from .conftest import EXAMPLE, Run
from .test_fuzz import FILES, KINDS, mutate
from .test_parser_native import HOSTILE

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import generate  # noqa: E402

# The former expression: each alternative tried at every character.
FORMER_QUOTED = re.compile(
    r'(?<!\\)"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""(?:""?)?(?!")'
    r"|'''[\s\S]*?'''(?!')"
    r'|(?<!\\)"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
    r"|'[^'\n]*'|#[^\n]*")


def former_safe(text: str) -> bool:
    """native_safe as it was written before, with the former expression."""
    if text.startswith("\ufeff"):
        return False
    code = FORMER_QUOTED.sub("", text)
    if tomlread._LONG_DIGITS.search(code):  # noqa: SLF001 - the same rule, shared
        return False
    brackets = code.encode("utf-8", "surrogatepass").translate(
        None, bytes(set(range(256)) - set(b"[]{}")))
    for _ in range(tomlread.NATIVE_DEPTH):
        if not brackets:
            return True
        brackets, removed = re.subn(rb"\[\]|\{\}", b"", brackets)
        if not removed:
            return False
    return not brackets


def few_openers(text: str) -> bool:
    """The quick rule: so few brackets that no nesting can be deep, and no long digit run."""
    raw = text.encode("utf-8", "surrogatepass")
    return not text.startswith("\ufeff") and (
        raw.count(b"[") + raw.count(b"{") <= tomlread.OPENERS_ANY_DEPTH) and (
        re.search(rb"[0-9_]{4300}", raw) is None)


def assert_scan_same(text: str) -> None:
    assert tomlread._QUOTED.sub("", text) == FORMER_QUOTED.sub("", text), text[:200]  # noqa: SLF001
    assert tomlread.native_safe(text) == (former_safe(text) or few_openers(text)), text[:200]


def test_the_quick_rule_holds_for_a_whole_body(benchmark_body: Path) -> None:
    """A generated meeting file (about 150 brackets) takes the quick answer, and a text with
    one opener more than the bound takes the scan."""
    text = sorted(benchmark_body.glob("meetings/*.toml"))[-1].read_text(encoding="utf-8")
    assert few_openers(text) and tomlread.native_safe(text)
    deep = "x = " + "[" * 40 + "]" * 40
    assert few_openers(deep) and tomlread.native_safe(deep) and not former_safe(deep)
    over = "x = " + "[" * (tomlread.OPENERS_ANY_DEPTH + 1) + "]" * (
        tomlread.OPENERS_ANY_DEPTH + 1)
    assert not few_openers(over) and not tomlread.native_safe(over)
    hidden = 'x = "' + "1" * 4300 + '"'  # a long run in a string: the scan decides (safe)
    assert not few_openers(hidden) and tomlread.native_safe(hidden)


def test_the_native_parser_reads_the_quick_bound_on_a_small_stack() -> None:
    """OPENERS_ANY_DEPTH levels, arrays and inline tables mixed (the deepest frames), read in
    a thread of 1 MB of stack, the smallest main-thread stack of Python's systems."""
    import threading

    native = tomlread.native_loads()
    if native is None:
        pytest.skip("the native parser is not installed")
    half = tomlread.OPENERS_ANY_DEPTH // 2
    text = "x = " + "[{a = " * half + "1" + "}]" * half
    assert tomlread.native_safe(text)
    found: list[object] = []
    previous = threading.stack_size(1 << 20)
    try:
        reader = threading.Thread(target=lambda: found.append(native(text)))
        reader.start()
        reader.join()
    finally:
        threading.stack_size(previous)
    import tomllib

    assert found and found[0] == tomllib.loads(text, parse_float=Decimal)


@pytest.fixture(scope="module")
def benchmark_body(tmp_path_factory: pytest.TempPathFactory) -> Path:
    body, _ = generate(tmp_path_factory.mktemp("bench") / "body", 16)
    return body


def test_scan_on_the_example_and_a_benchmark_body(benchmark_body: Path) -> None:
    files = sorted(EXAMPLE.rglob("*.toml")) + sorted(benchmark_body.rglob("*.toml"))
    assert len(files) > 20
    for path in files:
        assert_scan_same(path.read_text(encoding="utf-8-sig"))


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_scan_on_hostile_snippets(text: str) -> None:
    assert_scan_same(text)
    for prefix in ("\\", '"', "'", "#", "\n"):
        assert_scan_same(prefix + text)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FILES), st.sampled_from(KINDS), st.data())
def test_scan_on_the_fuzz_corpus(relative: Path, kind: str, data: st.DataObject) -> None:
    mutated = mutate((EXAMPLE / relative).read_bytes(), kind, data)
    assert_scan_same(mutated.decode("utf-8", "replace"))


PIECES = ['"', "'", '"""', "'''", "\\", "\\\"", "#", "\n", "\r\n", "[", "]", "{", "}", "[[",
          "]]", "a = ", "1", "0" * 50, "_", " ", "x", "é", "\ufeff", '""', "''", "\t", "\\\n"]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_scan_on_random_texts(pieces: list[str]) -> None:
    assert_scan_same("".join(pieces))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from("\"'\\#[]{}\n 1_a=é"), max_size=80))
def test_scan_on_random_characters(text: str) -> None:
    assert_scan_same(text)


def test_scan_decides_long_numbers_and_nesting_as_before() -> None:
    for text in ("a = " + "1" * 4300, 'a = "' + "1" * 4300 + '"', "a = 12\"x\"" + "3" * 4299,
                 "x = " + "[" * 32 + "]" * 32, "x = " + "[" * 33 + "]" * 33,
                 'x = ["]", [' + "]", "x = [ # ]\n]", '\\"""a = ['):
        assert_scan_same(text)


# -- the quick path of the schema -----------------------------------------------------------------

SPECS: dict[str, dict[str, Any]] = {
    "meeting": schema.MEETING, "history": schema.HISTORY, "person": schema.PERSON,
    "approved": schema.APPROVED, "frozen action": schema.FROZEN_ACTION,
    **{f"[[{kind}]]": spec for kind, spec in schema.MEETING_TABLES.items()},
    **{f"[{name}]": spec for name, spec in (
        ("body", schema.BODY), ("cadence", schema.CADENCE), ("agenda", schema.AGENDA),
        ("standing", schema.STANDING), ("theme", schema.THEME),
        ("organisation", schema.ORGANISATION), ("compensation", schema.COMPENSATION),
        ("limits", schema.LIMITS), ("publish", schema.PUBLISH), ("privacy", schema.PRIVACY))},
}


def typed(value: Any) -> Any:
    """A value with its exact type at every level, and a table's key order."""
    if isinstance(value, dict):
        return ("dict", [(key, typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    return (type(value).__name__, value)


def assert_quick_is_full(raw: Any, spec: dict[str, Any]) -> bool:
    """Whether the quick path took the table; when it did, full_table gives the same values
    without any problem."""
    problems: list[Any] = []
    full = schema.Converter(Path("x.toml"), problems).full_table(raw, spec, (), "table")
    quick = schema.quick_table(raw, spec) if type(raw) is dict else None
    if type(raw) is dict:  # the check alone takes exactly the tables the conversion takes
        assert schema.quick_valid(raw, spec) == (quick is not None), raw
    if quick is None:
        return False
    assert problems == [], (raw, problems)
    assert typed(quick) == typed(full), raw
    return True


def tables_of(raw: Any) -> list[tuple[Any, dict[str, Any]]]:
    """Every table of a meeting file, people.toml or kwartaal.toml with its spec."""
    if not isinstance(raw, dict):
        return []
    found: list[tuple[Any, dict[str, Any]]] = []
    if "body" in raw:  # kwartaal.toml
        for name in ("body", "cadence", "agenda", "compensation", "publish", "privacy"):
            if name in raw:
                found.append((raw[name], SPECS[f"[{name}]"]))
        found += [(row, schema.STANDING) for row in raw.get("standing", [])]
        found += [(row, schema.THEME) for row in raw.get("themes", {}).values()]
        found += [(row, schema.ORGANISATION) for row in raw.get("organisations", {}).values()]
        return found
    if "date" not in raw:  # people.toml
        return [(row, schema.PERSON) for row in raw.values()]
    found.append((raw, schema.MEETING))
    for kind, spec in schema.MEETING_TABLES.items():
        rows = raw.get(kind)
        for row in rows if isinstance(rows, list) else []:
            found.append((row, spec))
            if kind == "action" and isinstance(row, dict) and isinstance(row.get("history"), list):
                found += [(entry, schema.HISTORY) for entry in row["history"]]
    if isinstance(raw.get("approved"), dict):
        found.append((raw["approved"], schema.APPROVED))
        rows = raw["approved"].get("action")
        found += [(row, schema.FROZEN_ACTION) for row in rows if isinstance(rows, list)]
    return found


def test_quick_tables_of_the_example_and_a_benchmark_body(benchmark_body: Path) -> None:
    taken = 0
    for path in sorted(EXAMPLE.rglob("*.toml")) + sorted(benchmark_body.rglob("*.toml")):
        raw = tomlread.parse_text(path.read_text(encoding="utf-8-sig"))
        for table, spec in tables_of(raw):
            taken += assert_quick_is_full(table, spec)
    assert taken > 1000  # the valid tables are taken, not left to full_table


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FILES), st.sampled_from(KINDS), st.data())
def test_quick_tables_of_fuzzed_files(relative: Path, kind: str, data: st.DataObject) -> None:
    mutated = mutate((EXAMPLE / relative).read_bytes(), kind, data)
    problems: list[Any] = []
    raw = tomlread.read_toml(EXAMPLE / relative, problems, mutated)
    for table, spec in tables_of(raw):
        assert_quick_is_full(table, spec)


TEXTS = ["", "p01", "roos", "Roos", "a b", "x" * 47, "x" * 48, "y" * 70, "tab\there",
         "line\nbreak", "\x07", "\u2028", "open", "done", "dropped", "in-progress", "held",
         "planned", "nl", "en", "10:30", "24:00", "9:30", "2025-06-12", "2025-02-30",
         "2025-06-12/p2", "https://example.org/x", "http://", "ftp://x", "12,50", "nan", "1e3",
         "-", "_", "é", "📅"]
VALUES = st.one_of(
    st.sampled_from(TEXTS), st.booleans(), st.integers(-5, 2000),
    st.sampled_from([0, 1, 60, 1440, 1441, -1, 2**70]),
    st.sampled_from([dt.date(2025, 6, 12), dt.date(1899, 12, 31), dt.date(3000, 1, 1),
                     dt.date(1900, 1, 1), dt.date(2999, 12, 31)]),
    st.just(dt.datetime(2025, 6, 12, 10, 30)), st.just(dt.time(10, 30)),
    st.sampled_from([Decimal("16.80"), Decimal("0"), Decimal("-2.5"), Decimal("1e9"),
                     Decimal("999999999.99"), Decimal("inf"), Decimal("nan"), 1.5]),
    st.lists(st.sampled_from(TEXTS[:8] + [1, True]), max_size=4),
    st.dictionaries(st.sampled_from(["nl", "en", "de"]), st.sampled_from(TEXTS[:6]),
                    max_size=2),
    st.lists(st.dictionaries(st.sampled_from(["date", "by", "what"]),
                             st.sampled_from([dt.date(2025, 1, 2), "p01", "created", 3]),
                             max_size=3), max_size=2))


RULED = {"id": "p01", "line": "Bel de GGD", "text": "twee\nregels", "name": "Roos",
         "url": "https://example.org/x", "opt-id": "", "ref": "2025-06-12/p2", None: "x"}


def valid_value(field: Any) -> Any:
    """A value of the field's kind that its rules accept."""
    if field.choices is not None:
        return field.choices[-1]
    fixed = {"str": RULED[field.rule], "date": dt.date(2025, 6, 12), "bool": True,
             "int": field.lo if field.lo is not None else 5, "decimal": Decimal("16.80"),
             "time": "10:30", "list[str]": [RULED[field.rule], "p02"], "text": "tekst",
             "list[int]": [1], "list[date]": [dt.date(2025, 6, 12)], "table": {}, "any": []}
    return fixed.get(field.kind, "x")


def valid_for(field: Any) -> Any:
    if field.choices is not None:
        return st.sampled_from(field.choices)
    return st.just(valid_value(field))


def near_values(field: Any) -> list[Any]:
    """Values of the field's kind just outside what it accepts (and some just inside)."""
    day = dt.timedelta(days=1)
    lo, hi = (field.lo, field.hi) if field.lo is not None else (0, 10)
    texts = ["P 1", "a\nb", "\x07", "", " ", "Open", "open ", "p01", "2025-06-12", "25:00",
             "10:30", "12.50", "x" * 65, 1]
    near = {"date": [dt.date(1900, 1, 1) - day, dt.date(2999, 12, 31) + day, dt.date(1900, 1, 1),
                     dt.date(2999, 12, 31), dt.datetime(2025, 6, 12, 10, 0), "2025-06-12"],
            "int": [lo - 1, hi + 1, lo, hi, True, Decimal(1)],
            "decimal": [Decimal("1000000000"), Decimal("-1000000000"), Decimal("999999999.99"),
                        Decimal("-inf"), Decimal("nan"), 5, 10**9, True, "12.50"],
            "list[str]": [["P 1"], ["p01", 1], "p01", [], ["x" * 65], ["p01", "a\nb"]],
            "text": [{"nl": "x", "fr": "y"}, {}, {"en": 1}, "a\x07"]}
    return near.get(field.kind, texts)


def near_miss(field: Any) -> Any:
    return st.sampled_from(near_values(field))


@st.composite
def tables(draw: st.DrawFn) -> tuple[dict[str, Any], Any]:
    spec = draw(st.sampled_from(list(SPECS.values())))
    keys = draw(st.lists(st.sampled_from([*spec, "unknown", "Title"]), unique=True))
    if draw(st.booleans()):
        keys = [key for key in spec if spec[key].required] + [
            key for key in keys if key in spec and not spec[key].required]
    # most keys valid, up to two drawn from every kind of value
    anything = set(draw(st.lists(st.sampled_from(keys), max_size=2))) if keys else set()
    raw: dict[str, Any] = {}
    for key in keys:
        field = spec.get(key)
        if field is None:
            raw[key] = draw(VALUES)
        elif key in anything:
            raw[key] = draw(near_miss(field) if draw(st.booleans()) else VALUES)
        else:
            raw[key] = draw(valid_for(field))
    return spec, raw


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_quick_tables_of_made_tables(made: tuple[dict[str, Any], Any]) -> None:
    spec, raw = made
    assert_quick_is_full(raw, spec)


def test_quick_tables_at_every_edge() -> None:
    """Each declared key of each table, in an otherwise valid table, given each value just
    inside and just outside what it accepts, and left out."""
    taken = 0
    for spec in SPECS.values():
        base = {key: valid_value(field) for key, field in spec.items()}
        taken += assert_quick_is_full(base, spec)
        for key, field in spec.items():
            for value in near_values(field):
                taken += assert_quick_is_full({**base, key: value}, spec)
            taken += assert_quick_is_full({k: v for k, v in base.items() if k != key}, spec)
        taken += assert_quick_is_full({**base, "unknown": 1}, spec)
        taken += assert_quick_is_full({"Title": "x", **base}, spec)
    assert taken > 100


def test_quick_tables_of_valid_made_tables_are_taken() -> None:
    """Not a path that is never taken: a full valid action, and one value wrong in it."""
    action = {"id": "a-1", "title": "Bel de GGD", "owner": "p01", "due": dt.date(2025, 7, 1),
              "status": "open", "with": ["p02", "p03"],
              "history": [{"date": dt.date(2025, 6, 12), "by": "p01", "what": "created"}]}
    spec = schema.MEETING_TABLES["action"]
    assert assert_quick_is_full(action, spec)
    for key, wrong in (("status", "klaar"), ("due", dt.date(3001, 1, 1)), ("with", ["P 2"]),
                       ("title", "a\nb"), ("unknown", 1)):
        assert not assert_quick_is_full({**action, key: wrong}, spec)
    assert not assert_quick_is_full({k: v for k, v in action.items() if k != "id"}, spec)
    assert not assert_quick_is_full([], spec)


# -- the action lane's reading of a file ----------------------------------------------------------

def assert_lane_entry(raw: Any, path: Path) -> bool:
    """lane_entry gives the index entry of the meeting build_meeting builds, or leaves the file
    to build_meeting; True when it gave one."""
    if not isinstance(raw, dict):
        return False
    problems: list[Any] = []
    whole = build_meeting(raw, path, problems, "nl")
    light = lane_entry(raw, path, "nl", (1, 2, 3, 4), "k")
    if light is None:
        return False
    assert whole is not None and problems == [], (path, problems)
    assert light == cache.new_entry((1, 2, 3, 4), "k", whole), path
    return True


def test_lane_entries_of_the_example_and_a_benchmark_body(benchmark_body: Path) -> None:
    files = sorted((EXAMPLE / "meetings").glob("*.toml")) + sorted(
        (benchmark_body / "meetings").glob("*.toml"))
    taken = [assert_lane_entry(tomlread.parse_text(p.read_text(encoding="utf-8")), p)
             for p in files]
    assert sum(taken) >= len(files) - 2


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(p for p in FILES if p.parts[0] == "meetings")),
       st.sampled_from(KINDS), st.data())
def test_lane_entries_of_fuzzed_files(relative: Path, kind: str, data: st.DataObject) -> None:
    mutated = mutate((EXAMPLE / relative).read_bytes(), kind, data)
    raw = tomlread.read_toml(EXAMPLE / relative, [], mutated)
    assert_lane_entry(raw, EXAMPLE / relative)


def test_lane_leaves_a_misnamed_file_to_the_full_reading() -> None:
    path = next((EXAMPLE / "meetings").glob("*.toml"))
    raw = tomlread.parse_text(path.read_text(encoding="utf-8"))
    assert lane_entry(raw, path, "nl", None, "k") is not None
    assert lane_entry(raw, path.with_name("notes.toml"), "nl", None, "k") is None


# -- whole commands, cold -------------------------------------------------------------------------

COMMANDS = [["agenda"], ["minutes", "{held}"], ["check"], ["actions", "--overdue"],
            ["actions", "--overdue", "--json"], ["overdue"], ["progress"], ["remind"]]


def outputs(run: Run, root: Path, held: str, cache_dir: Path, monkeypatch: pytest.MonkeyPatch,
            commands: list[list[str]] = COMMANDS, times: int = 1) -> list[tuple[int, str]]:
    """Each command's exit code and output in nl and en, each with a cache folder of its own:
    cold, and times > 1: again from what the cold run kept."""
    found = []
    for lang in ("nl", "en"):
        for number, command in enumerate(commands):
            monkeypatch.setenv("KWARTAAL_CACHE_DIR", str(cache_dir / f"{lang}-{number}"))
            args = [arg.format(held=held) for arg in command]
            for _ in range(times):
                result = run("--repo", str(root), "--lang", lang, *args, expect=None)
                found.append((result.exit_code, result.output))
    return found


def test_cold_commands_equal_the_full_reading(tmp_path: Path, run: Run,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root, today = generate(tmp_path / "body", 12)
    held = sorted((root / "meetings").glob("*.toml"))[-2].stem
    monkeypatch.setenv("KWARTAAL_TODAY", today.isoformat())
    quick = outputs(run, root, held, tmp_path / "quick", monkeypatch)
    monkeypatch.setattr(schema, "quick_table", lambda raw, spec: None)
    full = outputs(run, root, held, tmp_path / "full", monkeypatch)
    assert quick == full
    assert all(code in (0, 1, 3) for code, _ in quick)


# -- the line index ---------------------------------------------------------------------------

def former_line_index(text: str) -> tuple[dict[Any, int], dict[Any, dict[str, int]]]:
    """core/lines.py LineIndex as it was written before (both expressions tried on every
    line): its headers and keys."""
    from kwartaal.core.lines import _HEADER, _KEY, _split_dotted  # noqa: PLC2701 - the same rules

    headers: dict[Any, int] = {}
    keys: dict[Any, dict[str, int]] = {(): {}}
    counts: dict[tuple[str, ...], int] = {}
    section: Any = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header and "=" not in line.split("]")[0]:
            name = _split_dotted(header.group(2))
            if header.group(1) == "[[":
                index = counts.get(name, 0)
                counts[name] = index + 1
                section = (*name, index)
            else:
                section = name
            headers.setdefault(section, number)
            keys.setdefault(section, {})
            continue
        key = _KEY.match(line)
        if key:
            keys.setdefault(section, {}).setdefault(key.group(1).strip("\"'"), number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = quote
                break
    return headers, keys


def assert_lines_same(text: str) -> None:
    from kwartaal.core.lines import LineIndex

    index = LineIndex(text)
    headers, keys = former_line_index(text)
    assert (index.headers, index.keys) == (headers, keys), text[:200]
    # read part-way: every question, asked of a fresh index in file order and then backwards,
    # answered as the whole file answers it (and a question about what is not there)
    questions = [(section, key) for section, named in keys.items() for key in [None, *named]]
    questions += [(section, None) for section in headers] + [((), "nowhere"), (("x", 9), None)]
    for order in (questions, questions[::-1]):
        fresh = LineIndex(text)
        for section, key in order:
            assert fresh.line(section, key) == index.line(section, key), (section, key)


def test_line_index_on_the_example_a_benchmark_body_and_hostile_snippets(
        benchmark_body: Path) -> None:
    files = sorted(EXAMPLE.rglob("*.toml")) + sorted(benchmark_body.rglob("*.toml"))
    for path in files:
        assert_lines_same(path.read_text(encoding="utf-8-sig"))
    for text in HOSTILE:
        for prefix in ("", " ", "\u3000[", "\u00a0", "\x0c", "[[a]]\n", '"""\n', "x = '''\n"):
            assert_lines_same(prefix + text)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FILES), st.sampled_from(KINDS), st.data())
def test_line_index_on_the_fuzz_corpus(relative: Path, kind: str, data: st.DataObject) -> None:
    assert_lines_same(mutate((EXAMPLE / relative).read_bytes(), kind, data).decode(
        "utf-8", "replace"))


# lines made of what the index looks at: brackets, quotes, '=', '#', dots, spaces of every kind
LINE_PIECES = st.sampled_from(["[", "]", "[[", "]]", '"', "'", '"""', "'''", "=", "#", ".",
                               " ", "\t", "\u00a0", "\u2003", "\x0b", "\x1c", "\u2028", "\r",
                               "a", "b-c", "x_1", "\"k\"", "'k'", "1"])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.lists(LINE_PIECES, max_size=8).map("".join), max_size=12).map("\n".join))
def test_line_index_on_random_texts(text: str) -> None:
    assert_lines_same(text)


# the characters the text rules look at, and ids near their edges
RULE_CHARS = st.sampled_from(["a", "z", "0", "9", "-", "_", "/", " ", "A", "é", "\t", "\n",
                              "\r", "\x00", "\x07", "\x0b", "\x1f", "\x7f", "\x85", "\x9f",
                              "\u00a0", "\u2028", "\u2029", "📅", "2025-06-12/", "p2"])


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.sampled_from(sorted(schema.v.VALID)), st.lists(RULE_CHARS, max_size=12).map("".join),
       st.integers(1, 3))
def test_quick_rule_tests_take_what_the_rules_take(rule: str, text: str, times: int) -> None:
    """The quick path's test of each text rule (ids remembered once found valid, printable
    ASCII taken at once) takes a text exactly when the rule does, asked again and again, as
    a value and in a list."""
    from kwartaal.core.fields import Toml

    valid = schema.v.VALID[rule]
    accepted = bool(valid(text))
    for spec, raw, expected in (
            ({"a": Toml("str", rule=rule)}, {"a": text}, accepted),
            ({"a": Toml("list[str]", rule=rule)}, {"a": ["p01", text]},
             accepted and bool(valid("p01")))):
        for _ in range(times):
            assert (schema.quick_table(raw, spec) is not None) == expected, (rule, text)
            assert_quick_is_full(raw, spec)
    assert bool(schema.v.VALID[rule]("x" * 65)) == (
        schema.quick_table({"a": "x" * 65}, {"a": Toml("str", rule=rule)}) is not None)
