"""A closed text, the meeting link or an internal place quoted in a public text is refused in
every public format, whatever characters it holds: the escapes one format adds (Markdown's
backslashes, JSON's, HTML's entities, tags taken out) cannot hide it from the last search."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import EXAMPLE_TODAY, Run

CLOSED_IN = "2025-06-12.toml"  # its item p2 is closed
CLOSED_TITLE = '"Verkenning non-profit werkplek: locatie en subsidie"'
TITLES = [
    "Pand aan de Havenweg valt af", "Pand Havenweg *niet* valt af", "Pand Havenweg_kade valt af",
    "Pand Havenweg aan de kade > valt af", "Pand <b>Havenweg</b> aan de kade valt af",
    "Pand Havenweg aan de kade &amp; valt af", "Pand aan de Havenweg\\Kade valt af",
    "Pand Havenweg | Kade [valt] af", "Pand `Havenweg` ~~kade~~ valt af",
    "Pand Havenweg aan de kade &lt;valt&gt; af", "# Pand Havenweg - kade + valt af",
]
FORMATS = ["text", "md", "html", "json"]


def _quote(body: Path, closed: str) -> None:
    path = body / "meetings" / CLOSED_IN
    path.write_text(path.read_text(encoding="utf-8").replace(CLOSED_TITLE, json.dumps(closed)),
                    encoding="utf-8")
    with open(body / "meetings" / "2026-03-12.toml", "a", encoding="utf-8") as handle:
        quoted = json.dumps("Vervolg: " + closed)
        handle.write(f'\n[[item]]\nid = "p9"\ntitle = {quoted}\nby = "l-demir"\nminutes = 5\n')


@pytest.mark.parametrize("closed", TITLES)
def test_a_quoted_closed_title_is_refused_in_every_format(example: Path, run: Run,
                                                          closed: str) -> None:
    _quote(example, closed)
    for fmt in FORMATS:
        for lang in ("nl", "en"):
            result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang,
                         "agenda", "--public", "--format", fmt, expect=1)
            assert result.exit_code == 1, (fmt, result.output)
            assert "Havenweg" not in result.output, (fmt, result.output)
            assert ("closed record" in result.output if lang == "en"
                    else "besloten onderdeel" in result.output), result.output


def test_the_link_quoted_with_marks_is_refused_in_markdown(example: Path, run: Run) -> None:
    config = example / "kwartaal.toml"
    text = config.read_text(encoding="utf-8")
    link = "https://meet.example.org/kwartaal_overleg_2026"
    assert "https://meet.example.org/kwartaaloverleg" in text
    config.write_text(text.replace("https://meet.example.org/kwartaaloverleg", link),
                      encoding="utf-8")
    with open(example / "meetings" / "2026-03-12.toml", "a", encoding="utf-8") as handle:
        handle.write(f'\n[[item]]\nid = "p9"\ntitle = "Inbellen via {link}"\n'
                     'by = "l-demir"\nminutes = 5\n')
    for fmt in FORMATS:
        result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en",
                     "agenda", "--public", "--format", fmt, expect=1)
        assert result.exit_code == 1 and "overleg_2026" not in result.output.replace(
            "\\_", "_"), (fmt, result.output)


# the closed note n3 of 2025-06-12, quoted in an open note of the same meeting behind what the
# search of one reading would take for markup, or written with JSON's escapes of a tab or a
# carriage return (a note pasted with Windows line ends)
CLOSED_NOTE = ("Twee panden zijn in beeld, een aan de Havenweg en een boven de winkel aan de "
               "Kerkstraat. Subsidie via het budget voor veilige werkplekken lijkt mogelijk.")
HIDING = ["Zie <!-- de bijlage. {}", "Zie <q {}>", "Zie <q {}", "Zoals [gezegd]({}) eerder",
          "Zoals gezegd:\t{}", "Zoals gezegd:\r\n{}", "Zoals\r\ngezegd: {}\r\n"]


@pytest.mark.parametrize("form", HIDING, ids=range(len(HIDING)))
def test_a_closed_note_behind_markup_or_escapes_is_refused(example: Path, run: Run,
                                                           form: str) -> None:
    path = example / "meetings" / CLOSED_IN
    text = path.read_text(encoding="utf-8")
    assert json.dumps(CLOSED_NOTE)[1:-1] in text
    if "\t" in form:  # a tab inside the quote as well
        quoted = form.format(CLOSED_NOTE.replace(" de ", " de\t"))
    elif "\r" in form:
        quoted = form.format(CLOSED_NOTE.replace(" een ", " een\r\n"))
    else:
        quoted = form.format(CLOSED_NOTE)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f'\n[[note]]\nid = "n91"\nitem = "p1"\ntext = {json.dumps(quoted)}\n')
    for fmt in ("md", "html", "json"):
        result = run("--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", "en",
                     "minutes", "2025-06-12", "--public", "--format", fmt, expect=1)
        assert "Kerkstraat" not in result.output and "closed record" in result.output, (
            fmt, result.output)
