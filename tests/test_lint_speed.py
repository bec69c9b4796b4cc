"""The privacy lint's one-pass scan finds exactly what the line-by-line scan finds, in linear
time.

files/privacy.py `scan_file` searches a whole file at once for the lines that may hold a
contact detail and reads only those with core/detect.py `scan_text`; `scan_text` over the whole
file, line by line, is the reference (what the lint ran before). Same findings: file, line,
severity, message (its masked value and raw value included), in the same order.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kwartaal.core.detect import scan_text
from kwartaal.files import privacy
from kwartaal.files.loader import load

from .conftest import EXAMPLE, Run

FRAGMENTS = [
    "jan@example.org", "jan(at)example.org", "jan [ AT ] voorbeeld.nl", "jan{apenstaartje}x.nl",
    "jan＠example.org", "jan﹫example.org", "NL91ABNA0417164300", "NL91 ABNA 0417 1643 00",
    "nl91abna0417164300", "NL91-ABNA-0417-1643-00", "DE89 3704 0044 0532 0130 00",
    "111222333", "111 222 333", "111.222.333", "1112-22333", "06-12345678", "06 1234 5678",
    "+31 6 1234 5678", "(020) 123 4567", "020-1234567", "0612345678", "06–12345678",
    "０６１２３４５６７８", "06\u200b12345678", "06\u00ad12345678", "2026-01-15", "19:30",
    "2026-01-15 19:30", "2026-01-15 12345", "1:2345-67-89", "12:3456-78-90 1234567",
    "p01", "a12", "om 19 uur", "week 12", "status = \"held\"", "staat", "Zoë", "ß", "²³",
    "# kwartaal: allow-private", "x = \"06-12345678\" # kwartaal: allow-private",
    "\t", "\x1f", " ", "-", ".", "/", "(", ")", "[", "]", "{", "}", "@", "at", "AT", "\"",
    "Wet verkenning uitvoering", "0", "1", "9", "١٢٣٤٥٦٧٨٩", "𝟎𝟔𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖",
    "jan&#64;example.org", "&#x40;", "&commat;", "06&#45;12345678", "jan%40example%2Eorg",
    "%30%36%31%32%33%34%35%36%37%38", "06\\-1234\\-5678", "jan\\@x.nl", "jan<at>example.org",
    "jan (at) example (dot) org", "jan at example dot org", "jan apenstaartje example punt nl",
    "example[.]org", "https://zoom.us/j/", "123456782", "&", "%", "\\", "<", ">", "dot", "punt",
    " at ", "apenstaartje", "jan at example.org", "jan (a) example.org", "jan [A] x.nl", "(a)",
    "(b)", "punt (a) en", " at x.", "jan at x.y", "jan\\u0040x.nl", "06\\u002d12345678",
    "\\U00000040", "jan\\\\@x.nl", "jan\\\\(at\\\\)x.nl", "jan op x punt nl", " op ", "\\u",
    "\\uD800", "informatie op soa.nl", "jan&amp;#64;x.nl", "&amp;amp;", "jan @ x . nl",
    "jan@x .nl", "jan@x punt nl", "jan (at) x punt nl", "jan@x∙nl", "jan@x。nl", "06_13572468",
    "06·13572468", "06~13572468", "_", "~", "jan@soa.nl. Daarna", "06-1357\\n2468", "punt de",
    "06\\t13572468", "jan@\\nexample.org", "\\n", "\\t", "jan@example.оrg", "jаn@x.nl",
    " op dit punt de ", "09.00-12.00", "ma 9.30 - 16.00.", "06.12.34.56.78",
    "06-10-2025 19.00", "6/10/2025", "06.10.2025",
]
BREAKS = ["\n", "\n", "\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028",
          "\u2029"]


def same_findings(text: str, allowed: tuple[set[str], set[str]] = (set(), set())) -> None:
    path = Path("x.toml")
    expected = scan_text(path, text, *allowed)
    assert privacy.scan_file(path, text, *allowed) == expected, repr(text[:400])


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(st.sampled_from(FRAGMENTS), max_size=6),
                          st.sampled_from(BREAKS)), max_size=12),
       st.booleans())
def test_hostile_texts_give_the_same_findings(lines: list[tuple[list[str], str]],
                                              allow: bool) -> None:
    text = "".join("".join(parts) + end for parts, end in lines)
    same_findings(text)
    if allow:  # allowed values are left out the same way
        same_findings(text, ({"jan@example.org"}, {"0612345678", "111222333"}))


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_each_fragment_on_a_plain_line_gives_the_same_findings(fragment: str) -> None:
    """Each fragment alone on a line among plain ones: the prefilter must read that line."""
    same_findings(f'title = "Overleg"\nnote = "Mail {fragment} vandaag"\nx = 1\n')


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_any_text_gives_the_same_findings(text: str) -> None:
    same_findings(text)


@pytest.mark.parametrize("relative", sorted(p.relative_to(EXAMPLE) for p in EXAMPLE.rglob("*")
                                            if p.is_file()), ids=str)
def test_example_files_give_the_same_findings(relative: Path) -> None:
    text = privacy.read_any_text(EXAMPLE / relative)
    assert text is not None
    same_findings(text)


def test_the_whole_lint_reports_what_it_did(example: Path, run: Run,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The lint on a body with planted details, with the one-pass scan and with the
    reference scan in its place: the same problems."""
    meeting = example / "meetings" / "2025-06-12.toml"
    meeting.write_text(meeting.read_text(encoding="utf-8") +
                       '\n# bel 06-12345678 of mail piet(at)example.org\r\n'
                       '# NL91 ABNA 0417 1643 00, bsn 111 222 333\n', encoding="utf-8")
    (example / "notes.md").write_text("Zoë: ０６１２３４５６７８\u2028jan@example.org\n",
                                      encoding="utf-8")
    loaded = load(example)
    files = [example / "kwartaal.toml", example / "people.toml",
             *sorted((example / "meetings").glob("*.toml"))]
    new = privacy.lint(loaded.body, files)
    monkeypatch.setattr(privacy, "scan_file", scan_text)
    old = privacy.lint(loaded.body, files)
    assert new == old
    assert sum("privacy" in str(p.message) for p in new) >= 6
    for lang in ("nl", "en"):  # and check, which runs it, says so in both languages
        result = run("--repo", str(example), "--lang", lang, "check", expect=None)
        assert result.exit_code == 1
        assert "06-1" in result.output


def timed(function: object, *args: object) -> float:
    """The least processor time of a few calls: other processes on the machine (the other
    test workers) slow the wall clock, far less the time this one spends."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        function(*args)  # type: ignore[operator]
        best = min(best, time.process_time() - start)
    return best


def body_text(lines: int) -> str:
    """A TOML text as long as asked, of lines as a meeting file holds them, with a contact
    detail now and then."""
    rows = ['date = 2026-01-15', 'title = "Wet verkenning uitvoering 12 staat week 12"',
            'history = [{ date = 2025-12-11, status = "open" }]', 'due = 2026-03-12',
            'who = ["p01", "p02", "p03"]', 'time = "19:30"', 'minutes = 20']
    detail = 'note = "bel 06-12345678 of jan(at)example.org, NL91 ABNA 0417 1643 00, Zoë"'
    return "".join(f"[t{i}]\n{detail if i % 500 == 7 else rows[i % len(rows)]}\n"
                   for i in range(lines))


def test_lint_time_is_linear() -> None:
    """Four times the text takes about four times as long: the time per parsed byte, measured
    against tomllib reading the same text (machine load cancels), stays the same."""
    path = Path("x.toml")

    def ratio(text: str) -> float:
        return timed(privacy.scan_file, path, text, set(), set()) / timed(tomllib.loads, text)

    small, large = ratio(body_text(2_000)), ratio(body_text(8_000))
    assert large < 2.0 * small, (small, large)
    # and it is cheap next to parsing: a fraction of tomllib's time
    assert small < 1.0, small


@pytest.mark.parametrize("filler", ["a", "1", "1-", "a.", "@a", "0 ", "aa00", "(at", " ", "x at ",
                                    "a dot ", "&#", "%4", "\\-", "<", "a://"])
def test_long_lines_are_linear(filler: str) -> None:
    path = Path("x.toml")

    def ratio(size: int) -> float:
        text = "# " + filler * (size // len(filler)) + "@\n"
        return timed(privacy.scan_file, path, text, set(), set()) / timed(
            str.splitlines, text * 20)

    assert ratio(400_000) < 6.0 * ratio(100_000) + 0.5  # (quadratic: 16 times)


@pytest.mark.parametrize("filler", ["a", "1-", "a.", " ", "x at ", "a dot ", "&#", "%4",
                                    "\\-", "<", "a://", "(at"])
def test_contact_details_are_left_out_of_a_long_text_in_linear_time(filler: str) -> None:
    """A public text (a long note) is read for contact details in every way an address may
    be written: each way may start only where a run starts, or a long run of one character
    would be read again from each of its places."""
    from kwartaal.core.detect import without_contact_details

    def ratio(size: int) -> float:
        text = filler * (size // len(filler)) + "x@"  # (the run does not go on to the '@')
        return timed(without_contact_details, text, (set(), set()), "-") / timed(
            str.splitlines, text * 20)

    assert ratio(400_000) < 6.0 * ratio(100_000) + 0.5  # (quadratic: 16 times)


@pytest.mark.parametrize("filler", ["45%,", "%4", "&#", "a%", "&x"])
def test_a_long_public_text_is_read_in_linear_time(filler: str) -> None:
    """A public text is read for names behind escapes and entities from where a word starts
    only: a note of '45%,' a hundred thousand characters long took 23 s before."""
    from kwartaal.core.visibility import View

    view = View(load(EXAMPLE).body, "nl", public=True)

    def ratio(size: int) -> float:
        text = filler * (size // len(filler))
        return timed(view.text, text, "x") / timed(str.splitlines, text * 20)

    assert ratio(100_000) < 6.0 * ratio(25_000) + 0.5  # (quadratic: 16 times)
