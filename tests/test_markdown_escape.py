"""Texts in Markdown output are text: a title like '<img src=x onerror=…>', '[link](javascript:…)'
or '=HYPERLINK(…)' must not become markup, a link, an image, a formula or a block when a
Markdown renderer reads the document — internal or public. Checked by rendering the output
with a CommonMark renderer (markdown-it-py, with GitHub's tables and strike-through)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from kwartaal.core.fields import declared
from kwartaal.documents.agenda import render_agenda
from kwartaal.documents.render import markdown_code, markdown_link, markdown_text
from kwartaal.documents.report import render_report
from kwartaal.edit.publish import render_minutes
from kwartaal.files.loader import load_checked

from .conftest import EXAMPLE_TODAY, Run

TODAY = "2026-01-15"
PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "[link](javascript:alert(1))",
    '<a href="javascript:alert(2)">klik</a>',
    "![beeld](https://x.example/p.png)",
    "<https://evil.example/>",
    "<script>alert(3)</script>",
    "=HYPERLINK(\"https://x.example\",\"klik\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "$\\href{javascript:alert(4)}{x}$",
    "$$x$$",
    "**vet** _schuin_ ~~weg~~ `code`",
    "a | b | c",
    "&lt;b&gt;entiteit&lt;/b&gt;",
    "[x]: javascript:alert(5)",
    "[^1] voetnoot",
]
# Texts of several lines (notes, descriptions) may also try to start blocks.
BLOCKS = ["# Kop\n## Kop", "1. een\n2) twee", "- punt\n+ punt\n* punt", "> citaat",
          "tekst\n===\ntekst\n---", "```\ncode\n```", "~~~\ncode", "<div>\nblok\n</div>",
          "| a | b |\n|---|---|\n| c | d |"]

_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
_MARKUP = {"link_open", "image", "html_inline", "html_block", "code_inline", "em_open",
           "strong_open", "s_open", "heading_open", "blockquote_open", "bullet_list_open",
           "ordered_list_open", "fence", "table_open", "hr", "hardbreak"}


def _tokens(text: str) -> list[Any]:
    out = []
    for token in _MD.parse(text):
        out.append(token)
        out += token.children or []
    return out


def _rendered_text(text: str) -> str:
    return "".join(t.content if t.type == "text" else "\n" for t in _tokens(text)
                   if t.type in ("text", "softbreak"))


# -- the escaping itself --------------------------------------------------------------------------

lines = st.text(alphabet=st.sampled_from(list("\\`*_{}[]()<>#+-.!|~$&;:=@/\"'aAbz019 ")),
                max_size=40).map(str.strip)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.lists(lines.filter(bool), min_size=1, max_size=4))
def test_an_escaped_text_reads_as_written_and_makes_no_markup(parts: list[str]) -> None:
    text = "\n".join(parts)
    escaped = markdown_text(text)
    found = {t.type for t in _tokens(escaped)} & _MARKUP
    assert found == set(), (text, escaped)
    assert _rendered_text(escaped) == text, (text, escaped)


@pytest.mark.parametrize("text", PAYLOADS + BLOCKS)
def test_every_payload_is_text(text: str) -> None:
    escaped = markdown_text(text)
    assert {t.type for t in _tokens(escaped)} & _MARKUP == set(), escaped
    assert _rendered_text(escaped) == text


def test_a_formula_never_starts_a_cell() -> None:
    for text in ("=1+1", "+1", "-1", "@A1", "  =1"):
        assert markdown_text(text).lstrip().startswith("\\"), text


def test_links_and_code_spans_kwartaal_writes() -> None:
    assert markdown_link("https://meet.example.org/a_b") == "<https://meet.example.org/a_b>"
    for bad in ("javascript:alert(1)", "https://x.org/a b", "https://x.org/>[y](javascript:z)",
                "data:text/html,<b>"):
        tokens = _tokens(markdown_link(bad))
        assert not any(t.type in ("link_open", "html_inline") for t in tokens), bad
    for code in ("p1", "a`b", "``", "`x"):
        tokens = [t for t in _tokens(markdown_code(code)) if t.type == "code_inline"]
        assert [t.content for t in tokens] == [code], code


# -- through every text field into the documents ----------------------------------------------


def _fill(record: Any, payloads: list[str], count: list[int]) -> None:
    """Every free-text field of a record (its declared line and text keys) set to payloads."""
    for decl in declared(type(record)):
        if decl.rule not in ("line", "text") or decl.name in ("id",):
            continue
        value = getattr(record, decl.name, None)
        block = decl.rule == "text"
        pool = payloads + (BLOCKS if block else [])

        def next_payload(pool: list[str] = pool) -> str:
            count[0] += 1
            return f"{pool[count[0] % len(pool)]} zqx{count[0]}"
        if isinstance(value, str) and value:
            setattr(record, decl.name, next_payload())
        elif isinstance(value, dict) and value:
            setattr(record, decl.name, {lang: next_payload() for lang in value})


def _hostile(example: Path) -> Any:
    body = load_checked(example)
    count = [0]
    config = body.config
    for record in (config, config.cadence, *config.standing, *config.themes.values(),
                   *config.organisations.values()):
        _fill(record, PAYLOADS, count)
    people = {}
    for pid, person in body.people.items():
        _fill(person, PAYLOADS, count)
        people[pid] = person
    for meeting in body.meetings:
        _fill(meeting, PAYLOADS, count)
        for record in (*meeting.items, *meeting.notes, *meeting.decisions, *meeting.actions):
            _fill(record, PAYLOADS, count)
    return body


def _assert_text_only(output: str, where: str) -> None:
    for token in _tokens(output):
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            assert href.startswith(("#besluit-", "https://")), (where, href)
        elif token.type in ("html_inline", "html_block"):
            assert re.fullmatch(r'<a id="besluit-[\w-]+"></a>|</?a>|<a id="besluit-[\w-]+">',
                                token.content.strip()), (where, token.content)
        else:
            assert token.type not in ("image", "code_block"), (where, token.type)
    # no formula at a table cell's start, no math
    for line in output.splitlines():
        if line.startswith("|") and not re.fullmatch(r"[|\-: ]+", line):
            cells = re.split(r"(?<!\\)\|", line)[1:-1]
            assert not [c for c in cells if c.strip().startswith(("=", "+", "-", "@"))], \
                (where, line)
    assert not re.search(r"(?<!\\)\$", output), where
    rendered = _MD.render(output)
    tags = set(re.findall(r"<(/?[a-zA-Z][\w-]*)", rendered))
    assert {t.lstrip("/") for t in tags} <= _TAGS, (where, tags)
    for anchor in re.findall(r"<a [^>]*>", rendered):
        assert re.fullmatch(r'<a (href="(#besluit-[\w-]+|https://[^"]+)"|id="besluit-[\w-]+")>',
                            anchor), (where, anchor)


_TAGS = {"p", "h1", "h2", "h3", "ul", "ol", "li", "strong", "em", "code", "a", "table", "thead",
         "tbody", "tr", "th", "td"}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_text_field_makes_markup_in_markdown_documents(example: Path, lang: str) -> None:
    import datetime as dt

    body = _hostile(example)
    today = dt.date.fromisoformat(TODAY)
    outputs: dict[str, str] = {}
    for public in (False, True):
        outputs[f"agenda public={public}"] = render_agenda(
            body, body.meeting("2026-03-12"), today, lang, public=public, fmt="md")
        for meeting in body.meetings:
            if meeting.status in ("held", "minutes-draft", "minutes-approved", "published"):
                outputs[f"minutes {meeting.id} public={public}"] = render_minutes(
                    body, meeting, lang, public=public, fmt="md",
                    **({} if public else {"with_compensation": True}))
        outputs[f"report public={public}"] = render_report(body, 2025, today, lang,
                                                           public=public, fmt="md")
    printed = 0
    for where, output in outputs.items():
        _assert_text_only(output, where)
        printed += len(re.findall(r"zqx\d+", output))
    assert printed > 100  # the texts were printed, as text
    internal = outputs["minutes 2025-12-11 public=False"]
    assert "\\<img src=x onerror=alert(1)\\>" in internal or "\\[link\\]" in internal


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_title_with_markup_through_the_command_line(example: Path, run: Run,
                                                      lang: str) -> None:
    base = ["--repo", str(example), "--today", EXAMPLE_TODAY, "--lang", lang]
    run(*base, "propose", "[klik](javascript:alert(1)) <img src=x onerror=alert(2)>",
        "--by", "m-jansen")
    for public in ([], ["--public"]):
        out = run(*base, "agenda", "--format", "md", *public).output
        _assert_text_only(out, f"agenda {public}")
        assert "\\[klik\\](javascript:alert(1)) \\<img src=x onerror=alert(2)\\>" in out
        html_out = run(*base, "agenda", "--format", "html", *public).output
        assert "<img src=x" not in html_out
