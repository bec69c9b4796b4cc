"""Problems found while loading or validating a body: data, never printed here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Msg:
    """A message in English and Dutch; the language is chosen when it is shown."""

    en: str
    nl: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self, lang: str = "en") -> str:
        template = self.nl if lang == "nl" else self.en
        params = {k: v.render(lang) if isinstance(v, Msg) else v for k, v in self.params.items()}
        return template.format(**params)


def msg(en: str, nl: str, /, **params: object) -> Msg:
    return Msg(en, nl, params)


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
        self.message = message if isinstance(message, Msg) else Msg(message, message)
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


def hints(word: str, choices: Iterable[str]) -> dict[str, str]:
    """Parameters hint_en / hint_nl for a Msg: ' (did you mean X?)' or ''."""
    best = closest(word, choices)
    if best is None:
        return {"hint_en": "", "hint_nl": ""}
    return {"hint_en": f" (did you mean '{best}'?)", "hint_nl": f" (bedoelde je '{best}'?)"}
