"""Writes read only what they change: the settings, the people, the meeting file they write and
the meetings it refers to, never the whole body.

- the scoped write check (files/writecheck.py, over the records a meeting refers to) gives the
  same verdicts and messages as the whole-body judgment on random edits of real bodies;
- each write command opens the same number of meeting files on a body of 40 meetings as on
  one of 400 (counted with an audit hook, which sees every `open` of this process);
- a file read on demand is held to the same rules: an error in it refuses the write.
"""

from __future__ import annotations

import shutil
import sys
import threading
import tomllib
from pathlib import Path

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core.problems import KwartaalError
from kwartaal.files.loader import load_checked
from kwartaal.files.scope import load_scoped, meeting_names
from kwartaal.files.writecheck import write_check

from .conftest import EXAMPLE, commit_all, init_repo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

# -- counting the files a command opens --------------------------------------------------------

_OPENED: list[str] = []
_COUNTING = threading.local()


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and getattr(_COUNTING, "on", False) and args:
        path = args[0]
        if isinstance(path, (str, Path)) and not _reading_dates():
            _OPENED.append(str(path))


def _reading_dates() -> bool:
    """Whether the file is opened to read its date only (files/meetingdates.py: the part
    before the first table, once, then kept in an index); those reads are counted apart."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.endswith("meetingdates.py"):
            return True
        frame = frame.f_back
    return False


sys.addaudithook(_audit)  # cannot be removed; it counts only while _COUNTING.on is set


def meeting_files_opened(run_command: object) -> set[str]:
    _OPENED.clear()
    _COUNTING.on = True
    try:
        run_command()  # type: ignore[operator]
    finally:
        _COUNTING.on = False
    return {Path(p).name for p in _OPENED if Path(p).parent.name == "meetings"
            and p.endswith(".toml")}


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, str]]:
    out = {}
    for size in (40, 400):
        body, today = generate(tmp_path_factory.mktemp(f"b{size}") / "body", size)
        out[size] = (body, today.isoformat())
    return out


def fresh(bodies: dict[int, tuple[Path, str]], size: int, tmp_path: Path) -> tuple[Path, str]:
    body, today = bodies[size]
    copy = tmp_path / f"copy{size}"
    shutil.copytree(body, copy, symlinks=True)
    return copy, today


def held_meeting(body: Path) -> str:
    return [n for n in meeting_names(body)[0]
            if 'status = "held"' in (body / "meetings" / f"{n}.toml").read_text()][-1]


def open_action(body: Path, held: str) -> str:
    with (body / "meetings" / f"{held}.toml").open("rb") as handle:
        actions = tomllib.load(handle).get("action", [])
    return f"{held}/{next(a['id'] for a in actions if a.get('status') == 'open')}"


COMMANDS = {
    "meeting new": lambda held, action: ["meeting", "new"],
    "propose": lambda held, action: ["propose", "Nieuw punt", "--by", "p01"],
    "attend": lambda held, action: ["attend", held, "p03", "--present"],
    "note": lambda held, action: ["note", held, "beleid", "Een notitie"],
    "decide": lambda held, action: ["decide", held, "Een besluit"],
    "compensate": lambda held, action: ["compensate", held, "p03", "--travel", "5"],
    "action done": lambda held, action: ["action", "done", action],
    "action update": lambda held, action: ["action", "update", action, "--note", "Verder"],
}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_write_opens_as_many_meeting_files_at_400_as_at_40(
        bodies: dict[int, tuple[Path, str]], tmp_path: Path, run, command: str,
        lang: str) -> None:
    counts = {}
    for size in (40, 400):
        body, today = fresh(bodies, size, tmp_path)
        held = held_meeting(body)
        if command == "compensate":  # paid only when present
            run("--repo", str(body), "--today", today, "attend", held, "p03", "--present")
        args = ["--repo", str(body), "--today", today, "--lang", lang,
                *COMMANDS[command](held, open_action(body, held))]
        opened = meeting_files_opened(lambda a=args: run(*a))
        counts[size] = len(opened)
        assert len(opened) <= 4, (command, size, sorted(opened))
    assert counts[40] == counts[400], (command, counts)


def test_an_error_in_the_file_a_write_reads_refuses_it(bodies, tmp_path: Path, run) -> None:
    body, today = fresh(bodies, 40, tmp_path)
    held = held_meeting(body)
    path = body / "meetings" / f"{held}.toml"
    path.write_text(path.read_text() + '\n[[note]]\nid = "n-zzzz"\ntext = 5\n')
    commit_all(body, "broken")
    for lang, says in (("en", "fix it and try again"), ("nl", "herstel het")):
        result = run("--repo", str(body), "--today", today, "--lang", lang,
                     "note", held, "beleid", "x", expect=None)
        assert result.exit_code != 0 and says in result.output, result.output


def test_an_error_elsewhere_does_not_cost_a_read_of_everything(bodies, tmp_path: Path,
                                                               run) -> None:
    """An unrelated meeting's file is not read at all (so its problem is check's to report)."""
    body, today = fresh(bodies, 40, tmp_path)
    held = held_meeting(body)
    other = body / "meetings" / f"{meeting_names(body)[0][0]}.toml"
    other.write_text(other.read_text() + "\nnot toml at all\n")
    commit_all(body, "broken elsewhere")
    opened = meeting_files_opened(lambda: run("--repo", str(body), "--today", today,
                                              "attend", held, "p06", "--present"))
    assert other.name not in opened
    assert f"{held}.toml" in opened


# -- the differential property: scoped and whole-body judgments agree --------------------------

@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    example = init_repo(tmp_path_factory.mktemp("example") / "body")
    shutil.copytree(EXAMPLE, example, dirs_exist_ok=True)
    generated, _ = generate(tmp_path_factory.mktemp("gen") / "body", 12)
    return [example, generated]


def verdict(check, path: Path, old: str, new: str) -> str:
    try:
        return "accepted:" + check(path, old, new)
    except KwartaalError as exc:
        return "refused:" + exc.message.render("en") + "|" + exc.message.render("nl")


def all_ids(body) -> dict[str, list[str]]:
    return {
        "item": [i.id for mt in body.meetings for i in mt.items],
        "decision": [d.id for mt in body.meetings for d in mt.decisions],
        "meeting": [mt.id for mt in body.meetings],
        "person": list(body.people),
        "hidden": [p.name for p in body.people.values() if not p.is_named],
    }


def mutate(doc, kind: str, pick: st.DataObject, ids: dict[str, list[str]]) -> None:
    def choose(values: list[str]) -> str:
        return pick.draw(st.sampled_from([*values, "1999-01-01/i-zzzz", "nergens"]))

    def record(table: str):
        rows = doc.get(table)
        if not rows:
            return None
        return rows[pick.draw(st.integers(0, len(rows) - 1))]

    if kind == "present":
        doc["present"] = pick.draw(st.lists(st.sampled_from([*ids["person"], "onbekend"]),
                                            max_size=4))
    elif kind == "compensation":
        person = choose(ids["person"])
        line = {"id": "c-zzzz", "person": person, "kind": "travel",
                "amount": pick.draw(st.sampled_from([5.0, -1.0,
                                                     0.001])),
                "method": "cash"}
        doc.setdefault("compensation", tomlkit.aot()).append(line)
    elif kind in ("carried_from", "deferred_to", "closed") and record("item") is not None:
        item = record("item")
        item[kind] = {"carried_from": lambda: choose(ids["item"]),
                      "deferred_to": lambda: choose(ids["meeting"]),
                      "closed": lambda: pick.draw(st.booleans())}[kind]()
    elif kind == "item_ref":
        target = record(pick.draw(st.sampled_from(["note", "decision", "action"])))
        if target is not None:
            target["item"] = choose([*ids["item"], "beleid"])
    elif kind == "supersedes" and record("decision") is not None:
        record("decision")["supersedes"] = choose(ids["decision"])
    elif kind == "hidden_name" and ids["hidden"]:
        target = record(pick.draw(st.sampled_from(["note", "decision", "item"])))
        if target is not None:
            key = "title" if "title" in target else "text"
            target[key] = f"Gesprek met {pick.draw(st.sampled_from(ids['hidden']))}"


KINDS = ["present", "compensation", "carried_from", "deferred_to", "closed", "item_ref",
         "supersedes", "hidden_name"]


@settings(derandomize=True, max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_scoped_write_check_agrees_with_the_whole_body(samples: list[Path],
                                                       data: st.DataObject) -> None:
    root = data.draw(st.sampled_from(samples))
    whole_body = load_checked(root)
    ids = all_ids(whole_body)
    meeting_id = data.draw(st.sampled_from(ids["meeting"]))
    path = root / "meetings" / f"{meeting_id}.toml"
    old = path.read_text(encoding="utf-8")
    doc = tomlkit.parse(old)
    for kind in data.draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=3)):
        mutate(doc, kind, data, ids)
    new = tomlkit.dumps(doc)
    allow = data.draw(st.booleans())
    scoped_body = load_scoped(root)
    whole = verdict(write_check(lambda: whole_body, allow_private=allow, whole=True),
                    path, old, new)
    scoped = verdict(write_check(lambda: scoped_body, allow_private=allow), path, old, new)
    assert scoped == whole
    # and the scoped check read only what the meeting refers to, never every meeting
    assert not scoped_body.meetings.complete


def test_refusals_are_found_both_ways(samples: list[Path]) -> None:
    """The property above is not vacuous: references to nothing are refused by both."""
    root = samples[0]
    body = load_checked(root)
    meeting = body.meetings[-1]
    path = meeting.src.path
    old = path.read_text(encoding="utf-8")
    doc = tomlkit.parse(old)
    doc.setdefault("decision", tomlkit.aot()).append(
        {"id": "d-zzzz", "text": "x", "supersedes": "1999-01-01/d-zzzz"})
    new = tomlkit.dumps(doc)
    whole = verdict(write_check(lambda: body, allow_private=False, whole=True), path, old, new)
    scoped = verdict(write_check(lambda: load_scoped(root), allow_private=False), path, old,
                     new)
    assert whole.startswith("refused:") and "supersedes" in whole
    assert scoped == whole



@pytest.mark.parametrize("closed", [True, False])
def test_a_hidden_name_under_an_item_carried_from_a_closed_one(samples: list[Path],
                                                               tmp_path: Path,
                                                               closed: bool) -> None:
    """Whether a text is public follows carry-over back through other meetings: a hidden
    person's name under an item carried (twice) from a closed item stays in the group, under
    one carried from an open item it is refused; the scoped check finds both as the whole-body
    one does, reading only the meetings of the chain."""
    root = tmp_path / "body"
    shutil.copytree(samples[0], root, symlinks=True)
    first, middle, last = [f"{n}.toml" for n in meeting_names(root)[0][:3]]
    folder = root / "meetings"
    with (folder / first).open("a", encoding="utf-8") as handle:
        handle.write(f'\n[[item]]\nid = "p-zzz1"\ntitle = "Gesloten punt"\n'
                     f'{"closed = true" if closed else ""}\n')
    with (folder / middle).open("a", encoding="utf-8") as handle:
        handle.write(f'\n[[item]]\nid = "p-zzz2"\ntitle = "Vervolg"\n'
                     f'carried_from = "{first[:-5]}/p-zzz1"\n')
    path = folder / last
    old = path.read_text(encoding="utf-8")
    new = old + (f'\n[[item]]\nid = "p-zzz3"\ntitle = "Weer vervolg"\n'
                 f'carried_from = "{middle[:-5]}/p-zzz2"\n\n'
                 f'[[note]]\nid = "n-zzz4"\nitem = "p-zzz3"\ntext = "Mila vertelde erover"\n')
    whole = verdict(write_check(lambda: load_checked(root), allow_private=False, whole=True),
                    path, old, new)
    scoped_body = load_scoped(root)
    scoped = verdict(write_check(lambda: scoped_body, allow_private=False), path, old, new)
    assert scoped == whole
    assert whole.startswith("accepted:" if closed else "refused:privacy"), whole
    assert set(scoped_body.meetings.cache) == {first[:-5], middle[:-5]}
