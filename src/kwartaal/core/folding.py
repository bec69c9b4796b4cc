"""One comparable form of a text, whatever its case, Unicode form, script or typography.

Public output must not show a hidden name however it was written: 'ZOË' composed or not, 'zoe',
'Zo\u200be', 'ᴢᴏᴇ' in small capitals, 'Zое' with Cyrillic letters, '_Zoë_' in Markdown. Texts and
names are compared after folding; a map from folded to original positions lets a match be
replaced in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import AnyStr

# Letters of other scripts that look like Latin ones, and Latin letters that Unicode does not
# decompose: a name written with a Cyrillic 'і' or in small capitals reads the same to a person.
_LOOKALIKES = str.maketrans({
    # Cyrillic (after case folding, so that capitals count too)
    "а": "a", "в": "b", "г": "r", "е": "e", "и": "u", "і": "i", "ј": "j", "к": "k", "м": "m",
    "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
    "ь": "b", "һ": "h", "ӏ": "l", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j", "ζ": "z", "μ": "u",
    # small capitals
    **dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnoprstuvwyz", strict=True)),
    # Latin letters without a decomposition, and IPA letters that look like plain ones
    "ı": "i", "ȷ": "j", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
    "þ": "th", "ɑ": "a", "ɩ": "i", "ǀ": "l", "ɡ": "g", "ɒ": "a", "ʋ": "u",
    # Armenian, Coptic, and strokes that pass for an l
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "զ": "q", "ⲙ": "m", "ⲁ": "a",
    "ⲟ": "o", "ⲣ": "p", "ⲥ": "c", "ⲭ": "x", "ⲓ": "i", "ⲕ": "k", "ⲛ": "n", "∣": "l", "׀": "l",
    "ߊ": "a", "ǃ": "!",
    # Cherokee capitals (case folding maps Cherokee to its capitals)
    "Ꭺ": "a", "Ᏼ": "b", "Ꮯ": "c", "Ꭰ": "d", "Ꭼ": "e", "Ꮐ": "g", "Ꮋ": "h", "Ꭵ": "i",
    "Ꭻ": "j", "Ꮶ": "k", "Ꮮ": "l", "Ꮇ": "m", "Ꮎ": "o", "Ꮲ": "p", "Ꮢ": "r", "Ꮪ": "s",
    "Ꭲ": "t", "Ꮩ": "v", "Ꮃ": "w", "Ꮓ": "z",
    # Lisu letters (a script without case) that are Latin capitals to the eye
    **dict(zip("ꓮꓐꓚꓓꓰꓝꓖꓧꓲꓙꓗꓡꓟꓠꓳꓑꓣꓢꓔꓴꓦꓪꓫꓬꓜ", "abcdefghijklmnoprstuvwxyz", strict=True)),
    # Canadian syllabics that pass for Latin letters
    **dict(zip("ᗅᗩᗷᑲᖯᑕᗪᗞᑯᕮᗴᖴᕼᒍᒪᗰᑎᑭᖇᔕᑌᐯᗯ᙭ᘔ", "aabbbcdddeefhjlmnprsuvwxz", strict=True)),
    # negative circled and negative squared capitals (without a compatibility decomposition)
    **{chr(base + n): chr(ord("a") + n) for base in (0x1F150, 0x1F170) for n in range(26)},
})
# Capitals that look like a Latin capital, where case folding would make them a small letter
# that looks like another one (Greek Η looks like H, its η like n; Μ like M, its μ like u).
_CAPITALS = {
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
    "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
}
# Characters that show as nothing at all, beyond Unicode's format characters.
_BLANK = set("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5\u034f")


# Markdown marks inside a word ('Mi**la**' shows as 'Mila'), and the brackets of a link text
# ('[Mi](https://x.org)la' shows as 'Mila').
_JOINERS = set("*~`[]")


_SEPARATORS = set("_")  # '_Mila_' is Mila in italics


_APOSTROPHES = set("'’‘ʼ′`´ʹ")


_SIMPLE = re.compile(r"[_*~`<&\[\]]")  # ASCII texts without these fold by lower() alone


_DROPPED = {"Mn", "Me", "Cf"}  # combining marks and invisible format characters


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    if ch in _JOINERS or ch in _BLANK:
        return ""
    if ch in _SEPARATORS:
        return " "
    if ch in _CAPITALS:
        return _CAPITALS[ch]
    out = []
    for c in unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", ch).casefold()):
        category = unicodedata.category(c)
        if category in _DROPPED:
            continue
        if category == "Pd" or c in "\u2010\u2011\u2212":
            c = "-"
        elif c in _APOSTROPHES:
            c = "'"
        out.append(c.translate(_LOOKALIKES))
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

PART = 1 << 16  # characters


def sub_in_parts(pattern: re.Pattern[str], replacement: str, text: str,
                 cut: re.Pattern[str]) -> str:
    """pattern.sub(replacement, text), a part of a long text at a time: re.sub holds every
    piece of its result apart before joining them (tens of megabytes for a rendering of a few
    megabytes with a match on every line). A part ends right after a character `cut` finds,
    where no match of the pattern goes on (the pattern looks neither back nor ahead past its
    match), so each part gives what the whole text gives there."""
    if len(text) > 2 * PART and pattern.search(text) is None:
        return text
    return in_parts(text, cut, lambda part: pattern.sub(replacement, part))


def in_parts(text: str, cut: re.Pattern[str], change: Callable[[str], str]) -> str:
    """change(text), a part of a long text at a time, each ending right after a character
    `cut` finds (see sub_in_parts)."""
    if len(text) <= 2 * PART:
        return change(text)
    return "".join([change(part) for part in parts_of(text, cut)])


def parts_of(text: str, cut: re.Pattern[str]) -> Iterator[str]:
    """The text in parts of PART characters or more (a short one whole), each ending right
    after a character `cut` finds."""
    start = 0
    while len(text) - start > 2 * PART:
        found = cut.search(text, start + PART)
        if found is None:
            break
        yield text[start:found.end()]
        start = found.end()
    yield text[start:] if start else text


def places_of(text: AnyStr, part: AnyStr) -> list[int]:
    """Where part starts in text (a str or bytes), every time, overlaps included."""
    found = []
    start = text.find(part)
    while start != -1:
        found.append(start)
        start = text.find(part, start + 1)
    return found


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
    return _translated(folded, _PUNCTUATION)


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
        return _translated(text, table)
    if "](" not in text and markup.translate(table) == markup:
        # tags and comments alone never overlap (each search resumes after the last): each
        # becomes `markup`, at C speed (an HTML page holds thousands of them); without
        # comments, a part at a time, each folded as it comes (no tag goes on past the end
        # of a line)
        if "<!--" in text:
            return _translated(_MARKUP.sub(markup, text), table)
        return in_parts(text, _LINE_END,
                        lambda part: _translated(_MARKUP.sub(markup, part), table))
    hidden = _hidden_markup(text)
    if not hidden:
        return _translated(text, table)
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


_NOT_ASCII = re.compile(r"([^\x00-\x7f]+)")


def _translated(text: str, table: dict[int, str]) -> str:
    """text.translate(table), a part at a time: str.translate looks every character up one by
    one unless the whole text is ASCII, when it remembers each one's fold; so the ASCII
    stretches of a page with a few other characters are translated apart."""
    if text.isascii() or len(text) < 256:
        return text.translate(table)
    out = []
    for start in range(0, len(text), PART):
        part = text[start:start + PART]
        if part.isascii():
            out.append(part.translate(table))
        else:
            out += [piece.translate(table) for piece in _NOT_ASCII.split(part)]
    return "".join(out)


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
