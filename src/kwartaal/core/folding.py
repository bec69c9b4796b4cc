"""One comparable form of a text, whatever its case, Unicode form, script or typography.

Public output must not show a hidden name however it was written: 'ZOË' composed or not, 'zoe',
'Zo\u200be', 'ᴢᴏᴇ' in small capitals, 'Zое' with Cyrillic letters, '_Zoë_' in Markdown. Texts and
names are compared after folding; a map from folded to original positions lets a match be
replaced in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

from kwartaal.core import longtext
from kwartaal.core.longtext import in_parts, sub_in_parts, translated
from kwartaal.core.lookalikes import BLANK, CAPITALS, LOOKALIKES

# Markdown marks inside a word ('Mi**la**' shows as 'Mila'), and the brackets of a link text
# ('[Mi](https://x.org)la' shows as 'Mila').
_JOINERS = set("*~`[]")


_SEPARATORS = set("_")  # '_Mila_' is Mila in italics


_APOSTROPHES = set("'’‘ʼ′`´ʹ")


_SIMPLE = re.compile(r"[_*~`<&\[\]]")  # ASCII texts without these fold by lower() alone


_DROPPED = {"Mn", "Me", "Cf"}  # combining marks and invisible format characters


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    if ch in _JOINERS or ch in BLANK:
        return ""
    if ch in _SEPARATORS:
        return " "
    if ch in CAPITALS:
        return CAPITALS[ch]
    out = []
    for c in unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ch).casefold()):
        category = unicodedata.category(c)
        if category in _DROPPED:
            continue
        if category == "Pd" or c in "\u2010\u2011\u2212":
            c = "-"
        elif c in _APOSTROPHES:
            c = "'"
        out.append(c.translate(LOOKALIKES))
    return "".join(out)


def as_read(text: str) -> str:
    """A text as a reader of any output format sees it: iCalendar lines unfolded and
    unescaped, the backslash escapes of Markdown and JSON undone ('\\_', '\\*', '\\\\',
    '\\"'), and HTML entities decoded until none is left ('&amp;amp;' is '&'). Public
    output is searched in this reading, and so are the texts it must not contain
    (core/forbidden.py, core/facts.py): an escape that one format adds cannot hide either."""
    import html

    if "\n" in text:  # an unfolded line needs a line break: most texts have none
        text = sub_in_parts(_ICAL_FOLD, "", text, _NOT_A_LINE_END)
    if "\\" in text:  # both in one pass, a part at a time (no '\\n' goes past a part)
        text = in_parts(text, _NOT_A_BACKSLASH,
                        lambda part: _ESCAPED.sub(r"\1", part.replace("\\n", "\n")))
    for _ in range(4):
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


_ICAL_FOLD = re.compile(r"\r?\n[ \t]")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before ASCII punctuation
# After these characters no match of the pattern above each goes on (a part may end there).
_NOT_A_LINE_END = re.compile(r"[^\r\n]")
_NOT_A_BACKSLASH = re.compile(r"[^\\]")

def as_searched(text: str) -> str:
    """A text as public output is searched for it (and searched in): as read (as_read),
    folded, tags and link targets taken out (fold(…, " ")), punctuation as spaces
    (unpunctuated), its spacing single spaces."""
    return " ".join(unpunctuated(fold(as_read(text), " ")).split())


class _PunctuationTable(dict[int, str]):
    """Every punctuation mark (a Unicode category P*) as a space, for str.translate; filled
    as characters are met."""

    def __missing__(self, code: int) -> str:
        found = self[code] = " " if unicodedata.category(chr(code))[0] == "P" else chr(code)
        return found


_PUNCTUATION = _PunctuationTable()


def unpunctuated(folded: str) -> str:
    """A folded text with its punctuation as spaces: 'Havenweg 12, achterom', 'Havenweg
    12 achterom' and 'Havenweg 12;achterom' are one text to the search for what must not be
    published, which a comma left out or changed would otherwise pass."""
    return translated(folded, _PUNCTUATION)


READINGS: tuple[str | None, ...] = (None, "", " ")


def readings_of(text: str) -> tuple[str | None, ...]:
    """The markup readings of a text that can differ (fold's markup argument): without
    tags, comments or link targets they are one."""
    return READINGS if "<" in text or "](" in text else READINGS[:1]


def _hidden_markup(text: str) -> list[tuple[int, int]]:
    """Spans that a reader of rendered Markdown does not see: HTML comments and tags, and the
    target of a link."""
    spans = [(found.start(), found.end()) for found in _LINK_TARGET.finditer(text)]
    spans += _tags(text)
    return sorted(spans)


_LINK_TARGET = re.compile(r"\]\([^()\s]{0,500}\)")


def _tags(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = text.find("<")
    while start != -1:
        if text.startswith("<!--", start):
            close = text.find("-->", start + 4)
            end = len(text) if close == -1 else close + 3
        else:
            tag = _TAG.match(text, start)
            end = tag.end() if tag else start + 1
            if tag is None:
                start = text.find("<", end)
                continue
        spans.append((start, end))
        start = text.find("<", end)
    return spans


_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
# The spans _tags finds, as one search: a comment up to its end (or the text's), else a tag.
_MARKUP = re.compile(r"<!--.*?(?:-->|\Z)|" + _TAG.pattern, re.DOTALL)
_LINE_END = re.compile(r"\n")


def fold(text: str, markup: str | None = None) -> str:
    """Case, Unicode form, diacritics, look-alike letters, dashes, apostrophes, invisible
    characters and Markdown marks folded away: 'ZOË' (composed or not), 'zoe', 'Zo\u200be',
    'ᴢᴏᴇ' and '_Zoë_' all fold to 'zoe'. The same as fold_mapped's text, without the map:
    the visible stretches are folded by str.translate over a table that fills itself from
    fold_char, and hidden markup is skipped a span at a time."""
    if folds_by_lower(text):
        return text.lower()
    return _fold_spans(text, markup, _FOLDED)


def folds_by_lower(text: str) -> bool:
    """Whether fold(text) is text.lower(): ASCII without a mark that folding takes out."""
    return text.isascii() and not _SIMPLE.search(text)


def name_fold(text: str, markup: str | None = None) -> str:
    """fold, except that a capital I, and what passes for one ('Ι', 'І', 'Ｉ'), stays 'I': in
    most fonts it is also an l ('MiIa'); and '_' stays, a mark that parts no word. The
    reading names are searched in (core/spelling.py); the same as name_fold_mapped's text."""
    if text.isascii() and not _SIMPLE.search(text):
        return "I".join(piece.lower() for piece in text.split("I")) if "I" in text \
            else text.lower()
    return _fold_spans(text, markup, _NAME_FOLDED)


def _fold_spans(text: str, markup: str | None, table: dict[int, str]) -> str:
    if markup is None or ("<" not in text and "](" not in text):
        return translated(text, table)
    if "](" not in text and markup.translate(table) == markup:
        # tags and comments alone never overlap (each search resumes after the last): each
        # becomes `markup`, at C speed (an HTML page holds thousands of them); without
        # comments, a part at a time, each folded as it comes (no tag goes on past the end
        # of a line)
        if "<!--" in text:
            return translated(_MARKUP.sub(markup, text), table)
        return in_parts(text, _LINE_END,
                        lambda part: translated(_MARKUP.sub(markup, part), table))
    hidden = _hidden_markup(text)
    if not hidden:
        return translated(text, table)
    out: list[str] = []
    pos, span, end = 0, 0, len(text)
    while pos < end:
        while span < len(hidden) and hidden[span][1] <= pos:
            span += 1
        if span < len(hidden) and hidden[span][0] <= pos:
            # hidden up to the span's end; fold_mapped writes `markup` at its first character
            if markup and pos == hidden[span][0]:
                out.append(markup)
            pos = hidden[span][1]
            continue
        stop = hidden[span][0] if span < len(hidden) else end
        out.append(text[pos:stop].translate(table))
        pos = stop
    return "".join(out)


def each_reading(text: str, markups: Sequence[str | None],
                 kind: str = "fold") -> Iterator[str]:
    """fold(text, markup) for each markup in turn with kind "fold", name_fold's with "name",
    unpunctuated(fold(…)) with "searched": a text of up to 2 × PART characters folded once
    for them all. A reading is each stretch of text, folded, with each tag or comment as it
    is (None), or as the markup ("" or " "); folding is a character at a time, so the text
    parted at its markup and joined by a NUL, which it does not hold and which folds to
    itself, folds into the folded stretches. Link targets ('](') and other markups, and a
    longer text (a page of megabytes: no more than one of its readings held at a time, and
    no list of its pieces), take each reading alone."""
    one = {"fold": fold, "name": name_fold,
           "searched": lambda text, markup: unpunctuated(fold(text, markup))}[kind]
    if "<" not in text and "](" not in text:  # every reading is the text's
        found = one(text, None)
        yield from (found for _ in markups)
        return
    if "](" in text or "\0" in text or len(text) > 2 * longtext.PART or any(
            markup not in (None, "", " ") for markup in markups):
        yield from (one(text, markup) for markup in markups)
        return
    pieces = _MARKUP_PARTS.split(text)  # a stretch of text, a tag or comment, a stretch, …
    folded = translated("\0".join(pieces), _TABLES[kind]).split("\0")
    if len(folded) != len(pieces):  # (only a NUL folds to a NUL)
        yield from (one(text, markup) for markup in markups)
        return
    shown = folded[::2]
    yield from ("".join(folded) if markup is None else markup.join(shown)
                for markup in markups)


_MARKUP_PARTS = re.compile(f"({_MARKUP.pattern})", re.DOTALL)


class _FoldTable(dict[int, str]):
    """fold_char as a str.translate table, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


class _NameFoldTable(dict[int, str]):
    """name_fold_char as a str.translate table."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = name_fold_char(chr(code))
        return folded


_FOLDED = _FoldTable()
_NAME_FOLDED = _NameFoldTable()


class _SearchedTable(dict[int, str]):
    """fold_char, then punctuation as spaces (unpunctuated), as a str.translate table."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = unpunctuated(fold_char(chr(code)))
        return folded


_TABLES = {"fold": _FOLDED, "name": _NAME_FOLDED, "searched": _SearchedTable()}

# Capitals that look like an I, and so like an l: Greek, Cyrillic, the Cyrillic palochka, Lisu,
# the Latin iota.
_CAPITAL_I = frozenset("I\u0399\u0406\u04c0\ua4f2\u0196")


@lru_cache(maxsize=4096)
def name_fold_char(ch: str) -> str:
    if ch == "_":  # 'Mi_la' joins; '_Mila_' is a word between marks all the same
        return ch
    if ch in _CAPITAL_I or (not ch.isascii() and unicodedata.normalize("NFKD", ch) == "I"):
        return "I"
    return fold_char(ch)


def fold_mapped(text: str, markup: str | None = None) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index in text it came from.
    Markup (tags, comments, link targets) is read as written when `markup` is None — plain
    text and HTML show it literally —, or, as a reader of rendered Markdown sees it, becomes
    `markup`: nothing, as inline tags join letters ('Mi<b>la</b>'), or a space, as block
    tags part them. A name must be found in every one of these readings (READINGS)."""
    if text.isascii() and not _SIMPLE.search(text):
        return text.lower(), list(range(len(text)))
    return _fold_mapped(text, markup, fold_char)


def name_fold_mapped(text: str, markup: str | None = None) -> tuple[str, list[int]]:
    """name_fold's text, with the map of fold_mapped."""
    if text.isascii() and not _SIMPLE.search(text):
        return name_fold(text), list(range(len(text)))
    return _fold_mapped(text, markup, name_fold_char)


def _fold_mapped(text: str, markup: str | None,
                 fold_one: Callable[[str], str]) -> tuple[str, list[int]]:
    hidden = _hidden_markup(text) if markup is not None and ("<" in text or "](" in text) \
        else []
    out: list[str] = []
    origin: list[int] = []
    span = 0
    for index, ch in enumerate(text):
        while span < len(hidden) and hidden[span][1] <= index:
            span += 1
        if span < len(hidden) and hidden[span][0] <= index:
            if markup and index == hidden[span][0]:
                out.append(markup)
                origin.extend([index] * len(markup))
            continue
        folded = fold_one(ch)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


# Letters and digits make a word; '_' and marks were folded away or into spaces already.
WORD_START = r"(?<![^\W_])"


WORD_END = r"(?![^\W_])"


# What may follow a name inside the same word and still be that name: the Dutch possessive
# ('Jades voorstel'), diminutives ('Milaatje', 'Jadeke') and digits ('Mila2'). Checked as a
# lookahead, so that what is matched, and replaced, is the name itself.
NAME_SUFFIX = r"(?:s|je|tje|pje|ke|atje|aatje|etje|ootje|jes|tjes|kes)?\d*"


def name_key(folded: str) -> str:
    return re.sub(r"[\s\-'.]+", "", folded)


def spellings(name: str) -> list[str]:
    """A name and its usual transliterations: 'Jörg' is also written 'Joerg'."""
    base = unicodedata.normalize("NFC", name)
    german = base.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae",
                                           "Ö": "Oe", "Ü": "Ue"}))
    return [base] if german == base else [base, german]
