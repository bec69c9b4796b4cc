"""Problems found while loading or validating a body: data, never printed here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Msg:
    """A message whose English text is its catalog id; the language is chosen when it is
    shown (see words.py)."""

    text: str
    params: dict[str, object] = field(default_factory=dict)
    context: str = ""

    def render(self, lang: str = "en") -> str:
        from kwartaal.core.words import tr

        template = tr(self.text, lang, self.context)
        params = {k: v.render(lang) if hasattr(v, "render") else printable(v)
                  for k, v in self.params.items()}
        return template.format(**params)


# A file name that is not valid UTF-8 reaches Python with its bytes as lone surrogates
# (U+DC80-U+DCFF for the bytes 0x80-0xFF).
_UNDECODED = re.compile("[\ud800-\udfff]")


def printable(value: object) -> object:
    """A text or path as every output shows it: a byte of a name that is not UTF-8 as \\xff
    (never the raw byte on one stream and \\udcff on another); other values as they are."""
    text = str(value) if isinstance(value, PurePath) else value
    if not isinstance(text, str) or text.isascii() or not _UNDECODED.search(text):
        return value
    return _UNDECODED.sub(lambda found: f"\\x{ord(found.group()) - 0xDC00:02x}"
                          if "\udc80" <= found.group() <= "\udcff"
                          else f"\\u{ord(found.group()):04x}", text)


@dataclass(frozen=True, slots=True)
class Said:
    """Text already rendered in each language (by the merge driver, another process)."""

    texts: dict[str, str]

    def render(self, lang: str = "en") -> str:
        return self.texts.get(lang) or self.texts.get("en", "")


@dataclass(frozen=True, slots=True)
class Joined:
    """Several messages shown as one, in whichever language the whole is shown."""

    parts: tuple[object, ...]
    separator: object = "; "

    def render(self, lang: str = "en") -> str:
        separator = self.separator
        if hasattr(separator, "render"):
            separator = separator.render(lang)
        return str(separator).join(p.render(lang) if hasattr(p, "render") else str(p)
                                   for p in self.parts)


def msg(text: str, /, **params: object) -> Msg:
    return Msg(text, params)


def msg_later(text: str, /, **params: object) -> Callable[[], Msg]:
    """msg(text, **params) when called: a message needed only if something is wrong (the
    place of each of 300,000 records that `check` looks at) is made only then."""
    return partial(Msg, text, params)


def pmsg(context: str, text: str, /, **params: object) -> Msg:
    """A message whose English is shared with another one that Dutch says differently."""
    return Msg(text, params, context)


@dataclass(frozen=True, slots=True)
class Problem:
    path: Path
    line: int | None
    severity: Severity
    message: Msg

    def text(self, lang: str = "en") -> str:
        return self.message.render(lang)


class KwartaalError(Exception):
    """An error the user can act on; the CLI prints it and exits 1."""

    def __init__(self, message: Msg | str, *, exit_code: int = 1) -> None:
        self.message = message if isinstance(message, Msg) else Msg(message)
        self.exit_code = exit_code
        super().__init__(self.message.render("en"))

    def render(self, lang: str = "en") -> str:
        return self.message.render(lang)


class InvalidBody(KwartaalError):
    """The body's files have errors, so what needs sound data refuses. The message names the
    first; the command line adds how to see them all (a program has kwartaal.check)."""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The nearest known name to a mistyped one, for did-you-mean hints."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def hints(word: str, choices: Iterable[str]) -> dict[str, object]:
    """The parameter `hint` of a Msg: ' (did you mean X?)' or ''."""
    best = closest(word, choices)
    return {"hint": msg(" (did you mean '{best}'?)", best=best) if best is not None else ""}
