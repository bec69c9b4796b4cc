"""The parse index (files/parsed.py): read commands that take unchanged meeting files from it
print exactly what they print after parsing every file, and it is never stale."""

from __future__ import annotations

import datetime as dt
import marshal
import os
import shutil
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.files import parsed
from kwartaal.files.cache import cache_dir, sealed, unsealed

from .conftest import EXAMPLE_TODAY, Run, commit_all, generated_body, git

ROOT = Path(__file__).resolve().parent.parent
FIXED = settings(derandomize=True, max_examples=12, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])


def _commands(meeting: str, year: int) -> list[list[str]]:
    """Every read command that loads the whole body, in every format, public and internal."""
    out: list[list[str]] = [["check"], ["check", "--json"]]
    for lang in ("nl", "en"):
        for audience in ("--public", "--internal"):
            out += [["--lang", lang, "agenda", audience, "--format", fmt]
                    for fmt in ("text", "md", "html", "json")]
            out += [["--lang", lang, "minutes", meeting, audience, "--format", fmt]
                    for fmt in ("md", "html", "json")]
            out += [["--lang", lang, "report", "--year", str(year), audience, "--format", fmt]
                    for fmt in ("md", "html", "json")]
        out.append(["--lang", lang, "minutes", meeting, "--with-compensation"])
    return out


def _outputs(run: Run, body: Path, today: str, commands: list[list[str]]) -> list[Any]:
    found = []
    for args in commands:
        result = run("--repo", str(body), "--today", today, *args, expect=None)
        found.append((args, result.exit_code, result.output))
    return found


def _site(run: Run, body: Path, today: str, folder: Path) -> dict[str, bytes]:
    shutil.rmtree(folder, ignore_errors=True)
    run("--repo", str(body), "--today", today, "site", "--output", str(folder))
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _uncached(run: Run, body: Path, today: str, commands: list[list[str]],
              monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    with monkeypatch.context() as patch:
        patch.setenv("KWARTAAL_NO_CACHE", "1")
        return _outputs(run, body, today, commands)


def _index_files() -> list[Path]:
    return sorted(cache_dir().glob("*.parsed"))


def _parsed_header(index: Path) -> tuple[object, bytes]:
    """The stored header of a parse index (its length, then it sealed), and the blobs."""
    data = index.read_bytes()
    size = int.from_bytes(data[:8], "big")
    return marshal.loads(unsealed(data[8:8 + size]) or b""), data[8 + size:]


def _write_parsed(index: Path, stored: object, blobs: bytes) -> None:
    header = sealed(marshal.dumps(stored))
    index.write_bytes(len(header).to_bytes(8, "big") + header + blobs)


def _assert_same(run: Run, body: Path, today: str, commands: list[list[str]],
                 monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _uncached(run, body, today, commands, monkeypatch)
    assert _outputs(run, body, today, commands) == expected  # builds or refreshes the index
    assert _index_files()
    assert _outputs(run, body, today, commands) == expected  # from the index


def _generated(tmp_path: Path, meetings: int) -> tuple[Path, str]:
    root, today = generated_body(tmp_path / "generated", meetings)
    return root, today.isoformat()


# -- the codec -----------------------------------------------------------------------------------

offsets = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)))
scalars = st.one_of(
    st.text(max_size=8), st.booleans(), st.integers(),
    st.decimals(allow_nan=False, places=None), st.dates(),
    st.times(), st.datetimes(), st.datetimes(timezones=st.one_of(offsets, st.just(dt.UTC))))
tables = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=20)


def _typed(value: Any) -> Any:
    """A value with the type of every part spelt out, so that 1 == True or a naive and an
    aware time cannot pass for each other."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    if isinstance(value, (dt.datetime, dt.time)):
        return (type(value).__name__, value.isoformat(), value.utcoffset()
                if isinstance(value, dt.datetime) else None)
    return (type(value).__name__, value)


@FIXED
@given(tables)
def test_the_codec_gives_back_every_toml_value_with_its_type(value: Any) -> None:
    again = parsed.decode(marshal.loads(marshal.dumps(parsed.encode(value))))
    assert _typed(again) == _typed(value)


def test_the_codec_reads_back_the_example_files_exactly() -> None:
    import tomllib

    for path in sorted((ROOT / "meetings").rglob("*.toml")):
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)
        again = parsed.decode(marshal.loads(marshal.dumps(parsed.encode(raw))))
        assert _typed(again) == _typed(raw), path


# -- the same output, cached or not --------------------------------------------------------------

def test_example_renders_the_same_from_the_index(example: Path, run: Run,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    _assert_same(run, example, EXAMPLE_TODAY, _commands("2025-12-11", 2025), monkeypatch)
    with monkeypatch.context() as patch:
        patch.setenv("KWARTAAL_NO_CACHE", "1")
        expected = _site(run, example, EXAMPLE_TODAY, tmp_path / "site")
    assert _site(run, example, EXAMPLE_TODAY, tmp_path / "site") == expected
    assert _site(run, example, EXAMPLE_TODAY, tmp_path / "site") == expected


def test_generated_body_renders_the_same_from_the_index(tmp_path: Path, run: Run,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    body, today = _generated(tmp_path, 6)
    meetings = sorted(p.stem for p in (body / "meetings").glob("*.toml"))
    year = int(meetings[0][:4])
    _assert_same(run, body, today, _commands(meetings[1], year), monkeypatch)


def test_index_lives_outside_the_body_and_holds_only_plain_values(example: Path,
                                                                   run: Run) -> None:
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda")
    [index] = _index_files()
    assert not index.is_relative_to(example.parent)
    stored, _ = _parsed_header(index)
    assert stored[0] == parsed.FORMAT and stored[2] == os.path.realpath(example)
    assert sorted(stored[3]["files"]) == sorted(p.name for p in (example / "meetings").glob(
        "*.toml"))


# -- never stale ------------------------------------------------------------------------------

MEETING = "2025-09-11"
FEW = [["check"], ["--lang", "en", "minutes", MEETING, "--format", "json"],
       ["--lang", "nl", "agenda", "2026-03-12", "--public", "--format", "md"],
       ["report", "--year", "2025", "--format", "json"]]


@pytest.fixture
def aged(example: Path, run: Run) -> Path:
    """The example with an index written more than two seconds after the files: their stat
    records are trusted, the path the attacks below have to get past."""
    time.sleep(2.1)
    _outputs(run, example, EXAMPLE_TODAY, [["agenda"]])
    return example


def _same_size_edit(path: Path) -> None:
    """'Regionale conferentie' → 'Regionale bijeenkomst', padded to the same length, with the
    modification time put back."""
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Regionale conferentie", "Regionale bijeenkomst")
    assert edited != text
    edited = edited.replace("\n", " " * (len(text.encode()) - len(edited.encode())) + "\n", 1)
    assert len(edited.encode()) == len(text.encode())
    with open(path, "r+b") as handle:  # the same inode, rewritten in place
        handle.write(edited.encode())
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_ino == stat.st_ino


def _attack_same_size_same_inode(body: Path) -> None:
    _same_size_edit(body / "meetings" / f"{MEETING}.toml")


def _attack_closed_flag(body: Path) -> None:
    path = body / "meetings" / "2025-12-11.toml"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("closed = true", "closed = fals", 1) if "closed = true" in text else (
        text.replace("status = \"open\"", "status = \"done\"", 1))
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _attack_checkout(body: Path) -> None:
    repo = body.parent
    git(repo, "checkout", "-q", "-b", "other")
    _same_size_edit(body / "meetings" / f"{MEETING}.toml")
    commit_all(repo, "other")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "other")


def _attack_copy_with_old_times(body: Path) -> None:
    source = body / "meetings" / f"{MEETING}.toml"
    spare = body.parent / "spare.toml"
    shutil.copy2(source, spare)
    _same_size_edit(spare)
    old = source.stat()
    shutil.copy2(spare, source)  # other bytes, the old modification time
    os.utime(source, ns=(old.st_atime_ns, old.st_mtime_ns))
    spare.unlink()


def _attack_replaced_file(body: Path) -> None:
    path = body / "meetings" / f"{MEETING}.toml"
    stat = path.stat()
    text = path.read_text(encoding="utf-8").replace("Regionale conferentie", "Regionale dag")
    fresh = path.with_suffix(".new")
    fresh.write_text(text, encoding="utf-8")
    os.replace(fresh, path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _attack_deleted(body: Path) -> None:
    (body / "meetings" / "2025-03-13.toml").unlink()


def _attack_added(body: Path) -> None:
    shutil.copy2(body / "meetings" / "2025-03-13.toml", body / "meetings" / "2024-12-12.toml")


def _attack_people(body: Path) -> None:
    path = body / "people.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("lang = ", "lang  = ", 1)
                    + "\n[nieuw]\nname = \"Nieuwe Deelnemer\"\n", encoding="utf-8")


def _attack_settings(body: Path) -> None:
    path = body / "kwartaal.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("language = \"nl\"", "language = \"en\"", 1), encoding="utf-8")


def _attack_corrupt_index(body: Path) -> None:
    del body
    for index in _index_files():
        index.write_bytes(index.read_bytes()[:100])


def _attack_cut_index(body: Path) -> None:
    """The header whole, the stored records after it cut short."""
    del body
    for index in _index_files():
        data = index.read_bytes()
        header = 8 + int.from_bytes(data[:8], "big")
        index.write_bytes(data[:header + 10])


def _attack_foreign_index(body: Path) -> None:
    del body
    for index in _index_files():
        stored, blobs = _parsed_header(index)
        _write_parsed(index, (stored[0], stored[1], "/elsewhere", stored[3]), blobs)


def _attack_broken_file(body: Path) -> None:
    path = body / "meetings" / f"{MEETING}.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[action]\n", encoding="utf-8")


ATTACKS = [_attack_same_size_same_inode, _attack_closed_flag, _attack_checkout,
           _attack_copy_with_old_times, _attack_replaced_file, _attack_deleted, _attack_added,
           _attack_people, _attack_settings, _attack_corrupt_index, _attack_cut_index,
           _attack_foreign_index,
           _attack_broken_file]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: attack.__name__[8:])
def test_no_change_gets_past_the_index(aged: Path, run: Run, monkeypatch: pytest.MonkeyPatch,
                                       attack: Any) -> None:
    before = _outputs(run, aged, EXAMPLE_TODAY, FEW)
    attack(aged)
    expected = _uncached(run, aged, EXAMPLE_TODAY, FEW, monkeypatch)
    assert _outputs(run, aged, EXAMPLE_TODAY, FEW) == expected
    assert _outputs(run, aged, EXAMPLE_TODAY, FEW) == expected
    if attack not in (_attack_corrupt_index, _attack_cut_index, _attack_foreign_index):
        assert expected != before  # the attack changed what the commands say


EDITS = [("Regionale conferentie", "Regionale bijeenkomst"), ("status = \"open\"",
                                                              "status = \"done\""),
         ("closed = true", "closed = false"), ("2026-", "2027-"), ("title = \"", "title = \"X")]


@FIXED
@given(st.lists(st.tuples(st.sampled_from(["2025-03-13", "2025-06-12", "2025-09-11",
                                           "2025-12-11", "2026-03-12"]),
                          st.sampled_from(EDITS), st.booleans()), min_size=1, max_size=3))
def test_random_edits_never_give_a_stale_answer(example: Path, run: Run,
                                                monkeypatch: pytest.MonkeyPatch,
                                                edits: list[Any]) -> None:
    work = example.parent / "work"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(example, work, copy_function=shutil.copy2)
    commands = [["check"], ["--lang", "en", "minutes", "2025-12-11", "--format", "json"],
                ["agenda", "2026-03-12", "--public"]]
    _outputs(run, work, EXAMPLE_TODAY, commands)
    for name, (old, new), keep_time in edits:
        path = work / "meetings" / f"{name}.toml"
        stat = path.stat()
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        if keep_time:
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert _outputs(run, work, EXAMPLE_TODAY, commands) == _uncached(
            run, work, EXAMPLE_TODAY, commands, monkeypatch)


# -- stored records ---------------------------------------------------------------------------

def _shape(value: Any) -> Any:
    """A record tree with every type spelt out."""
    import dataclasses

    if dataclasses.is_dataclass(value):
        return (type(value).__name__, [(f.name, _shape(getattr(value, f.name)))
                                       for f in dataclasses.fields(value)])
    if isinstance(value, (list, tuple, set, frozenset)):
        from kwartaal.files.records import Decoded, Later

        # a stored meeting's lists are decoded on first use: a list in every other way
        kind = "list" if type(value) in (Later, Decoded) else type(value).__name__
        return (kind, [_shape(item) for item in value])
    if isinstance(value, dict):
        return ("dict", [(_shape(k), _shape(v)) for k, v in value.items()])
    return _typed(value) if not isinstance(value, Path) else ("Path", str(value))


def test_stored_records_are_the_built_ones(example: Path) -> None:
    from kwartaal.files import records
    from kwartaal.files.loader import load

    for meeting in load(example).body.meetings:
        stored = marshal.loads(marshal.dumps(records.encode(meeting, meeting.src.path)))
        assert _shape(records.decode(stored, meeting.src.path)) == _shape(meeting)


def test_records_of_other_code_are_not_used(example: Path, run: Run,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from kwartaal.files.loader import load

    run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda")
    [index] = _index_files()
    stored, blobs = _parsed_header(index)
    assert stored[1] == parsed.stamp()
    _write_parsed(index, (stored[0], "0.0 other", *stored[2:]), blobs)
    assert parsed.ParseIndex.open(example).entries == {}
    monkeypatch.setenv("KWARTAAL_NO_CACHE", "1")
    expected = load(example)
    monkeypatch.delenv("KWARTAAL_NO_CACHE")
    again = load(example, indexed=True)
    assert _shape(again.body) == _shape(expected.body) and again.problems == expected.problems


def test_a_file_with_warnings_is_built_again_each_time(example: Path, run: Run,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = example / "meetings" / "2025-06-12.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\nonbekend = 1\n", encoding="utf-8")
    # check keeps its own index (checkindex.py); agenda reads through the parse index
    commands = [["check"], ["agenda"], ["--lang", "en", "check", "--json"]]
    _assert_same(run, example, EXAMPLE_TODAY, commands, monkeypatch)
    entry = parsed.ParseIndex.open(example).entries["2025-06-12.toml"]
    assert entry[parsed.RECORDS] == {}  # its tables are kept, its records are not


# -- the actions table builds only the rows it shows ------------------------------------------

ACTION_FILTERS = [[], ["--status", "all"], ["--status", "done"], ["--overdue"],
                  ["--due-within", "30"], ["--sort", "urgency"], ["--owner", "roos"],
                  ["--everyone", "--status", "all", "--sort", "urgency"],
                  ["--meeting", "2025-09-11", "--status", "all"]]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_actions_lists_equal_those_of_the_whole_body(example: Path, run: Run, lang: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from kwartaal.core.dates import parse_iso
    from kwartaal.core.reports import select_actions
    from kwartaal.files.loader import load

    body = load(example).body
    today = parse_iso(EXAMPLE_TODAY, "--today")
    commands = [["--lang", lang, "actions", *f] for f in ACTION_FILTERS]
    commands += [["--lang", lang, "overdue"], ["--lang", lang, "overdue", "--owner", "roos"]]
    expected = _uncached(run, example, EXAMPLE_TODAY, commands, monkeypatch)
    assert _outputs(run, example, EXAMPLE_TODAY, commands) == expected
    assert _outputs(run, example, EXAMPLE_TODAY, commands) == expected  # from the index
    for filters in ACTION_FILTERS:
        shown = json.loads(run("--repo", str(example), "--today", EXAMPLE_TODAY, "actions",
                               *filters, "--json").output)
        options = {"status": "active", "sort": "due", "owner": None}
        pairs = iter(filters)
        for flag in pairs:
            if flag == "--overdue":
                options["overdue"] = True
            elif flag != "--everyone":
                options[flag[2:].replace("-", "_")] = next(pairs)
        if "due_within" in options:
            options["due_within"] = int(options["due_within"])
        assert [row["id"] for row in shown] == [a.id for a in select_actions(
            body, today, **options)], filters


def test_an_unchanged_body_does_not_rewrite_the_index(example: Path, run: Run) -> None:
    path = example / "meetings" / "2025-06-12.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\nonbekend = 1\n", encoding="utf-8")
    time.sleep(2.1)  # trusted stat records from the next run on
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda", expect=None)
    [index] = _index_files()
    before = index.stat().st_mtime_ns, index.stat().st_ino
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "check", expect=None)
    run("--repo", str(example), "--today", EXAMPLE_TODAY, "agenda", expect=None)
    assert (index.stat().st_mtime_ns, index.stat().st_ino) == before


def test_records_follow_the_body_however_its_folder_is_named(
        example: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    path = example / "meetings" / "2025-06-12.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('status = "open"',
                                                             'status = "opne"', 1),
                    encoding="utf-8")
    commands = [["check"], ["--lang", "en", "minutes", "2025-12-11", "--format", "json"]]
    _outputs(run, example, EXAMPLE_TODAY, commands)  # indexed under the absolute name
    monkeypatch.chdir(example.parent)
    relative = Path("meetings")
    expected = _uncached(run, relative, EXAMPLE_TODAY, commands, monkeypatch)
    assert _outputs(run, relative, EXAMPLE_TODAY, commands) == expected
    assert "meetings/meetings/2025-06-12.toml" in expected[0][2]
