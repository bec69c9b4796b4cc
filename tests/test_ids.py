"""Record ids: the generator, lookup by full id or prefix, the merge driver's collision
conflict, and the round from the bug report (two clones adding to one meeting) in real clones."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from kwartaal.core.ids import new_local_id, new_local_ids
from kwartaal.core.model import ID_PREFIX

from .conftest import EXAMPLE, Run, commit_all, found_id, git, init_repo, new_id

TODAY = "2026-01-15"
DEC = "2025-12-11"

# Hand-written records of the new form, two of them sharing a prefix.
EXTRA = """
[[item]]
id = "p-b4m2"
title = "Nieuw punt"
by = "roos"

[[decision]]
id = "d-h3rt"
text = "Het nieuwe punt komt terug."

[[action]]
id = "a-7kq2"
title = "Eerste nieuwe actie"
owner = "roos"
due = 2026-03-12
status = "open"

[[action]]
id = "a-7kx9"
title = "Tweede nieuwe actie"
owner = "roos"
due = 2026-03-12
status = "open"

[[compensation]]
id = "c-w8n5"
person = "roos"
kind = "travel"
amount = 7.40
method = "bank"
"""


def _k(run: Run, body: Path, *args: str, expect: int = 0) -> str:
    return run("--repo", str(body), "--today", TODAY, "--lang", "en", *args,
               expect=expect).output


def _data(body: Path, meeting: str) -> dict[str, Any]:
    return tomllib.loads((body / "meetings" / f"{meeting}.toml").read_text(encoding="utf-8"))


def _by_id(body: Path, meeting: str, kind: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in _data(body, meeting).get(kind, [])}


def _subject(body: Path) -> str:
    return git(body, "log", "-1", "--format=%s").strip()


# --- the generator ---------------------------------------------------------------------------

def test_new_ids_have_the_documented_form_and_avoid_the_taken_ones() -> None:
    for kind, letter in ID_PREFIX.items():
        assert re.fullmatch(new_id(letter), new_local_id(kind, ()))
    used = {"a1", "a2", "a-2222"}
    made = new_local_ids("action", used, 2000)
    assert all(re.fullmatch(new_id("a"), local) for local in made)
    assert len(set(made)) == len(made) and not set(made) & used


def test_ids_derived_from_a_key_agree_across_clones_and_step_aside() -> None:
    first = new_local_id("item", (), key=f"{DEC}/p3")
    assert first == new_local_id("item", {"p1", "p-2222"}, key=f"{DEC}/p3")
    assert first != new_local_id("item", (), key=f"{DEC}/p4")
    second = new_local_id("item", {first}, key=f"{DEC}/p3")
    assert second != first and second == new_local_id("item", {first}, key=f"{DEC}/p3")


# --- lookup by full id and by prefix ---------------------------------------------------------

@pytest.fixture
def extra(example: Path) -> Path:
    path = example / "meetings" / f"{DEC}.toml"
    path.write_text(path.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    commit_all(example.parent, "new-style records")
    return example


def test_an_ambiguous_prefix_is_refused_with_the_candidates(extra: Path, run: Run) -> None:
    before = (extra / "meetings" / f"{DEC}.toml").read_text(encoding="utf-8")
    out = _k(run, extra, "action", "done", f"{DEC}/a-7k", expect=1)
    assert "fits more than one record" in out
    assert f"{DEC}/a-7kq2 (Eerste nieuwe actie)" in out and f"{DEC}/a-7kx9" in out
    nl = run("--repo", str(extra), "--lang", "nl", "action", "done", f"{DEC}/a-7k",
             expect=1).output
    assert "past bij meer dan één record" in nl
    assert (extra / "meetings" / f"{DEC}.toml").read_text(encoding="utf-8") == before
    # Only the random part makes a prefix: "a-" or "a" would name whichever action is alone.
    assert "no action" in _k(run, extra, "action", "done", f"{DEC}/a-", expect=1)
    # Without its meeting, an id is not looked up, but the message says where it is.
    assert f"(did you mean {DEC}/a-7kq2?)" in _k(run, extra, "action", "done", "a-7kq",
                                                 expect=1)


def test_a_unique_prefix_names_one_action_and_the_commit_its_full_id(extra: Path,
                                                                    run: Run) -> None:
    out = _k(run, extra, "action", "done", f"{DEC}/a-7kq", "--note", "geregeld")
    assert f"{DEC}/a-7kq2" in out
    assert _subject(extra) == f"action {DEC}/a-7kq2: done — geregeld"
    actions = _by_id(extra, DEC, "action")
    assert actions["a-7kq2"]["status"] == "done"
    assert actions["a-7kq2"]["history"][-1]["what"] == "afgerond: geregeld"
    assert actions["a-7kx9"]["status"] == "open" and "history" not in actions["a-7kx9"]
    _k(run, extra, "action", "update", f"{DEC}/A-7KX", "--note", "hoofdletters")
    assert _by_id(extra, DEC, "action")["a-7kx9"]["history"][-1]["what"] == \
        "notitie: hoofdletters"
    shown = _k(run, extra, "action", "show", f"{DEC}/a-7kx")
    assert shown.startswith(f"{DEC}/a-7kx9  Tweede nieuwe actie")
    _k(run, extra, "action", "handover", f"{DEC}/a-7kx9", "--to", "yara")
    assert _by_id(extra, DEC, "action")["a-7kx9"]["owner"] == "yara"
    # Old numbered ids are matched exactly, never as a prefix (a1 is not a10).
    _k(run, extra, "action", "start", "2025-09-11/a1")
    assert _subject(extra) == "action 2025-09-11/a1: start"


def test_items_decisions_and_lines_by_prefix(extra: Path, run: Run) -> None:
    _k(run, extra, "note", DEC, "p-b4", "Over het nieuwe punt.")
    _k(run, extra, "note", DEC, f"{DEC}/p-b4m", "Nog een.")
    _k(run, extra, "decide", DEC, "Besluit erover.", "--item", "p-b",
       "--supersedes", f"{DEC}/d-h3")
    _k(run, extra, "action", "add", "Vervolg", "--owner", "roos", "--due", "+10w",
       "--meeting", "2026-03-12", "--item", f"{DEC}/p-b4")
    data = _data(extra, DEC)
    assert [n["item"] for n in data["note"][-2:]] == ["p-b4m2", "p-b4m2"]
    assert data["decision"][-1]["item"] == "p-b4m2"
    assert data["decision"][-1]["supersedes"] == f"{DEC}/d-h3rt"
    assert _data(extra, "2026-03-12")["action"][-1]["item"] == f"{DEC}/p-b4m2"
    assert "unknown agenda item 'p-zz'" in _k(run, extra, "note", DEC, "p-zz", "x", expect=1)
    # compensation paid: one line by its id (or prefix); the person's other lines stay unpaid
    unpaid = [c["id"] for c in data["compensation"] if c["person"] == "roos"
              and "paid" not in c and c["id"] != "c-w8n5"]
    _k(run, extra, "compensation", "paid", f"{DEC}/c-w8", "--date", "2026-01-10")
    assert _subject(extra) == f"compensation {DEC}/c-w8n5 paid 2026-01-10"
    lines = _by_id(extra, DEC, "compensation")
    assert str(lines["c-w8n5"]["paid"]) == "2026-01-10"
    assert all("paid" not in lines[c] for c in unpaid)
    assert "already paid" in _k(run, extra, "compensation", "paid", DEC, "c-w8n5", "--date",
                                "2026-01-11", expect=1)
    assert "no compensation line 'c-zz'" in _k(run, extra, "compensation", "paid", DEC, "c-zz",
                                               "--date", "2026-01-11", expect=1)
    _k(run, extra, "check", "--strict")


def test_new_records_get_new_ids_of_their_kind(example: Path, run: Run) -> None:
    out = _k(run, example, "action", "add", "Iets", "--owner", "roos", "--due", "+10w",
             "--meeting", "2026-03-12")
    local = found_id("a", out)
    assert _by_id(example, "2026-03-12", "action")[local]["title"] == "Iets"
    out = _k(run, example, "propose", "Punt", "--by", "roos")
    item = found_id("p", out)
    out = _k(run, example, "note", "2026-03-12", item, "Tekst")
    assert _by_id(example, "2026-03-12", "note")[found_id("n", out)]["item"] == item
    out = _k(run, example, "decide", "2026-03-12", "Besloten", "--item", item)
    assert found_id("d", out) in _by_id(example, "2026-03-12", "decision")
    _k(run, example, "compensate", DEC, "roos", "--travel", "3.00", "--meal", "5.00")
    lines = _data(example, DEC)["compensation"][-2:]
    assert all(re.fullmatch(new_id("c"), c["id"]) for c in lines)
    assert lines[0]["id"] != lines[1]["id"]
    _k(run, example, "check", "--strict")


# --- the merge driver: a collision is a conflict, never a renumbering ------------------------

def _action(local: str, title: str) -> str:
    return (f'\n[[action]]\nid = "{local}"\ntitle = "{title}"\nowner = "roos"\n'
            f'due = 2026-03-26\nstatus = "open"\n')


def test_two_records_under_one_id_make_git_mark_the_file_conflicted(tmp_path: Path,
                                                                    run: Run) -> None:
    repo = init_repo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo / "meetings")
    commit_all(repo)
    body = repo / "meetings"
    _k(run, body, "setup-git")  # .gitattributes and the driver, as for every clone
    path = body / "meetings" / "2026-03-12.toml"
    start = path.read_text(encoding="utf-8")
    git(repo, "switch", "-q", "-c", "other")
    path.write_text(start + _action("a-7kq2", "Theirs"), encoding="utf-8")
    git(repo, "commit", "-q", "--no-verify", "-am", "theirs")
    git(repo, "switch", "-q", "main")
    path.write_text(start + _action("a-7kq2", "Ours") + _action("a-9bcd", "Also ours"),
                    encoding="utf-8")
    git(repo, "commit", "-q", "--no-verify", "-am", "ours")
    merged = subprocess.run(["git", "merge", "--no-edit", "other"], cwd=repo,
                            capture_output=True, text=True, check=False)
    assert merged.returncode != 0
    said = merged.stdout + merged.stderr
    # git passes the driver's message on, in the body's language
    assert "beide kanten voegden onder hetzelfde id 'a-7kq2' elk iets anders toe (actie): " \
        "'Ours' en 'Theirs'" in said
    assert "Geef de jouwe, 'Ours', die nog niet gedeeld was, een nieuw id, bijvoorbeeld " \
        "'a-" in said
    assert git(repo, "diff", "--name-only", "--diff-filter=U").split() == \
        ["meetings/meetings/2026-03-12.toml"]
    actions = [(a["id"], a["title"]) for a in _data(body, "2026-03-12")["action"]]
    assert actions == [("a-7kq2", "Ours"), ("a-9bcd", "Also ours"), ("a-7kq2", "Theirs")]
    assert "duplicate id 'a-7kq2'" in _k(run, body, "check", expect=1)


# --- the bug report's round, in real clones --------------------------------------------------

@pytest.fixture
def clones(tmp_path: Path, run: Run) -> tuple[Path, Path]:
    seed = init_repo(tmp_path / "seed")
    shutil.copytree(EXAMPLE, seed / "meetings")
    commit_all(seed)
    remote = tmp_path / "remote.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(remote))
    bodies = []
    for name in ("chair", "secretary"):
        git(tmp_path, "clone", "-q", str(remote), str(tmp_path / name))
        _k(run, tmp_path / name / "meetings", "setup-git")
        bodies.append(tmp_path / name / "meetings")
    return bodies[0], bodies[1]


def test_edits_stay_on_their_own_records_through_sync(clones: tuple[Path, Path],
                                                      run: Run) -> None:
    a, b = clones
    mine = found_id("a", _k(run, a, "action", "add", "Van A", "--owner", "roos", "--due",
                            "+10w", "--meeting", "2026-03-12"))
    theirs = found_id("a", _k(run, b, "action", "add", "Van B", "--owner", "yara", "--due",
                              "+10w", "--meeting", "2026-03-12"))
    _k(run, b, "action", "done", f"2026-03-12/{theirs}", "--note", "B is klaar")
    public = found_id("p", _k(run, a, "propose", "Openbaar punt van A", "--by", "roos",
                              "--meeting", DEC))
    closed = found_id("p", _k(run, b, "propose", "Besloten punt van B", "--by", "yara",
                              "--meeting", DEC, "--closed"))
    secret = found_id("n", _k(run, b, "note", DEC, closed, "Geheim adres aan de Havenweg"))
    out = _k(run, a, "sync")
    assert "0 commits pulled, 2 pushed" in out
    out = _k(run, b, "sync")
    assert "2 commits pulled, 4 pushed" in out
    assert "merged record by record: meetings/meetings/2026-03-12.toml" in out
    out = _k(run, a, "sync")
    assert "4 commits pulled, 0 pushed" in out
    for body in (a, b):
        actions = _by_id(body, "2026-03-12", "action")
        assert actions[mine]["title"] == "Van A" and actions[mine]["status"] == "open"
        assert len(actions[mine]["history"]) == 1
        assert actions[theirs]["title"] == "Van B" and actions[theirs]["status"] == "done"
        assert actions[theirs]["history"][-1]["what"] == "afgerond: B is klaar"
        items = _by_id(body, DEC, "item")
        assert items[public]["title"] == "Openbaar punt van A" and not items[public].get(
            "closed")
        assert items[closed]["closed"] is True
        assert _by_id(body, DEC, "note")[secret]["item"] == closed
        minutes = _k(run, body, "minutes", DEC, "--public")
        assert "Openbaar punt van A" in minutes and "Havenweg" not in minutes
    # Every commit message names the record it changed, under the id it still has.
    for line in git(a, "log", "--format=%s").splitlines():
        found = re.match(r"action (\S+)/(\S+): add — (.*)", line)
        if found:
            assert _by_id(a, found[1], "action")[found[2]]["title"] == found[3]
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD")


def test_a_plain_git_pull_keeps_the_shared_record_and_says_so(clones: tuple[Path, Path],
                                                              run: Run) -> None:
    a, b = clones
    shared = found_id("a", _k(run, a, "action", "add", "Gedeeld", "--owner", "roos", "--due",
                              "+10w", "--meeting", "2026-03-12"))
    _k(run, a, "sync")
    local = found_id("a", _k(run, b, "action", "add", "Lokaal", "--owner", "roos", "--due",
                             "+10w", "--meeting", "2026-03-12"))
    pulled = subprocess.run(["git", "pull", "--no-rebase", "--no-edit"], cwd=b,
                            capture_output=True, text=True, check=True)
    assert "2026-03-12.toml: per record samengevoegd" in pulled.stderr
    actions = _by_id(b, "2026-03-12", "action")
    assert actions[shared]["title"] == "Gedeeld" and actions[local]["title"] == "Lokaal"


def test_a_collision_stops_sync_and_is_resolved_by_hand(clones: tuple[Path, Path],
                                                       run: Run) -> None:
    a, b = clones
    for body, title in ((a, "Van A"), (b, "Van B")):
        path = body / "meetings" / "2026-03-12.toml"
        path.write_text(path.read_text(encoding="utf-8") + _action("a-7kq2", title),
                        encoding="utf-8")
        git(body, "commit", "-q", "--no-verify", "-am", f"action 2026-03-12/a-7kq2: {title}")
    _k(run, a, "sync")
    out = _k(run, b, "sync", expect=1)
    assert "two records with one id in meetings/meetings/2026-03-12.toml" in out
    assert "both sides added a different action with the same id 'a-7kq2'" in out
    assert "'Van A' and 'Van B'" in out and "Give yours, 'Van B'," in out
    assert "git rebase --abort" in out
    free = re.search(r"for example '(a-\w+)'", out)
    assert free is not None
    path = b / "meetings" / "2026-03-12.toml"
    text = path.read_text(encoding="utf-8")
    mine = text.rindex('id = "a-7kq2"')  # the replayed record comes after the shared one
    path.write_text(text[:mine] + f'id = "{free[1]}"' + text[mine + len('id = "a-7kq2"'):],
                    encoding="utf-8")
    git(b, "add", "-A")
    subprocess.run(["git", "-c", "core.editor=true", "rebase", "--continue"], cwd=b,
                   check=True, capture_output=True)
    _k(run, b, "sync")
    _k(run, a, "sync")
    for body in (a, b):
        actions = _by_id(body, "2026-03-12", "action")
        assert actions["a-7kq2"]["title"] == "Van A" and actions[free[1]]["title"] == "Van B"
        _k(run, body, "check")


def test_standing_items_merge_by_their_key() -> None:
    """[[standing]] tables in kwartaal.toml carry a key, not an id: changes to two different
    standing items in two clones merge record by record."""
    import tomllib

    from kwartaal.vcs.merge import merge_texts

    base = ('[body]\nname = "X"\n\n[[standing]]\nkey = "beleid"\ntitle = "Beleid"\nminutes = 20\n'
            '\n[[standing]]\nkey = "actueel"\ntitle = "Actueel"\nminutes = 20\n')
    ours = base.replace("minutes = 20\n\n[[standing]]", "minutes = 25\n\n[[standing]]")
    theirs = base.replace('title = "Actueel"', 'title = "Actuele ontwikkelingen"')
    merged = tomllib.loads(merge_texts(base, ours, theirs).text)
    assert [(s["key"], s["title"], s["minutes"]) for s in merged["standing"]] == [
        ("beleid", "Beleid", 25), ("actueel", "Actuele ontwikkelingen", 20)]
