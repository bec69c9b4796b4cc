"""One catalog for every word: the source's message ids all have Dutch, Dutch runs print no
English words and English runs no Dutch ones, and a built package carries the compiled
catalogs."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kwartaal.core import words
from tests.conftest import EXAMPLE_TODAY, Run

SOURCE = Path(__file__).resolve().parent.parent / "src" / "kwartaal"
KEYWORDS = {"msg": None, "msg_later": None, "tr": None, "N_": None, "pmsg": ((1, "c"), 2),
            "NP_": ((1, "c"), 2), "say": None, "error": (3,), "warning": (3,), "add": (4,),
            "ntr": (1, 2), "Plural": (1, 2)}


def _catalog(domain: str) -> dict[tuple[str, str | None], object]:
    from babel.messages.pofile import read_po

    with words.catalog_path("nl", domain).open("rb") as handle:
        return {(m.id if isinstance(m.id, str) else m.id[0], m.context): m.string
                for m in read_po(handle) if m.id}


def _inside_fstrings() -> set[tuple[str, str | None]]:
    """Message ids of tr()/msg() calls inside f-strings: Babel's tokenizer sees only a
    string there."""
    import ast

    found: set[tuple[str, str | None]] = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) \
                            and call.func.id in ("tr", "msg") and call.args \
                            and isinstance(call.args[0], ast.Constant):
                        found.add((call.args[0].value, None))
    return found


def test_every_message_id_in_the_source_has_dutch_and_the_catalog_has_no_stale_ones() -> None:
    from babel.messages.extract import extract_from_dir

    used = {(message if isinstance(message, str) else message[0], context)
            for _f, _l, message, _c, context in extract_from_dir(
                str(SOURCE), method_map=[("**.py", "python")], keywords=KEYWORDS,
                comment_tags=()) if message} | _inside_fstrings()
    catalog = _catalog("kwartaal")
    missing = sorted(k for k in used if not catalog.get(k))
    stale = sorted(k for k in catalog if k not in used)
    assert not missing, f"message ids without Dutch: {missing[:10]}"
    assert not stale, f"catalog entries no longer used: {stale[:10]}"


def test_dutch_keeps_every_placeholder_of_its_message() -> None:
    """A translation that drops or renames a {placeholder} would fail when shown."""
    for (message, _context), dutch in _catalog("kwartaal").items():
        forms = dutch if isinstance(dutch, tuple) else (dutch,)  # a message with plural forms
        for form in forms:
            assert isinstance(form, str)
            assert sorted(re.findall(r"\{(\w*)", message)) == \
                sorted(re.findall(r"\{(\w*)", form)), (message, form)


# Whole words that give an English word away in Dutch output, and a Dutch one in English.
ENGLISH = ["planned", "held", "in-progress", "exceeded", "Error", "Usage", "Aborted", "Missing",
           "person", "meeting", "overdue", "unknown", "wrote", "added", "owner", "theme",
           "title", "due", "action", "actions", "no such", "not a", "choose", "given",
           "version"]
DUTCH = ["gepland", "gehouden", "loopt", "overschreden", "Fout", "Gebruik", "Afgebroken",
         "ontbreekt", "persoon", "vergadering", "over tijd", "onbekend", "geschreven",
         "toegevoegd", "eigenaar", "thema", "titel", "acties", "geen", "kies", "bestaat"]

# (arguments, expected exit code or None for any): happy paths and typical mistakes.
COMMANDS: list[tuple[tuple[str, ...], int | None]] = [
    (("check",), None),
    (("--version",), 0),
    (("meeting", "list"), 0),
    (("actions", "--everyone"), 0),
    (("overdue",), None),
    (("progress",), 0),
    (("attendance",), 0),
    (("attendance", "--year", "2026"), 0),
    (("report", "--year", "2026"), 0),
    (("report", "--year", "2025", "--format", "json"), 0),
    (("person", "list"), 0),
    (("theme", "list"), 0),
    (("action", "show", "2025-09-11/a5"), 0),
    (("action", "add"), 2),
    (("action", "add", "Iets", "--owner", "nobody-here", "--due", "+2w"), 1),
    (("action", "start", "--bogus"), 2),
    (("action", "start", "2025-09-11/zz"), 1),
    (("action", "done", "nothing-like-it"), 1),
    (("meeting", "held", "1999-01-01"), None),
    (("propose",), 2),
    (("actions", "--status", "bogus"), 2),
    (("compensation",), None),
    (("no-such-command",), 2),
    (("meeting", "new", "--date", "2026-06-11"), 0),
    (("propose", "Huisvesting", "--by", "l-demir"), 0),
    (("action", "add", "Bellen", "--owner", "l-demir", "--due", "+2w", "--by", "l-demir"), 0),
    (("action", "start", "2025-09-11/a5", "--by", "l-demir"), 0),
    (("action", "update", "2025-09-11/a5", "--due", "+4w", "--note", "x", "--by", "l-demir"), 0),
    (("action", "handover", "2025-09-11/a5", "--to", "m-jansen", "--by", "l-demir"), 0),
    (("action", "done", "2025-09-11/a5", "--by", "l-demir"), 0),
    (("action", "done", "2025-09-11/a5", "--by", "l-demir"), 1),
    (("attend", "2025-12-11", "m-jansen", "--present"), 0),
    (("meeting", "held", "2026-03-12"), 1),
    (("minutes", "review", "2025-12-11"), 0),
    (("log",), 0),
    (("agenda",), 0),
    (("sync",), 1),
]


def _spoken(text: str) -> str:
    """Output without ids, paths, options and quoted values: the words people read."""
    text = re.sub(r"^(\w+):.*\[OPTIONS\].*$", r"\1:", text, flags=re.MULTILINE)  # command names
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", text)
    text = re.sub(r"\S*[/\\.]\S*|--?[\w-]+|\b[a-z]+-[a-z0-9-]+\b", " ", text)
    return text


def _found(words_list: list[str], text: str) -> list[str]:
    return [w for w in words_list if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text,
                                               re.IGNORECASE)]


@pytest.mark.parametrize(("lang", "forbidden"), [("nl", ENGLISH), ("en", DUTCH)])
def test_a_run_speaks_one_language(example: Path, run: Run, lang: str,
                                   forbidden: list[str]) -> None:
    shown = []
    for args, code in COMMANDS:
        result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang, *args,
                     expect=code)
        # the log quotes the records' own texts, which are in the body's language (Dutch)
        content = lang == "en" and args == ("log",)
        found = [] if content else _found(forbidden, _spoken(result.output))
        shown.append((args, found, result.output))
    bad = [(args, found, output) for args, found, output in shown if found]
    assert not bad, bad


def test_click_speaks_dutch_without_a_body(tmp_path: Path, run: Run,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("--lang", "nl", "action", "add", expect=2)
    assert "Gebruik:" in result.output and "Fout:" in result.output
    assert "Usage" not in result.output
    english = run("--lang", "en", "action", "add", expect=2)
    assert "Usage:" in english.output and "Error: Missing argument" in english.output


def test_dates_in_running_text_are_written_out_in_each_language() -> None:
    import datetime as dt

    from kwartaal.core.formats import long_date

    day = dt.date(2026, 3, 12)
    assert long_date(day, "nl") == "donderdag 12 maart 2026"
    assert long_date(day, "en") == "Thursday 12 March 2026"
    assert long_date("2026-03-12", "en") == "Thursday 12 March 2026"


def test_history_reads_kinds_and_older_entries_by_their_words() -> None:
    from kwartaal.core.events import kind_of_words

    assert kind_of_words("afgerond: geregeld") == "done"
    assert kind_of_words("handed over from a to b") == "handed-over"
    assert kind_of_words("deadline verzet van 2026-01-01 naar 2026-02-01") == "moved"
    assert kind_of_words("gebeld met de GGD") == ""


def test_the_wheel_carries_the_compiled_catalogs(tmp_path: Path) -> None:
    root = SOURCE.parent.parent
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                    str(root)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("kwartaal-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "kwartaal/locale/nl/LC_MESSAGES/kwartaal.mo" in names
    assert "kwartaal/locale/nl/LC_MESSAGES/click.mo" in names


def test_a_compiled_catalog_is_readable_by_every_user(tmp_path: Path) -> None:
    """A source tree compiles its catalogs on first use; another user of the same checkout
    must be able to read what the first one compiled (mkstemp alone makes it 0600)."""
    import stat

    target = tmp_path / "kwartaal.mo"
    words.keep_compiled(target, words.compile_po(words.catalog_path("nl", words.DOMAIN)))
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".mo-")]
