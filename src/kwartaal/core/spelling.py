"""What counts as a spelling of a name: the one definition shared by public output, which
replaces hidden names (core/visibility.py View.text), its last search of a finished rendering
(View.leaks), and `check`, which refuses them in texts meant to be public (files/privacy.py).

Texts are searched in their name reading (core/folding.py name_fold): folded — case, Unicode
form, accents, letters of other scripts that pass for Latin ones, invisible characters and
Markdown marks away — except that a capital I stays an I, since in most fonts it is also an l.
A hidden name is found there as a whole word, also when it is

- written with characters that pass for its letters: a capital I, 1 or | for an l ('MiIa',
  'Mi1a'), I, 1, | or ! for an i, 0 for o, 3 for e, 4 for a, 5 for s, 7 for t, 'rn' for m,
  'vv' for w, and at a word's start a small l for a capital I ('lnge');
- split: 'Mi-la', 'Mi la', 'Mi.la', 'Mi_la', 'Mi,la', 'Mi(la)', 'M-i-l-a', 'M/i/l/a',
  'M i l a', 'M·i - la', 'Mi....la', 'M%ila': up to four of - . / \\ | : ; , + = # _ · • ( ) [ ]
  { } * ~ % & @ $ ^ ? " ` and spaces between any two letters.

without hiding ordinary words, since look-alikes and splits count only where the whole result
is a hidden name, and

- its first character is a letter ('013' is not Ole, '3de' is not Ede);
- it has at least two real letters, and at most one look-alike digit or mark per two letters
  of the name ('a13' is an id, not Ale);
- a name of one or two letters counts only as written (folded): 'B0', 'a1', 'B.O.' and 'b o'
  are not Bo;
- a name split by spaces counts only when none of its pieces of two or more letters is a
  common Dutch or English word: 'ik ben te laat' does not name Bente, 'optie b en a' not Ena,
  'de wijk' not Dewi, while 'Mi la' and 'M i l a' are Mila.

A named person whose name holds a hidden one ('Sanne de Boer', who is named, and a hidden
'Sanne') is matched as that person, strictly (as written, folded), and stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kwartaal.core.folding import NAME_SUFFIX, WORD_END, WORD_START, fold

# What may stand for a letter inside a name, besides the letter itself.
_LOOKS = {"i": "I1!|", "l": "I1|", "o": "0", "e": "3", "a": "4", "s": "5", "t": "7"}
_PAIRS = {"m": "rn", "w": "vv"}  # two letters that read as one
_FIRST = {"i": "Il", "l": "I"}  # at a word's start: 'lnge', 'Iisa'
_MARKS = frozenset("0123456789!|")  # look-alikes that are no letter

# What may part the letters of one part of a name ('Mi-la', 'M/i/l/a', 'Mi la'), and the parts
# of a name of several ('Anne-Marie', 'Anne Marie', 'AnneMarie', "D'Arcy").
_GAP = r"(?:[\s\-./\\|:;,+=#_·•‧∙⁄∕()\[\]{}*~%&@$^?\"`]{1,4})?"
_PARTS_GAP = r"[\s\-'./\\|:;,+=#_·•‧∙⁄∕()\[\]{}*~%&@$^?\"`]*"
_STRICT_GAP = r"[\s\-']*"  # a shown person's name: 'Mila. De Vries komt' is not Mila de Vries
_PART_SPLIT = re.compile(r"[\s\-'.]+")
_SPACES = re.compile(r"\s+")
_HARD = re.compile(r"[^\w]+")

# Common words of two or more letters: a name split by spaces is no name when one of its
# pieces is one of these ('ben te', 'en a', 'de wi', 'in ge').
_COMMON = """
aan af al als bij ben bent dan dat de den der deze die dit doe doen door dus een en er ga gaan
geen had heb hebt heeft het hem hen hier hij hoe hun ik in is ja je jij jou jouw kan kon kun
kunt maar me mee meer men met mij mijn moet na naar nee niet nog nu of om ons onze ook op over
per te ten ter tot u uit uw van veel voor waar wat we wel wie wij wil zal ze zei zich zij zijn
zo zou
an and are as at be but by do for from go he her him his if it its me my no not of on or our
she so the to up us was we who you
"""
COMMON_WORDS = frozenset(_COMMON.split())


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    owner: Any  # the hidden person, or None for a shown person's name, which stays


class NameMatcher:
    """Every hidden name, and every shown person's name that holds one, as one search.

    `pattern` is the search as text (what a finding depends on besides this module's code);
    `find` gives the names in a text's name reading, longest first where two start together,
    each owned by its hidden person or by None."""

    def __init__(self, names: list[tuple[str, Any, bool]]) -> None:
        """names: (name, owner, hidden), longest first; a hidden name is matched in every
        spelling above, a shown one strictly."""
        alternatives = []
        # Each name's own search is compiled when a candidate first needs it: compiling them
        # all costs a write or a check of a body with many hidden names a large part of its
        # time, and most texts hold no candidate at all.
        self._entries: list[tuple[str, Any, int]] = []
        self._compiled: dict[int, re.Pattern[str]] = {}
        heads: list[tuple[tuple[str, str, str], str]] | None = []  # (see _starting)
        for name, owner, hidden in names:
            parts = [p for p in _PART_SPLIT.split(fold(name)) if p]
            letters = sum(len(p) for p in parts)
            disguised = hidden and letters >= 3
            plain = _name(parts, disguised, hidden, grouped=False)
            alternatives.append(plain)
            if parts and heads is not None:
                first = _letter_parts(parts[0][0], first=True, disguised=disguised,
                                      last=len(parts) == 1 and len(parts[0]) == 1)
                head = _letter(parts[0][0], first=True, disguised=disguised,
                               last=len(parts) == 1 and len(parts[0]) == 1)
                heads.append((first, plain[len(head):]))
            else:  # a name of no letters: it is found everywhere, as in the full search
                heads = None
            self._entries.append((_whole(_name(parts, disguised, hidden, grouped=True)),
                                  owner, letters if disguised else 0))
        self.pattern = _whole("|".join(alternatives))
        # the same search, written to go at C speed to each place a name may start
        self._search = re.compile(_starting(heads) if heads else self.pattern)

    def find(self, text: str) -> list[Found]:
        """The names in a name reading (core/folding.py name_fold), left to right, none
        overlapping."""
        found: list[Found] = []
        pos = 0
        while True:
            candidate = self._search.search(text, pos)
            if candidate is None:
                return found
            hit = self._at(text, candidate.start())
            if hit is None:  # what looked like a name is ordinary words
                pos = candidate.start() + 1
                continue
            found.append(hit)
            pos = hit.end

    def may_find(self, text: str) -> bool:
        """False when find(text) is surely empty: nothing in it even looks like a name."""
        return self._search.search(text) is not None

    def _at(self, text: str, start: int) -> Found | None:
        for number, (source, owner, letters) in enumerate(self._entries):
            regex = self._compiled.get(number)
            if regex is None:
                regex = self._compiled[number] = re.compile(source)
            match = regex.match(text, start)
            if match is not None and (not letters or _plausible(match, letters)):
                return Found(start, match.end(), owner)
        return None


def _whole(pattern: str) -> str:
    return WORD_START + "(?:" + pattern + ")(?=" + NAME_SUFFIX + WORD_END + ")"


def _name(parts: list[str], disguised: bool, hidden: bool, *, grouped: bool) -> str:
    first = True
    out = []
    for index, part in enumerate(parts):
        letters = []
        for position, letter in enumerate(part):
            last = index == len(parts) - 1 and position == len(part) - 1
            letters.append(_letter(letter, first=first, last=last, disguised=disguised))
            first = False
        body = (_GAP if disguised else "").join(letters)
        out.append(f"(?P<p{index}>{body})" if grouped else body)
    return (_PARTS_GAP if hidden else _STRICT_GAP).join(out)


def _letter(letter: str, *, first: bool, last: bool, disguised: bool) -> str:
    single, pair, _ = _letter_parts(letter, first=first, last=last, disguised=disguised)
    return f"(?:{single}|{pair})" if pair else single


def _letter_parts(letter: str, *, first: bool, last: bool, disguised: bool,
                  ) -> tuple[str, str, str]:
    """What a letter of a name is matched by: one character (the letter, or a class of it and
    what passes for it), two letters that read as it ('' when none), and the characters the
    one may be."""
    own = "iI" if letter == "i" else letter
    if disguised:
        own += _FIRST.get(letter, "") if first else _LOOKS.get(letter, "")
        if last:  # 'Ali!' is Ali; 'al!' is no Ali (a name ending in '!' keeps its own)
            own = own[0] + own[1:].replace("!", "")
    chars = _class_chars(dict.fromkeys(own))
    single = re.escape(letter) if len(own) == 1 else f"[{chars}]"
    return single, _PAIRS[letter] if disguised and letter in _PAIRS else "", own


def _class_chars(chars: Iterable[str]) -> str:
    return "".join(re.escape(c) if c in "\\]^-[" else c for c in chars)


def _starting(heads: list[tuple[tuple[str, str, str], str]]) -> str:
    """The pattern of _whole over names, each given as (_letter_parts of its first letter,
    the rest of its pattern), written to start with the class of every first character: the
    regular expression engine then skips at C speed to where a name may start, instead of
    trying every name at every character (a tenth of the time, or less, over the 17 MB of
    public texts of 4,000 meetings). A name starts where its first character was read: a
    look back at it, and at the character before it for a word's start."""
    firsts: dict[str, None] = {}
    options = []
    for (single, pair, own), rest in heads:
        firsts.update(dict.fromkeys(own + pair[:1]))
        behind = f"(?<={single})"
        if pair:
            behind = f"(?:{behind}|(?<={re.escape(pair[0])}){re.escape(pair[1:])})"
        options.append(behind + rest)
    return (f"[{_class_chars(firsts)}]" + r"(?<![^\W_].)(?:" + "|".join(options)
            + ")(?=" + NAME_SUFFIX + WORD_END + ")")


def _plausible(match: re.Match[str], letters: int) -> bool:
    """A disguised spelling that is a name, not ordinary text: enough real letters, not too
    many look-alike marks, and no piece that is a common word where spaces split it."""
    text = match.group(0)
    marks = sum(1 for c in text if c in _MARKS)
    real = sum(1 for c in text if c.isalpha())
    if real < 2 or marks > letters // 2:
        return False
    for part in match.groups():
        pieces = [_HARD.sub("", piece).lower() for piece in _SPACES.split(part.strip())]
        pieces = [piece for piece in pieces if piece]
        if len(pieces) > 1 and any(len(p) > 1 and p in COMMON_WORDS for p in pieces):
            return False
    return True
