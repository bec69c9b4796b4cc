"""Correcting and removing notes and decisions: in place, one commit each, refused with every
file untouched once the minutes are approved, and never leaking into public minutes."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import (
    EXAMPLE,
    EXAMPLE_TODAY,
    Run,
    assert_refused,
    commit_count,
    git,
    replace_in,
    work_tree,
)

DRAFT = "2025-12-11"      # minutes-draft in the example
APPROVED = "2025-09-11"   # minutes-approved in the example


def _k(run: Run, body: Path, *args: str, expect: int = 0) -> str:
    return run("--repo", str(body), "--today", EXAMPLE_TODAY, "--lang", "en", *args,
               expect=expect).output


def _file(body: Path, meeting: str) -> Path:
    return body / "meetings" / f"{meeting}.toml"


def _records(body: Path, meeting: str, kind: str) -> list[dict[str, Any]]:
    with _file(body, meeting).open("rb") as handle:
        return list(tomllib.load(handle).get(kind, []))


def _snapshot(body: Path) -> dict[Path, bytes]:
    return work_tree(body)


def test_note_keeps_recording_as_its_default_command(example: Path, run: Run) -> None:
    _k(run, example, "note", "2026-03-12", "actueel", "De behandeling is uitgesteld.")
    assert [n["text"] for n in _records(example, "2026-03-12", "note")][-1] == \
        "De behandeling is uitgesteld."
    _k(run, example, "decide", "2026-03-12", "Een brief aan het ministerie.", "--item", "actueel")
    assert _records(example, "2026-03-12", "decision")[-1]["item"] == "actueel"


def test_note_set_changes_only_its_own_lines_keeps_comments_and_commits_once(
        example: Path, run: Run) -> None:
    path = _file(example, DRAFT)
    replace_in(path, '[[note]]\nid = "n2"', '# over de jaarevaluatie\n[[note]]\nid = "n2"')
    git(example.parent, "commit", "-qam", "comment")
    before = path.read_text(encoding="utf-8").splitlines()
    commits = commit_count(example.parent)
    out = _k(run, example, "note", "set", DRAFT, "n2", "--text", "Vijf van de negen acties.",
             "--item", "p1", "--closed")
    assert f"corrected {DRAFT}/n2" in out
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=False) if a != b]
    assert len(after) == len(before) + 1  # closed = true is one line more
    assert "# over de jaarevaluatie" in after
    start = after.index('id = "n2"')
    assert after[start + 1:start + 4] == ['item = "p1"', 'text = "Vijf van de negen acties."',
                                          "closed = true"]
    assert after[:start] == before[:start] and after[start + 4:] == before[start + 3:]
    assert changed  # something changed, and only inside n2's table (checked above)
    assert commit_count(example.parent) == commits + 1
    assert git(example.parent, "log", "-1", "--format=%s").strip() == \
        f"note {DRAFT}/n2: corrected text, item p1, closed"
    assert git(example.parent, "log", "-1", "--format=%an").strip() == "Secretaris Test"
    _k(run, example, "note", "set", DRAFT, f"{DRAFT}/n2", "--open")
    assert "closed" not in _records(example, DRAFT, "note")[1]
    _k(run, example, "check", "--strict")


def test_ids_take_the_local_id_the_full_id_and_a_unique_prefix(example: Path,
                                                               run: Run) -> None:
    _k(run, example, "decide", DRAFT, "Eerste.")
    _k(run, example, "decide", DRAFT, "Tweede.")
    new = [d["id"] for d in _records(example, DRAFT, "decision")][-2:]
    prefix = next(new[0][:n] for n in range(3, 7)
                  if not new[1].startswith(new[0][:n]))
    _k(run, example, "decide", "set", DRAFT, prefix, "--text", "Eerste, verbeterd.")
    assert _records(example, DRAFT, "decision")[-2]["text"] == "Eerste, verbeterd."
    _k(run, example, "decide", "set", DRAFT, f"{DRAFT}/d1", "--text", "D1 verbeterd.")
    assert _records(example, DRAFT, "decision")[0]["text"] == "D1 verbeterd."
    both = "d-"
    before = _snapshot(example)
    out = _k(run, example, "decide", "remove", DRAFT, both, expect=1)
    assert "no decision 'd-'" in out and "known: d1, d2" in out
    assert _snapshot(example) == before


def test_remove_takes_the_table_out_and_the_last_one_leaves_no_empty_key(
        example: Path, run: Run) -> None:
    for local in ("n1", "n2", "n3", "n4"):
        _k(run, example, "note", "remove", DRAFT, local)
    text = _file(example, DRAFT).read_text(encoding="utf-8")
    assert "[[note]]" not in text and "note = []" not in text
    assert text.startswith("# Kwartaaloverleg 11 december 2025")
    assert git(example.parent, "log", "-1", "--format=%s").strip() == f"note {DRAFT}/n4: removed"
    _k(run, example, "check", "--strict")


REFUSALS = [
    (["note", "set", APPROVED, "n1", "--text", "x"], "can no longer change"),
    (["note", "remove", APPROVED, "n1"], "can no longer change"),
    (["decide", "set", APPROVED, "d1", "--text", "x"], f"--supersedes {APPROVED}/d1"),
    (["decide", "remove", APPROVED, "d1"], "stands as recorded"),
    (["note", "set", DRAFT, "n2"], "nothing to change"),
    (["note", "set", DRAFT, "n2", "--text", "  "], "the note is empty"),
    (["decide", "set", DRAFT, "d2", "--text", ""], "the decision is empty"),
    (["note", "set", DRAFT, "n9", "--text", "x"], "no note 'n9' in meeting 2025-12-11"),
    (["note", "set", DRAFT, "n2", "--item", "p9"], "unknown agenda item 'p9'"),
    (["note", "set", "2025-12-12", "n2", "--text", "x"], "did you mean '2025-12-11'"),
    (["decide", "set", DRAFT, "d1", "--item", "p1"], "already reads so"),
    (["note", "set", DRAFT, "n2", "--text", "Bel 06-12345678 voor info."], "phone"),
]


@pytest.mark.parametrize("args,says", REFUSALS, ids=[" ".join(a[:3]) for a, _ in REFUSALS])
def test_refusals_exit_1_and_leave_every_file_untouched(
        args: list[str], says: str, example: Path, run: Run) -> None:
    assert_refused(lambda: _k(run, example, *args, expect=1), example.parent, says)


def test_a_superseded_decision_is_not_removed_and_removing_the_successor_says_so(
        example: Path, run: Run) -> None:
    _k(run, example, "decide", DRAFT, "Nieuw besluit.", "--supersedes", f"{DRAFT}/d1")
    successor = _records(example, DRAFT, "decision")[-1]["id"]
    before = _snapshot(example.parent)
    out = _k(run, example, "decide", "remove", DRAFT, "d1", expect=1)
    assert f"superseded by {DRAFT}/{successor}" in out
    assert _snapshot(example.parent) == before
    out = _k(run, example, "decide", "remove", DRAFT, successor)
    assert f"decision {DRAFT}/d1 is no longer superseded" in out
    _k(run, example, "decide", "remove", DRAFT, "d1")
    assert [d["id"] for d in _records(example, DRAFT, "decision")] == ["d2"]


def test_a_decision_superseded_from_another_meeting_is_not_removed(example: Path,
                                                                   run: Run) -> None:
    _k(run, example, "decide", "2026-03-12", "Vervangt d2.", "--supersedes", f"{DRAFT}/d2")
    out = _k(run, example, "decide", "remove", DRAFT, "d2", expect=1)
    assert "superseded by 2026-03-12/" in out


def test_a_corrected_closed_note_stays_out_of_the_public_minutes(example: Path,
                                                                 run: Run) -> None:
    secret = "Dit is intern gebleven."
    _k(run, example, "note", "set", DRAFT, "n3", "--text", secret, "--closed")
    _k(run, example, "decide", "set", DRAFT, "d2", "--text", "Intern besluit.", "--closed")
    public = _k(run, example, "minutes", DRAFT, "--public")
    assert secret not in public and "Intern besluit." not in public
    internal = _k(run, example, "minutes", DRAFT)
    assert secret in internal and "Intern besluit." in internal
    _k(run, example, "note", "set", DRAFT, "n3", "--open")
    assert secret in _k(run, example, "minutes", DRAFT, "--public")


def test_the_dutch_refusal_is_dutch(example: Path, run: Run) -> None:
    out = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "nl", "note", "set",
              APPROVED, "n1", "--text", "x", expect=1).output
    assert "vastgesteld" in out and "notitie" in out


TEXTS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl",
                                                                         "Zp")),
                min_size=1, max_size=40).filter(lambda t: t.strip())


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, closed=st.booleans())
def test_any_text_round_trips_and_the_rest_of_the_file_stays_byte_for_byte(
        text: str, closed: bool, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Through the library: the corrected note reads back as given, every other table is
    unchanged."""
    import shutil

    from kwartaal.edit.notes import set_record
    from kwartaal.files.loader import load_checked

    body = tmp_path_factory.mktemp("b") / "meetings"
    shutil.copytree(EXAMPLE, body)
    path = _file(body, DRAFT)
    before = path.read_text(encoding="utf-8")
    try:
        set_record(load_checked(body), DRAFT, "note", "n3", text=text, item=None, closed=closed)
    except Exception as exc:  # only the "already reads so" refusal is acceptable
        assert "already reads so" in str(exc) or text.strip() == "", exc
        return
    after = path.read_text(encoding="utf-8")
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    note = next(n for n in data["note"] if n["id"] == "n3")
    assert note["text"] == text.strip() and note.get("closed", False) == closed
    cut = before.index('id = "n3"'), before.index("[[note]]", before.index('id = "n3"'))
    assert after.startswith(before[:cut[0]])
    assert after.endswith(before[cut[1]:])


CORRECTIONS = {
    "note set": ["note", "set", DRAFT, "n2", "--text", "Verbeterd."],
    "note remove": ["note", "remove", DRAFT, "n4"],
    "decide set": ["decide", "set", DRAFT, "d2", "--closed"],
    "decide remove": ["decide", "remove", DRAFT, "d2"],
    "compensation set": ["compensation", "set", DRAFT, "c4", "--amount", "7.00"],
    "compensation void": ["compensation", "void", DRAFT, "c4", "--reason", "dubbel"],
}


@pytest.mark.parametrize("name", sorted(CORRECTIONS))
def test_no_commit_and_author_work_on_every_correction(name: str, example: Path,
                                                       run: Run) -> None:
    repo = example.parent
    commits = commit_count(repo)
    out = _k(run, example, *CORRECTIONS[name], "--no-commit")
    assert "(not committed)" in out and commit_count(repo) == commits
    assert git(repo, "status", "--porcelain").strip()
    git(repo, "reset", "-q", "--hard")
    author = "Mila Demir <mila@example.org>"
    _k(run, example, *CORRECTIONS[name], "--author", author)
    assert commit_count(repo) == commits + 1
    assert git(repo, "log", "-1", "--format=%an <%ae>").strip() == author
    assert git(repo, "status", "--porcelain") == ""
