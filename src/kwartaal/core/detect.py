"""Contact details, bank accounts and citizen service numbers in text, as a reader sees them.

The repository is cloned by every partner, police included, with its history: for anyone who is
not `named`, no phone number, e-mail address, bank account or citizen service number may stand
in the body's files. Numbers are looked for after typography is made plain (any dash, full-width
forms, invisible characters, 'jan(at)example.org'), and messages show them masked.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from kwartaal.core import model as m
from kwartaal.core.problems import Msg, Problem, msg

# Linear time: a match may only start where a run of address characters starts. Without the
# look-behind every position of a long run was tried again to its end (100,000 letters: 31 s).
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


_PHONE_HINT = re.compile(r"\+?\(?\d[\d \-()./]{7,}\d")


# (and a range of times written with dots, 'ma 09.00-12.00': no 0900 number; and a date
# written day first, '06-10-2025 19.00 uur')
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}|(?<![\d.])(?:[01]?\d|2[0-3])\.[0-5]\d\s*-\s*"
                   r"(?:[01]?\d|2[0-3])\.[0-5]\d(?!\.?\d)|(?<![\d./-])(?:0?[1-9]|[12]\d|3[01])"
                   r"([-/.])(?:0?[1-9]|1[0-2])\1(?:19|2\d)\d\d(?![\d/-]|\.\d)")


# Characters a text must hold for any of the above to be in it: a digit (what str.isdigit
# takes, superscripts too) or an '@', and for a reader's eye anything past U+2000, which
# _readable may turn into one. Searched for, instead of testing every character in Python
# (a tenth of a site of a thousand pages); made when first needed.
@cache
def _hint() -> re.Pattern[str]:
    """A digit up to U+2000 or an '@'."""
    return re.compile("[" + re.escape("".join(
        chr(c) for c in range(0x2001) if chr(c).isdigit() or chr(c) == "@")) + "]")


_WIDE = re.compile("[^\\x00-\\u2000]")  # a character past U+2000


@cache
def _may_hold() -> re.Pattern[str]:
    """One search for what a text holds when it may hold a contact detail, but for an
    address spelled out (_MAY_BE_SPELLED): a digit up to U+2000 or an '@' (_hint), a
    character past U+2000 (_WIDE), a bracket an '@' may be written in (_MAY_BE_AT), an
    entity or an escape."""
    return re.compile(_hint().pattern[:-1] + re.escape("&\\") + _MAY_BE_AT.pattern[1:-1]
                      + "\\u2001-\\U0010ffff]")


def _hinted(line: str) -> bool:
    """any(ch.isdigit() or ch == "@" for ch in line)."""
    return _hint().search(line) is not None or (_WIDE.search(line) is not None and any(
        ch.isdigit() for ch in line if ord(ch) > 0x2000))


# A line written with --allow-private carries this comment; the lint accepts that line.
MARKER = "# kwartaal: allow-private"


# 'jan(at)example.org', 'jan [at] example.org', 'jan<@>example.org', 'jan @ example.org',
# 'jan%40example.org' (decoded before): an address to a reader, or a browser, all the same;
# and so are 'example(dot)org', 'example[.]org' and 'jan at example dot org', spelled out
# (Each may start only where a run of what it starts with starts: linear time, see _EMAIL.)
# '(a)' too, but only before a domain that ends in a common top-level domain: in 'jan (a)
# example.org' it is an '@'; in 'bijlage (a) begroting.pdf' it is none.
# A common top-level domain, ending the word ('punt info-avond' is none); spelled out or
# spaced, not 'de' or 'nu', which are Dutch ('op dit punt de volgende keer', '@roos · de').
_TLD = r"(?:nl|be|com|org|net|eu|de|info|nu|io|uk|fr|frl)(?![\w-])"
_SPELLED_TLD = r"(?:nl|be|com|org|net|eu|info|io|uk|fr|frl)(?![\w-])"
_AT = re.compile(r"(?<!\s)\s*(?:[(\[{<«]\s*(?:at|apenstaartje|@)\s*[)\]}>»]|[(\[{<«]\s*a\s*"
                 r"[)\]}>»](?=\s*[\w-]+(?:\.[\w-]+)*\." + _TLD + r")|@+)\s*", re.IGNORECASE)
_DOT = re.compile(r"(?<!\s)\s*[(\[{<«]\s*(?:dot|punt|\.)\s*[)\]}>»]\s*", re.IGNORECASE)
# (spelled out, an address ends in a common top-level domain: 'At elk punt apart' is none;
# its dots spelled out: 'slides are at soa.nl' is no address, nor 'informatie op soa.nl';
# 'op' is the Dutch 'at')
_SPELLED = re.compile(r"(?<![\w.+-])([\w.+-]+)\s+(?:at|apenstaartje|op)\s+((?:[\w-]+\s+"
                      r"(?:dot|punt)\s+)+" + _SPELLED_TLD + ")", re.IGNORECASE)
_SPELLED_DOT = re.compile(r"\s+(?:dot|punt)\s+", re.IGNORECASE)
# What each of _AT and _SPELLED cannot match without, found at a tenth of their cost: a text
# with neither is searched by neither
_MAY_BE_AT = re.compile(r"[(\[{<«@]")
_MAY_BE_SPELLED = re.compile(r"[dp](?:ot|unt)", re.IGNORECASE)
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # '06\-1234' shows '06-1234'
# a web address: a meeting's id in one is no citizen service number
_URL = re.compile(r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*://\S+")


_IBAN_RUN = re.compile(r"[A-Za-z]{2}[\s.\-]{0,3}\d{2}(?:[\s.\-]{0,3}[A-Za-z0-9]){11,30}")


_GROUPED_NINE = re.compile(r"(?<![\d\-])\d(?:[ .\-]?\d){8}(?![\d\-])")


def is_marked(line: str) -> bool:
    """Whether a line carries kwartaal's allow-private marker as a comment after its value:
    the words typed inside a text do not count."""
    stripped = line.rstrip()
    if not stripped.endswith(MARKER):
        return False
    head = stripped[:-len(MARKER)].rstrip()
    import tomllib

    for candidate in (head, f"x = [{head}]"):  # a key's line, or an entry of a list
        try:
            values = tomllib.loads(candidate)
        except tomllib.TOMLDecodeError:
            continue
        return MARKER not in repr(values)
    return False


def personal_number(value: str) -> bool:
    """Whether a value is a bank account or a citizen service number."""
    return bool(_ibans(_readable(value))) or any(
        valid_bsn(digits(found)) for found in _GROUPED_NINE.findall(_readable(value)))


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def scan_text(path: Path, text: str, allowed_text: set[str],
              allowed_digits: set[str]) -> list[Problem]:
    """Contact details, bank accounts and citizen service numbers, line by line, as a reader
    would see them (see _readable)."""
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if is_marked(raw):
            continue
        line = _readable(raw)
        if not _hinted(line):
            continue
        for found in _EMAIL.findall(line):
            if found.lower() not in allowed_text:
                problems.append(_found(path, number, msg("an e-mail address"), found))
        for found in _ibans(line):
            if found.lower() in allowed_text:
                continue
            problems.append(_found(path, number, msg("a bank account number (IBAN)"),
                                   found))
        for found in _GROUPED_NINE.findall(_URL.sub(" ", line)):
            if valid_bsn(digits(found)) and digits(found) not in allowed_digits:
                problems.append(_found(path, number, msg("a citizen service number (BSN)"),
                                       found))
        undated = _DATE.sub(" ", line)  # ISO dates and times are not phone numbers
        if _PHONE_HINT.search(undated):
            for found in _phone_numbers(undated):
                if digits(found) not in allowed_digits:
                    problems.append(_found(path, number, msg("a phone number"), found))
    return problems


def contact_details(text: str) -> list[str]:
    """The e-mail addresses, bank accounts, citizen service numbers and phone numbers in a
    text, as read by a reader (see _readable), whether its lines are marked or not."""
    found: list[str] = []
    lines = text.splitlines()
    for raw in lines:
        line = _readable(raw)
        if not _hinted(line):
            continue
        found += _EMAIL.findall(line) + _ibans(line)
        found += [f for f in _GROUPED_NINE.findall(_URL.sub(" ", line)) if valid_bsn(digits(f))]
        undated = _DATE.sub(" ", line)
        if _PHONE_HINT.search(undated):
            found += _phone_numbers(undated)
    if len(lines) > 1 and "@" in text:
        # an address parted by a line break reads as one in a page, where the break is a
        # space ('jan@' and 'example.org'); found only in the lines joined, it is not in the
        # text as it stands, so a public text holding one is refused rather than shown. (Not
        # numbers: the figures of a table, or '09.00' and '12.00' on two lines, read as one.)
        found += [address for address in _EMAIL.findall(_readable(" ".join(lines)))
                  if address not in found]
    return found


def without_contact_details(value: str, allowed: tuple[set[str], set[str]],
                            placeholder: str) -> str | None:
    """A text with its contact details (a line marked --allow-private may hold them) replaced
    by placeholder, for public output; public addresses (allowed) stay. None when one is
    written in a form only a reader's eye joins up, so it cannot be replaced where it is."""
    if not _may_hold_details(value):
        return value  # no digit, no '@' in any form, no entity or escape, nothing past U+2000
    allowed_text, allowed_digits = allowed
    written = value
    for found in dict.fromkeys(contact_details(value)):  # (each once: replaced everywhere)
        if found.strip().lower() in allowed_text or digits(found) in allowed_digits:
            continue
        if found not in written:
            return None
        value = value.replace(found, placeholder)
    return value


def _may_hold_details(value: str) -> bool:
    """False when contact_details(value) is surely empty, found at a tenth of its cost: it
    finds only what a line holds, as read (_readable), with a digit or an '@' in it. Without a
    digit, '@', bracket, entity, escape or percent-escape, or a character past U+2000
    (_may_hold), a text's reading changes only by its letters (_plain_forms: compatibility
    forms such as '¼' or 'ᵈ', look-alikes; and invisible characters left out) and by the
    spelled-out and bracketed addresses, which need 'dot' or 'punt' or a bracket in them."""
    if _may_hold().search(value) is not None or "%" in value:
        return True
    if not value.isascii():  # (any character past U+2000 it gives is a hint: _may_hold)
        value = _invisible_below_wide().sub("", _plain_forms(value))
        if _may_hold().search(value) is not None:
            return True
    return _MAY_BE_SPELLED.search(value) is not None


def _plain_forms(text: str) -> str:
    """Compatibility forms as their plain form (NFKC), and letters that pass for Latin ones
    as those: 'jan@example.оrg' with a Cyrillic 'о' reads as an address."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    return text if text.isascii() else text.translate(_LOOK_ALIKES)


@cache
def _invisible_below_wide() -> re.Pattern[str]:
    """The format characters (Unicode's category Cf, which a reader does not see) up to
    U+2000."""
    import unicodedata

    return re.compile("[" + "".join(re.escape(chr(code)) for code in range(0x2001)
                                    if unicodedata.category(chr(code)) == "Cf") + "]")


def _readable(line: str) -> str:
    """A line as a reader sees it: entities and percent-escapes decoded, compatibility forms
    ('＠', '﹫', full-width digits), invisible characters, Markdown's escapes, any kind of
    dash, and every way of writing an address above (_AT, _DOT, _SPELLED) made plain, so that
    a number or an address cannot hide behind typography."""
    if line.isascii() and not _MAY_HIDE.search(line):
        return line
    import html
    import unicodedata
    from urllib.parse import unquote

    # a TOML string's escapes first: 'jan\u0040…' is an '@', 'jan\\@…' Markdown's 'jan\@…'
    text = _TOML_ESCAPE.sub(_unescaped, line) if "\\" in line else line
    for _ in range(4):  # until none is left, as the last search reads ('&amp;#64;' is '@')
        if "&" not in text or (decoded := html.unescape(text)) == text:
            break
        text = decoded
    text = _plain_forms(unquote(text) if "%" in text else text)
    text = "".join("-" if unicodedata.category(c) == "Pd" or c == "\u2212" else c
                   for c in text if unicodedata.category(c) != "Cf")
    text = _SPELLED.sub(lambda found: found.group(1) + "@" + _SPELLED_DOT.sub(
        ".", found.group(2)), _MARKDOWN_ESCAPE.sub(r"\1", text))
    text = _DOT.sub(".", _AT.sub("@", text))
    if "@" in text:  # 'jan@example . org', 'jan@example punt nl', 'jan@example∙org'
        text = _SPACED_DOMAIN.sub(lambda found: "@" + ".".join(
            _DOMAIN_PARTS.split(found.group(1))), text)
    return _DIGITS_JOINED.sub("-", text) if "_" in text or "~" in text or not \
        text.isascii() else text


# A domain after an '@' whose dots are spaced ('example . org', not a sentence's end:
# 'soa.nl. De …'), spelled out or another dot-like character, ending in a common top-level
# domain; a number's digits parted by marks that read as a dash.
_DOTS = "[.\u3002\u00b7\u2022\u2219\u22c5]"
_DOMAIN_DOT = r"(?:\s+" + _DOTS + r"\s*|" + _DOTS + r"|\s+(?:dot|punt)\s+)"
_SPACED_DOMAIN = re.compile(r"@([\w-]+(?:" + _DOMAIN_DOT + r"[\w-]+)*?(?:\." + _TLD
                            + r"|(?:\s+" + _DOTS + r"\s*|" + _DOTS + r"|\s+(?:dot|punt)\s+)"
                            + _SPELLED_TLD + "))", re.IGNORECASE)
_DOMAIN_PARTS = re.compile(_DOMAIN_DOT, re.IGNORECASE)
_DIGITS_JOINED = re.compile(r"(?<=\d)[_~\u00b7\u2022\u2219\u22c5](?=\d)")


class _LookAlikes(dict[int, str]):
    """A letter or digit of another script that reads as an ASCII one, as that one (the fold
    public output is searched in, core/folding.py); every other character as it is. Filled as
    characters are met, for str.translate."""

    def __missing__(self, code: int) -> str:
        from kwartaal.core.folding import fold_char

        char = chr(code)
        folded = fold_char(char) if code > 0x7F and char.isalnum() else char
        found = self[code] = folded if len(folded) == 1 and folded.isascii() and \
            folded.isalnum() else char
        return found


_LOOK_ALIKES = _LookAlikes()

# What an ASCII line must hold for _readable to change it.
_MAY_HIDE = re.compile(r"(?i)at|apen|punt|dot|@|%|&|\\|[(\[{<]\s*a\s*[)\]}>]|\d[_~]\d")
# The escapes of a TOML basic string that can write what a reader of its value sees: a
# character by its number, and a backslash (taken in pairs from the left, as TOML reads them).
_TOML_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(\\))")


def _unescaped(found: re.Match[str]) -> str:
    if found.group(3):
        return "\\"
    code = int(found.group(1) or found.group(2), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:  # no character: TOML refuses it
        return found.group(0)
    return chr(code)


# IBAN lengths by country (ISO 13616 registry): one candidate per run instead of twenty.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
    "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}


def _ibans(line: str) -> list[str]:
    """Valid IBANs in a line, in capitals or not, grouped in any way."""
    found = []
    for run in _IBAN_RUN.finditer(line):
        compact = re.sub(r"[\s.\-]", "", run.group(0)).upper()
        length = IBAN_LENGTHS.get(compact[:2])
        if length is not None and len(compact) >= length and valid_iban(compact[:length]):
            found.append(_first_characters(run.group(0), length))
    return found


def _first_characters(text: str, count: int) -> str:
    """text up to its count-th letter or digit: an account number without the words a run
    of letters and digits takes after it ('NL91ABNA0417164300 please')."""
    seen = 0
    for end, char in enumerate(text):
        seen += char.isalnum()
        if seen == count:
            return text[:end + 1].strip()
    return text.strip()


def _found(path: Path, line: int, what: Msg, value: str) -> Problem:
    return Problem(path, line, "error", msg(
        "privacy: {what} ('{value}') in the body's files; every partner who clones the "
        "repository sees it, history included. Remove it (or, for a public address of an "
        "organisation, list it under [privacy] allow in kwartaal.toml)",
        what=what, value=masked(value), raw=value))


def masked(value: str) -> str:
    """A found number or address as a message may show it: enough to find it in the file,
    not enough to use it ('06-1•••••78'). Messages end up in terminals, logs and CI output."""
    positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    hide = set(positions[3:-2]) if len(positions) > 6 else set(positions[1:])
    return "".join("•" if i in hide else ch for i, ch in enumerate(value))


def valid_iban(candidate: str) -> bool:
    """An IBAN by ISO 13616: its check digits first (ISO 7064 MOD 97-10: the country and check
    digits moved to the end, letters counted as 10 to 35, the number leaves 1 when divided by
    97), then the layout of its country's account number (python-stdnum), asked only of the
    one candidate in 97 that passes: ordinary words after 'de 22' must not be taken for a
    German account, and stdnum's import costs more than a whole check of a small body."""
    if not candidate.isascii() or not candidate.isalnum() or not candidate[2:4].isdigit():
        return False
    moved = candidate[4:] + candidate[:4]
    if int("".join(str(int(ch, 36)) for ch in moved)) % 97 != 1:
        return False
    from stdnum import iban

    return bool(iban.is_valid(candidate))


def valid_bsn(candidate: str) -> bool:
    """The Dutch citizen service number's eleven test: nine digits, weighted 9 down to 2 and
    the last by -1, add up to a multiple of 11 (and not to 0)."""
    if len(candidate) != 9 or not candidate.isdecimal():  # any script's digits count
        return False
    total = sum(int(digit) * weight for digit, weight in zip(
        candidate, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0 and int(candidate) != 0


def _phone_numbers(line: str) -> list[str]:
    import phonenumbers

    return [match.raw_string for match in phonenumbers.PhoneNumberMatcher(
        line, "NL", leniency=phonenumbers.Leniency.VALID)]


def allowed_values(body: m.Body) -> tuple[set[str], set[str]]:
    """Public addresses and numbers: [privacy] allow, and named people's own details."""
    # A bank account or a citizen service number is never a public address: the allow list
    # does not make one acceptable.
    allow = [a for a in body.config.privacy_allow if not personal_number(a)]
    allowed_text = {a.strip().lower() for a in allow}
    allowed_digits = {digits(a) for a in allow if digits(a)}
    for person in body.people.values():
        if person.is_named:
            if person.email:
                allowed_text.add(person.email.lower())
            if person.phone:
                allowed_digits.add(digits(person.phone))
    return allowed_text, allowed_digits
