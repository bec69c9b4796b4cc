"""Every input is either valid or refused with file and line; no command crashes, hangs or
writes outside its folder on a body that passes `check`.

Each test here is the regression test of a defect found by testing: the body passed `check`,
and a command then crashed, hung, leaked a file or wrote where it should not.
"""

from __future__ import annotations

import csv as csv_module
import io
import json
import re
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLE_TODAY, Run, commit_all, line_with, replace_in

SEPT = "meetings/2025-09-11.toml"
DEC = "meetings/2025-12-11.toml"
MARCH = "meetings/2026-03-12.toml"




def _cli(run: Run, body: Path, *args: str, expect: int | None = 0, today: str = EXAMPLE_TODAY
         ) -> str:
    result = run("--repo", str(body), "--today", today, "--lang", "en", *args, expect=expect)
    assert "internal error" not in result.output and "Traceback" not in result.output, \
        result.output
    return str(result.output)


def _errors(run: Run, body: Path) -> list[dict[str, object]]:
    return json.loads(_cli(run, body, "check", "--json", expect=1))["errors"]


def _error_at(run: Run, body: Path, relative: str, needle: str, fragment: str) -> None:
    """check reports fragment at the line of the file that holds needle."""
    found = [e for e in _errors(run, body) if fragment in str(e["message"])]
    assert found, (fragment, _errors(run, body))
    assert str(found[0]["path"]).endswith(relative)
    assert found[0]["line"] == line_with(body / relative, needle), found[0]


# -- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("relative", "old", "new"), [
    (MARCH, "date = 2026-03-12", "date = 9999-12-30"),
    (SEPT, "due = 2026-01-10", "due = 3000-01-01"),
    (SEPT, "{ date = 2025-09-11, by = \"l-demir\"", "{ date = 1899-12-31, by = \"l-demir\""),
    ("kwartaal.toml", "dates = []", "dates = [2026-06-11, 9999-12-31]"),
    (DEC, "paid = 2025-12-23", "paid = 0001-01-01"),
])
def test_dates_outside_1900_2999_are_refused(relative: str, old: str, new: str, example: Path,
                                             run: Run) -> None:
    replace_in(example / relative, old, new)
    _error_at(run, example, relative, new.split(",")[0], "lies outside the years 1900-2999")
    for args in (["agenda"], ["minutes", "2025-09-11"], ["site", "--output", "out"],
                 ["calendar"], ["remind"]):
        assert "1900-2999" in _cli(run, example, *args, expect=1)
    # a write reads the settings and the meetings it needs (for 'meeting new' the last ones,
    # for carry-over): it refuses an error there; one elsewhere is check's to report
    reads = relative in ("kwartaal.toml", MARCH, DEC)
    out = _cli(run, example, "meeting", "new", expect=1 if reads else 0)
    assert ("1900-2999" in out) == reads, out


def test_today_and_dates_on_the_command_line_are_in_range(example: Path, run: Run) -> None:
    for today in ("0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"):
        assert "outside the years" in _cli(run, example, "agenda", today=today, expect=1)
    for due in ("9999-12-30", "+9999999d", "+99999m", "+9999999w"):
        _cli(run, example, "action", "add", "X", "--owner", "yara", "--due", due, expect=1)
    _cli(run, example, "meeting", "new", "--date", "9999-12-30", expect=1)


def test_a_body_at_the_edges_of_time_works_everywhere(example: Path, run: Run) -> None:
    meetings = example / "meetings"
    (meetings / "1900-01-01.toml").write_text(
        'date = 1900-01-01\nstatus = "published"\npresent = ["roos"]\n\n[[action]]\n'
        'id = "a1"\ntitle = "Oud"\nowner = "roos"\ndue = 2999-12-31\nstatus = "open"\n'
        'history = [ { date = 1900-01-01, what = "aangemaakt" } ]\n', encoding="utf-8")
    (meetings / "2999-12-31.toml").write_text(
        'date = 2999-12-31\nstatus = "planned"\ntime = "23:59"\nlength = 1440\n\n[[item]]\n'
        'id = "p1"\ntitle = "Laatst"\nby = "roos"\nminutes = 1440\n', encoding="utf-8")
    commit_all(example.parent, "edges")
    for today in ("1900-01-01", EXAMPLE_TODAY, "2999-12-31"):
        for args in (["agenda", "2999-12-31"], ["agenda", "1900-01-01", "--public"],
                     ["minutes", "1900-01-01"], ["calendar"], ["remind", "--within", "400000"],
                     ["actions", "--json", "--everyone"], ["progress"], ["meeting", "list"],
                     ["site", "--output", str(example.parent / f"site-{today}")]):
            _cli(run, example, *args, today=today)
    # after 2999 the cadence proposes nothing: a clear refusal, not year 10000
    assert "gives no next date" in _cli(run, example, "meeting", "new", today="2999-12-31",
                                        expect=1)


# -- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("relative", "old", "new", "fragment"), [
    ("kwartaal.toml", "length = 120", "length = 9223372036854775807", "between 1 and 1440"),
    ("kwartaal.toml", "length = 120", "length = 0", "between 1 and 1440"),
    ("kwartaal.toml", "week = 2 ", "week = 5 ", "is not one of: 1, 2, 3, 4, -1"),
    ("kwartaal.toml", "months = [3, 6, 9, 12]", "months = [3, 13]", "between 1 and 12"),
    ("kwartaal.toml", "opening = 5", "opening = -1", "between 0 and 1440"),
    (MARCH, "minutes = 15", "minutes = 1441", "between 0 and 1440"),
    (MARCH, 'time = "19:00"', 'time = "19:00"\nlength = -5', "between 1 and 1440"),
    (DEC, "amount = 16.80", "amount = 1e30", "is too large"),
])
def test_numbers_are_bounded(relative: str, old: str, new: str, fragment: str, example: Path,
                             run: Run) -> None:
    replace_in(example / relative, old, new)
    _error_at(run, example, relative, new.splitlines()[-1].strip(), fragment)
    for args in (["calendar"], ["site", "--output", "out"], ["agenda"]):
        _cli(run, example, *args, expect=1)


def test_a_number_too_long_to_read_is_a_problem_of_its_line(example: Path, run: Run) -> None:
    replace_in(example / "kwartaal.toml", "length = 120", "length = 1" + "0" * 5000)
    _error_at(run, example, "kwartaal.toml", "length = 1000", "a number too long to read")


def test_the_largest_numbers_allowed_work_everywhere(example: Path, run: Run) -> None:
    config = example / "kwartaal.toml"
    for old, new in (("length = 120", "length = 1440"), ("week = 2 ", "week = -1 "),
                     ("opening = 5", "opening = 1440")):
        replace_in(config, old, new)
    replace_in(example / DEC, "amount = 16.80", "amount = 999999999.99")
    commit_all(example.parent, "large")
    for args in (["calendar"], ["agenda", "--format", "html"], ["minutes", "2025-12-11"],
                 ["compensation", "--year", "2025", "--format", "csv"], ["meeting", "new"],
                 ["site", "--output", str(example.parent / "site")]):
        _cli(run, example, *args)


# -- ids, links and control characters --------------------------------------------------------

@pytest.mark.parametrize("owner", ["ya/ra", "../../escape", "Roos", "x" * 65, "roos\n"])
def test_ids_never_name_a_path(owner: str, example: Path, tmp_path: Path, run: Run) -> None:
    path = example / SEPT
    replace_in(path, 'owner = "l-demir"', f"owner = {json.dumps(owner)}")
    assert any("is not an id" in str(e["message"]) for e in _errors(run, example))
    out = tmp_path / "out" / "reminders"
    _cli(run, example, "remind", "--format", "eml", "--output", str(out), expect=1)
    assert not (tmp_path / "escape.eml").exists() and not out.exists()


@pytest.mark.parametrize(("relative", "old", "new"), [
    ("kwartaal.toml", 'link = "https://meet', 'link = "https://x.example/\\r\\nA: b" # '),
    ("kwartaal.toml", 'name = "Kwartaaloverleg', 'name = "Overleg\\r\\nBcc: x@y.example'),
    ("people.toml", 'name = "Marieke Jansen"', 'name = "Marieke\\nJansen"'),
    ("people.toml", 'role = "coördinator', 'role = "\\u001b[31mcoördinator'),
    (MARCH, 'place = "Wijkcentrum', 'place = "Wijk\\tcentrum'),
    (MARCH, 'title = "Wet regulering', 'title = "Wet\\u2028regulering'),
])
def test_control_characters_in_single_line_texts(relative: str, old: str, new: str,
                                                 example: Path, run: Run) -> None:
    replace_in(example / relative, old, new)
    errors = _errors(run, example)
    found = [e for e in errors if "control character" in str(e["message"])
             or "not a web link" in str(e["message"])]
    assert found and found[0]["line"] == line_with(example / relative, new[:12]), errors
    for args in (["calendar"], ["site", "--output", "out"], ["remind", "--format", "eml"]):
        _cli(run, example, *args, expect=1)


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>x</script>",
                                  "//evil.example/x", "ftp://files.example/", "https://a b"])
def test_links_must_be_web_links(link: str, example: Path, run: Run) -> None:
    before = (example / "kwartaal.toml").read_bytes()
    out = _cli(run, example, "config", "set", "cadence.link", link, expect=1)
    assert "is not a web link" in out
    assert (example / "kwartaal.toml").read_bytes() == before
    _cli(run, example, "config", "set", "cadence.link", "http://meet.example.org/x?a=1#b")
    replace_in(example / MARCH, 'link = "https://meet.example.org/kwartaaloverleg"',
         f"link = {json.dumps(link)}")
    _error_at(run, example, MARCH, "link = ", "is not a web link")


@pytest.mark.parametrize("name", ["", " ", "."])
def test_names_and_aliases_are_names(name: str, example: Path, run: Run) -> None:
    # public output hides a hidden name wherever it occurs: "." would stop every public page
    replace_in(example / "people.toml", 'name = "Mila"', f'name = "Mila"\naliases = ["{name}"]')
    _error_at(run, example, "people.toml", "aliases = ", "is not a name")
    replace_in(example / "people.toml", 'name = "Mila"', f'name = "{name}"')
    _error_at(run, example, "people.toml", f'name = "{name}"', "is not a name")


def test_theme_keys_are_ids(example: Path, run: Run) -> None:
    replace_in(example / "kwartaal.toml", "[themes.destigmatisering]", '[themes."../x"]')
    assert any("a theme key may hold only" in str(e["message"]) for e in _errors(run, example))


# -- action history in either form ------------------------------------------------------------

def test_history_as_tables_is_read_and_edited(example: Path, run: Run) -> None:
    path = example / SEPT
    text = path.read_text(encoding="utf-8")
    inline = 'history = [\n  { date = 2025-09-11, by = "l-demir", what = "aangemaakt" },\n]\n'
    tables = ('[[action.history]]\ndate = 2025-09-11\nby = "l-demir"\nwhat = "aangemaakt"\n\n'
              '[[action.history]]\ndate = 2025-10-01\nby = "l-demir"\nwhat = "gebeld"\n')
    assert text.count(inline) >= 1
    path.write_text(text.replace(inline, tables, 1), encoding="utf-8")
    commit_all(example.parent, "tables")
    shown = _cli(run, example, "action", "show", "2025-09-11/a1")
    assert "gebeld" in shown and "aangemaakt" in shown
    for args in (["agenda"], ["minutes", "2025-09-11"], ["actions", "--json"], ["log"]):
        _cli(run, example, *args)
    _cli(run, example, "check")
    _cli(run, example, "action", "update", "2025-09-11/a1", "--note", "weer gebeld")
    after = path.read_text(encoding="utf-8")
    assert after.count("[[action.history]]") == 3 and "weer gebeld" in after
    assert "weer gebeld" in _cli(run, example, "action", "show", "2025-09-11/a1")


# -- templates --------------------------------------------------------------------------------

def test_a_link_in_templates_is_not_followed(example: Path, tmp_path: Path, run: Run) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("GEHEIM-wachtwoord", encoding="utf-8")
    folder = example / "templates"
    folder.mkdir()
    (folder / "env.j2").symlink_to(secret)
    (folder / "en").mkdir()
    (folder / "en" / "agenda.md.j2").write_text('x\n{% include "env.j2" %}\n', encoding="utf-8")
    (folder / "style.css").symlink_to(Path("/proc/self/environ"))
    out = _cli(run, example, "agenda", "--format", "md", expect=1)
    assert "outside its templates folder" in out and "GEHEIM" not in out
    out = _cli(run, example, "site", "--output", str(tmp_path / "site"), expect=1)
    assert "outside its templates folder" in out and not (tmp_path / "site").exists()


@pytest.mark.parametrize(("template", "line"), [
    ("x\n{{ 1 // 0 }}\n", 2), ("x\n\n{{ range(10**9) | list }}\n", 3),
    ("{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n", 1), ("a\n{{ a.nope }}\n", 2),
    ("a\n{% if %}\n", 2),
])
def test_a_body_template_error_names_template_and_line(template: str, line: int, example: Path,
                                                       run: Run) -> None:
    folder = example / "templates"
    folder.mkdir()
    (folder / "agenda.txt.j2").write_text(template, encoding="utf-8")
    out = _cli(run, example, "agenda", expect=1)
    assert f"templates/agenda.txt.j2, line {line}" in out, out


# -- outputs stay inside ----------------------------------------------------------------------

def test_site_and_publish_do_not_follow_a_linked_public_folder(example: Path, tmp_path: Path,
                                                                run: Run) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (example / "public").symlink_to(outside)
    for args in (["site"], ["publish", "2025-09-11", "--no-commit"]):
        assert "is a link" in _cli(run, example, *args, expect=1)
    assert list(outside.iterdir()) == []
    (example / "public").unlink()
    (example / "public").mkdir()
    (example / "public" / "minutes").symlink_to(outside)
    assert "is a link" in _cli(run, example, "publish", "2025-09-11", "--no-commit", expect=1)
    site = tmp_path / "site"
    _cli(run, example, "site", "--output", str(site))
    (site / "minutes").rename(tmp_path / "old")
    (site / "minutes").symlink_to(outside)
    assert "is a link" in _cli(run, example, "site", "--output", str(site), expect=1)
    assert list(outside.iterdir()) == []


def test_remind_writes_only_into_its_folder(example: Path, tmp_path: Path, run: Run) -> None:
    out = tmp_path / "reminders"
    _cli(run, example, "remind", "--format", "eml", "--output", str(out))
    target = tmp_path / "victim.txt"
    target.write_text("unchanged", encoding="utf-8")
    first = sorted(out.iterdir())[0]
    first.unlink()
    first.symlink_to(target)
    assert "is a link" in _cli(run, example, "remind", "--format", "eml", "--output", str(out),
                               expect=1)
    assert target.read_text(encoding="utf-8") == "unchanged"


def test_finance_csv_cells_cannot_be_formulas(example: Path, run: Run) -> None:
    replace_in(example / "kwartaal.toml", 'description = "vergoeding overleg {month}"',
         'description = "=HYPERLINK(\\"http://evil.example\\",\\"klik\\")"')
    replace_in(example / "people.toml", 'name = "Yara"', 'name = "@SUM(1+1)"')
    replace_in(example / "people.toml", 'visibility = "working-name"', 'visibility = "named"')
    commit_all(example.parent, "formulas")
    csv = _cli(run, example, "compensation", "--year", "2025", "--format", "csv")
    rows = list(csv_module.reader(io.StringIO(csv)))[1:]
    assert rows and not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows
                            for cell in row), csv
    assert "'@SUM(1+1)" in csv and '"\'=HYPERLINK(' in csv
    _cli(run, example, "config", "set", "compensation.description", "\tx", expect=1)
    for dangerous in ("+cmd|' /C calc'!A0", "-2+3"):
        _cli(run, example, "config", "set", "--", "compensation.description", dangerous)
        csv = _cli(run, example, "compensation", "--year", "2025", "--format", "csv")
        assert f"'{dangerous}" in csv


# -- size and time ----------------------------------------------------------------------------

def test_privacy_patterns_take_linear_time() -> None:
    """Four times the text takes about four times as long (a quadratic pattern: sixteen).
    Timed as a ratio, the best of three, so that a busy machine does not fail it."""
    from kwartaal.core.detect import scan_text

    def line_of(kind: int, n: int) -> str:
        return [("a" * n + "@"), "x@" + "a." * (n // 2), "1" * n, "1-" * (n // 2),
                "NL12" + "A" * n, "a@" * (n // 2), "a.b@c.de " * (n // 9), "1 " * (n // 2),
                "nl12 " * (n // 5), "é" * n][kind]

    def best(line: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            scan_text(Path("x.toml"), line, set(), set())
            times.append(time.perf_counter() - start)
        return min(times)

    n = 200_000
    for kind in range(10):
        small, large = best(line_of(kind, n)), best(line_of(kind, 4 * n))
        assert large < 10 * max(small, 0.002), (line_of(kind, 20), small, large)
        assert large < 10, line_of(kind, 20)


def test_a_long_title_is_checked_quickly(example: Path, run: Run) -> None:
    replace_in(example / MARCH, 'title = "Wet regulering', 'title = "' + "a" * 1_000_000 + '@ Wet')
    commit_all(example.parent, "long")
    start = time.perf_counter()
    _cli(run, example, "check")
    assert time.perf_counter() - start < 20


def test_a_file_above_5_mb_is_refused(example: Path, run: Run) -> None:
    path = example / SEPT
    path.write_text(path.read_text(encoding="utf-8") + "# " + "x" * (5 * 2**20) + "\n",
                    encoding="utf-8")
    commit_all(example.parent, "big")
    before = path.read_bytes()
    start = time.perf_counter()
    errors = _errors(run, example)
    assert any("MB, more than the 5 MB" in str(e["message"]) and
               str(e["path"]).endswith(SEPT) for e in errors), errors
    out = _cli(run, example, "action", "done", "2025-09-11/a1", expect=1)
    assert "2025-09-11.toml" in out and "5 MB" in out
    assert path.read_bytes() == before
    assert time.perf_counter() - start < 10


def test_messages_show_control_characters_escaped(example: Path, run: Run) -> None:
    replace_in(example / MARCH, 'place = "Wijkcentrum', 'place = "\\u001b]0;pwned\\u0007Wijk')
    out = _cli(run, example, "check", expect=1)
    assert "\x1b" not in out and re.search(r"\\x1b", out), out


def test_a_value_check_would_reject_is_never_written(example: Path, run: Run) -> None:
    path = example / "meetings" / "2026-03-12.toml"
    before = path.read_bytes()
    out = _cli(run, example, "propose", "Titel\nmet een regelovergang", "--by", "yara",
               expect=1)
    assert "nothing was written" in out or "niets geschreven" in out
    assert path.read_bytes() == before
    out = _cli(run, example, "compensate", "2025-12-11", "roos", "--travel", "1e30", expect=1)
    assert "internal error" not in out


def test_a_formula_after_a_semicolon_is_made_safe_too(example: Path, run: Run) -> None:
    """Excel in a Dutch locale also splits a line on ';'."""
    _cli(run, example, "config", "set", "compensation.description", "vergoeding;=1+1")
    csv = _cli(run, example, "compensation", "--year", "2025", "--format", "csv")
    assert "vergoeding;'=1+1" in csv and ";=1+1" not in csv
